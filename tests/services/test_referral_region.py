"""Issue 15, item 6: a referral script a client reads carries names, contacts and hours only (never a verification
note or anything meant for the counselor), offers the services of the client's own province first, then the
national ones, never another province's; the counselor still sees what is not verified, and a verified entry's
date. Every script reads as non-judgemental."""

from __future__ import annotations

import re
import shutil

import pytest
from rich.console import Console

from curhat_tui.config.datafiles import data_dir, load_all
from curhat_tui.domain.i18n import Catalogue
from curhat_tui.domain.redflags import province_key
from curhat_tui.ui.screens.common.help import directory_notes, directory_table

LANGS = ("id", "en")
# words that belong to the counselor's side of the directory, never in what a client is sent
INTERNAL = re.compile(r"diverifikasi|verifi|\b20\d\d-\d\d-\d\d\b|desk|design|catatan desain|nomor telepon sengaja|"
                      r"pengetahuan umum|general knowledge|untuk konselor|for the counsel?or|operator|kementerian kesehatan",
                      re.IGNORECASE)
# what a first response to a disclosure must never do: moralise, blame, shame, brush it off
JUDGEMENT = re.compile(r"\bdosa|\bsin\b|aneh-aneh|lebay|cari perhatian|attention[- ]seek|kurang (iman|ibadah|bersyukur|"
                       r"sabar|kuat)|seharusnya kamu|harusnya kamu|you should have|kenapa kamu|why did you|egois|selfish|"
                       r"jangan (berpikir|mikir) (begitu|gitu)|don't think like that|salahmu sendiri|your own fault|"
                       r"memalukan|shameful|lemah iman|stupid|bodoh", re.IGNORECASE)


def scripts(data, region=""):
    """Every script of every item in both languages as a client would receive it."""
    book = data.redflags
    for item in book.items:
        for lang in LANGS:
            for variant in book.get(item.id).scripts[lang]:
                yield item.id, lang, variant, book.render_script(item.id, lang, "mawar", "Ani", variant, region)


def listed(text: str, data, lang: str) -> list[str]:
    """The ids of the directory entries a script lists, in the order it lists them."""
    lines = [line for line in text.splitlines() if line.startswith("- ")]
    by_line = {entry.line(lang): entry.id for entry in data.redflags.directory.values()}
    return [by_line[line] for line in lines if line in by_line]


def test_a_semarang_clients_scripts_offer_central_java_and_national_services_never_jakarta_first(data):
    semarang = data.personas["fajar"]
    assert semarang.region == "Jawa Tengah"
    for item in data.redflags.items:
        for lang in LANGS:
            text = data.redflags.render_script(item.id, lang, semarang.alias, "Ani", region=semarang.region)
            offered = listed(text, data, lang)
            assert offered, (item.id, text)
            assert "jakcare" not in offered and "JakCare" not in text and "rsj_dki" not in offered
            regions = [data.redflags.directory[e].province for e in offered]
            assert all(r in ("", "Jawa Tengah") for r in regions)
            # the province's own services come before every national one
            local = [i for i, r in enumerate(regions) if r]
            assert local == list(range(len(local)))
            if item.id != "abuse":  # the psychiatric hospital of Central Java leads where the item lists it
                assert offered[0] == "rsj_jateng", (item.id, offered)


def test_a_jakarta_client_is_offered_jakcare_and_a_client_of_unknown_province_only_national_services(data):
    book = data.redflags
    jakarta = listed(book.render_script("suicide", "id", "x", "Ani", region="DKI Jakarta"), data, "id")
    assert jakarta[:2] == ["jakcare", "rsj_dki"] and "rsj_jateng" not in jakarta
    assert listed(book.render_script("suicide", "id", "x", "Ani", region="jakarta"), data, "id")[0] == "jakcare"
    unknown = listed(book.render_script("suicide", "id", "x", "Ani"), data, "id")
    assert unknown and all(not book.directory[e].province for e in unknown)
    assert unknown == [e for e in book.get("suicide").directory if not book.directory[e].province]
    assert province_key("DI Yogyakarta") == province_key("Yogyakarta") == "yogyakarta"


def test_no_script_a_client_receives_carries_a_verification_note_or_internal_words(data):
    for region in ("", "Jawa Tengah", "DKI Jakarta", "Bali", "Nusa Tenggara Timur"):
        for item_id, lang, variant, text in scripts(data, region):
            assert not INTERNAL.search(text), (item_id, lang, variant, region, INTERNAL.search(text))
            for entry in data.redflags.directory.values():
                for note in entry.note.values():
                    assert note not in text
                assert entry.source not in text


def test_every_script_reads_as_non_judgemental_and_opens_with_the_client(data):
    for item_id, lang, variant, text in scripts(data):
        assert not JUDGEMENT.search(text), (item_id, lang, variant, JUDGEMENT.search(text))
        assert text.startswith("mawar, "), (item_id, lang, variant)
        first = text.splitlines()[0].lower()
        assert re.search(r"terima kasih|thank|masuk akal|makes sense|ada di sini|right here|aku, ani|i'm ani", first)


def test_the_counselor_sees_what_is_not_verified_and_a_verified_entrys_date(tmp_path):
    root = tmp_path / "data"
    shutil.copytree(data_dir(), root)
    path = root / "directory.toml"
    text = path.read_text(encoding="utf-8")
    text = text.replace('id = "rsj_jateng"\n', 'id = "rsj_jateng"\nverified = 2026-11-30\n', 1)
    path.write_text(text, encoding="utf-8")
    data = load_all(root)
    book = data.redflags
    assert str(book.directory["rsj_jateng"].verified) == "2026-11-30" and book.directory["jakcare"].verified is None
    offered = [e.id for e in book.offered("psychosis", "Jawa Tengah")]
    assert [e.id for e in book.unverified(offered)] == offered[1:]  # all but the verified hospital
    for lang, province, unverified in (("id", "Jawa Tengah", "belum"), ("en", "Central Java", "no")):
        t = Catalogue(data.strings, lang)
        console = Console(width=200, record=True)
        console.print(directory_table(t, list(book.directory.values())))
        shown = console.export_text().splitlines()
        marked = [i for i, line in enumerate(shown) if "✓" in line]
        assert len(marked) == 1 and "RSJD Dr. Amino" in shown[marked[0]] and province in shown[marked[0]]
        assert shown[marked[0] + 1].rstrip().endswith("2026-11-30")
        row = next(i for i, line in enumerate(shown) if "JakCare" in line)
        assert shown[row].rstrip().endswith(unverified) and shown[row + 1].rstrip().endswith("2026-11-21")
        notes = directory_notes(t, list(book.directory.values()))
        assert "JakCare" in notes and t.pick(book.directory["jakcare"].note) in notes
    # the script the client reads is the same with or without the date: it is the counselor's to know
    assert book.render_script("psychosis", "id", "x", "Ani", region="Jawa Tengah") == \
        load_all().redflags.render_script("psychosis", "id", "x", "Ani", region="Jawa Tengah")


def test_a_verified_date_that_is_not_a_date_is_refused_with_its_line(tmp_path):
    from curhat_tui.config.data_file import DataError

    root = tmp_path / "data"
    shutil.copytree(data_dir(), root)
    path = root / "directory.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('id = "jakcare"\n', 'id = "jakcare"\nverified = "kemarin"\n'),
                    encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_all(root)
    assert "verified" in path.read_text(encoding="utf-8").splitlines()[err.value.line - 1]


async def test_the_f2_script_of_a_practice_client_from_semarang_offers_her_province_first(parts):
    """Through the service: ticking a flag in a session with the Semarang persona loads a script whose services
    follow the persona's region, and tells the counselor's side which of them are not verified."""
    ws, channel = parts.workstation, parts.channel
    await ws.start()
    visit = channel.request_client("fajar", "normal")
    session = await ws.desk.accept(visit.id)
    assert ws.flags.region(session.id) == "Jawa Tengah"
    loaded = ws.flags.raise_flag(session.id, "suicide")
    assert loaded.entries[0] == "rsj_jateng" and "jakcare" not in loaded.entries
    assert "JakCare" not in loaded.text and "Gondohutomo" in loaded.text
    assert loaded.text.index("Gondohutomo") < loaded.text.index("119 ext. 8")
    assert not INTERNAL.search(loaded.text)
    assert [e.id for e in ws.data.redflags.unverified(loaded.entries)] == list(loaded.entries)  # none verified yet
    other = channel.request_client("tasha", "normal")  # Bali
    bali = await ws.desk.accept(other.id)
    loaded = ws.flags.raise_flag(bali.id, "severe_depression")
    assert loaded.entries[0] == "rsj_bali" and "Bangli" in loaded.text and "Gondohutomo" not in loaded.text
    assert bali.lang == "en" and ws.store.sessions.get(bali.id).lang == "en"  # she writes English: so does her script
    assert "This is not a sign that you are weak" in loaded.text and "Ini bukan" not in loaded.text


def test_the_violence_script_does_not_leave_out_a_man_or_anyone_outside_sapas_scope(data):
    """A male victim read F5 as meant for women only: it says violence at home can happen to anyone, and names
    the police (112) and the social affairs office besides SAPA 129."""
    for lang, said in (("id", ("bukan salahmu", "bisa dialami siapa saja", "polisi lewat 112 dan Dinas Sosial")),
                       ("en", ("not your fault", "can happen to anyone", "the police through 112 and the local social"))):
        text = data.redflags.render_script("abuse", lang, "ayah_dua_jagoan", "Ani", region="Kalimantan Timur")
        assert all(words in text for words in said), (lang, text)
