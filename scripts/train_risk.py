"""Train and evaluate the risk detector's model from corpus/, then write data/risk_model.tsv.

    .venv/bin/python scripts/train_risk.py             # rebuild the model and print the evaluation
    .venv/bin/python scripts/train_risk.py --check     # rebuild in memory; exit 1 if it differs from the shipped file

Needs scikit-learn (pip install -e '.[train]'); the app itself never imports it. Everything is seeded, so
the same corpus gives the same file.

1. The templates in corpus/templates/ are expanded (scripts/risk_corpus.py) into corpus/generated.tsv;
   corpus/written.tsv adds hand-written lines; the judged held-out sets named in TRAINED_SETS (held-out 1-7 since the
   ninth round, 8 since the tenth, 9 and 10 since the twelfth, 11 since the thirteenth, 12 since the fourteenth, 13
   since the fifteenth, 14 since the sixteenth, 15 since the seventeenth, 16 since the eighteenth, 17 since the
   nineteenth, 18 since the twentieth, 19 since the twenty-first, 20 and 21 since the twenty-fourth, 22 and 23 since the
   twenty-sixth, 24 and 25 since the thirty-third) are training lines, in the development folds only (dev_only()).
   A held-out set not in TRAINED_SETS is never read here: scripts/risk_judge.py judges it (each run a look).
2. Lines are split by group (scenario(): a template, or a hand-written file's run of one labels and kind), drawn
   from a hash of its name: about 15% test, the rest development in 5 folds. No group straddles two sides.
3. Out-of-fold scores on development (each fold scored by a model trained on the other four) choose one
   threshold per head: each head lets a fixed share of the benign lines through (risk_thresholds.choose()).
   Cross-validation figures: each fold judged with thresholds chosen on the other folds' scores only.
4. The shipped model is trained on all of development with those thresholds and judged, through the app's
   own detector (rules, windows and all), on the test split; the old regex matcher is judged on the first
   hand-written set (heldout.tsv) for comparison.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]

import numpy as np  # noqa: E402
import sklearn  # noqa: E402
from risk_corpus import Line, corpus_hash, generated_text, labels_of, read_tsv, training_lines, typos  # noqa: E402
from risk_eval import Figures, Prediction, evaluate, summary, table  # noqa: E402
from risk_thresholds import SCALE, SHORT_SCALE, SHORT_WORDS, choose, is_short  # noqa: E402
from scipy import sparse  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402

from curhat_tui.config.datafiles import load_directory, load_redflags  # noqa: E402
from curhat_tui.config.risk_data import MODEL_FILE, SLANG_FILE, WORDS_FILE, load_rules, parse_model, read_slang  # noqa: E402
from curhat_tui.domain.phrases import PhraseMatcher, PhraseRule  # noqa: E402
from curhat_tui.domain.risk import ANY, IMMINENT, RiskDetector, decide  # noqa: E402
from curhat_tui.domain.risk_text import block_scale, raw_forms  # noqa: E402
from curhat_tui.domain.risk_unmask import Slang  # noqa: E402

SEED = 7
TEST_SHARE, FOLDS = 0.15, 5
TEST = -1  # the side of a test line in split()
MIN_GROUPS = 2  # a feature must occur in at least this many templates (or hand-written lines)
C = 32.0  # inverse regularisation strength of each logistic head
IMMINENT_WEIGHT = 3.0  # an imminent line counts this many times in every head: missing one costs most
SET_WEIGHT = 1.0  # a line of a trained hand-written held-out set (dev_only()) counts this many times in every head
PRUNE = 0.1  # weights smaller than this are left out of the shipped file
AUGMENT = 0  # typo'd copies of each development line the heads also learn from (Featurised.augmented()); none:
TYPO_RATE = 0.25  # ... each word given a slip with this probability (risk_corpus.typos). Tried in the nineteenth
# round (scripts/risk_typos.py, 5-fold CV judged as written / with slips, overall recall): 0 copies 0.867 / 0.639, 1
# copy 0.876 / 0.748 (0.867 / ... with each line and its copy sharing its weight); but the heads' biases rose, and
# the practice personas' ordinary lines ("yaudah kak") were flagged 20 and 19 times of 367 against 6: not shipped
CORPUS, DATA = ROOT / "corpus", ROOT / "data"


# ---- the corpus -----------------------------------------------------------------------------------
def load_corpus(write: bool = True) -> tuple[list[Line], list[Line]]:
    lines = training_lines(CORPUS)
    if write:
        generated = [line for line in lines if line.source]  # the expanded templates only
        (CORPUS / "generated.tsv").write_text(generated_text(generated), encoding="utf-8")
    heldout = read_tsv(CORPUS / "heldout.tsv") if (CORPUS / "heldout.tsv").exists() else []
    return lines, heldout


def known_words(lines: list[Line]) -> dict[str, int]:
    """The words of `lines` (as risk_text.raw_forms reads them) with the number of groups each occurs in: the known
    words a word typed with a slip is read against (risk_spell), written as data/risk_words.tsv."""
    groups: dict[str, set[str]] = defaultdict(set)
    for line in lines:
        for word in raw_forms(line.text):
            if word.isascii() and word.isalpha():
                groups[word].add(scenario(line))
    return {word: len(found) for word, found in sorted(groups.items())}


def words_text(words: dict[str, int]) -> str:
    return ("# The corpus's words and how many of its groups (templates, hand-written lines) each occurs in: a word\n"
            "# not here nor in risk_slang.tsv is read as the word typed with a slip (curhat_tui/domain/risk_spell.py).\n"
            "# Written by scripts/train_risk.py; do not edit.\n" + "".join(f"{w}\t{n}\n" for w, n in words.items()))


def reading_slang(lines: list[Line]) -> Slang:
    """The slang dictionary with the known words of `lines` (what the detector trained on them reads with)."""
    return read_slang(DATA / SLANG_FILE).with_words(known_words(lines))


def targets_of(line: Line) -> frozenset[str]:
    """The heads a line is a positive example for: its items, imminence, and "any" for every risk line."""
    labels = labels_of(line)
    return labels | {ANY} if labels else labels


def scenario(line: Line) -> str:
    """The group a line is split by. A template's lines share one (its file and its text, not its line number,
    so inserting a template moves no other); a hand-written line shares one with every line of its file, labels
    and kind, because such lines were written in runs of paraphrases of one scenario."""
    if line.source:
        return f"template|{line.source}"
    return f"{line.group.rsplit(':', 1)[0]}|{','.join(line.labels)}|{line.kind}"


def dev_only(line: Line) -> bool:
    """A line of a hand-written held-out set trained on (the ninth round): development folds only."""
    return not line.source and line.group.startswith("heldout")


def split(lines: list[Line]) -> list[int]:
    """Each line's side: TEST or a development fold (0..FOLDS-1), by its group (scenario()), so no group straddles
    two sides. Within each label set the groups are ordered by a hash of their name and cut at quantiles: the
    first TEST_SHARE go to test, the rest into FOLDS equal runs. Every side gets its share of every label set,
    and a new group moves at most one old group across each cut instead of reshuffling them all. The lines of a
    trained held-out set (dev_only(), since the ninth round) are cut apart from the templates' and written lines'
    groups, into the FOLDS runs only: they never sit in the test split and move none of the corpus's groups."""
    import hashlib

    def u(name: str) -> int:
        return int.from_bytes(hashlib.sha256(f"{SEED}:{name}".encode()).digest()[:8], "big")

    by_labels: dict[tuple[bool, tuple[str, ...]], set[str]] = defaultdict(set)
    for line in lines:
        by_labels[dev_only(line), line.labels].add(scenario(line))
    side_of: dict[str, int] = {}
    for (development, _), groups in by_labels.items():
        ordered = sorted(groups, key=u)
        n_test = round(len(ordered) * TEST_SHARE) if len(ordered) >= 4 and not development else 0
        for rank, name in enumerate(ordered):
            dev_rank = rank - n_test
            side_of.setdefault(name, TEST if dev_rank < 0 else dev_rank * FOLDS // (len(ordered) - n_test))
    return [side_of[scenario(line)] for line in lines]


# ---- features and the model -----------------------------------------------------------------------
class Featurised:
    """Every line's two feature blocks, read by the app's own detector (tokens, n-grams, lexicon cues)."""

    def __init__(self, lines: list[Line], reader: RiskDetector) -> None:
        self.lines = list(lines)
        self.reader = reader
        self.blocks = [reader.featurise(line.text) for line in lines]
        self.copies: dict[int, list[int]] = {}  # a line's row -> the rows of its typo'd copies (augmented())
        self.copy_rows: set[int] = set()

    def augmented(self, rows: list[int]) -> list[int]:
        """`rows` and the rows of AUGMENT typo'd copies of each (made once, seeded by the line's text; a copy keeps
        its line's labels and group, so it never crosses a fold). Only ever the rows a model is fit on."""
        out = list(rows)
        for r in rows:
            if r not in self.copies:
                self.copies[r] = []
                for n in range(AUGMENT):
                    line = self.lines[r]
                    copy = replace(line, text=typos(line.text, random.Random(f"train{n}|{line.text}"), TYPO_RATE))
                    self.copies[r].append(len(self.lines))
                    self.copy_rows.add(len(self.lines))
                    self.lines.append(copy)
                    self.blocks.append(self.reader.featurise(copy.text))
            out += self.copies[r]
        return out

    def vocabulary(self, rows: list[int]) -> dict[str, int]:
        """Features seen in at least MIN_GROUPS templates: a word only one template uses would let the model
        learn that template by heart instead of what its lines share with others."""
        groups: dict[str, set[str]] = defaultdict(set)
        for r in rows:
            for block in self.blocks[r]:
                for f in block:
                    groups[f].add(self.lines[r].group)
        kept = sorted(f for f, g in groups.items() if len(g) >= MIN_GROUPS)
        return {f: i for i, f in enumerate(kept)}

    def matrix(self, rows: list[int], vocab: dict[str, int]) -> sparse.csr_matrix:
        data, cols, ptr = [], [], [0]
        for r in rows:
            for block in self.blocks[r]:
                scale = block_scale(len(block))
                for f in block:
                    j = vocab.get(f)
                    if j is not None:
                        cols.append(j)
                        data.append(scale)
            ptr.append(len(cols))
        return sparse.csr_matrix((data, cols, ptr), shape=(len(rows), len(vocab)))


def fit(feats: Featurised, rows: list[int], heads: list[str]) -> tuple[dict[str, int], np.ndarray, np.ndarray]:
    """One logistic head per item, imminence and "any", fit on `rows` (with typo'd copies: Featurised.augmented(),
    each line and its copies sharing its weight, so the lines weigh against the regularisation as without them)."""
    share = 1.0 / (1 + AUGMENT) if any(r in feats.copy_rows for r in rows) else 1.0
    vocab = feats.vocabulary(rows)
    x = feats.matrix(rows, vocab)
    coef, bias = np.zeros((len(heads), len(vocab))), np.zeros(len(heads))
    for k, head in enumerate(heads):
        y = np.array([head in targets_of(feats.lines[r]) for r in rows], dtype=int)
        weight = np.array([weight_of(feats.lines[r]) * share for r in rows])
        clf = LogisticRegression(C=C, solver="liblinear", class_weight="balanced", max_iter=2000, random_state=SEED)
        clf.fit(x, y, sample_weight=weight)
        coef[k], bias[k] = clf.coef_[0], clf.intercept_[0]
    return vocab, coef, bias


def weight_of(line: Line) -> float:
    """How much a training line counts: imminent lines IMMINENT_WEIGHT times, a trained held-out set's SET_WEIGHT."""
    return (IMMINENT_WEIGHT if IMMINENT in line.labels else 1.0) * (SET_WEIGHT if dev_only(line) else 1.0)


def probabilities(feats: Featurised, rows: list[int], fitted: tuple[dict[str, int], np.ndarray, np.ndarray]):
    vocab, coef, bias = fitted
    logits = feats.matrix(rows, vocab) @ coef.T + bias
    return 1.0 / (1.0 + np.exp(-logits))


def predict(heads: list[str], probs_row, thresholds: dict[str, float], ruled: tuple) -> Prediction:
    decision = decide(dict(zip(heads, map(float, probs_row))), thresholds, ruled[0], ruled[1])
    return Prediction(decision.items, decision.imminent)


def short_thresholds(by_scale: dict[float, dict[str, float]], scale: float = SCALE) -> dict[str, float]:
    """The thresholds a short message is judged against when the others' shares are taken `scale` times."""
    return by_scale[scale * SHORT_SCALE]


# ---- the shipped file -----------------------------------------------------------------------------
def model_text(heads: list[str], fitted, thresholds: dict[str, float], meta: dict[str, str],
               short: dict[str, float]) -> str:
    vocab, coef, bias = fitted
    out = ["# curhat-tui risk model: written by scripts/train_risk.py from corpus/; do not edit by hand.",
           "# '@head name bias threshold short_threshold' (the second for a message of at most short_words words),",
           "# then 'feature<TAB>head:weight ...' (w: word, b: word pair, c: characters)."]
    out += [f"@meta\t{key}\t{value}" for key, value in (meta | {"short_words": str(SHORT_WORDS)}).items()]
    out += [f"@head\t{head}\t{bias[k]:.5f}\t{thresholds[head]:.4f}\t{short[head]:.4f}" for k, head in enumerate(heads)]
    for feature, j in sorted(vocab.items()):
        pairs = [f"{k}:{coef[k, j]:.3f}" for k in range(len(heads)) if abs(coef[k, j]) >= PRUNE]
        if pairs:
            out.append(f"{feature}\t{' '.join(pairs)}")
    return "\n".join(out) + "\n"


def differences(shipped, rebuilt, tolerance: float = 0.002) -> str:
    """What differs between two models beyond float noise ('' when nothing): heads, biases, thresholds,
    metadata, and weights (a weight near the pruning limit may be kept on one side only)."""
    if shipped.heads != rebuilt.heads:
        return f"heads {shipped.heads} vs {rebuilt.heads}"
    if dict(shipped.meta) != dict(rebuilt.meta):
        return f"metadata {dict(shipped.meta)} vs {dict(rebuilt.meta)}"
    for name, a, b in (("bias", shipped.bias, rebuilt.bias),
                       ("threshold", [shipped.thresholds[h] for h in shipped.heads],
                        [rebuilt.thresholds[h] for h in rebuilt.heads]),
                       ("short threshold", [shipped.short_thresholds.get(h, -1.0) for h in shipped.heads],
                        [rebuilt.short_thresholds.get(h, -1.0) for h in rebuilt.heads])):
        worst = max(abs(x - y) for x, y in zip(a, b))
        if worst > tolerance:
            return f"{name} differs by {worst:.4f}"
    for feature in set(shipped.weights) | set(rebuilt.weights):
        a = dict(shipped.weights.get(feature, ()))
        b = dict(rebuilt.weights.get(feature, ()))
        for head in set(a) | set(b):
            if abs(a.get(head, 0.0) - b.get(head, 0.0)) > PRUNE + tolerance:
                return f"weight of {feature!r} for head {head}"
    return ""


def baseline_matcher() -> PhraseMatcher:
    """The regex matcher this detector replaced (corpus/baseline_phrases.toml), for comparison."""
    import re
    import tomllib

    doc = tomllib.loads((CORPUS / "baseline_phrases.toml").read_text(encoding="utf-8"))
    return PhraseMatcher([PhraseRule(e["item"], e["lang"], re.compile(p, re.IGNORECASE))
                          for e in doc["phrase"] for p in e["patterns"]])


def detector_predictions(detector, lines: list[Line]) -> list[Prediction]:
    out = []
    for line in lines:
        found = detector.detect(line.text)
        out.append(Prediction(frozenset(found.items), found.imminent))
    return out


def build(feats: Featurised, ruled: list[tuple], rows: list[int], heads: list[str], items: list[str],
          scales: tuple[float, ...] = (), keep=None):
    """The whole training of the lines at `rows`: their split, out-of-fold scores of the development folds,
    thresholds chosen on them, each fold judged with thresholds chosen on the other folds (CV), and the final fit
    on all of development. Returns (dev rows, test rows, thresholds, CV figures, fitted model, {scale: thresholds}),
    the last holding the thresholds each of `scales` would give (risk_loso.py --scales measures the trade-off), and
    each of them times SHORT_SCALE, for short messages (short_thresholds()).
    `keep`, if given, is called with the development rows and their out-of-fold scores (risk_loso.py --keep)."""
    sides = split([feats.lines[r] for r in rows])
    dev = [r for r, side in zip(rows, sides) if side != TEST]
    test = [r for r, side in zip(rows, sides) if side == TEST]
    fold_of = [side for side in sides if side != TEST]
    oof = np.zeros((len(dev), len(heads)))
    for f in range(FOLDS):
        train_at = [i for i, g in enumerate(fold_of) if g != f]
        score_at = [i for i, g in enumerate(fold_of) if g == f]
        fitted = fit(feats, feats.augmented([dev[i] for i in train_at]), heads)
        oof[score_at] = probabilities(feats, [dev[i] for i in score_at], fitted)
    if keep is not None:
        keep(dev, oof)
    by_scale = {scale: choose(heads, dev, oof, feats, scale)
                for scale in sorted({*scales, SCALE, *(s * SHORT_SCALE for s in (*scales, SCALE))})}
    thresholds = by_scale[SCALE]
    cv: list[Figures] = []
    for f in range(FOLDS):
        mine = [i for i, g in enumerate(fold_of) if g == f]
        t_f = cv_thresholds(heads, dev, fold_of, f, oof, feats)
        t_short = cv_thresholds(heads, dev, fold_of, f, oof, feats, SCALE * SHORT_SCALE)
        preds = [predict(heads, oof[i], t_short if is_short(feats.lines[dev[i]].text) else t_f, ruled[dev[i]])
                 for i in mine]
        cv.append(evaluate([labels_of(feats.lines[dev[i]]) for i in mine], preds, items))
    return dev, test, thresholds, cv, fit(feats, feats.augmented(dev), heads), by_scale


def cv_thresholds(heads: list[str], dev: list[int], fold_of: list[int], f: int, oof: np.ndarray,
                  feats: Featurised, scale: float = SCALE) -> dict[str, float]:
    """The thresholds fold `f` is judged with in cross-validation (`fold_of[i]` is the fold of `dev[i]`): chosen
    as the shipped ones are, on the other folds' out-of-fold scores only."""
    others = [i for i, g in enumerate(fold_of) if g != f]
    return choose(heads, [dev[i] for i in others], oof[others], feats, scale)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the shipped model instead of writing it")
    args = parser.parse_args(argv)
    book = load_redflags(DATA / "redflags.toml", load_directory(DATA / "directory.toml"))
    items = [item.id for item in book.items]
    heads = items + [IMMINENT, ANY]
    rules = load_rules(DATA / "phrases.toml", set(items))
    lines, heldout = load_corpus(write=not args.check)
    slang = reading_slang(lines)
    rule_only = RiskDetector(rules, slang, None, tuple(items))
    feats = Featurised(lines, rule_only)
    ruled = [rule_only.ruled(line.text) for line in lines]
    dev, test, thresholds, cv, fitted, by_scale = build(feats, ruled, list(range(len(lines))), heads, items)
    meta = {"corpus_sha256": corpus_hash(lines), "lines": str(len(lines)), "dev": str(len(dev)), "test": str(len(test)),
            "seed": str(SEED), "C": str(C), "min_groups": str(MIN_GROUPS), "scikit_learn": sklearn.__version__}
    if AUGMENT:
        meta["augment"] = f"{AUGMENT} at {TYPO_RATE}"
    text = model_text(heads, fitted, thresholds, meta, short_thresholds(by_scale))
    model = parse_model(text.splitlines(), set(items))
    detector = RiskDetector(rules, slang, model, tuple(items))
    test_lines = [lines[r] for r in test]
    results = {
        "test": evaluate([labels_of(line) for line in test_lines], detector_predictions(detector, test_lines), items),
        "5-fold CV": cv,
    }
    if heldout:
        results["old matcher, held-out"] = evaluate(
            [labels_of(line) for line in heldout],
            [Prediction(frozenset(baseline_matcher().items(line.text)), False) for line in heldout], items)
    print(f"corpus: {len(lines)} lines ({sum(1 for line in lines if labels_of(line))} risk), "
          f"{len(dev)} development / {len(test)} test; {len(fitted[0])} features; thresholds {thresholds}; "
          f"for messages of at most {SHORT_WORDS} words {short_thresholds(by_scale)}")
    print(table(results, items))
    for name, figs in results.items():
        if not isinstance(figs, list):
            print(summary(name, figs))
    path = DATA / MODEL_FILE
    if args.check:
        if not path.exists():
            print("no shipped model to compare with")
            return 1
        drift = differences(parse_model(path.read_text(encoding="utf-8").splitlines(), set(items)), model)
        words_path = DATA / WORDS_FILE
        if not words_path.exists() or words_path.read_text(encoding="utf-8") != words_text(slang.words):
            drift = (drift + "; " if drift else "") + f"{WORDS_FILE} is not the corpus's words"
        print("the shipped model matches what the corpus gives" if not drift else f"the shipped model DIFFERS: {drift}")
        return 0 if not drift else 1
    path.write_text(text, encoding="utf-8")
    (DATA / WORDS_FILE).write_text(words_text(slang.words), encoding="utf-8")
    print(f"wrote {path.relative_to(ROOT)} ({len(text.splitlines())} lines)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
