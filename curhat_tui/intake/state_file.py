"""The intake's state file: its sync token, its two staff rooms and each client room's intake progress.

It maps client rooms to client accounts, so it is private: written whole, 0600, in a 0700 folder; on reading,
the folder and the intake's files in it are narrowed first (storage.files.PrivateFileError when one open to
others cannot be).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

log = logging.getLogger("curhat.intake")


def read_state(state_file: Path) -> dict:
    """What was saved: since, queue_room, supervisors_room (texts or None) and clients (room id -> dict)."""
    from curhat_tui.storage.files import keep_private

    folder = state_file.parent
    mine = sorted(p.name for p in folder.glob(f"{state_file.stem}*")) if folder.is_dir() else []
    for notice in keep_private(folder, mine):
        log.warning("%s", notice)
    if not state_file.exists():
        return {}
    try:
        saved = json.loads(state_file.read_text(encoding="utf-8"))
    except ValueError:
        raise ValueError(f"{state_file}: not valid JSON; move it away to start afresh") from None
    if not isinstance(saved, dict):
        raise ValueError(f"{state_file}: not the intake's state; move it away to start afresh")
    clients = saved["clients"] if isinstance(saved.get("clients"), dict) else {}
    return {"since": saved.get("since") if isinstance(saved.get("since"), str) else None,
            "queue_room": str(saved.get("queue_room") or ""), "supervisors_room": str(saved.get("supervisors_room") or ""),
            "clients": {k: v for k, v in clients.items() if isinstance(v, dict)}}


def write_state(state_file: Path, state: dict) -> None:
    from curhat_tui.storage.files import replace_private

    replace_private(state_file, json.dumps(state))
