"""The one writer of private files (exports, reports, the intake's state): 0600 in a 0700 folder.

Exports and reports never overwrite an existing file (`write_private`), nor does a secret written
where the user chose (`write_secret`); state that is rewritten in place goes through
`replace_private`, which swaps a whole new file in. `read_private` reads a secret
only if nobody else could have read it, and `keep_private` narrows a folder and its files that are
open to other users.

Who may read a file is a POSIX file mode here (0600, 0700). On Windows a mode means nothing of the kind
(`os.chmod` only sets or clears the read-only flag), so `restrict` does nothing there and a file is as
private as its folder's access list (ACL) makes it: the default data dir lies in the user's own profile
(%LOCALAPPDATA%, via platformdirs), which by default only that user, SYSTEM and the administrators can
open. Nothing here fails on Windows for want of file modes.
"""

from __future__ import annotations

import os
import re
import secrets
import stat
from collections.abc import Iterable
from pathlib import Path

POSIX = os.name == "posix"


def restrict(path: Path, mode: int) -> None:
    """Give `path` the POSIX `mode` (0o600 a file, 0o700 a folder); on Windows nothing (see the module's note)."""
    if POSIX:
        os.chmod(path, mode)


class PrivateFileError(Exception):
    """A file or folder open to other users that may not be used as it is, or cannot be narrowed."""


def private_folder(folder: Path) -> Path:
    """Make `folder` (and its parents) if missing and leave it readable by this user only."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    restrict(folder, 0o700)
    return folder


_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]')  # path separators, and what Windows refuses in a file name
_DEVICES = {"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(1, 10)), *(f"LPT{n}" for n in range(1, 10))}


def portable_stem(stem: str) -> str:
    """`stem` made a file name that is the same on Windows, macOS and Linux: no path separator, none of the
    characters Windows refuses (a colon there would even write into a hidden stream of another file), no
    trailing dot or space, not a Windows device name (CON, NUL, COM1...)."""
    cleaned = _UNSAFE.sub("_", stem).rstrip(" .") or "file"
    return f"_{cleaned}" if cleaned.split(".")[0].upper() in _DEVICES else cleaned


def free_name(folder: Path, stem: str, suffix: str = ".md") -> Path:
    """`folder/stem.md`, or `stem-2.md`, `stem-3.md`... when taken: an earlier file is never overwritten.

    The stem is made portable first (`portable_stem`)."""
    stem = portable_stem(stem)
    candidate = folder / f"{stem}{suffix}"
    number = 2
    while candidate.exists():
        candidate = folder / f"{stem}-{number}{suffix}"
        number += 1
    return candidate


def write_private(path: Path, text: str) -> Path:
    """Write `text` to a new file readable by this user only; FileExistsError if `path` exists.

    The text goes to a hidden temporary file first and is linked into place whole, so a reader
    (or a crash) never sees half a file.
    """
    path = Path(path)
    private_folder(path.parent)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        restrict(temporary, 0o600)
        try:
            os.link(temporary, path)  # fails, like O_EXCL, when the target exists
        except FileExistsError:
            raise
        except OSError:  # a file system without hard links: write in place instead
            _write_new(path, text)
    finally:
        temporary.unlink(missing_ok=True)
    return path


def write_secret(path: Path, text: str) -> Path:
    """Write `text` to a new file readable by this user only (0600), leaving its folder as it is;
    FileExistsError if `path` exists (a secret is never overwritten)."""
    path = Path(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    restrict(path, 0o600)
    return path


def _write_new(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    restrict(path, 0o600)


def replace_private(path: Path, text: str) -> Path:
    """Write `text` to `path` (0600, its folder made 0700 when it is new), replacing a file there whole.

    The text is written and flushed to a hidden temporary file first, so a reader (or a crash)
    sees the old file or the new one, never half of one.
    """
    path = Path(path)
    if not path.parent.is_dir():
        private_folder(path.parent)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        restrict(temporary, 0o600)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return path


def mode_of(path: Path) -> int:
    """The permission bits of `path` (following a link), e.g. 0o600."""
    return stat.S_IMODE(os.stat(path).st_mode)


def tighten(path: Path, mode: int) -> int | None:
    """Narrow `path` to `mode` when other users could read or enter it; returns the mode it had then,
    None when it was already private, is missing, or this is not a POSIX system.

    Raises PrivateFileError when the change is refused (the file belongs to another user)."""
    if not POSIX:
        return None
    try:
        before = mode_of(path)
    except FileNotFoundError:
        return None
    if not before & 0o077:
        return None
    try:
        os.chmod(path, mode)
    except PermissionError:
        raise PrivateFileError(f"{path} is open to other users (mode {before:04o}) and this user cannot change "
                               f"that; make it this user's (chown) or run: chmod {mode:o} {path}") from None
    return before


def keep_private(folder: Path, names: Iterable[str] = ()) -> list[str]:
    """Make `folder` 0700 (created when missing) and the files `names` in it 0600.

    Returns one line per folder or file that was open to other users and is now private, for a
    notice; raises PrivateFileError for one that cannot be narrowed."""
    folder = Path(folder)
    narrowed: list[str] = []
    if not folder.exists():
        private_folder(folder)
        return narrowed
    before = tighten(folder, 0o700)
    if before is not None:
        narrowed.append(f"{folder} was open to other users (mode {before:04o}); it is now 0700")
    for name in names:
        mode = 0o700 if (folder / name).is_dir() else 0o600  # a folder among them (the intake's crypto store)
        before = tighten(folder / name, mode)
        if before is not None:
            narrowed.append(f"{folder / name} was open to other users (mode {before:04o}); it is now {mode:04o}")
    return narrowed


def read_private(path: Path, *, open_bits: int = 0o077) -> str:
    """The text of a secret file, read only if its mode gives other users none of `open_bits`
    (by default: nothing for the group or others, i.e. 0600 or narrower).

    Raises PrivateFileError (naming the file, its mode and the fix) or OSError when it cannot be read."""
    path = Path(path)
    if POSIX:
        mode = mode_of(path)
        if mode & open_bits:
            raise PrivateFileError(f"{path} is readable by other users (mode {mode:04o}) and holds a secret; "
                                   f"run: chmod 600 {path} (and make it the reading user's own)")
    return path.read_text(encoding="utf-8")
