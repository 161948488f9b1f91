"""Off Linux: what curhat-tui does on Windows and macOS where Linux and they differ, simulated here
(os.name, a missing termios, Windows' msvcrt console, keyring backends): private files are written
without file modes on Windows and never fail for want of them, keys typed ahead of the passphrase
prompt are dropped on a Windows console, a key is never made in a file "keyring", and the data dir
is the platform's own."""

from __future__ import annotations

import ntpath
import os
import stat
import sys
import types

import keyring
import pytest
from keyring.backends import fail

from curhat_tui import paths
from curhat_tui.cli import echo
from curhat_tui.storage import database_key as dbkey
from curhat_tui.storage import files
from curhat_tui.storage.database import Database
from curhat_tui.storage.database_key import KeyUnavailable, database_key


@pytest.fixture
def windows_files(monkeypatch):
    """storage.files as on Windows: no POSIX modes; a chmod would only toggle read-only, so none may happen."""
    monkeypatch.setattr(files, "POSIX", False)

    def chmod(path, mode, *args, **kwargs):
        raise AssertionError(f"chmod {mode:o} {path}: on Windows this only sets or clears the read-only flag")

    monkeypatch.setattr(os, "chmod", chmod)


def test_on_windows_private_files_and_the_database_are_written_without_file_modes(windows_files, tmp_path):
    folder = files.private_folder(tmp_path / "exports")
    report = files.write_private(folder / "laporan.md", "Sesi Sari: aman 🌱")
    state = files.replace_private(tmp_path / "state" / "intake.json", '{"since": "s1"}')
    files.replace_private(state, '{"since": "s2"}')
    secret = files.write_secret(tmp_path / "key.txt", "ab" * 32)
    assert report.read_text(encoding="utf-8") == "Sesi Sari: aman 🌱"
    assert state.read_text(encoding="utf-8") == '{"since": "s2"}' and secret.read_text(encoding="utf-8") == "ab" * 32
    assert files.read_private(secret) == "ab" * 32  # no mode to check on Windows: the folder's ACL decides
    assert files.keep_private(tmp_path / "state", ["intake.json"]) == []
    database = Database(tmp_path / "data" / "curhat.db", "cd" * 32)
    database.execute("create table t (x)")
    database.execute("insert into t values ('rahasia')")
    database.close()
    again = Database(tmp_path / "data" / "curhat.db", "cd" * 32)
    assert again.scalar("select x from t") == "rahasia"
    again.close()


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_on_linux_and_macos_the_same_files_are_0600_in_0700_folders(tmp_path):
    report = files.write_private(tmp_path / "exports" / "laporan.md", "isi")
    database = Database(tmp_path / "data" / "curhat.db", "cd" * 32)
    database.close()
    modes = [stat.S_IMODE(p.stat().st_mode) for p in (report, report.parent, tmp_path / "data" / "curhat.db",
                                                       tmp_path / "data")]
    assert modes == [0o600, 0o700, 0o600, 0o700]


class FakeConsole(types.ModuleType):
    """Windows' msvcrt as far as echo uses it: the console's input buffer."""

    def __init__(self, typed: str) -> None:
        super().__init__("msvcrt")
        self.buffer = list(typed)

    def kbhit(self) -> bool:
        return bool(self.buffer)

    def getwch(self) -> str:
        return self.buffer.pop(0)


class Tty:
    def isatty(self) -> bool:
        return True

    def fileno(self) -> int:
        return 0


@pytest.fixture
def windows_console(monkeypatch):
    monkeypatch.setitem(sys.modules, "termios", None)  # `import termios` raises ImportError, as on Windows
    console = FakeConsole("kopi susu di teras")  # typed while the app was still loading
    monkeypatch.setitem(sys.modules, "msvcrt", console)
    monkeypatch.setattr(sys, "stdin", Tty())
    monkeypatch.setattr(echo, "_saved", None)
    return console


def test_on_a_windows_console_keys_typed_ahead_of_the_prompt_are_dropped_not_read_as_the_passphrase(windows_console):
    echo.hold()
    assert windows_console.buffer, "holding reads nothing: the console does not echo what waits in its buffer"
    echo.release()
    assert windows_console.buffer == []
    windows_console.buffer = list("ketikan baru")
    echo.release()  # released once already: what is typed at the prompt itself is left for getpass
    assert windows_console.buffer == list("ketikan baru")


def test_without_termios_or_a_console_holding_echo_does_nothing_and_never_fails(monkeypatch):
    monkeypatch.setitem(sys.modules, "termios", None)
    monkeypatch.setitem(sys.modules, "msvcrt", None)
    monkeypatch.setattr(sys, "stdin", Tty())
    monkeypatch.setattr(echo, "_saved", None)
    echo.hold()
    echo.release()
    assert echo._saved is None


def test_without_a_terminal_echo_is_left_alone(monkeypatch):
    class Piped(Tty):
        def isatty(self) -> bool:
            return False

    monkeypatch.setattr(sys, "stdin", Piped())
    monkeypatch.setattr(echo, "_saved", None)
    echo.hold()
    assert echo._saved is None


class FileKeyring(keyring.backend.KeyringBackend):
    """Stands in for keyrings.alt's PlaintextKeyring: a "keyring" that is a file in the home folder."""

    priority = 0.5
    secrets: dict = {}

    def get_password(self, service, username):
        return self.secrets.get((service, username))

    def set_password(self, service, username, password):
        self.secrets[(service, username)] = password

    def delete_password(self, service, username):
        self.secrets.pop((service, username), None)


FileKeyring.__module__ = "keyrings.alt.file"


def test_a_new_key_is_never_kept_in_a_file_keyring_the_passphrase_is_asked_instead(tmp_path):
    backend = FileKeyring()
    backend.secrets = {}
    keyring.set_keyring(backend)
    asked = []
    key = database_key(tmp_path / "data", ask_passphrase=lambda new: asked.append(new) or "kata sandi yang panjang")
    assert key == "kata sandi yang panjang" and key.source == "passphrase" and asked == [True]
    assert backend.secrets == {}, "no key was written beside the data"
    with pytest.raises(KeyUnavailable, match="keyring"):
        database_key(tmp_path / "data")  # no terminal to ask at: said, with the way out (--key-file)


def test_a_key_already_in_a_file_keyring_is_still_read_so_its_database_opens(tmp_path):
    backend = FileKeyring()
    backend.secrets = {(paths.KEYRING_SERVICE, dbkey._account(tmp_path / "data")): "ef" * 32}
    keyring.set_keyring(backend)
    key = database_key(tmp_path / "data", ask_passphrase=lambda new: pytest.fail("asked for a passphrase"))
    assert key == "ef" * 32 and key.source == "keyring"


def test_with_no_keyring_backend_at_all_the_passphrase_is_asked(tmp_path):
    keyring.set_keyring(fail.Keyring())
    key = database_key(tmp_path / "data", ask_passphrase=lambda new: "kata sandi yang panjang")
    assert key.source == "passphrase"


def test_the_os_keyring_keeps_the_key_whatever_the_backend_is_called(tmp_path):
    """The conftest's in-memory keyring stands in for Windows Credential Locker or the macOS Keychain:
    nothing in curhat names a backend, so whichever keyring picks is used."""
    key = database_key(tmp_path / "data", ask_passphrase=lambda new: pytest.fail("asked for a passphrase"))
    assert key.source == "keyring" and len(key) == 64
    assert keyring.get_password(paths.KEYRING_SERVICE, dbkey._account(tmp_path / "data")) == key


def test_on_windows_one_folder_spelt_in_two_cases_has_one_key(tmp_path, monkeypatch):
    monkeypatch.setattr(os.path, "normcase", ntpath.normcase)  # Windows: C:\Users\Ani is c:\users\ani
    first = database_key(tmp_path / "Data")
    assert database_key(tmp_path / "data") == first


def test_a_key_file_in_the_data_dir_is_refused_however_the_dir_is_reached(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (tmp_path / "link").symlink_to(data, target_is_directory=True)
    assert dbkey._inside(tmp_path / "link" / "key.txt", data)  # another name for the same folder
    assert not dbkey._inside(tmp_path / "key.txt", data)


def test_the_data_dir_is_the_platforms_user_data_folder(monkeypatch):
    monkeypatch.delenv(paths.ENV_DATA_DIR, raising=False)
    from platformdirs import user_data_dir

    assert paths.resolve_data_dir(None) == paths.default_data_dir()
    assert str(paths.default_data_dir()) == user_data_dir("curhat-tui", appauthor=False)
    from platformdirs.macos import MacOS

    assert MacOS("curhat-tui", appauthor=False).user_data_dir.endswith("/Library/Application Support/curhat-tui")


def test_on_windows_the_passphrase_prompt_drops_what_was_typed_while_loading(windows_console, tmp_path, monkeypatch):
    """The command holds the console at start; the prompt then starts from an empty buffer, so keys typed while
    the app loaded are not taken as the start of the passphrase (getpass on Windows reads the buffer as it is)."""
    import getpass

    from curhat_tui.cli import passphrase

    keyring.set_keyring(fail.Keyring())
    seen = []

    def prompt(text):
        seen.append("".join(windows_console.buffer))  # what getpass (msvcrt.getwch) would read first
        return "kata sandi yang panjang"

    monkeypatch.setattr(getpass, "getpass", prompt)
    echo.hold()
    key = passphrase.database_key(tmp_path / "data", None)
    assert key == "kata sandi yang panjang" and seen == ["", ""]  # asked, then confirmed: nothing typed ahead left


def test_a_written_file_has_a_name_windows_accepts_and_stays_in_its_folder(tmp_path):
    folder = files.private_folder(tmp_path / "practice-reports")
    odd = files.free_name(folder, 'ani:"malam"/../rahasia?* ')  # a colon on NTFS writes a hidden stream
    assert odd.parent == folder and odd.name == "ani__malam__.._rahasia__.md"
    assert files.free_name(folder, "CON").name == "_CON.md" and files.free_name(folder, "nul.tar").name == "_nul.tar.md"
    plain = files.free_name(folder, "sesi-20260921-215320-a1b2c3d4e5f6")
    assert plain.name == "sesi-20260921-215320-a1b2c3d4e5f6.md"  # the names curhat makes are left as they are
    files.write_private(plain, "isi")
    assert files.free_name(folder, "sesi-20260921-215320-a1b2c3d4e5f6").name == "sesi-20260921-215320-a1b2c3d4e5f6-2.md"
