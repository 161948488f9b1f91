"""Keys typed before the first prompt are not shown.

A counselor who knows the passphrase prompt is coming may type it while the app is still loading; the terminal
would echo it in clear above the prompt. `hold()` turns the terminal's echo off as the command starts and
`release()` gives it back before any prompt; the prompt (getpass) drops what was typed ahead, as it always has,
so the passphrase is asked for and was never shown. Where there is no terminal or no termios (Windows), both do
nothing.
"""

from __future__ import annotations

import atexit
import sys

_saved: list | None = None


def hold() -> None:
    global _saved
    try:
        import termios

        fd = sys.stdin.fileno()
        if _saved is not None or not sys.stdin.isatty():
            return
        _saved = termios.tcgetattr(fd)
        quiet = termios.tcgetattr(fd)
        quiet[3] &= ~termios.ECHO
        termios.tcsetattr(fd, termios.TCSANOW, quiet)
        atexit.register(release)
    except (ImportError, OSError, ValueError, AttributeError):
        _saved = None


def release() -> None:
    global _saved
    if _saved is None:
        return
    try:
        import termios

        termios.tcsetattr(sys.stdin.fileno(), termios.TCSANOW, _saved)
    except (ImportError, OSError, ValueError, AttributeError):
        pass
    _saved = None
