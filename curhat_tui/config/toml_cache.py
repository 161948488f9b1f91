"""Parsed TOML data files kept as JSON in the user cache folder, found by a hash of the file's text.

Python's TOML reader is pure Python: the ~270 KB of data files read at start-up (strings, personas, the
directory, red flags, templates) take 35-60 ms to parse on a counselor's laptop, and JSON of the same
documents loads in 3-4 ms (the C reader). The cache is keyed by the SHA-256 of the text, so an edited file is
simply parsed again: a cached document is never stale. A missing, unreadable or unwritable cache only means
parsing; nothing else depends on it. Dates (a directory entry's `verified`) are kept as tagged ISO strings.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import os
import tomllib
from pathlib import Path
from typing import Any

from curhat_tui.paths import cache_dir

log = logging.getLogger(__name__)

FOLDER = "toml-v1"  # a change in how documents are stored gets a new folder
KEEP = 200  # entries kept; the oldest go when there are more (each edit of a data file leaves one behind)
_TAGS = {"\0date": datetime.date.fromisoformat, "\0datetime": datetime.datetime.fromisoformat,
         "\0time": datetime.time.fromisoformat}


def _encode(value: object) -> dict[str, str]:
    if isinstance(value, datetime.datetime):
        return {"\0datetime": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"\0date": value.isoformat()}
    if isinstance(value, datetime.time):
        return {"\0time": value.isoformat()}
    raise TypeError(f"cannot keep {type(value).__name__} in the TOML cache")


def _decode(obj: dict[str, Any]) -> object:
    if len(obj) == 1:
        (key, value), = obj.items()
        if key in _TAGS:
            return _TAGS[key](value)
    return obj


def loads(text: str, folder: Path | None = None) -> dict[str, Any]:
    """`tomllib.loads(text)`, from the cache when this exact text was parsed before (raises TOMLDecodeError)."""
    folder = folder or cache_dir() / FOLDER
    path = folder / f"{hashlib.sha256(text.encode('utf-8')).hexdigest()}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"), object_hook=_decode)
    except (OSError, ValueError):
        pass
    doc = tomllib.loads(text)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        scratch = path.with_suffix(f".{os.getpid()}.tmp")
        scratch.write_text(json.dumps(doc, default=_encode, ensure_ascii=False), encoding="utf-8")
        os.replace(scratch, path)
        _prune(folder)
    except (OSError, TypeError, ValueError) as exc:  # a read-only or full disk: parse next time too
        log.debug("TOML cache not written: %s", exc)
    return doc


def _prune(folder: Path) -> None:
    entries = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime)
    for old in entries[:-KEEP]:
        old.unlink(missing_ok=True)
