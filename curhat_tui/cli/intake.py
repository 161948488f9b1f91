"""`curhat intake`: the organisation's intake account on Matrix (consent, intake, claims)."""

from __future__ import annotations

import sys

from curhat_tui.cli.args import service_parser
from curhat_tui.cli.passphrase import matrix_password


def intake_main(argv: list[str]) -> int:
    """Consent, intake and claims for the organisation, until interrupted."""
    import asyncio
    import logging

    from curhat_tui.channels.matrix.login import LoginError, connect
    from curhat_tui.config.datafiles import DataError, load_all
    from curhat_tui.intake.service import IntakeService
    from curhat_tui.paths import intake_state, resolve_data_dir

    parser = service_parser("curhat intake", "Run the organisation's intake account on Matrix.")
    parser.add_argument("--supervisor", action="append", default=[], metavar="@NAME:SERVER",
                        help="give this account the supervisor's role (repeat for each supervisor)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    try:
        data = load_all()
    except DataError as exc:
        print(f"curhat intake: a data file is broken:\n  {exc}", file=sys.stderr)
        return 2

    async def run() -> None:
        api = await connect(args.homeserver, args.user, matrix_password(args.user))
        service = IntakeService(api, data, state_file=intake_state(resolve_data_dir(args.data_dir)),
                                supervisors=args.supervisor)
        print(f"curhat intake: running as {api.user_id}; Ctrl+C stops", file=sys.stderr)
        try:
            await service.run()
        finally:
            await api.close()

    try:
        asyncio.run(run())
    except LoginError as exc:
        print(f"curhat intake: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    return 0
