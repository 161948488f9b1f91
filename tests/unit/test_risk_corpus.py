"""The corpus behind the risk model and the model file agree: the expanded templates are the ones in the
repository, the shipped weights were trained on exactly these lines, the corpus has what the issue asks for,
held-out sets 1-7 are trained on (since the ninth round) and any newer held-out set is not. None of this needs
scikit-learn."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

from curhat_tui.config.datafiles import REQUIRED_ITEMS
from curhat_tui.config.risk_data import read_model

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from risk_corpus import TRAINED_SETS, corpus_hash, generated_text, judged_files, read_tsv, training_lines  # noqa: E402


@pytest.fixture(scope="module")
def lines():
    return training_lines(ROOT / "corpus")


def test_the_generated_corpus_in_the_repository_is_what_the_templates_give(lines):
    generated = [line for line in lines if line.source]
    assert (ROOT / "corpus" / "generated.tsv").read_text(encoding="utf-8") == generated_text(generated)


def test_the_shipped_model_was_trained_on_this_corpus(lines):
    model = read_model(ROOT / "data" / "risk_model.tsv", set(REQUIRED_ITEMS))
    assert model.meta["corpus_sha256"] == corpus_hash(lines), "retrain: python scripts/train_risk.py"
    assert int(model.meta["lines"]) == len(lines)
    assert set(model.heads) == set(REQUIRED_ITEMS) | {"imminent", "any"}


def test_the_corpus_has_what_the_issue_asks_for(lines):
    risk = [line for line in lines if line.labels != ("none",)]
    benign = [line for line in lines if line.labels == ("none",)]
    assert len(risk) >= 3000 and len(benign) >= len(risk)
    per_item = Counter(label for line in risk for label in line.labels)
    assert all(per_item[item] >= 200 for item in REQUIRED_ITEMS), per_item
    assert per_item["imminent"] >= 500
    assert all("suicide" in line.labels for line in risk if "imminent" in line.labels)
    kinds = {line.kind for line in benign}
    for kind in ("idiom_mati", "idiom_bunuh", "idiom_gila", "idiom_capek", "idiom_jatuh", "idiom_racun", "idiom_lompat",
                 "news", "fiction", "joke", "past_resolved", "complaint", "denial"):
        assert kind in kinds, kind


@pytest.mark.parametrize("name", TRAINED_SETS)
def test_the_trained_held_out_sets_are_whole_and_in_the_training_lines(lines, name):
    heldout = read_tsv(ROOT / "corpus" / name)
    assert len(heldout) >= 200
    risk = [line for line in heldout if line.labels != ("none",)]
    assert 0.4 <= len(risk) / len(heldout) <= 0.6
    assert {label for line in risk for label in line.labels} >= set(REQUIRED_ITEMS) | {"imminent"}
    trained = {line.text for line in lines if line.group.startswith(Path(name).stem + ":")}
    assert trained == {line.text for line in heldout}


def test_a_held_out_set_not_named_for_training_is_never_trained_on(lines):
    """A newer held-out set (heldout9.tsv ...) judges the model: none of its lines may be a training line."""
    trained = {line.text.strip().lower() for line in lines}
    for path in judged_files(ROOT / "corpus"):
        if path.name not in TRAINED_SETS:
            assert not sum(1 for line in read_tsv(path) if line.text.strip().lower() in trained), path.name


def test_typos_give_a_hurried_thumbs_slips_the_same_in_every_run():
    """risk_corpus.typos (scripts/risk_typos.py judges the folds with them): seeded, about `rate` of the longer words
    slipped, first letters kept, nothing but a word's own letters and its keyboard neighbours."""
    import random

    from risk_corpus import NEIGHBOURS, typos

    text = "aku udah beli racun tikus buat malam ini kak soalnya capek banget sama semuanya"
    once = [typos(text, random.Random(f"s{n}")) for n in range(200)]
    assert once == [typos(text, random.Random(f"s{n}")) for n in range(200)]
    assert typos(text, random.Random(1), rate=0.0) == text
    changed = sum(a != b for line in once for a, b in zip(line.split(), text.split()))
    assert 0.1 < changed / (200 * len(text.split())) < 0.5
    allowed = set(text) | set("".join(NEIGHBOURS.values()))
    assert all(set(line) <= allowed and line[0] == "a" for line in once)


def test_an_exchanges_file_gives_the_replies_with_what_they_answer_and_a_broken_line_names_its_place(tmp_path):
    path = tmp_path / "exchanges9.tsv"
    path.write_text("# a comment\nnone\tadherence\tobatnya udah diminum?\tudah kak tadi pagi\n"
                    "suicide,imminent\tamount\ttadi minum berapa?\tsemuanya kak\n", encoding="utf-8")
    lines = read_tsv(path)
    assert [(line.labels, line.kind, line.asked, line.text) for line in lines] == [
        (("none",), "adherence", "obatnya udah diminum?", "udah kak tadi pagi"),
        (("imminent", "suicide"), "amount", "tadi minum berapa?", "semuanya kak")]
    assert [line.group for line in lines] == ["exchanges9:2", "exchanges9:3"]
    path.write_text("none\tadherence\tudah kak tadi pagi\n", encoding="utf-8")  # the counselor's message left out
    with pytest.raises(ValueError, match=r"exchanges9.tsv:1: expected 4 non-empty TAB-separated fields"):
        read_tsv(path)
    assert judged_files(tmp_path) == [path]
