"""What a counselor's line does for safety: a Stanley-Brown safety-plan step, assessing the danger, a referral
or a check of the client's willingness, grounding, a judgement of the disclosure. (How a risk question is asked,
direct, leading or shaming, is the utterance coder's: `coding.risk_question`.)

Keyword heuristics in Indonesian and English, like the utterance coder: they read the trainee's own words
for the practice report. A direct, non-judgemental question about suicide is best practice (asking does not
plant the idea); a leading one ("kamu nggak kepikiran bunuh diri kan?") or a shaming one ("jangan aneh-aneh",
"itu dosa") invites a denial.
"""

from __future__ import annotations

import re

from curhat_tui.domain import coding
from curhat_tui.domain.patterns import lazy, rx

# judging a disclosure: the coder's shaming words (a shaming risk question) and a few ways of dismissing it
_JUDGING = rx(
    *coding.SHAMING_WORDS, r"aneh[- ]aneh", r"macam[- ]macam", r"jangan (mikir|berpikir|pikir)", r"\bistighfar\b",
    r"kasihan (orang ?tua|ortu|keluarga|ibumu|ayahmu|anakmu)", r"\bsin\b", r"\bsilly\b",
    r"don'?t be (stupid|silly|dramatic)", r"\bmasa(k)? (gitu|cuma)\b", r"\bgitu aja\b",
)


def judges(text: str) -> bool:
    """A line that shames or dismisses ("itu dosa", "jangan aneh-aneh", "lebay")."""
    return bool(_JUDGING.search(" ".join(text.lower().split())))


# ---- Stanley-Brown safety plan: the six steps, as a counselor asks about them ------------------------
SAFETY_STEPS = ("warning_signs", "coping", "distraction", "help_people", "professionals", "means_safety")
_STEPS = {
    "warning_signs": rx(r"tanda[- ]?(tanda )?(awal|peringatan|bahaya)", r"sebelum (pikiran|perasaan|rasa|dorongan)",
                        r"(apa|hal) yang (biasanya )?(terjadi|kamu rasakan|muncul) sebelum", r"\bpemicu", r"\bmemicu",
                        r"kapan (biasanya )?(pikiran|perasaan) itu (datang|muncul)", r"warning sign",
                        r"what (usually )?happens (right )?before", r"\btrigger"),
    "coping": rx(r"(bisa|biasa) (kamu )?lakukan sendiri", r"lakukan sendiri", r"menenangkan (diri|dirimu)",
                 r"(cara|hal) (yang )?(bikin|membuat) kamu (lebih )?tenang", r"bertahan (sampai|melewati)",
                 r"\bcoping\b", r"on your own to", r"calm yourself", r"get through (it|the night)"),
    "distraction": rx(r"mengalihkan", r"(orang|tempat|teman) yang (bisa )?(bikin|membuat) (kamu )?(lupa|senang|tenang|nyaman)",
                      r"\bdistract", r"take your mind off", r"(tempat|suasana) (yang )?(aman|nyaman) (buat|untuk) (kamu|dirimu)",
                      r"bikin pikiranmu teralih", r"menghibur"),
    "help_people": rx(r"siapa[^?]*(mintai tolong|minta tolong|hubungi|temani|menemani|nemenin|nemani|temenin|"
                      r"percaya|dekat|ada untukmu|bisa bantu)",
                      r"(orang|teman|keluarga|kakak|adik)[^?]*(bisa|dapat) (kamu )?(hubungi|mintai|telepon|temani)",
                      r"who (could|can|would) (you )?(ask|call|help|be with|stay with)", r"someone you trust",
                      r"who[^?]*(with you|help you)"),
    "professionals": rx(r"psikolog", r"psikiater", r"puskesmas", r"sejiwa", r"\b119\b", r"\b112\b", r"\bigd\b",
                        r"layanan (darurat|profesional|kesehatan jiwa|konseling)", r"tenaga (profesional|kesehatan)",
                        r"\bdokter\b", r"rumah sakit", r"professional", r"hotline", r"crisis line", r"\bdoctor\b",
                        r"healing119", r"jakcare"),
    "means_safety": rx(r"(jauhkan|menjauhkan|simpan|menyimpan|titip|titipkan|menitipkan|singkirkan|buang|kunci)[^.?]*"
                       r"(obat|pisau|tali|silet|racun|benda|senjata|pil)",
                       r"(obat|pisau|tali|silet|racun|benda|senjata|pil)[^.?]*(jauh|aman|titip|simpan|kunci|serahkan)",
                       r"\bakses\b[^.?]*(obat|benda|alat)", r"means", r"lock (it|them) away", r"(make|keep)[^.?]*safe(r)?\b.*"
                       r"(pills|medicine|knife|rope)", r"(pills|medicine|knife|rope|weapon)[^.?]*(away|safe|lock)"),
}


def safety_steps(text: str) -> set[str]:
    """The Stanley-Brown steps this line asks about or plans."""
    low = " ".join(text.lower().split())
    return {step for step, pattern in _STEPS.items() if pattern.search(low)}


# ---- assessing the danger now, and referral ------------------------------------------------------
_ASSESS = rx(r"\brencana\b", r"berharap (sudah )?mati", r"tidak bangun lagi", r"cara melakukan", r"\brincian",
             r"menyiapkan sesuatu", r"(3|tiga) bulan terakhir", r"wish(ed)? you were dead", r"how you (might|would) do",
             r"intention of acting", r"past (3|three) months", r"\bcara(nya)?\b.*\?", r"\b(kapan|di mana|dimana)\b.*\?",
             r"\bsekarang (kamu )?(di|lagi)\b",
             r"\b(aman|selamat)\b", r"\bsiapa\b.*\b(sama|bersama|dengan|temani|menemani|nemenin|nemani|temenin)",
             r"\bobat\b", r"\bniat\b",
             r"\bplan\b", r"\bsafe\b", r"\bwhere are you\b", r"\bwho is with you\b", r"alasan (untuk )?(tetap )?hidup",
             r"reasons? (to|for) liv", r"yang (bikin|membuat) kamu (tetap )?bertahan", r"keeps you going")
SERVICE = rx(r"\b(119|112|129|sejiwa|healing119|igd|jakcare|sapa|puskesmas|psikolog|psikiater|rumah sakit|dinas sosial|"
             r"hotline|crisis line|emergency)\b")
WILLING = rx(r"\b(bersedia|mau (mencoba|menghubungi|coba|nelpon|menelepon)|apakah kamu mau|kamu mau|maukah|"
             r"siap (menghubungi|mencoba)|willing|would you)\b", r"bagaimana perasaanmu kalau (mencoba )?menghubungi",
             r"how would you feel about (reaching|calling|contacting)")


_GROUNDING = rx(r"tarik napas", r"tarik nafas", r"napas(mu)? (pelan|dalam)", r"nafas(mu)? (pelan|dalam)",
                r"hitung (sampai|bareng|sama)", r"(sebutkan|sebut) (5|lima|4|empat|3|tiga) (hal|benda)",
                r"(rasakan|injak) (kaki|lantai)", r"\bkamu aman (di sini|sekarang|bersamaku)",
                r"aku (ada )?di sini (bersamamu|sama kamu|nemenin)", r"\bbreath", r"\bground(ing)?\b",
                r"name (5|five|4|four|3|three) things", r"feet on the floor", r"i'?m (here )?with you")


def grounds(text: str) -> bool:
    """A line that steadies a client in panic or distress (breathing, the senses, "aku di sini bersamamu")."""
    return bool(_GROUNDING.search(" ".join(text.lower().split())))


def safety_line(text: str) -> bool:
    """A line that belongs in a crisis: a plan step, assessing the danger, a service, willingness, or grounding."""
    return bool(safety_steps(text) or assesses_safety(text) or SERVICE.search(text) or WILLING.search(text)
                or grounds(text))


def assesses_safety(text: str) -> bool:
    """A line that asks about the danger now: plan, means, where the client is, who is with them, reasons to live."""
    return bool(_ASSESS.search(" ".join(text.lower().split())))


# ---- saying back what the client said -------------------------------------------------------------
_PRONOUNS = {"aku": "kamu", "saya": "kamu", "gue": "kamu", "gua": "kamu", "gw": "kamu", "ak": "kamu", "i": "you",
             "my": "your", "me": "you", "i'm": "you're", "im": "you're", "am": "are", "myself": "yourself",
             "mine": "yours", "i've": "you've", "i'd": "you'd", "ku": "kamu"}
_NOT_POSSESSIVE = frozenset("buku laku kuku saku paku baku suku siku tiku kaku aku waktu kaku laluku".split())
_FILLERS = frozenset("kak kakak kk ka sis bro mas mbak deh sih dong ya yah nih tuh hmm hm eh wkwk huhu".split())
_WORD = lazy(r"[\w'-]+|[^\w\s]", re.UNICODE)


def second_person(text: str, max_words: int = 14) -> str:
    """The client's words turned toward them ("aku capek sama suamiku" -> "kamu capek sama suamimu"), their longest
    sentence only, fillers like "kak" dropped: the core of a reflection a trainee could have written."""
    clauses = [c for c in re.split(r"[.!?;\n]+", text.strip()) if c.strip()] or [text]
    clause = max(reversed(clauses), key=lambda c: len([w for w in c.split() if w.lower() not in _FILLERS]))
    words: list[str] = []
    for token in _WORD.findall(clause):
        low = token.lower()
        if low in _FILLERS:
            continue
        if low in _PRONOUNS:
            words.append(_PRONOUNS[low])
        elif len(low) > 4 and low.endswith("ku") and low not in _NOT_POSSESSIVE and low.isalpha():
            words.append(token[:-2] + "mu")
        else:
            words.append(token)
    kept = [w for w in words if w not in ".!?;"][:max_words]
    out = " ".join(kept).replace(" ,", ",").strip(" ,")
    return out
