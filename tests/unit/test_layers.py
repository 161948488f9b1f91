"""Imports point down only: domain, store, channels and the workstation never load Textual."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import curhat_tui

UI = ("curhat_tui.ui", "curhat_tui.cli", "curhat_tui.__main__")


def _modules(prefix: str = "curhat_tui.") -> list[str]:
    names = [m.name for m in pkgutil.walk_packages(curhat_tui.__path__, "curhat_tui.")]
    return sorted(n for n in names if n.startswith(prefix))


LOWER = [m for m in _modules() if not m.startswith(UI)]
DOMAIN = _modules("curhat_tui.domain.")


def _first_offender(modules: list[str], banned: tuple[str, ...]) -> str:
    """Import each module in turn in a fresh interpreter; name the first that pulls in a banned package."""
    code = (f"import importlib, sys\n"
            f"for name in {modules!r}:\n"
            f"    importlib.import_module(name)\n"
            f"    bad = [m for m in sys.modules if m.split('.')[0] in {banned!r}]\n"
            f"    if bad:\n"
            f"        print(name, 'imports', sorted(set(m.split('.')[0] for m in bad))); sys.exit(1)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    return "" if result.returncode == 0 else result.stdout + result.stderr


def test_the_lower_layers_are_all_checked():
    for name in ("curhat_tui.services.workstation", "curhat_tui.storage.store", "curhat_tui.services.supervision",
                 "curhat_tui.services.privacy", "curhat_tui.services.exports", "curhat_tui.channels.matrix.supervision",
                 "curhat_tui.domain.masking"):
        assert name in LOWER
    assert not [m for m in LOWER if m.startswith(UI)]


def test_lower_layers_do_not_import_textual():
    assert _first_offender(LOWER, ("textual",)) == ""


def test_domain_does_no_io():
    assert _first_offender(DOMAIN, ("sqlite3", "sqlite_utils", "httpx", "tomllib", "keyring", "rich", "textual")) == ""


def test_importing_the_app_touches_no_home_directory(tmp_path):
    code = "import curhat_tui.ui.app, curhat_tui.cli"
    env = {"HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env)
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "home").exists()


def test_no_import_cycle_among_modules_counting_function_level_imports():
    """grimp reads every import statement, those inside functions too: no module reaches itself again.

    Imports under `if TYPE_CHECKING:` are left out: they never run (screens name the app's type that way)."""
    import grimp

    graph = grimp.build_graph("curhat_tui", cache_dir=None, exclude_type_checking_imports=True)
    cycles = [(module, imported) for module in sorted(graph.modules)
              for imported in graph.find_modules_directly_imported_by(module)
              if graph.chain_exists(importer=imported, imported=module)]
    assert cycles == []


def test_no_module_is_over_four_hundred_lines():
    root = Path(curhat_tui.__file__).parent
    long = {str(p.relative_to(root)): n for p in root.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400}
    assert long == {}
    hub = root / "services" / "workstation.py"
    assert len(hub.read_text(encoding="utf-8").splitlines()) < 200
