"""The C-SSRS screener is done with the client, not over it: a panel beside the chat, the reply box keeps the focus,
the counselor asks in the chat and records each answer; finishing ticks the flag with the answers (kept with it) and
loads the script. Works the same with a real client (it is a clinical tool), here through the practice desk."""

from __future__ import annotations

import json

import pytest

from curhat_tui.bootstrap import build_practice
from curhat_tui.domain.models import Risk
from curhat_tui.ui.screens.counselor.screener import ScreenerPanel
from curhat_tui.ui.widgets.composer import Composer
from tests.conftest import TEST_KEY, accept_top, screen_text

SIZE = (120, 40)


async def open_screener(pilot):
    await pilot.press("f2")
    await pilot.pause()
    await pilot.pause()
    return pilot.app.main.query_one(ScreenerPanel)


def shown(panel, part: str) -> str:
    return str(panel.query_one(part).render())


async def test_the_screener_stands_beside_the_chat_and_the_reply_box_keeps_the_focus(make_app, parts):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = await accept_top(pilot)
        panel = await open_screener(pilot)
        assert app.screen is app.main  # no dialog over the chat
        assert panel.is_open and panel.region.width > 0 and pane.region.width > 0
        assert panel.region.x >= pane.region.right  # beside the chat, not over it
        assert isinstance(app.focused, Composer)
        assert "Pertanyaan 1." in shown(panel, "#sc-progress")
        assert "berharap sudah mati" in shown(panel, "#sc-question")
        text = screen_text(app)
        assert "berharap sudah mati" in text and pane.session.alias in text  # the question and the chat, both seen


async def test_ask_in_the_chat_record_the_answer_and_finish_with_the_high_script(make_app, parts):
    app = make_app()
    ws = parts.workstation
    async with app.run_test(size=SIZE) as pilot:
        pane = await accept_top(pilot)
        panel = await open_screener(pilot)
        await pilot.press("alt+q")  # the question's wording in the reply box
        await pilot.pause()
        assert "berharap sudah mati" in pane.composer.text
        await pilot.press("enter")  # sent to the client, in the chat
        await pilot.pause()
        assert any("berharap sudah mati" in m.text for m in ws.desk.transcript(pane.session.id))
        for key in ("alt+y", "alt+y", "alt+n", "alt+y", "alt+n", "alt+n"):  # q1 q2 q3 q4 q5 q6
            await pilot.press(key)
            await pilot.pause()
        assert panel.answers == {"q1": True, "q2": True, "q3": False, "q4": True, "q5": False, "q6": False}
        assert "TINGGI" in shown(panel, "#sc-result")
        assert ws.flags.flags(pane.session.id) == {}  # nothing ticked until it is finished
        await pilot.press("alt+y")  # complete: Alt+Y finishes
        await pilot.pause()
        assert not panel.is_open
        assert ws.desk.risk_of(pane.session.id) is Risk.HIGH
        assert "112" in pane.composer.text and "IGD" in pane.composer.text
        assert parts.store.flags.scripts(pane.session.id)[0]["variant"] == "high"
        flag = parts.store.flags.for_session(pane.session.id)[0]
        assert json.loads(flag.detail)["screener"] == {"q1": True, "q2": True, "q3": False, "q4": True, "q5": False,
                                                       "q6": False}
        _, fields, _ = ws.notes.note(pane.session.id)
        assert "C-SSRS: risiko TINGGI" in fields["risk_screen"]


async def test_an_answer_recorded_before_the_panel_is_drawn_is_kept_and_shown(make_app, parts):
    """On a loaded laptop the panel's lines are composed a moment after F2: an answer recorded in that moment (Alt+N
    typed at once) is kept, nothing fails on lines not yet there, and the panel shows it once drawn (CI saw the
    panel try to fill a title that did not exist yet)."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = await accept_top(pilot)
        main = app.main
        main._open_screener(pane, "suicide")  # F2 and Alt+N in one tick: nothing awaited between them
        main.action_screener_answer(False)
        panel = main.query_one(ScreenerPanel)
        assert panel.answers == {"q1": False} and not panel.query("#sc-title")  # recorded before its lines exist
        await pilot.pause()
        await pilot.pause()
        assert parts.workstation.flags.screener_answers(pane.session.id) == {"q1": False}
        assert "Pertanyaan 2." in shown(panel, "#sc-progress")
        assert "benar-benar pernah berpikir" in shown(panel, "#sc-question")


async def test_skip_logic_back_and_keys_typed_after_f2_go_to_the_chat(make_app, parts):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = await accept_top(pilot)
        await pilot.press("k", "a")
        panel = await open_screener(pilot)
        await pilot.press("n", "g", "g", "a")  # typed through F2: the reply box, never an answer
        await pilot.pause()
        assert pane.composer.text == "kangga" and panel.answers == {}
        await pilot.press("alt+n", "alt+n")  # no wish, no thoughts: straight to question 6
        await pilot.pause()
        assert "Pertanyaan 6." in shown(panel, "#sc-progress")
        assert "Apakah kamu pernah melakukan" in shown(panel, "#sc-question")
        await pilot.press("alt+u")
        await pilot.pause()
        assert "benar-benar pernah berpikir" in shown(panel, "#sc-question") and panel.answers == {"q1": False}


async def test_on_the_panel_y_n_enter_s_and_escape(make_app, parts):
    app = make_app()
    ws = parts.workstation
    async with app.run_test(size=SIZE) as pilot:
        pane = await accept_top(pilot)
        panel = await open_screener(pilot)
        await pilot.press("f2")  # F2 again: to the panel (and back), where y and n answer
        await pilot.pause()
        assert app.focused is panel
        await pilot.press("enter")  # on a question Enter records nothing
        await pilot.press("n", "n")
        await pilot.pause()
        assert panel.answers == {"q1": False, "q2": False}
        assert "Pertanyaan 6." in shown(panel, "#sc-progress")  # reported as 6, as the answers list and report do
        await pilot.press("y")
        await pilot.pause()
        assert "Pertanyaan 6b." in shown(panel, "#sc-progress")
        await pilot.press("f2")  # and back to the reply box
        await pilot.pause()
        assert isinstance(app.focused, Composer) and panel.is_open
        panel.focus()
        await pilot.press("escape")  # step aside: the answers stay for the next F2
        await pilot.pause()
        assert not panel.is_open and isinstance(app.focused, Composer)
        await open_screener(pilot)
        assert panel.is_open and panel.answers == {"q1": False, "q2": False, "q6": True}
        panel.focus()
        await pilot.press("s")  # skip: the general script, the skip recorded
        await pilot.pause()
        assert not panel.is_open and "suicide" in ws.flags.flags(pane.session.id)
        assert json.loads(parts.store.flags.for_session(pane.session.id)[0].detail) == {"screener": "skipped"}


async def test_each_session_keeps_its_own_screener(make_app, parts):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        first = await accept_top(pilot)
        panel = await open_screener(pilot)
        await pilot.press("alt+y")
        second = await accept_top(pilot)
        await pilot.pause()
        assert second is not first and not panel.is_open  # the other chat has no screener open
        await pilot.press("alt+y")  # not offered here: nothing recorded anywhere
        await pilot.pause()
        assert panel.progress[first.session.id] == {"q1": True} and second.session.id not in panel.progress
        await pilot.press("alt+1")
        await pilot.pause()
        await pilot.pause()
        assert panel.is_open and panel.session_id == first.session.id and panel.answers == {"q1": True}


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_below_160_columns_the_queue_steps_aside_for_the_screener(make_app, parts, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        pane = await accept_top(pilot)
        panel = await open_screener(pilot)
        assert panel.region.width > 0 and pane.region.width >= 30
        panel.focus()
        await pilot.press("escape")
        await pilot.pause()
        assert not app.main.has_class("-hide-queue")  # the queue comes back


async def test_at_80_columns_with_the_panels_shown_they_step_aside_for_the_screener_and_come_back(make_app):
    """Ctrl+R at 80x24 shows the red flags and the note instead of the queue; F2 then put the screener beside both
    and left the chat five columns wide."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await accept_top(pilot)
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert not app.main.has_class("-hide-side")
        panel = await open_screener(pilot)
        assert panel.region.width > 0 and pane.region.width >= 30
        panel.focus()
        await pilot.press("escape")
        await pilot.pause()
        assert not app.main.has_class("-hide-side")  # the panels come back, as the counselor had them


async def test_the_answers_recorded_beside_the_chat_reach_the_report_against_the_truth(make_app, parts):
    app = make_app()
    ws = parts.workstation
    async with app.run_test(size=SIZE) as pilot:
        pane = await accept_top(pilot)
        sid = pane.session.id
        persona = parts.data.personas[parts.store.sessions.channel_state(sid)["persona"]]
        truth = persona.truth.screener()
        panel = await open_screener(pilot)
        while not panel.current_question() == "":
            await pilot.press("alt+q", "enter")  # asked in the chat
            await pilot.pause()
            qid = next(q for q in ("q1", "q2", "q3", "q4", "q5", "q6", "q6b") if q not in panel.answers
                       and panel.current_question() == app.t(f"screener.{q}"))
            await pilot.press("alt+y" if truth[qid] else "alt+n")  # what the client answered
            await pilot.pause()
        await pilot.press("alt+y")  # finish
        await pilot.pause()
        report = ws.practice.feedback(sid)
    table = report.split("### Skrining C-SSRS")[1].split("\n\n")[1]
    rows = [line for line in table.splitlines() if line.startswith("| ") and "Pertanyaan" not in line]
    assert rows and all(line.endswith("✅ |") for line in rows)
    assert "Skrining C-SSRS selesai dan setiap jawaban" in report


async def test_the_panels_own_keys_are_named_in_the_session_language(make_app, parts):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await accept_top(pilot)
        panel = await open_screener(pilot)

        def offered() -> dict[str, str]:  # what the footer shows: key -> description
            return {key: active.binding.description for key, active in app.screen.active_bindings.items()
                    if active.binding.show}
        assert offered()["alt+y"] == "Skrining: ya" and offered()["alt+n"] == "Skrining: tidak"  # while typing
        panel.focus()
        await pilot.pause()
        assert offered()["y"] == "Ya" and offered()["n"] == "Tidak" and offered()["escape"].startswith("Tutup")


async def test_answers_not_finished_survive_a_restart_and_go_when_it_is_finished(tmp_path, data, clock):
    """Quit mid-screener, start again: F2 shows the answers recorded and the question it was at, as the reply box
    keeps its draft; finishing then takes them out of the store (they live on in the flag's record)."""
    from curhat_tui.ui.app import build_app

    first = build_practice(tmp_path / "d", data=data, clock=clock, seed=7, name="Ani", key=TEST_KEY)
    app = build_app(first)
    async with app.run_test(size=SIZE) as pilot:
        pane = await accept_top(pilot)
        sid = pane.session.id
        panel = await open_screener(pilot)
        for key in ("alt+y", "alt+y", "alt+n"):  # a wish, thoughts, no method: question 4 is next
            await pilot.press(key)
            await pilot.pause()
        assert "Pertanyaan 4." in shown(panel, "#sc-progress")
    first.store.close()  # quit (Ctrl+Q) without finishing

    second = build_practice(tmp_path / "d", data=data, clock=clock, seed=7, name="Ani", key=TEST_KEY)
    app = build_app(second)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.main.active_pane.session.id == sid
        panel = await open_screener(pilot)
        assert panel.is_open and panel.session_id == sid
        assert panel.answers == {"q1": True, "q2": True, "q3": False}
        assert "Pertanyaan 4." in shown(panel, "#sc-progress")
        assert "punya niat untuk benar-benar melakukan" in shown(panel, "#sc-question")
        assert "3 " in shown(panel, "#sc-answers") and "Tidak" in shown(panel, "#sc-answers")  # the list, as left
        for key in ("alt+n", "alt+n", "alt+n"):  # q4 q5 q6: complete
            await pilot.press(key)
            await pilot.pause()
        await pilot.press("alt+y")  # finish: the flag keeps the answers, the store's copy goes
        await pilot.pause()
        assert not panel.is_open
        assert json.loads(second.store.flags.for_session(sid)[0].detail)["screener"] == {
            "q1": True, "q2": True, "q3": False, "q4": False, "q5": False, "q6": False}
        assert second.workstation.flags.screener_answers(sid) == {}
    second.store.close()
