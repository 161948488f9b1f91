"""The risk detector over the practice personas' own lines: what it suggests on lines that carry no risk by
construction, the false alarms a trainee sees in practice mode.

    .venv/bin/python scripts/risk_personas.py            # the benign lines it flags and the rate; the hinted facts
    .venv/bin/python scripts/risk_personas.py --all      # also every other line it flags (reveals, hints, answers)

Benign by construction: the small talk every persona has (neutral, closed, thanks, a nudge, leaving, denying risk,
"no" to the risk question), and the opening of a persona with no hidden red flag. Lines that tell the persona's
story (facts, answers to the assessment, the reveal) are listed with --all only: whether a suggestion there is right
depends on the story, so they are for reading, not for a rate. A fact that carries a hint (the red flag a trainee
should notice in it) is counted apart: whether the detector suggests the hinted item, only another item (listed: a
trainee is shown the wrong script), or nothing. Nothing is written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from curhat_tui.config.datafiles import load_all  # noqa: E402
from curhat_tui.domain.persona import first_line, split_message  # noqa: E402
from curhat_tui.domain.sanitize import clean  # noqa: E402

BENIGN_KINDS = ("neutral", "closed", "thanks", "nudge", "leave", "deny", "risk_no")


def persona_lines(personas) -> list[tuple[str, str, str, str, str]]:
    """(persona id, hidden flag, kind, text, hinted item or "") for every line a persona can send, each once."""
    out: list[tuple[str, str, str, str, str]] = []
    for p in personas:
        seen: set[tuple[str, str]] = set()

        def add(kind: str, text: str, hint: str = "", p=p, seen=seen) -> None:
            if text and (kind, text) not in seen:
                seen.add((kind, text))
                out.append((p.id, p.hidden_flag, kind, text, hint))

        for hour in (8, 12, 16, 21):
            add("opening", first_line(p, hour))
        for kind in ("neutral", "closed", "nudge", "deny", "upset"):
            for text in getattr(p, kind):
                add(kind, text)
        add("thanks", p.thanks)
        add("risk_no", p.risk_no)
        add("leave", p.leave)
        for n, fact in enumerate(p.facts):
            for part in ([fact.text] if fact.hint else split_message(fact.text)):
                add(f"fact{n}" + (f" (hint {fact.hint})" if fact.hint else ""), part, fact.hint)
        if p.risk:
            add("reveal", p.risk.reveal)
        for key, text in p.answers.items():
            add(f"answer {key}", text)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", action="store_true", help="also list the flagged lines that tell a story")
    args = parser.parse_args(argv)
    data = load_all()
    detector = data.phrases.warm()
    personas = list(data.personas.values()) if isinstance(data.personas, dict) else list(data.personas)
    benign = flagged = imminent = 0
    story: list[str] = []
    hinted: dict[str, int] = {"the hinted item": 0, "only another item": 0, "nothing": 0}
    for pid, hidden, kind, text, hint in persona_lines(personas):
        found = detector.detect(clean(text))
        is_benign = kind in BENIGN_KINDS or (kind == "opening" and hidden in ("", "none"))
        row = (f"{pid:<8} {kind:<24} {','.join(found.items):<18} {'IMMINENT ' if found.imminent else ''}"
               f"{text!r}  evidence: {found.evidence_text(clean(text))}")
        if hint:
            verdict = "the hinted item" if hint in found.items else "only another item" if found.items else "nothing"
            hinted[verdict] += 1
            if verdict == "only another item":
                print(f"{row}  (hinted: {hint})")
        if is_benign:
            benign += 1
            if found.items:
                flagged += 1
                imminent += found.imminent
                print(row)
        elif found.items:
            story.append(f"{row}  (hidden flag: {hidden or 'none'})")
    print(f"\n{len(personas)} personas; benign lines flagged: {flagged} of {benign} ({100 * flagged / benign:.1f}%), "
          f"{imminent} of them called imminent")
    print(f"facts with a hinted red flag: {sum(hinted.values())}; suggested " + ", ".join(
        f"{verdict} {n}" for verdict, n in hinted.items()))
    if args.all:
        print(f"\nother flagged lines ({len(story)}): read them against each persona's story")
        print("\n".join(story))
    return 0


if __name__ == "__main__":
    sys.exit(main())
