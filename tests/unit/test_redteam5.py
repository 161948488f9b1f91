"""Red team, round five (unit): the intake's reading of the screening answer, the Alt+K "send anyway" question and
the names a held line shows, where the network does not matter.

A test marked xfail(strict=True) shows a defect that is still there; an unmarked one shows a defence that holds.
"""

from __future__ import annotations

import asyncio
import time
from types import SimpleNamespace
from typing import Any

import pytest

from curhat_tui.channels.base import SendHeld
from curhat_tui.channels.matrix import members
from curhat_tui.channels.matrix.staff import Staff
from curhat_tui.domain import intake as flow
from curhat_tui.domain.i18n import Catalogue
from curhat_tui.domain.models import Risk
from curhat_tui.intake.risk_words import answer_verdict
from curhat_tui.services.events import EventBus
from curhat_tui.services.outbox import Outbox
from curhat_tui.storage.sessions import READERS_ALLOWED
from curhat_tui.ui.widgets.localize import held_names


# ---- the screening answer ---------------------------------------------------------------------------------------
def _queued_risk(data, answer: str) -> Risk:
    """The risk the intake queues a client with for this answer to "in the past 2 weeks, have you ever thought of
    hurting yourself or ending your life?" (service.py `_answer`: the detector's verdict, then `advance`)."""
    state = flow.IntakeState(step="risk")
    flow.advance(state, answer, 0, *answer_verdict(data, answer))
    return Risk(state.risk)


@pytest.mark.parametrize("answer", [
    "iyaaa",  # a drawn-out yes, as Indonesians type it in chat ("iyaa" is a yes; one more "a" is a no)
    "yaaa",
    "Iyaaa kak",
    "iya. ga kuat lagi",  # "yes. I can't take it any more": the negation of the next sentence takes back the yes
    "iya nggak tahan lagi",  # "yes, can't bear it any more"
    "ya, tdk ada harapan",  # "yes, there is no hope"
    "iya, nggak bisa berhenti mikirin",  # "yes, I can't stop thinking about it"
    "kepikiran terus",  # "it is on my mind all the time"
    "hampir tiap hari",  # "almost every day"
])
def test_a_yes_to_the_screening_question_queues_the_client_as_high_risk(data, answer):
    assert _queued_risk(data, answer) >= Risk.HIGH, f"{answer!r} is queued as {_queued_risk(data, answer).name}"


@pytest.mark.parametrize("answer", [
    "pernahh",  # "I have" with a doubled letter
    "kdg",  # "kadang" (sometimes) as it is abbreviated
    "inggih",  # Javanese (polite) yes; "ora" is already read as a no, its yes is not read at all
    "hooh",  # Javanese yes
])
def test_a_short_or_regional_yes_to_the_screening_question_is_not_read_as_a_no(data, answer):
    assert _queued_risk(data, answer) > Risk.NONE


@pytest.mark.parametrize("answer", ["i\u200bya", "iya\u200b", "i\u00adya", "ya\u2060", "IYA", "iya😭"])
def test_zero_width_characters_or_an_emoji_do_not_turn_a_yes_into_a_no(data, answer):
    assert _queued_risk(data, answer) >= Risk.HIGH


@pytest.mark.parametrize("size", [60_000])
def test_a_huge_screening_answer_is_read_quickly_and_kept_short(data, size):
    answer = ("aku capek banget " * (size // 17 + 1))[:size] + " iya"
    start = time.perf_counter()
    state = flow.IntakeState(step="risk")
    flow.advance(state, answer, 0, *answer_verdict(data, answer))
    assert time.perf_counter() - start < 5  # one line never holds the intake's loop (every client) for long
    assert len(state.risk_answer) <= 200 and state.risk >= Risk.HIGH


# ---- Alt+K: send anyway -----------------------------------------------------------------------------------------
class _Sessions:
    def __init__(self) -> None:
        self.state: dict = {}

    def get(self, session_id: str):
        return SimpleNamespace(id=session_id, alias="Klien-7")

    def channel_state(self, session_id: str) -> dict:
        return dict(self.state)

    def update(self, session_id: str, channel_state: dict) -> None:
        self.state = channel_state


class _Messages:
    def __init__(self, pending) -> None:
        self.pending = pending

    def outbox(self):
        return list(self.pending)


class _RoomChannel:
    """The client's room as the channel reads it before each send: whoever is in it besides the client."""

    def __init__(self) -> None:
        self.others: list[tuple[str, str]] = []
        self.sent: list = []

    async def send(self, session, message) -> None:
        if self.others:
            raise SendHeld("notice.send_held", tuple(self.others))
        self.sent.append(message)


def test_send_anyway_lets_read_only_the_accounts_the_counselor_was_asked_about():
    store: Any = SimpleNamespace(sessions=_Sessions(), messages=_Messages([SimpleNamespace(session_id="s1", txn_id="t1")]))
    channel: Any = _RoomChannel()
    bus = EventBus()
    outbox = Outbox(store, channel, bus, background=lambda coroutine: coroutine.close())
    message: Any = SimpleNamespace(session_id="s1", txn_id="t1")
    # the client's mother is in the room: the line is held and the counselor told
    channel.others = [("@ibu:hs", "Ibu")]
    asyncio.run(outbox.deliver(message))
    # Alt+K: the question is put, naming who is there (held_sends.py reads desk.held_readers)
    asked = outbox.held["s1"]
    assert [name for _, name in asked] == ["Ibu"]
    # while the counselor weighs it, someone else comes in; the outbox's timed retry (desk.tick) meets them
    channel.others.append(("@mallory:hs", "Mallory"))
    asyncio.run(outbox.flush())
    # ...and the counselor answers yes to the question about Ibu (held_sends.py: desk.send_anyway(session.id))
    outbox.let_read("s1", [user for user, _ in asked])  # the accounts the question named
    allowed = store.sessions.state.get(READERS_ALLOWED) or []
    assert "@ibu:hs" in allowed
    assert "@mallory:hs" not in allowed, "an account the counselor was never asked about may now read every line"


def test_a_newcomer_after_send_anyway_holds_the_lines_again():
    store: Any = SimpleNamespace(sessions=_Sessions(), messages=_Messages([SimpleNamespace(session_id="s1", txn_id="t1")]))
    channel: Any = _RoomChannel()
    bus = EventBus()
    outbox = Outbox(store, channel, bus, background=lambda coroutine: coroutine.close())
    channel.others = [("@ibu:hs", "Ibu")]
    message: Any = SimpleNamespace(session_id="s1", txn_id="t1")
    asyncio.run(outbox.deliver(message))
    assert outbox.let_read("s1", ["@ibu:hs"]) == 1
    assert store.sessions.state[READERS_ALLOWED] == ["@ibu:hs"]
    assert outbox.let_read("s1", ["@ibu:hs"]) == 0  # a second Alt+K with nothing held lets no one else in


# ---- who the held notice names ------------------------------------------------------------------------------------
INTAKE, ANI, CLIENT = "@intake:hs", "@ani:hs", "@klien:hs"


class _Api:
    user_id = ANI

    def __init__(self, names: dict[str, str]) -> None:
        self.names = names

    async def room_state(self, room_id: str) -> list[dict]:
        state = [{"type": "m.room.join_rules", "state_key": "", "content": {"join_rule": "invite"}},
                 {"type": "m.room.history_visibility", "state_key": "", "content": {"history_visibility": "shared"}}]
        for user, name in {CLIENT: "Dewi", INTAKE: "curhat intake", ANI: "Ani", **self.names}.items():
            state.append({"type": "m.room.member", "state_key": user, "sender": user,
                          "content": {"membership": "join", "displayname": name}})
        return state


class _Reader:
    def client_of(self, session_id: str) -> tuple[str, str]:
        return "hash", "!room:hs"

    def is_client(self, user: object, session_id: str = "") -> bool:
        return user == CLIENT


def _held(names: dict[str, str], allowed=()) -> SendHeld | None:
    staff = Staff(intake=INTAKE, counselors=frozenset({ANI}))
    api: Any = _Api(names)
    reader: Any = _Reader()
    return asyncio.run(members.hold(api, "!room:hs", staff, reader, "s1", list(allowed)))


def _shown(data, held: SendHeld) -> str:
    return held_names(Catalogue(data.strings, "id"), held.readers)


def test_a_held_line_names_a_stranger_as_the_room_shows_them_with_markup_and_escapes_made_harmless(data):
    held = _held({"@mallory:hs": "\x1b]8;;http://x\x07[b]Mallory[/b]\u202e"})
    assert held is not None and held.notice == "notice.send_held"
    shown = _shown(data, held)
    assert "\x1b" not in shown and "\x07" not in shown and "\u202e" not in shown
    assert "@mallory" not in shown  # the account itself (a bridged one is a phone number) never shown


@pytest.mark.parametrize("posing_as", ["Ibu", "curhat intake", "Ani"])
def test_a_newcomer_posing_as_an_allowed_reader_or_as_staff_is_not_named_as_them(data, posing_as):
    # the client's mother ("Ibu") was let read with Alt+K; now a different account comes in under a name the counselor
    # already trusts: the allowed reader's, the intake's, or the counselor's own
    held = _held({"@ibu:hs": "Ibu", "@mallory:hs": posing_as}, allowed=["@ibu:hs"])
    assert held is not None and [user for user, _ in held.readers] == ["@mallory:hs"]
    assert _shown(data, held) != posing_as, "the counselor cannot tell the newcomer from someone they trust"


@pytest.mark.parametrize("name", ["\u200b\u200c\u200d\u2060", "Ibu\n\nKlien sendiri, aman dikirim"])
def test_an_invisible_or_multi_line_display_name_is_not_shown_as_it_is(data, name):
    held = _held({"@mallory:hs": name})
    assert held is not None
    shown = _shown(data, held)
    assert "\n" not in shown
    assert shown.strip("\u200b\u200c\u200d\u2060 "), "the counselor is told someone is there, named by nothing"


# ---- after the first fixes (6f02465, e06f77e) ---------------------------------------------------------------------
@pytest.mark.parametrize("answer", [
    "iya, ga bisa tidur mikirin itu",  # "yes, I can't sleep for thinking about it"
    "ya. gak ngerti lagi",  # "yes. I don't know any more"
    "iya... ga ngerti lg",
    "udah nyoba",  # "I already tried": a past attempt, the highest risk there is
    "aku udah nyoba sekali",  # "I tried once"
    "pernah, bahkan udah nyoba",  # "I have, I even tried"
])
def test_a_yes_then_a_negated_clause_or_a_past_attempt_is_high_risk(data, answer):
    assert _queued_risk(data, answer) >= Risk.HIGH, f"{answer!r} is queued as {_queued_risk(data, answer).name}"


@pytest.mark.parametrize("answer", ["yoi", "iyap", "yups", "iy kak", "hu um", "ho oh"])
def test_more_chat_spellings_of_yes_are_not_read_as_a_no(data, answer):
    assert _queued_risk(data, answer) > Risk.NONE


@pytest.mark.parametrize("posing_as, looks_like", [
    ("\u0406bu", "Ibu"),  # Cyrillic I
    ("\u0410ni", "Ani"),  # Cyrillic A
    ("\u0441urhat intake", "curhat intake"),  # Cyrillic es
])
def test_a_newcomer_with_a_look_alike_name_is_told_apart(data, posing_as, looks_like):
    held = _held({"@ibu:hs": "Ibu", "@mallory:hs": posing_as}, allowed=["@ibu:hs"])
    assert held is not None and [user for user, _ in held.readers] == ["@mallory:hs"]
    assert _shown(data, held) != posing_as, f"shown as {posing_as!r}, which reads as {looks_like!r} on screen"


# ---- the intake block under the chat's header ---------------------------------------------------------------------
@pytest.fixture
def fake_parts(tmp_path, data, clock):
    """As tests/ui/conftest.py: a real workstation, counselor Ani, over a channel the test speaks for."""
    from curhat_tui.bootstrap import Parts
    from curhat_tui.services.workstation import Workstation
    from curhat_tui.storage.store import Store
    from tests.support.fake_channel import FakeChannel

    store = Store(tmp_path / "curhat.db", kind="real")
    channel = FakeChannel(simulated=False)
    yield Parts.of(Workstation(store, channel, clock, data, counselor="Ani")), channel
    store.close()


async def test_a_topic_on_several_lines_does_not_hide_the_screening_answer(fake_parts):
    from curhat_tui.channels.base import ClientArrived
    from curhat_tui.domain.models import Tier, Visit
    from curhat_tui.ui.app import build_app
    from tests.conftest import START, accept_top, screen_text, until_shown

    parts, channel = fake_parts
    app = build_app(parts)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        # a phone's Enter between thoughts, as clients type: the intake keeps the topic as written (up to 200 chars)
        topic = "masalah keluarga\nsama suami\nudah lama banget"
        channel.inject(ClientArrived(Visit("v1", "client-v1", "Melati", Tier.PEER, 30, 25000, topic, "iya, sering",
                                           Risk.HIGH, START)))
        await pilot.pause()
        pane = await accept_top(pilot)
        await until_shown(pilot, lambda: pane is not None and pane.loaded)
        assert "Topik: masalah keluarga" in screen_text(app)
        assert "iya, sering" in screen_text(app), "the counselor does not see the client's yes to the screening question"


@pytest.mark.parametrize("note", [
    "Klien cerita soal suami yang sering memukul dan mengancam, anak-anak dua masih kecil, ibunya tinggal jauh. " * 8,
    "\n".join(f"- poin {n}: sudah dibahas" for n in range(1, 9)),  # a note written as a list, a line a point
], ids=["one-long-paragraph", "a-line-a-point"])
async def test_a_long_handover_note_does_not_hide_the_red_flags_raised_before_it(fake_parts, note):
    from curhat_tui.channels.base import SessionAssigned
    from curhat_tui.domain.models import Tier, Visit
    from curhat_tui.ui.app import build_app
    from tests.conftest import START, screen_text, until_shown

    parts, channel = fake_parts
    app = build_app(parts)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        channel.inject(SessionAssigned(Visit("h", "client-h", "Kenanga", Tier.PEER, 30, 25000, "rumah", "tidak",
                                             Risk.NONE, START), START, START + 1800,
                                       {"handover": note, "handover_flags": ["suicide"]}))
        main: Any = app.main
        await until_shown(pilot, lambda: (pane := main.active_pane) is not None and pane.loaded
                          and pane.query_one("#handover").display and "Catatan serah terima" in screen_text(app))
        # the note is on screen (a loaded machine draws it a frame or more after the pane is loaded): the flags too
        assert "Tanda bahaya sebelum serah terima" in screen_text(app), \
            "the next counselor does not see that suicide risk was raised before the handover"


# ---- after the second fixes (1d5f5e8) -----------------------------------------------------------------------------
@pytest.mark.parametrize("answer", [
    "pernah coba",  # "I have tried" ("pernah nyoba" is read; the root verb is not)
    "udah aku coba",  # "I've already tried it"
    "pernah ngelakuin",  # "I've done it"
    "udah pernah ngelakuin",
    "hampir nyoba",  # "I almost tried": an interrupted attempt
])
def test_an_attempt_told_in_other_words_is_high_risk(data, answer):
    assert _queued_risk(data, answer) >= Risk.HIGH, f"{answer!r} is queued as {_queued_risk(data, answer).name}"


@pytest.mark.parametrize("answer", ["udah", "udh", "udah kak"])
def test_already_have_is_not_read_as_a_no(data, answer):
    assert _queued_risk(data, answer) > Risk.NONE


@pytest.mark.parametrize("posing_as", [
    "\u04c0bu",  # Cyrillic palochka: reads as a capital I
    "I\U000e0062bu",  # an invisible tag character inside
    "Ibu\U000e0001",
    "I\u17b4bu",  # Khmer inherent vowel: no width, no glyph
    "I\u180bbu",  # Mongolian free variation selector
], ids=["palochka", "tag-inside", "tag-after", "khmer", "mongolian-fvs"])
def test_a_newcomer_with_a_name_that_reads_the_same_is_told_apart(data, posing_as):
    from rich.cells import cell_len

    assert cell_len(posing_as) == cell_len("Ibu")  # as wide on screen as the name it poses as
    held = _held({"@ibu:hs": "Ibu", "@mallory:hs": posing_as}, allowed=["@ibu:hs"])
    assert held is not None and [user for user, _ in held.readers] == ["@mallory:hs"]
    assert _shown(data, held) != posing_as, "shown as a name that reads as 'Ibu', the mother let read"


# ---- a screening answer that is not words -------------------------------------------------------------------------
class _IntakeApi:
    """The homeserver as the intake service sees it, recording what it writes."""

    user_id = "@intake:hs"

    def __init__(self) -> None:
        self.sent: list[dict] = []

    async def send(self, room_id: str, event_type: str, content: dict, txn_id: str) -> str:
        self.sent.append(content)
        return f"$sent{len(self.sent)}"

    async def put_state(self, room_id: str, event_type: str, content: dict, state_key: str = "") -> str:
        return "$state"

    async def get_state(self, room_id: str, event_type: str, state_key: str = "") -> dict | None:
        return None


@pytest.mark.parametrize("content", [
    {"msgtype": "m.audio", "body": "ptt.ogg", "url": "mxc://hs/voice"},  # a WhatsApp voice note through the bridge
    {"msgtype": "m.image", "body": "IMG_2041.jpg", "url": "mxc://hs/picture"},  # a screenshot of what they wrote
], ids=["voice-note", "picture"])
def test_a_screening_answer_that_is_not_words_is_not_taken_for_a_no(data, content):
    from curhat_tui.intake.service import IntakeService

    api: Any = _IntakeApi()
    intake = IntakeService(api, data, counselors=["@ani:hs"], queue_room="!queue:hs")
    room = "!klien:hs"
    intake.clients[room] = {"client": "@klien:hs", "intake": flow.IntakeState(
        step="risk", consent=True, consent_ts=1, tier="peer", minutes=30, topic="kerjaan").to_dict()}
    answer = {"type": "m.room.message", "sender": "@klien:hs", "event_id": "$answer", "origin_server_ts": 1,
              "content": content}
    asyncio.run(intake.handle({"rooms": {"join": {room: {"timeline": {"events": [answer]}}}}}, initial=False))
    state = intake.clients[room]["intake"]
    # asked again in writing, or not taken for a no: an answer nobody could read is not "no risk"
    assert state["step"] == "risk" or state["risk"] >= Risk.MODERATE, \
        f"queued with risk {state['risk']} on the answer {state['risk_answer']!r}"


@pytest.mark.parametrize("answer", [
    "beberapa kali",  # "several times"
    "sekali dua kali",  # "once or twice"
    "berkali-kali",  # "many times"
    "tiap ada masalah",  # "every time something goes wrong"
    "akhir-akhir ini",  # "lately"
    "pengen banget",  # "I really want to"
    "ada kak",  # "there are (such thoughts)"
    "sampai sekarang",  # "to this day"
    "kinda",
    "all the time",
])
def test_how_often_when_or_how_much_is_not_read_as_a_no(data, answer):
    assert _queued_risk(data, answer) > Risk.NONE


# ---- after the third fixes (c80e3e6) ------------------------------------------------------------------------------
@pytest.mark.parametrize("answer", [
    "no, I have a plan",
    "tidak, sudah terlambat",  # "no, it's too late now"
    "ga, udah siap",  # "no (need to think about it), I'm ready"
    "ga kepikiran, udah pasti",  # "not thinking about it: it's certain"
    "nggak mikir, langsung aja nanti",  # "I don't think about it, I'll just do it later"
])
def test_a_no_followed_by_a_plan_or_a_decision_is_not_read_as_a_no(data, answer):
    assert _queued_risk(data, answer) > Risk.NONE
