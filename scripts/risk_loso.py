"""Leave one held-out set out: how the detector, trained on the corpus and the other trained hand-written sets, reads it.

    .venv/bin/python scripts/risk_loso.py --before M             # every trained set, one after the other (8-50 minutes)
    .venv/bin/python scripts/risk_loso.py --before M --sets 1 4  # only held-out 1 and held-out 4
    .venv/bin/python scripts/risk_loso.py --before M --scales 1 1.5  # also at other shares (risk_thresholds.SCALE)
    .venv/bin/python scripts/risk_loso.py --before M --keep DIR  # keep each fit for scripts/risk_shares.py

For each set k of corpus/heldout.tsv, heldout2.tsv ... (LEFT_OUT, the trained sets: risk_corpus.TRAINED_SETS; held-out
8 since the tenth round, 9 and 10 since the twelfth, 11 since the thirteenth, 12 since the fourteenth, 13 since the
fifteenth, 14 since the sixteenth, 15 since the seventeenth, 16 since the eighteenth, 17 since the nineteenth, 18
since the twentieth, 19 since the twenty-first, 20 and 21 since the twenty-fourth, 22 and 23 since the twenty-sixth,
24 and 25 since the thirty-third): the training lines are the corpus (expanded templates, written.tsv) and the other
trained sets; the split, the out-of-fold scores, the thresholds and the final fit are exactly train_risk.py's
(build(): the other sets' lines join the development folds by group, never the test split), and set k is judged
through the app's own detector (rules, windows and all), as risk_judge.py judges the shipped one. Set k is neither
trained nor tuned on, so its figure is an honest "unseen style" figure. With --before MODEL, a model file that never
saw the sets (the seventh round's, which the ninth round replaced) is judged on the same set beside it, and on the
set's lines that echo no line of the other trained sets (word Jaccard >= 0.5, scripts/risk_echoes.py) both are judged
again. Needs scikit-learn.

    git show c451a2b:data/risk_model.tsv > /tmp/round7.tsv
    .venv/bin/python scripts/risk_loso.py --before /tmp/round7.tsv
"""

from __future__ import annotations

import argparse
import gzip
import pickle
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]

import train_risk as tr  # noqa: E402
from risk_corpus import TRAINED_SETS, Line, read_tsv, training_lines  # noqa: E402
from risk_echoes import echo, words  # noqa: E402
from risk_eval import Figures, evaluate, summary, table  # noqa: E402
from risk_thresholds import SCALE, SHORT_WORDS  # noqa: E402

from curhat_tui.config.datafiles import load_directory, load_redflags  # noqa: E402
from curhat_tui.config.risk_data import SLANG_FILE, load_rules, parse_model, read_slang  # noqa: E402
from curhat_tui.domain.risk import ANY, IMMINENT, RiskDetector  # noqa: E402
from curhat_tui.domain.risk_model import LinearModel  # noqa: E402

LEFT_OUT = TRAINED_SETS  # each set the model learns from is left out in turn


def loso_lines() -> tuple[list[Line], list[int]]:
    """Every line a leave-one-out run reads: the corpus's, then each set of LEFT_OUT's in turn; and where each part
    starts (start_of[k - 1]:start_of[k] are set k's lines, start_of[0] is the corpus's length)."""
    corpus = training_lines(tr.CORPUS, sets=())
    start_of = [len(corpus)]
    lines = list(corpus)
    for name in LEFT_OUT:
        held = read_tsv(tr.CORPUS / name)
        lines += held
        start_of.append(start_of[-1] + len(held))
    return lines, start_of


def training_rows(k: int, start_of: list[int]) -> list[int]:
    """The rows set k's model learns from: the corpus and every other set."""
    return list(range(start_of[0])) + [r for j in range(len(start_of) - 1) if j != k - 1
                                       for r in range(start_of[j], start_of[j + 1])]


def counts(figs: Figures) -> tuple[int, int, int, int, int, int, int]:
    """(risk lines found, risk lines, imminent lines flagged, called imminent, imminent lines, benign lines
    flagged, benign lines)."""
    n, rec, fa = figs.rows["overall"]
    n_imm, flagged, _ = figs.rows["imminent_flagged"]
    called = figs.rows["imminent"][1]
    return (round(rec * n), n, round(flagged * n_imm), round(called * n_imm), n_imm, round(fa * figs.benign),
            figs.benign)


def row(name: str, figs: Figures | list[Figures]) -> str:
    """One set's figures, or several sets' pooled: overall recall, imminent lines flagged and called imminent,
    false alarms (counts)."""
    found, n, flagged, called, n_imm, alarms, benign = (
        counts(figs) if isinstance(figs, Figures) else tuple(map(sum, zip(*map(counts, figs)))))
    return (f"{name}: overall {found / max(n, 1):.3f} ({found}/{n}), imminent flagged {flagged / max(n_imm, 1):.3f} "
            f"({flagged}/{n_imm}), called imminent {called / max(n_imm, 1):.3f} ({called}/{n_imm}), "
            f"false alarms {alarms / max(benign, 1):.3f} ({alarms}/{benign})")


def judged_by(model: LinearModel, chosen: dict[str, float], rules, slang, items: list[str],
              short: dict[str, float] | None = None) -> RiskDetector:
    """The app's detector over a fitted model (written and read once per fit) with these thresholds (and these for
    short messages, of at most SHORT_WORDS words; the model's own when not given)."""
    if short is not None:
        model = replace(model, short_thresholds=short, short_words=SHORT_WORDS)
    return RiskDetector(rules, slang, replace(model, thresholds=chosen), tuple(items))


def miss_of(want: frozenset[str], guess) -> tuple[str, str]:
    """How a left-out line went wrong, if it did ("" if not), and what was suggested for it."""
    got = ",".join(sorted(guess.items)) + (" imminent" if guess.imminent else "")
    if not want:
        return ("false_alarm" if guess.items else ""), got
    if not guess.items:
        return "missed", got
    if IMMINENT in want and not guess.imminent:
        return "not_imminent", got
    return "", got


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", nargs="*", type=int, default=list(range(1, len(LEFT_OUT) + 1)),
                        help="which held-out sets to leave out in turn (1..8)")
    parser.add_argument("--before", type=Path, required=True,
                        help="a model file trained without the held-out sets, judged beside each LOSO model")
    parser.add_argument("--scales", nargs="*", type=float, default=[],
                        help="also judge each left-out set with every head's share taken these many times "
                             "(risk_thresholds.SCALE is the shipped one; same fit, thresholds from its own "
                             "out-of-fold scores) and pool each scale's figures over the sets")
    parser.add_argument("--keep", type=Path,
                        help="also keep each left-out set's fit here (set<k>.pkl.gz: its model, its benign out-of-fold "
                             "scores, its lines and the words it knew), for scripts/risk_shares.py to judge other "
                             "shares without refitting")
    parser.add_argument("--misses", type=Path,
                        help="also write each left-out set's errors here (set, error, labels, kind, suggested, text): "
                             "risk lines missed, imminent lines not called imminent, benign lines flagged")
    args = parser.parse_args(argv)
    started = time.monotonic()
    book = load_redflags(tr.DATA / "redflags.toml", load_directory(tr.DATA / "directory.toml"))
    items = [item.id for item in book.items]
    heads = items + [IMMINENT, ANY]
    slang = read_slang(tr.DATA / SLANG_FILE)
    rules = load_rules(tr.DATA / "phrases.toml", set(items))
    lines, start_of = loso_lines()
    rule_only = RiskDetector(rules, slang, None, tuple(items))
    feats = tr.Featurised(lines, rule_only)
    ruled = [rule_only.ruled(line.text) for line in lines]
    before_model = parse_model(args.before.read_text(encoding="utf-8").splitlines(), set(items))
    shipped = RiskDetector(rules, slang, before_model, tuple(items))
    results: dict[str, Figures | list[Figures]] = {}
    rows_out, fresh_out = [], []
    missed: list[str] = []
    pooled: dict[float, list[Figures]] = {scale: [] for scale in sorted({SCALE, *args.scales})}
    for k in args.sets:
        t0 = time.monotonic()
        mine = list(range(start_of[k - 1], start_of[k]))
        rows = training_rows(k, start_of)
        kept: dict[str, object] = {}
        dev, test, thresholds, cv, fitted, by_scale = tr.build(
            feats, ruled, rows, heads, items, tuple(args.scales),
            keep=lambda d, oof, kept=kept: kept.update(benign=oof[[not tr.labels_of(lines[r]) for r in d]]))
        known_counts = tr.known_words([lines[r] for r in rows])
        known = slang.with_words(known_counts)  # the left-out set's words are new to it
        held = [lines[r] for r in mine]
        text = tr.model_text(heads, fitted, thresholds, {}, tr.short_thresholds(by_scale))
        model = parse_model(text.splitlines(), set(items))
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            with gzip.open(args.keep / f"set{k}.pkl.gz", "wb") as out:
                pickle.dump({"set": k, "heads": heads, "benign": kept["benign"], "known": known_counts,
                             "model": text, "lines": held}, out)
        detector = judged_by(model, thresholds, rules, known, items)
        labels = [tr.labels_of(line) for line in held]
        predicted = tr.detector_predictions(detector, held)
        loso = evaluate(labels, predicted, items)
        pooled[SCALE].append(loso)
        at_scale = {scale: evaluate(labels, tr.detector_predictions(judged_by(
                        model, by_scale[scale], rules, known, items, tr.short_thresholds(by_scale, scale)), held), items)
                    for scale in args.scales if scale != SCALE}
        missed += [f"{k}\t{error}\t{','.join(line.labels)}\t{line.kind}\t{got}\t{line.text}"
                   for line, want, guess in zip(held, labels, predicted)
                   for error, got in [miss_of(want, guess)] if error]
        before = evaluate(labels, tr.detector_predictions(shipped, held), items)
        test_lines = [lines[r] for r in test]
        on_test = evaluate([tr.labels_of(line) for line in test_lines], tr.detector_predictions(detector, test_lines),
                           items)
        name = f"held-out {k}"
        trained = [words(lines[r].text) for r in rows if r >= start_of[0]]
        fresh = [i for i, line in enumerate(held) if not any(echo(words(line.text), w) for w in trained)]
        loso_fresh = evaluate([labels[i] for i in fresh], [tr.detector_predictions(detector, [held[i]])[0]
                                                            for i in fresh], items)
        before_fresh = evaluate([labels[i] for i in fresh], [tr.detector_predictions(shipped, [held[i]])[0]
                                                              for i in fresh], items)
        results[f"{name}, LOSO"], results[f"{name}, before"] = loso, before
        rows_out.append((k, before, loso))
        fresh_out.append((k, before_fresh, loso_fresh))
        cv_overall = statistics.mean(f.rows["overall"][1] for f in cv)
        cv_fa = statistics.mean(f.rows["overall"][2] for f in cv)
        print(f"--- {name} left out: {len(dev)} development / {len(test)} test lines, {len(fitted[0])} features, "
              f"thresholds {thresholds}; {time.monotonic() - t0:.0f} s", flush=True)
        print("  before  " + row(name, before))
        print("  LOSO    " + row(name, loso))
        for scale, figs in at_scale.items():
            pooled[scale].append(figs)
            print(f"  x{scale:<6} " + row(name, figs))
        print(f"  {len(held) - len(fresh)} lines echo a line of the other trained sets (word Jaccard >= 0.5); without them:")
        print("  before  " + row(name, before_fresh))
        print("  LOSO    " + row(name, loso_fresh))
        print(f"  LOSO model on the corpus test split: {summary('test', on_test)}; 5-fold CV overall "
              f"{cv_overall:.3f} at {cv_fa:.3f}", flush=True)
    print(table(results, items))
    for title, got in (("every line", rows_out), ("lines that echo no trained held-out line", fresh_out)):
        print(f"\n{title}:\n| set | before: overall | before: imminent flagged | before: called imminent "
              "| before: false alarms | LOSO: overall | LOSO: imminent flagged | LOSO: called imminent "
              "| LOSO: false alarms |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        keys = (("overall", 1), ("imminent_flagged", 1), ("imminent", 1), ("overall", 2))
        means: list[list[float]] = [[] for _ in range(8)]
        for k, before, loso in got:
            cells = [before.rows[key][i] for key, i in keys] + [loso.rows[key][i] for key, i in keys]
            for m, c in zip(means, cells):
                m.append(c)
            print(f"| held-out {k} | " + " | ".join(f"{c:.3f}" for c in cells) + " |")
        print("| **mean** | " + " | ".join(f"{statistics.mean(m):.3f}" for m in means) + " |")
    for scale, figs in pooled.items():
        if not figs:  # no set judged at this scale
            continue
        mark = " (shipped)" if scale == SCALE else ""
        print(f"\npooled over {len(figs)} left-out sets, shares x{scale}{mark}: " + row("every line", figs))
    if args.misses:
        args.misses.write_text("".join(f"{m}\n" for m in missed), encoding="utf-8")
    print(f"took {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
