"""How the risk model's training chooses its thresholds. That the shipped model is what `python
scripts/train_risk.py` builds from the corpus (seeded: the same corpus gives the same weights and thresholds) is
checked by `scripts/train_risk.py --check`, a step of `.ci/run` of its own: it fits sixty logistic heads, three
to four minutes of one core, which the suite's fifteen minutes cannot carry. Needs scikit-learn (the test extra)."""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

pytest.importorskip("sklearn")

ROOT = Path(__file__).resolve().parents[2]


HEADS = ["suicide", "abuse", "imminent", "any"]
N_BENIGN = 800  # scores 0.00125 apart: well clear of the threshold's rounding to 4 places


def _scored():
    """Out-of-fold scores of 800 benign and 50 abuse lines on four heads, every score distinct."""
    import numpy as np

    sys.path.insert(0, str(ROOT / "scripts"))
    from risk_corpus import Line

    lines = [Line(("none",), "k", f"b{i}", "x") for i in range(N_BENIGN)]
    lines += [Line(("abuse",), "k", f"a{i}", "x") for i in range(50)]
    rng = np.random.default_rng(7)
    probs = np.stack([rng.permutation(np.linspace(0.0, 0.999, len(lines))) for _ in HEADS], axis=1)
    return lines, probs, type("F", (), {"lines": lines})()


def test_each_head_lets_through_its_own_share_of_benign_lines_whatever_the_others_do():
    """A head's threshold is read off its own benign scores: its share of 10,000 benign lines reaches it, and
    neither the risk lines' scores nor another head's scores move it."""
    lines, probs, feats = _scored()
    import risk_thresholds

    heads, n_benign = HEADS, N_BENIGN
    chosen = risk_thresholds.choose(heads, list(range(len(lines))), probs, feats)
    for k, head in enumerate(heads):
        let_through = int((probs[:n_benign, k] >= chosen[head]).sum())
        assert let_through == round(risk_thresholds.PER_10K[head] * risk_thresholds.SCALE * n_benign / 10_000), head

    moved = probs.copy()
    moved[n_benign:, :] = 1.0  # every risk line now scores 1.0 on every head ...
    moved[:n_benign, 0] = 0.0  # ... and the suicide head scores every benign line 0
    again = risk_thresholds.choose(heads, list(range(len(lines))), moved, feats)
    assert again["suicide"] == risk_thresholds.FLOOR
    assert {h: again[h] for h in heads[1:]} == {h: chosen[h] for h in heads[1:]}


def test_a_wider_scale_lets_through_that_many_times_each_share():
    """What risk_loso.py --scales measures: at scale 2 each head lets through twice its share of benign lines,
    at 0.75 three quarters, from the same scores."""
    lines, probs, feats = _scored()
    import risk_thresholds

    for scale in (0.75, 2.0):
        chosen = risk_thresholds.choose(HEADS, list(range(len(lines))), probs, feats, scale)
        for k, head in enumerate(HEADS):
            let_through = int((probs[:N_BENIGN, k] >= chosen[head]).sum())
            assert let_through == round(risk_thresholds.PER_10K[head] * scale * N_BENIGN / 10_000), (head, scale)


def test_another_share_for_one_head_moves_only_that_heads_threshold():
    """What scripts/risk_shares.py measures: from the benign scores alone, a head given another share lets
    through that share of them, and every other head keeps the threshold choose() gives it."""
    lines, probs, feats = _scored()
    import risk_thresholds

    shipped = risk_thresholds.choose(HEADS, list(range(len(lines))), probs, feats)
    shares = dict(risk_thresholds.PER_10K) | {"abuse": 100.0}
    moved = risk_thresholds.from_benign(HEADS, probs[:N_BENIGN], risk_thresholds.SCALE, shares)
    let_through = int((probs[:N_BENIGN, HEADS.index("abuse")] >= moved["abuse"]).sum())
    assert let_through == round(100.0 * risk_thresholds.SCALE * N_BENIGN / 10_000)
    assert moved["abuse"] < shipped["abuse"]
    assert {h: moved[h] for h in HEADS if h != "abuse"} == {h: shipped[h] for h in HEADS if h != "abuse"}


def test_a_left_out_set_is_missing_from_its_models_rows_and_only_it():
    """risk_loso.py trains set k's model on the corpus and every other set; risk_shares.py makes the same rows again
    to find where each kept benign score came from (--benign-from)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from risk_loso import training_rows

    start_of = [10, 13, 15, 20]  # a corpus of 10 lines, then sets 1-3 of 3, 2 and 5 lines
    assert training_rows(2, start_of) == list(range(13)) + list(range(15, 20))
    assert training_rows(1, start_of) == list(range(10)) + list(range(13, 20))
    assert training_rows(3, start_of) == list(range(15))


def test_lines_are_counted_apart_by_length():
    """risk_judge.py and risk_shares.py --by-length N: risk found, imminent flagged and false alarms, for lines of at
    most N words and the longer ones."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from risk_eval import Prediction, by_length

    texts = ["satu dua tiga", "satu dua", "satu", "satu dua tiga empat lima"]
    labels = [frozenset({"imminent", "suicide"}), frozenset({"suicide"}), frozenset(), frozenset({"abuse"})]
    predicted = [Prediction(frozenset({"suicide"}), True), Prediction(frozenset(), False),
                 Prediction(frozenset({"abuse"}), False), Prediction(frozenset({"abuse"}), False)]
    assert by_length(texts, labels, predicted, 3) == ("<= 3 words: found 1/2, imminent flagged 1/1, false alarms 1/1; "
                                                      "> 3 words: found 1/1, imminent flagged 0/0, false alarms 0/0")


def test_a_burst_file_is_read_and_judged_four_ways(tmp_path):
    """risk_bursts.py: a burst is labels, kind and its bubbles; a malformed line names the file, the line and the fix;
    each burst is judged by its newest bubble alone, read with its burst at its end, every bubble alone, and every
    bubble read with the ones before it."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from risk_bursts import COLUMNS, judged, read_bursts

    from curhat_tui.domain.phrases import PhraseHit
    from curhat_tui.domain.risk import NOTHING, Detection

    good = tmp_path / "bursts.tsv"
    good.write_text("# a header\nsuicide,imminent\tmeans_spread\tudah beli racun\tnanti malam\tok\nnone\tplain\thalo\tmakasih\n",
                    encoding="utf-8")
    assert read_bursts(good) == [(frozenset({"suicide", "imminent"}), "means_spread", ["udah beli racun", "nanti malam", "ok"]),
                                 (frozenset(), "plain", ["halo", "makasih"])]

    def detect(text: str) -> Detection:  # suicide, imminent, only when both words are read together
        if "racun" in text and "malam" in text:
            return Detection(("suicide",), True, (PhraseHit("suicide", text.index("racun"), text.index("racun") + 5),), {})
        return NOTHING

    reader = SimpleNamespace(detect=detect, answer=lambda asked, reply: NOTHING)  # no counselor asked anything
    got = judged(reader, ["udah beli racun", "nanti malam", "ok"])
    assert [bool(got[name].items) for name in COLUMNS] == [False, True, False, True]
    bad = tmp_path / "bad.tsv"
    bad.write_text("none\tplain\thalo\t\n", encoding="utf-8")
    with pytest.raises(SystemExit, match=r"bad.tsv:1: a burst is labels<TAB>kind<TAB>bubble"):
        read_bursts(bad)
