"""A better line for one weak line of the trainee's, built from that line and what the client had just said.

A closed question gets an open question about the same thing; unasked advice gets a reflection of the client's
last words; a judgement gets validation of them; a leading or shaming question about suicide gets the direct,
non-judgemental question (asking directly is best practice and never counted as weak). The words are in the
catalogue (report.alt.*); this module picks the kind, the topic and the client's words to put in it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from curhat_tui.domain.coding import Code
from curhat_tui.domain.patterns import LazyPattern, lazy
from curhat_tui.domain.safety_lines import second_person


@dataclass(frozen=True)
class Alternative:
    kind: str  # open | reflect | validate | direct | safety_first
    topic: str = ""  # for `open`: what the question was about (report.open.<topic>), "" for the generic form
    said: str = ""  # the client's last words turned toward them, for reflect / validate / safety_first
    body: str = ""  # for `open` without a topic: the question without its yes/no opening


_TOPICS: tuple[tuple[str, LazyPattern], ...] = tuple((topic, lazy(words, re.IGNORECASE)) for topic, words in (
    ("help", r"\b(cerita|bilang|ngomong|minta tolong|terbuka)\b[^?]*\b(ke|sama|kepada|dengan)\b|\b(told|tell|talked to)\b"),
    ("sleep", r"\b(tidur|begadang|insomnia|ngantuk|sleep)"),
    ("eating", r"\b(makan|nafsu makan|eat)"),
    ("partner", r"\b(suami|istri|pacar|pasangan|husband|wife|partner|boyfriend|girlfriend)"),
    ("family", r"\b(keluarga|orang ?tua|ortu|ibu|ayah|bapak|mama|papa|anak|family|parent|mother|father)"),
    ("work", r"\b(kerja|kantor|bos|atasan|kerjaan|gaji|work|job|boss)"),
    ("study", r"\b(kuliah|sekolah|skripsi|ujian|tugas|dosen|guru|kampus|school|study|exam)"),
    ("money", r"\b(uang|utang|hutang|pinjol|cicilan|bayar|judi|slot|money|debt|loan)"),
    ("friends", r"\b(teman|temen|sahabat|friend)"),
    ("health", r"\b(sakit|dokter|obat|badan|health|doctor)"),
    ("faith", r"\b(doa|sholat|salat|ibadah|tuhan|allah|gereja|pray|god|church)"),
    ("feelings", r"\b(merasa|ngerasa|rasa|sedih|marah|takut|cemas|capek|lelah|kecewa|feel|sad|angry|afraid)"),
))
_CLOSED_OPENING = lazy(
    r"^(apakah|apa|emang|memang|bener|benar)?\s*(kamu|km|kak|anda|you|do you|are you|have you|did you|can you)?\s*",
    re.IGNORECASE)


def topic_of(text: str) -> str:
    """What a question is about, for an open question on the same thing ('' when none is recognised)."""
    for topic, pattern in _TOPICS:
        if pattern.search(text):
            return topic
    return ""


def question_body(text: str) -> str:
    """A closed question without its yes/no opening and question mark: "Apakah kamu sering begadang?" ->
    "sering begadang"."""
    last = re.split(r"(?<=[.!])\s+", text.strip())[-1]
    return _CLOSED_OPENING.sub("", last).rstrip(" ?").strip()


def suggest(text: str, code: Code, risk_kind: str | None, client_before: str, *, after_disclosure: bool = False,
            judging: bool = False) -> Alternative | None:
    """The better line for a weak one: `client_before` is the client's last message before it ('' if none)."""
    said = second_person(client_before) if client_before else ""
    if risk_kind in ("leading", "shaming"):
        return Alternative("direct", said=said)
    if after_disclosure and (judging or code in (Code.CONFRONT, Code.ADVICE)):
        return Alternative("safety_first", said=said)
    if judging or code is Code.CONFRONT:
        return Alternative("validate", said=said)
    if code is Code.ADVICE:
        return Alternative("reflect", said=said)
    if code is Code.CLOSED_QUESTION:
        topic = topic_of(text)
        body = "" if topic else question_body(text)
        return Alternative("open", topic=topic or ("start" if len(body.split()) < 3 else ""), body=body)
    return None
