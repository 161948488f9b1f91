"""Sessions exported to Markdown: what a reader of the file sees, where it goes, and what the audit log says."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from datetime import date

import pytest
from markdown_it import MarkdownIt

from curhat_tui.bootstrap import build_practice
from curhat_tui.domain.clock import FakeClock
from curhat_tui.domain.models import Risk, Sender, Session, SessionStatus, Tier
from curhat_tui.paths import PRACTICE_DB as DB_NAME
from curhat_tui.paths import REAL_DB as REAL_DB_NAME
from curhat_tui.services.exports import (
    day_range,
    export_sessions,
    md_block,
    md_escape,
    session_markdown,
    sessions_ended_between,
)
from curhat_tui.storage.audit import AuditLog
from curhat_tui.storage.store import NOTE_VERSION_WINDOW, Store
from tests.conftest import START

HOSTILE = "# Judul palsu\n[klik di sini](http://x.example) <b>tebal</b> *miring*\n- butir\n1. satu\n    kode?\n---"


def add_session(store: Store, sid: str, *, counselor: str = "Ani", alias: str = "mawar_biru", start: float = START,
                minutes: int = 60, ended: float | None = None, tier: Tier = Tier.PROFESSIONAL) -> Session:
    session = Session(id=sid, visit_id=f"v{sid}", client_key=f"k{sid}", alias=alias, tier=tier, minutes=minutes,
                      price=150_000, counselor=counselor, started_at=start, deadline=start + minutes * 60,
                      risk=Risk.LOW)
    store.sessions.add(session)
    if ended is not None:
        store.sessions.update(sid, status=SessionStatus.CLOSED, ended_at=ended)
    return store.sessions.get(sid)


def filled(store: Store, sid: str = "s1abc") -> Session:
    session = add_session(store, sid, ended=START + 45 * 60)
    store.messages.add(sid, Sender.CLIENT, "halo kak, WA aku 0812-3456-7890 ya", START + 10)
    store.messages.add(sid, Sender.COUNSELOR, "Halo, aku Ani. Ceritakan pelan-pelan ya.", START + 70)
    store.messages.add(sid, Sender.CLIENT, HOSTILE, START + 130)
    store.flags.add(sid, "suicide", START + 600, {"screener": {"q1": True}, "result": "moderate"})
    script = store.flags.add_script(sid, "suicide", "moderate", "Terima kasih sudah cerita...", START + 601)
    sent = store.messages.add(sid, Sender.COUNSELOR, "Terima kasih sudah cerita...", START + 660)
    store.flags.mark_script_sent(script, sent)
    store.sessions.extend(sid, 15, "klien masih krisis", START + 3000)
    store.notes.save(sid, session.client_key, "soap", {"subjective": "Klien tinggal di Jl. Merdeka No. 12, NIK "
                                                      "3171012345678901", "plan": "Rujuk ke psikiater"}, START + 2000)
    store.notes.save(sid, session.client_key, "soap", {"subjective": "Klien tinggal di Jl. Merdeka No. 12, NIK "
                                                      "3171012345678901", "plan": "Rujuk ke psikiater\n# bukan judul"},
                    START + 2000 + NOTE_VERSION_WINDOW + 1)
    return store.sessions.get(sid)


@pytest.fixture
def practice_store(tmp_path):
    store = Store(tmp_path / DB_NAME)
    yield store
    store.close()


@pytest.fixture
def real_store(tmp_path):
    store = Store(tmp_path / "real" / REAL_DB_NAME)
    yield store
    store.close()


def test_one_session_has_header_transcript_timeline_and_note(practice_store, data):
    filled(practice_store)
    text = session_markdown(practice_store, "s1abc", lang="id", data=data)
    lines = text.splitlines()
    assert lines[0] == "# LATIHAN / PRACTICE · Sesi dengan mawar\\_biru"
    for expected in ("- **ID sesi:** s1abc", "- **Konselor:** Ani", "- **Paket:** profesional, 60 mnt",
                     "- **Mulai:** 2026-09-21 21:13 WIB", "- **Selesai:** 2026-09-21 21:58 WIB",
                     "- **Durasi:** 45 mnt", "- **Jenis:** LATIHAN (klien simulasi)", "- **Status:** ditutup"):
        assert expected in lines, expected
    transcript = [line for line in lines if line.startswith("- **21:")]
    assert transcript[0].startswith("- **21:13:30 · Klien (mawar\\_biru):** halo kak")
    assert transcript[1] == "- **21:14:30 · Ani:** Halo, aku Ani. Ceritakan pelan-pelan ya."
    assert len(transcript) == 4
    timeline = text.split("## Tanda bahaya dan rujukan")[1].split("## Catatan")[0]
    assert "- 21:23:20 · Tanda bahaya: Pikiran atau rencana bunuh diri (skrining C-SSRS: risiko sedang)" in timeline
    assert "- 21:23:21 · Skrip rujukan dimuat ke kotak balasan: Pikiran atau rencana bunuh diri" in timeline
    assert "- 21:24:20 · Skrip rujukan terkirim: Pikiran atau rencana bunuh diri" in timeline
    assert "Diperpanjang 15 mnt; alasan: klien masih krisis" in timeline
    assert "## Catatan (SOAP, versi 2)" in text and "_Versi tersimpan: 2._" in text
    assert "### S — Subjektif" in lines and "### P — Rencana" in lines
    assert "Rujuk ke psikiater\\\n\\# bukan judul" in text


def test_english_export_reads_in_english(practice_store, data):
    filled(practice_store)
    text = session_markdown(practice_store, "s1abc", lang="en", data=data)
    assert text.startswith("# PRACTICE / LATIHAN · Session with mawar\\_biru")
    assert "## Transcript" in text and "Referral script sent: Suicidal thoughts or plan" in text
    assert "[phone masked]".replace("[", "\\[").replace("]", "\\]") in text


def test_masked_by_default_unmasked_only_when_asked(practice_store, data):
    filled(practice_store)
    masked = session_markdown(practice_store, "s1abc", data=data)
    assert "0812-3456-7890" not in masked and "3171012345678901" not in masked and "Merdeka" not in masked
    assert "WA aku \\[telepon disamarkan\\] ya" in masked
    assert "tinggal di \\[alamat disamarkan\\], NIK \\[NIK disamarkan\\]" in masked
    assert "Data pribadi disamarkan" in masked
    plain = session_markdown(practice_store, "s1abc", data=data, mask=False)
    assert "0812-3456-7890" in plain and "3171012345678901" in plain and "Jl. Merdeka No. 12" in plain
    assert "TIDAK DISAMARKAN" in plain


def _tokens(markdown: str):
    flat = []
    for token in MarkdownIt("commonmark").parse(markdown):
        flat.append(token)
        flat += token.children or []
    return flat


def test_client_markdown_cannot_restructure_the_document(practice_store, data):
    filled(practice_store)
    text = session_markdown(practice_store, "s1abc", data=data, mask=False)
    tokens = _tokens(text)
    headings = [t for t in tokens if t.type == "heading_open"]
    own = [line for line in text.splitlines() if line.startswith("#")]
    assert len(headings) == len(own) == 1 + 2 + 1 + 8  # title, transcript, timeline, the note and its 8 fields
    assert not [t for t in tokens if t.type in ("link_open", "html_inline", "html_block", "code_block", "hr",
                                                "ordered_list_open", "fence")]
    rendered = MarkdownIt("commonmark").render(text)
    assert "# Judul palsu" in rendered and "[klik di sini](http://x.example)" in rendered
    assert "&lt;b&gt;tebal&lt;/b&gt; *miring*" in rendered and "<br />\n- butir" in rendered


def test_escaping_helpers_keep_every_character():
    for line in ["# x", "- x", "+ x", "1. x", "2) x", "> x", "***", "===", "a_b*c`d`[e](f)<g>&amp;!|~", "    code"]:
        rendered = MarkdownIt("commonmark").render(md_escape(line))
        assert rendered.startswith("<p>"), (line, rendered)
    assert md_block("satu\ndua\n\ntiga", indent="  ") == "satu\\\n  dua\n  \n  tiga"


def test_practice_export_file_is_private_marked_and_audited(practice_store, data, tmp_path):
    filled(practice_store)
    audit = AuditLog(practice_store)
    path = export_sessions(practice_store, ["s1abc"], lang="id", mask=True, actor="Ani", audit=audit, practice=True,
                           data=data, now=START + 4000)
    assert path.parent == tmp_path / "practice-exports"
    assert path.name == "LATIHAN-PRACTICE-sesi-20260921-222000-s1abc.md"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# LATIHAN / PRACTICE · Ekspor sesi konseling")
    assert "- **Diekspor oleh:** Ani" in text and "- **Jumlah sesi:** 1" in text
    assert "## LATIHAN / PRACTICE · Sesi dengan mawar\\_biru" in text and "0812-3456-7890" not in text
    entry = audit.entries()[-1]
    assert (entry.actor, entry.action, entry.subject) == ("Ani", "export", "session:s1abc")
    assert json.loads(entry.detail) == {"count": 1, "masked": True, "practice": True, "sessions": ["s1abc"]}
    again = export_sessions(practice_store, ["s1abc"], lang="id", mask=False, actor="Ani", audit=audit, practice=True,
                            data=data, now=START + 4000)
    assert again != path and again.exists() and "0812-3456-7890" in again.read_text(encoding="utf-8")
    assert json.loads(audit.entries()[-1].detail)["masked"] is False
    assert audit.verify() == []


def test_real_export_goes_to_exports_without_practice_marks(real_store, data, tmp_path):
    filled(real_store, "r1")
    add_session(real_store, "r2", alias="angin", ended=START + 100)
    audit = AuditLog(real_store)
    path = export_sessions(real_store, ["r1", "r2"], actor="Ani", audit=audit, practice=False, data=data,
                           now=START + 4000)
    assert path.parent == tmp_path / "real" / "exports" and path.name == "sesi-20260921-222000-2-sesi.md"
    text = path.read_text(encoding="utf-8")
    assert "LATIHAN" not in text and "PRACTICE" not in text and "- **Jenis:** sesi nyata" in text
    assert text.index("Sesi dengan mawar") < text.index("Sesi dengan angin")
    assert audit.entries()[-1].subject == "sessions:2"


def test_practice_and_real_are_never_mixed(practice_store, real_store, data, tmp_path):
    filled(practice_store)
    filled(real_store, "r1")
    audit = AuditLog(practice_store)
    with pytest.raises(ValueError, match="never exported together"):
        export_sessions(practice_store, ["s1abc"], actor="Ani", audit=audit, practice=False, data=data)
    with pytest.raises(ValueError, match="never exported together"):
        export_sessions(real_store, ["r1"], actor="Ani", audit=AuditLog(real_store), practice=True, data=data)
    with pytest.raises(KeyError, match="nothing was exported"):  # a real session asked of the practice store
        export_sessions(practice_store, ["s1abc", "r1"], actor="Ani", audit=audit, practice=True, data=data)
    with pytest.raises(ValueError):
        export_sessions(practice_store, [], actor="Ani", audit=audit, practice=True, data=data)
    assert not (tmp_path / "practice-exports").exists() and not (tmp_path / "exports").exists()
    assert not (tmp_path / "real" / "exports").exists() and not (tmp_path / "real" / "practice-exports").exists()
    assert audit.entries() == []
    with pytest.raises(ValueError):
        session_markdown(real_store, "r1", practice=True, data=data)


def test_an_export_the_audit_log_cannot_record_is_not_left_behind(practice_store, data, tmp_path):
    filled(practice_store)

    class BrokenAudit:
        def record(self, *args, **kwargs):
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        export_sessions(practice_store, ["s1abc"], actor="Ani", audit=BrokenAudit(), practice=True, data=data)
    assert list((tmp_path / "practice-exports").iterdir()) == []


def test_range_holds_sessions_ended_between_two_dates_in_wib(real_store):
    day = 86_400
    # START is 21:13 WIB on 21 September 2026; 23:30 WIB that day is 16:30 UTC
    add_session(real_store, "a", ended=START + 2 * 3600)          # 23:13 WIB, 21 Sept
    add_session(real_store, "b", ended=START + 3 * 3600)          # 00:13 WIB, 22 Sept
    add_session(real_store, "c", counselor="Budi", ended=START + 3600)
    add_session(real_store, "d", ended=START + 3 * day)
    add_session(real_store, "open")                                # not ended: never in a range
    start, end = day_range(date(2026, 9, 21), date(2026, 9, 21))
    assert [s.id for s in sessions_ended_between(real_store, start, end)] == ["c", "a"]
    assert [s.id for s in sessions_ended_between(real_store, start, end, "Ani")] == ["a"]
    start, end = day_range(date(2026, 9, 21), date(2026, 9, 24))
    assert [s.id for s in sessions_ended_between(real_store, start, end)] == ["c", "a", "b", "d"]
    with pytest.raises(ValueError):
        day_range(date(2026, 9, 22), date(2026, 9, 21))


# ---- through the workstation: audit entries and who may export -------------------------------
def _ws(tmp_path, data, role="counselor", name="Ani"):
    parts = build_practice(tmp_path / "ws", data=data, clock=FakeClock(START), name=name, role=role)
    return parts


def test_note_autosave_records_one_change_per_version(tmp_path, data):
    parts = _ws(tmp_path, data)
    ws, clock = parts.workstation, parts.clock
    add_session(parts.store, "n1")
    for i in range(20):  # typing: an autosave every half second
        ws.notes.save("n1", "soap", {"subjective": "x" * i})
        clock.advance(0.5)
    clock.advance(NOTE_VERSION_WINDOW)
    ws.notes.save("n1", "soap", {"subjective": "later"})
    changes = [e for e in ws.audit.entries() if e.action == "change"]
    assert [(e.subject, json.loads(e.detail)) for e in changes] == [("note:n1", {"version": 1}),
                                                                     ("note:n1", {"version": 2})]
    parts.store.close()


def test_viewing_earlier_notes_is_recorded_with_ids_only(tmp_path, data):
    parts = _ws(tmp_path, data)
    ws = parts.workstation
    first = add_session(parts.store, "old1", ended=START)
    parts.store.notes.save("old1", first.client_key, "soap", {"subjective": "rahasia"}, START)
    now = Session(**{**first.__dict__, "id": "now1", "visit_id": "vnow1", "status": SessionStatus.ACTIVE,
                     "ended_at": None})
    parts.store.sessions.add(now)
    assert len(ws.notes.earlier_notes("now1")) == 1
    entry = ws.audit.entries()[-1]
    assert (entry.action, entry.subject, json.loads(entry.detail)) == ("view", "session:now1",
                                                                       {"earlier_notes": ["old1"]})
    assert "rahasia" not in entry.detail
    parts.store.close()


def test_workstation_export_and_audit_rights(tmp_path, data):
    parts = _ws(tmp_path, data)
    ws = parts.workstation
    filled(parts.store, "mine")
    add_session(parts.store, "theirs", counselor="Budi", ended=START + 60)
    path = ws.records.export(["mine"])
    assert path.parent.name == "practice-exports" and path.name.startswith("LATIHAN-PRACTICE-")
    # a counselor's range holds their own sessions only, whatever they ask
    assert [s.id for s in ws.records.exportable_sessions(date(2026, 9, 21), date(2026, 9, 22), only_mine=False)] == ["mine"]
    with pytest.raises(PermissionError):
        ws.records.export(["theirs"])
    with pytest.raises(PermissionError):
        ws.records.audit_entries()
    from curhat_tui.services.workstation import Workstation

    sup = Workstation(parts.store, parts.channel, parts.clock, data, counselor=ws.counselor, role="supervisor")
    assert {s.id for s in sup.records.exportable_sessions(date(2026, 9, 21), date(2026, 9, 22), only_mine=False)} == \
        {"mine", "theirs"}
    sup.records.export(["mine", "theirs"], mask=False)
    entries = sup.records.audit_entries()
    assert entries[0].subject == "audit" and entries[1].action == "export"
    assert json.loads(entries[1].detail)["masked"] is False
    assert sup.records.check_audit() == (len(entries), [])
    parts.store.close()


def test_export_module_does_not_import_textual():
    code = ("import sys, curhat_tui.services.exports; bad = [m for m in sys.modules if m.split('.')[0] == 'textual']; "
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


# ---- the export dialog -----------------------------------------------------------------------
async def test_export_dialog_masks_unless_confirmed_and_writes_this_session(make_app, parts):
    from textual.widgets import Button, Input, RadioButton, Switch

    from curhat_tui.ui.screens.common.confirm import ConfirmModal
    from curhat_tui.ui.screens.common.export import ExportModal
    from tests.conftest import screen_text

    ws = parts.workstation
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.pause()
        session = app.main.active_pane.session
        await ws.desk.send(session.id, "Kalau mau, WA aku di 0812-3456-7890")
        await pilot.press("alt+e")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, ExportModal) and modal.query_one("#scope-session", RadioButton).value
        summary = str(modal.query_one("#export-summary").render())
        assert "1 sesi akan diekspor" in summary and "practice-exports" in summary
        assert "Data pribadi disamarkan" in summary
        # switching masking off asks first; "no" keeps it masked
        modal.query_one("#export-mask", Switch).value = False
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal) and "TANPA penyamaran" in screen_text(app)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is modal and modal.mask and modal.query_one("#export-mask", Switch).value
        modal.query_one("#export-mask", Switch).value = False
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert app.screen is modal and not modal.mask
        assert "TIDAK DISAMARKAN" in str(modal.query_one("#export-summary").render())
        modal.query_one("#export-go", Button).press()
        await pilot.pause()
        assert not isinstance(app.screen, ExportModal)
        assert any("TANPA penyamaran tersimpan" in n.message for n in app._notifications)
        files = list((parts.store.path.parent / "practice-exports").iterdir())
        assert len(files) == 1 and "0812-3456-7890" in files[0].read_text(encoding="utf-8")
        entry = ws.audit.entries()[-1]
        assert (entry.action, entry.subject) == ("export", f"session:{session.id}")
        assert json.loads(entry.detail)["masked"] is False
        # the next export starts masked again; a range needs valid dates
        await pilot.press("alt+e")
        await pilot.pause()
        modal = app.screen
        assert modal.mask
        modal.query_one("#scope-range", RadioButton).value = True
        await pilot.pause()
        modal.query_one("#export-from", Input).value = "2026-13-01"
        await pilot.pause()
        assert "Tanggal tidak valid" in str(modal.query_one("#export-summary").render())
        assert modal.query_one("#export-go", Button).disabled
        modal.query_one("#export-from", Input).value = "2026-09-21"
        await pilot.pause()
        assert "Tidak ada sesi yang berakhir" in str(modal.query_one("#export-summary").render())  # still open
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ExportModal)
        assert len(list((parts.store.path.parent / "practice-exports").iterdir())) == 1


def test_supervisor_exports_trainee_sessions_as_practice_never_mixed_with_real(tmp_path, data):
    from curhat_tui.services.workstation import Workstation

    trainee = build_practice(tmp_path / "ws", data=data, clock=FakeClock(START), name="Tia", role="trainee")
    real = Store(tmp_path / "ws" / REAL_DB_NAME)
    ws = Workstation(real, trainee.channel, trainee.clock, data, counselor="Sri", role="supervisor",
                     practice_store=trainee.store)
    filled(trainee.store, "latihan1")
    filled(real, "nyata1")
    practice_file = ws.records.export(["latihan1"])
    assert practice_file.parent == tmp_path / "ws" / "practice-exports"
    assert "LATIHAN / PRACTICE" in practice_file.read_text(encoding="utf-8")
    real_file = ws.records.export(["nyata1"])
    assert real_file.parent == tmp_path / "ws" / "exports" and "LATIHAN" not in real_file.read_text(encoding="utf-8")
    with pytest.raises(ValueError, match="never exported together"):
        ws.records.export(["nyata1", "latihan1"])
    assert [json.loads(e.detail)["practice"] for e in ws.audit.entries() if e.action == "export"] == [True, False]
    real.close()
    trainee.store.close()
