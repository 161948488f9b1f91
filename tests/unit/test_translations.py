"""Issue 13, defect 12: what a user reads is in their language: plurals, the referral directory, the start-up
passphrase prompts and the command line's errors; a too-short passphrase is refused at once and asked again."""

from __future__ import annotations

import pytest

from curhat_tui import cli
from curhat_tui.cli import passphrase
from curhat_tui.domain.i18n import Catalogue

INDONESIAN_DIRECTORY_WORDS = ("Nasional", "Datang langsung", "rumah sakit terdekat", "setempat", "Layanan Darurat")


@pytest.mark.parametrize(("key", "one", "two"), [
    ("sv.waiting", "1 note awaiting sign-off", "2 notes awaiting sign-off"),
    ("sv.filter.count", "1 session", "2 sessions"),
    ("sv.detail.transcript", "Transcript (1 message)", "Transcript (2 messages)"),
    ("rights.messages", "1 message", "2 messages"),
    ("sv.load.sessions", "1 session", "2 sessions"),
])
def test_english_counts_agree_with_their_noun(data, key, one, two):
    en = Catalogue(data.strings, "en")
    assert (en(key, count=1), en(key, count=2)) == (one, two)
    assert en(key, count=0) == two.replace("2", "0")  # zero takes the plural


def test_indonesian_nouns_do_not_change_with_the_count(data):
    t = Catalogue(data.strings, "id")
    assert t("sv.waiting", count=1) == "1 catatan menunggu tanda tangan"
    assert t("sv.waiting", count=3) == "3 catatan menunggu tanda tangan"
    assert t("sv.load.sessions", count=1) == "1 sesi"


def test_every_singular_form_keeps_the_placeholders_of_its_plural(data):
    import string

    def fields(text):
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    singles = [k for k in data.strings if k.endswith(".one")]
    assert len(singles) >= 8
    for key in singles:
        base = key[:-len(".one")]
        plural = data.strings.get(base) or data.strings[f"{base}.other"]
        for lang in ("id", "en"):
            assert fields(data.strings[key][lang]) == fields(plural[lang]), key


def test_the_referral_directory_speaks_english_in_english(data):
    book = data.redflags
    for item in book.items:
        script = book.render_script(item.id, "en", "Mawar", "Ani")
        assert not any(word in script for word in INDONESIAN_DIRECTORY_WORDS), (item.id, script)
    igd = book.directory["igd"]
    assert igd.text("contact", "en") == "Walk in / 112" and igd.text("contact", "id") == "Datang langsung / 112"
    assert all(entry.text("region", "en") != "Nasional" for entry in book.directory.values())
    assert "Datang langsung" in book.render_script("suicide", "id", "Mawar", "Ani")  # Indonesian stays Indonesian


class Terminal:
    """A terminal for the passphrase prompts: answers in turn, what was asked and what was said."""

    def __init__(self, monkeypatch, capsys, answers):
        self.answers = list(answers)
        self.prompts: list[str] = []
        self.capsys = capsys
        monkeypatch.setattr(passphrase.getpass, "getpass", self.getpass)
        monkeypatch.setattr(passphrase.sys.stdin, "isatty", lambda: True)

    def getpass(self, prompt=""):
        self.prompts.append(prompt)
        return self.answers.pop(0)


def no_keyring(monkeypatch, new: bool):
    """The storage's key lookup as on a machine without a keyring: the passphrase is asked for."""
    import curhat_tui.storage.database_key as stored

    monkeypatch.setattr(stored, "database_key", lambda data_dir, key_file=None, ask_passphrase=None:
                        ask_passphrase(new))


def test_a_short_passphrase_is_refused_at_once_and_asked_again_in_indonesian(tmp_path, monkeypatch, capsys, data):
    no_keyring(monkeypatch, new=True)
    good = "kuda-lumping-2026"
    term = Terminal(monkeypatch, capsys, ["pendek", good, good])
    key = passphrase.database_key(tmp_path, None, Catalogue(data.strings, "id"))
    assert key == good
    assert "minimal 12 karakter" in term.prompts[0]  # the minimum is said up front
    assert term.prompts[1] == term.prompts[0]  # asked again after the short one, not confirmed first
    assert term.prompts[2].startswith("Ketik sekali lagi")
    err = capsys.readouterr().err
    assert "Terlalu pendek (6 karakter): minimal 12 karakter" in err and "keyring sistem" in err


def test_mismatched_confirmations_are_asked_again_then_given_up_in_english(tmp_path, monkeypatch, capsys, data):
    from curhat_tui.storage.database_key import KeyUnavailable

    no_keyring(monkeypatch, new=True)
    term = Terminal(monkeypatch, capsys, ["a" * 12, "b" * 12, "short", "c" * 12, "d" * 12])
    with pytest.raises(KeyUnavailable, match="no passphrase accepted after 3 tries"):
        passphrase.database_key(tmp_path, None, Catalogue(data.strings, "en"))
    assert term.prompts[0] == "Choose a passphrase for the curhat-tui database (at least 12 characters): "
    assert capsys.readouterr().err.count("The two passphrases differ") == 2


def test_the_command_line_answers_in_the_configured_language(tmp_path, capsys):
    assert cli.main(["--data-dir", str(tmp_path), "--persona", "nobody"]) == 2
    assert "curhat: tidak ada persona 'nobody'" in capsys.readouterr().err
    (tmp_path / "config.toml").write_text('lang = "en"\n', encoding="utf-8")
    assert cli.main(["--data-dir", str(tmp_path), "--homeserver", "https://h", "--role", "trainee"]) == 2
    assert "a trainee practises with simulated clients only" in capsys.readouterr().err
    assert cli.main(["--data-dir", str(tmp_path), "--lang", "id", "--llm-url", "http://x"]) == 2
    assert "butuh nama model" in capsys.readouterr().err


def test_the_other_commands_answer_in_the_configured_language(tmp_path, capsys):
    assert cli.main(["llm-key", "--data-dir", str(tmp_path)]) == 2
    assert "server yang mana?" in capsys.readouterr().err
    assert cli.main(["client", "show", "Mawar", "--data-dir", str(tmp_path)]) == 1
    assert "tidak ada basis data di" in capsys.readouterr().err
    (tmp_path / "config.toml").write_text('lang = "en"\n', encoding="utf-8")
    assert cli.main(["llm-key", "--data-dir", str(tmp_path)]) == 2
    assert "which server?" in capsys.readouterr().err
