"""The README's difficulty table says what the simulated clients do: each row is checked against the code."""

from __future__ import annotations

import random
import re
from pathlib import Path

from curhat_tui.domain.coding import OPENNESS_DELTA, Code
from curhat_tui.domain.persona import DIFFICULTIES, NORMAL, typing_seconds

README = Path(__file__).resolve().parents[2] / "README.md"


def _table() -> dict[str, dict[str, str]]:
    """The README's difficulty rows: row label -> {easy, normal, hard} cell text."""
    text = README.read_text(encoding="utf-8")
    start = text.index("| | easy | normal | hard |")
    rows = {}
    for line in text[start:].splitlines()[2:]:
        if not line.startswith("|"):
            break
        label, easy, normal, hard = (cell.strip() for cell in line.strip("|").split("|"))
        rows[label] = {"easy": easy, "normal": normal, "hard": hard}
    return rows


def test_typing_speed_is_what_the_readme_says():
    row = _table()["typing"]
    line = "aku nggak tahu harus mulai dari mana, kak"

    def seconds(level: str) -> float:
        return typing_seconds(line, random.Random(1), DIFFICULTIES[level].typing)

    for level in ("easy", "hard"):
        word = re.match(r"(slower|faster)", row[level])
        assert word, f"the README's typing cell for {level} says neither slower nor faster: {row[level]!r}"
        if word.group(1) == "slower":
            assert seconds(level) > seconds("normal"), level
        else:
            assert seconds(level) < seconds("normal"), level
        speed = re.search(r"×([\d.]+)", row[level])
        assert speed and float(speed.group(1)) == DIFFICULTIES[level].typing


def test_openness_lost_and_patience_are_what_the_readme_says():
    tables = _table()
    lost = tables["openness lost to advice or judgement"]
    assert lost["easy"].startswith("halved") and lost["hard"].startswith("doubled")
    assert "advice costs nothing" in lost["easy"]
    for code in (Code.ADVICE, Code.CONFRONT):
        delta = OPENNESS_DELTA[code]
        assert int(delta * DIFFICULTIES["easy"].penalty) == int(delta / 2)  # halved, toward zero
        assert int(delta * DIFFICULTIES["hard"].penalty) == delta * 2
        assert int(delta * NORMAL.penalty) == delta
    assert int(OPENNESS_DELTA[Code.ADVICE] * DIFFICULTIES["easy"].penalty) == 0
    patience = tables["patience in the queue"]
    for level in ("easy", "normal", "hard"):
        assert float(patience[level].lstrip("×")) == DIFFICULTIES[level].patience


def test_silence_and_the_direct_question_are_what_the_readme_says():
    rows = _table()
    nudge = rows['a silent counselor is nudged ("kak?") after']
    leave = rows["the client leaves a silent chat after"]
    for level in ("easy", "normal", "hard"):
        assert float(nudge[level].removesuffix(" s")) == DIFFICULTIES[level].nudge_seconds, level
        assert float(leave[level].removesuffix(" min")) * 60 == DIFFICULTIES[level].leave_seconds, level
    direct = rows["a direct, non-leading question about the risk is answered truly from openness"]
    assert direct["easy"] == "2 lower" and DIFFICULTIES["easy"].risk_shift == -2
    assert direct["hard"] == "2 higher" and DIFFICULTIES["hard"].risk_shift == 2
    assert all(said.startswith("never") for said in rows["the risk revealed by good listening alone"].values())
