"""The counselor's main screen layout (issue 13): side-by-side chats on wide terminals, the tab strip's states,
warnings that fall due while the screen is locked, headers and toasts that keep out of the way, and a practice
client list that shows every client at 80x24."""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from textual.widgets import OptionList, TabbedContent, Tabs
from textual.widgets._toast import Toast

from curhat_tui.channels.base import ClientArrived, MessageReceived
from curhat_tui.domain.models import Risk, Tier, Visit
from curhat_tui.services.lock import Unlocker
from curhat_tui.storage.sessions import ENCRYPTED, REGION
from curhat_tui.ui.app import build_app
from curhat_tui.ui.screens.common.lock import LockScreen
from curhat_tui.ui.screens.counselor.practice_setup import PracticeSetupModal
from curhat_tui.ui.widgets.chat_pane import ChatPane, pack
from curhat_tui.ui.widgets.notes_form import NotesForm
from curhat_tui.ui.widgets.redflag_panel import RedFlagPanel
from tests.conftest import START, screen_text

PASSPHRASE = "kopi-susu-jam-tiga"
ALIASES = ("kupukupu_senja_malam", "anakindie_bandung", "kopi_tanpa_gula_aren", "bu_guru_semarang")


def visit(vid: str, alias: str, minutes: int = 60, tier: Tier = Tier.PROFESSIONAL) -> Visit:
    return Visit(vid, f"client-{vid}", alias, tier, minutes, 250000, "tidur", "tidak", Risk.NONE, START)


async def accept(pilot):
    before = len(pilot.app.main.panes)
    await pilot.press("ctrl+n")
    for _ in range(20):  # the pane opens when SessionOpened arrives
        await pilot.pause()
        pane = pilot.app.main.active_pane
        if len(pilot.app.main.panes) > before and pane is not None and pane.loaded:
            break
    return pilot.app.main.active_pane


async def open_sessions(pilot, channel, count: int) -> list[ChatPane]:
    panes = []
    for n in range(count):
        channel.inject(ClientArrived(visit(f"v{n}", ALIASES[n])))
        await pilot.pause()
        panes.append(await accept(pilot))
    return panes


def shown_panes(app) -> list[ChatPane]:
    """The chats on screen, left to right."""
    return sorted((p for p in app.main.panes.values() if p.loaded and p.region.width > 0),
                  key=lambda p: p.region.x)


def tab_text(app, session_id: str) -> str:
    return str(app.main.query_one(TabbedContent).get_tab(f"tab-{session_id}").label)


def strip_fits(app) -> bool:
    """Every tab is whole on the strip: nothing scrolled away or cut."""
    tabs = app.main.query_one(TabbedContent).query_one(Tabs)
    return tabs.virtual_size.width <= tabs.size.width


# ---- 1. several chats in view ---------------------------------------------------------------------
async def test_at_200_columns_three_chats_stand_side_by_side_and_the_focused_one_is_marked(fake_parts):
    parts, channel = fake_parts
    app = build_app(parts)
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.pause()
        first, second, third = await open_sessions(pilot, channel, 3)
        await pilot.pause()
        assert shown_panes(app) == [first, second, third]
        assert [p.has_class("-focused") for p in (first, second, third)] == [False, False, True]
        assert "▶ 3 kopi_tanpa_gula_aren" in screen_text(app)  # the focused chat's title
        for pane in (first, second, third):  # each its own header, countdown, transcript and reply box
            assert pane.composer.region.width > 0 and pane.query_one("#head").region.width > 0
            assert "sisa 1:00:00" in str(pane.query_one("#head").render())
        await pilot.press("alt+1")
        await pilot.pause()
        assert app.main.active_pane is first and app.focused is first.composer
        assert first.has_class("-focused") and not third.has_class("-focused")
        assert shown_panes(app) == [first, second, third]  # nothing moved
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert app.main.active_pane is second and app.focused is second.composer
        assert second.has_class("-focused")


async def test_at_160_columns_the_two_most_recently_focused_chats_show(fake_parts):
    parts, channel = fake_parts
    app = build_app(parts)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        first, second, third = await open_sessions(pilot, channel, 3)
        await pilot.pause()
        assert shown_panes(app) == [second, third]
        await pilot.press("alt+1")
        await pilot.pause()
        assert shown_panes(app) == [first, third]  # the one focused before stays beside it
        assert first.has_class("-focused") and not third.has_class("-focused")


async def test_below_160_columns_the_tabbed_layout_stays(fake_parts):
    parts, channel = fake_parts
    app = build_app(parts)
    async with app.run_test(size=(159, 45)) as pilot:
        await pilot.pause()
        first, second = await open_sessions(pilot, channel, 2)
        await pilot.pause()
        assert shown_panes(app) == [second]
        assert not second.has_class("-focused") and second.border_title is None
        await pilot.resize_terminal(200, 50)  # widened: side by side
        await pilot.pause()
        await pilot.pause()
        assert shown_panes(app) == [first, second] and second.has_class("-focused")
        await pilot.resize_terminal(120, 40)  # narrowed again: tabs
        await pilot.pause()
        await pilot.pause()
        assert shown_panes(app) == [second] and not second.has_class("-focused")


async def test_a_closed_chat_leaves_the_row_and_the_next_most_recent_takes_its_place(fake_parts):
    parts, channel = fake_parts
    desk = parts.workstation.desk
    app = build_app(parts)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        first, second, third = await open_sessions(pilot, channel, 3)
        await pilot.press("alt+2")
        await pilot.pause()
        assert shown_panes(app) == [second, third]
        await desk.end(second.session.id)
        desk.close(second.session.id, skip_reason="uji tata letak")
        for _ in range(5):
            await pilot.pause()
        assert second.session.id not in app.main.panes
        assert shown_panes(app) == [first, third]
        focused = app.main.active_pane
        assert focused is not None and focused.has_class("-focused")
        assert app.main.query_one(NotesForm).session_id == focused.session.id
        assert [str(tab.label).split(" ")[0] for tab in app.main.query_one(TabbedContent).query("ContentTab")] \
            == ["1", "2"]  # renumbered


async def test_after_a_restart_the_restored_chats_stand_side_by_side(tmp_path, data, clock):
    from curhat_tui.bootstrap import build_practice

    first = build_practice(tmp_path / "d", data=data, clock=clock, seed=7, speed=0)
    app = build_app(first)
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.pause()
        for _ in range(3):
            await accept(pilot)
        sids = list(app.main.panes)
    first.store.close()
    second = build_practice(tmp_path / "d", data=data, clock=clock, seed=7, speed=0)
    app = build_app(second)
    async with app.run_test(size=(200, 50)) as pilot:
        for _ in range(10):  # the panes after the first mount lazily, after the first frame
            await pilot.pause()
            if all(p.loaded for p in app.main.panes.values()):
                break
        await pilot.pause()
        assert [p.session.id for p in shown_panes(app)] == sids
        assert app.main.panes[sids[0]].has_class("-focused")
        assert app.main.query_one(NotesForm).session_id == sids[0]
    second.store.close()


async def test_the_flags_and_the_notes_are_always_the_focused_chats(fake_parts):
    parts, channel = fake_parts
    app = build_app(parts)
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.pause()
        first, second = await open_sessions(pilot, channel, 2)
        await pilot.pause()
        await pilot.press("f3")  # self-harm, ticked in the focused (second) chat
        await pilot.pause()
        panel, notes = app.main.query_one(RedFlagPanel), app.main.query_one(NotesForm)
        assert "self_harm" in panel.ticked and notes.session_id == second.session.id
        await pilot.click(first.composer)  # a click into the chat beside it
        await pilot.pause()
        await pilot.pause()
        assert app.main.active_pane is first and first.has_class("-focused")
        assert notes.session_id == first.session.id and "self_harm" not in panel.ticked
        await pilot.press("alt+2")
        await pilot.pause()
        await pilot.pause()
        assert notes.session_id == second.session.id and "self_harm" in panel.ticked


# ---- 2. the tab strip's states -----------------------------------------------------------------------
@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_strip_shows_each_sessions_state_and_no_label_is_cut(fake_parts, clock, size):
    parts, channel = fake_parts
    app = build_app(parts)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        panes = await open_sessions(pilot, channel, 4)
        sids = [p.session.id for p in panes]
        channel.inject(MessageReceived(sids[0], "kak aku capek banget", clock.now()))
        channel.inject(MessageReceived(sids[1], "kak jujur aku pengen mati aja", clock.now()))
        await pilot.pause()
        clock.advance(3 * 60 + 5)
        app.tick()
        await pilot.pause()
        assert strip_fits(app)
        waiting = tab_text(app, sids[0])
        assert waiting.startswith("1 ") and "⏳3m" in waiting
        assert "⚑" in tab_text(app, sids[1]) and "⚑" not in waiting  # a red flag suggested
        assert "⏳" not in tab_text(app, sids[2])  # nobody waiting there
        tabs = app.main.query_one(TabbedContent)
        hourglass = next(s for s in tabs.get_tab(f"tab-{sids[0]}").label.spans if "$warning" in str(s.style))
        assert hourglass  # waiting past three minutes turns the hourglass to the warning colour
        clock.advance(60 * 60 - 3 * 60 - 5 - 9 * 60)  # nine minutes left
        app.tick()
        await pilot.pause()
        assert strip_fits(app)
        label = tabs.get_tab(f"tab-{sids[2]}").label
        assert "⏰9m" in label.plain or "09:00" in label.plain
        assert any("$warning" in str(span.style) for span in label.spans)
        clock.advance(11 * 60)  # two minutes over
        app.tick()
        await pilot.pause()
        label = tabs.get_tab(f"tab-{sids[2]}").label
        assert "+2m" in label.plain or "+02:00" in label.plain
        assert any("$error" in str(span.style) for span in label.spans)
        assert strip_fits(app)


@pytest.mark.parametrize("count", [3, 4, 6])
def test_labels_fit_the_80x24_strip_with_many_sessions_and_keep_their_numbers(data, count):
    from curhat_tui.domain.i18n import Catalogue
    from curhat_tui.domain.session_clock import Phase
    from curhat_tui.ui.widgets.tab_strip import TAB_PADDING, TabState, fit_labels

    t = Catalogue(data.strings, "id")
    states = [TabState(alias=f"klien_dengan_nama_panjang_{n}", high_risk=n == 0, active=n != 1, status="wrapup",
                       phase=[Phase.NORMAL, Phase.WARNING, Phase.CRITICAL, Phase.OVERTIME][n % 4],
                       remaining=[1800, 540, 240, -120][n % 4], waiting=200.0 if n % 2 else None, flagged=n % 3 == 0)
              for n in range(count)]
    labels = fit_labels(states, t, 47)
    assert sum(label.cell_length + TAB_PADDING for label in labels) <= 47
    assert [label.plain.split(" ")[0].rstrip("⏳⚑✎") for label in labels] == [str(n) for n in range(1, count + 1)]
    assert "✎" in labels[1].plain  # wrap-up is said even when space is shortest


async def test_with_room_a_label_keeps_the_full_alias_and_the_countdown(fake_parts):
    parts, channel = fake_parts
    app = build_app(parts)
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.pause()
        first, second = await open_sessions(pilot, channel, 2)
        assert tab_text(app, first.session.id) == f"1 {ALIASES[0]} 1:00:00"
        assert strip_fits(app)


# ---- 3. the warning and the lock -----------------------------------------------------------------------
def memory_unlocker() -> Unlocker:
    unlocker = Unlocker.in_memory()
    unlocker.choose(PASSPHRASE)
    return unlocker


async def test_a_warning_that_falls_due_while_locked_is_shown_after_unlocking_and_stays_on_the_tab(parts, clock):
    app = build_app(parts, unlocker=memory_unlocker())
    ws = parts.workstation
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        pane = await accept(pilot)
        sid = pane.session.id
        app.clear_notifications()
        await pilot.press("ctrl+k")
        await pilot.pause()
        assert isinstance(app.screen, LockScreen)
        clock.set(ws.store.sessions.get(sid).deadline - 9 * 60)  # the 10-minute warning falls due while locked
        app.tick()
        await pilot.pause()
        assert "10 menit" not in screen_text(app)
        await pilot.press(*PASSPHRASE, "enter")
        for _ in range(10):
            await pilot.pause()
            if "sisa 10 menit" in screen_text(app):
                break
        assert app.lock_screen is None
        assert f"Sesi dengan {pane.session.alias}: sisa 10 menit" in screen_text(app)
        app.clear_notifications()  # the toast gone: the tab still says so, in the warning colour
        await pilot.pause()
        label = app.main.query_one(TabbedContent).get_tab(f"tab-{sid}").label
        assert "09:00" in label.plain and any("$warning" in str(span.style) for span in label.spans)


def warnings_shown(app, alias: str) -> list:
    return [n for n in app._notifications if f"Sesi dengan {alias}: sisa 10 menit" in n.message]


@pytest.mark.parametrize("before_lock, told_again", [(3, True), (30, False)], ids=["covered", "already-gone"])
async def test_a_warning_whose_toast_the_lock_covered_is_told_again_after_unlocking(parts, clock, before_lock,
                                                                                    told_again):
    app = build_app(parts, unlocker=memory_unlocker())
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        pane = await accept(pilot)
        clock.set(parts.workstation.store.sessions.get(pane.session.id).deadline - 9 * 60)
        app.tick()  # the 10-minute warning, on screen for a few seconds
        await pilot.pause()
        first = warnings_shown(app, pane.session.alias)
        assert len(first) == 1
        clock.advance(before_lock)
        await pilot.press("ctrl+k")
        await pilot.pause()
        app.tick()
        clock.advance(120)  # the counselor is away; a toast's seconds run out under the lock
        app.tick()
        await pilot.press(*PASSPHRASE, "enter")
        await pilot.pause()
        app.tick()
        await pilot.pause()
        again = [n for n in warnings_shown(app, pane.session.alias) if n.identity != first[0].identity]
        assert bool(again) is told_again and len(again) <= 1


# ---- 4. headers, the risk line, toasts, F12 ---------------------------------------------------------------
def test_the_header_packs_whole_parts_onto_lines():
    parts = ["sisa 1:00:00", "risiko tidak ada", "kopi_tanpa_gula", "profesional", "60 mnt Rp250.000", "🔒 e2e"]
    assert pack(parts, 200) == [" · ".join(parts)]
    lines = pack(parts, 60)
    assert [part for line in lines for part in line.split(" · ")] == parts
    assert all(cell_len(line) <= 60 for line in lines) and len(lines) == 2


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_header_shows_package_price_the_encryption_mark_and_the_told_province(fake_parts, size):
    parts, channel = fake_parts
    app = build_app(parts)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        (pane,) = await open_sessions(pilot, channel, 1)
        await pilot.pause()
        assert "domisili" not in screen_text(app)  # nothing told, nothing shown
        sessions = parts.workstation.store.sessions  # what a real channel keeps when it claims the client's room
        sessions.update(pane.session.id, channel_state={**sessions.channel_state(pane.session.id), ENCRYPTED: True,
                                                        REGION: "Jawa Timur"})
        pane.refresh_clock()
        await pilot.pause()
        text = screen_text(app)
        for shown in ("sisa 1:00:00", ALIASES[0], "profesional", "60 mnt Rp250.000", "🔒 terenkripsi ujung-ke-ujung",
                      "domisili: Jawa Timur"):
            assert shown in text, shown
        sessions.update(pane.session.id, channel_state={**sessions.channel_state(pane.session.id),
                                                        REGION: "[red]Atlantis[/red]"})  # not one of the 38: not shown
        pane.refresh_clock()
        await pilot.pause()
        assert "domisili" not in screen_text(app) and "Atlantis" not in screen_text(app)


async def test_the_risk_suggestion_has_a_line_of_its_own(fake_parts, clock):
    parts, channel = fake_parts
    app = build_app(parts)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        (pane,) = await open_sessions(pilot, channel, 1)
        channel.inject(MessageReceived(pane.session.id, "kak jujur aku pengen mati aja", clock.now()))
        await pilot.pause()
        clock.advance(65)
        app.tick()
        await pilot.pause()
        lines = str(pane.query_one("#status").render()).splitlines()
        assert lines[0].startswith("⚠") and "F2" in lines[0] and "menunggu" not in lines[0]
        assert "01:05 klien menunggu balasanmu" in lines[-1]
        assert "01:05 klien menunggu balasanmu" in screen_text(app)  # not cut away


async def test_a_toast_never_covers_the_reply_box_at_80x24(parts):
    app = build_app(parts)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        pane = await accept(pilot)
        await pilot.press(*"halo kak")
        for n in range(3):
            app.notify(f"pemberitahuan {n}: " + "kata " * 12, timeout=30)
        await pilot.pause()
        await pilot.pause()
        toasts = list(app.screen.query(Toast))
        assert toasts and pane.composer.region.height > 0
        for toast in toasts:
            assert not toast.region.overlaps(pane.composer.region)
        assert "halo kak" in screen_text(app)


async def test_f12_reaches_every_practice_client_at_80x24(parts, data):
    """21 clients no longer fit at 80x24: each is reached with the arrow keys, shown whole with its topic."""
    app = build_app(parts)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("f12")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, PracticeSetupModal)
        options = app.screen.query_one(OptionList)
        assert options.option_count == len(data.personas) + 1
        seen = set()
        for index in range(options.option_count):
            options.highlighted = index
            await pilot.pause()
            option_id = options.get_option_at_index(index).id
            persona = data.personas.get(option_id)
            if persona is None:
                continue  # "let the app choose"
            text = screen_text(app)
            assert persona.alias in text and persona.topic in text, persona.alias
            seen.add(persona.id)
        assert seen == set(data.personas)


# ---- 5. defect 4: no countdown for ended or handed-over sessions -----------------------------------------
async def test_ended_and_handed_over_sessions_show_their_state_not_a_countdown(fake_parts, clock, monkeypatch):
    parts, channel = fake_parts

    async def transfer(session, handover, to=""):
        return None

    monkeypatch.setattr(channel, "transfer", transfer, raising=False)
    app = build_app(parts)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        panes = await open_sessions(pilot, channel, 3)
        ended, handed, running = (p.session.id for p in panes)
        await parts.workstation.desk.end(ended)
        await parts.workstation.desk.transfer(handed, "lanjut ke psikolog", "")
        await pilot.pause()
        before = {sid: tab_text(app, sid) for sid in (ended, handed, running)}
        clock.advance(95)
        app.tick()
        await pilot.pause()
        for sid in (ended, handed):
            label = tab_text(app, sid)
            assert label == before[sid] and "✎" in label  # wrap-up, and nothing that runs
            assert not any(ch.isdigit() for ch in label.split(" ", 1)[1])
        assert strip_fits(app)


async def test_the_checklists_labels_and_the_directorys_date_are_read_whole_at_120x40(make_app):
    """At 120x40 the panel is 35 columns: "Pikiran atau rencana bunuh diri" and the directory's checked date were cut
    to "bunuh …" and "2026-…". The checklist shows each item's short label (the full one stays in F1, the notice and
    the note), so every word is read, in both languages."""
    from tests.conftest import accept_top

    for lang in ("id", "en"):
        app = make_app(lang=lang)
        async with app.run_test(size=(120, 40)) as pilot:
            await accept_top(pilot)
            await pilot.pause()
            panel = app.main.query_one(RedFlagPanel)
            shown = "\n".join("".join(s.text for s in line) for line in panel.render_lines(panel.region.reset_offset))
            assert "…" not in shown
            for item in app.data.redflags.items:
                assert app.t.pick(item.short or item.label) in shown, item.id
            assert app.data.redflags.oldest_check().isoformat() in shown
