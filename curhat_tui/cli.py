"""`curhat`: start the workstation (on the embedded practice channel unless told otherwise)."""

from __future__ import annotations

import argparse
import random
import sys

from . import __version__


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
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from .config import ConfigError, load_settings, resolve_data_dir
    from .datafiles import DataError, load_all

    try:
        data = load_all()
    except DataError as exc:
        print(f"curhat: cannot start, a data file is broken:\n  {exc}", file=sys.stderr)
        return 2
    data_dir = resolve_data_dir(args.data_dir)
    try:
        settings = load_settings(data_dir)
    except ConfigError as exc:
        print(f"curhat: cannot start: {exc}", file=sys.stderr)
        return 2
    lang = args.lang or settings.lang or "id"
    name = args.name or settings.name or "Konselor"

    from .domain.clock import SystemClock
    from .harness import DB_NAME, build_app, build_practice
    from .store import Store

    seed = args.seed
    if seed is None:
        store = Store(data_dir / DB_NAME)
        stored = store.get_meta("practice.seed")
        seed = int(stored) if stored else random.SystemRandom().randrange(1, 1_000_000)
        store.set_meta("practice.seed", str(seed))
        store.close()
    parts = build_practice(data_dir, data=data, clock=SystemClock(), seed=seed, speed=args.typing_speed,
                           name=name, lang=lang)
    app = build_app(parts, lang=lang, blink=True, tick=True, keymap=settings.keys, key_guard=0.6)
    try:
        app.run()
    finally:
        parts.store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
