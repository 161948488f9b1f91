"""Judge the shipped risk detector (data/) on hand-written held-out sets, without retraining or scikit-learn.

    .venv/bin/python scripts/risk_judge.py                          # every corpus/heldout*.tsv and exchanges*.tsv, in order
    .venv/bin/python scripts/risk_judge.py corpus/heldout2.tsv --misses   # also list every line it got wrong
    .venv/bin/python scripts/risk_judge.py corpus/heldout26.tsv corpus/heldout27.tsv --pooled  # and both as one

Prints the evaluation table (scripts/risk_eval.py) per file, the same figures train_risk.py prints. Use --misses
to read what a change did, never to tune on a held-out set: a line read and then fixed stops being held out.
Held-out 1-7 are training data since the ninth round, held-out 8 since the tenth, 9 and 10 since the twelfth, 11
since the thirteenth, 12 since the fourteenth, 13 since the fifteenth, 14 since the sixteenth, 15 since the
seventeenth, 16 since the eighteenth, 17 since the nineteenth, 18 since the twentieth, 19 since the twenty-first, 20
and 21 since the twenty-fourth, 22 and 23 since the twenty-sixth, 24 and 25 since the thirty-third
(risk_corpus.TRAINED_SETS): their columns say "trained on" and are no unseen figure (scripts/risk_loso.py gives
those); held-out 26 and later are judged, never trained on (docs/RISK_DETECTION.md lists each look). Run with no
file, it judges every set, the newest too: name the files to keep a set unlooked at. An exchanges set
(corpus/exchanges*.tsv: a counselor's message, then the client's reply) is judged on the replies as the app reads a
reply: alone, and as the answer to the counselor's message before it (domain/bursts.py, domain/risk_answer.py);
--alone judges the replies alone, as the app read them until session 38.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]

from risk_corpus import TRAINED_SETS, judged_files, read_tsv  # noqa: E402
from risk_eval import Figures, Prediction, by_length, evaluate, summary, table  # noqa: E402

from curhat_tui.config.datafiles import load_all  # noqa: E402
from curhat_tui.domain.bursts import read_burst  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, help="labelled TSV files (default: the held-out and exchanges sets)")
    parser.add_argument("--misses", action="store_true", help="list the lines judged wrongly")
    parser.add_argument("--pooled", action="store_true", help="also judge all the files' lines as one set")
    parser.add_argument("--alone", action="store_true", help="read an exchange's reply alone, not as an answer")
    parser.add_argument("--by-length", type=int, metavar="N",
                        help="also count all the files' lines of at most N words and the longer ones apart")
    args = parser.parse_args(argv)
    data = load_all(ROOT / "data")
    items = [item.id for item in data.redflags.items]
    files = args.files or judged_files(ROOT / "corpus")
    results: dict[str, Figures | list[Figures]] = {}
    every: tuple[list[frozenset[str]], list[Prediction]] = ([], [])
    texts: list[str] = []
    for path in files:
        lines = read_tsv(path)
        labels = [frozenset(label for label in line.labels if label != "none") for line in lines]
        preds = []
        for line, lab in zip(lines, labels):
            found = read_burst(data.phrases, [line.text], "" if args.alone else line.asked)
            preds.append(Prediction(frozenset(found.items), found.imminent))
            wrong = bool(lab) != bool(found.items) or ("imminent" in lab and not found.imminent)
            if args.misses and wrong:
                got = ",".join(found.items) + (" imminent" if found.imminent else "") or "-"
                print(f"{path.name}\t{','.join(sorted(lab)) or 'none'}\tgot {got}\t{line.text}")
        results[path.stem + (" (trained on)" if path.name in TRAINED_SETS else "")] = evaluate(labels, preds, items)
        every[0].extend(labels)
        every[1].extend(preds)
        texts += [line.text for line in lines]
    if args.pooled and len(files) > 1:
        results[f"pooled ({len(files)} sets)"] = evaluate(*every, items)
    print(table(results, items))
    for name, figs in results.items():
        if isinstance(figs, Figures):
            print(summary(name, figs))
    if args.by_length is not None:
        print(by_length(texts, *every, args.by_length))
    return 0


if __name__ == "__main__":
    sys.exit(main())
