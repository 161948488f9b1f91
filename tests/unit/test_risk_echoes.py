"""The echo check that keeps a held-out set judging wordings the model was never taught (scripts/risk_echoes.py):
two lines echo when they share at least four words and half their words; held-out 6 and 7 were rewritten until
nothing echoed, and a training line added later that echoes one of their lines fails here."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import risk_echoes  # noqa: E402


def test_a_paraphrase_with_most_words_shared_echoes_and_a_new_wording_does_not():
    known = [("aku udah beli racun tikus buat nanti malam", "corpus")]
    found = risk_echoes.echoes(["udah beli racun tikus buat nanti malam kak", "tadi mampir toko tani, botolnya gede"],
                               known)
    assert [(text, where) for _, text, where, _ in found] == [("udah beli racun tikus buat nanti malam kak", "corpus")]


def test_short_lines_need_four_shared_words_to_echo():
    assert risk_echoes.echo(risk_echoes.words("mati aku"), risk_echoes.words("aku mati")) == 0.0
    assert risk_echoes.echo(risk_echoes.words("aku mau mati aja"), risk_echoes.words("aku mau mati aja kak")) == 0.8


def test_a_short_line_word_for_word_a_known_line_is_listed(tmp_path, capsys):
    """Too short to echo by the word measure, but the never-trained test forbids it: listed before any model runs."""
    known = next(line.split("\t")[2] for line in (ROOT / "corpus" / "written.tsv").read_text(encoding="utf-8").splitlines()
                 if not line.startswith("#") and len(line.split("\t")[2].split()) <= 3)
    assert risk_echoes.same_words([known.upper() + " ", "kata baru sama sekali"], [(known, "written.tsv")]) == [
        (1.0, known.upper() + " ", "written.tsv", known)]
    new = tmp_path / "heldout99.tsv"
    new.write_text(f"none\tshort\t{known}\n", encoding="utf-8")
    assert risk_echoes.main([str(new)]) == 1
    assert "1 of 1 lines echo another line" in capsys.readouterr().out


def test_lines_of_one_file_are_checked_against_each_other():
    found = risk_echoes.echoes(["obat tidur udah aku kumpulin banyak", "obat tidur udah aku kumpulin dari apotek"], [])
    assert len(found) == 2 and found[0][2] == "the same file"


@pytest.mark.parametrize("name", ["heldout6.tsv", "heldout7.tsv"])
def test_held_out_6_and_7_echo_no_training_line(name, capsys):
    """Trained on since the ninth round, their leave-one-set-out figures hold only while no other training line
    echoes theirs. A set still judging (held-out 11 echoes one line of held-out 6) inflates none of them."""
    assert risk_echoes.main([str(ROOT / "corpus" / name), "--trained-only"]) == 0, capsys.readouterr().out


def test_an_exchange_echoes_another_by_its_message_and_reply_together(tmp_path, capsys):
    """A new exchanges set is checked pair by pair against the exchanges already written (answers1.tsv, the answer
    reading's development set, here): a short reply alone echoes no exchange, the pair does."""
    first = next(line for line in (ROOT / "corpus" / "answers1.tsv").read_text(encoding="utf-8").splitlines()
                 if not line.startswith("#"))
    labels, kind, asked, reply = first.split("\t")
    new = tmp_path / "exchanges9.tsv"
    new.write_text(f"{labels}\t{kind}\t{asked} ya\t{reply}\n", encoding="utf-8")
    assert risk_echoes.main([str(new)]) == 1
    assert "answers1.tsv" in capsys.readouterr().out
    new.write_text(f"{labels}\t{kind}\tKamu hari ini sudah makan siang belum kak?\t{reply}\n", encoding="utf-8")
    risk_echoes.main([str(new)])  # the reply alone may still be word for word a training line ("iya kak")
    assert "answers1.tsv" not in capsys.readouterr().out
