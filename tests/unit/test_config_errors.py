"""A broken config.toml is explained in the language the command line speaks (issue 13, defect 12): every error
names the file, the setting and the fix, through the catalogue, in Indonesian and English."""

from __future__ import annotations

import pytest

from curhat_tui.config.settings import ConfigError, load_roster, load_settings
from curhat_tui.domain.i18n import Catalogue

BROKEN = [
    "lock_after_minutes = -1",
    "llm = 3",
    "[llm]\napi_key = 'x'",
    "[llm]\nport = 1",
    "service = 3",
    "[service]\ncap = 1",
    "[service]\nmax_load = -1",
    "[service]\ncall_link = 'http://x/{session}'",
    "[service]\nhours = 3",
    "[service.hours]\nmonday = '08:00-22:00'",
    "[service.hours]\ntimezone = 'Jakarta'",
    "[service.hours]\nmon = 8",
    "[service.hours]\nmon = 'pagi'",
    "keys = 3",
    "retention = 3",
    "[retention]\nweeks = 1",
    "[retention]\ntranscript_days = 0",
    "[service\n",
]


@pytest.mark.parametrize("text", BROKEN)
def test_every_config_error_speaks_both_languages(tmp_path, data, text):
    (tmp_path / "config.toml").write_text(text + "\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(tmp_path)
    error = caught.value
    assert error.key, f"no catalogue key for: {error}"
    indonesian, english = error.text(Catalogue(data.strings, "id")), error.text(Catalogue(data.strings, "en"))
    assert str(tmp_path / "config.toml") in indonesian and str(tmp_path / "config.toml") in english
    assert indonesian != english and "{" not in indonesian.replace("{session}", "")


def test_the_roster_errors_too(tmp_path, data):
    (tmp_path / "config.toml").write_text("[intake]\ncounselors = 'ani'\n")
    with pytest.raises(ConfigError) as caught:
        load_roster(tmp_path)
    assert "harus daftar ID pengguna Matrix" in caught.value.text(Catalogue(data.strings, "id"))
