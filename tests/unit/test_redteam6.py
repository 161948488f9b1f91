"""Red team, round six (unit): who the workstation believes about duty and about a supervisor's sign-off, where the
network does not matter (the sender is what the homeserver vouches for; the rest is content anyone may write).

A test marked xfail(strict=True) shows a defect that is still there; an unmarked one shows a defence that holds.
"""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest

from curhat_tui.channels.matrix.duty import DutyRoster
from curhat_tui.channels.matrix.protocol import DUTY
from curhat_tui.channels.matrix.staff import Staff
from curhat_tui.channels.matrix.supervision import REVIEW, WHISPER, MatrixSupervisionLink

INTAKE, ANI, BUDI = "@intake:hs", "@ani:hs", "@budi:hs"
SARI, DEDI, CARA = "@sari:hs", "@dedi:hs", "@cara:hs"  # two supervisors; Cara is a counselor


def _staff() -> Staff:
    return Staff(intake=INTAKE, queue_room="!queue:hs", supervisors_room="!sup:hs",
                 counselors=frozenset({ANI, BUDI, CARA}), supervisors=frozenset({SARI, DEDI}))


# ---- duty -----------------------------------------------------------------------------------------------------
def _duty(sender: str, on: bool, name: str, at: float) -> dict:
    return {"type": DUTY, "sender": sender, "origin_server_ts": int(at * 1000), "content": {"on": on, "name": name},
            "event_id": f"$duty-{sender}-{at}"}


def test_a_duty_announcement_from_anyone_but_a_roster_counselor_changes_nothing():
    roster = DutyRoster(SimpleNamespace(user_id=CARA), _staff(), "Cara")
    now = time.time()
    roster.take(_duty(ANI, True, "Ani", now - 60))
    for who in ("@mallory:hs", SARI, INTAKE):  # a stranger, a supervisor, even the intake: not a counselor's word
        roster.take(_duty(who, False, "Ani", now))
        roster.take(_duty(who, True, "Ani (2)", now))
    assert roster.names(now) == ["Ani"]


@pytest.mark.xfail(strict=True, reason="red team 6: a colleague's duty announcement names whom it likes: Budi, "
                   "announcing with the name 'Ani', makes every workstation list Ani on duty (Budi nowhere), while "
                   "Ani is off duty")
def test_a_colleague_cannot_put_someone_else_on_the_duty_list():
    roster = DutyRoster(SimpleNamespace(user_id=CARA), _staff(), "Cara")
    now = time.time()
    roster.take(_duty(ANI, True, "Ani", now - 120))
    roster.take(_duty(ANI, False, "Ani", now - 60))  # Ani went home
    roster.take(_duty(BUDI, True, "Ani", now))  # Budi's workstation, its name set to his colleague's
    assert "Ani" not in roster.names(now), "Ani is shown on duty though she said she went off duty"


# ---- a supervisor's review and whisper, at the counselor's ------------------------------------------------------
def _counselor_link() -> tuple[MatrixSupervisionLink, list[dict]]:
    link = MatrixSupervisionLink(SimpleNamespace(user_id=ANI), SimpleNamespace(), "counselor", staff=_staff(),
                                 sync=SimpleNamespace(crypto=None))
    link.own_room = "!ani-supervision:hs"
    heard: list[dict] = []
    link.emit = heard.append
    return link, heard


def _review(sender: str, kind: str, content: dict, room: str = "!ani-supervision:hs") -> tuple[str, dict]:
    return room, {"type": kind, "sender": sender, "origin_server_ts": 1_700_000_000_000, "content": content,
                  "event_id": f"$r-{sender}-{kind}-{len(content)}"}


def test_only_a_roster_supervisor_in_the_counselors_own_room_reviews_or_whispers():
    link, heard = _counselor_link()
    sign = {"session_id": "s1", "action": "sign", "text": "", "author": "Sari"}
    for room, event in (_review(CARA, REVIEW, sign),  # a colleague counselor invited in by no one
                        _review("@mallory:hs", REVIEW, sign),
                        _review(INTAKE, WHISPER, {"session_id": "s1", "text": "x", "author": "Sari"}),
                        _review(SARI, REVIEW, sign, room="!some-other-room:hs")):
        link._take(room, event, "", False)
    assert heard == []


@pytest.mark.xfail(strict=True, reason="red team 6: a sign-off's author is the name in its content, not its sender: "
                   "supervisor Dedi's sign-off reaches Ani's workstation as signed by Sari")
def test_a_supervisor_cannot_sign_off_in_another_supervisors_name():
    link, heard = _counselor_link()
    link._take(*_review(DEDI, REVIEW, {"session_id": "s1", "action": "sign", "text": "", "author": "Sari"}), "", False)
    link._take(*_review(DEDI, WHISPER, {"session_id": "s1", "text": "akhiri saja sesinya", "author": "Sari"}), "",
               False)
    assert len(heard) == 2
    assert all("Sari" not in str(e["author"]) or DEDI in str(e["author"]) for e in heard), \
        f"shown as written by {[e['author'] for e in heard]}; sent by {DEDI}"
