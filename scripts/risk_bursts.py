"""Judge the shipped risk detector on bursts: a client's bubbles sent one after another, read one at a time as they
arrive, each alone or (as the app does) with the bubbles before it (curhat_tui/domain/bursts.py).

    .venv/bin/python scripts/risk_bursts.py corpus/bursts1.tsv

A burst file holds `labels<TAB>kind<TAB>bubble 1<TAB>bubble 2...`, labels for the whole burst. Four columns:
- "newest alone": what the last bubble suggests on its own (the suggestion left in view when the burst ends, before
  burst reading);
- "at its end": the last bubble read with the ones before it (the suggestion left in view now);
- "each alone": every bubble read on its own as it arrives, their suggestions together (what the counselor was
  shown over the burst before burst reading);
- "read together": every bubble as it arrives read with the ones before it (`read_burst`), suggestions together
  (what the app shows now).
The same table is printed for the bursts whose kind ends in `_spread` (the writer's mark: no bubble carries the risk
alone, or, benign, bubbles that together share words with a risk reading), and last the benign bursts' bubbles
flagged one by one, alone and as the app reads them. Judge a held-out burst set for its figures only: a burst read
and then fixed stops being held out.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]

from risk_eval import Figures, Prediction, evaluate, summary, table  # noqa: E402

from curhat_tui.config.datafiles import load_all  # noqa: E402
from curhat_tui.domain.bursts import read_burst  # noqa: E402

COLUMNS = ("newest alone", "at its end", "each alone", "read together")


def read_bursts(path: Path) -> list[tuple[frozenset[str], str, list[str]]]:
    """(labels without `none`, kind, bubbles) per burst; a malformed line stops with its file, line and the fix."""
    bursts = []
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip() or raw.startswith("#"):
            continue
        fields = raw.split("\t")
        if len(fields) < 3 or not all(f.strip() for f in fields):
            raise SystemExit(f"{path}:{n}: a burst is labels<TAB>kind<TAB>bubble[<TAB>bubble...] with no empty field")
        labels = frozenset(label.strip() for label in fields[0].split(",")) - {"none"}
        bursts.append((labels, fields[1], fields[2:]))
    return bursts


def judged(reader, bubbles: list[str]) -> dict[str, Prediction]:
    """The four readings' predictions for one burst."""
    alone = [reader.detect(text) for text in bubbles]
    read = [read_burst(reader, bubbles[:k + 1]) for k in range(len(bubbles))]
    return {
        COLUMNS[0]: Prediction(frozenset(alone[-1].items), alone[-1].imminent),
        COLUMNS[1]: Prediction(frozenset(read[-1].items), read[-1].imminent),
        COLUMNS[2]: Prediction(frozenset(i for d in alone for i in d.items), any(d.imminent for d in alone)),
        COLUMNS[3]: Prediction(frozenset(i for b in read for i in b.items), any(b.imminent for b in read)),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path, help="burst files")
    args = parser.parse_args(argv)
    data = load_all(ROOT / "data")
    items = [item.id for item in data.redflags.items]
    bursts = [b for path in args.files for b in read_bursts(path)]
    preds = [judged(data.phrases, bubbles) for _, _, bubbles in bursts]
    for title, keep in (("all bursts", lambda kind: True), ("spread bursts", lambda kind: kind.endswith("_spread"))):
        chosen = [(labels, p) for (labels, kind, _), p in zip(bursts, preds) if keep(kind)]
        if not chosen:
            continue
        labels = [labels for labels, _ in chosen]
        results: dict[str, Figures | list[Figures]] = {
            name: evaluate(labels, [p[name] for _, p in chosen], items) for name in COLUMNS}
        print(f"## {title}\n\n{table(results, items)}\n")
        for name, figs in results.items():
            assert isinstance(figs, Figures)
            print(summary(name, figs))
        print()
    benign = [bubbles for labels, _, bubbles in bursts if not labels]
    if benign:  # what a counselor sees bubble by bubble in ordinary talk
        alone = sum(bool(data.phrases.detect(text).items) for bubbles in benign for text in bubbles)
        read = sum(bool(read_burst(data.phrases, bubbles[:k + 1]).items) for bubbles in benign
                   for k in range(len(bubbles)))
        print(f"benign bursts' bubbles: {sum(map(len, benign))}; flagged alone {alone}, flagged as the app reads them "
              f"(with the bubbles before) {read}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
