"""`curhat risk-scan [FILE]`: one JSON object per input line, from a file or from standard input."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from curhat_tui.cli import command_first, main
from curhat_tui.cli.risk_scan import risk_scan_main

LINES = ["aku udah beli racun tikus buat nanti malam", "mati lampu dari sore", "", "my stepdad touches me at night",
         "kak \x1b[31mjujur aku pengen mati aja"]


def scanned(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def test_each_line_gets_one_object_in_the_documented_shape(tmp_path):
    source = tmp_path / "transcript.txt"
    source.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    out = io.StringIO()
    assert risk_scan_main([str(source)], out=out) == 0
    rows = scanned(out.getvalue())
    assert [r["line"] for r in rows] == [1, 2, 3, 4, 5]
    for row in rows:
        assert set(row) == {"line", "items", "imminent", "evidence"}
        assert isinstance(row["items"], list) and isinstance(row["imminent"], bool)
        assert isinstance(row["evidence"], list) and all(isinstance(e, str) for e in row["evidence"])
    assert rows[0]["items"] == ["suicide"] and rows[0]["imminent"] is True
    assert any("racun" in e for e in rows[0]["evidence"])
    assert rows[1] == {"line": 2, "items": [], "imminent": False, "evidence": []}
    assert rows[2]["items"] == [] and rows[3]["items"] == ["abuse"]
    assert rows[4]["items"] == ["suicide"] and "\x1b" not in json.dumps(rows[4], ensure_ascii=False)


def test_scores_are_added_on_request(tmp_path):
    source = tmp_path / "one.txt"
    source.write_text("aku pengen mati aja\n", encoding="utf-8")
    out = io.StringIO()
    assert risk_scan_main(["--scores", str(source)], out=out) == 0
    row = scanned(out.getvalue())[0]
    assert row["scores"]["suicide"] > 0.5 and set(row["scores"]) >= {"suicide", "imminent", "any"}


def test_bursts_read_each_line_with_the_lines_before_it_until_a_blank_line(tmp_path):
    """A trainer tries a burst of bubbles: no line alone says it; read as the app reads them, the line that completes it
    is suggested, with the words of the earlier lines as evidence, and a blank line (the counselor's reply) ends it."""
    bubbles = ["halo", "udah kebeli tadi sore", "yg cair buat nyamuk itu", "aku yg minum"]
    source = tmp_path / "burst.txt"
    source.write_text("\n".join(bubbles + ["", "aku yg minum"]) + "\n", encoding="utf-8")
    out = io.StringIO()
    assert risk_scan_main(["--bursts", str(source)], out=out) == 0
    rows = scanned(out.getvalue())
    assert [r["line"] for r in rows] == [1, 2, 3, 4, 5, 6] and all(set(r) == {"line", "items", "imminent", "evidence"}
                                                                   for r in rows)
    assert rows[0]["items"] == rows[1]["items"] == []
    assert rows[3]["items"] == ["suicide"] and rows[3]["imminent"] is True
    assert any("kebeli" in e for e in rows[3]["evidence"])  # a word of an earlier line
    assert rows[4]["items"] == rows[5]["items"] == []  # after the reply the last line is read alone
    out = io.StringIO()
    assert risk_scan_main([str(source)], out=out) == 0  # without --bursts every line alone
    assert all(r["items"] == [] for r in scanned(out.getvalue()))


def test_a_line_beginning_with_a_chevron_is_the_counselors_question_the_next_lines_answer(tmp_path):
    """A supervisor audits an exchange: "iya kak" alone is nothing; after the counselor's screening question (a line
    beginning with ">") it is the disclosure the question names, its evidence the word that answered."""
    source = tmp_path / "exchange.txt"
    source.write_text("iya kak\n> Belakangan ini kamu ada keinginan buat bunuh diri?\niya kak\n", encoding="utf-8")
    out = io.StringIO()
    assert risk_scan_main(["--bursts", str(source)], out=out) == 0
    rows = scanned(out.getvalue())
    assert [r["line"] for r in rows] == [1, 2, 3] and rows[0]["items"] == rows[1]["items"] == []
    assert rows[2]["items"] == ["suicide"] and rows[2]["evidence"] == ["iya"]


def test_a_question_that_points_back_is_read_with_what_the_lines_before_it_raised(tmp_path):
    """The same question and answer: nothing at the top of a file, imminent suicide after a line suggested for it."""
    exchange = "> Barang kesayanganmu udah kamu bagiin ke temen-temen gara-gara itu?\nudah kak\n"
    source = tmp_path / "exchange.txt"
    source.write_text(exchange + "aku pengen mati aja kak, capek bgt\n" + exchange, encoding="utf-8")
    out = io.StringIO()
    assert risk_scan_main(["--bursts", str(source)], out=out) == 0
    rows = scanned(out.getvalue())
    assert rows[1]["items"] == [] and rows[2]["items"] == ["suicide"]
    assert rows[4]["items"] == ["suicide"] and rows[4]["imminent"] and rows[4]["evidence"] == ["udah"]


def test_a_missing_file_is_an_error_not_a_crash_in_the_language_asked_for(tmp_path, capsys):
    assert main(["risk-scan", str(tmp_path / "nope.txt")]) == 2
    assert "tidak bisa membaca" in capsys.readouterr().err
    assert main(["--lang", "en", "risk-scan", str(tmp_path / "nope.txt")]) == 2  # --lang before the command, too
    assert "cannot read" in capsys.readouterr().err
    assert main(["risk-scan", "--lang=en", str(tmp_path / "nope.txt")]) == 2
    assert "cannot read" in capsys.readouterr().err


@pytest.mark.parametrize(("given", "run"), [
    (["--lang", "en", "risk-scan", "a.txt"], ["risk-scan", "a.txt", "--lang", "en"]),
    (["--data-dir=/d", "--lang", "en", "client", "show", "x"], ["client", "show", "x", "--data-dir=/d", "--lang", "en"]),
    (["--lang", "en", "--seed", "3"], ["--lang", "en", "--seed", "3"]),  # the workstation itself: as given
    (["--data-dir", "/d", "risk-scan"], ["--data-dir", "/d", "risk-scan"]),  # risk-scan has no data dir: as given
])
def test_an_option_the_command_shares_with_the_workstation_may_come_before_its_name(given, run):
    assert command_first(given) == run


def test_standard_input_is_read_when_no_file_is_given():
    result = subprocess.run([sys.executable, "-m", "curhat_tui", "risk-scan"], input="\n".join(LINES[:2]) + "\n",
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    rows = scanned(result.stdout)
    assert [(r["line"], r["items"]) for r in rows] == [(1, ["suicide"]), (2, [])]
