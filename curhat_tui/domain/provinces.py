"""Indonesia's 38 provinces, and which one a client means when they answer "where do you live?" in chat.

The intake asks a waiting client for their province or city (optional) so that a referral script lists the
services of that province first (`redflags.RedFlagBook.offered`). People answer with a city ("Surabaya"), a
common short form ("jatim", "jogja", "jaksel") or the province itself, in any case and with filler words around
it ("aku di malang kak"). Names are spelt as in data/directory.toml's `province`. Pure: no I/O.
"""

from __future__ import annotations

import re

from curhat_tui.domain.redflags import province_key

# canonical name -> what else people write for it: short forms and the main cities (lowercase, whole words)
PROVINCES: dict[str, tuple[str, ...]] = {
    "Aceh": ("nad", "banda aceh", "lhokseumawe", "langsa", "meulaboh"),
    "Sumatera Utara": ("sumut", "sumatra utara", "medan", "binjai", "pematangsiantar", "siantar", "sibolga",
                       "tebing tinggi", "deli serdang", "padang sidempuan", "padangsidimpuan"),
    "Sumatera Barat": ("sumbar", "sumatra barat", "padang", "bukittinggi", "payakumbuh"),
    "Riau": ("pekanbaru", "dumai"),
    "Kepulauan Riau": ("kepri", "batam", "tanjungpinang", "tanjung pinang"),
    "Jambi": (),
    "Sumatera Selatan": ("sumsel", "sumatra selatan", "palembang", "prabumulih", "lubuklinggau"),
    "Kepulauan Bangka Belitung": ("babel", "bangka belitung", "bangka", "belitung", "pangkalpinang"),
    "Bengkulu": (),
    "Lampung": ("bandar lampung", "bandarlampung"),
    "DKI Jakarta": ("jakarta", "jkt", "dki", "jaksel", "jakbar", "jaktim", "jakut", "jakpus", "jakarta selatan",
                    "jakarta barat", "jakarta timur", "jakarta utara", "jakarta pusat"),
    "Jawa Barat": ("jabar", "bandung", "bekasi", "depok", "bogor", "cimahi", "cirebon", "sukabumi", "tasikmalaya",
                   "tasik", "karawang", "garut", "purwakarta", "cianjur"),
    "Banten": ("tangerang", "tangsel", "tangerang selatan", "serang", "cilegon", "pandeglang"),
    "Jawa Tengah": ("jateng", "semarang", "solo", "surakarta", "magelang", "pekalongan", "tegal", "purwokerto",
                    "salatiga", "kudus", "klaten", "banyumas", "jepara"),
    "DI Yogyakarta": ("yogyakarta", "jogja", "jogjakarta", "yogya", "jogya", "diy", "sleman", "bantul",
                      "gunungkidul", "kulon progo"),
    "Jawa Timur": ("jatim", "surabaya", "malang", "sidoarjo", "kediri", "jember", "madiun", "mojokerto",
                   "banyuwangi", "gresik", "madura", "pasuruan", "probolinggo", "blitar"),
    "Bali": ("denpasar", "badung", "gianyar", "tabanan", "singaraja", "buleleng"),
    "Nusa Tenggara Barat": ("ntb", "mataram", "lombok", "sumbawa"),
    "Nusa Tenggara Timur": ("ntt", "kupang", "flores", "sumba", "ende", "maumere", "labuan bajo"),
    "Kalimantan Barat": ("kalbar", "pontianak", "singkawang"),
    "Kalimantan Tengah": ("kalteng", "palangkaraya", "palangka raya", "sampit"),
    "Kalimantan Selatan": ("kalsel", "banjarmasin", "banjarbaru"),
    "Kalimantan Timur": ("kaltim", "samarinda", "balikpapan", "bontang"),
    "Kalimantan Utara": ("kaltara", "tarakan"),
    "Sulawesi Utara": ("sulut", "manado", "bitung", "tomohon"),
    "Gorontalo": (),
    "Sulawesi Tengah": ("sulteng", "palu"),
    "Sulawesi Barat": ("sulbar", "mamuju"),
    "Sulawesi Selatan": ("sulsel", "makassar", "parepare", "gowa", "maros"),
    "Sulawesi Tenggara": ("sultra", "kendari", "baubau"),
    "Maluku": ("ambon",),
    "Maluku Utara": ("malut", "ternate", "tidore"),
    "Papua": ("jayapura",),
    "Papua Barat": ("pabar", "manokwari"),
    "Papua Barat Daya": ("sorong",),
    "Papua Selatan": ("merauke",),
    "Papua Tengah": ("nabire", "timika", "mimika"),
    "Papua Pegunungan": ("wamena", "jayawijaya"),
}

# names that are also everyday words ("nasibku malang", "aku solo", "dia serang aku", "dipukul palu", "tebing
# tinggi"): read as a place only when the line is little more than the name, or right after di/dari/kota/tinggal
AMBIGUOUS = frozenset({"malang", "solo", "padang", "serang", "kudus", "palu", "tebing tinggi", "tegal", "ende",
                       "sorong", "lombok", "medan", "tasik", "pontianak", "bangka", "flores", "bali"})
_BEFORE_A_PLACE = frozenset({"di", "dari", "kota", "kab", "kabupaten", "tinggal", "domisili", "asal", "daerah"})
_FILLER = _BEFORE_A_PLACE | {"aku", "saya", "gue", "gw", "aq", "kak", "ka", "ya", "iya", "sih", "kok", "dong", "deh",
                             "aja", "sekarang", "lagi", "provinsi", "prov", "wilayah", "nya"}
_LIVES = ("tinggal", "domisili", "rumah", "rumahku", "kos", "ngekos", "tinggalnya")  # where they live comes after

# "skip" in the ways people say it, as the whole answer: the client would rather not say (never required)
SKIP = re.compile(r"^\W*(lewati|lewat|skip|pass|rahasia|ga usah|gak usah|nggak usah|tidak usah|ga mau|gak mau|"
                  r"nggak mau|tidak mau|no|tidak|ga|gak|nggak|-)(\s+(kak|ka|ya|aja|deh|dulu|kok|sih|dong))*\W*$",
                  re.IGNORECASE)
_MAX_WORDS = 12  # a longer line is not an answer to "where do you live?" (the client is telling something else)


def _names() -> list[tuple[str, str]]:
    """(what is written, the province)."""
    pairs = [(name.casefold(), name) for name in PROVINCES]
    pairs += [(alias, name) for name, aliases in PROVINCES.items() for alias in aliases]
    pairs += [(province_key(name), name) for name in PROVINCES]  # "jakarta", "yogyakarta": as the directory compares
    pairs += [(name.casefold().replace("sumatera", "sumatra"), name) for name in PROVINCES if "Sumatera" in name]
    return sorted(set(pairs))


_NAMES = _names()


def province_of(text: str) -> str | None:
    """The province a short answer names (its canonical name), or None: no known name, or a long line. Where they
    live ("kerja di jakarta, tinggal di bekasi") is read first; an everyday word is a place only in its place."""
    words = re.sub(r"[^\w\s]", " ", text.casefold()).split()
    if not words or len(words) > _MAX_WORDS:
        return None
    lives = next((i for i, word in enumerate(words) if word in _LIVES), None)
    for part in ([words[lives:]] if lives is not None else []) + [words]:
        found = _named(part)
        if found:
            return found
    return None


def _named(words: list[str]) -> str | None:
    """The place named first in `words` (at one spot the longest name: "papua barat daya", not "papua")."""
    line = f" {' '.join(words)} "
    found: list[tuple[int, int, str]] = []
    for written, name in _NAMES:
        at = line.find(f" {written} ")
        if at < 0:
            continue
        if written in AMBIGUOUS:
            before = line[:at].split()
            others = before + line[at + len(written) + 2:].split()
            if not (before and before[-1] in _BEFORE_A_PLACE) and not all(w in _FILLER for w in others):
                continue
        found.append((at, -len(written), name))
    return min(found)[2] if found else None


def known(name: object) -> str:
    """`name` if it is one of the 38 canonical names, else "" (what another machine says is checked)."""
    return name if isinstance(name, str) and name in PROVINCES else ""
