"""Every file written about a session or client is registered, and deleting the client deletes them all."""

from __future__ import annotations

from curhat_tui.storage import schema
from tests.services.test_client_rights import closed_session


async def test_deleting_a_client_removes_session_exports_and_practice_reports(parts):
    ws = parts.workstation
    await ws.start()
    gone, kept = await closed_session(ws), await closed_session(ws)
    export = ws.records.export([gone])  # Alt+E
    report = ws.practice.export_feedback(gone)  # Ctrl+E in wrap-up
    both = ws.records.export([gone, kept])  # a range holding another client too
    other = ws.records.export([kept])
    assert export.is_file() and report.is_file() and both.is_file()
    client = ws.privacy.find_client(parts.store.sessions.get(gone).alias)

    result = ws.rights.delete_client(client)

    assert not export.exists() and not report.exists() and not both.exists()
    assert other.is_file()  # the other client's own export stays
    assert result.exports_removed == 3
    kept_client = ws.privacy.find_client(parts.store.sessions.get(kept).alias)
    assert parts.store.written.for_client(kept_client.key) == [other.resolve()]
    await ws.stop()


def test_the_register_is_a_numbered_migration(parts):
    assert "written_files" in parts.store.database.table_names()
    assert any(m.name == "written files" for m in schema.MIGRATIONS)
    assert schema.version(parts.store.database) == schema.SCHEMA_VERSION
