"""List the lines of a new labelled file that echo a line the detector already knows or is judged on.

    .venv/bin/python scripts/risk_echoes.py corpus/heldout7.tsv

A line echoes another when their word sets share at least MIN_SHARED words and half their union (word Jaccard
>= 0.5). The new file is compared with every training line (templates expanded, written.tsv), every other
held-out set, and its own other lines; an exchanges file's lines (a counselor's message and the reply) are also
compared, message and reply together, with every other exchange (the exchanges sets and answers*.tsv, the answer
reading's development set). A line word for word a training line or a line of a one-text set (case and outer spaces
aside) is listed however short: the never-trained test (tests/unit/test_risk_corpus.py) forbids a held-out line that
is a training line, and a line of three words echoes nothing by the word measure (the replies of the exchanges sets
are left out of this: a short yes there is said again and again). Run it on a fresh held-out set before any model
is run on it, and on new training lines before they are trained on, and rewrite what it lists: an echo lets a
held-out set judge a wording the model was taught. Exit status 1 when anything echoes. Reads the lines' text only, never a model.
"""

from __future__ import annotations

import argparse
import re
import sys
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]

from risk_corpus import ANSWERS, TRAINED_SETS, Line, judged_files, read_tsv, training_lines  # noqa: E402

JACCARD, MIN_SHARED = 0.5, 4
_WORD = re.compile(r"[^\W_]+")


def words(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(text.lower()))


def echo(a: frozenset[str], b: frozenset[str]) -> float:
    """The word Jaccard of two lines when they echo each other, else 0."""
    shared = len(a & b)
    if shared < MIN_SHARED:
        return 0.0
    score = shared / len(a | b)
    return score if score >= JACCARD else 0.0


def echoes(new: list[str], known: list[tuple[str, str]]) -> list[tuple[float, str, str, str]]:
    """(score, new line, where the echoed line is, echoed line) for each new line's first echo."""
    known_words = [(words(text), text, where) for text, where in known]
    own = [(words(text), text, "the same file") for text in new]
    found = []
    for n, text in enumerate(new):
        mine = own[n][0]
        for other, other_text, where in known_words + own[:n] + own[n + 1:]:
            score = echo(mine, other)
            if score:
                found.append((score, text, where, other_text))
                break
    return found


def same_words(new: list[str], known: list[tuple[str, str]]) -> list[tuple[float, str, str, str]]:
    """(1.0, new line, where, known line) for each new line that is word for word a known line, however short."""
    where_of: dict[str, tuple[str, str]] = {}
    for text, where in known:
        where_of.setdefault(text.strip().lower(), (where, text))
    return [(1.0, text, *where_of[text.strip().lower()]) for text in new if text.strip().lower() in where_of]


def unlisted(found: list[tuple[float, str, str, str]], more: list[tuple[float, str, str, str]]
             ) -> list[tuple[float, str, str, str]]:
    """The finds of `more` whose new line `found` does not list yet: each line is listed once."""
    seen = {text for _, text, _, _ in found}
    return [f for f in more if f[1] not in seen]


@lru_cache(maxsize=1)
def _training(corpus: Path) -> tuple[tuple[str, str], ...]:
    return tuple((line.text, "the training corpus") for line in training_lines(corpus, sets=()))


def said(line: Line) -> str:
    """What an exchange says: the counselor's message and the reply (a line of a one-text file: its text)."""
    return f"{line.asked} {line.text}" if line.asked else line.text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path, help="a labelled TSV file (labels, kind, text; or an exchanges file)")
    parser.add_argument("--trained-only", action="store_true",
                        help="compare with the training lines only (the corpus and the trained held-out sets), not "
                             "with the held-out sets still judging: an echo there inflates no figure of FILE")
    args = parser.parse_args(argv)
    corpus = ROOT / "corpus"
    known = list(_training(corpus))
    pairs: list[tuple[str, str]] = []  # the exchanges, held-out and development (answers*.tsv), as pairs
    whole = list(known)  # lines a client wrote alone: a reply of the exchanges is a short yes as often as not
    for path in judged_files(corpus) + sorted(corpus.glob(ANSWERS + "*.tsv")):
        if args.trained_only and path.name not in TRAINED_SETS:
            continue
        if path.resolve() != args.file.resolve():
            lines = read_tsv(path)
            known += [(line.text, path.name) for line in lines]
            pairs += [(said(line), path.name) for line in lines if line.asked]
            whole += [(line.text, path.name) for line in lines if not line.asked]
    new = read_tsv(args.file)
    found = echoes([line.text for line in new], known)  # a reply is compared with every line a client wrote
    if any(line.asked for line in new):  # and an exchange with every exchange, its message and reply together
        found += unlisted(found, echoes([said(line) for line in new], pairs))
    found += unlisted(found, same_words([line.text for line in new], whole))
    for score, text, where, other in found:
        print(f"{score:.2f}\t{text}\n\t~ {where}: {other}")
    print(f"{len(found)} of {len(new)} lines echo another line")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
