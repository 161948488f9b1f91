"""A client's answer read with the counselor's question before it.

"iya kak", "udh", "pernah" say nothing alone; after "kamu sudah punya rencana untuk mengakhiri hidup?" they disclose a
plan. The detector reads every client message alone (and with the bubbles before it, `bursts`); this is the third
reading, for the client's first bubbles after a counselor's message. The counselor's question is turned into the
client's own statement ("kamu sudah punya rencana ...?" becomes "aku sudah punya rencana ...") and the detector reads
it with the answer, as it reads anything a client writes (`RiskDetector.answer`). What a client confirms is what the
model already knows how to read; no model of its own, no training of its own.

* A yes-or-no question, answered with a yes: the statement, then the answer on a line of its own. A yes is a yes word
  ("iya", "udh", "pernah", "ada", "masih", "nggih", "muhun", "yes") or the question's own word said back, the way
  Indonesian answers ("kamu masih pengen nyakitin dia?" then "pengen bgt").
* A question that asks with a word (when, where, how many, what, who, why, how), answered with anything but a no and
  not told as past or over: the answer in that word's place, since Indonesian asks in place ("obatnya barusan kamu
  minum berapa?" then "20an": "obatnya barusan aku minum 20an"; not "5 tahun lalu, udah lama berhenti").

Not read at all:
* an answer that begins with a no ("nggak", "belum", "ora", "henteu", "ya enggak lah"), or a yes-or-no question
  answered with neither (a number, a place, a story: those words are read alone, as before);
* a question that asks leave ("boleh aku tanya soal itu?"), only asks for agreement ("hubungi 119 kalau pikiran itu
  datang ya?") or asks the client to tell more ("bisa ceritain lagi?", "could you tell me more about that?");
* anything but a question: a message without "?" asks nothing;
* a question about what keeps the client safe, as safety planning asks it: someone to call or to be with them, a
  safety plan, a reason to live, a promise, the means thrown away, feeling better or calm, medicine taken as
  prescribed, being willing to contact a service (the referral scripts' own last question): "ada orang yang bisa kamu
  telepon kalau pikiran itu datang lagi?" then "ada kak", "obat dari dokter udah kamu minum?" then "udah". A yes to it
  is no disclosure (`PROTECTIVE`). "obatnya udah diminum?" alone is still read: after "aku mau minum semua obatku" a
  counselor asks just that to hear the answer.
"""

from __future__ import annotations

import re

from curhat_tui.domain.risk_clause import RESOLVED, told_when
from curhat_tui.domain.risk_text import Token
from curhat_tui.domain.yes_no import NEGATIONS, SOME_WORDS
from curhat_tui.domain.yes_no import YES_WORDS as PLAIN_YES

# The intake's yes and no (yes_no.py), read after the slang dictionary (risk_text.tokenize: "udh" -> "sudah", "gk",
# "ora", "henteu" -> "tidak", "blm" -> "belum"), and the answers a question about something done or at hand gets.
YES_WORDS = (PLAIN_YES | SOME_WORDS | frozenset({"sudah", "ada", "betul", "benar", "bener", "mungkin", "yaa", "he'em",
                                                 "heem", "sumuhun", "yess", "yea", "pikir", "banget", "pasti", "parah",
                                                 "tiap", "setiap", "hampir"})) - {"jarang", "rarely", "once"}
NO_WORDS = NEGATIONS | frozenset({"bukan", "nihil", "jangan"})
_PAIRS = {("dia", "eh"), ("dia", "em"), ("hu", "um"), ("ho", "oh")}  # "he eh" (read "dia eh"), "hu um", "ho oh"
LEAD = frozenset({"kakak", "hmm", "hm", "eh", "ehm", "em", "emm", "duh", "aduh", "wah", "alhamdulillah", "jujur",
                  "sebenarnya", "sebenernya", "sih", "um", "umm", "astaga", "hehe", "wkwk", "well", "oh", "ohh",
                  "hadeh", "ehh", "hah", "astagfirullah", "astaghfirullah", "amit", "mas", "mbak", "bang", "dek",
                  "teh", "bro", "sis", "pak", "bu"})  # words before the answer proper
LOOK = 3  # at most this many leading words are passed over to the answer proper
ASKED_CHARS = 400  # the end of the counselor's message is read: a long script asks at its end

YES, NO, OTHER = "y", "n", "o"

# the word a question that asks who, what, when, where, how, why or how many asks with (after the slang dictionary:
# "gmn" -> "gimana", "knp" -> "kenapa"), and the words that go with it ("di mana", "berapa banyak", "how many")
WH_WORDS = frozenset({"siapa", "kapan", "kpn", "dimana", "kemana", "darimana", "berapa", "brp", "seberapa", "kenapa",
                      "mengapa", "gimana", "bagaimana", "ngapain", "who", "when", "where", "why", "how", "which", "what"})
_WH_BEFORE = frozenset({"di", "ke", "dari"})  # "di mana"
_SINCE = frozenset({"sejak", "dari", "since"})  # "dari 2 bulan lalu": going on since then
_PURPOSE = frozenset({"biar", "supaya", "agar", "buat", "untuk"})  # "biar bersih": wished for, not told as done
_GAP = "\x00"  # the answer's place in a statement, while it is built
_WH_AFTER = frozenset({"banyak", "lama", "kali", "sering", "jauh", "many", "much", "long", "often", "mana"})
_TAG = re.compile(r"\b(ya|yah|yaa|oke|ok|okay|okey|deal|setuju|right)\s*[?!.]*\s*$", re.IGNORECASE)  # agreement only
_LEAVE = re.compile(r"^\W*(boleh|bolehkah|may i|can i|bisa (?:aku|saya) (?:tanya|nanya))\b", re.IGNORECASE)
# what keeps the client safe, over the statement's words (canonical, "kamu" already "aku")
PROTECTIVE = re.compile(
    r"\b(?:bisa aku (?:telepon|telpon|hubungi|kontak|chat|ajak|temui|datangi|percaya)|nemenin\w*|menemani\w*|temani\w*|"
    r"ditemani|dampingi\w*|didampingi|jagain\w*|safety plan|keselamatan\w*|alasan (?:buat|untuk) (?:hidup|bertahan)|"
    r"reasons? to live|janji|aman|safe|dibuang|buang|jauhkan|dijauhkan|serahkan|diserahkan|membaik|tenang|rutin|teratur|"
    r"(?:dari|resep) (?:dokter|psikiater|puskesmas)|sesuai (?:resep|dosis|anjuran|jadwal)|kontrol|bersedia|willing|"
    r"(?:hubungi|menghubungi|telepon|telpon|contact\w*|call) (?:salah satu\w*|layanan|one of|them|the service|services?|"
    r"119|129|112|sapa|psikolog|konselor|hotline))\b")
# a request to tell more ("could you tell me more about that?", "bisa ceritain lagi?"): its yes tells nothing yet
_REQUEST = re.compile(r"\b(?:(?:could|can|would|will) you (?:tell|share|say|describe|explain|talk)|"
                      r"(?:bisa|boleh|mau|coba) (?:kamu |kah kamu )?(?:cerita\w*|jelas\w*|jelasin|lanjut\w*|share))\b",
                      re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?\n]")
# question words that begin a yes-or-no question ("apakah kamu ...", "apa kamu ...", English auxiliaries)
_ASKING = frozenset({"apakah", "apa", "are", "do", "did", "does", "have", "has", "is", "was", "were", "will", "would",
                     "can", "could", "coba"})
_ADDRESS = frozenset({"kakak", "mas", "mbak", "bang", "dek", "teh", "bro", "sis", "pak", "bu", "akang", "neng"})
# words said back that answer nothing: "buat tikus lah" to "... itu buat orang?"
_FUNCTION = frozenset({"buat", "untuk", "sama", "dengan", "yang", "itu", "ini", "dari", "dan", "atau", "karena", "kalau",
                       "tapi", "juga", "aja", "saja", "aku", "kamu", "dia", "mereka", "di", "ke", "lagi", "tidak"})
_NOT_YOUR = frozenset({"ilmu", "temu", "ketemu", "bertemu", "jamu", "tamu", "semu", "jumu", "kamu", "umu", "gamu"})
_ASKED_KAH = re.compile(r"^(sudah|pernah|ada|bisa|mau|masih|apa|benar|betul|sedang|punya)kah$")


def question(asked: str) -> str:
    """The question at the end of the counselor's message: its last sentence with a "?" ('' when that asks leave,
    agreement or to tell more, or when there is no "?" at all)."""
    end = asked.rfind("?")
    if end < 0:
        return ""
    start = max((m.end() for m in _SENTENCE_END.finditer(asked, 0, end)), default=0)
    said = asked[start:end + 1].strip()
    if "," in said and _LEAVE.match(said):  # "boleh aku tahu, kamu sudah ...?": the question after the leave
        said = said.split(",", 1)[1].strip()
    if not said or _TAG.search(said) or _LEAVE.match(said) or _REQUEST.search(said):
        return ""
    return said


def wh_span(tokens: list[Token]) -> tuple[int, int] | None:
    """Where the words a question asks with stand in its tokens ([i, j)), or None for a yes-or-no question: "kapan",
    "di mana", "berapa banyak", "apa" after a word or before "yang" ("kamu minum apa?", "apa yang kamu minum?"; "apa
    kamu ...?" at the start asks yes or no)."""
    for i, tok in enumerate(tokens):
        word = tok.text
        if word == "mana" and i and tokens[i - 1].text in _WH_BEFORE:
            return i - 1, i + 1
        asks = word in WH_WORDS or (word == "apa" and (i > 0 or (len(tokens) > 1 and tokens[1].text in ("yang", "yg"))))
        if asks:
            j = i + 1
            if j < len(tokens) and tokens[j].text in _WH_AFTER:
                j += 1
            if word == "apa" and j < len(tokens) and tokens[j].text in ("yang", "yg"):
                j += 1
            return i, j
    return None


def statement(tokens: list[Token], gap: tuple[int, int] | None = None, answer: str = "") -> tuple[str, int]:
    """A question's tokens as the client's own statement, and where in it `answer` stands: the question words left
    out ("apakah", "apa" at the start, "sudahkah" read "sudah"), an "or not" left out ("pernah gak kamu ...", "...
    atau belum"), the counselor's "kamu" and "-mu" the client's "aku" and "-ku", the names the counselor calls the
    client by left out. A yes-or-no question's answer follows the statement on a line of its own; a question that asks
    with a word (`gap`: `wh_span`) has the answer in its place ("obatnya kamu minum berapa?" then "20an": "obatnya aku
    minum 20an"). A clause boundary stays a comma."""
    words: list[str] = []
    skip_negation = False
    for n, tok in enumerate(tokens):
        if gap is not None and gap[0] <= n < gap[1]:
            if n == gap[0]:
                words.append(_GAP)  # where the answer goes
            continue
        word = tok.text
        if n == 0 and word in _ASKING or word in _ADDRESS:
            continue
        kah = _ASKED_KAH.match(word)
        if kah:
            word = kah.group(1)
        if word in NEGATIONS and (skip_negation or all(t.text in _ADDRESS for t in tokens[n + 1:])):
            skip_negation = False
            if words and words[-1] == "atau":
                words.pop()
            continue  # "pernah nggak kamu ...", "udah makan belum", "... atau tidak kak": or not
        skip_negation = word in YES_WORDS
        if word == "kamu":
            word = "aku"
        elif word.endswith("mu") and len(word) > 4 and word not in _NOT_YOUR:
            word = word[:-2] + "ku"
        words.append(("," if tok.cut and words else "") + word)
    said = " ".join(words).replace(" ,", ",").strip(", ")
    if _GAP not in said:
        return said + "\n" + answer, len(said) + 1
    at = said.index(_GAP)
    return said[:at] + answer + said[at + len(_GAP):], at


def told_as_over(tokens: list[Token]) -> bool:
    """Whether an answer tells its thing as past or over ("5 tahun lalu, udah lama berhenti", "waktu SMA", "udah
    sembuh"): the clause reading's past and resolution words (risk_clause.py). Not "tadi subuh", not what goes on
    since then ("dari 2 bulan lalu", "sejak bulan lalu"), not a resolution denied or wished for ("gak berhenti2",
    "biar bersih")."""
    if any(tok.text in _SINCE for tok in tokens):
        return False
    return told_when(tokens, 0, len(tokens)) == "past" or any(
        tok.text in RESOLVED and not tok.neg and not (k and tokens[k - 1].text in _PURPOSE) for k, tok in enumerate(tokens))


def polarity(tokens: list[Token], asked: frozenset[str] = frozenset()) -> tuple[str, int | None]:
    """How an answer begins (YES, NO or OTHER) and the index of the word that says so (None for OTHER): its first word
    after at most LOOK leading ones ("kak", "hmm", "jujur", ...). A yes followed at once by a no is a no ("udah
    nggak", "iya gak kok"); a word of the question said back (`asked`: its words not under a negation, as the
    statement has them) is a yes, unless it is a word that answers nothing ("buat", "sama", "yang")."""
    i = 0
    while i < len(tokens) and i < LOOK and tokens[i].text in LEAD:
        i += 1
    if i == len(tokens):
        return OTHER, None
    word = tokens[i].text
    if word in NO_WORDS:
        return NO, i
    echoed = word in asked and word not in _ASKING and word not in _FUNCTION and len(word) > 2
    if word in YES_WORDS or echoed or (i + 1 < len(tokens) and (word, tokens[i + 1].text) in _PAIRS):
        if i + 1 < len(tokens) and tokens[i + 1].text in NO_WORDS:
            return NO, i + 1
        return YES, i
    return OTHER, None
