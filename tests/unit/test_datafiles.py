"""Data files: shipped ones load; a broken one names the file, the line and the fix."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from curhat_tui.config.datafiles import DataError, data_dir, load_all
from curhat_tui.domain.i18n import LANGS

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def broken(tmp_path):
    """A copy of data/ to break one file at a time."""
    target = tmp_path / "data"
    shutil.copytree(data_dir(), target)
    return target


def test_shipped_data_is_complete(data):
    assert len(data.redflags.items) == 8
    assert [i.key for i in data.redflags.items] == [f"f{n}" for n in range(2, 10)]
    assert len(data.personas) >= 6
    hidden = {p.hidden_flag for p in data.personas.values() if p.hidden_flag}
    assert {"suicide", "abuse", "panic_trauma"} <= hidden
    for entry in data.redflags.directory.values():
        assert entry.checked and entry.source and entry.hours["id"] and entry.hours["en"]


def test_toml_syntax_error_names_file_and_line(broken):
    path = broken / "redflags.toml"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[4] = 'key = "f2'  # unterminated string on line 5
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_all(broken)
    assert err.value.path == path and err.value.line == 5
    assert "redflags.toml, line 5" in str(err.value) and "fix:" in str(err.value)


def test_missing_field_points_at_its_entry(broken):
    path = broken / "personas.toml"
    text = path.read_text(encoding="utf-8")
    first_opening = re.search(r"^opening = .*$", text, re.M)
    text = text[:first_opening.start()] + text[first_opening.end():]
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_all(broken)
    header = text.splitlines().index("[[persona]]") + 1
    assert err.value.line == header
    assert "no 'opening'" in err.value.problem and "add opening" in err.value.fix


def test_unknown_placeholder_is_reported_with_its_line(broken):
    path = broken / "redflags.toml"
    text = path.read_text(encoding="utf-8").replace("{client}, terima", "{klien}, terima", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_all(broken)
    assert "klien" in err.value.problem and err.value.line is not None
    assert "{client}" in err.value.fix


def test_unknown_directory_reference(broken):
    path = broken / "redflags.toml"
    text = path.read_text(encoding="utf-8").replace('"sejiwa119"', '"sejiwa999"', 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_all(broken)
    assert "sejiwa999" in err.value.problem
    assert "directory" in path.read_text(encoding="utf-8").splitlines()[err.value.line - 1]


def test_bad_regex_in_phrases(broken):
    path = broken / "phrases.toml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("patterns = [", "patterns = ['(unclosed', ", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_all(broken)
    assert "not a valid regex" in err.value.problem


def test_string_missing_english(broken):
    path = broken / "strings.toml"
    text = path.read_text(encoding="utf-8").replace('counselor.en = "Counselor: {name}"\n', "")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_all(broken)
    assert "top.counselor" in err.value.problem and "en" in err.value.problem


def test_cli_refuses_to_start_half_configured(tmp_path):
    """A broken packaged file stops `curhat` before any screen, with the file named."""
    code = (
        "import sys, curhat_tui.config.datafiles as d\n"
        "from pathlib import Path\n"
        f"d.data_dir = lambda: Path({str(tmp_path / 'data')!r})\n"
        "from curhat_tui.cli import main\n"
        "sys.exit(main(['--data-dir', sys.argv[1]]))\n"
    )
    shutil.copytree(data_dir(), tmp_path / "data")
    (tmp_path / "data" / "templates.toml").write_text("[[template]\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path / "store")], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 2
    assert "templates.toml, line 1" in result.stderr and "cannot start" in result.stderr
    assert not (tmp_path / "store").exists()


def test_every_catalogue_key_used_in_the_code_exists_in_both_languages(data):
    used: set[str] = set()
    dynamic: set[str] = set()
    for path in (ROOT / "curhat_tui").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"\bt\(\"([a-z_.0-9]+)\"", source))
        dynamic |= set(re.findall(r"\bt\(f\"([a-z_.0-9]+)\{", source))
        dynamic |= set(re.findall(r"\bt\(f'([a-z_.0-9]+)\{", source))
    assert used, "no catalogue lookups found"
    missing = sorted(k for k in used if k not in data.strings)
    assert not missing, missing
    for prefix in dynamic:
        assert any(k.startswith(prefix) for k in data.strings), prefix
    for key, entry in data.strings.items():
        for lang in LANGS:
            assert entry.get(lang), (key, lang)


def test_binding_descriptions_are_in_the_catalogue(data):
    from curhat_tui.ui.screens.counselor.main import MainScreen

    for binding in MainScreen.BINDINGS:
        assert f"key.{binding.id}" in data.strings, binding.id


def test_a_service_turns_the_answer_reading_off_and_a_bad_setting_names_its_line(broken):
    """service.toml's [risk] read_answers: false reads every reply alone ("iya" after a screening question suggests
    nothing); a value that is not true or false is an error naming the file, the line and the fix."""
    question = "Belakangan ini kamu ada kepikiran buat bunuh diri?"
    assert load_all(broken).phrases.answer(question, "iya kak").items == ("suicide",)
    service = broken / "service.toml"
    text = service.read_text(encoding="utf-8")
    service.write_text(text.replace("read_answers = true", "read_answers = false"), encoding="utf-8")
    assert load_all(broken).phrases.answer(question, "iya kak").items == ()
    service.write_text(text.replace("read_answers = true", 'read_answers = "ya"'), encoding="utf-8")
    line = 1 + text.splitlines().index("read_answers = true")
    with pytest.raises(DataError, match=rf"service.toml, line {line}: read_answers must be true or false \(fix: write"):
        load_all(broken)
