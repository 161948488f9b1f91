"""Keys typed before the first prompt are not shown.

A counselor who knows the passphrase prompt is coming may type it while the app is still loading; the terminal
would echo it in clear above the prompt. `hold()` turns the terminal's echo off as the command starts and
`release()` gives it back before any prompt; the prompt (getpass) drops what was typed ahead, as it always has,
so the passphrase is asked for and was never shown.

On Windows there is no termios. The console does not echo keys typed ahead: they wait in its input buffer until
a program reads them. But getpass there (msvcrt.getwch) would read them as the start of the passphrase, so
`release()` drops them from the buffer instead (what getpass's TCSAFLUSH does on Linux and macOS). Where there
is no terminal at all, both do nothing.
"""

from __future__ import annotations

import atexit
import sys

_saved: list | str | None = None
CONSOLE = "console"  # _saved on Windows: held, nothing to restore but the keys typed ahead to drop


def hold() -> None:
    global _saved
    try:
        if _saved is not None or not sys.stdin.isatty():
            return
        fd = sys.stdin.fileno()
    except (OSError, ValueError, AttributeError):
        return
    try:
        import termios
    except ImportError:
        if _console() is not None:
            _saved = CONSOLE
        return
    try:
        _saved = termios.tcgetattr(fd)
        quiet = termios.tcgetattr(fd)
        quiet[3] &= ~termios.ECHO
        termios.tcsetattr(fd, termios.TCSANOW, quiet)
        atexit.register(release)
    except (OSError, ValueError, AttributeError, termios.error):
        _saved = None


def release() -> None:
    global _saved
    saved, _saved = _saved, None
    if saved is None:
        return
    if not isinstance(saved, list):  # CONSOLE
        _drop_typed_ahead()
        return
    try:
        import termios

        termios.tcsetattr(sys.stdin.fileno(), termios.TCSANOW, saved)
    except (ImportError, OSError, ValueError, AttributeError):
        pass


def _console():
    """Windows' msvcrt (the console's keyboard), or None elsewhere."""
    try:
        import msvcrt
    except ImportError:
        return None
    return msvcrt


def _drop_typed_ahead(limit: int = 4096) -> int:
    """Read and forget the keys waiting in the Windows console's buffer; how many were dropped."""
    console = _console()
    dropped = 0
    if console is None:
        return dropped
    try:
        while dropped < limit and console.kbhit():
            console.getwch()
            dropped += 1
    except OSError:
        pass
    return dropped
