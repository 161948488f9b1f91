"""What a counselor's message asks a practice client about: a topic of its life (sleep, work, family...)
or an assessment question (the C-SSRS screener, plan, means, whereabouts, companions, protective factors,
the Stanley-Brown safety-plan steps, a referral). Keyword heuristics in Indonesian (formal and chat) and
English; pure functions, deterministic."""

from __future__ import annotations

from curhat_tui.domain.patterns import LazyPattern, rx
from curhat_tui.domain.persona_model import TOPICS

_TOPIC_WORDS: dict[str, LazyPattern] = {
    "feelings": rx(r"\bperasaan", r"\brasanya\b", r"\b(ngerasa|merasa|rasain)\b", r"\bemosi", r"\bfeel"),
    "sleep": rx(r"\btidur", r"\bbegadang", r"\binsomnia", r"\bngantuk", r"\bsleep", r"\bistirahat"),
    "eating": rx(r"\bmakan", r"\bnafsu makan", r"\blapar", r"\b(eat|eating|appetite|food)\b"),
    "family": rx(r"\bkeluarga", r"\b(ortu|orang ?tua|orangtua)", r"\b(bapak|ayah|ibu|mama|papa|nyokap|bokap|emak)(mu)?\b",
                 r"\badik", r"\b(family|parents?|mother|father|mom|dad)\b"),
    "partner": rx(r"\b(pacar|suami|istri|pasangan|mantan|gebetan)", r"\b(partner|boyfriend|girlfriend|husband|wife)\b"),
    "children": rx(r"\banak(mu|nya)?\b(?! kos)", r"\bsi kecil", r"\b(children|kids?|son|daughter)\b"),
    "work": rx(r"\bkerja", r"\bkantor", r"\batasan", r"\bbos\b", r"\bphk\b", r"\bngojol", r"\b(job|work|boss|office)\b"),
    "study": rx(r"\bkuliah", r"\bskripsi", r"\b(dosen|dosbing)", r"\bkampus", r"\bipk\b", r"\bjurusan", r"\bsemester",
                r"\b(study|studies|thesis|college|university|grades?)\b"),
    "money": rx(r"\b(uang|duit|gaji|keuangan|biaya|penghasilan|pemasukan)", r"\b(money|income|salary)\b"),
    "debt": rx(r"\b(utang|hutang|pinjol|cicilan|tagihan|kredit)", r"\b(debt|loan)s?\b"),
    "friends": rx(r"\b(teman|temen|sahabat|kawan)", r"\bfriends?\b"),
    "health": rx(r"\b(sehat|kesehatan|dokter|sakit)\b", r"\b(health|doctor|ill|sick)\b"),
    "body": rx(r"\b(badan|tubuh|dada|napas|nafas|jantung|berat badan)\b", r"\b(body|chest|breath|breathing)\b"),
    "faith": rx(r"\b(tuhan|allah|agama|ibadah|sholat|shalat|salat|doa|berdoa|gereja|masjid|iman)\b",
                r"\b(god|pray|prayer|faith|church|religion)\b"),
    "substance": rx(r"\b(alkohol|mabuk|miras|narkoba|ciu|minum-minum|minuman keras)\b", r"\b(drunk|alcohol|drugs?)\b"),
    "gambling": rx(r"\b(judi|judol|slot|taruhan|gacor)\b", r"\bgambl"),
    "sexuality": rx(r"\b(orientasi|gay|lesbian|lgbt|seksual|queer|coming out|biseksual)\b"),
    "school": rx(r"\b(sekolah|kelas|sma|smp|smk|wali kelas)\b", r"\b(school|teacher|class)\b"),
    "online": rx(r"\b(medsos|media sosial|ig|instagram|tiktok|twitter|game|online|internet)\b", r"\bsocial media\b"),
    "violence": rx(r"\b(pukul|mukul|dipukul|kasar|kekerasan|kdrt|main tangan|ditampar|didorong)\b",
                   r"\b(hit|hits|violence|violent|abuse)\b"),
    "voices": rx(r"\b(suara-suara|bisikan|halusinasi|dengar suara|mendengar suara)\b", r"\bvoices?\b"),
    "safety": rx(r"\baman\b", r"\b(safe|safety)\b"),
    "past": rx(r"\bdulu\b", r"\bmasa (lalu|kecil)", r"\bwaktu kecil", r"\b(past|childhood|used to)\b"),
    "future": rx(r"\bke ?depan", r"\bmasa depan", r"\bnanti(nya)?\b", r"\b(future|next)\b"),
    "help": rx(r"\b(bantuan|dukungan|tolong|dibantu)\b", r"\b(help|support)\b"),
}
assert set(_TOPIC_WORDS) == set(TOPICS)


def topic_of(text: str) -> str:
    """The topic a counselor's message is most about ('' when none): the one with the most keyword hits,
    the first in TOPICS on a tie."""
    best, hits = "", 0
    for topic in TOPICS:
        count = len(_TOPIC_WORDS[topic].findall(text))
        if count > hits:
            best, hits = topic, count
    return best


_MEANS_WORDS = r"(obat|pil|tali|pisau|silet|cutter|racun|senjata|bahan|alat|barang|pills?|rope|knife|blade|gun|weapon|poison)"
# (key, pattern), most specific first: the first that matches is what was asked (q5 before q4: the screener's
# question 5 asks about the details and then about the intention to carry them out)
_ASSESSMENT: tuple[tuple[str, LazyPattern], ...] = (
    ("referral_yes", rx(
        r"\b(mau|bersedia|maukah|siap|oke|setuju|gimana kalau|bagaimana kalau|gimana kalo)\b.{0,40}"
        r"\b(dirujuk|rujuk|ke (psikolog|psikiater|puskesmas|dokter|layanan|rs|rumah sakit|konselor)|"
        r"dihubungkan|menghubungi (layanan|psikolog|psikiater)|ngobrol sama (psikolog|profesional))",
        r"\b(rujukan|merujuk)\b.{0,30}\b(mau|bersedia|gimana|bagaimana|oke)\b",
        r"\b(willing|open) to (see|talk|call|contact|be referred)", r"\brefer(ral)? you\b", r"\bwould you (see|call|contact)\b")),
    ("means_safety", rx(
        rf"\b(jauhkan|menjauhkan|simpan|titip|titipkan|menitipkan|serahkan|buang|singkirkan|amankan|kunci)\b.{{0,40}}\b{_MEANS_WORDS}",
        rf"\b{_MEANS_WORDS}.{{0,40}}\b(dijauhkan|disimpan|dititipkan|diserahkan|dibuang|disingkirkan|diamankan|lebih aman)",
        r"\bmake (it|things|your (home|room|place)) safer\b", rf"\b(give|hand|lock|put)\b.{{0,30}}\b{_MEANS_WORDS}")),
    ("q6b", rx(r"\b(tiga|3) bulan", r"\b(three|3) months\b")),
    ("q6", rx(
        r"\b(pernah|sudah|udah)\b.{0,25}\b(melakukan|ngelakuin|mencoba|nyoba|menyiapkan|nyiapin|mempersiapkan|"
        r"memulai|mulai)\b.{0,40}\b(mengakhiri|akhiri|ngakhirin|bunuh|nyawa|hidup|mati)",
        r"\bpercobaan bunuh diri", r"\bever (done|started|prepared|tried|attempted)\b", r"\battempt")),
    ("q5", rx(r"\b(detail|detailnya|rinci|rincian|rinciannya|menyusun|nyusun)\b", r"\bwork(ed)? out\b", r"\bdetails\b")),
    ("q4", rx(r"\b(niat|berniat|intensi|bermaksud)\b", r"\bakan (melakukan|ngelakuin)", r"\bbakal (ngelakuin|dilakuin)",
              r"\b(intention|intend|act on)\b")),
    ("plan", rx(r"\brencana", r"\bkapan\b.{0,30}\b(melakukan|ngelakuin|mau)", r"\bplan(s|ned|ning)?\b")),
    ("q3", rx(r"\b(cara|caranya|metode)\b", r"\bhow (you|to) (would|might|could)? ?(do|end|kill)", r"\bmethod\b",
              r"\bthought about how\b")),
    ("q2", rx(
        r"\b(pikiran|kepikiran|berpikir|berpikiran|mikir|memikirkan)\b.{0,25}\b(bunuh diri|mengakhiri hidup|"
        r"ngakhirin hidup|akhiri hidup|membunuh diri|bundir)", r"\bmembunuh (diri|dirimu)",
        r"\b(thoughts?|thinking|thought) (of|about) (killing yourself|suicide|ending your life)",
        r"\bbunuh diri\b", r"\bsuicid")),
    ("q1", rx(
        r"\b(berharap|harap|ingin|pengen|pingin|mau)\b.{0,15}\b(mati|meninggal|tidak ada|nggak ada|gak ada)\b",
        r"\b(mending|lebih baik)\b.{0,10}\b(mati|tidak ada|nggak ada|gak ada)\b",
        r"\b(tidur|tertidur)\b.{0,10}\b(tidak|nggak|gak|ga)\b.{0,5}\bbangun", r"\bwish(ed)? (you were|to be) dead\b",
        r"\b(want|wanted|wanting) to die\b", r"\bnot wake up\b", r"\bgo to sleep and not\b")),
    ("means", rx(
        rf"\b(punya|ada|akses|nyimpen|menyimpan|siapin|menyiapkan|dapat|dapet|beli)\b.{{0,30}}\b{_MEANS_WORDS}",
        rf"\b{_MEANS_WORDS}\b.{{0,30}}\b(di ?mana|dimana|ada|punya|gampang|mudah)\b", r"\bakses\b",
        r"\b(access|means)\b")),
    ("protective", rx(
        r"\b(alasan|yang bikin|yang membuat|apa yang)\b.{0,25}\b(bertahan|tetap hidup|kuat|hidup|menahan|nahan)",
        r"\bmasih bertahan", r"\breasons? (for|to) (living|live|stay)", r"\bkeeps? you going\b",
        r"\bwhat (stops|stopped|holds|held) you\b")),
    ("warning_signs", rx(
        r"\b(tanda|tanda-tanda|tanda2|pertanda)\b", r"\bsebelum\b.{0,30}\b(muncul|datang|parah|memburuk|kambuh|kepikiran)",
        r"\bwarning signs?\b", r"\bwhat happens (just )?before\b")),
    ("distraction", rx(
        r"\b(mengalihkan|alihkan|ngalihin|teralihkan|pengalih)\b", r"\b(tempat|orang)\b.{0,15}\b(bikin|membuat)\b.{0,10}"
        r"\b(tenang|lupa|nyaman|lebih baik)", r"\b(take your mind off|distract)")),
    ("coping", rx(
        r"\b(apa|hal) (yang )?(bisa )?(kamu )?(lakukan|lakuin|kerjain)\b.{0,20}\b(sendiri|menenangkan|nenangin|"
        r"bertahan|melewati|ngelewatin)", r"\bmenenangkan diri", r"\bnenangin diri", r"\b(cope|coping)\b",
        r"\bon your own\b")),
    ("help_people", rx(
        r"\b(siapa|orang)\b.{0,20}\b(bisa|dapat|mau)\b.{0,15}\b(hubungi|dihubungi|kontak|mintai tolong|dimintai tolong|"
        r"minta tolong|bantu|membantu|telepon|ditelepon|chat|dichat|percaya|dipercaya)",
        r"\bminta (tolong|bantuan)\b.{0,20}\b(siapa|ke)\b", r"\bwho (could|can|would) you (call|ask|reach|contact|text)",
        r"\bsomeone you trust\b")),
    ("professionals", rx(
        r"\b(psikolog|psikiater|puskesmas|layanan|profesional|konselor|rumah sakit|igd|hotline|119|dokter)\b",
        r"\b(professional|therapist|psychologist|psychiatrist|clinic|hotline|service)s?\b")),
    ("companions", rx(
        r"\b(siapa|ada orang|ada yang|ada siapa)\b.{0,30}\b(nemenin|menemani|bersama|sama kamu|sama mbak|di rumah|"
        r"di sana|di situ|di dekat|dekat)", r"\b(lagi|sedang|masih|kamu) sendiri(an)?\b[^?]{0,15}\?",
        r"\b(who is|who'?s|anyone|someone|who could be) (with|near|stay with) you\b", r"\bare you alone\b")),
    ("whereabouts", rx(
        r"\b(di ?mana|dimana)\b.{0,15}\b(kamu|sekarang|posisi|saat ini)\b", r"\b(kamu|km)\b.{0,15}\b(di ?mana|dimana)\b",
        r"\blagi di ?mana", r"\bposisi(mu)?\b", r"\baman\b.{0,20}\b(sekarang|saat ini|nggak|gak|ga|tidak|di rumah)",
        r"\b(sekarang|saat ini)\b.{0,20}\baman\b", r"\bwhere are you\b", r"\bare you safe\b", r"\bsafe (right )?now\b",
        r"\b(dia|suami(mu)?|pelaku)\b.{0,20}\b(di rumah|ada di rumah|pulang)")),
)
ASSESSMENT_KEYS = tuple(key for key, _ in _ASSESSMENT)
# when the persona has no line for what was asked, the nearest one it has
NEAREST = {"plan": ("q5", "q3"), "q5": ("plan",), "q3": ("plan", "means"), "means": ("q3",),
           "means_safety": ("means",), "q6b": ("q6",), "professionals": ("referral_yes",),
           "referral_yes": ("professionals",), "companions": ("help_people",), "help_people": ("companions",),
           "whereabouts": ("companions",), "distraction": ("coping",), "coping": ("distraction",)}


# A counselor introducing themselves or the service ("halo, aku Ani, konselor di sini", "terima kasih sudah
# menghubungi layanan kami") asks about no professional: these spans are set aside before the questions are read.
_INTRODUCTIONS = rx(
    r"\b(aku|saya|gue|gw|namaku|nama saya|perkenalkan)( [a-z]+,)? (adalah |seorang |sebagai )?(konselor|pendamping|"
    r"relawan|listener|counsell?or)\b", r"\blayanan (ini|kami|curhat)\b",
    r"\b(selamat datang|terima kasih|makasih|thanks?)\b[^.?!]{0,40}\b(layanan|service)\b",
    r"\bi('m| am)( [a-z]+,)? (a |an |your )?(volunteer |peer )?(counsell?or|listener|volunteer)\b",
    r"\b(this|our) service\b")


def assessment_of(text: str) -> str:
    """The assessment question `text` asks ('' when it asks none of them)."""
    low = _INTRODUCTIONS.sub(" ", " ".join(text.lower().split()))
    for key, pattern in _ASSESSMENT:
        if pattern.search(low):
            return key
    return ""
