"""The practice personas in data/personas/*.toml (schema v2, /tmp/helpers/PERSONA_SCHEMA.md): every key there,
every red-flag item trained by at least two personas, and each persona's ground truth answered consistently.

Read with tomllib on purpose: this guards the content whatever the loader does with it."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2] / "data"
FILES = sorted((DATA / "personas").glob("*.toml"))
ITEMS = ("suicide", "self_harm", "harm_others", "abuse", "psychosis", "severe_depression", "panic_trauma", "substance")
TOPICS = set("feelings sleep eating family partner children work study money debt friends health body faith substance "
             "gambling sexuality school online violence voices safety past future help".split())
QUESTIONS = ("q1", "q2", "q3", "q4", "q5", "q6", "q6b")
ANSWERS = (*QUESTIONS, "plan", "means", "whereabouts", "companions", "protective", "warning_signs", "coping",
           "distraction", "help_people", "professionals", "means_safety", "referral_yes")
TEXTS = ("id", "alias", "topic", "intake_risk", "hidden_flag", "opening", "greeting", "thanks", "risk_no", "leave",
         "region", "lang", "variant_of")
LISTS = ("neutral", "closed", "nudge", "deny", "upset")
PROVINCES = {"Aceh", "Sumatera Utara", "Sumatera Barat", "Riau", "Sumatera Selatan", "Lampung", "DKI Jakarta",
             "Jawa Barat", "Banten", "Jawa Tengah", "DI Yogyakarta", "Jawa Timur", "Bali", "Nusa Tenggara Barat",
             "Nusa Tenggara Timur", "Kalimantan Barat", "Kalimantan Selatan", "Kalimantan Timur", "Sulawesi Utara",
             "Sulawesi Tengah", "Sulawesi Selatan", "Maluku", "Papua"}
# a direct question about each item, as a trainee would ask it: every persona hiding the item must hear it as one
DIRECT = {
    "suicide": ["apakah kamu pernah kepikiran bunuh diri?", "apakah kamu ingin mengakhiri hidup?"],
    "self_harm": ["apakah kamu pernah menyakiti diri sendiri?", "kamu pernah sengaja melukai dirimu?"],
    "harm_others": ["apakah kamu pernah kepikiran untuk menyakiti orang lain?"],
    "abuse": ["apakah kamu aman di rumah?", "apakah ada yang memukul kamu di rumah?"],
    "psychosis": ["apakah kamu mendengar suara-suara yang orang lain tidak dengar?"],
    "severe_depression": ["sudah berapa lama kamu merasa seperti ini?"],
    "panic_trauma": ["bagaimana napasmu sekarang?"],
    "substance": ["apakah kamu minum alkohol atau obat sesuatu malam ini?"],
}
DIRECT_EN = {
    "severe_depression": ["how long have you been feeling like this?", "have you felt this way most days for two weeks?"],
}
NO = re.compile(r"\b(nggak|ngga|enggak|engga|gak|ga|ndak|nda|ora|sonde|tidak|belum|bukan|teu|henteu|kada|no|not|never|"
                r"haven't|don't|didn't|nope|nah)\b", re.IGNORECASE)
DOSE = re.compile(r"\d+\s*(mg|butir|tablet|strip|pil|ml|cc)\b", re.IGNORECASE)
OWN_SALUTATION = re.compile(r"(assalamu.?alaikum|hi|hello|halo|permisi)\b", re.IGNORECASE)
GREETING_WORDS = re.compile(r"^(selamat|pagi|siang|sore|malam|malem|good (morning|afternoon|evening)|p\b)", re.IGNORECASE)


def _load(path: Path) -> list[dict]:
    with path.open("rb") as fh:
        return tomllib.load(fh)["persona"]


NEW = [(path.name, p) for path in FILES for p in _load(path)]
ALL = _load(DATA / "personas.toml") + [p for _, p in NEW]


def test_there_is_a_file_of_new_personas_for_every_red_flag_item():
    assert {path.stem for path in FILES} >= set(ITEMS)
    assert len(NEW) >= 12


def test_ids_are_unique_across_every_persona_file():
    ids = [p["id"] for p in ALL]
    assert len(ids) == len(set(ids))
    aliases = [p["alias"] for p in ALL]
    assert len(aliases) == len(set(aliases))


def test_every_red_flag_item_is_trained_by_at_least_two_personas():
    for item in ITEMS:
        assert sum(p.get("hidden_flag") == item for p in ALL) >= 2, item


def test_the_mix_the_trainer_asked_for():
    ages = [p["age"] for _, p in NEW]
    assert sum(age < 18 for age in ages) >= 2  # adolescents
    assert any(p["lang"] == "en" for _, p in NEW)
    assert len({p["region"] for _, p in NEW}) >= 8 and sum(p["region"] == "DKI Jakarta" for _, p in NEW) <= 1
    assert {p["truth"]["referral"] for _, p in NEW} == {"willing", "hesitant", "refuses"}
    every_word = " ".join(str(p) for _, p in NEW).lower()
    for word in ("judol", "dosa", "ibadah", "istri", "ora ", "teh ", "suara", "pisau", "diawasi"):
        assert word in every_word, word


@pytest.mark.parametrize(("name", "persona"), NEW, ids=[f"{n}:{p['id']}" for n, p in NEW])
def test_every_key_of_schema_v2(name, persona):
    for key in TEXTS:
        assert isinstance(persona.get(key), str), key
        # no time greeting only for a client who opens with a salutation of their own
        assert persona[key].strip() or key == "greeting" and OWN_SALUTATION.match(persona["opening"]), key
    for key in LISTS:
        assert isinstance(persona.get(key), list) and persona[key] and all(isinstance(x, str) and x for x in persona[key]), key
    assert persona["tier"] in ("peer", "professional") and persona["minutes"] in (30, 60)
    assert persona["intake_risk_level"] in ("none", "low", "moderate", "high")
    assert 6 <= persona["patience_minutes"] <= 15
    assert isinstance(persona["age"], int) and 12 <= persona["age"] <= 80
    assert persona["lang"] in ("id", "en") and persona["region"] in PROVINCES
    assert persona["hidden_flag"] == persona["variant_of"] == Path(name).stem
    assert not GREETING_WORDS.search(persona["opening"].strip()), "the engine adds the greeting"
    facts = persona["fact"]
    assert 6 <= len(facts) <= 8
    for fact in facts:
        assert set(fact) == {"openness", "text", "hint", "topic"}
        assert 1 <= fact["openness"] <= 8 and fact["topic"] in TOPICS and fact["hint"] in ("", persona["hidden_flag"])
    assert sum(fact["hint"] == persona["hidden_flag"] for fact in facts) >= 2
    risk = persona["risk"]
    assert isinstance(risk["reveal"], str) and risk["reveal"] and 1 <= risk["openness"] <= 8
    probes = [re.compile(p, re.IGNORECASE) for p in risk["probe"]]
    asked = DIRECT_EN if persona["lang"] == "en" else DIRECT
    for question in asked.get(persona["hidden_flag"], DIRECT[persona["hidden_flag"]]):
        assert any(p.search(question) for p in probes), question
    assert set(persona["truth"]) == {*QUESTIONS, "referral"}
    assert persona["truth"]["referral"] in ("willing", "hesitant", "refuses")
    assert set(persona["answers"]) == set(ANSWERS)
    assert all(isinstance(v, str) and len(v) > 3 for v in persona["answers"].values())


@pytest.mark.parametrize(("name", "persona"), NEW, ids=[f"{n}:{p['id']}" for n, p in NEW])
def test_the_ground_truth_is_coherent_and_answered_in_kind(name, persona):
    truth, answers = persona["truth"], persona["answers"]
    assert all(isinstance(truth[q], bool) for q in QUESTIONS)
    if not truth["q2"]:  # 3-5 are asked only after thoughts of killing oneself
        assert not (truth["q3"] or truth["q4"] or truth["q5"])
    if not truth["q6"]:
        assert not truth["q6b"]
    for q in QUESTIONS:
        said = answers[q]
        if truth[q]:
            assert not re.match(r"\W*(nggak|ngga|enggak|gak|ga|ndak|ora|sonde|tidak|belum|no|never)\b", said, re.I), (q, said)
        else:
            assert NO.search(said), (q, said)
    # a persona who refuses a referral does not say yes to it, one who is willing does not say no first
    first = answers["referral_yes"].split(".")[0]
    if truth["referral"] == "refuses":
        assert NO.search(first), first
    if truth["referral"] == "willing":
        assert not re.match(r"\W*(nggak|gak|ga|ndak|ora|tidak|no)\b", first, re.I), first
    # the screener's intake answer under-reports, as hidden-flag clients do
    assert persona["intake_risk_level"] in ("none", "low")


@pytest.mark.parametrize(("name", "persona"), NEW, ids=[f"{n}:{p['id']}" for n, p in NEW])
def test_no_method_detail_a_trainee_does_not_need(name, persona):
    every_text = " ".join(str(v) for k, v in persona.items() if k != "risk") + persona["risk"]["reveal"]
    assert not DOSE.search(every_text), DOSE.search(every_text)
