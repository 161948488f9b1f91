"""Find and mask personal identifiers in free text: phone numbers, NIK, e-mail and street addresses.

Used while a note is written (the form highlights what it finds) and when sessions are
exported (masked unless the exporter confirms otherwise). Pure functions, no I/O.

What is found (`find`), as `Span(start, end, kind)`:

- ``phone``: Indonesian mobiles written ``0812…``, ``+62 812…``, ``62 812…`` or ``+62 0812…``
  (9 to 12 digits after the 0 or 62; spaces, dots or dashes between groups), and landlines with
  an area code: ``(021) 555 1234``, ``021-5551234``, ``+62 21 5551234``. Service numbers such as
  119, 112 or ``0800-1500-119`` are not personal and are left alone.
- ``nik``: a 16-digit number (the KTP's Nomor Induk Kependudukan), also in groups.
- ``email``: ``name@host.tld``.
- ``address``: ``Jl.``/``Jln.``/``Jalan``/``Gg.``/``Gang`` with the street's name and what follows
  it (``No. 12``, ``RT 03/RW 05``, ``Blok C3``, ``Kav. 52-53``); a bare ``RT 03/RW 05``; and English
  ``12 Baker Street`` / ``St.`` / ``Road`` / ``Avenue``. The full words Jalan and Gang count only before
  a capitalised name, so "jalan kaki" or "jalan-jalan" are not addresses; a lowercase "gg" (also
  slang) counts only with its dot.

Where two candidates overlap (a NIK run into a house number, say) they become one span.

Deliberately not found: times (``14.30``, ``08.00-17.00``), amounts (``Rp150.000``,
``62.850.000``), dates (``08-12-2024``, ``12.08.2024``) and session ids (hex, with letters).
A span never crosses a line break, so a text can be searched line by line with the same result.

Masking replaces each span with a whole label such as ``[telepon disamarkan]``: no digits are
kept as a hint, since even a partial number narrows down a person (UU PDP: data minimisation).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from curhat_tui.domain.patterns import lazy

KINDS = ("nik", "email", "phone", "address")  # also which name an overlap of two kinds gets

_SEP = r"[ .\-]"
_MOBILE = lazy(
    r"(?<![\w+])(?<!Rp)(?<!Rp )(?<!Rp\.)"
    rf"(?:\+62{_SEP}?0?|62{_SEP}?0?|0)8[1-35-9]\d(?:{_SEP}?\d){{6,9}}(?!\w)"
)
_LANDLINE = lazy(
    r"(?<![\w+])(?:"
    r"\(0[2-7]\d{1,2}\)[ ]?\d{3,4}[ .\-]?\d{3,4}"  # (021) 555 1234
    r"|\+62[ .\-]?\(?[2-7]\d{1,2}\)?[ .\-]?\d{3,4}[ .\-]?\d{3,4}"  # +62 21 5551234
    r"|0[2-7]\d{1,2}-\d{6,8}"  # 021-5551234, 0274-512345
    r")(?!\w)"
)
_NIK = lazy(rf"(?<![\w+])[1-9](?:{_SEP}?\d){{15}}(?!\w)")
_EMAIL = lazy(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?![\w-])")

_KEYWORD = r"(?:(?i:no|rt|rw|blok|blk|kav)(?![^\W\d_]))"  # what follows a street's name, never part of it
_NAME_WORD = rf"(?!{_KEYWORD})(?:[A-Z][\w'’.\-]*|\d{{1,4}}[A-Za-z]?)"  # Merdeka, H.R., KH., 45, 12A
_ANY_WORD = r"[^\W\d_][\w'’.\-]*"  # a lowercase first word after an abbreviation: "jl. melati"
_PART = (r"(?:(?i:no)\.?[ ]?\d{1,4}[A-Za-z]?(?:[ ]?[-/][ ]?\d{1,4})?"
         r"|(?i:rt)\.?[ ]?\d{1,3}(?:[ ]?/[ ]?(?:(?i:rw)\.?[ ]?)?\d{1,3})?"
         r"|(?i:rw)\.?[ ]?\d{1,3}"
         r"|(?i:blok|blk)\.?[ ]?[A-Za-z]{0,2}\d{0,3}[A-Za-z]?(?<![ .])"
         r"|(?i:kav)\.?[ ]?\d{1,4}[A-Za-z]?(?:-\d{1,4})?)")
_PARTS = rf"(?:[ \t]*,?[ \t]*{_PART})*"
_ADDRESS = lazy(
    r"(?<![\w])(?:"
    rf"(?i:jln?|gg)\.[ \t]*(?:{_ANY_WORD}|{_NAME_WORD})(?:[ \t]+{_NAME_WORD}){{0,3}}{_PARTS}"
    rf"|(?:(?i:jln?)|Gg|GG)[ \t]+(?:{_ANY_WORD}|{_NAME_WORD})(?:[ \t]+{_NAME_WORD}){{0,3}}{_PARTS}"
    rf"|(?:Jalan|JALAN|jalan|Gang|GANG|gang)[ \t]+[A-Z][\w'’.\-]*(?:[ \t]+{_NAME_WORD}){{0,3}}{_PARTS}"
    rf"|(?i:rt)\.?[ ]?\d{{1,3}}[ ]?(?:/[ ]?(?:(?i:rw)\.?[ ]?)?|,?[ ]?(?i:rw)\.?[ ]?)\d{{1,3}}"
    r"|\d{1,5}[ \t]+(?:[A-Z][a-z']+[ \t]+){1,3}(?:Street|St\.|Road|Rd\.|Avenue|Ave\.|Lane)"
    r")(?!\w|[\-/]\d)"
)
_AMOUNT = lazy(r"\d{1,3}(?:\.\d{3})+")


@dataclass(frozen=True, order=True)
class Span:
    start: int
    end: int
    kind: str


def _candidates(text: str) -> dict[str, list[tuple[int, int]]]:
    found: dict[str, list[tuple[int, int]]] = {kind: [] for kind in KINDS}
    found["nik"] = [m.span() for m in _NIK.finditer(text)]
    found["email"] = [m.span() for m in _EMAIL.finditer(text)]
    for m in _MOBILE.finditer(text):
        digits = m.group(0)
        if not digits.startswith(("0", "+")) and _AMOUNT.fullmatch(digits):
            continue  # 62.850.000: an amount with thousands dots, not a number starting with 62
        found["phone"].append(m.span())
    found["phone"] += [m.span() for m in _LANDLINE.finditer(text)]
    for m in _ADDRESS.finditer(text):
        start, end = m.span()
        while end > start and text[end - 1] in " \t,":
            end -= 1
        if text[end - 1] == "." and not text[start:end].endswith(("St.", "Rd.", "Ave.")):
            end -= 1  # "di Jl. Merdeka." ends a sentence: the full stop is not part of the address
        found["address"].append((start, end))
    return found


def find(text: str) -> list[Span]:
    """Every personal identifier in `text`, sorted and never overlapping.

    Candidates that overlap (a NIK run into a house number, say) are masked together as one
    span, named after the kind that comes first in `KINDS`: nothing of either is left showing.
    """
    if not text:
        return []
    found = _candidates(text)
    ranked = sorted((start, end, KINDS.index(kind)) for kind in KINDS for start, end in found[kind] if end > start)
    merged: list[list[int]] = []
    for start, end, rank in ranked:
        if merged and start < merged[-1][1]:
            last = merged[-1]
            last[1], last[2] = max(last[1], end), min(last[2], rank)
        else:
            merged.append([start, end, rank])
    return [Span(start, end, KINDS[rank]) for start, end, rank in merged]


def kinds(text: str) -> list[str]:
    """The kinds found in `text`, each once, in the order of `KINDS`."""
    present = {span.kind for span in find(text)}
    return [kind for kind in KINDS if kind in present]


def mask(text: str, labels: Mapping[str, str] | None = None, spans: list[Span] | None = None) -> str:
    """`text` with each identifier replaced by its kind's label (default ``[phone]``, ``[nik]``…)."""
    spans = find(text) if spans is None else spans
    if not spans:
        return text
    labels = labels or {}
    parts: list[str] = []
    position = 0
    for span in spans:
        parts.append(text[position:span.start])
        parts.append(labels.get(span.kind, f"[{span.kind}]"))
        position = span.end
    parts.append(text[position:])
    return "".join(parts)
