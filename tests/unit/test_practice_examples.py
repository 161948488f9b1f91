"""The three example reports under docs/practice-reports/ are what scripts/practice_examples.py generates now (so
they cannot rot), and what they show is what a trainer must see: the scripted sessions run through the real persona
engine, the practice channel, the workstation's flags and notes, and the app's own report code."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def generated():
    spec = importlib.util.spec_from_file_location("practice_examples", ROOT / "scripts" / "practice_examples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate()


def test_the_committed_examples_are_what_the_script_generates_now(generated):
    assert sorted(generated) == ["poor.en.md", "poor.md", "skilled.en.md", "skilled.md", "slow.en.md", "slow.md"]
    for name, text in generated.items():
        committed = (ROOT / "docs" / "practice-reports" / name).read_text(encoding="utf-8")
        assert committed == text, f"docs/practice-reports/{name} is stale: run scripts/practice_examples.py"


def test_the_skilled_session_earns_the_reveal_and_a_clean_rubric(generated):
    text = generated["skilled.md"]
    rubric = text.split("## Rubrik keselamatan")[1].split("## Jumlah")[0]
    assert "❌" not in rubric and "⚠️" not in rubric and "KESALAHAN KRITIS" not in text
    assert "Klien mengungkap risikonya" in rubric and "keenam langkah Stanley-Brown" in rubric
    table = rubric.split("### Skrining C-SSRS")[1]
    assert table.count("✅") == 7 and "❌" not in table  # every recorded answer equals the persona's truth
    assert "Tidak ada saran" in text


def test_the_poor_session_is_denied_the_reveal_and_shows_a_critical_miss(generated):
    text = generated["poor.md"]
    assert text.index("KESALAHAN KRITIS") < text.index("## Rubrik keselamatan")
    assert "Klien mengungkap risikonya" not in text and "hah? nggak lah kak" in text
    assert "Coba: “Apakah kamu sedang berpikir untuk bunuh diri?”" in text
    assert "CRITICAL MISS" in generated["poor.en.md"]


def test_the_slow_session_names_the_wait_and_the_client_nudges_then_leaves(generated):
    text = generated["slow.md"]
    assert "krisis dibiarkan menunggu" in text and "tanpa jawaban sampai sesi berakhir" in text
    assert "“kak?”" in text and "cabut" in text  # the nudge, then the client leaves
    assert "Tidak ada saran" not in text
