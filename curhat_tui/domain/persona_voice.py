"""An optional language-model voice for practice clients: what a model may know and what it may not say.

The engine (domain/persona.py) alone decides what a client may say; a model only rephrases
that line. `voice_prompt` gives it the facts already disclosed and nothing else, and
`check_voiced` rejects a rephrasing that is too long, in the wrong language, or touches
something still locked.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from curhat_tui.domain.persona_model import Persona, PersonaState, Reply

# ---- an optional language-model voice: what it may know and what it may not say ----------

MAX_VOICED_CHARS = 320
LANGUAGE_NAMES = {"id": "informal Indonesian (chat style, like the examples)", "en": "casual English"}

_TOKEN = re.compile(r"[^\W_]+(?:'[a-z]+)?", re.UNICODE)
_THINK = re.compile(r"<think>.*?</think>", re.DOTALL | re.IGNORECASE)
_PREFIX = re.compile(r"^\s*(?:klien|client|assistant|asisten)\s*:\s*", re.IGNORECASE)
_ID_WORDS = frozenset(
    "aku gue gua gw kak kakak yang dan di ke dari ini itu ga gak nggak enggak engga tidak udah sudah banget aja "
    "saja sih ya kok lagi sama jadi tapi mau bisa karena soalnya kalau kalo buat untuk juga masih belum pernah "
    "ada apa gimana kenapa dia mereka kita kami kamu lo lu deh dong nih tuh jujur makasih terima kasih iya "
    "emang gitu gini kayak kaya pengen pingin cuma doang bikin udh gak tau tahu rasanya".split())
_EN_WORDS = frozenset(
    "the and i i'm you is are was were it it's to that this of my me but just so what have has don't can't "
    "not with for about really feel like know because been being they them he she we our your there would "
    "could should i've i'd didn't doesn't yeah thanks thank".split())
# chat words long enough to look like content but telling nothing about a person
_COMMON = frozenset(
    "banget sekarang kayaknya beneran gimana padahal soalnya makanya pokoknya sebenernya sebenarnya kadang "
    "langsung ketemu rasanya pengen pingin sendiri kenapa karena tentang sampai sampe terus mikir kepikiran "
    "gitu ngerasa merasa perasaan cerita ceritanya semua apalagi udahan lagian pernah belum makin jadinya "
    "capek stres bingung takut sedih susah berat lumayan malah emang memang tiap setiap waktu minggu bulan "
    "tahun hari malam pagi orang temen teman kerja kerjaan rumah".split())


def unlocked_lines(persona: Persona, state: PersonaState) -> list[str]:
    """What the client has already told: the only facts a language model may be shown."""
    told = [persona.facts[index].text for index in state.told if index < len(persona.facts)]
    if persona.risk and state.risk_revealed:
        told.append(persona.risk.reveal)
    told.extend(persona.answers[key] for key in state.asked if key in persona.answers)
    return told


def locked_lines(persona: Persona, state: PersonaState) -> list[str]:
    """What the client has not told yet: never shown to a model, and checked against what it writes."""
    locked = [fact.text for index, fact in enumerate(persona.facts) if index not in state.told]
    if persona.risk and not state.risk_revealed:
        locked.append(persona.risk.reveal)
    locked.extend(text for key, text in persona.answers.items() if key not in state.asked)
    return locked


def keep_verbatim(reply: Reply) -> bool:
    """Hint lines, the risk reveal and the answers to assessment questions (and denials) are authored
    clinical cues (the feedback report finds the hint by its exact text; an answer is the persona's ground
    truth): a model never rephrases them."""
    return bool(reply.hint or reply.revealed_flag or reply.answered)


def voice_prompt(persona: Persona, state: PersonaState, line: str, lang: str,
                 history: list[tuple[str, str]]) -> list[dict[str, str]]:
    """Chat messages asking a model to say `line` as this client; `history` is (sender, text), oldest first.

    Only the persona's profile, its already-disclosed facts, its style lines and the
    transcript go in: a fact still locked in `state` never reaches the model.
    """
    examples = [persona.opening, *persona.neutral[:3], *persona.closed[:2]]
    told = unlocked_lines(persona, state)
    parts = [
        'You play a client of an Indonesian online counseling ("curhat") chat service, so that a trainee '
        f'counselor can practise. Your chat name is "{persona.alias}". You came because: {persona.topic}',
        f"Write ONLY your next chat message, in {LANGUAGE_NAMES.get(lang, LANGUAGE_NAMES['id'])}.",
    ]
    if lang == "id":
        parts.append("How you write (examples): " + " | ".join(examples))
    parts.append(f'Your next message says this, in your own words, and nothing more: "{line}"')
    if told:
        parts.append("What you have told the counselor so far (you may refer to it):\n"
                     + "\n".join(f"- {text}" for text in told))
    parts.append(
        "Rules: add no new fact about your life, people, places, numbers, health or feelings beyond that "
        "message and what you have told so far. Give no advice. Never say you are an AI or role-playing. "
        f"At most {MAX_VOICED_CHARS} characters, one message, no quotation marks, no name before it.")
    messages = [{"role": "system", "content": "\n\n".join(parts)}]
    for sender, text in history:
        messages.append({"role": "assistant" if sender == "client" else "user", "content": text})
    if not history or history[-1][0] == "client":
        messages.append({"role": "user", "content": "(sesi dimulai)" if not history else "(…)"})
    return messages


def tidy_voiced(text: str) -> str:
    """A model's raw answer as a chat line: reasoning blocks, name prefixes and wrapping quotes removed."""
    text = _THINK.sub("", text)
    if "<think>" in text.lower():
        return ""  # reasoning that never finished: nothing to say
    text = _PREFIX.sub("", text.strip())
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'“”":
        text = text[1:-1]
    text = text.strip().strip("“”").strip()
    return re.sub(r"[ \t]+", " ", text)


def language_of(text: str) -> str:
    """'id', 'en', or '' when the text is too short to tell: counts each language's common words."""
    words = [w.lower() for w in _TOKEN.findall(text)]
    ids = sum(w in _ID_WORDS for w in words)
    ens = sum(w in _EN_WORDS for w in words)
    if ids + ens < 2:
        return ""
    return "en" if ens > ids else "id"


def _words(text: str) -> set[str]:
    return {w.lower() for w in _TOKEN.findall(text)}


def _markers(line: str, known: set[str]) -> tuple[set[str], set[str]]:
    """(content words, strong words) of a locked line that the client has not said and that are not small talk.

    Strong words are names and numbers: one of them in a reply is enough to count as a leak.
    """
    content, strong = set(), set()
    for index, raw in enumerate(_TOKEN.findall(line)):
        word = raw.lower()
        if word in known or word in _COMMON or word in _ID_WORDS or word in _EN_WORDS:
            continue
        if any(ch.isdigit() for ch in word) or (raw[0].isupper() and index > 0 and len(word) >= 2):
            strong.add(word)
            content.add(word)
        elif len(word) >= 4:
            content.add(word)
    return content, strong


def check_voiced(persona: Persona, state: PersonaState, voiced: str, line: str, lang: str,
                 history: Sequence[tuple[str, str]] = (), risk_items=None) -> str:
    """Why a model's rephrasing of `line` may not be sent ('' if it may).

    Reasons: 'empty', 'too_long', 'language' (not the session language), 'locked' (it
    touches a fact or the hidden risk the client has not disclosed), 'risk' (it adds a
    risk phrase that the scripted line does not have; `risk_items(text)` lists them).
    """
    if not voiced.strip():
        return "empty"
    if len(voiced) > MAX_VOICED_CHARS:
        return "too_long"
    if language_of(voiced) not in ("", lang):
        return "language"
    known_text = " ".join([persona.topic, persona.opening, persona.intake_risk, persona.thanks, persona.risk_no,
                           line, *persona.neutral, *persona.closed, *unlocked_lines(persona, state),
                           *(text for _, text in history)])
    known = _words(known_text)
    said = _words(voiced)
    for locked in locked_lines(persona, state):
        content, strong = _markers(locked, known)
        hits = content & said
        if hits & strong or len(hits) >= 3:
            return "locked"
    if persona.risk and not state.risk_revealed and any(
            p.search(voiced) and not p.search(known_text) for p in persona.risk.probe):
        return "locked"
    if risk_items is not None and set(risk_items(voiced)) - set(risk_items(line)):
        return "risk"
    return ""
