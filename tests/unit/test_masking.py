"""Personal identifiers in notes and messages are found and masked; ordinary numbers are left alone."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curhat_tui.domain.masking import KINDS, find, kinds, mask

LABELS = {"phone": "[telepon disamarkan]", "nik": "[NIK disamarkan]", "email": "[e-mail disamarkan]",
          "address": "[alamat disamarkan]"}


def found(text: str) -> list[tuple[str, str]]:
    return [(text[s.start:s.end], s.kind) for s in find(text)]


@pytest.mark.parametrize("text, expected", [
    ("WA aku ya kak 0812-3456-7890 kalau mau lanjut", "0812-3456-7890"),
    ("nomorku 081234567890", "081234567890"),
    ("hubungi +62 812 3456 7890", "+62 812 3456 7890"),
    ("+62-812-3456-789 (ibu)", "+62-812-3456-789"),
    ("62 857 1234 5678", "62 857 1234 5678"),
    ("6281234567890", "6281234567890"),
    ("+62 0812.3456.7890", "+62 0812.3456.7890"),
    ("0896.1234.5678.", "0896.1234.5678"),
    ("telepon rumah (021) 555 1234", "(021) 555 1234"),
    ("kantor 0274-512345", "0274-512345"),
    ("+62 21 5551234", "+62 21 5551234"),
])
def test_indonesian_phone_numbers_are_found(text, expected):
    assert found(text) == [(expected, "phone")]


@pytest.mark.parametrize("text, expected", [
    ("NIK 3171012345678901", "3171012345678901"),
    ("KTP: 3171 0123 4567 8901.", "3171 0123 4567 8901"),
    ("nik 3273-0101-9001-0002", "3273-0101-9001-0002"),
])
def test_sixteen_digit_nik_is_found(text, expected):
    assert found(text) == [(expected, "nik")]


@pytest.mark.parametrize("text, expected", [
    ("email ke sari.dewi88@gmail.com ya", "sari.dewi88@gmail.com"),
    ("(ani+curhat@kampus.ac.id)", "ani+curhat@kampus.ac.id"),
])
def test_email_is_found(text, expected):
    assert found(text) == [(expected, "email")]


@pytest.mark.parametrize("text, expected", [
    ("Klien tinggal di Jl. Merdeka No. 12, RT 03/RW 05, Bandung", "Jl. Merdeka No. 12, RT 03/RW 05"),
    ("kos di jl. melati no 5 dekat pasar", "jl. melati no 5"),
    ("kantornya di Jalan Jenderal Sudirman Kav. 52-53 Jakarta", "Jalan Jenderal Sudirman Kav. 52-53"),
    ("Gg. Kelinci Blok C3 No. 7", "Gg. Kelinci Blok C3 No. 7"),
    ("rumah nenek di Gang Mawar II no. 3A", "Gang Mawar II no. 3A"),
    ("Jl. KH. Ahmad Dahlan No.5", "Jl. KH. Ahmad Dahlan No.5"),
    ("JLN. MH THAMRIN NO 1", "JLN. MH THAMRIN NO 1"),
    ("ketemu di Jl. Braga.", "Jl. Braga"),
    ("alamat RT 003/005 kelurahan Cikini", "RT 003/005"),
    ("RT.03 RW.05 dekat masjid", "RT.03 RW.05"),
    ("lives at 221 Baker Street, London", "221 Baker Street"),
])
def test_street_addresses_are_found(text, expected):
    assert found(text) == [(expected, "address")]


@pytest.mark.parametrize("text", [
    "sesi jam 14.30 sampai 15.00",
    "kerja 08.00-17.00 tiap hari",
    "kerja 08.00 - 17.00",
    "paket profesional Rp150.000 per sesi",
    "utangnya Rp 1.500.000",
    "kerugian Rp62.850.000.000",
    "gaji 62.850.000 setahun",
    "tanggal 08-12-2024 aku mulai kerja",
    "12.08.2024",
    "2024-08-12",
    "08/12/2024",
    "sesi 3fa2b81c09de ditutup",
    "hotline 119 ext 8, darurat 112",
    "JakCare 0800-1500-119",
    "aku jalan kaki ke sekolah",
    "jalan-jalan ke mall biar nggak stres",
    "Jalan keluarnya belum ketemu",
    "gang motor di depan kos",
    "gg 10 menit lagi aku online",
    "skor PHQ-9 14/27, skrining 3/5",
    "umur 25 tahun, 2 anak",
    "RS St. Carolus",
    "nomor antrian 0812",
    "rekening 1234567890",
])
def test_ordinary_numbers_and_words_are_not_personal_data(text):
    assert find(text) == []


def test_mask_replaces_each_identifier_whole_and_keeps_the_rest():
    text = ("Klien (NIK 3171 0123 4567 8901) tinggal di Jl. Merdeka No. 12. WA 0812-3456-7890, "
            "email sari@gmail.com. Sesi jam 14.30, bayar Rp150.000.")
    masked = mask(text, LABELS)
    assert masked == ("Klien (NIK [NIK disamarkan]) tinggal di [alamat disamarkan]. WA [telepon disamarkan], "
                      "email [e-mail disamarkan]. Sesi jam 14.30, bayar Rp150.000.")
    assert "89" not in masked and "7890" not in masked  # no digits kept as a hint
    assert kinds(text) == ["nik", "email", "phone", "address"]


def test_mask_without_labels_names_the_kind_and_empty_text_is_fine():
    assert mask("0812-3456-7890") == "[phone]"
    assert mask("") == "" and find("") == []


# ---- properties ------------------------------------------------------------------
FILLER = st.text(alphabet="abcdefghijklmnoprstuwy ,!?", max_size=30)


@st.composite
def phones(draw):
    prefix = draw(st.sampled_from(["0", "+62 ", "+62", "62 ", "62", "+62-", "+62 0"]))
    operator = draw(st.sampled_from(["811", "812", "813", "821", "822", "852", "853", "857", "877", "878", "896"]))
    rest = draw(st.text(alphabet="0123456789", min_size=6, max_size=9))
    sep = draw(st.sampled_from(["", " ", "-", "."]))
    groups = [rest[i:i + 4] for i in range(0, len(rest), 4)]
    return prefix + operator + sep + sep.join(groups)


@st.composite
def niks(draw):
    digits = draw(st.sampled_from("123456789")) + draw(st.text(alphabet="0123456789", min_size=15, max_size=15))
    sep = draw(st.sampled_from(["", " ", "-", "."]))
    return sep.join(digits[i:i + 4] for i in range(0, 16, 4))


@settings(max_examples=300, deadline=None)
@given(before=FILLER, phone=phones(), after=FILLER)
def test_any_written_mobile_number_is_masked_completely(before, phone, after):
    text = f"{before} {phone} {after}"
    at = text.index(phone)
    assert any(s.start <= at and at + len(phone) <= s.end and s.kind == "phone" for s in find(text))
    masked = mask(text, LABELS)
    assert "[telepon disamarkan]" in masked
    assert not re.search(r"\d", masked)  # the filler has no digits: every digit was part of the number


@settings(max_examples=200, deadline=None)
@given(before=FILLER, nik=niks(), after=FILLER)
def test_any_written_nik_is_masked_completely(before, nik, after):
    text = f"{before} {nik} {after}"
    at = text.index(nik)
    assert any(s.start <= at and at + len(nik) <= s.end and s.kind == "nik" for s in find(text))
    assert not re.search(r"\d", mask(text, LABELS))


@settings(max_examples=300, deadline=None)
@given(hour=st.integers(0, 23), minute=st.integers(0, 59), amount=st.integers(1_000, 999_999_999_999),
       day=st.integers(1, 31), month=st.integers(1, 12), year=st.integers(1990, 2030),
       sep=st.sampled_from([".", "-", "/"]))
def test_times_prices_and_dates_are_never_masked(hour, minute, amount, day, month, year, sep):
    price = "Rp" + f"{amount:,}".replace(",", ".")
    text = (f"jam {hour:02d}.{minute:02d}, {hour:02d}:{minute:02d}, bayar {price} atau Rp {price[2:]}, "
            f"tanggal {day:02d}{sep}{month:02d}{sep}{year} dan {year}{sep}{month:02d}{sep}{day:02d}")
    assert find(text) == []
    assert mask(text, LABELS) == text


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(FILLER, phones(), niks(), st.just("Jl. Merdeka No. 5"), st.just("a@b.co.id"),
                          st.just("\n")), max_size=12))
def test_spans_never_overlap_never_cross_lines_and_masking_leaves_nothing_to_find(parts):
    text = " ".join(parts)
    spans = find(text)
    for first, second in zip(spans, spans[1:]):
        assert first.end <= second.start
    for span in spans:
        assert "\n" not in text[span.start:span.end] and span.kind in KINDS
    # line by line gives the same spans as the whole text (the note form highlights per line)
    per_line, offset = [], 0
    for line in text.split("\n"):
        per_line += [(s.start + offset, s.end + offset, s.kind) for s in find(line)]
        offset += len(line) + 1
    assert per_line == [(s.start, s.end, s.kind) for s in spans]
    assert find(mask(text, LABELS)) == []


def test_masking_module_is_pure():
    code = ("import sys, curhat_tui.domain.masking; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'sqlite3', 'rich', 'sqlite_utils')]; "
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


# ---- while writing: the notes form ------------------------------------------------------
async def test_personal_data_typed_into_a_note_is_highlighted_and_named(make_app, parts):
    from textual.widgets import TextArea

    from curhat_tui.ui.widgets.notes_form import NoteField
    from tests.conftest import screen_text

    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.pause()
        field = app.main.query(NoteField).first()
        field.focus()
        await pilot.pause()
        assert not field.border_subtitle and not field.has_class("-personal")
        field.insert("Klien kerja 08.00-17.00, bayar Rp150.000")
        await pilot.pause()
        assert not field.border_subtitle and not field.has_class("-personal")  # times and prices are not
        field.insert("\nWA 0812-3456-7890, kos di Jl. Melati No. 5")
        await pilot.pause()
        assert field.border_subtitle == "⚠ data pribadi: telepon, alamat · disamarkan saat ekspor"
        assert field.has_class("-personal")
        assert "data pribadi: telepon, alamat" in screen_text(app)
        line = field.get_line(1)
        personal = field.get_component_rich_style("note-field--personal", partial=True)
        styled = {line.plain[span.start:span.end] for span in line.spans if span.style == personal}
        assert styled == {"0812-3456-7890", "Jl. Melati No. 5"}
        assert not [s for s in TextArea.get_line(field, 0).spans]
        field.text = "sudah dihapus"
        await pilot.pause()
        assert not field.border_subtitle and not field.has_class("-personal")
        app.main.query_one("NotesForm").flush()
        session_id = app.main.active_pane.session.id
        assert parts.workstation.notes.note(session_id)[1][field.key] == "sudah dihapus"  # typed text saved as typed
