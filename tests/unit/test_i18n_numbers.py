"""Numbers are written as each language writes them: a decimal comma in Indonesian, a point in English."""

from curhat_tui.domain.i18n import Catalogue


def test_indonesian_writes_a_decimal_comma_and_english_a_point():
    indonesian, english = Catalogue({}, "id"), Catalogue({}, "en")
    assert indonesian.number(4, 2) == "4,00" and english.number(4, 2) == "4.00"
    assert indonesian.number(0.5) == "0,5" and english.number(0.5) == "0.5"
    assert indonesian.number(15.0) == "15" and english.number(1.25, 1) == "1.2"


def test_the_indonesian_practice_report_shows_its_ratio_with_a_comma():
    from pathlib import Path

    reports = Path(__file__).resolve().parents[2] / "docs" / "practice-reports"
    assert "Rasio refleksi : pertanyaan: **4,00**" in (reports / "skilled.md").read_text(encoding="utf-8")
    assert "Reflection-to-question ratio: **4.00**" in (reports / "skilled.en.md").read_text(encoding="utf-8")
