"""Heuristic coding of a counselor's utterance (after MITI 4.2.1), Indonesian and English.

This is a keyword heuristic, not certified MITI coding. It drives how simulated
clients open up or close down and, later, the trainee's feedback report.
"""

from __future__ import annotations

import re
from enum import StrEnum


class Code(StrEnum):
    OPEN_QUESTION = "open_question"
    CLOSED_QUESTION = "closed_question"
    SIMPLE_REFLECTION = "simple_reflection"
    COMPLEX_REFLECTION = "complex_reflection"
    AFFIRM = "affirm"
    ADVICE = "advice"
    CONFRONT = "confront"
    OTHER = "other"


def _rx(*words: str) -> re.Pattern[str]:
    return re.compile("|".join(words), re.IGNORECASE)


_CONFRONT = _rx(
    r"\blebay\b", r"\bbaper\b", r"kurang bersyukur", r"\bcengeng\b", r"salah ?mu\b", r"salah kamu",
    r"masa(k)? (gitu|begitu|cuma) (aja|saja)", r"jangan (lebay|cengeng|manja)", r"\bmanja\b",
    r"harusnya kamu( tuh)? (tahu|sadar|malu)", r"overreact", r"your own fault", r"stop (whining|complaining)",
    r"dramatis", r"kamu sendiri yang", r"\bgitu aja kok\b",
)
_ADVICE = _rx(
    r"\bkamu harus\b", r"\bharus(nya)? kamu\b", r"\bsebaiknya\b", r"\bmending(an)? kamu\b", r"\bcoba (deh|aja)\b",
    r"\bkenapa (nggak|gak|ga|tidak) (coba|kamu)\b", r"\bsaran(ku| saya)\b", r"\bjangan\b", r"\byou should\b",
    r"\byou need to\b", r"\bwhy don'?t you\b", r"\bjust\b", r"\btry to\b", r"\blebih baik kamu\b", r"\bperlu kamu\b",
)
_AFFIRM = _rx(
    r"terima ?kasih (sudah|udah|telah)", r"makasih (sudah|udah)", r"\bberani\b", r"\bhebat\b", r"\bkeren\b",
    r"\bkuat\b.*\b(kamu|banget)\b", r"\bkamu (sudah|udah) (berusaha|bertahan|berjuang)", r"\bsalut\b",
    r"thank(s| you) for (sharing|telling)", r"\bcourage\b", r"\bbrave\b", r"you'?ve (done|worked)",
    r"\bmenghargai\b", r"\bbangga\b",
)
_REFLECT_START = _rx(
    r"^(jadi|kedengarannya|kayaknya|sepertinya|kelihatannya|tampaknya|rasanya|sepertinya)\b",
    r"^(kamu|km|kak) (merasa|ngerasa|lagi merasa)", r"^(aku|saya) (dengar|menangkap|nangkep)",
    r"^(it )?sounds like", r"^(it )?seems (like )?", r"^you('re| are) feeling", r"^you feel", r"^so you",
    r"^(berarti|intinya|dengan kata lain)\b", r"^(bagi|buat) kamu\b",
)
_COMPLEX = _rx(
    r"\b(tapi|namun|padahal|sekaligus|di satu sisi|di sisi lain|sementara)\b", r"\bseolah\b", r"\bseakan\b",
    r"\bmungkin (sebenarnya|yang)\b", r"\bsebenarnya\b", r"\bartinya\b", r"\bbegitu penting\b", r"\bberarti banget\b",
    r"\b(but|yet|while|as if|part of you|on one hand|matters)\b", r"\b(karena|sebab)\b",
)
_FEELING = _rx(
    r"\b(sedih|kecewa|marah|takut|cemas|khawatir|capek|lelah|sendiri|kesepian|bingung|tertekan|malu|bersalah|"
    r"hancur|putus asa|kosong|terluka|sakit hati|berat|kewalahan|terjebak|sad|angry|afraid|scared|anxious|"
    r"tired|alone|lonely|hurt|overwhelmed|stuck|ashamed|guilty|hopeless)\b"
)
_OPEN_Q = _rx(
    r"^(apa|bagaimana|gimana|kenapa|mengapa|seperti apa|kayak apa|sejauh apa|dalam hal apa|hal apa)\b(?! (kamu|km) (sudah|udah|pernah|mau|ingin|bisa|masih)\b)",
    r"\b(ceritakan|ceritain|cerita(in)? (lebih|dong|lagi))\b", r"\bboleh (cerita|ceritain|jelasin|kasih tahu)\b",
    r"\bapa (yang|saja|aja)\b", r"\b(bagaimana|gimana) (rasanya|perasaan)\b",
    r"^(what|how|why|tell me|in what way|help me understand)\b",
)
_CLOSED_Q = _rx(
    r"^(apakah|apa kamu|apa km|kamu (sudah|udah|pernah|mau|masih|sering|punya|ada)|sudah|udah|pernah|ada|mau|bisa|benar|bener|"
    r"do you|are you|is it|did you|have you|can you|will you|was it|were you)\b",
)
_QUESTIONISH = _rx(r"\?\s*$")


def code_utterance(text: str) -> Code:
    """One code per utterance, by precedence: confront, advice, question, reflection, affirm."""
    t = " ".join(text.strip().split())
    if not t:
        return Code.OTHER
    low = t.lower()
    if _CONFRONT.search(low):
        return Code.CONFRONT
    question = bool(_QUESTIONISH.search(low))
    if _ADVICE.search(low) and not (question and _OPEN_Q.search(low)):
        return Code.ADVICE
    # a question is judged on its last sentence
    last = re.split(r"(?<=[.!])\s+", low)[-1]
    if question or _OPEN_Q.search(last) and len(last.split()) > 2:
        if _CLOSED_Q.search(last):
            return Code.CLOSED_QUESTION
        if _OPEN_Q.search(last):
            return Code.OPEN_QUESTION
        if question and not _REFLECT_START.search(low):
            return Code.CLOSED_QUESTION
    if _REFLECT_START.search(low) or (_FEELING.search(low) and re.search(r"\b(kamu|you|km)\b", low)):
        if _COMPLEX.search(low) or len(low.split()) >= 14:
            return Code.COMPLEX_REFLECTION
        return Code.SIMPLE_REFLECTION
    if _AFFIRM.search(low):
        return Code.AFFIRM
    return Code.OTHER


OPENNESS_DELTA = {
    Code.OPEN_QUESTION: 1,
    Code.SIMPLE_REFLECTION: 1,
    Code.COMPLEX_REFLECTION: 2,
    Code.AFFIRM: 1,
    Code.CLOSED_QUESTION: 0,
    Code.ADVICE: -1,
    Code.CONFRONT: -2,
    Code.OTHER: 0,
}
