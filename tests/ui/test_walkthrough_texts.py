"""Small defects a new user met walking through the supervisor screens, the lock screen and the texts (issue 13):
quick replies that never promise unconditional secrecy, supervisor keys offered only on the tab where they act,
the audit log's C in either case, plural minutes on the lock screen, referral lines that read cleanly, and F1's
referral table that keeps contacts whole at 80x24."""

from __future__ import annotations

import re

from curhat_tui.config.datafiles import load_all

# A line that speaks of keeping what the client tells must also name the limit (risk to safety), as the consent does.
SECRECY = re.compile(r"rahasia|jaga bersama|between us|confidential|secret|private|stays here|no one else|"
                     r"tidak ada yang tahu|hanya kita", re.IGNORECASE)
LIMIT = {"id": re.compile(r"kecuali.*(risiko|keselamatan)", re.IGNORECASE),
         "en": re.compile(r"unless.*(risk|safety)", re.IGNORECASE)}


def test_no_quick_reply_promises_unconditional_secrecy():
    replies = load_all().quick_replies.replies
    promising = [(reply.id, lang) for reply in replies for lang, text in reply.text.items()
                 if SECRECY.search(text) and not LIMIT[lang].search(text)]
    assert promising == []
    greet = next(reply for reply in replies if reply.id == "greet_safe")
    assert "between us" not in greet.text["en"] and "jaga bersama" not in greet.text["id"]
    assert all(SECRECY.search(text) and LIMIT[lang].search(text) for lang, text in greet.text.items())


async def test_the_audit_log_checks_its_chain_with_c_and_with_shift_c(tmp_path, data, clock):
    """The hint says "Tekan C": a capital C (Shift held, or Caps Lock) checks the chain as a small c does."""
    from curhat_tui.bootstrap import build_practice
    from curhat_tui.ui.app import build_app
    from curhat_tui.ui.screens.supervisor.audit_view import AuditViewModal
    from tests.conftest import TEST_KEY, screen_text

    parts = build_practice(tmp_path / "data", data=data, clock=clock, seed=7, name="Sri", key=TEST_KEY,
                           role="supervisor")
    app = build_app(parts)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        await pilot.press("alt+a")
        await pilot.pause()
        assert isinstance(app.screen, AuditViewModal)
        assert "Tekan C" in screen_text(app) and "Rantai utuh" not in screen_text(app)
        await pilot.press("C")
        await pilot.pause()
        assert "Rantai utuh" in screen_text(app)
    parts.store.close()


async def test_the_lock_screen_says_one_minute_and_one_try_in_english(tmp_path, parts, clock):
    """Locked after 1 idle minute: "1 minute", not "1 minutes"; the last try before a pause: "1 more try"."""
    from curhat_tui.services.lock import unlocker_for
    from curhat_tui.storage.database_key import DatabaseKey
    from curhat_tui.ui.app import build_app
    from curhat_tui.ui.screens.common.lock import LockScreen
    from tests.conftest import screen_text

    unlocker = unlocker_for(DatabaseKey("kopi-susu-jam-tiga", "passphrase"), tmp_path / "data")
    app = build_app(parts, lang="en", unlocker=unlocker, lock_after=60)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        clock.advance(61)
        app.tick()
        await pilot.pause()
        assert isinstance(app.screen, LockScreen)
        text = screen_text(app)
        assert "after 1 minute without input" in text and "1 minutes" not in text
        await pilot.press("s", "a", "l", "a", "h", "enter")
        await pilot.pause()
        assert "2 more tries before a pause" in screen_text(app)
        await pilot.press("l", "a", "g", "i", "enter")
        await pilot.pause()
        assert "1 more try before a pause" in screen_text(app)


def test_a_referral_line_names_a_contact_once_and_never_nests_brackets():
    directory = load_all().redflags.directory
    assert directory["healing119"].line("id") == "- healing119.id (Situs web)"  # no verification note: issue 15
    assert directory["healing119"].line("en") == "- healing119.id (Website)"
    assert directory["darurat112"].line("en") == "- Emergency Service 112: 112 (24 hours)"  # the usual shape stays
    for entry in directory.values():
        for lang in ("id", "en"):
            line = entry.line(lang)
            assert "((" not in line and "))" not in line and not re.search(r"\([^()]*\(", line), line
            name, contact = entry.text("name", lang), entry.text("contact", lang)
            assert name == contact and line.count(contact) == 1 or f"{name}: {contact}" in line


def footer_keys(app) -> set[str]:
    """The keys the footer offers now (what it draws from: the screen's shown, enabled bindings)."""
    return {key for key, active in app.screen.active_bindings.items() if active.binding.show and active.enabled}


def help_keys(app) -> set[str]:
    """The keys F1 lists now."""
    return {key.lower() for key, _ in app.key_help()}


async def test_supervisor_keys_are_offered_only_on_the_tab_where_they_act(tmp_path, data):
    from textual.widgets import DataTable, TabbedContent

    from curhat_tui.bootstrap import build_supervisor
    from curhat_tui.domain.clock import FakeClock
    from curhat_tui.ui.app import build_app
    from tests.conftest import START, TEST_KEY
    from tests.ui.test_supervisor_ui import counselor_snapshot, trainee_practice

    clock = FakeClock(START)
    snap = await counselor_snapshot(tmp_path, data, clock)
    await trainee_practice(tmp_path / "sup", data, clock)
    parts = build_supervisor(tmp_path / "sup", data=data, clock=clock, name="Sari", key=TEST_KEY)
    parts.workstation.supervision.on_link_event({"kind": "submit", "snapshot": snap, "remote_id": "$ev1"})
    app = build_app(parts)
    review_keys = {"s", "o", "u", "k", "t", "e"}
    async with app.run_test(size=(140, 45)) as pilot:
        await pilot.pause()
        screen = app.main
        assert review_keys <= footer_keys(app) and review_keys <= help_keys(app)
        assert "w" not in footer_keys(app) and "w" not in help_keys(app)

        await pilot.press("2")  # Live: no list of notes, so no sort, filter, comment, sign-off or export
        await pilot.pause()
        assert screen.query_one(TabbedContent).active == "live"
        assert not review_keys & footer_keys(app) and not review_keys & help_keys(app)
        assert "w" in footer_keys(app) and "w" in help_keys(app)
        assert {"1", "2", "3"} <= {b.key for b in screen.BINDINGS} and "a" in footer_keys(app)
        sort, notices = screen.sort, len(app._notifications)
        await pilot.press("s", "k", "t")
        await pilot.pause()
        assert screen.sort == sort and len(app._notifications) == notices  # nothing done, nothing wrongly said
        assert app.screen is screen  # no comment box opened for a note that is not shown

        await pilot.press("3")  # Trainees: a trainee's session highlighted, still no note to comment or sign
        await pilot.pause()
        screen.query_one("#trainee-table", DataTable).focus()
        await pilot.pause()
        assert screen.selected_trainee
        assert not review_keys & footer_keys(app) and "w" not in footer_keys(app)
        await pilot.press("k")
        await pilot.pause()
        assert len(app._notifications) == notices and app.screen is screen

        await pilot.press("1")  # back on Review the keys act again
        await pilot.pause()
        assert review_keys <= footer_keys(app)
        await pilot.press("s")
        await pilot.pause()
        assert screen.sort != sort
    parts.store.close()


async def test_f1_at_80x24_shows_every_referral_contact_and_hours_whole(make_app, data):
    """The referral table wraps between words: no contact, hours or date is cut to "…" at 80 columns."""
    from textual.containers import VerticalScroll

    from curhat_tui.ui.screens.common.help import HelpModal
    from tests.conftest import screen_text

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpModal)
        scroll = app.screen.query_one(VerticalScroll)
        seen = [screen_text(app)]
        for _ in range(40):  # a page at a time, down to the end of the directory and the keys
            if scroll.scroll_y >= scroll.max_scroll_y:
                break
            scroll.scroll_page_down(animate=False)
            await pilot.pause()
            seen.append(screen_text(app))
        text = "\n".join(seen)
        words = {word for entry in data.redflags.directory.values()
                 for word in f"{entry.text('contact', 'id')} {entry.hours['id']}".split()}
        assert [word for word in sorted(words) if word not in text] == []
        assert "…" not in text and "2026-11-21" in text
