"""A workstation's Matrix login where no OS keyring is usable: kept in the encrypted database (its `meta`
table, under the database key), read back, and cleared by logout; a working keyring still comes first."""

from __future__ import annotations

import asyncio

import keyring
import pytest
from keyring.backends import fail, null

from curhat_tui.channels.matrix.login import (
    DatabaseTokens,
    LoginError,
    _save,
    _where,
    connect,
    database_tokens,
    logout,
    saved,
)
from curhat_tui.storage.store import Store
from tests.conftest import TEST_KEY

DEAD_SERVER = "http://127.0.0.1:9"  # nothing listens: a logout there fails at once
USER = "@ani:curhat.test"


@pytest.fixture
def no_keyring():
    keyring.set_keyring(fail.Keyring())  # conftest puts its memory keyring back afterwards


def test_the_database_token_store_round_trips_encrypted(tmp_path):
    tokens = database_tokens(tmp_path, TEST_KEY)
    assert isinstance(tokens, DatabaseTokens)
    assert tokens.get("a@b") is None and not tokens.delete("a@b") and not tokens.path.exists()
    tokens.set("a@b", '{"access_token": "syt_secret", "device_id": "D"}')
    assert tokens.get("a@b") == '{"access_token": "syt_secret", "device_id": "D"}'
    store = Store(tokens.path, key=TEST_KEY)
    assert store.state.matrix_login("a@b") and store.kind == "real"
    store.close()
    assert b"syt_secret" not in tokens.path.read_bytes()  # under the database key, not in the clear
    assert tokens.delete("a@b") and tokens.get("a@b") is None
    assert database_tokens(tmp_path, None) is None  # never kept in an unencrypted database


def test_without_a_keyring_the_login_is_read_from_the_fallback_and_logout_clears_it(tmp_path, no_keyring):
    tokens = database_tokens(tmp_path, TEST_KEY)
    with pytest.raises(LoginError, match="no usable OS keyring"):
        saved(DEAD_SERVER, USER)
    assert saved(DEAD_SERVER, USER, tokens) == {}
    tokens.set(f"{USER}@{DEAD_SERVER}", '{"access_token": "t1", "device_id": "D1"}')  # type: ignore[union-attr]
    assert saved(DEAD_SERVER, USER, tokens) == {"access_token": "t1", "device_id": "D1"}
    assert asyncio.run(logout(DEAD_SERVER, USER, tokens))  # the server is unreachable: forgotten here all the same
    assert saved(DEAD_SERVER, USER, tokens) == {}
    with pytest.raises(LoginError, match="no usable OS keyring"):
        asyncio.run(logout(DEAD_SERVER, USER))


def test_a_keyring_that_drops_what_it_is_given_sends_the_login_to_the_fallback(tmp_path):
    keyring.set_keyring(null.Keyring())
    tokens = database_tokens(tmp_path, TEST_KEY)
    where, creds = _where("u@h", tokens)
    assert creds == {}
    _save("u@h", {"access_token": "t", "device_id": "D"}, where, tokens)
    assert saved("h", "u", tokens) == {"access_token": "t", "device_id": "D"}


def test_a_working_keyring_is_still_used_first(tmp_path):
    tokens = database_tokens(tmp_path, TEST_KEY)
    keyring.set_password("curhat-tui", f"{USER}@{DEAD_SERVER}", '{"access_token": "k", "device_id": "K"}')
    assert saved(DEAD_SERVER, USER, tokens)["access_token"] == "k"
    assert not tokens.path.exists()  # the database was not even opened


def test_connect_without_keyring_or_fallback_says_why(no_keyring):
    with pytest.raises(LoginError, match="no usable OS keyring"):
        asyncio.run(connect(DEAD_SERVER, USER, lambda: "pw"))


def test_logout_finds_the_database_login_with_the_key_file_only_where_it_is_needed(tmp_path):
    from curhat_tui.cli.passphrase import login_fallback

    data_dir, key_file = tmp_path / "data", tmp_path / "db.key"
    key_file.write_text(TEST_KEY)
    assert login_fallback(data_dir, str(key_file)) is None  # no database: nothing kept there
    database_tokens(data_dir, TEST_KEY).set("u@h", '{"access_token": "t"}')  # type: ignore[union-attr]
    assert login_fallback(data_dir, None) is None  # a working keyring holds the login
    keyring.set_keyring(fail.Keyring())
    found = login_fallback(data_dir, str(key_file))
    assert isinstance(found, DatabaseTokens) and found.get("u@h") == '{"access_token": "t"}'


def test_a_keyring_that_is_only_a_file_in_the_home_folder_is_passed_over_for_the_encrypted_database(tmp_path):
    """keyrings.alt (often installed by Debian and Ubuntu) would keep the token in a file beside the data, and
    its encrypted variant asks, in English, for a password of its own: the login goes to the database instead."""
    from tests.unit.test_platform import FileKeyring

    backend = FileKeyring()
    backend.secrets = {}
    keyring.set_keyring(backend)
    tokens = database_tokens(tmp_path, TEST_KEY)
    where, creds = _where(f"{USER}@{DEAD_SERVER}", tokens)
    _save(f"{USER}@{DEAD_SERVER}", {"access_token": "t2", "device_id": "D2"}, where, tokens)
    assert backend.secrets == {}, "nothing was written to the file keyring"
    assert saved(DEAD_SERVER, USER, tokens) == {"access_token": "t2", "device_id": "D2"}
