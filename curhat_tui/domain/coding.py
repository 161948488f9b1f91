"""Heuristic coding of a counselor's utterance (after MITI 4.2.1), Indonesian and English.

This is a keyword heuristic, not certified MITI coding. It drives how simulated
clients open up or close down and, later, the trainee's feedback report.

Validation ("bukan salahmu", "wajar kamu merasa...", "it's not your fault") is never
judgement: it is taken out before the judgement patterns are tried and codes as an
affirmation or a reflection. `risk_question` says how a question about suicide or
self-harm is asked: directly, leading (it expects "no") or shaming.
"""

from __future__ import annotations

import re
from enum import StrEnum

from curhat_tui.domain.patterns import rx


class Code(StrEnum):
    OPEN_QUESTION = "open_question"
    CLOSED_QUESTION = "closed_question"
    SIMPLE_REFLECTION = "simple_reflection"
    COMPLEX_REFLECTION = "complex_reflection"
    AFFIRM = "affirm"
    ADVICE = "advice"
    CONFRONT = "confront"
    OTHER = "other"


_CONFRONT = rx(
    r"\bterlalu (sensitif|pemilih|baper|membesar|mendramatisir|lemah)", r"\bcuma (malas|cari perhatian|alasan)",
    r"\balasan (aja|saja)\b", r"\bdrama\b", r"seharusnya (malu|sadar)", r"\bmasa(k)? (belum|gitu|cuma|sih)\b",
    r"\bmakanya\b", r"\bkok (masih|bisa-bisanya)\b", r"\bgak usah\b", r"\bnggak usah\b", r"udah (dewasa|gede)",
    r"\bkatanya mau\b", r"\bdosa\b", r"bukan depresi", r"\bcengeng\b",
    r"\blebay\b", r"\bbaper\b", r"kurang bersyukur", r"\bcengeng\b", r"salah ?mu\b", r"salah kamu",
    r"masa(k)? (gitu|begitu|cuma) (aja|saja)", r"jangan (lebay|cengeng|manja)", r"\bmanja\b",
    r"harusnya kamu( tuh)? (tahu|sadar|malu)", r"overreact", r"your own fault", r"stop (whining|complaining)",
    r"dramatis", r"kamu sendiri yang", r"\bgitu aja kok\b",
)
_ADVICE = rx(
    r"^(coba|cobain) (deh |aja |dulu )?(tarik|jual|tulis|mulai|buat|bikin|ajak|hubungi|telepon|ngomong|bicara|"
    r"cari|pakai|olahraga|tidur|istirahat|matikan|kurangi|simpan|minum|lunasin|putusin|pindah)",
    r"^(lunasin|jual|tarik|pindah|putusin|hubungi|telepon|tidur|olahraga|istirahat|minum|matikan|kurangi|simpan|"
    r"tulis|jangan)\b", r"\bsaran(ku| aku| saya)\b", r"\b(kamu|anda) bisa (pakai|coba|mulai|ikut|daftar)\b",
    r"^(gimana|bagaimana) kalau\b", r"\bapa (gak|nggak|tidak) sebaiknya\b", r"\bkenapa (gak|nggak|ga) (coba|langsung)\b",
    r"\bkamu harus\b", r"\bharus(nya)? kamu\b", r"\bsebaiknya\b", r"\bmending(an)? kamu\b", r"\bcoba (deh|aja)\b",
    r"\bkenapa (nggak|gak|ga|tidak) (coba|kamu)\b", r"\bsaran(ku| saya)\b", r"\bjangan\b", r"\byou should\b",
    r"\byou need to\b", r"\bwhy don'?t you\b", r"\bjust\b", r"\btry to\b", r"\blebih baik kamu\b", r"\bperlu kamu\b",
)
_AFFIRM = rx(
    r"\b(kamu|anda) punya (nilai|komitmen|kekuatan|keberanian|tekad|niat)", r"\bluar biasa\b",
    r"\b(kamu|anda) (adalah )?(orang|ayah|ibu|anak|teman|kakak|sahabat) yang (baik|peduli|perhatian|kuat|hebat|sayang)",
    r"itu (namanya )?(berani|kekuatan|gak gampang|nggak gampang|tidak mudah|hebat)", r"\bsetia kawan\b",
    r"(makasih|terima ?kasih).*(percaya|cerita|berbagi|jujur)",
    r"terima ?kasih (sudah|udah|telah)", r"makasih (sudah|udah)", r"\bberani\b", r"\bhebat\b", r"\bkeren\b",
    r"\bkuat\b.*\b(kamu|banget)\b", r"\bkamu (sudah|udah) (berusaha|bertahan|berjuang)", r"\bsalut\b",
    r"thank(s| you) for (sharing|telling)", r"\bcourage\b", r"\bbrave\b", r"you'?ve (done|worked)",
    r"\bmenghargai\b", r"\bbangga\b",
)
_REFLECT_START = rx(
    r"^(jadi|kedengarannya|kayaknya|sepertinya|kelihatannya|tampaknya|rasanya|sepertinya)\b",
    r"^(kamu|km|kak) (merasa|ngerasa|lagi merasa)", r"^(aku|saya) (dengar|menangkap|nangkep)",
    r"^(it )?sounds like", r"^(it )?seems (like )?", r"^you('re| are) feeling", r"^you feel", r"^so you",
    r"^(berarti|intinya|dengan kata lain)\b", r"^(bagi|buat) kamu\b",
)
_COMPLEX = rx(
    r"\bbukan karena\b", r"\b(supaya|agar) (layak|dianggap|diterima)", r"merasa harus", r"\bsendirian\b",
    r"\bsebagai (anak|ibu|ayah|istri|suami|kakak)", r"^\.\.\.", r"^dan\b",
    r"\b(tapi|namun|padahal|sekaligus|di satu sisi|di sisi lain|sementara)\b", r"\bseolah\b", r"\bseakan\b",
    r"\bmungkin (sebenarnya|yang)\b", r"\bsebenarnya\b", r"\bartinya\b", r"\bbegitu penting\b", r"\bberarti banget\b",
    r"\b(but|yet|while|as if|part of you|on one hand|matters)\b", r"\b(karena|sebab)\b",
)
_FEELING = rx(
    r"\b(sedih|kecewa|marah|takut|cemas|khawatir|capek|lelah|sendiri|kesepian|bingung|tertekan|malu|bersalah|"
    r"hancur|putus asa|kosong|terluka|sakit hati|berat|kewalahan|terjebak|sad|angry|afraid|scared|anxious|"
    r"tired|alone|lonely|hurt|overwhelmed|stuck|ashamed|guilty|hopeless)\b"
)
_OPEN_Q = rx(
    r"^(apa|bagaimana|gimana|kenapa|mengapa|seperti apa|kayak apa|sejauh apa|dalam hal apa|hal apa)\b"
    r"(?! (kamu|km) (sudah|udah|pernah|mau|ingin|bisa|masih)\b)",
    r"\b(ceritakan|ceritain|cerita(in)? (lebih|dong|lagi))\b", r"\bboleh (cerita|ceritain|jelasin|kasih tahu)\b",
    r"\bapa (yang|saja|aja)\b", r"\b(bagaimana|gimana) (rasanya|perasaan)\b",
    r"^(what|how|why|tell me|in what way|help me understand)\b",
)
# a wh-word inside the question ("mau cerita apa?", "terus gimana?", "rasanya kayak gimana?"): open, whatever the
# question starts with; "apa" right after a word, unless it means "or" ("udah makan apa belum?") or asks yes/no
# ("terus apa kamu ...?"); "gimana kalau ..." proposes (advice), and siapa/kapan/di mana ask one fact (closed)
_OPEN_WH = rx(
    r"(?<!apa )\b(gimana|gmn|gmana|bagaimana|kenapa|knp|mengapa)\b(?! (kalau|kalo|klo|kl|jika)\b)",
    r"\w apa\b(?! (belum|blm|nggak|ngga|enggak|engga|tidak|tdk|ga|gak|gk|bukan|gimana|gmn|kamu|km|dia|anda|kau)\b)",
)
_YES_NO = rx(r"^(apakah|apa (kamu|km|anda|kau|dia)|do you|are you|is it|did you|have you|can you|will you)\b")  # asked so
CLOSED_Q = rx(  # how a yes-or-no question opens (risk_answer.py reads it too)
    r"^(apakah|apa kamu|apa km|kamu (sudah|udah|pernah|mau|masih|sering|punya|ada)|sudah|udah|pernah|ada|mau|bisa|benar|bener|"
    r"do you|are you|is it|did you|have you|can you|will you|was it|were you)\b",
)
_QUESTIONISH = rx(r"\?\s*$")
_SECOND_PERSON = rx(r"^(kamu|kmu|km|anda|you)\b", r"\w+mu\b(?! (sendiri))", r"^(jadi|dan|\.\.\.)")


# validation: never judgement, even where a judgement word ("salahmu") is inside it
_VALIDATE_FAULT = rx(
    r"\b(bukan|tidak|nggak|gak|ga|enggak) (sepenuhnya )?(salah ?mu|salah (kamu|anda|mbak|mas|kakak|ibu|bunda))\b",
    r"\bkamu (nggak|gak|tidak|ga) salah\b", r"\bbukan kesalahan ?(mu|kamu|anda)\b",
    r"\b(it'?s|it is|that'?s|that is|was) not your fault\b", r"\byou (did|do) nothing wrong\b",
    r"\b(kamu|anda) berhak (merasa|marah|sedih|aman|kecewa|takut|dihargai|bahagia)", r"\byou deserve to be safe\b",
)
_VALIDATE_FEELING = rx(
    r"\b(wajar|masuk akal|manusiawi|normal|bisa dimengerti|dapat dimengerti|dimaklumi)\b[^.?!]{0,20}"
    r"\b(kamu|kalau|jika|bila|apabila|kalo) ",
    r"\bperasaan ?(mu|kamu) (itu )?(valid|wajar|penting|masuk akal)",
    r"\b(it'?s|it is|that'?s|that is) (understandable|natural|normal|okay|ok) (that you|to feel|you feel)",
    r"\bno wonder you\b", r"\bof course you (feel|are)\b", r"\bmakes sense (that )?you\b",
)


def _unvalidated(low: str) -> str:
    """The text with its validating phrases taken out (what is left may still judge)."""
    return _VALIDATE_FEELING.sub(" ", _VALIDATE_FAULT.sub(" ", low))


def code_utterance(text: str) -> Code:
    """One code per utterance, by precedence: confront, advice, question, reflection, affirm."""
    t = " ".join(text.strip().split())
    if not t:
        return Code.OTHER
    low = t.lower()
    if _CONFRONT.search(_unvalidated(low)):
        return Code.CONFRONT
    if not _QUESTIONISH.search(low) and not _ADVICE.search(_unvalidated(low)):
        if _VALIDATE_FAULT.search(low):
            return Code.AFFIRM
        if _VALIDATE_FEELING.search(low):
            return Code.COMPLEX_REFLECTION if _COMPLEX.search(low) or len(low.split()) >= 13 \
                else Code.SIMPLE_REFLECTION
    question = bool(_QUESTIONISH.search(low))
    if _ADVICE.search(low) and not (question and _OPEN_Q.search(low)):
        return Code.ADVICE
    # a question is judged on its last sentence
    last = re.split(r"(?<=[.!])\s+", low)[-1]
    if question or _OPEN_Q.search(last) and len(last.split()) > 2:
        if question and _OPEN_WH.search(last) and not _YES_NO.search(last):
            return Code.OPEN_QUESTION
        if CLOSED_Q.search(last):
            return Code.CLOSED_QUESTION
        if _OPEN_Q.search(last):
            return Code.OPEN_QUESTION
        if question and not _REFLECT_START.search(low):
            return Code.CLOSED_QUESTION
    if _AFFIRM.search(low):
        return Code.AFFIRM
    about_client = bool(_SECOND_PERSON.search(low))
    if _REFLECT_START.search(low) or (_FEELING.search(low) and about_client) or (about_client and not question):
        # MITI: a statement about the client's experience is a reflection; it is complex when it adds meaning
        if _COMPLEX.search(low) or len(low.split()) >= 13:
            return Code.COMPLEX_REFLECTION
        return Code.SIMPLE_REFLECTION
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


# ---- how a risk question is asked ----------------------------------------------------------

RISK_WORDS = rx(
    r"bunuh diri", r"\bbundir\b", r"(meng|ng)?akhiri(n)? hidup", r"\bmengakhiri (hidup|nyawa)",
    r"(pikiran|kepikiran|berpikir|mikir|memikirkan|niat|keinginan|ingin|mau|pengen|pingin|berharap|harap) "
    r"(untuk |buat |akan |ingin |kamu )?(mati|meninggal|membunuh diri|bunuh diri|ngakhirin)",
    r"\b(sudah |udah )?mati saja\b", r"\blebih baik (tidak|nggak|gak|ga) (ada|hidup|usah hidup)",
    r"(tidur|tertidur) (dan|terus|lalu) (tidak|nggak|gak|ga) (bangun|terbangun)",
    r"(menyakiti|nyakitin|melukai|ngelukain|nyilet|menyilet) (diri|dirimu|badan)", r"\bself[- ]?harm",
    r"\bsuicid", r"\bkill(ing)? (yourself|urself)", r"\bend(ing)? (your|ur) (own )?life",
    r"\bwish(ed)? (you were|to be) dead", r"\b(want|wanted|wanting) to die\b", r"\bhurt(ing)? yourself",
    r"\bnot (wake|waking) up\b", r"\btake your (own )?life", r"tidak ingin hidup", r"(nggak|gak) (mau|pengen) hidup",
    r"better off dead", r"menghilang (selamanya|aja)",
)
# shaming a client's pain: a risk question with one of these is 'shaming'; the practice report's judging words
# (safety_lines.judges) are these and a few more
SHAMING_WORDS = (
    r"\bdosa\b", r"\bbodoh\b", r"\begois\b", r"kurang (iman|ibadah|bersyukur|berdoa)", r"\bcari (perhatian|sensasi)",
    r"\bdrama\b", r"\blebay\b", r"\bcengeng\b", r"\bselfish\b",
)
_SHAMING = rx(
    *SHAMING_WORDS, r"\blemah\b", r"\bmalu(in)? (dong|sama)", r"\bpengecut\b", r"\bsinful\b", r"\bstupid\b",
    r"\bfor attention\b", r"\bcoward", r"\ba sin\b", r"\bweak\b", r"\b(ingat|inget) (tuhan|allah|dosa|keluarga)",
    r"\bmasa (iya |sih )?(kamu|km) ",
)
_LEADING = rx(
    r"\b(nggak|gak|ga|enggak|engga|tidak|tak|bukan|ndak|gk)\b[^?]*\bkan\b\s*(\?|ya\b|$)",
    r"\bjangan (aneh|macam|macem|mikir|berpikir|sampai|sampe|nekat|bodoh)", r"\baneh[- ]aneh\b",
    r"\b(nggak|gak|tidak|ga) (mungkin|sampai|sampe) [^?]*\?", r"\bsemoga (nggak|gak|tidak|ga|bukan)\b",
    r"\bpasti (nggak|gak|tidak|ga|bukan)\b", r"\b(kamu|km) (nggak|gak|ga|tidak|enggak) [^?]*\bkan\b",
    r"\byou'?re not [^?]*,? (are|aren'?t) you\b", r"\byou (are not|aren'?t|don'?t|do not|wouldn'?t|won'?t|would not|"
    r"will not|haven'?t|have not) [^?]*\b(right|are you|do you|would you|will you|have you|surely|I hope)\b",
    r"\byou'?re not (thinking|going|planning)[^?]*\?", r"\bsurely (you|not)\b", r"\bnothing (like|silly) that\b",
    r"\bdon'?t do anything (stupid|silly)\b",
)
_ASKING = rx(
    r"\?", r"^(apakah|apa|apa kamu|pernah|ada|adakah|gimana|bagaimana|sudah|udah|kamu pernah|kamu ada|boleh|"
    r"do|did|are|have|has|is|was|were|could|would|how|what|when|where)\b",
    r"\b(boleh|bolehkah|bisa|mau) (aku|saya|kakak|kak) (tanya|bertanya|nanya|tau|tahu)",
    r"\b(ceritakan|ceritain|cerita(in)? (lebih|dong|lagi|sedikit|soal|tentang))\b", r"\bboleh cerita\b",
    r"\b(tell me|can you tell|i'?d like to ask|may i ask|can i ask|i want to ask)\b",
    r"\b(aku|saya) (mau|ingin|perlu|pengen) (tanya|bertanya|menanyakan|nanya)",
)


# seeking collaboration (MITI 4.2.1): asking the client's leave or choice before helping, referring or telling
# ("mau nggak kalau aku bantu cari psikolog?", "boleh aku kasih sedikit info?"). Counted as the question it is, but
# not a weak closed question: the yes or no is the point.
_COLLABORATE = rx(
    r"\b(mau|bersedia|oke|setuju)( (nggak|ngga|gak|ga|enggak|tidak))?\b[^.?!]{0,25}\b(kalau|kalo|klo|jika|bila) "
    r"(aku|saya|kita|kakak|kak)\b",
    r"\b(boleh|bolehkah)( (nggak|ngga|gak|ga|enggak|tidak))? (aku|saya|kakak|kak) (sampaikan|kasih|berbagi|berikan|"
    r"tawarkan|usul|usulkan|bantu|share|ceritakan|jelaskan|hubungkan|rujuk)",
    r"\b(gimana|bagaimana) (menurutmu|menurut (kamu|km|anda))\b",
    r"\b(would it be|is it) (ok|okay|alright|all right)\b", r"\bmay i (share|suggest|offer|tell)\b",
    r"\b(can|could) i (share|suggest|offer|tell you)\b", r"\bwould you like (me|to)\b", r"\bhow would you feel about\b",
)


def seeks_collaboration(text: str) -> bool:
    """The line asks the client's leave or choice (MITI's seeking collaboration)."""
    return bool(_COLLABORATE.search(" ".join(text.lower().split())))


def question_manner(text: str) -> str | None:
    """'direct', 'leading' (it expects "no"), 'shaming', or None when `text` asks or invites nothing."""
    low = " ".join(text.strip().lower().split())
    if not low or not any(_ASKING.search(part) for part in re.split(r"(?<=[.!?])\s+", low)):
        return None
    if _SHAMING.search(low):
        return "shaming"
    if _LEADING.search(low):
        return "leading"
    return "direct"


def risk_question(text: str, *, statements: bool = False) -> str | None:
    """How a question about suicide or self-harm is asked: 'direct', 'leading', 'shaming', or None when the
    text is not a question (or invitation) about it. A direct screening question is good practice, not a weak
    closed question; a leading or shaming one closes the client.

    With `statements` (the practice report) a line about it that asks nothing counts too when it shames
    ('shaming': "bunuh diri itu dosa") or expects a denial ('leading')."""
    if not RISK_WORDS.search(text):
        return None
    manner = question_manner(text)
    if manner is None and statements:
        low = " ".join(text.lower().split())
        return "shaming" if _SHAMING.search(low) else "leading" if _LEADING.search(low) else None
    return manner
