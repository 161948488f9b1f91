"""The register of files written about a session or a client (table `written_files`).

Every writer of such a file (session exports, practice reports, a client's own export) adds
it here, one row per session or client it holds; deleting a client's data deletes through it.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from curhat_tui.storage.database import Database, placeholders


class WrittenFiles:
    def __init__(self, database: Database) -> None:
        self.database = database

    def add(self, path: Path, kind: str, about: Iterable[tuple[str | None, str | None]], now: float) -> None:
        """`path` was written; `about` holds a (session id, client key) pair per session or client in it."""
        for session_id, client_key in about:
            self.database.insert("written_files", {"path": str(Path(path).resolve()), "kind": kind,
                                                   "session_id": session_id, "client_key": client_key,
                                                   "written_at": now})

    def for_client(self, client_key: str) -> list[Path]:
        """Every registered file holding anything of this client's (a file about several clients too)."""
        rows = self.database.execute(
            "select distinct path from written_files where client_key = ? or session_id in "
            "(select id from sessions where client_key = ?) order by path", [client_key, client_key]).fetchall()
        return [Path(r[0]) for r in rows]

    def forget(self, paths: Iterable[Path]) -> None:
        """Drop these files from the register (they were deleted), whoever else they were about."""
        names = [str(p) for p in paths]
        for start in range(0, len(names), 500):
            chunk = names[start:start + 500]
            self.database.execute(f"delete from written_files where path in ({placeholders(chunk)})", chunk)
