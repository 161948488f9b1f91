"""At rest: the store is SQLCipher-encrypted with a key from the keyring; a wrong key changes
nothing; a plain database is migrated once with a backup; no key is ever written beside it."""

from __future__ import annotations

import hashlib
import subprocess
import sys

import keyring
import pytest
from keyring.errors import NoKeyringError

from curhat_tui.domain.models import Sender
from curhat_tui.storage.database_key import KeyUnavailable, database_key
from curhat_tui.storage.store import Store, StoreError, is_plain

KEY = "ab" * 32


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_encrypted_store_hides_client_words_and_reopens_with_its_key(tmp_path):
    path = tmp_path / "curhat.db"
    store = Store(path, key=KEY)
    store.messages.add("s1", Sender.CLIENT, "rahasia: aku dipukul suami", 1.0)
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    raw = path.read_bytes()
    assert not is_plain(path) and b"dipukul" not in raw and b"messages" not in raw
    again = Store(path, key=KEY)
    assert again.messages.for_session("s1")[0].text == "rahasia: aku dipukul suami"
    again.close()


def test_wrong_key_or_no_key_is_a_clear_error_and_touches_nothing(tmp_path):
    path = tmp_path / "curhat.db"
    Store(path, key=KEY).close()
    before = digest(path)
    with pytest.raises(StoreError, match="wrong key"):
        Store(path, key="cd" * 32)
    with pytest.raises(StoreError, match="needs its key"):
        Store(path)
    assert digest(path) == before


def test_a_plain_database_is_migrated_once_with_a_backup(tmp_path):
    path = tmp_path / "curhat.db"
    plain = Store(path)
    plain.messages.add("s1", Sender.COUNSELOR, "catatan lama", 2.0)
    plain.close()
    migrated = Store(path, key=KEY)
    assert migrated.migrated_backup is not None and is_plain(migrated.migrated_backup)
    assert migrated.messages.for_session("s1")[0].text == "catatan lama"
    migrated.close()
    assert not is_plain(path)
    again = Store(path, key=KEY)
    assert again.migrated_backup is None
    again.close()


def test_key_is_made_once_and_kept_in_the_keyring(tmp_path):
    first = database_key(tmp_path / "data")
    assert len(first) == 64 and database_key(tmp_path / "data") == first
    assert database_key(tmp_path / "other") != first
    assert not list((tmp_path / "data").glob("*")) if (tmp_path / "data").exists() else True


def test_without_a_keyring_a_passphrase_or_an_explicit_key_file(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise NoKeyringError("no backend")

    monkeypatch.setattr(keyring, "get_password", broken)
    with pytest.raises(KeyUnavailable, match="--key-file"):
        database_key(tmp_path / "data")
    asked = []
    assert database_key(tmp_path / "data", ask_passphrase=lambda new: asked.append(new) or "kata sandi panjang") \
        == "kata sandi panjang"
    assert asked == [True]
    (tmp_path / "data").mkdir()
    inside = tmp_path / "data" / "key.txt"
    inside.write_text(KEY)
    with pytest.raises(KeyUnavailable, match="must not live in the data dir"):
        database_key(tmp_path / "data", key_file=inside)
    outside = tmp_path / "key.txt"
    outside.write_text(KEY + "\n")
    assert database_key(tmp_path / "data", key_file=outside) == KEY


def test_cli_without_keyring_or_terminal_says_what_to_do(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    result = subprocess.run([sys.executable, "-m", "curhat_tui", "--data-dir", str(tmp_path / "d")],
                            capture_output=True, text=True, timeout=60, env=env, stdin=subprocess.DEVNULL)
    assert result.returncode == 1
    assert "--key-file" in result.stderr and "keyring" in result.stderr
    assert not list((tmp_path / "d").glob("*.db")) if (tmp_path / "d").exists() else True
