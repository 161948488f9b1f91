"""The intake conversation a new client has before joining the queue: consent and the
limits of confidentiality, then package, topic and one risk question; once queued, one optional
question, their province or city (so a referral script lists the services near them first; the
queue never waits for it). Pure logic; the intake service sends the replies (catalogue keys, or a
key with its values) and stores the state in the room."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from curhat_tui.domain.models import Risk, fill
from curhat_tui.domain.provinces import SKIP, province_of
from curhat_tui.domain.risk_text import visible
from curhat_tui.domain.yes_no import NEGATIONS as _NEGATIONS
from curhat_tui.domain.yes_no import SOME_WORDS as _SOME_WORDS  # some of the time: moderate
from curhat_tui.domain.yes_no import YES_WORDS as _YES_WORDS  # a plain yes or "often": high

PACKAGES = {"1": ("peer", 30), "2": ("peer", 60), "3": ("professional", 30), "4": ("professional", 60)}
_YES = re.compile(r"^\s*(ya|iya|iyaa+|y|yes|setuju|ok|oke|boleh|agree)\b", re.IGNORECASE)
_NO = re.compile(r"^\s*(tidak|ga|gak|nggak|enggak|no|n|tolak|decline)\b", re.IGNORECASE)
# consent is a plain yes: a "but", a negation or a question anywhere in the answer makes it no consent (asked again)
_NOT_PLAIN = re.compile(r"\b(tidak|tdk|ga|gak|gk|nggak|ngga|enggak|engga|no|not|don'?t|tapi|but|belum|jangan|"
                        r"kecuali|asal|asalkan|unless)\b|\?", re.IGNORECASE)
# The answer to the screening question (thoughts of self-harm or of ending one's life in two weeks), read word by
# word (yes_no.py's words): a negation counts only for the word right after it, so "kadang kepikiran, tapi ga ada
# rencana" is a yes.
_UNSURE_WORDS = frozenset("entah entahlah mungkin maybe dunno unsure".split())  # unsure is not a no
_KNOW_WORDS = frozenset("tau tahu know sure yakin".split())  # "ga tau", "don't know", "not sure"
# "iya, nggak kuat lagi": a yes, then what the client cannot bear; "ya nggak lah", "ya gak ada": a no
_DESPAIR = frozenset("kuat tahan sanggup mampu berhenti bertahan betah".split())
_CANNOT = frozenset("berhenti lagi tahan nahan kuat".split())  # "nggak bisa berhenti", not "ga bisa dibilang"
_HOPE = frozenset("harapan gunanya guna artinya arti alasan jalan".split())
# how often: "kepikiran terus", "hampir tiap hari", "every day", "all the time": high
_THINKING = frozenset("kepikiran kepikir mikir mikirin kebayang pikiran".split())
_ALWAYS = frozenset("terus terus2 terusan mulu melulu".split())
_EVERY = {"tiap": {"hari", "malam", "malem", "saat", "waktu", "minggu"}, "setiap": {"hari", "malam", "saat", "waktu"},
          "every": {"day", "night", "time"}}
# a past attempt ("udah nyoba", "pernah, bahkan udah nyoba", "I tried"): the highest risk there is
_TRIED = frozenset("nyoba mencoba nyobain coba ngelakuin ngelakuinnya melakukan melakukannya lakuin tried attempted "
                    "did".split())
_ALREADY = frozenset("udah udh sudah sdh dah pernah sempat sempet hampir nyaris i".split())  # "hampir nyoba": interrupted
# a no said without a negation ("aman kak", "gapapa", "baik2 aja", "I'm fine"); any other answer without a negation
# is at least some risk: an answer nobody can read as a no (a voice note's file name, "ada kak", "udah") is not one
_CLEAR_NO = frozenset("aman gapapa gpp gakpapa nggakpapa baik baik2 fine safe okay ok".split())
# what makes "ya, nggak ..." a no after all: nothing, or a particle ("ya nggak kok", "ya, gak pernah", "ya gak ada")
_NO_AFTER = frozenset("kok koq lah sih kak kk ka dong deh ah juga pernah kepikiran sama ada".split()) | {""}
# a plan or a decision told after a no ("no, I have a plan", "ga, udah siap", "tidak, sudah terlambat"): not a no
_DECIDED = frozenset("plan plans rencana siap ready pasti terlambat telat late langsung decided mutusin memutuskan "
                     "tekad".split())
_KNOWN = _DECIDED | _TRIED | _NEGATIONS | _YES_WORDS | _SOME_WORDS | _UNSURE_WORDS | _KNOW_WORDS | _THINKING | _ALWAYS


def _word(word: str) -> str:
    """A chat spelling of a known word: "iyaaa", "pernahh", "seriiing" (letters drawn out) are "iya", "pernah"..."""
    if word in _KNOWN:
        return word
    short = re.sub(r"(.)\1+", r"\1", word)
    return short if short in _KNOWN else word


@dataclass
class IntakeState:
    step: str = "new"  # new, consent, package, topic, risk, region (queued, asked where), queued, declined
    consent: bool | None = None
    consent_ts: int = 0
    tier: str = ""
    minutes: int = 0
    topic: str = ""
    risk_answer: str = ""
    risk: int = 0
    imminent: bool = False  # the risk detector called the risk answer imminent: the queue entry says so
    region: str = ""  # the province the client named (provinces.PROVINCES), "" when not told

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict | None) -> "IntakeState":
        """The state kept in the client's room: the client can write there, so each field is type-checked."""
        return fill(cls(), data, strict=True)


def consents(text: str) -> bool:
    """Whether an answer to the consent question is a plain yes ("ya", "iya setuju", "oke"), not "ya, tapi aku
    tidak setuju", a condition or a question."""
    return bool(_YES.search(text)) and not _NOT_PLAIN.search(text)


def screen_answer(text: str) -> Risk:
    """What an answer to the screening question says: HIGH for a plain yes, "often" or a past attempt ("iya", "iyaaa",
    "yoi", "sering", "kepikiran terus", "hampir tiap hari", "udah nyoba"), MODERATE for some of the time, a "not
    often" or an unsure answer ("kadang", "kdg", "ga sering", "ga tau"), NONE for a no ("tidak", "ga pernah", "ya
    nggak lah", "aman kak"); anything else (not a no), at least MODERATE. A negation counts for the word after it
    only: "kadang kepikiran, tapi ga ada rencana" says yes to the thoughts; a no to a plan does not take it back.
    "iya. ga kuat lagi", "iya, ga bisa tidur mikirin itu" are a yes and then something else the client says."""
    low = re.sub(r"\b(hu|ho|he)[ -]?(um|oh|eh)\b", r"\1\2", visible(text)[0].lower())  # "hu um", "ho oh"
    tokens = [_word(w) for w in re.findall(r"[a-z0-9']+|[.,!?;]+", low)]
    words = [w for w in tokens if w[0].isalnum() or w[0] == "'"]
    cut = set()  # indexes (in words) of a word that follows punctuation
    n = 0
    for token in tokens:
        if token[0].isalnum() or token[0] == "'":
            n += 1
        elif n:
            cut.add(n)
    found = Risk.NONE
    for i, word in enumerate(words):
        before = words[i - 1] if i else ""
        after, then, last = (words[i + k] if i + k < len(words) else "" for k in (1, 2, 3))
        if word in _YES_WORDS and after in _NEGATIONS:  # "ya nggak lah" is a no; "iya. ga kuat lagi" is a yes
            no = then in _NO_AFTER and (then != "ada" or last in _NO_AFTER)
            despair = then in _DESPAIR or (then == "bisa" and last in _CANNOT) or (then == "ada" and last in _HOPE)
            if no or not (despair or i + 1 in cut):
                continue
        if word in _YES_WORDS:
            found = max(found, Risk.MODERATE if before in _NEGATIONS else Risk.HIGH)  # "ga sering": sometimes
        elif word in _TRIED and set(words[max(0, i - 3):i]) & _ALREADY and not set(words[max(0, i - 3):i]) & _NEGATIONS:
            found = max(found, Risk.HIGH)  # "belum pernah nyoba", "never tried": not this
        elif word in _DECIDED and before not in _NEGATIONS and after not in _NEGATIONS and not (
                before in ("ada", "punya", "have", "any", "a") and i > 1 and words[i - 2] in _NEGATIONS):  # "ga ada rencana"
            found = max(found, Risk.MODERATE)
        elif (word in _ALWAYS and before in _THINKING) or after in _EVERY.get(word, ()):
            found = max(found, Risk.MODERATE if before in _NEGATIONS else Risk.HIGH)  # "ga tiap hari": sometimes
        elif word in _SOME_WORDS and before not in _NEGATIONS:  # "ga pernah", "belum pernah" are a no
            found = max(found, Risk.MODERATE)
        elif word in _UNSURE_WORDS or (word in _KNOW_WORDS and before in _NEGATIONS):
            found = max(found, Risk.MODERATE)
    if found is Risk.NONE and not set(words) & (_NEGATIONS | _CLEAR_NO):
        return Risk.MODERATE  # not a no: "ada kak", "beberapa kali", "udah", a picture's file name, an emoji
    return found


def start(state: IntakeState) -> list[str]:
    state.step = "consent"
    return ["intake.welcome", "intake.consent"]


QUEUED_STEPS = ("region", "queued")  # in the queue: every line is read for risk, and the entry is published


Reply = str | tuple[str, dict]  # a catalogue key, or a key with the values it is filled with


def advance(state: IntakeState, text: str, now_ms: int, risk_items: list[str], imminent: bool = False
            ) -> Sequence[Reply]:
    """Take the client's answer; return the catalogue keys of the replies to send. `risk_items` and
    `imminent` are what the risk detector suggests for the answer (an imminent one queues them as urgent)."""
    text = text.strip()
    if state.step == "consent":
        if consents(text):
            state.consent, state.consent_ts, state.step = True, now_ms, "package"
            return ["intake.consent_thanks", "intake.package"]
        if _NO.search(text):
            state.consent, state.consent_ts, state.step = False, now_ms, "declined"
            return ["intake.declined"]
        return ["intake.consent_again"]
    if state.step == "package":
        choice = text[:1]
        if choice in PACKAGES:
            state.tier, state.minutes = PACKAGES[choice]
            state.step = "topic"
            return ["intake.topic"]
        return ["intake.package_again"]
    if state.step == "topic":
        if not text:
            return ["intake.topic"]
        state.topic = text[:200]
        state.step = "risk"
        return ["intake.risk"]
    if state.step == "risk":
        state.risk_answer = text[:200]
        state.imminent = imminent
        if imminent:
            state.risk = int(Risk.HIGH)
        elif "suicide" in risk_items or "self_harm" in risk_items:
            state.risk = int(Risk.HIGH)
        else:
            state.risk = int(max(screen_answer(text), Risk.MODERATE if risk_items else Risk.NONE))
        state.step = "region"
        return ["intake.queued_urgent" if state.risk >= Risk.HIGH else "intake.queued", "intake.region"]
    if state.step == "region":  # asked once: a province is thanked, "skip" is respected, anything else is let be
        state.step = "queued"
        if risk_items or imminent:  # they are telling something else, and it is risk: no cheerful reply to it
            return []
        province = province_of(text)
        if province:
            state.region = province
            return [("intake.region_thanks", {"province": province})]
        return ["intake.region_skipped"] if SKIP.search(text) else []
    if state.step == "declined" and consents(text):
        return start(state)[1:]
    return []
