"""The string catalogue: every user-visible string, in Indonesian and English."""

from __future__ import annotations

LANGS = ("id", "en")


class Catalogue:
    def __init__(self, strings: dict[str, dict[str, str]], lang: str = "id") -> None:
        if lang not in LANGS:
            raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGS)}")
        self.strings = strings
        self.lang = lang

    def __call__(self, key: str, **values: object) -> str:
        entry = self.strings.get(key)
        if entry is None:
            return f"⟨{key}⟩"
        text = entry.get(self.lang) or entry["id"]
        return text.format(**values) if values else text

    def pick(self, by_lang: dict[str, str]) -> str:
        """Choose the current language from a {lang: text} mapping in a data file."""
        return by_lang.get(self.lang) or by_lang.get("id") or next(iter(by_lang.values()), "")
