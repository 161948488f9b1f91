"""How well the heuristic utterance coder agrees with hand labels (Cohen's kappa).

tests/data/utterances.tsv holds 357 Indonesian counselor utterances labelled by MITI
4.2.1 meaning, written independently of the coder. The goal is kappa >= 0.6 for
questions and for reflections; the overall 8-code figure is reported too.
Run with -s to see the figures.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from curhat_tui.domain.coding import Code, code_utterance

DATA = Path(__file__).resolve().parents[1] / "data" / "utterances.tsv"


def kappa(gold: list, pred: list) -> float:
    n = len(gold)
    observed = sum(g == p for g, p in zip(gold, pred)) / n
    cg, cp = Counter(gold), Counter(pred)
    expected = sum(cg[label] * cp[label] for label in set(gold) | set(pred)) / (n * n)
    return (observed - expected) / (1 - expected)


def test_labelled_set_is_sound():
    rows = [line.rstrip("\n").split("\t") for line in DATA.read_text(encoding="utf-8").splitlines()[1:]]
    assert len(rows) >= 300
    assert all(len(r) == 2 and r[0] in {c.value for c in Code} for r in rows)


def test_coder_agreement_with_hand_labels():
    rows = [line.split("\t") for line in DATA.read_text(encoding="utf-8").splitlines()[1:]]
    gold = [code for code, _ in rows]
    pred = [code_utterance(text).value for _, text in rows]
    group = {"open_question": "question", "closed_question": "question",
             "simple_reflection": "reflection", "complex_reflection": "reflection"}
    is_question = kappa([group.get(g) == "question" for g in gold], [group.get(p) == "question" for p in pred])
    is_reflection = kappa([group.get(g) == "reflection" for g in gold], [group.get(p) == "reflection" for p in pred])
    overall = kappa(gold, pred)
    print(f"\nkappa: questions {is_question:.3f}, reflections {is_reflection:.3f}, all 8 codes {overall:.3f} "
          f"(n={len(rows)})")
    assert is_question >= 0.6
    assert is_reflection >= 0.6


def test_a_question_word_inside_the_question_makes_it_open_unless_it_asks_yes_or_no_or_means_or():
    """Indonesian puts the question word where the answer goes: "mau cerita apa?" is "what do you want to tell?"."""
    opened = ["Mau cerita apa malam ini?", "Kamu lagi mikirin apa?", "Terus gimana?", "Halo. Kamu kenapa?",
              "Kak, gmn rasanya pas pertama kali denger kabar itu?", "Ada apa?"]
    closed = ["Apa kamu capek?", "Sudah makan apa belum?", "Kamu capek apa gimana?", "Mau cerita?",
              "Apakah kamu pernah memikirkan bagaimana cara melakukannya?", "Kamu mau cerita ke siapa?"]
    assert [code_utterance(t) for t in opened] == [Code.OPEN_QUESTION] * len(opened)
    assert [code_utterance(t) for t in closed] == [Code.CLOSED_QUESTION] * len(closed)
