"""The screen lock: Ctrl+K or idle minutes cover every screen until the passphrase is given."""

from __future__ import annotations

import keyring
import pytest

from curhat_tui.bootstrap import build_practice
from curhat_tui.config.settings import ConfigError, load_settings
from curhat_tui.domain.clock import FakeClock
from curhat_tui.domain.models import Sender
from curhat_tui.services.lock import FIRST_WAIT_SECONDS, Unlocker, check_verifier, make_verifier, unlocker_for
from curhat_tui.storage.database_key import SERVICE, DatabaseKey, database_key
from curhat_tui.ui.app import build_app
from curhat_tui.ui.screens.common.lock import LockScreen
from curhat_tui.ui.screens.counselor.extend import ExtendModal
from tests.conftest import START, TEST_KEY, accept_top, screen_text

SIZE = (120, 40)
PASSPHRASE = "kopi-susu-jam-tiga"


async def type_text(pilot, text: str) -> None:
    await pilot.press(*[{" ": "space"}.get(ch, ch) for ch in text])


async def submit(pilot, text: str) -> None:
    await type_text(pilot, text)
    await pilot.press("enter")
    await pilot.pause()


def passphrase_unlocker(tmp_path) -> Unlocker:
    return unlocker_for(DatabaseKey(PASSPHRASE, "passphrase"), tmp_path / "data")


@pytest.fixture
def slow_parts(tmp_path, data, clock):
    """Clients that take a while to type, so their messages can arrive while the screen is locked."""
    built = build_practice(tmp_path / "slow", data=data, clock=clock, seed=7, speed=1.0, name="Ani", key=TEST_KEY)
    yield built
    built.store.close()


# ---- keys: what unlocks --------------------------------------------------------------------------
def test_verifier_checks_again_without_keeping_the_secret():
    verifier = make_verifier(PASSPHRASE)
    assert PASSPHRASE not in verifier and verifier.startswith("scrypt$")
    assert make_verifier(PASSPHRASE) != verifier  # salted
    assert check_verifier(verifier, PASSPHRASE)
    assert not check_verifier(verifier, PASSPHRASE + "x")
    assert not check_verifier("garbage", PASSPHRASE)


def test_keys_remember_where_they_came_from(tmp_path):
    key = database_key(tmp_path / "data")
    assert key.source == "keyring" and isinstance(key, str)
    outside = tmp_path / "key.txt"
    outside.write_text("ab" * 32)
    assert database_key(tmp_path / "data", key_file=outside).source == "key_file"


def test_wrong_tries_are_rate_limited_and_the_right_one_resets(tmp_path):
    unlocker = passphrase_unlocker(tmp_path)
    assert unlocker.kind == "passphrase" and not unlocker.needs_setup
    first, second = unlocker.attempt("salah", START), unlocker.attempt("salah lagi", START)
    assert (first.ok, first.left, second.left) == (False, 2, 1)
    third = unlocker.attempt("masih salah", START)
    assert not third.ok and third.wait == FIRST_WAIT_SECONDS
    refused = unlocker.attempt(PASSPHRASE, START + 10)  # even the right one waits its turn
    assert not refused.ok and not refused.checked and refused.wait == pytest.approx(FIRST_WAIT_SECONDS - 10)
    fourth = unlocker.attempt("salah", START + FIRST_WAIT_SECONDS)
    assert fourth.wait == 2 * FIRST_WAIT_SECONDS  # each further wrong try doubles the wait
    assert unlocker.attempt(PASSPHRASE, START + 3 * FIRST_WAIT_SECONDS).ok
    assert unlocker.failures == 0


def test_keyring_key_gets_an_unlock_passphrase_kept_as_a_hash_in_the_keyring(tmp_path):
    key = database_key(tmp_path / "data")
    unlocker = unlocker_for(key, tmp_path / "data")
    assert unlocker.needs_setup and unlocker.where == "keyring"
    with pytest.raises(ValueError):
        unlocker.choose("123")
    unlocker.choose("pin-ku-99")
    stored = keyring.get_password(SERVICE, f"unlock:{(tmp_path / 'data').resolve()}")
    assert stored and "pin-ku-99" not in stored and key not in stored
    again = unlocker_for(key, tmp_path / "data")  # the next start asks nothing new
    assert not again.needs_setup and again.attempt("pin-ku-99", START).ok


def test_key_file_unlock_passphrase_lives_in_the_encrypted_database(tmp_path, parts):
    unlocker = unlocker_for(DatabaseKey(TEST_KEY, "key_file"), tmp_path / "data", parts.store)
    assert unlocker.needs_setup and unlocker.where == "database"
    unlocker.choose("kunci layar")
    assert check_verifier(parts.store.state.unlock_verifier(), "kunci layar")


def test_idle_minutes_come_from_config(tmp_path):
    assert load_settings(tmp_path).lock_after_minutes == 10
    (tmp_path / "config.toml").write_text("lock_after_minutes = 0\n")
    assert load_settings(tmp_path).lock_after_minutes == 0
    (tmp_path / "config.toml").write_text('lock_after_minutes = "sepuluh"\n')
    with pytest.raises(ConfigError, match="lock_after_minutes"):
        load_settings(tmp_path)


# ---- the lock screen -----------------------------------------------------------------------------
async def test_hotkey_hides_every_session_and_right_passphrase_restores_the_screen(tmp_path, parts):
    app = build_app(parts, unlocker=passphrase_unlocker(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        pane = await accept_top(pilot)
        alias = pane.session.alias
        greeting = parts.workstation.desk.transcript(pane.session.id)[-1].text
        await type_text(pilot, "draf balasan")
        assert greeting[:12] in screen_text(app)
        await pilot.press("ctrl+g")  # a modal naming the client is open when the lock comes
        await pilot.pause()
        assert isinstance(app.screen, ExtendModal) and alias in screen_text(app)
        app.notify(f"{alias}: sisa 5 menit")  # a toast naming the client is up when the lock comes
        await pilot.pause()

        await pilot.press("ctrl+k")
        await pilot.pause()
        assert isinstance(app.screen, LockScreen)
        locked = screen_text(app)
        waiting = [v.alias for v in parts.workstation.desk.queue()]
        for secret in [alias, greeting[:12], "draf balasan", "LATIHAN", *waiting]:
            assert secret not in locked
        assert "Layar terkunci" in locked

        await submit(pilot, PASSPHRASE)
        assert app.lock_screen is None and isinstance(app.screen, ExtendModal)
        await pilot.press("escape")
        await pilot.pause()
        assert app.main.active_pane is pane and pane.composer.text == "draf balasan"
        assert app.focused is pane.composer


async def test_wrong_passphrase_is_refused_then_rate_limited(tmp_path, parts, clock):
    app = build_app(parts, unlocker=passphrase_unlocker(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+k")
        await pilot.pause()
        await submit(pilot, "tebak-tebak")
        assert isinstance(app.screen, LockScreen)
        assert "Frasa sandi salah" in screen_text(app) and "2 percobaan" in screen_text(app)
        await submit(pilot, "tebak-lagi")
        await submit(pilot, "tebak-terus")
        assert "Tunggu 30 detik" in screen_text(app)
        await submit(pilot, PASSPHRASE)  # the wait holds even for the right passphrase
        assert isinstance(app.screen, LockScreen) and "Tunggu 30 detik" in screen_text(app)
        clock.advance(FIRST_WAIT_SECONDS)
        await submit(pilot, PASSPHRASE)
        assert app.lock_screen is None and app.screen is app.main


async def test_while_locked_global_keys_do_nothing(tmp_path, parts):
    app = build_app(parts, unlocker=passphrase_unlocker(tmp_path))
    ws = parts.workstation
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        pane = await accept_top(pilot)
        waiting = len(ws.desk.queue())
        await pilot.press("ctrl+k")
        await pilot.pause()
        await pilot.press("ctrl+n", "f3", "f4", "ctrl+p", "ctrl+t", "ctrl+q", "f1")
        await pilot.pause()
        assert isinstance(app.screen, LockScreen) and app.is_running
        assert len(ws.desk.queue()) == waiting and len(ws.desk.open_sessions()) == 1
        assert not ws.flags.flags(pane.session.id)
        assert "Layar terkunci" in screen_text(app)


async def test_idle_minutes_lock_the_screen_and_input_postpones_it(tmp_path, parts, clock):
    app = build_app(parts, unlocker=passphrase_unlocker(tmp_path), lock_after=600)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        clock.advance(500)
        await pilot.press("ctrl+b")  # any key counts as activity
        clock.advance(500)
        app.tick()
        await pilot.pause()
        assert app.lock_screen is None
        clock.advance(101)
        app.tick()
        await pilot.pause()
        assert isinstance(app.screen, LockScreen)
        assert "setelah 10 menit tanpa aktivitas" in screen_text(app)
        await submit(pilot, PASSPHRASE)
        assert app.lock_screen is None
        app.tick()  # unlocking counts as input: no immediate lock again
        await pilot.pause()
        assert app.lock_screen is None


async def test_messages_and_notices_arriving_while_locked_are_there_after_unlock(tmp_path, slow_parts, clock):
    app = build_app(slow_parts, unlocker=passphrase_unlocker(tmp_path))
    ws = slow_parts.workstation
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        pane = await accept_top(pilot)
        sid = pane.session.id
        assert not [m for m in ws.desk.transcript(sid) if m.sender is Sender.CLIENT]  # still typing the greeting
        await pilot.press("ctrl+k")
        await pilot.pause()
        clock.advance(120)
        app.tick()
        await pilot.pause()
        greeting = [m for m in ws.desk.transcript(sid) if m.sender is Sender.CLIENT]
        assert greeting, "the workstation keeps storing client messages while locked"
        deadline = ws.store.sessions.get(sid).deadline
        clock.set(deadline - 9 * 60)  # the 10-minute warning falls due while locked
        app.tick()
        await pilot.pause()
        locked = screen_text(app)
        assert greeting[0].text[:12] not in locked and pane.session.alias not in locked
        await submit(pilot, PASSPHRASE)
        await pilot.pause()
        assert greeting[0].text[:12] in pane.transcript.plain_text()
        shown = screen_text(app)
        assert greeting[0].text[:12] in shown
        assert "09:" in pane.tab_label(1)  # the countdown kept going
        assert any(pane.session.alias in n.message for n in app._notifications)


async def test_keyring_user_chooses_an_unlock_passphrase_at_the_first_lock(tmp_path, parts):
    key = database_key(tmp_path / "kr")
    app = build_app(parts, unlocker=unlocker_for(key, tmp_path / "kr"), lock_after=600)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert any("tekan ^k untuk memilih frasa sandi" in n.message for n in app._notifications)
        await pilot.press("ctrl+k")
        await pilot.pause()
        assert "Pilih frasa sandi buka kunci" in screen_text(app)
        await pilot.press("escape")  # pressed by mistake: nothing locked, nothing chosen
        await pilot.pause()
        assert app.lock_screen is None and app.unlocker.needs_setup
        await pilot.press("ctrl+k")
        await pilot.pause()
        await submit(pilot, "123")
        assert "Terlalu pendek" in screen_text(app)
        await pilot.press(*["backspace"] * 3)
        await submit(pilot, "pin-ku-99")
        await submit(pilot, "pin-ku-98")
        assert "berbeda" in screen_text(app) and app.unlocker.needs_setup
        await submit(pilot, "pin-ku-99")
        await submit(pilot, "pin-ku-99")
        assert not app.unlocker.needs_setup
        assert "Ketik frasa sandi buka kunci" in screen_text(app)
        await pilot.press("escape")  # a real lock is not left with Esc
        await pilot.pause()
        assert isinstance(app.screen, LockScreen)
        await submit(pilot, "pin-ku-99")
        assert app.lock_screen is None
    assert not unlocker_for(key, tmp_path / "kr").needs_setup


async def test_help_and_palette_offer_the_lock(tmp_path, parts):
    app = build_app(parts, lang="en", unlocker=passphrase_unlocker(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert ("^k", "Lock the screen") in app.key_help()
        assert "Lock the screen" in [c.title for c in app.get_system_commands(app.main)]


async def test_lock_key_can_be_remapped(tmp_path, parts):
    app = build_app(parts, lang="en", keymap={"app.lock": "f12"}, unlocker=passphrase_unlocker(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert ("f12", "Lock the screen") in app.key_help()
        await pilot.press("f12")
        await pilot.pause()
        assert isinstance(app.screen, LockScreen)


# ---- how it looks ---------------------------------------------------------------------------------
def test_lock_screen_snapshot(snap_compare, tmp_path, data):
    parts = build_practice(tmp_path / "snap", data=data, clock=FakeClock(START), seed=7, speed=0, name="Ani")
    app = build_app(parts, unlocker=passphrase_unlocker(tmp_path))

    async def lock_after_a_wrong_try(pilot):
        await pilot.pause()
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.press("ctrl+k")
        await pilot.pause()
        await submit(pilot, "salah")

    assert snap_compare(app, terminal_size=(100, 30), run_before=lock_after_a_wrong_try)
