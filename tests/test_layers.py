"""Imports point down only: domain, store, channels and the workstation never load Textual."""

from __future__ import annotations

import subprocess
import sys

import pytest

LOWER = ["curhat_tui.domain.models", "curhat_tui.domain.queue", "curhat_tui.domain.session_clock",
         "curhat_tui.domain.screener", "curhat_tui.domain.templates", "curhat_tui.domain.phrases",
         "curhat_tui.domain.persona", "curhat_tui.domain.coding", "curhat_tui.domain.redflags",
         "curhat_tui.domain.i18n", "curhat_tui.domain.sanitize", "curhat_tui.domain.clock",
         "curhat_tui.datafiles", "curhat_tui.store", "curhat_tui.channels.base", "curhat_tui.channels.practice",
         "curhat_tui.workstation", "curhat_tui.config", "curhat_tui.harness"]


@pytest.mark.parametrize("module", LOWER)
def test_module_does_not_import_textual(module):
    code = f"import sys, {module}; bad = [m for m in sys.modules if m == 'textual' or m.startswith('textual.')]; " \
           "print(bad); sys.exit(1 if bad else 0)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_domain_does_no_io():
    code = ("import sys, curhat_tui.domain.persona, curhat_tui.domain.screener, curhat_tui.domain.templates, "
            "curhat_tui.domain.phrases, curhat_tui.domain.queue, curhat_tui.domain.session_clock; "
            "bad = [m for m in ('sqlite3', 'sqlite_utils', 'httpx', 'tomllib', 'keyring', 'rich') if m in sys.modules]; "
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_importing_the_app_touches_no_home_directory(tmp_path):
    code = "import curhat_tui.app, curhat_tui.cli"
    env = {"HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env)
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "home").exists()
