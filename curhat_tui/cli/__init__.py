"""`curhat`: start the workstation (on the embedded practice channel unless told otherwise).

The sub-commands live one to a module: run (the workstation itself), intake, client, llm_key, logout,
risk_scan, serve (the supervisor's screen in a browser);
args holds the command lines and passphrase what the terminal asks for. Nothing here loads Textual
or touches the data dir until a command runs.
"""

from __future__ import annotations

import sys

from curhat_tui.cli.args import build_parser

__all__ = ["build_parser", "main"]


# The options each command shares with the workstation's own command line
TAKES = {"intake": {"--data-dir"}, "logout": {"--data-dir"}, "llm-key": {"--data-dir"}, "risk-scan": {"--lang"},
         "serve": {"--data-dir", "--lang"}, "client": {"--data-dir", "--lang"}}


def command_first(argv: list[str]) -> list[str]:
    """`curhat --lang en risk-scan x.txt` as `curhat risk-scan x.txt --lang en`: options a command shares with the
    workstation, given before the command's name, moved after it. Anything else is left as it was given."""
    k, lifted = 0, []
    while k < len(argv) and argv[k].split("=", 1)[0] in {"--data-dir", "--lang"}:
        width = 1 if "=" in argv[k] else 2
        lifted.append(argv[k:k + width])
        k += width
    command = argv[k] if k < len(argv) else ""
    if not lifted or command not in TAKES or any(opt[0].split("=", 1)[0] not in TAKES[command] for opt in lifted):
        return argv
    return [command, *argv[k + 1:], *(word for opt in lifted for word in opt)]


def main(argv: list[str] | None = None) -> int:
    argv = command_first(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["intake"]:
        from curhat_tui.cli.intake import intake_main

        return intake_main(argv[1:])
    if argv[:1] == ["logout"]:
        from curhat_tui.cli.logout import logout_main

        return logout_main(argv[1:])
    if argv[:1] == ["llm-key"]:
        from curhat_tui.cli.llm_key import llm_key_main

        return llm_key_main(argv[1:])
    if argv[:1] == ["risk-scan"]:
        from curhat_tui.cli.risk_scan import risk_scan_main

        return risk_scan_main(argv[1:])
    if argv[:1] == ["serve"]:
        from curhat_tui.cli.serve import serve_main

        return serve_main(argv[1:])
    if argv[:1] == ["client"]:
        from curhat_tui.cli.client import client_main

        return client_main(argv[1:])
    args = build_parser().parse_args(argv)
    from curhat_tui.cli.run import run_main

    return run_main(args)


if __name__ == "__main__":
    sys.exit(main())
