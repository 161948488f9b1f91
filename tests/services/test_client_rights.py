"""Client rights under UU PDP: export, delete on request, withdraw consent; from the screen and the CLI."""

from __future__ import annotations

import json
import stat

import pytest
from textual.widgets import Button, Input

from curhat_tui.bootstrap import build_practice
from curhat_tui.cli import main as cli_main
from curhat_tui.domain.i18n import Catalogue
from curhat_tui.services.desk import AcceptError
from curhat_tui.services.privacy import AmbiguousAlias, ClientNotFound, ConsentWithdrawn, SessionStillOpen
from curhat_tui.ui.screens.common.confirm import ConfirmModal
from curhat_tui.ui.screens.counselor.client_rights import ClientRightsScreen, TypeAliasModal
from tests.conftest import START, TEST_KEY, screen_text
from tests.services.test_retention import DAY, add_session

SIZE = (120, 40)


def rows(store, table: str, where: str, args: list) -> int:
    return store.db.execute(f"select count(*) from {table} where {where}", args).fetchone()[0]


async def closed_session(ws, text: str = "Halo, aku Ani. Ceritakan pelan-pelan ya.") -> str:
    session = await ws.desk.accept()
    await ws.desk.send(session.id, text)
    ws.flags.raise_flag(session.id, "self_harm")
    await ws.desk.end(session.id)
    ws.desk.close(session.id, skip_reason="latihan")
    return session.id


async def test_export_writes_private_json_and_readable_text_and_is_audited(parts, data, tmp_path):
    ws = parts.workstation
    await ws.start()
    sid = await closed_session(ws)
    session = parts.store.sessions.get(sid)
    client = ws.privacy.find_client(session.alias.upper())  # an alias is found whatever its case
    result = ws.privacy.export("Ani", client, Catalogue(data.strings, "en"))

    folder = parts.store.path.parent / "exports"
    assert result.json_path.parent == folder and stat.S_IMODE(folder.stat().st_mode) == 0o700
    for path in (result.json_path, result.text_path):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    doc = json.loads(result.json_path.read_text(encoding="utf-8"))
    assert doc["client"]["alias"] == session.alias and len(doc["sessions"]) == 1
    exported = doc["sessions"][0]
    assert any("Ceritakan pelan-pelan" in m["text"] for m in exported["transcript"])
    assert exported["note"]["fields"]["risk_screen"] and exported["flags"][0]["item"] == "self_harm"
    assert exported["note_versions"] and exported["scripts"]
    text = result.text_path.read_text(encoding="utf-8")
    assert "⟨" not in text  # every heading comes from the catalogue
    assert f"Data held about {session.alias}" in text and "    Halo, aku Ani. Ceritakan pelan-pelan ya." in text
    entry = [e for e in ws.audit.entries() if e.action == "client.export"][-1]
    assert entry.subject == f"client:{client.key}" and "Ceritakan" not in entry.detail
    assert ws.audit.verify() == []
    await ws.stop()


async def test_delete_removes_everything_about_the_client_and_nothing_else(parts, data):
    ws = parts.workstation
    await ws.start()
    gone = await closed_session(ws)
    kept = await closed_session(ws)
    gone_key, kept_key = parts.store.sessions.get(gone).client_key, parts.store.sessions.get(kept).client_key
    assert gone_key != kept_key
    client = ws.privacy.find_client(parts.store.sessions.get(gone).alias)
    ws.privacy.export("Ani", client, Catalogue(data.strings))
    parts.store.state.set_draft(gone, "draf")
    ws.privacy.withdraw("Ani", client)

    result = ws.rights.delete_client(client)

    for table in ("messages", "notes", "note_versions", "flags", "scripts", "extensions", "retention_marks"):
        assert rows(parts.store, table, "session_id = ?", [gone]) == 0, table
    for table in ("visits", "sessions", "consent_withdrawals"):
        assert rows(parts.store, table, "client_key = ?", [gone_key]) == 0, table
    assert rows(parts.store, "clients", "key = ?", [gone_key]) == 0
    assert parts.store.state.draft(gone) == ""
    assert result.exports_removed == 2 and not list((parts.store.path.parent / "exports").iterdir())
    assert result.counts["sessions"] == 1 and result.counts["messages"] >= 2
    with pytest.raises(ClientNotFound):
        ws.privacy.find_client(client.alias)
    assert parts.store.messages.count(kept) > 0 and parts.store.notes.get(kept) is not None  # the other client stays
    entry = [e for e in ws.audit.entries() if e.action == "client.delete"][-1]
    assert entry.subject == f"client:{gone_key}" and json.loads(entry.detail)["counts"]["sessions"] == 1
    assert "Ceritakan" not in entry.detail and client.alias not in entry.detail
    assert ws.audit.verify() == []
    await ws.stop()


async def test_delete_is_refused_while_a_session_is_open(parts):
    ws = parts.workstation
    await ws.start()
    session = await ws.desk.accept()
    client = ws.privacy.find_client(session.alias)
    with pytest.raises(SessionStillOpen):
        ws.rights.delete_client(client)
    assert parts.store.sessions.get(session.id) is not None
    await ws.stop()


async def test_withdrawn_consent_stops_accepting_and_sending(parts, clock):
    ws = parts.workstation
    await ws.start()
    session = await ws.desk.accept()
    client = ws.privacy.find_client(session.alias)
    withdrawal = ws.rights.withdraw_consent(client)
    assert withdrawal.due_at == clock.now() + 3 * DAY
    before = parts.store.messages.count(session.id)
    with pytest.raises(ConsentWithdrawn):
        ws.desk.queue_message(session.id, "Masih di sana?")
    assert parts.store.messages.count(session.id) == before
    entry = [e for e in ws.audit.entries() if e.action == "client.consent_withdrawn"][0]
    assert json.loads(entry.detail)["open_sessions"] == 1
    # the same client waiting again cannot be accepted, and Ctrl+N takes the next client instead
    await ws.desk.end(session.id)
    ws.desk.close(session.id, skip_reason="persetujuan dicabut")
    visit = parts.store.visits.get(session.visit_id)
    parts.channel.emit(__import__("curhat_tui.channels.base", fromlist=["ClientArrived"]).ClientArrived(
        visit=visit.__class__(**{**visit.__dict__, "id": "again", "arrived_at": clock.now()})))
    with pytest.raises(AcceptError) as refused:
        await ws.desk.accept("again")
    assert refused.value.reason == "consent"
    other = await ws.desk.accept()
    assert other.client_key != client.key
    await ws.stop()


def test_an_alias_shared_by_two_clients_asks_for_the_key(tmp_path):
    from curhat_tui.domain.clock import FakeClock
    from curhat_tui.services.privacy import Privacy
    from curhat_tui.storage.audit import AuditLog
    from curhat_tui.storage.store import Store

    store = Store(tmp_path / "a.db", key=TEST_KEY)
    clock = FakeClock(START)
    privacy = Privacy(store, AuditLog(store, clock), clock)
    add_session(store, sid="a", key="k-a", alias="Bintang", started=START - DAY, ended=START)
    add_session(store, sid="b", key="k-b", alias="bintang", started=START - DAY, ended=START)
    with pytest.raises(AmbiguousAlias) as caught:
        privacy.find_client("Bintang")
    assert caught.value.keys == ["k-a", "k-b"]
    assert privacy.find_client("k-b").key == "k-b"
    store.close()


async def test_withdraw_from_the_rights_screen_shows_why_in_the_chat_and_refuses_to_send(make_app, parts):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.pause()
        pane = app.main.active_pane
        alias = pane.session.alias
        await pilot.press("f10")
        await pilot.pause()
        assert isinstance(app.screen, ClientRightsScreen)
        assert app.screen.query_one("#rights-alias", Input).value == alias
        assert "Persetujuan: berlaku" in screen_text(app)
        await pilot.click("#withdraw")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("y")
        await pilot.pause()
        assert "DICABUT" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.main
        banner = str(pane.query_one("#consent").render())
        assert "Persetujuan dicabut pada" in banner and "penghapusan paling lambat" in banner
        assert pane.query_one("#consent").display
        before = parts.store.messages.count(pane.session.id)
        pane.composer.focus()
        pane.composer.text = "Masih di sana?"
        await pilot.press("enter")
        await pilot.pause()
        assert parts.store.messages.count(pane.session.id) == before
        assert pane.composer.text == "Masih di sana?"  # kept, not lost
        assert any("Tidak terkirim" in n.message and alias in n.message for n in app._notifications)


async def test_delete_from_the_screen_needs_the_alias_typed(make_app, parts):
    ws = parts.workstation
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        sid = await closed_session(ws)
        await pilot.pause()
        alias = parts.store.sessions.get(sid).alias
        await pilot.press("f10")
        await pilot.pause()
        screen = app.screen
        screen.query_one("#rights-alias", Input).value = alias
        await pilot.press("enter")
        await pilot.pause()
        assert "Sesi: 1 (terbuka: 0)" in screen_text(app)
        await pilot.click("#delete")
        await pilot.pause()
        assert isinstance(app.screen, TypeAliasModal)
        app.screen.query_one("#ask-input", Input).value = "salah"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TypeAliasModal)  # a wrong alias deletes nothing
        assert parts.store.sessions.get(sid) is not None
        app.screen.query_one("#ask-input", Input).value = alias
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert parts.store.sessions.get(sid) is None
        assert "dihapus" in str(screen.query_one("#rights-result").render())
        assert "Tidak ada klien" in screen_text(app)
        assert all(b.disabled for b in screen.query(Button))


async def test_rights_screen_shows_a_transcript_deleted_under_retention(make_app, parts, clock):
    ws = parts.workstation
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        sid = await closed_session(ws)
        clock.advance(31 * DAY)
        ws.privacy.purge("Ani")
        await pilot.press("f10")
        await pilot.pause()
        app.screen.query_one("#rights-alias", Input).value = parts.store.sessions.get(sid).alias
        await pilot.press("enter")
        await pilot.pause()
        assert "transkrip dihapus sesuai kebijakan retensi pada" in screen_text(app)


async def test_rights_are_in_the_command_palette_and_help(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        commands = [c.title for c in app.get_system_commands(app.main)]
        assert "Hak klien (ekspor, hapus, cabut persetujuan)" in commands
        assert ("f10", "Hak klien (ekspor, hapus, cabut persetujuan)") in [(k.lower(), d) for k, d in app.key_help()]


async def test_cli_show_export_withdraw_delete(tmp_path, data, clock, capsys, monkeypatch):
    data_dir = tmp_path / "cli"
    from curhat_tui.storage.database_key import database_key

    key = database_key(data_dir)  # the in-memory keyring holds it, as the OS keyring would
    parts = build_practice(data_dir, data=data, clock=clock, key=key)
    await parts.workstation.start()
    sid = await closed_session(parts.workstation)
    alias = parts.store.sessions.get(sid).alias
    await parts.workstation.stop()
    parts.store.close()
    base = ["--data-dir", str(data_dir), "--practice", "--lang", "en"]

    assert cli_main(["client", "show", alias, *base]) == 0
    assert "Consent: given" in capsys.readouterr().out
    assert cli_main(["client", "export", alias, *base]) == 0
    assert "Exported:" in capsys.readouterr().out and list((data_dir / "exports").glob("*.json"))
    assert cli_main(["client", "withdraw", alias, "--yes", *base]) == 0
    assert "withdrew consent" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert cli_main(["client", "delete", alias, *base]) == 1  # no terminal to type the alias: refused
    assert cli_main(["client", "delete", alias, "--yes", *base]) == 0
    assert "was deleted" in capsys.readouterr().out
    assert cli_main(["client", "show", alias, *base]) == 1
    assert "no client" in capsys.readouterr().err
    assert cli_main(["client", "show", alias, "--data-dir", str(data_dir)]) == 1  # the real database: none yet
    assert "--practice" in capsys.readouterr().err


async def test_the_rights_screen_opened_from_a_chat_takes_another_alias_typed_and_enter_only_looks_it_up(make_app,
                                                                                                         parts):
    """F10 from a chat shows that client; a counselor who types another client's alias replaces it (typing went
    nowhere before: the Export button had the focus), and Enter looks the typed one up instead of exporting the
    client in front."""
    ws = parts.workstation
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        sid = await closed_session(ws)
        other = parts.store.sessions.get(sid).alias
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.pause()
        alias = app.main.active_pane.session.alias
        assert alias != other
        await pilot.press("f10")
        await pilot.pause()
        assert isinstance(app.screen, ClientRightsScreen) and alias in screen_text(app)
        await pilot.press(*other)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ClientRightsScreen)  # no export question
        assert app.screen.query_one("#rights-alias", Input).value == other
        assert app.screen.summary is not None and app.screen.summary.client.alias == other
