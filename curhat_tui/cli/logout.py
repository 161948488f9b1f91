"""`curhat logout`: log a Matrix account out and remove its saved login (from the keyring, or from the
encrypted database on a machine without one)."""

from __future__ import annotations

import sys

from curhat_tui.cli.args import service_parser


def logout_main(argv: list[str]) -> int:
    import asyncio

    from curhat_tui.channels.matrix.login import LoginError, logout
    from curhat_tui.cli.passphrase import configured_catalogue, login_fallback
    from curhat_tui.paths import resolve_data_dir
    from curhat_tui.storage.database_key import KeyUnavailable
    from curhat_tui.storage.store import StoreError

    parser = service_parser("curhat logout", "Log out and remove the saved Matrix login.")
    parser.add_argument("--key-file", metavar="PATH", help="the database key file, on a machine without an OS keyring")
    args = parser.parse_args(argv)
    data_dir = resolve_data_dir(args.data_dir)
    t = configured_catalogue(data_dir)
    try:
        fallback = login_fallback(data_dir, args.key_file, t)
        removed = asyncio.run(logout(args.homeserver, args.user, fallback))
    except (LoginError, KeyUnavailable, StoreError, EOFError, KeyboardInterrupt) as exc:
        print(f"curhat logout: {exc}", file=sys.stderr)
        return 1
    print(t("cli.logout.done" if removed else "cli.logout.none"))
    return 0
