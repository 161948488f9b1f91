"""Parsed data files come back from the cache exactly as TOML would parse them, and never stale."""

from __future__ import annotations

import datetime
import tomllib

import pytest

from curhat_tui.config import toml_cache
from curhat_tui.config.data_file import DataError, DataFile
from curhat_tui.config.datafiles import data_dir


def test_every_data_file_comes_back_from_the_cache_as_tomllib_reads_it(tmp_path, monkeypatch):
    files = sorted(data_dir().glob("*.toml")) + sorted((data_dir() / "personas").glob("*.toml"))
    texts = {path.name: path.read_text(encoding="utf-8") for path in files}
    first = {name: toml_cache.loads(text, tmp_path) for name, text in texts.items()}
    assert first == {name: tomllib.loads(text) for name, text in texts.items()}
    assert len(list(tmp_path.glob("*.json"))) == len(set(texts.values()))

    def no_parsing(text):
        raise AssertionError("parsed again although the same text is cached")

    monkeypatch.setattr(toml_cache.tomllib, "loads", no_parsing)
    assert {name: toml_cache.loads(text, tmp_path) for name, text in texts.items()} == first


def test_dates_and_times_survive_and_an_edited_text_is_parsed_again(tmp_path):
    text = 'verified = 2026-11-30\nat = 2026-11-30T08:00:00+07:00\nopens = 08:30:00\n[[entry]]\nname = "x"\n'
    assert toml_cache.loads(text, tmp_path) == tomllib.loads(text)
    again = toml_cache.loads(text, tmp_path)
    assert again["verified"] == datetime.date(2026, 11, 30) and again["opens"] == datetime.time(8, 30)
    assert again["at"].utcoffset() == datetime.timedelta(hours=7)
    edited = text.replace("2026-11-30\n", "2026-12-01\n", 1)
    assert toml_cache.loads(edited, tmp_path)["verified"] == datetime.date(2026, 12, 1)


def test_a_damaged_or_unwritable_cache_only_means_parsing(tmp_path):
    text = 'name = "sehat jiwa"\n'
    toml_cache.loads(text, tmp_path)
    [entry] = tmp_path.glob("*.json")
    entry.write_text("{not json", encoding="utf-8")
    assert toml_cache.loads(text, tmp_path) == {"name": "sehat jiwa"}  # parsed, and the entry rewritten
    assert toml_cache.loads(text, tmp_path) == {"name": "sehat jiwa"}
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("", encoding="utf-8")
    assert toml_cache.loads(text, blocked) == {"name": "sehat jiwa"}


def test_a_syntax_error_still_names_the_file_and_line(tmp_path, monkeypatch):
    monkeypatch.setenv("CURHAT_CACHE_DIR", str(tmp_path / "cache"))
    bad = tmp_path / "templates.toml"
    bad.write_text('[[template]]\nid = "soap"\nname = {id = "SOAP"\n', encoding="utf-8")
    with pytest.raises(DataError) as caught:
        DataFile(bad)
    assert caught.value.path == bad and caught.value.line == 3 and "TOML syntax error" in str(caught.value)


def test_old_entries_are_pruned(tmp_path, monkeypatch):
    monkeypatch.setattr(toml_cache, "KEEP", 3)
    for n in range(6):
        toml_cache.loads(f"n = {n}\n", tmp_path)
    assert len(list(tmp_path.glob("*.json"))) == 3
    assert toml_cache.loads("n = 5\n", tmp_path) == {"n": 5}
