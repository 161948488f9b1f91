"""The one writer of private files (exports, reports): 0600 in a 0700 folder, never over an existing file."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def private_folder(folder: Path) -> Path:
    """Make `folder` (and its parents) if missing and leave it readable by this user only."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    return folder


def free_name(folder: Path, stem: str, suffix: str = ".md") -> Path:
    """`folder/stem.md`, or `stem-2.md`, `stem-3.md`... when taken: an earlier file is never overwritten."""
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
        os.chmod(temporary, 0o600)
        try:
            os.link(temporary, path)  # fails, like O_EXCL, when the target exists
        except FileExistsError:
            raise
        except OSError:  # a file system without hard links: write in place instead
            _write_new(path, text)
    finally:
        temporary.unlink(missing_ok=True)
    return path


def _write_new(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(path, 0o600)
