"""The command lines: `curhat` itself, the Matrix service commands (`curhat intake`, `curhat logout`) and `curhat serve`."""

from __future__ import annotations

import argparse

from curhat_tui import __version__

SERVE_PORT = 8000  # `curhat serve`'s default port
PUBLIC_FLAG = "--expose-unauthenticated"  # `curhat serve` on a non-loopback address: says what it gives up


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="curhat",
        description="Terminal workstation for online counseling and peer support. Without a homeserver it runs "
                    "the embedded PRACTICE mode with simulated clients.",
    )
    parser.add_argument("--version", action="version", version=f"curhat-tui {__version__}")
    parser.add_argument("--data-dir", metavar="DIR", help="where the database lives (also $CURHAT_DATA_DIR)")
    parser.add_argument("--lang", choices=("id", "en"), help="interface and script language (default: id)")
    parser.add_argument("--name", metavar="NAME", help="the counselor's display name")
    parser.add_argument("--seed", type=int, metavar="N", help="seed of the practice simulation (reproducible days)")
    parser.add_argument("--typing-speed", type=float, default=1.0, metavar="X",
                        help="how fast simulated clients type; 0 = instantly (default: 1)")
    parser.add_argument("--role", choices=("counselor", "trainee", "supervisor"),
                        help="trainee: practice only, never real clients (default: counselor)")
    parser.add_argument("--key-file", metavar="PATH",
                        help="database key file, for machines without an OS keyring (never inside the data dir)")
    parser.add_argument("--homeserver", metavar="URL", help="Matrix homeserver: real clients instead of practice")
    parser.add_argument("--user", metavar="@NAME:SERVER", help="your Matrix user id (with --homeserver)")
    parser.add_argument("--intake", metavar="@NAME:SERVER",
                        help="your service's intake account (with --homeserver; default @intake on your server): "
                             "only it is believed about the roster, the queue and sessions")
    parser.add_argument("--persona", metavar="ID",
                        help="practice: this simulated client joins the queue first (ids in data/personas.toml)")
    parser.add_argument("--difficulty", choices=("easy", "normal", "hard"),
                        help="practice: how hard simulated clients are to reach (default: normal)")
    parser.add_argument("--llm-url", metavar="URL",
                        help="practice: an OpenAI-compatible server (llama.cpp, Ollama, vLLM) that voices the clients; "
                             "its key, if any, is stored with 'curhat llm-key'")
    parser.add_argument("--llm-model", metavar="NAME", help="practice: the model name for --llm-url")
    parser.epilog = ("Other commands: 'curhat intake --homeserver URL --user @intake:server' runs the organisation's "
                     "intake service; 'curhat logout --homeserver URL --user @name:server' removes the saved login; "
                     "'curhat client show|export|withdraw|delete ALIAS' serves a client's rights (UU PDP); "
                     "'curhat serve' shows the supervisor's screen in a browser.")
    return parser


def serve_parser() -> argparse.ArgumentParser:
    """`curhat serve`: the supervisor's screen in a browser (cli/serve.py says why the address is guarded)."""
    parser = argparse.ArgumentParser(
        prog="curhat serve",
        description="The supervisor's screen in a browser, through textual-serve: each browser tab runs "
                    "'curhat --role supervisor' on this data dir. textual-serve has no authentication, so it listens on "
                    "127.0.0.1 only; come in through an SSH tunnel (ssh -L 8000:127.0.0.1:8000 supervisor-host).")
    parser.add_argument("--host", default="127.0.0.1", metavar="ADDRESS",
                        help=f"address to listen on (default: 127.0.0.1); any other needs {PUBLIC_FLAG}")
    parser.add_argument("--port", type=_port, default=SERVE_PORT, metavar="N", help=f"(default: {SERVE_PORT})")
    parser.add_argument(PUBLIC_FLAG, action="store_true",
                        help="listen on a non-loopback --host although nobody is asked who they are")
    parser.add_argument("--data-dir", metavar="DIR", help="where the database lives (also $CURHAT_DATA_DIR)")
    parser.add_argument("--lang", choices=("id", "en"), help="interface language (default: the config's, else id)")
    parser.add_argument("--name", metavar="NAME", help="the supervisor's display name")
    parser.add_argument("--key-file", metavar="PATH",
                        help="database key file, for machines without an OS keyring (never inside the data dir)")
    return parser


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text} is not a TCP port (1-65535)")
    return port


def service_parser(prog: str, description: str) -> argparse.ArgumentParser:
    """The options every command that logs a Matrix account in shares."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--homeserver", metavar="URL", required=True)
    parser.add_argument("--user", metavar="@NAME:SERVER", required=True)
    parser.add_argument("--data-dir", metavar="DIR", help="where local state lives (also $CURHAT_DATA_DIR)")
    return parser
