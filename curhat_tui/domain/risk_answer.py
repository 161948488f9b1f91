"""A client's answer read with the counselor's question before it.

"iya kak", "udh", "pernah" say nothing alone; after "kamu sudah punya rencana untuk mengakhiri hidup?" they disclose a
plan. The detector reads every client message alone (and with the bubbles before it, `bursts`); this is the third
reading, for the client's first bubbles after a counselor's message. When the counselor asked a yes-or-no question
and the answer begins with a yes, the question is the client's own statement: "kamu sudah punya rencana ...?" becomes
"aku sudah punya rencana ...", and the detector reads that statement with the answer after it, as it reads anything a
client writes (`RiskDetector.answer`). What a client confirms is what the model already knows how to read; no model
of its own, no training of its own.

A yes is a yes word ("iya", "udh", "pernah", "ada", "masih", "nggih", "muhun", "yes") or the question's own word said
back, the way Indonesian answers ("kamu masih pengen nyakitin dia?" then "pengen bgt").

A no is read only after a question whether the client is safe or the danger has passed (`denial`, since session 39):
"siletnya udah kamu buang?" then "belum" says "siletnya belum aku buang", "pikiran itu udah hilang?" then "belum,
masih nempel" says the thought goes on. Not a no that says the client is fine or unsure ("nggak papa", "gak tau"), nor
"udah nggak ada" (gone), nor a no about people or services ("ada yang nemenin kamu?" then "gak ada": a client alone,
which the counselor hears, is no red flag of its own).

Not read:
* an answer that begins with a no ("nggak", "belum", "ora", "henteu", "udah nggak", "ya enggak lah") to any other
  question (a denial of a screening question says nothing), one that begins with neither (a number, a place, a
  story, "ya kali", "ya ampun", "hmm": those words are read alone, as before), and a question back ("iya?", "ada apa
  kak?");
* a question that asks with a word (who, what, when, where, how, why, how many): its answer is a thing told, not a
  yes, and the question takes for granted what it asks about ("kamu lagi di mana sekarang?" then "di kamar kos"), so a
  statement made of it would suggest whatever the answer; tried in session 38 and left out (docs/RISK_DETECTION.md);
* a question that asks leave ("boleh aku tanya soal itu?"), only asks for agreement ("hubungi 119 kalau pikiran itu
  datang ya?") or asks the client to tell more ("bisa ceritain lagi?", "could you tell me more about that?");
* anything but a question: a message without "?" asks nothing;
* a question about what keeps the client safe, as safety planning asks it: someone to call or to be with them, a
  safety plan, a reason to live, a promise, the means thrown away, feeling better or calm, medicine taken as
  prescribed, being willing to contact a service (the referral scripts' own last question), or whether the danger
  has passed ("udah turun dari atap?"): "ada orang yang bisa kamu telepon kalau pikiran itu datang lagi?" then "ada
  kak", "obat dari dokter udah kamu minum?" then "udah". A yes to it is no disclosure (`PROTECTIVE`). "obatnya udah
  diminum?" alone is still read: after "aku mau minum semua obatku" a counselor asks just that to hear the answer.
"""

from __future__ import annotations

import re

from curhat_tui.domain.coding import CLOSED_Q
from curhat_tui.domain.risk_text import Token
from curhat_tui.domain.yes_no import NEGATIONS, SOME_WORDS
from curhat_tui.domain.yes_no import YES_WORDS as PLAIN_YES

# The intake's yes and no (yes_no.py), read after the slang dictionary (risk_text.tokenize: "udh" -> "sudah", "gk",
# "ora", "henteu" -> "tidak", "blm" -> "belum"), and the answers a question about something done or at hand gets.
YES_WORDS = (PLAIN_YES | SOME_WORDS | frozenset({"sudah", "ada", "betul", "benar", "bener", "mungkin", "yaa", "he'em",
                                                 "heem", "sumuhun", "yess", "yea", "pikir", "banget", "pasti", "parah",
                                                 "tiap", "setiap", "hampir", "msh", "he'eh", "ho'oh",
                                                 "hu'um"})) - {"jarang", "rarely", "once"}
NO_WORDS = NEGATIONS | frozenset({"bukan", "nihil", "jangan"})
_PAIRS = {("dia", "eh"), ("dia", "em"), ("hu", "um"), ("ho", "oh")}  # "he eh" (read "dia eh"), "hu um", "ho oh"
LEAD = frozenset({"kakak", "hmm", "hm", "eh", "ehm", "em", "emm", "duh", "aduh", "wah", "alhamdulillah", "jujur",
                  "sebenarnya", "sebenernya", "sih", "um", "umm", "astaga", "hehe", "wkwk", "well", "oh", "ohh",
                  "hadeh", "ehh", "hah", "astagfirullah", "astaghfirullah", "amit", "mas", "mbak", "bang", "dek",
                  "teh", "bro", "sis", "pak", "bu"})  # words before the answer proper
LOOK = 3  # at most this many leading words are passed over to the answer proper
ANSWER_CHARS = 1_000  # an answer is read from its start: the first this many characters
ASKED_CHARS = 400  # the end of the counselor's message is read: a long script asks at its end
# How much the suicide (or any-risk) head must support the imminence head for a statement made of a question to be
# called imminent suicide risk, as a share of its threshold, when no rule or cue of the lexicon names suicide in it
# (risk.IMMINENCE_SUPPORT, 0.5, for what a client writes and for a statement that names it: "racun itu aku beli buat
# diminum biar mati"). A counselor asks about everything with "sudah ...?", "lagi di ...?", "nanti malam ...?": made
# the client's, such a question reads in the grammar of preparation ("aku sudah isi bensin motor", "aku lagi di atap
# ngangkat jemuran"), which the imminence head weighs. The whole threshold: development sets answers1 and answers2,
# 25 of 69 false alarms gone, 14 of 172 imminent answers lost, most of them questions that point back at what the
# client had said ("barang-barangmu udah kamu bagi karena itu?"), which was suggested when the client said it: after
# the client's messages were suggested for suicide, a question is read with the half again (`raised`, session 39).
ANSWER_SUPPORT = 1.0
# a yes word and the word after it that say neither yes nor no: "ya kali" (as if), "ya ampun", "ada apa?"
NEITHER = frozenset({("ya", "kali"), ("iya", "kali"), ("ya", "ampun"), ("ada", "apa"), ("iya", "kah")})

YES, NO, OTHER = "y", "n", "o"

# the words a question that asks who, what, when, where, how, why or how many asks with (after the slang dictionary:
# "gmn" -> "gimana", "knp" -> "kenapa"; "di mana" is two words)
WH_WORDS = frozenset({"siapa", "kapan", "kpn", "dimana", "kemana", "darimana", "berapa", "brp", "seberapa", "kenapa",
                      "mengapa", "gimana", "bagaimana", "ngapain", "who", "when", "where", "why", "how", "which", "what"})
_WH_BEFORE = frozenset({"di", "ke", "dari"})  # "di mana"
_TAG = re.compile(r"\b(ya|yah|yaa|oke|ok|okay|okey|deal|setuju|right)\s*[?!.]*\s*$", re.IGNORECASE)  # agreement only
_LEAVE = re.compile(r"^\W*(boleh|bolehkah|may i|can i|bisa (?:aku|saya) (?:tanya|nanya))\b", re.IGNORECASE)
# what keeps the client safe, over the statement's words (canonical, "kamu" already "aku"): being safe or calm, a
# promise, a reason to live, the means put away (_KEPT); someone to call or to be with them, a service, a safety plan
_KEPT = (r"janji|aman|safe|keselamatan\w*|alasan (?:buat|untuk) (?:hidup|bertahan)|reasons? to live|dibuang|buang|"
         r"jauhkan|dijauhkan|serahkan|diserahkan|membaik|tenang")
_SUPPORT = re.compile(
    r"\b(?:bisa aku (?:telepon|telpon|hubungi|kontak|chat|ajak|temui|datangi|percaya)|nemenin\w*|menemani\w*|temani\w*|"
    r"ditemani|dampingi\w*|didampingi|jagain\w*|safety plan|bersedia|willing|"
    r"(?:hubungi|menghubungi|telepon|telpon|contact\w*|call) (?:salah satu\w*|layanan|one of|them|the service|services?|"
    r"119|129|112|sapa|psikolog|konselor|hotline))\b")
# whether the danger has passed ("pikiran itu sudah hilang?", "temanmu udah sadar?", "bisa turun sekarang?")
_PASSED = (r"sudah (?:mulai |benar benar )?(?:hilang|reda|lewat|diam|sadar|berhenti|turun|mudhun|mundur|dibawa|"
           r"ditangani|pergi)|bisa turun")
PROTECTIVE = re.compile(r"\b(?:" + _KEPT + "|" + _PASSED + r"|rutin|teratur|(?:dari|resep) (?:dokter|psikiater|puskesmas)|"
                        r"sesuai (?:resep|dosis|anjuran|jadwal)|kontrol)\b|" + _SUPPORT.pattern)
# a question whether the client is safe or the danger has passed ("pikiran itu sudah hilang?", "temanmu udah sadar?",
# "bisa turun sekarang?"): a no to it tells that the danger goes on. Not one about people or services (_SUPPORT):
# "nggak ada" to "ada yang nemenin kamu?" is a client alone, which the counselor hears, not a red flag of its own, and
# "no" to "is it safe enough to contact SAPA 129?" a service out of reach.
_STILL = re.compile(r"\b(?:" + _KEPT + "|" + _PASSED + r"|(?:di)?jauhin|(?:di)?serahin|(?:di)?singkir(?:kan|in)|"
                    r"(?:di)?batal(?:kan|in)|urungkan)\b")
# a request to tell more ("could you tell me more about that?", "bisa ceritain lagi?"): its yes tells nothing yet
_REQUEST = re.compile(r"\b(?:(?:could|can|would|will) you (?:tell|share|say|describe|explain|talk)|"
                      r"(?:bisa|boleh|mau|coba) (?:kamu |kah kamu )?(?:cerita\w*|jelas\w*|jelasin|lanjut\w*|share))\b",
                      re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?\n]")
# question words that begin a yes-or-no question ("apakah kamu ...", "apa kamu ...", English auxiliaries)
_ASKING = frozenset({"apakah", "apa", "are", "do", "did", "does", "have", "has", "is", "was", "were", "will", "would",
                     "can", "could", "coba"})
_AUXILIARIES = (_ASKING - {"apakah", "apa", "coba"}) | {"am", "had", "should"}  # an English yes-or-no question opens with one
_EVER = frozenset({"pernah", "ever"})  # "have you ever ...?" then "yes": what was asked about is told, not its time
_ADDRESS = frozenset({"kakak", "mas", "mbak", "bang", "dek", "teh", "bro", "sis", "pak", "bu", "akang", "neng"})
# the names a message opens with, as typed ("Mas, kamu ...?", "kak ..."), before the question proper
_ADDRESSED = re.compile(r"^\W*(?:(?:" + "|".join(sorted(_ADDRESS | {"kak", "mba"})) + r")\b\W*)+")
# words said back that answer nothing: "buat tikus lah" to "... itu buat orang?"
_FUNCTION = frozenset({"buat", "untuk", "sama", "dengan", "yang", "itu", "ini", "dari", "dan", "atau", "karena", "kalau",
                       "tapi", "juga", "aja", "saja", "aku", "kamu", "dia", "mereka", "di", "ke", "lagi", "tidak"})
_NOT_YOUR = frozenset({"ilmu", "temu", "ketemu", "bertemu", "jamu", "tamu", "semu", "jumu", "kamu", "umu", "gamu"})
_NO_LONGER = re.compile(r"\bsudah tidak\b")  # "udah gak ...?": no longer
_ABLE = re.compile(r"\b(?:bisa|mau|akan|ada)\b")  # the word a no negates before what was asked: "tidak bisa turun"
# a no word and the word after it that say the client is fine or unsure, not no: "nggak papa" (read "tidak ayah"),
# "gak masalah", "gak tau", "ora popo", "teu nanaon", "no worries"
_FINE_OR_UNSURE = frozenset({("tidak", "apa"), ("tidak", "ayah"), ("tidak", "masalah"), ("tidak", "tahu"),
                             ("tidak", "yakin"), ("tidak", "popo"), ("tidak", "nanaon"), ("no", "worries")})
_ASKED_KAH = re.compile(r"^(sudah|pernah|ada|bisa|mau|masih|apa|benar|betul|sedang|punya)kah$")
# A bare answer (session 42): nothing after its yes or no but words that say how much, when, how surely or to whom
# ("iya dikit", "yeah a bit", "muhun rada", "pernah bang", "udah kak tadi"). Read with the statement, such words only
# thinned what the client confirmed (each block of a text's features weighs as one vector of unit length): "kamu
# sedang mabuk sekarang?" then "iya dikit" read "aku sedang mabuk sekarang" and "iya dikit" together, under the
# threshold, though the statement alone is well over it. When the two read together suggest nothing, the statement
# is read alone (risk.RiskDetector._answer). Development sets answers1 and answers2: 6 risk answers more of 685, one
# of them imminent, no false alarm more of 948.
# (beside LEAD, YES_WORDS and _ADDRESS, which hold "dikit", "banget", "bener", "sih", "neng" and the like already)
_SO_MUCH = frozenset({"bit", "lil", "little", "rada", "agak", "tadi", "barusan", "sekarang", "lagi", "terus", "kok",
                      "dong", "deh", "nih", "beneran", "serius", "teteh", "aa"})


def bare(tokens: list[Token], at: int) -> bool:
    """Whether the answer's words other than its yes or no (at `at`) say nothing but how much, when or to whom."""
    return all(n == at or tok.text in _SO_MUCH or tok.text in LEAD or tok.text in YES_WORDS or tok.text in _ADDRESS
               for n, tok in enumerate(tokens))


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


def asks_with_a_word(asking: str, tokens: list[Token]) -> bool:
    """Whether a question asks with a word ("kapan", "di mana", "berapa", "apa" after a word or before "yang": "kamu
    minum apa?", "apa yang kamu minum?"), not yes or no: "apa kamu ...?" at the start asks yes or no, and so does a
    question that opens as one, whatever word it holds ("kamu sudah punya rencana kapan mau melakukannya?": the
    utterance coder's CLOSED_Q; in English, one that opens with an auxiliary: "does your partner hurt you when he is
    angry?"). A word that asks said twice asks nothing: "kamu diikutin ke mana-mana?"."""
    said = _ADDRESSED.sub("", asking.lower())
    if CLOSED_Q.search(said) or said.split(" ", 1)[0] in _AUXILIARIES:
        return False
    asking_words = WH_WORDS | {"mana", "apa"}
    for i, tok in enumerate(tokens):
        word = tok.text
        near = {tokens[k].text for k in (i - 1, i + 1) if 0 <= k < len(tokens)}
        if word in asking_words and near & asking_words:
            continue  # said twice, a word that asks says "any": "ke mana-mana", "kemana-mana", "siapa-siapa", "apa-apa"
        if word in WH_WORDS or (word == "mana" and i and tokens[i - 1].text in _WH_BEFORE):
            return True
        if word == "apa" and (i > 0 or (len(tokens) > 1 and tokens[1].text in ("yang", "yg"))):
            return True
    return False


def statement(tokens: list[Token], answer: str) -> tuple[str, int]:
    """A yes-or-no question's tokens as the client's own statement, with `answer` on a line after it, and where the
    answer starts: the question words left out ("apakah", "apa" at the start, "sudahkah" read "sudah"), an "or not"
    left out ("pernah gak kamu ...", "... atau belum"), "pernah" (ever) left out, the counselor's "kamu" and "-mu" the
    client's "aku" and "-ku" ("yourself" "diri"), the names the counselor calls the client by left out. A clause
    boundary stays a comma."""
    words: list[str] = []
    skip_negation = False
    for n, tok in enumerate(tokens):
        word = tok.text
        if n == 0 and word in _ASKING or word in _ADDRESS:
            continue
        if word in _EVER:
            skip_negation = True  # "pernah nggak kamu ...": or not
            continue
        kah = _ASKED_KAH.match(word)
        if kah:
            word = kah.group(1)
        if word in NEGATIONS and (skip_negation or all(t.text in _ADDRESS for t in tokens[n + 1:])):
            skip_negation = False
            if words and words[-1] == "atau":
                words.pop()
            continue  # "pernah nggak kamu ...", "udah makan belum", "... atau tidak kak": or not
        following = tokens[n + 1].text if n + 1 < len(tokens) else ""
        # a negation after a yes word asks "or not" ("ada nggak", "udah belum"); "udah nggak nyilet" is "no longer"
        skip_negation = word in YES_WORDS and (word != "sudah" or following == "belum")
        if word == "kamu":
            word = "aku"
        elif word in ("yourself", "yourselves"):
            word = "diri"  # the client's "myself", as the slang dictionary reads it ("hurt myself": "sakiti diri")
        elif word.endswith("mu") and len(word) > 4 and word not in _NOT_YOUR:
            word = word[:-2] + "ku"
        words.append(("," if tok.cut and words else "") + word)
    said = " ".join(words).replace(" ,", ",").strip(", ")
    return said + "\n" + answer, len(said) + 1


def polarity(tokens: list[Token], asked: frozenset[str] = frozenset()) -> tuple[str, int | None]:
    """How an answer begins (YES, NO or OTHER) and the index of the word that says so (None for OTHER): its first word
    after at most LOOK leading ones ("kak", "hmm", "jujur", ...). A yes followed at once by a no is a no ("udah
    nggak", "iya gak kok"; not "iya biar gak nyusahin"); "ya kali", "ya ampun", "ada apa" say neither; a word
    of the question said back (`asked`: its words not under a negation, as the statement has them) is a yes, unless
    it is a word that answers nothing ("buat", "sama", "yang"), and so is "lagi" to "sedang ...?"."""
    i = 0
    while i < len(tokens) and i < LOOK and tokens[i].text in LEAD:
        i += 1
    if i == len(tokens):
        return OTHER, None
    word = tokens[i].text
    if word in NO_WORDS:
        return NO, i
    after = tokens[i + 1].text if i + 1 < len(tokens) else ""
    if (word, after) in NEITHER:
        return OTHER, None
    echoed = word in asked and word not in _ASKING and word not in _FUNCTION and len(word) > 2
    doing = word == "lagi" and bool(asked & {"sedang", "lagi"})  # "lagi kak" to "kamu sedang ...?": I am
    if word in YES_WORDS or echoed or doing or (word, after) in _PAIRS:
        if after in NO_WORDS:
            return NO, i + 1
        return YES, i
    return OTHER, None


def told(asking: str, asked_tokens: list[Token], tokens: list[Token], answer: str) -> tuple[str, int, int] | None:
    """What an answer tells read with the yes-or-no question `asking` (its tokens, and the answer's): the question as
    the client's statement with `answer` on a line after it, where the answer starts in that text, and the index of
    the answer's word that said so; None when it tells nothing read here (a question that asks with a word, a question
    back, an answer that is neither yes nor no, a yes to what keeps the client safe, a no to anything but whether the
    client is safe or the danger has passed: `denial`)."""
    if asks_with_a_word(asking, asked_tokens) or answer.rstrip().endswith("?"):
        return None  # a question that asks with a word; a question back
    answered, at = polarity(tokens, frozenset(tok.text for tok in asked_tokens if not tok.neg))
    if at is None:
        return None
    said, offset = statement(asked_tokens, answer)
    if answered == YES:
        if PROTECTIVE.search(said[:offset]):
            return None
        if tokens[at].text == "masih" and _NO_LONGER.search(said, 0, offset):  # "udah gak kepikiran ...?" "masih":
            claim = _NO_LONGER.sub("masih", said[:offset - 1], count=1)  # still thinking of it
            return claim + "\n" + answer, len(claim) + 1, at
        return said, offset, at  # "iya" to "udah gak ...?" agrees: the model reads "sudah tidak nyilet", "... hidup"
    before = tokens[at - 1].text if at else ""
    after = [tok.text for tok in tokens[at + 1:at + 4]] or [""]
    if before in YES_WORDS or after[0] == "ada" or {"lagi", "sudah"} & set(after):
        return None  # "udah nggak ada", "nggak ada obat di kamarku", "gak muncul lagi", "nggak, udah hilang": gone
    if (tokens[at].text, after[0]) in _FINE_OR_UNSURE:
        return None  # "nggak papa", "gak tau": fine, unsure
    denied = denial(said[:offset - 1])
    return None if denied is None else (denied + "\n" + answer, len(denied) + 1, at)


def denial(claim: str) -> str | None:
    """The client's statement `claim` (a question made theirs) as a no to it says it, when the question asked whether
    they are safe or the danger has passed (`_STILL`): "aku sudah buang silet itu" answered "belum" says "aku belum
    buang silet itu", "aku aman malam ini" answered "nggak" says "aku tidak aman malam ini". None for any other
    question: a no to a screening question is a denial and says nothing; so does a no to a question already negated
    ("aku tidak aman di rumah?")."""
    found = _STILL.search(claim)
    if found is None or _SUPPORT.search(claim):
        return None  # not about safety; about people or services: "is it safe enough to contact SAPA 129?" "no"
    start = claim.rfind(",", 0, found.start()) + 1  # the clause the question's point is in
    end = claim.find(",", found.end())
    end = len(claim) if end < 0 else end
    clause = claim[start:end]
    if any(word in NEGATIONS for word in clause[:found.start() - start].split()):
        return None
    done = [m for m in re.finditer(r"\bsudah\b", clause) if m.start() <= found.start() - start]
    if done:  # the "sudah" of what was asked is what a no denies: "belum"
        said = clause[:done[-1].start()] + "belum" + clause[done[-1].end():]
    else:  # "tidak" before the word that can be denied ("bisa", "mau", "ada"), else before the point itself
        able = [m.start() for m in _ABLE.finditer(clause, 0, found.start() - start)]
        at = able[-1] if able else found.start() - start
        said = clause[:at] + "tidak " + clause[at:]
    return claim[:start] + said + claim[end:]
