"""Small values kept between runs (table `meta`), each under a named, typed accessor.

Every key family the app uses is listed here and nowhere else; callers never build a key string.
The strings themselves never change, so an existing database keeps its drafts, practice days and
sync positions.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from curhat_tui.storage.database import Database, placeholders

# every key family, in one place
STORE_KIND = "store.kind"  # "practice" or "real": what the database holds
DRAFT = "draft.{session_id}"  # what the counselor is composing
NOTE_DRAFT = "note.draft.{session_id}"  # JSON {template, fields}: note typing not yet saved as a version
SCREENER = "screener.{session_id}"  # JSON {question id: bool}: a suicide screener's answers, not finished yet
PRACTICE_SEED = "practice.seed"  # the practice run's seed, kept between starts
PRACTICE_EPOCH = "practice.epoch.{seed}"  # when the simulated day began
PRACTICE_DAY = "practice.day.{seed}"  # how many simulated days have passed
PRACTICE_NEXT = "practice.next.{seed}"  # the next scheduled arrival of the day
PRACTICE_REQUESTS = "practice.requests.{seed}"  # clients the trainee asked for
PRACTICE_DIFFICULTY = "practice.difficulty.{visit_id}"  # the level a simulated client plays at
PRACTICE_REPORT = "practice.report.{session_id}"  # a practice session's feedback, kept before its transcript goes
MATRIX_SINCE = "matrix.since"  # the clients' Matrix sync position
SUPERVISION_SINCE = "sv.since"  # the supervision link's Matrix sync position
SUPERVISION_ROOM = "sv.room.{session_id}"  # the room a session's review travels in
SUPERVISION_SENT = "sv.sent.{session_id}"  # JSON list of the event ids a session's submissions went out as
SUPERVISION_OWN_ROOM = "sv.own_room"  # a counselor's own supervision room (found by id, never by alias)
SUPERVISION_LOADS = "sv.loads"  # JSON {counselor: {open, weight, cap, at}}: each counselor's last told load
SUPERVISION_DEBRIEFS = "sv.debriefs"  # JSON list of the newest debriefs counselors sent after high-risk sessions
MATRIX_LOGIN = "matrix.login.{account}"  # a Matrix token and device id, kept here where no OS keyring is usable
UNLOCK_VERIFIER = "lock.unlock_verifier"  # the screen lock's salted hash, when the key is a key file
AUDIT_HEAD = "audit.head"  # "id:hash" of the newest audit entry
RETENTION_LAST_RUN = "retention.last_run"  # the last retention purge, as JSON


class State:
    """Typed reads and writes of the `meta` table."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def _get(self, key: str) -> str | None:
        value = self.database.scalar("select value from meta where key = ?", [key])
        return None if value is None else str(value)

    def _set(self, key: str, value: str) -> None:
        self.database.execute("insert into meta (key, value) values (?, ?) "
                              "on conflict(key) do update set value = excluded.value", [key, value])

    def _int(self, key: str) -> int:
        return int(self._get(key) or 0)

    # ---- the store itself ------------------------------------------------------------------
    def store_kind(self) -> str | None:
        return self._get(STORE_KIND)

    def set_store_kind(self, kind: str) -> None:
        self._set(STORE_KIND, kind)

    # ---- the counselor's drafts --------------------------------------------------------------
    def draft(self, session_id: str) -> str:
        """The reply being composed in a session ("" when there is none)."""
        return self._get(DRAFT.format(session_id=session_id)) or ""

    def set_draft(self, session_id: str, text: str) -> None:
        self._set(DRAFT.format(session_id=session_id), text)

    def drop_drafts(self, session_ids: Sequence[str]) -> int:
        """Delete the drafts of these sessions (reply, note and screener answers not finished); returns how many
        reply drafts there were."""
        if not session_ids:
            return 0
        keys = [DRAFT.format(session_id=sid) for sid in session_ids]
        for family in (NOTE_DRAFT, SCREENER):  # one list per family: no more ids in an IN (...) than the caller gave
            others = [family.format(session_id=sid) for sid in session_ids]
            self.database.execute(f"delete from meta where key in ({placeholders(others)})", others)
        return int(self.database.execute(f"delete from meta where key in ({placeholders(keys)})", keys).rowcount)

    def set_note_draft(self, session_id: str, template: str, fields: dict[str, str]) -> None:
        """Note typing not yet saved as a version, kept at once (one small write, no version, no event)."""
        self._set(NOTE_DRAFT.format(session_id=session_id), json.dumps({"template": template, "fields": fields},
                                                                       ensure_ascii=False))

    def drop_note_draft(self, session_id: str) -> None:
        self.database.execute("delete from meta where key = ?", [NOTE_DRAFT.format(session_id=session_id)])

    def note_drafts(self) -> list[tuple[str, str, dict[str, str]]]:
        """(session id, template, typed fields) of every note draft left behind (a crash before the save)."""
        prefix = NOTE_DRAFT.format(session_id="")
        found = []
        for key, value in self.database.execute("select key, value from meta where key like ?",
                                                [prefix + "%"]).fetchall():
            if not str(key).startswith(prefix):  # (LIKE's "_" matches any character)
                continue
            try:
                draft = json.loads(value)
                fields = {str(k): str(v) for k, v in dict(draft["fields"]).items()}
                found.append((str(key)[len(prefix):], str(draft["template"]), fields))
            except (ValueError, KeyError, TypeError, AttributeError):
                continue
        return found

    def screener_answers(self, session_id: str) -> dict[str, bool]:
        """The answers recorded so far in a session's screener not finished yet ({} when there is none)."""
        try:
            value = json.loads(self._get(SCREENER.format(session_id=session_id)) or "{}")
        except ValueError:
            return {}
        if not isinstance(value, dict):
            return {}
        return {str(k): v for k, v in value.items() if isinstance(v, bool)}

    def set_screener_answers(self, session_id: str, answers: dict[str, bool]) -> None:
        self._set(SCREENER.format(session_id=session_id), json.dumps(answers))

    def drop_screener_answers(self, session_id: str) -> None:
        self.database.execute("delete from meta where key = ?", [SCREENER.format(session_id=session_id)])

    # ---- practice ----------------------------------------------------------------------------
    def practice_seed(self) -> int | None:
        value = self._get(PRACTICE_SEED)
        return int(value) if value else None

    def set_practice_seed(self, seed: int) -> None:
        self._set(PRACTICE_SEED, str(int(seed)))

    def practice_epoch(self, seed: int) -> float | None:
        value = self._get(PRACTICE_EPOCH.format(seed=seed))
        return None if value is None else float(value)

    def set_practice_epoch(self, seed: int, epoch: float) -> None:
        self._set(PRACTICE_EPOCH.format(seed=seed), repr(float(epoch)))

    def practice_day(self, seed: int) -> int:
        return self._int(PRACTICE_DAY.format(seed=seed))

    def set_practice_day(self, seed: int, day: int) -> None:
        self._set(PRACTICE_DAY.format(seed=seed), str(int(day)))

    def practice_next(self, seed: int) -> int:
        """The index of the day's next scheduled arrival."""
        return self._int(PRACTICE_NEXT.format(seed=seed))

    def set_practice_next(self, seed: int, index: int) -> None:
        self._set(PRACTICE_NEXT.format(seed=seed), str(int(index)))

    def practice_requests(self, seed: int) -> int:
        """How many clients the trainee has asked for under this seed."""
        return self._int(PRACTICE_REQUESTS.format(seed=seed))

    def set_practice_requests(self, seed: int, count: int) -> None:
        self._set(PRACTICE_REQUESTS.format(seed=seed), str(int(count)))

    def practice_difficulty(self, visit_id: str) -> str | None:
        return self._get(PRACTICE_DIFFICULTY.format(visit_id=visit_id))

    def set_practice_difficulty(self, visit_id: str, level: str) -> None:
        self._set(PRACTICE_DIFFICULTY.format(visit_id=visit_id), level)

    def practice_report(self, session_id: str) -> dict | None:
        """A practice session's feedback report as kept at wrap-up (JSON), or None."""
        value = self._get(PRACTICE_REPORT.format(session_id=session_id))
        return json.loads(value) if value else None

    def set_practice_report(self, session_id: str, report: dict) -> None:
        self._set(PRACTICE_REPORT.format(session_id=session_id), json.dumps(report, ensure_ascii=False))

    # ---- Matrix --------------------------------------------------------------------------------
    def matrix_since(self) -> str | None:
        return self._get(MATRIX_SINCE)

    def set_matrix_since(self, token: str) -> None:
        self._set(MATRIX_SINCE, token)

    def supervision_since(self) -> str | None:
        return self._get(SUPERVISION_SINCE)

    def set_supervision_since(self, token: str) -> None:
        self._set(SUPERVISION_SINCE, token)

    def supervision_room(self, session_id: str) -> str | None:
        return self._get(SUPERVISION_ROOM.format(session_id=session_id))

    def set_supervision_room(self, session_id: str, room_id: str) -> None:
        self._set(SUPERVISION_ROOM.format(session_id=session_id), room_id)

    def supervision_sent(self, session_id: str) -> list[str]:
        """The event ids this workstation sent a session's submissions as (to redact them at retention)."""
        try:
            value = json.loads(self._get(SUPERVISION_SENT.format(session_id=session_id)) or "[]")
        except ValueError:
            return []
        return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []

    def add_supervision_sent(self, session_id: str, event_ids: list[str]) -> None:
        known = self.supervision_sent(session_id)
        self._set(SUPERVISION_SENT.format(session_id=session_id),
                  json.dumps(known + [e for e in event_ids if e not in known]))

    def drop_supervision_sent(self, session_id: str, event_ids: list[str]) -> None:
        left = [e for e in self.supervision_sent(session_id) if e not in event_ids]
        self._set(SUPERVISION_SENT.format(session_id=session_id), json.dumps(left))

    def supervision_own_room(self) -> str | None:
        return self._get(SUPERVISION_OWN_ROOM)

    def set_supervision_own_room(self, room_id: str) -> None:
        self._set(SUPERVISION_OWN_ROOM, room_id)

    def supervision_loads(self) -> dict[str, dict]:
        """Each counselor's load as their workstation last told it (supervisor side)."""
        value = json.loads(self._get(SUPERVISION_LOADS) or "{}")
        return value if isinstance(value, dict) else {}

    def set_supervision_loads(self, loads: dict[str, dict]) -> None:
        self._set(SUPERVISION_LOADS, json.dumps(loads, ensure_ascii=False))

    def supervision_debriefs(self) -> list[dict]:
        """The newest debriefs counselors sent after a high-risk session, oldest first."""
        value = json.loads(self._get(SUPERVISION_DEBRIEFS) or "[]")
        return value if isinstance(value, list) else []

    def set_supervision_debriefs(self, debriefs: list[dict]) -> None:
        self._set(SUPERVISION_DEBRIEFS, json.dumps(debriefs, ensure_ascii=False))

    def matrix_login(self, account: str) -> str | None:
        """The saved Matrix login (JSON: access token and device id) of `account`, on a machine whose
        OS keyring is unusable; the database's own encryption protects it."""
        return self._get(MATRIX_LOGIN.format(account=account))

    def set_matrix_login(self, account: str, value: str) -> None:
        self._set(MATRIX_LOGIN.format(account=account), value)

    def drop_matrix_login(self, account: str) -> bool:
        """Forget the saved login of `account` (its bytes zeroed in the file); whether there was one."""
        self.database.secure_delete()
        removed = self.database.execute("delete from meta where key = ?",
                                        [MATRIX_LOGIN.format(account=account)]).rowcount
        self.database.scrub_wal()
        return bool(removed)

    # ---- the screen lock, the audit log, retention ----------------------------------------------
    def unlock_verifier(self) -> str | None:
        return self._get(UNLOCK_VERIFIER)

    def set_unlock_verifier(self, verifier: str) -> None:
        self._set(UNLOCK_VERIFIER, verifier)

    def audit_head(self) -> tuple[int, str] | None:
        """(id, hash) of the newest audit entry, as recorded beside the log."""
        value = self._get(AUDIT_HEAD)
        if not value:
            return None
        entry_id, digest = value.split(":", 1)
        return int(entry_id), digest

    def set_audit_head(self, entry_id: int, digest: str) -> None:
        self._set(AUDIT_HEAD, f"{entry_id}:{digest}")

    def set_retention_last_run(self, run: dict) -> None:
        self._set(RETENTION_LAST_RUN, json.dumps(run))
