"""Persona files (schema v2): data/personas.toml then data/personas/*.toml; a wrong key stops start-up naming the
file, the line, the persona and the key."""

from __future__ import annotations

import shutil

import pytest

from curhat_tui.config.data_file import DataError
from curhat_tui.config.datafiles import data_dir
from curhat_tui.config.persona_data import load_personas

ITEMS = {"suicide", "self_harm", "harm_others", "abuse", "psychosis", "severe_depression", "panic_trauma", "substance"}

EXTRA = '''
[[persona]]
id = "{pid}"
alias = "tes_alias"
tier = "peer"
minutes = 30
topic = "tes"
intake_risk = "ga kak"
intake_risk_level = "none"
patience_minutes = 8
hidden_flag = ""
opening = "aku mau cerita"
neutral = ["iya kak"]
closed = ["yaudah kak"]
thanks = "makasih kak"
risk_no = "nggak kak"
greeting = "kak"

[[persona.fact]]
openness = 1
topic = "{topic}"
text = "aku kuliah di Medan."

[persona.truth]
q1 = false
referral = "{referral}"

[persona.answers]
{answer} = "nggak kak"
'''


def folder(tmp_path, **values):
    shutil.copy(data_dir() / "personas.toml", tmp_path / "personas.toml")
    (tmp_path / "personas").mkdir()
    fields = {"pid": "tes", "topic": "study", "referral": "willing", "answer": "q1"} | values
    (tmp_path / "personas" / "zz_tes.toml").write_text(EXTRA.format(**fields), encoding="utf-8")
    return tmp_path / "personas.toml"


def test_the_folder_is_read_after_the_main_file(tmp_path):
    personas = load_personas(folder(tmp_path), ITEMS)
    assert list(personas)[-1] == "tes" and personas["tes"].source == "zz_tes.toml"
    assert personas["tes"].facts[0].topic == "study" and personas["tes"].truth.referral == "willing"
    assert personas["bayu"].truth.q2 and personas["bayu"].source == "personas.toml"


@pytest.mark.parametrize(("values", "words"), [
    ({"pid": "bayu"}, ["'bayu'", "already used in personas.toml"]),
    ({"topic": "tidur"}, ["'tes'", "topic 'tidur'", "sleep"]),
    ({"referral": "maybe"}, ["'tes'", "truth.referral", "willing"]),
    ({"answer": "rencana"}, ["'tes'", "[persona.answers]", "rencana"]),
])
def test_a_wrong_key_names_the_file_the_line_the_persona_and_the_key(tmp_path, values, words):
    with pytest.raises(DataError) as err:
        load_personas(folder(tmp_path, **values), ITEMS)
    assert err.value.path.name == "zz_tes.toml" and err.value.line
    message = str(err.value)
    for word in words:
        assert word in message, (word, message)
