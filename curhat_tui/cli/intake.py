"""`curhat intake`: the organisation's intake account on Matrix (consent, intake, the roster, claims)."""

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
    from curhat_tui.config.settings import ConfigError, load_roster
    from curhat_tui.intake.service import IntakeService
    from curhat_tui.paths import intake_state, resolve_data_dir

    parser = service_parser("curhat intake", "Run the organisation's intake account on Matrix. The roster (who may "
                                             "counsel and who supervises) is reconciled at every start: accounts "
                                             "left out lose their access.")
    parser.add_argument("--counselor", action="append", default=[], metavar="@NAME:SERVER",
                        help="a counselor on the roster (repeat for each; also [intake] counselors in config.toml)")
    parser.add_argument("--supervisor", action="append", default=[], metavar="@NAME:SERVER",
                        help="a supervisor on the roster (repeat for each; also [intake] supervisors in config.toml)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per request drowns what the intake has to say
    data_dir = resolve_data_dir(args.data_dir)
    try:
        data = load_all()
        counselors, supervisors = load_roster(data_dir)
        service = IntakeService(None, data, state_file=intake_state(data_dir),  # type: ignore[arg-type]
                                counselors=counselors + args.counselor, supervisors=supervisors + args.supervisor)
    except (DataError, ConfigError, ValueError) as exc:
        print(f"curhat intake: {exc}", file=sys.stderr)
        return 2
    if not service.roster.counselors:
        print("curhat intake: no counselor on the roster: add --counselor @name:server (or [intake] counselors in "
              "config.toml); nobody could take a client", file=sys.stderr)
        return 2

    async def run() -> None:
        service.api = await connect(args.homeserver, args.user, matrix_password(args.user))
        print(f"curhat intake: running as {service.api.user_id} with {len(service.roster.counselors)} counselor(s) "
              f"and {len(service.roster.supervisors)} supervisor(s); Ctrl+C stops", file=sys.stderr)
        try:
            await service.run()
        finally:
            await service.api.close()

    try:
        asyncio.run(run())
    except LoginError as exc:
        print(f"curhat intake: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    return 0
