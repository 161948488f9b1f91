"""Expand the hand-written risk corpus templates (corpus/templates/*.txt) into labelled lines.

Template files, one template per line:

    # a comment
    = name: one | another | a third        a slot (the global ones live in _slots.txt)
    @ suicide imminent ; preparation       labels (item ids, "imminent", or "none") and a kind for what follows
    @ none ; idiom_mati ; n=6               ... optionally how many lines to draw per template (default 10)
    {aku} (udah|sudah) beli [obat] ...      a template: {slot}, (a|b|c) a choice, [x] optional

Each template draws up to n distinct lines with its own seeded generator (its file, line and the corpus seed),
so adding a template changes no other template's lines. A line is then made to look typed in a chat with a
few seeded accidents: lowercase or not, an elongated word, a typo, a dropped or doubled end mark, a filler.
Every line keeps its template as its group: the training script splits by group, so no template has lines
on both sides of a split.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

SEED = 20240612
DEFAULT_N = 10
FILLERS = ("kak", "kak,", "hmm", "jujur", "jujur aja", "halo kak", "min", "eh", "jadi gini", "sebenernya", "so",
           "ya", "ehm", "btw", "duh")
ENDINGS = ("", "", "", ".", "..", "...", "?", "!!", " :(", " 😭", " 🙏")
CONTEXT = 0.3  # share of lines given a clause of context
LAUGHS = 0.06  # share of lines, risk and benign alike, given a laugh at the end
STICKY = frozenset({"aku", "kamu", "kak", "tidak", "sudah", "ingin"})  # a writer keeps one spelling in a line


@dataclass(frozen=True)
class Line:
    labels: tuple[str, ...]
    kind: str
    group: str
    text: str
    source: str = field(default="", compare=False)  # a template line's file and template text (not in the TSV)
    asked: str = field(default="", compare=False)  # in an exchanges file, the counselor's message `text` replies to

    def tsv(self) -> str:
        return f"{','.join(self.labels)}\t{self.kind}\t{self.group}\t{self.text}"


def _split_top(body: str, sep: str = "|") -> list[str]:
    """Split on `sep` where it is not inside (), [] or {}."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in body:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch == sep and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def _close(text: str, i: int, open_ch: str, close_ch: str) -> int:
    depth = 0
    for j in range(i, len(text)):
        if text[j] == open_ch:
            depth += 1
        elif text[j] == close_ch:
            depth -= 1
            if depth == 0:
                return j
    raise ValueError(f"unbalanced {open_ch!r} in {text!r}")


def realise(template: str, slots: dict[str, list[str]], rng: random.Random, depth: int = 0,
            memo: dict[str, str] | None = None) -> str:
    """One random realisation of a template (a sticky slot says the same thing each time in one line)."""
    memo = {} if memo is None else memo
    if depth > 12:
        raise ValueError(f"slots nest too deep in {template!r}")
    out: list[str] = []
    i = 0
    while i < len(template):
        ch = template[i]
        if ch == "(":
            j = _close(template, i, "(", ")")
            out.append(realise(rng.choice(_split_top(template[i + 1:j])), slots, rng, depth + 1, memo))
            i = j + 1
        elif ch == "[":
            j = _close(template, i, "[", "]")
            if rng.random() < 0.5:
                out.append(realise(template[i + 1:j], slots, rng, depth + 1, memo))
            i = j + 1
        elif ch == "{":
            j = template.index("}", i)
            name = template[i + 1:j]
            if name not in slots:
                raise ValueError(f"unknown slot {{{name}}} in {template!r}")
            if name in STICKY and name in memo:
                out.append(memo[name])
            else:
                said = realise(rng.choice(slots[name]), slots, rng, depth + 1, memo)
                if name in STICKY:
                    memo[name] = said
                out.append(said)
            i = j + 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def tidy(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r" ([,.?!])", r"\1", text)


def chatty(text: str, rng: random.Random, slots: dict[str, list[str]] | None = None) -> str:
    """The line as someone might type it: accidents drawn from the template's own generator, and now and
    then a clause of context before or after it (the same for risk and benign lines)."""
    if slots and "ctx_pre" in slots and rng.random() < CONTEXT:
        if rng.random() < 0.5:
            text = rng.choice(slots["ctx_pre"]) + rng.choice((", ", ". ", " ")) + text
        else:
            text = text.rstrip(".") + rng.choice((", ", ". ", " ")) + rng.choice(slots["ctx_post"])
    words = text.split(" ")
    long_words = [k for k, w in enumerate(words) if len(w) >= 4 and w.isalpha()]
    if long_words and rng.random() < 0.22:  # an elongated word: "bangettt", "matiii"
        k = rng.choice(long_words)
        words[k] = words[k] + words[k][-1] * rng.randint(2, 4)
    if long_words and rng.random() < 0.12:  # a typo: two letters swapped or one dropped
        k = rng.choice(long_words)
        w = words[k]
        p = rng.randint(1, len(w) - 2)
        words[k] = (w[:p] + w[p + 1] + w[p] + w[p + 2:]) if rng.random() < 0.5 else (w[:p] + w[p + 1:])
    text = " ".join(words)
    if rng.random() < 0.15:
        text = rng.choice(FILLERS) + " " + text
    if rng.random() < LAUGHS:  # people laugh around heavy words too: a laugh must not mean "harmless"
        text = text + " " + rng.choice(("wkwk", "wkwkwk", "haha", "hehe", "lol"))
    text = text.rstrip(".!?") + rng.choice(ENDINGS) if rng.random() < 0.6 else text
    roll = rng.random()
    if roll < 0.8:
        text = text.lower()
    elif roll < 0.9 and text:
        text = text[0].upper() + text[1:]
    return text


NEIGHBOURS = dict(zip("qwertyuiopasdfghjklzxcvbnm", (
    "wa", "qes", "wrd", "etf", "ryg", "tuh", "yij", "uok", "ipl", "ol", "qsz", "awdx", "sefc", "drgv", "fthb", "gyjn",
    "hukm", "jil", "kop", "asx", "zsdc", "xdfv", "cfgb", "vghn", "bhjm", "njk")))  # a phone's QWERTY keyboard


def typos(text: str, rng: random.Random, rate: float = 0.25) -> str:
    """The line as a hurried thumb types it: each word of three letters or more is, with probability `rate`, hit by
    one slip (a letter dropped, two swapped, a neighbouring key, a letter doubled or a neighbour's added, or the
    space after it lost). Seeded by `rng`; used to measure and to train robustness to typos, never on a test or
    held-out line."""
    words = text.split(" ")
    for k, w in enumerate(words):
        letters = [i for i, ch in enumerate(w) if ch.isalpha()]
        if len(letters) < 3 or rng.random() >= rate:
            continue
        i = rng.choice(letters[1:])  # the first letter is the one people get right
        ch, roll = w[i], rng.random()
        near = NEIGHBOURS.get(ch.lower(), ch)
        if roll < 0.3:
            w = w[:i] + w[i + 1:]
        elif roll < 0.5 and i + 1 < len(w):
            w = w[:i] + w[i + 1] + w[i] + w[i + 2:]
        elif roll < 0.75:
            w = w[:i] + rng.choice(near) + w[i + 1:]
        elif roll < 0.85:
            w = w[:i] + ch + w[i:]
        elif roll < 0.92:
            w = w[:i] + rng.choice(near) + w[i:]
        elif k + 1 < len(words):
            words[k + 1] = w + words[k + 1]
            w = ""
        words[k] = w
    return " ".join(w for w in words if w)


def parse_slots(path: Path, into: dict[str, list[str]]) -> None:
    for raw in path.read_text(encoding="utf-8").splitlines():
        if raw.startswith("="):
            name, _, body = raw[1:].partition(":")
            into[name.strip()] = [alt.strip() for alt in _split_top(body.strip())]


def expand_file(path: Path, shared: dict[str, list[str]], seed: int = SEED) -> Iterator[Line]:
    slots = dict(shared)
    parse_slots(path, slots)
    labels: tuple[str, ...] = ()
    kind, n = "", DEFAULT_N
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith(("#", "=")):
            continue
        if line.startswith("@"):
            fields = [f.strip() for f in line[1:].split(";")]
            labels = tuple(sorted(fields[0].split()))
            kind = fields[1] if len(fields) > 1 else ""
            n = int(fields[2].removeprefix("n=")) if len(fields) > 2 else DEFAULT_N
            continue
        if not labels:
            raise ValueError(f"{path}:{lineno}: a template before any '@ labels' line")
        group = f"{path.stem}:{lineno}"
        rng = random.Random(f"{seed}:{group}")
        seen: set[str] = set()
        for _ in range(n * 6):
            if len(seen) >= n:
                break
            text = tidy(realise(line, slots, rng))
            if text.lower() in seen:
                continue
            seen.add(text.lower())
            yield Line(labels, kind, group, chatty(text, rng, slots), f"{path.stem}:{line}")


def expand(folder: Path, seed: int = SEED) -> list[Line]:
    shared: dict[str, list[str]] = {}
    parse_slots(folder / "_slots.txt", shared)
    lines: list[Line] = []
    for path in sorted(folder.glob("*.txt")):
        if path.name != "_slots.txt":
            lines.extend(expand_file(path, shared, seed))
    return lines


def generated_text(lines: list[Line]) -> str:
    """corpus/generated.tsv: the expanded templates, kept in the repository so the corpus can be read."""
    return ("# labels\tkind\tgroup\ttext  (expanded from corpus/templates by scripts/train_risk.py; do not edit)\n"
            + "\n".join(line.tsv() for line in lines) + "\n")


def corpus_hash(lines: list[Line]) -> str:
    """The fingerprint of the training lines the model file records (checked by the tests)."""
    import hashlib

    return hashlib.sha256("\n".join(line.tsv() for line in lines).encode()).hexdigest()[:16]


# The hand-written held-out sets the model learns from since the ninth round (held-out 8 since the tenth, after it
# was judged once): their leave-one-set-out figures (scripts/risk_loso.py) beat the model that never saw them. A
# set not named here is never trained on.
TRAINED_SETS: tuple[str, ...] = ("heldout.tsv", "heldout2.tsv", "heldout3.tsv", "heldout4.tsv", "heldout5.tsv",
                                 "heldout6.tsv", "heldout7.tsv", "heldout8.tsv", "heldout9.tsv", "heldout10.tsv",
                                 "heldout11.tsv", "heldout12.tsv", "heldout13.tsv", "heldout14.tsv", "heldout15.tsv",
                                 "heldout16.tsv", "heldout17.tsv", "heldout18.tsv",
                                 "heldout19.tsv", "heldout20.tsv", "heldout21.tsv", "heldout22.tsv",
                                 "heldout23.tsv", "heldout24.tsv", "heldout25.tsv")


def training_lines(corpus: Path, seed: int = SEED, sets: tuple[str, ...] | None = None) -> list[Line]:
    """Everything the model may learn from: the expanded templates, the hand-written lines, and the held-out sets
    named in `sets` (TRAINED_SETS when None), never any other held-out set."""
    lines = expand(corpus / "templates", seed)
    if (corpus / "written.tsv").exists():
        lines += read_tsv(corpus / "written.tsv")
    for name in TRAINED_SETS if sets is None else sets:
        lines += read_tsv(corpus / name)
    return lines


def labels_of(line: Line) -> frozenset[str]:
    """A line's red-flag labels (and imminence); empty for a benign look-alike ("none")."""
    return frozenset(label for label in line.labels if label != "none")


EXCHANGES = "exchanges"  # corpus/exchanges*.tsv: a counselor's message and the client's reply, judged, never trained
ANSWERS = "answers"  # corpus/answers*.tsv: the same lines, the answer reading's development set (never trained)


def read_tsv(path: Path) -> list[Line]:
    """Hand-written lines (written.tsv, heldout.tsv): labels, kind, text; each line is its own group. An exchanges
    file (exchanges1.tsv, ...; answers1.tsv, ...) has a counselor's message before the client's reply: labels, kind,
    asked, text, the labels saying what the reply says when read with the message (the line's `asked`)."""
    exchanges = path.name.startswith((EXCHANGES, ANSWERS))
    fields = ("labels", "kind", "counselor message", "client reply") if exchanges else ("labels", "kind", "text")
    lines = []
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip() or raw.startswith("#"):
            continue
        parts = raw.split("\t")
        if len(parts) != len(fields) or not all(part.strip() for part in parts):
            raise ValueError(f"{path}:{lineno}: expected {len(fields)} non-empty TAB-separated fields "
                             f"({', '.join(fields)}), found {len(parts)}")
        labels, kind, *asked, text = parts
        lines.append(Line(tuple(sorted(labels.split(","))), kind, f"{path.stem}:{lineno}", text,
                          asked=asked[0] if asked else ""))
    return lines


def judged_files(corpus: Path) -> list[Path]:
    """The hand-written sets that judge the detector (heldout*.tsv, then exchanges*.tsv), each in the order written."""
    def number(path: Path, prefix: str) -> int:
        return int(path.stem.removeprefix(prefix) or 1)
    return (sorted(corpus.glob("heldout*.tsv"), key=lambda p: number(p, "heldout"))
            + sorted(corpus.glob(EXCHANGES + "*.tsv"), key=lambda p: number(p, EXCHANGES)))
