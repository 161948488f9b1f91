"""One TOML data file read with enough of its text kept to point at lines, and the error that names the file,
the line, what is wrong and the fix (config/datafiles.py reads every data file through it)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from curhat_tui.config import toml_cache
from curhat_tui.domain.i18n import LANGS


class DataError(Exception):
    """A data file is wrong: says which file, which line, what is wrong and how to fix it."""

    def __init__(self, path: Path, line: int | None, problem: str, fix: str = "") -> None:
        self.path, self.line, self.problem, self.fix = path, line, problem, fix
        where = f"{path}" + (f", line {line}" if line else "")
        super().__init__(f"{where}: {problem}" + (f" (fix: {fix})" if fix else ""))


class DataFile:
    """One TOML file with enough of its text kept to point at lines."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise DataError(path, None, "file is missing", "reinstall curhat-tui or restore the file") from None
        except UnicodeDecodeError as exc:
            raise DataError(path, None, f"not UTF-8 ({exc.reason})", "save the file as UTF-8") from None
        try:
            self.doc = toml_cache.loads(self.text)
        except tomllib.TOMLDecodeError as exc:
            m = re.search(r"line (\d+)", str(exc))
            raise DataError(path, int(m.group(1)) if m else None, f"TOML syntax error: {exc}",
                            "check quotes, brackets and '=' on that line") from None
        self.lines = self.text.splitlines()

    def header_line(self, table: str, index: int) -> int | None:
        """Line of the index-th `[[table]]` header (1-based)."""
        seen = -1
        for number, line in enumerate(self.lines, 1):
            if line.strip() == f"[[{table}]]":
                seen += 1
                if seen == index:
                    return number
        return None

    def key_line(self, table: str, index: int, key: str) -> int | None:
        """Line where `key` is set inside the index-th `[[table]]` entry, else its header."""
        start = self.header_line(table, index) or 1
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*[=.]")
        for number in range(start, len(self.lines) + 1):
            text = self.lines[number - 1].strip()
            if number > start and text == f"[[{table}]]":
                break
            if pattern.match(text):
                return number
        return start

    def fail(self, table: str, index: int, problem: str, fix: str, key: str | None = None) -> DataError:
        line = self.key_line(table, index, key) if key else self.header_line(table, index)
        return DataError(self.path, line, problem, fix)

    def entries(self, table: str) -> list[dict[str, Any]]:
        value = self.doc.get(table)
        if not isinstance(value, list) or not value:
            raise DataError(self.path, None, f"no [[{table}]] entries", f"add at least one [[{table}]] table")
        return value

    def need(self, entry: dict, table: str, index: int, key: str, kind: type | tuple = str) -> Any:
        if key not in entry:
            ident = entry.get("id", f"#{index + 1}")
            raise self.fail(table, index, f"{table} {ident!r} has no '{key}'", f"add {key} = ... to it")
        value = entry[key]
        if not isinstance(value, kind) or (isinstance(value, str) and not value.strip()):
            raise self.fail(table, index, f"'{key}' has the wrong type or is empty", "give it a non-empty value", key)
        return value

    def langs(self, entry: dict, table: str, index: int, key: str) -> dict[str, str]:
        value = self.need(entry, table, index, key, dict)
        for lang in LANGS:
            if not isinstance(value.get(lang), str) or not value[lang].strip():
                raise self.fail(table, index, f"'{key}.{lang}' is missing", f"add {key}.{lang} = \"...\"", key)
        return value
