"""The string catalogue: every user-visible string, in Indonesian and English."""

from __future__ import annotations

LANGS = ("id", "en")


def pick(by_lang: dict[str, str], lang: str) -> str:
    """The `lang` text of a {lang: text} mapping in a data file; Indonesian when it has none, else any."""
    return by_lang.get(lang) or by_lang.get("id") or next(iter(by_lang.values()), "")


class Catalogue:
    def __init__(self, strings: dict[str, dict[str, str]], lang: str = "id") -> None:
        if lang not in LANGS:
            raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGS)}")
        self.strings = strings
        self.lang = lang

    def __call__(self, key: str, **values: object) -> str:
        if "count" in values:
            key = self.plural(key, values["count"])
        entry = self.strings.get(key)
        if entry is None:
            return f"⟨{key}⟩"
        text = entry.get(self.lang) or entry["id"]
        return text.format(**values) if values else text

    def plural(self, key: str, count: object) -> str:
        """The key for `count`: `key.one` for one in English (Indonesian nouns do not change), else `key.other`,
        else `key` itself; a key without forms is the same for every count."""
        if self.lang == "en" and count == 1 and f"{key}.one" in self.strings:
            return f"{key}.one"
        return f"{key}.other" if f"{key}.other" in self.strings else key

    def number(self, value: float, places: int | None = None) -> str:
        """A number as this language writes it: Indonesian with a decimal comma ("4,00", "0,5"), English with a
        point; `places` fixed decimals, else as few as needed."""
        text = f"{value:.{places}f}" if places is not None else f"{value:g}"
        return text.replace(".", ",") if self.lang == "id" else text

    def pick(self, by_lang: dict[str, str]) -> str:
        """Choose the current language from a {lang: text} mapping in a data file."""
        return pick(by_lang, self.lang)
