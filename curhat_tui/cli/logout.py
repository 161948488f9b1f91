"""`curhat logout`: log a Matrix account out and remove its saved login from the keyring."""

from __future__ import annotations

import sys

from curhat_tui.cli.args import service_parser


def logout_main(argv: list[str]) -> int:
    import asyncio

    from curhat_tui.channels.matrix.login import LoginError, logout

    args = service_parser("curhat logout", "Log out and remove the saved Matrix login.").parse_args(argv)
    try:
        removed = asyncio.run(logout(args.homeserver, args.user))
    except LoginError as exc:
        print(f"curhat logout: {exc}", file=sys.stderr)
        return 1
    print("curhat logout: " + ("logged out; token and device id removed from the keyring" if removed
                               else "no saved login for that user"))
    return 0
