"""A trainer's records in the practice store: curriculum progress per trainee and comments on transcript lines.

`curriculum_progress` keeps every practice session judged against a curriculum step (passed or not, when,
with the figures it was judged on); `line_comments` keeps a supervisor's comment on one message of a
practice transcript. Both live in `practice.db`, which a trainee and a supervisor on one machine share.
"""

from __future__ import annotations

import json

from curhat_tui.storage.database import Database


class TrainingBook:
    def __init__(self, database: Database) -> None:
        self.database = database

    # ---- curriculum progress -------------------------------------------------------------
    def record_attempt(self, trainee: str, step: str, session_id: str, passed: bool, at: float,
                       detail: dict) -> bool:
        """Keep one judged attempt; False (nothing kept) when this session was judged for this step before."""
        if self.database.one("select 1 from curriculum_progress where session_id = ? and step = ?",
                             [session_id, step]):
            return False
        self.database.insert("curriculum_progress", {
            "trainee": trainee, "step": step, "session_id": session_id, "passed": int(passed), "at": at,
            "detail": json.dumps(detail, ensure_ascii=False)})
        return True

    def attempts(self, trainee: str) -> list[dict]:
        """The trainee's judged attempts, oldest first: {step, session_id, passed, at, detail}."""
        rows = self.database.rows("select step, session_id, passed, at, detail from curriculum_progress "
                                  "where trainee = ? order by at, id", [trainee])
        return [{**r, "passed": bool(r["passed"]), "detail": json.loads(r["detail"] or "{}")} for r in rows]

    def trainees(self) -> list[str]:
        return [r[0] for r in self.database.execute(
            "select distinct trainee from curriculum_progress order by trainee").fetchall()]

    # ---- comments on transcript lines ------------------------------------------------------
    def add_line_comment(self, session_id: str, message_id: int, author: str, text: str, ts: float) -> int:
        return self.database.insert("line_comments", {"session_id": session_id, "message_id": message_id,
                                                      "author": author, "text": text, "ts": ts})

    def line_comments(self, session_id: str) -> dict[int, list[dict]]:
        """Comments on a session's lines by message id, each list oldest first: {author, text, ts}."""
        out: dict[int, list[dict]] = {}
        for r in self.database.rows("select message_id, author, text, ts from line_comments where session_id = ? "
                                    "order by id", [session_id]):
            out.setdefault(int(r["message_id"]), []).append({"author": r["author"], "text": r["text"],
                                                             "ts": r["ts"]})
        return out

    def last_line_comment_id(self) -> int:
        return int(self.database.scalar("select coalesce(max(id), 0) from line_comments"))

    def line_comments_after(self, after_id: int) -> list[tuple[int, str, str]]:
        """(id, session id, author) of comments after `after_id`, in order."""
        rows = self.database.execute("select id, session_id, author from line_comments where id > ? order by id",
                                     [after_id]).fetchall()
        return [(r[0], r[1], r[2]) for r in rows]
