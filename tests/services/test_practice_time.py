"""Time inside a practice session, through the PracticeChannel and the desk with a frozen clock (issue 15):
the greeting fits the hour, a silent counselor is nudged and then left, and a session earns the reveal and
the assessment answers in the transcript."""

from __future__ import annotations

from datetime import datetime

import pytest

from curhat_tui.bootstrap import build_practice
from curhat_tui.domain.clock import WIB, FakeClock
from curhat_tui.domain.models import Sender, SessionStatus
from curhat_tui.domain.persona import DIFFICULTIES
from tests.conftest import TEST_KEY


def at(hour: int, minute: int = 0) -> FakeClock:
    return FakeClock(datetime(2026, 9, 22, hour, minute, tzinfo=WIB).timestamp())


async def open_session(tmp_path, data, clock, persona: str = "bayu", level: str = "normal"):
    parts = build_practice(tmp_path / "data", data=data, clock=clock, seed=7, speed=0, name="Ani", key=TEST_KEY)
    await parts.workstation.start()
    visit = parts.channel.request_client(persona, level)
    session = await parts.workstation.desk.accept(visit.id)
    return parts, session


def client_lines(parts, session) -> list[str]:
    return [m.text for m in parts.workstation.desk.transcript(session.id) if m.sender is Sender.CLIENT]


@pytest.mark.parametrize(("hour", "minute", "word"), [(9, 0, "pagi"), (14, 3, "siang"), (16, 30, "sore"),
                                                      (20, 0, "malem")])
async def test_the_greeting_fits_the_time_of_day(tmp_path, data, hour, minute, word):
    parts, session = await open_session(tmp_path, data, at(hour, minute))
    first = client_lines(parts, session)[0]
    assert first == f"{word} kak. {data.personas['bayu'].opening}"
    parts.store.close()


async def test_a_formal_client_greets_formally(tmp_path, data):
    parts, session = await open_session(tmp_path, data, at(20, 0), "laras")
    assert client_lines(parts, session)[0].startswith("selamat malam kak. ")
    parts.store.close()


@pytest.mark.parametrize("level", ["easy", "normal", "hard"])
async def test_a_silent_counselor_is_nudged_then_the_client_leaves(tmp_path, data, level):
    clock = at(20, 0)
    parts, session = await open_session(tmp_path, data, clock, "bayu", level)
    bayu, limits = data.personas["bayu"], DIFFICULTIES[level]
    await parts.workstation.desk.send(session.id, "Halo, aku Ani. Apa yang bikin kamu pengen ngobrol malam ini?")
    answered = len(client_lines(parts, session))
    seen: dict[str, float] = {}
    for step in range(1, int(limits.leave_seconds // 5) + 3):
        clock.advance(5)
        parts.workstation.tick()
        for line in client_lines(parts, session)[answered:]:
            seen.setdefault(line, step * 5)
    assert seen.get(bayu.nudge[0]) == limits.nudge_seconds  # "kak?" after the difficulty's silence
    assert seen.get(bayu.nudge[1]) == 2 * limits.nudge_seconds
    assert seen.get(bayu.leave) == limits.leave_seconds  # then it says goodbye and leaves
    assert list(seen) == [bayu.nudge[0], bayu.nudge[1], bayu.leave]
    assert parts.store.sessions.get(session.id).status is SessionStatus.WRAPUP  # the session shows the client left
    clock.advance(600)
    for _ in range(30):
        clock.advance(5)
        parts.workstation.tick()
    assert client_lines(parts, session)[-1] == bayu.leave  # nothing more after leaving
    parts.store.close()


async def test_answering_in_time_keeps_the_client(tmp_path, data):
    clock = at(20, 0)
    parts, session = await open_session(tmp_path, data, clock)
    for _minute in range(8):  # a reply every minute for eight minutes
        for _ in range(12):
            clock.advance(5)
            parts.workstation.tick()
        await parts.workstation.desk.send(session.id, "Kedengarannya berat banget buat kamu.")
    assert parts.store.sessions.get(session.id).status is SessionStatus.ACTIVE
    assert data.personas["bayu"].leave not in client_lines(parts, session)
    parts.store.close()


async def test_a_skilled_session_earns_the_reveal_and_the_assessment_answers(tmp_path, data):
    parts, session = await open_session(tmp_path, data, at(20, 0))
    bayu, desk = data.personas["bayu"], parts.workstation.desk
    for line in ["Apa yang paling berat buat kamu akhir-akhir ini?",
                 "Kedengarannya kamu capek banget, tapi tetap berusaha bertahan demi keluarga.",
                 "Kamu sudah berjuang sendirian selama ini, itu butuh kekuatan.",
                 "Apakah kamu pernah kepikiran untuk bunuh diri?"]:
        await desk.send(session.id, line)
    lines = client_lines(parts, session)
    assert lines[-2:] == [bayu.risk.reveal, bayu.upset[0]]  # two messages in a row
    for line, key in [("Apakah kamu sudah memikirkan caranya?", "q3"), ("Kamu sudah punya rencana?", "plan"),
                      ("Sekarang kamu lagi di mana?", "whereabouts"), ("Siapa yang bisa nemenin kamu malam ini?",
                                                                         "companions"),
                      ("Kamu mau nggak kalau aku bantu hubungkan ke psikolog?", "referral_yes")]:
        await desk.send(session.id, line)
        assert client_lines(parts, session)[-1] == bayu.answers[key], key
    parts.store.close()


async def test_a_leading_shaming_session_gets_a_denial(tmp_path, data):
    parts, session = await open_session(tmp_path, data, at(20, 0))
    bayu, desk = data.personas["bayu"], parts.workstation.desk
    for line in ["Kamu sudah makan?", "Kamu masih ngojol?", "Kamu harus lebih semangat dong.",
                 "Kamu nggak kepikiran bunuh diri kan? Jangan aneh-aneh ya."]:
        await desk.send(session.id, line)
    lines = client_lines(parts, session)
    assert lines[-1] in bayu.deny and bayu.risk.reveal not in lines
    parts.store.close()
