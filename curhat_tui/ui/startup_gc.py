"""The cyclic garbage collector holds back while the workstation starts, and runs as usual from its first frame.

Start-up builds tens of thousands of long-lived objects (data files, styles, widgets); Python's default
collects the youngest generation every 700 new objects, and every such pass over start-up's objects is
wasted work. `hold()` raises that threshold (cli.run at the start of `curhat`, the app when it runs),
`release()` puts the previous one back (the app, once its first screen has been drawn; and always on
the way out). Standard library only: the command line imports this before Textual.
"""

from __future__ import annotations

import gc

THRESHOLD = 100_000  # new objects between young-generation passes while starting (Python's default: 700)

_held: tuple[int, int, int] | None = None


def hold() -> None:
    """Raise the young generation's threshold until `release()`; a second hold changes nothing."""
    global _held
    if _held is None:
        _held = gc.get_threshold()
        gc.set_threshold(THRESHOLD, _held[1], _held[2])


def release() -> None:
    """Put back the threshold `hold()` found; nothing if not held."""
    global _held
    if _held is not None:
        gc.set_threshold(*_held)
        _held = None


def held() -> bool:
    return _held is not None
