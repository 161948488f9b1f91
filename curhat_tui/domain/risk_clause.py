"""Clause structure for the risk model: who does what to whom, and when.

A linear model over n-grams weighs words: "dia bunuh diri" (someone else) and "aku mau bunuh diri" share their
strongest words, and so do "dulu aku pernah nyilet, sekarang udah berhenti" and "semalem aku nyilet lagi". This
module cuts a message's normalised tokens into clauses (at a comma, a full stop, or a joining word such as
"tapi", "karena", "kalau", "pas") and reads in each clause:

* the harm-related word classes it holds (dying, hurting, abuse, a means, a plan, a wish, being watched or
  controlled, voices, substances, putting something into a drink or food), each with whether a negation covers it;
* who does it (the nearest person word before the class word: the client "aku" and its chat, Javanese and
  Sundanese forms, all read as "aku" by the dictionary, or another person, "dia", "temanku", "suami", or a
  frame, "berita", "film") and to whom (the first person word after it; a "di-" verb turns the doer into the
  one it is done to), and whether anyone else is named after it in the clause at all: a fronted object puts
  the doer after the means ("racunnya udah aku campur ke kopi mandor"), and the target comes after the
  doer; what a class word is said to be for ("tali buat jemuran", "racun buat nanti malam", "tali buat
  gantung diri": a thing, a time, a harm, the client or someone else); a clause with no person word keeps the
  doer of the clause before it (Indonesian drops the subject: "aku udah beli racun, nanti malam mau diminum");
* when: a past ("dulu", "pernah", "waktu SMA", "tahun lalu"), a now ("sekarang", "barusan", "malam ini"),
  a condition ("kalau", "andai").

and, over the whole message, a joke ("wkwk", "canda"), a frame (news, a film, a study) and a resolution ("udah
sembuh", "sekarang aman"). The conjunctions become features ("S:self>die", "S:other>hurt>self",
"S:die@past", "S:self:wish+die", "S:neg die", "M:resolved+hurt") that the linear model weighs like any other;
each one covers its class word, so the evidence a counselor sees still points at the words of the message.

A feature beside the words cannot outvote them: "mati" keeps its weight in "berita: mahasiswa mati gantung
diri". So the structure also GATES (`gated()`): a word of dying or hurting done by someone else to someone
else, any class word in a message about news, a film or a study, and any class word in a past clause of a
message that says it is over ("udah sembuh", "sekarang aman") is read apart, as "~mati", with n-grams and
character n-grams of its own that the model learns separately from the client's own "mati". Abuse (done to
the client) and a past not told as over are read as they are. A word of dying or hurting that its clause calls a
sin or no way out ("bunuh diri itu dosa besar") is read as denied (risk_moral.py).
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from curhat_tui.domain.risk_text import Token

_PRE = r"(?:di|ter|ke|me|mem|men|meng|meny|nge|ng|ny|n)?"
_SUF = r"(?:in|kan|an|i|nya|ku|mu|ke|ne|ni|no|ake|ing|ed|s)*"


def _cls(stems: str) -> re.Pattern[str]:
    return re.compile(rf"^{_PRE}({stems}){_SUF}$")


# The classes, over canonical words (the dictionary has already read "nyilet" as "silet", "pengen" as "ingin").
CLASS_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("die", _cls(r"mati|meninggal|bunuh|gantung|akhiri|akhirin|lompat|loncat|tewas|nyawa|udahan|mampus|modar|die|dead|"
                 r"suicide|wafat|lenyap|nyusul|pateni|mateni|paeh|paehan|nglalu|tiada|koit|ajal")),
    ("hurt", _cls(r"sayat|silet|iris|sundut|bakar|bentur|pukul|gigit|cakar|garuk|tusuk|tikam|bacok|hajar|tonjok|"
                  r"tendang|cekik|banting|siram|luka|lukai|sakiti|celaka|tampar|aniaya|siksa|gebuk|hit|hurt|cut|"
                  r"burn|beat|punch|kick|choke|stab|memar|berdarah|gores|goresan|sayatan|dorong|lempar|jambak|lebam|cubit|"
                  r"seret|injak|cambuk|setrum|sulut|hantam|gampar|jotos|tinju|jewer|colok|gorok|habisi|slap|shove|"
                  r"push|strangle|smother|bruise|bruises|gebug|keplak|sembelih")),
    ("abuse", _cls(r"paksa|perkosa|leceh|lecehkan|cabul|cabuli|raba|ancam|ancem|kunci|kurung|sekap|rape|molest|threat|"
                   r"threaten|sebar|intip|grepe|sita|peras|colek|remas|nyelinap|sentuh|pegang|touch|touched")),
    ("means", _cls(r"obat|racun|tali|pisau|silet|senjata|arang|bensin|rel|jembatan|atap|tebing|jurang|pestisida|"
                   r"cutter|celurit|golok|parang|pil|baygon|pistol|insulin|penenang|rooftop|flyover|ketinggian|jarum|"
                   r"gunting|tiner|thinner|karbol|porstex|beling|jerigen|gun|rope|knife|pills|poison|bleach|peniti")),
    ("plan", _cls(r"rencana|akan|bakal|mau|siap|siapkan|beli|kumpul|simpan|tulis|pamit|titip|terakhir|tentukan|"
                  r"putuskan|arep|gonna|will|wasiat|surat|survei|stok|tabung|checkout|lunas|lunasi|jadwal|jadwalkan|"
                  r"schedule|mantap|tekad|niat|decided|plan|ready")),
    ("wish", _cls(r"ingin|berharap|harap|semoga|andai|rela|mending|mendingan|doa|moga|wish|hope|kepikiran|pikir")),
    ("watch", _cls(r"awasi|awas|pantau|ikuti|kamera|cctv|sadap|penyadap|rekam|lacak|intai|kendali|kendalikan|"
                   r"chip|track|tracking|stalking|intel|satelit|sinyal|suruhan|watch|watched|followed|control|"
                   r"kode|pancar|pancarkan|tanam|pelacak|radiasi|hipnotis|santet|kontrol|broadcast|implant|spy|"
                   r"gelombang|pelet")),
    ("voice", _cls(r"suara|bisik|bisikan|voice|voices|perintah|suruh")),
    ("into", _cls(r"campur|tuang|tabur|tetes|cemplung|aduk|spike|spiked")),  # into a drink or food: whose?
    ("subst", _cls(r"mabuk|narkoba|miras|sabu|ganja|oplosan|teler|fly|sakau|sakaw|overdosis|high|drunk|putaw|"
                   r"ekstasi|ciu|melayang|trihex|tramadol|koplo|lem|aibon|cimeng|shabu|inex|molly|mdma|xanax|vodka|"
                   r"whiskey|soju|arak|tuak|mabok|nyabu|alcohol|weed|cocaine|meth")),
)
SELF = frozenset({"aku", "kula", "urang", "inyong", "awakku", "ane", "gua", "diriku"})
OTHER = frozenset({"dia", "mereka", "ia", "beliau", "orang", "seseorang", "someone", "people", "si", "somebody",
                   "everyone", "him", "her", "them"})
_PEOPLE = re.compile(r"^(?:(?:teman|sahabat|adik|ibu|ayah|bapak|mama|papa|suami|istri|pacar|mantan|tetangga|sepupu|"
                     r"om|paman|tante|bos|atasan|majikan|guru|dosen|anak|nenek|kakek|mertua|ipar|cowok|cewek|pria|"
                     r"wanita|polisi|sopir|artis|aktor|tokoh|karakter|korban|mahasiswa|warga|bayi|keluarga|ortu|"
                     r"friend|boyfriend|girlfriend|husband|wife|mom|dad|brother|sister|stepdad|bojo|"
                     # roles a grudge names (the thirty-fourth round): whose drink, whose house, whose motorbike
                     r"mandor|senior|rekan|kolega|juragan|rentenir|tengkulak|penagih|pelakor|pebinor|selingkuhan|"
                     r"supervisor|spv|manajer|manager|ketua|pelatih|sipir|satpam|pasien|penumpang|murid|siswa|santri|"
                     r"ustadz|ustad|menantu|kating|kades|lurah|pemilik|boss|coworker|landlord|"
                     r"pasangan|partner|kekasih|tunangan)(?:ku|nya|mu)?"  # a partner (session 42)
                     r"|kakak(?:ku|nya|mu))$")
_OWN = re.compile(r"^[^\W\d_]{3,}ku$")  # "tanganku", "hidupku": the client's own (a person word is read first)
REFLEXIVE = frozenset({"diri", "sendiri", "myself", "herself", "himself", "themselves", "dirinya"})  # done to: "bunuh diri"
FRAME = frozenset({"berita", "film", "novel", "game", "lagu", "lirik", "drama", "drakor", "sinetron", "series",
                   "buku", "artikel", "skripsi", "penelitian", "materi", "presentasi", "podcast", "anime", "komik",
                   "netflix", "movie", "show", "news", "episode", "adegan", "scene", "horor", "makalah", "seminar",
                   "webinar", "dokumenter", "cerpen", "manga"})
PAST = frozenset({"dulu", "pernah", "dahulu", "biyen", "sempat", "sempet", "jaman", "zaman", "semasa", "bekas",
                  "used", "ago", "mbiyen", "baheula", "kapungkur"})
_PAST_AFTER = frozenset({"waktu", "masa", "pas", "jaman", "zaman"})  # "waktu SMA", "pas kecil"
_SCHOOL = frozenset({"sma", "smp", "sd", "smk", "kecil", "kuliah", "remaja", "muda", "itu"})
NOW = frozenset({"sekarang", "barusan", "sedang", "tadi", "nanti", "besok", "tonight", "now", "kini", "subuh",
                 "semalam", "semalem", "currently", "already", "malam", "sebentar"})
RESOLVED = frozenset({"sembuh", "pulih", "membaik", "stabil", "aman", "bahagia", "senang", "seneng",
                      "bangga", "better", "okay", "fine", "recovered", "helped", "berhenti", "bersih", "terapi",
                      "kontrol", "ikhlas", "syukur", "alhamdulillah", "lega", "lancar", "baikan", "normal"})
JOKE = frozenset({"wkwk", "canda", "bercanda", "becanda", "kidding", "jk", "bcanda", "guyon", "heureuy"})
HYPO = frozenset({"kalau", "jika", "seandainya", "andai", "misal", "misalnya", "if", "umpama", "semisal", "jikalau",
                  "nek", "lamun"})
PURPOSE = frozenset({"buat", "kanggo", "dinggo", "kangge", "pikeun", "keur", "for"})  # "tali buat jemuran": what for
JOINS = frozenset({"tapi", "tetapi", "namun", "padahal", "karena", "soalnya", "terus", "lalu", "kalau", "jika",
                   "biar", "supaya", "pas", "but", "because", "so", "then", "when", "if", "while", "although",
                   "sedangkan", "sementara", "nek", "lamun", "trus"})


# Vanishing as a wish to be dead (since the tenth round): in "rasanya pengen ngilang aja", "mau lenyap dari dunia
# ini" the lexicon rules read the vanishing word as "mati" (dying; euphemisms(), called by RiskDetector._hits), when
# a wish comes before it in its clause and nothing after it but words that close such a wish; "pengen ngilang dulu
# ke pantai", "ngilang dari grup kantor", "hpku hilang" stay as they are. The model's features are not changed.
VANISH = frozenset({"hilang"})  # the dictionary reads ngilang, ilang, menghilang, lenyap, leungit so
_WANTS = frozenset({"ingin", "mau", "semoga", "moga", "andai", "mending", "mendingan", "berharap", "rela", "wish"})
_CLOSES = frozenset({"saja", "deh", "sih", "ya", "kak", "kok", "selamanya", "rasanya", "dari", "dunia", "bumi", "ini",
                     "untuk", "buat", "gitu", "banget", "rasane", "kayaknya", "lah", "kali"})


def vanishing(tokens: list[Token], k: int, i: int, j: int) -> bool:
    """Whether token k, a vanishing word in the clause [i, j), reads as a wish to be dead."""
    return (tokens[k].text in VANISH and any(tokens[m].text in _WANTS for m in range(i, k))
            and all(tokens[m].text in _CLOSES for m in range(k + 1, j)))


def euphemisms(tokens: list[Token]) -> list[Token]:
    """The tokens with each vanishing word that reads as a wish to be dead (vanishing()) read as "mati"; the token
    keeps its span, so the evidence still points at the word the client typed."""
    if not any(tok.text in VANISH for tok in tokens):
        return tokens
    out = list(tokens)
    for i, j in clauses(tokens):
        for k in range(i, j):
            if vanishing(tokens, k, i, j):
                out[k] = replace(tokens[k], text="mati")
    return out


_NASAL = (("ny", "s"), ("ng", "k"), ("n", "t"), ("m", "p"))  # nusuk <- tusuk, mukul <- pukul, nyayat <- sayat


def _forms(word: str) -> list[str]:
    """A word and the stems its verb prefixes may hide, in a fixed order: "menusuk", "nusuk" -> "tusuk";
    "ngunci" -> "kunci"; "ngiris" -> "iris"."""
    forms = [word, word[2:]] if word.startswith("me") and len(word) > 5 else [word]
    out = list(forms)
    for form in forms:
        for nasal, first in _NASAL:
            if form.startswith(nasal) and len(form) > len(nasal) + 2:
                out.append(first + form[len(nasal):])
                if nasal == "ng":
                    out.append(form[2:])
                break
    return out


@lru_cache(maxsize=8192)
def _matched(word: str) -> tuple[str, bool, str, str] | None:
    """A word's harm class, whether it is a "di-" (passive) form, the stem the class knows in it and what follows."""
    for form in _forms(word):
        for name, pattern in CLASS_WORDS:
            found = pattern.match(form)
            if found:
                passive = form.startswith("di") and pattern.match(form[2:]) is not None
                return name, passive, found.group(1), form[found.end(1):]
    return None


def word_class(word: str) -> tuple[str, bool] | None:
    """A word's harm class and whether it is a "di-" (passive) form, or None."""
    hit = _matched(word)
    return None if hit is None else hit[:2]


# The chat "I did it" form: "ku" before a verb ("kutusuk", "kuhabisi", "racunnya udah kusimpan"), as "aku tusuk"
# (since session 41; before, only a verb the slang dictionary rewrites, "kunyayat", "kubeli"). Only a verb of a class
# harm is told with, so "kuliah", "kurang", "kuning", "kumaha" stay words; not a plan verb ("kulunasi": tried, and
# ordinary debts paid and cards written were called imminent on the development sets).
_KU = frozenset({"die", "hurt", "abuse", "into", "means"})


def harm_verb(stem: str) -> bool:
    """Whether the rest of a "ku-" word is a verb of dying, hurting, abuse, a means or putting into food."""
    hit = word_class(stem)
    return hit is not None and hit[0] in _KU


# A verb of harm with the one it is done to as its suffix: "memukulku" (hits me), "menyentuhku", "nyakitinmu",
# "membunuhnya", read as "pukul aku", "sentuh aku", "sakiti kamu", "bunuh dia", so the clause reader sees who is hurt
# (session 42; before, "pukulku" was a word of its own). Only an affixed verb: "kunciku", "lukaku" are my key, my
# wound; never a passive ("dipukulnya": by him) nor a noun in -an ("pukulanku"). With "-nya" (him, her or it) only
# a verb done to a person: "membakarnya", "menyiramnya", "mendorongnya" are done to things as often.
_DONE_TO = {"ku": "aku", "mu": "kamu", "nya": "dia"}
_TO_SOMEONE = frozenset({"hurt", "abuse"})
_KILL = frozenset({"bunuh", "pateni", "mateni", "paehan"})
_TO_A_PERSON = _KILL | frozenset({"pukul", "tampar", "tonjok", "tendang", "cekik", "bacok", "tikam", "hajar", "aniaya",
                                  "siksa", "gebuk", "jambak", "gampar", "jotos", "tinju", "perkosa", "leceh", "lecehkan",
                                  "cabuli", "ancam", "sekap", "celaka", "sakiti", "luka", "habisi", "raba", "grepe",
                                  "gebug", "keplak", "cubit", "jewer", "gorok", "peras"})


def done_to(typed: str, known: tuple[str, ...] | None, suffix: str) -> tuple[str, str] | None:
    """The verb and the one it is done to, when `typed` + `suffix` is an affixed verb of harm with its object (`known`:
    what the slang dictionary reads `typed` as, if anything)."""
    if suffix not in _DONE_TO or (known is not None and (len(known) != 1 or known[0] == typed)):
        return None
    read = _matched(known[0] if known is not None else typed)
    if read is None or read[1] or read[2] == typed or read[3] == "an" or not (read[0] in _TO_SOMEONE or read[2] in _KILL):
        return None
    if suffix == "nya" and read[2] not in _TO_A_PERSON:
        return None
    return (known[0] if known is not None else read[2]), _DONE_TO[suffix]


@lru_cache(maxsize=8192)
def who(word: str) -> str | None:
    """"self", "other", "frame" or "refl" (diri, sendiri) for a word naming who acts or is acted on, else None."""
    if word in SELF:
        return "self"
    if word in REFLEXIVE:
        return "refl"
    if word in OTHER or _PEOPLE.match(word):
        return "other"
    if word in FRAME:
        return "frame"
    if _OWN.match(word):
        return "self"
    return None


def clauses(tokens: list[Token]) -> list[tuple[int, int]]:
    """The clauses [i, j) of a token list: cut at a comma or sentence end and before a joining word."""
    out: list[tuple[int, int]] = []
    start = 0
    for k, tok in enumerate(tokens):
        if k > start and (tok.brk or tok.cut or tok.text in JOINS):
            out.append((start, k))
            start = k
    if tokens:
        out.append((start, len(tokens)))
    return out


def _when(tokens: list[Token], i: int, j: int) -> str:
    for k in range(i, j):
        word = tokens[k].text
        if word in PAST or (word in _PAST_AFTER and k + 1 < j and tokens[k + 1].text in _SCHOOL) or (
                word == "lalu" and k > i and tokens[k - 1].text in {"tahun", "bulan", "minggu"}):
            return "past"
    for k in range(i, j):
        if tokens[k].text in NOW:
            return "now"
    if any(tokens[k].text in HYPO for k in range(i, j)):
        return "if"
    return "-"


def purpose(tokens: list[Token], k: int, j: int) -> str:
    """What the class word at `k` is said to be for, when a purpose word follows it in its clause [.., j) (the first
    one, however far: "racun tikus udah aku beli buat sawah"): the client ("buat aku", "buat diriku"), someone else
    ("buat mandor"), a class of harm ("buat gantung diri"), a time ("buat nanti malam") or a thing ("buat jemuran",
    "buat sawah"); "not" when the purpose is denied ("racun bukan buat nyamuk": what it is NOT for tells nothing
    ordinary); "" when no purpose is said."""
    for m in range(k + 1, j):
        if tokens[m].text in PURPOSE and m + 1 < j:
            if tokens[m].neg:
                return "not"
            aim = tokens[m + 1].text
            person = who(aim)
            if person in ("self", "refl", "other"):
                return "other" if person == "other" else "self"
            hit = word_class(aim)
            if hit is not None:
                return hit[0]
            return "now" if aim in NOW else "thing"
    return ""


def clause_grams(tokens: list[Token]) -> list[tuple[str, int, int]]:
    """The structure features of a text with the tokens they cover (each covers its class word)."""
    return read(tokens)[0]


DIE_OR_HURT = frozenset({"die", "hurt"})  # the classes read apart (gated()) and judged (risk_moral)


def read(tokens: list[Token]) -> tuple[list[tuple[str, int, int]], set[int]]:
    """The structure features of a text with the tokens they cover, and the class words to read apart (gated):
    dying or hurting done by someone else to someone else, anything in a past the message says is over, and
    dying, hurting or a means in a message about news, a film or a study."""
    grams: list[tuple[str, int, int]] = []
    gates: set[int] = set()
    over: list[int] = []
    words = {tok.text for tok in tokens}
    framed = any(who(w) == "frame" for w in words)
    present: dict[str, int] = {}  # class -> first token, over the message (not negated)
    doer = "-"
    for i, j in clauses(tokens):
        when = _when(tokens, i, j)
        found: list[tuple[str, int]] = []
        last = "-"
        people = [who(tokens[m].text) for m in range(i, j)]  # each word's person, read once for the whole clause
        for k in range(i, j):
            tok = tokens[k]
            person = people[k - i]
            if person is not None:
                if person != "refl":  # "diri", "sendiri" say to whom, never who
                    last = person
                continue
            hit = word_class(tok.text)
            if hit is None:
                continue
            name, passive = hit
            if tok.neg:
                grams += [(f"S:neg {name}", k, k + 1), (f"S:{last if last != '-' else doer}>neg {name}", k, k + 1)]
                continue
            agent = last if last != "-" else doer
            later = people[k - i + 1:]
            after = next((p for p in later if p is not None), "-")
            role = f"{agent}<" if passive else f"{agent}>"  # "aku dipukul": the client is the one it is done to
            grams += [(f"S:{role}{name}", k, k + 1), (f"S:{role}{name}>{after}", k, k + 1),
                      (f"S:{name}@{when}", k, k + 1), (f"S:{role}{name}@{when}", k, k + 1)]
            if "other" in later:  # "racunnya udah aku campur ke kopi mandor": the client acts, for him
                grams.append((f"S:{name}=>other", k, k + 1))
            aim = purpose(tokens, k, j)
            if aim:
                grams.append((f"S:{name}>for:{aim}", k, k + 1))
            if ((name in DIE_OR_HURT and agent in ("other", "frame") and not passive and after != "self")
                         or (framed and name in ("die", "hurt", "means"))):
                gates.add(k)
            if when == "past":
                over.append(k)
            found.append((name, k))
            present.setdefault(name, k)
        if last != "-":
            doer = last
        names = sorted({name for name, _ in found})
        first = {name: k for name, k in reversed(found)}
        for a_i, a in enumerate(names):
            for b in names[a_i + 1:]:
                grams += [(f"S:{doer}:{a}+{b}", first[a], first[a] + 1), (f"S:{doer}:{a}+{b}", first[b], first[b] + 1)]
    if words & RESOLVED:
        gates.update(over)
    context = [name for name, found in (("joke", words & JOKE), ("frame", {w for w in words if who(w) == "frame"}),
                                        ("resolved", words & RESOLVED), ("past", words & PAST)) if found]
    for ctx in context:
        grams += [(f"M:{ctx}+{name}", k, k + 1) for name, k in present.items()]
    return grams, gates


def gated(tokens: list[Token]) -> tuple[list[Token], list[tuple[str, int, int]]]:
    """The tokens with their gated class words marked ("~mati": read apart from the client's own "mati"), and
    the structure features."""
    grams, gates = read(tokens)
    if not gates:
        return tokens, grams
    return [replace(tok, text="~" + tok.text) if k in gates else tok for k, tok in enumerate(tokens)], grams
