"""Where a waiting client lives: the intake's one optional question after queueing, and what an answer names."""

from __future__ import annotations

import pytest

from curhat_tui.domain.intake import IntakeState, advance
from curhat_tui.domain.provinces import PROVINCES, known, province_of
from curhat_tui.domain.redflags import province_key


@pytest.mark.parametrize(("answer", "province"), [
    ("Jawa Timur", "Jawa Timur"), ("jatim kak", "Jawa Timur"), ("aku di surabaya", "Jawa Timur"),
    ("Malang.", "Jawa Timur"), ("jogja", "DI Yogyakarta"), ("DIY", "DI Yogyakarta"), ("Yogyakarta", "DI Yogyakarta"),
    ("jaksel", "DKI Jakarta"), ("Jakarta", "DKI Jakarta"), ("tinggal di Bandung", "Jawa Barat"),
    ("sumatra utara", "Sumatera Utara"), ("Medan", "Sumatera Utara"), ("kota Makassar", "Sulawesi Selatan"),
    ("papua barat daya", "Papua Barat Daya"), ("Papua Barat", "Papua Barat"), ("papua", "Papua"),
    ("Kupang, NTT", "Nusa Tenggara Timur"), ("Banda Aceh", "Aceh"), ("SOLO", "Jawa Tengah"),
    ("Kepulauan Riau", "Kepulauan Riau"), ("riau", "Riau"),
])
def test_a_short_answer_names_the_province_whether_city_short_form_or_name(answer, province):
    assert province_of(answer) == province


@pytest.mark.parametrize(("answer", "province"), [
    ("kerja di jakarta, tinggal di bekasi", "Jawa Barat"), ("kos di depok, kuliah di jakarta", "Jawa Barat"),
    ("aku asli medan tapi sekarang di bandung", "Jawa Barat"), ("malang kak", "Jawa Timur"), ("dari solo", "Jawa Tengah"),
    ("aku tinggal di padang sidempuan", "Sumatera Utara"),
])
def test_where_they_live_comes_first_and_a_name_that_is_also_a_word_counts_in_its_place(answer, province):
    assert province_of(answer) == province


@pytest.mark.parametrize("answer", [
    "jawa", "ga tau kak", "di rumah", "aku diserang terus sama pacarku",  # "serang" only as a whole word
    "nasibku malang banget kak", "aku solo, ga punya siapa2", "dia serang aku tadi", "aku dipukul palu sama ayah",
    "roh kudus", "medan perang",  # everyday words that are also places
    "lewati", "kak aku udah nggak kuat, dari tadi nangis terus, rasanya pengen hilang aja dari dunia ini, capek",
])
def test_no_province_is_read_from_a_vague_answer_a_skip_or_a_long_line(answer):
    assert province_of(answer) is None


def test_every_canonical_name_is_compared_as_the_directory_compares_it():
    for name in PROVINCES:
        assert province_of(name) == name and known(name) == name
        assert province_key(name) == province_key(province_of(name.lower()) or "")
    assert known("Atlantis") == "" and known(5) == "" and known(None) == ""


def test_once_queued_the_client_is_asked_where_once_thanked_or_let_be():
    told = IntakeState(step="risk")
    assert advance(told, "nggak", 0, []) == ["intake.queued", "intake.region"]
    assert told.step == "region"
    assert advance(told, "aku di sidoarjo", 0, []) == [("intake.region_thanks", {"province": "Jawa Timur"})]
    assert (told.step, told.region) == ("queued", "Jawa Timur")
    assert advance(told, "jakarta", 0, []) == [] and told.region == "Jawa Timur"  # asked once: later lines are not

    skipped = IntakeState(step="region")
    assert advance(skipped, "lewati", 0, []) == ["intake.region_skipped"] and skipped.region == ""
    venting = IntakeState(step="region")  # telling something else instead: not asked again, not corrected
    assert advance(venting, "aku cuma pengen didengerin aja", 0, []) == [] and venting.step == "queued"
    # risk in the answer: never "noted" or "that is fine" to it, and no place read from it
    for line, items in (("tidak mau hidup lagi", ["suicide"]), ("aku di tebing tinggi mau lompat", ["suicide"])):
        at_risk = IntakeState(step="region")
        assert advance(at_risk, line, 0, items, imminent=True) == [] and at_risk.region == ""
    assert advance(IntakeState(step="region"), "ga usah kak", 0, []) == ["intake.region_skipped"]
    urgent = IntakeState(step="risk")
    assert advance(urgent, "udah siapin talinya", 0, ["suicide"], imminent=True) == ["intake.queued_urgent",
                                                                                        "intake.region"]
