"""The command line, the settings file and the packaged data, as a new user meets them."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from curhat_tui import __version__
from curhat_tui.config.settings import ConfigError, load_settings
from curhat_tui.paths import resolve_data_dir

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "curhat_tui", *args], capture_output=True, text=True, timeout=60)


def test_version_and_help():
    assert run_cli("--version").stdout.strip() == f"curhat-tui {__version__}"
    help_text = run_cli("--help").stdout
    for option in ("--data-dir", "--lang", "--seed", "--name", "PRACTICE"):
        assert option in help_text


def test_bad_language_is_refused_with_a_message():
    result = run_cli("--lang", "fr")
    assert result.returncode == 2 and "invalid choice" in result.stderr


def test_data_dir_from_flag_then_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("CURHAT_DATA_DIR", str(tmp_path / "env"))
    assert resolve_data_dir(None) == tmp_path / "env"
    assert resolve_data_dir(str(tmp_path / "flag")) == tmp_path / "flag"
    monkeypatch.delenv("CURHAT_DATA_DIR")
    assert "curhat-tui" in str(resolve_data_dir(None))


def test_settings_file_sets_name_language_and_keys(tmp_path):
    (tmp_path / "config.toml").write_text('name = "Budi"\nlang = "en"\n[keys]\n"main.end" = "ctrl+e"\n')
    settings = load_settings(tmp_path)
    assert (settings.name, settings.lang, settings.keys) == ("Budi", "en", {"main.end": "ctrl+e"})
    (tmp_path / "config.toml").write_text('name = "Budi\n')
    with pytest.raises(ConfigError, match="config.toml"):
        load_settings(tmp_path)


async def test_remapped_key_works(parts):
    from curhat_tui.ui.app import build_app
    from curhat_tui.ui.screens.common.confirm import ConfirmModal

    app = build_app(parts, keymap={"main.end": "f12"})
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.press("f12")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)


def test_wheel_ships_the_data_files(tmp_path):
    """`pip install .` must carry data/ inside the package; the loader finds it there."""
    result = subprocess.run([sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(tmp_path)],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    (wheel,) = tmp_path.glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for name in ("redflags.toml", "directory.toml", "templates.toml", "phrases.toml", "personas.toml",
                 "strings.toml", "service.toml"):
        assert f"curhat_tui/data/{name}" in names
    unpacked = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(unpacked)
    code = ("from curhat_tui.config.datafiles import data_dir, load_all; d = data_dir(); "
            "assert 'site' in str(d), d; load_all(); print('ok')")
    check = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60,
                           env={"PYTHONPATH": str(unpacked), "PATH": "/usr/bin:/bin"})
    assert check.stdout.strip() == "ok", check.stderr


def test_a_trainee_never_reaches_real_clients(tmp_path):
    result = run_cli("--role", "trainee", "--homeserver", "http://127.0.0.1:9", "--user", "@a:b",
                     "--data-dir", str(tmp_path))
    assert result.returncode == 2 and "peserta latihan" in result.stderr  # the CLI speaks Indonesian by default
    english = run_cli("--role", "trainee", "--homeserver", "http://127.0.0.1:9", "--user", "@a:b", "--lang", "en",
                      "--data-dir", str(tmp_path))
    assert english.returncode == 2 and "trainee" in english.stderr


def test_practice_and_real_sessions_live_in_different_databases():
    from curhat_tui import paths

    assert paths.PRACTICE_DB != paths.REAL_DB


def test_the_command_line_loads_textual_only_to_start_the_screen():
    code = ("import sys, curhat_tui.cli, curhat_tui.cli.run, curhat_tui.cli.client, curhat_tui.bootstrap; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'textual', 'rich'}))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "[]", result.stderr


def test_the_desk_starts_without_the_risk_detectors_modules_and_loads_them_when_it_is_built():
    code = ("import sys, curhat_tui.cli.run, curhat_tui.ui.app, curhat_tui.ui.screens.counselor.main\n"
            "from curhat_tui.config.datafiles import load_all\n"
            "data = load_all(defer=True)\n"
            "risk = lambda: sorted(m for m in sys.modules if m.startswith(('curhat_tui.domain.risk', 'curhat_tui.config.risk')))"
            "\n"
            "print(risk(), data.phrases.ready)\n"
            "data.phrases.warm()\n"
            "print(risk(), data.phrases.ready, data.phrases.items('aku pengen mati aja'))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    before, after = result.stdout.splitlines()
    assert before == "[] False", result.stderr
    assert "'curhat_tui.domain.risk'" in after and after.endswith("True ['suicide']")


def test_one_composition_root_without_fake_defaults(tmp_path):
    import inspect

    from curhat_tui import bootstrap

    for build in (bootstrap.build_practice, bootstrap.build_supervisor, bootstrap.build_matrix):
        clock = inspect.signature(build).parameters["clock"]
        assert clock.default is inspect.Parameter.empty and clock.kind is inspect.Parameter.KEYWORD_ONLY
    with pytest.raises(TypeError, match="clock"):
        bootstrap.build_practice(tmp_path)


def test_every_secret_shares_one_keyring_service():
    from curhat_tui import paths
    from curhat_tui.channels.matrix import login
    from curhat_tui.channels.practice import llm_voice
    from curhat_tui.storage import database_key

    assert login.SERVICE == llm_voice.SERVICE == database_key.SERVICE == paths.KEYRING_SERVICE == "curhat-tui"
