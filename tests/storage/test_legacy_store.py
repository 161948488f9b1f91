"""A store made by the SQLCipher binding curhat-tui used before issue 14 (sqlcipher3-binary 0.6.0,
SQLCipher 4.12.0) opens, unchanged, with the binding used now (sqlcipher3 0.6.4, SQLCipher 4.19.0):
the same rows in every table, the same file bytes after a look, the audit chain intact, and it takes
new writes. tests/data/legacy_store/make_store.py made the stores; content.json is what they held."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from curhat_tui.domain.models import Sender
from curhat_tui.storage.database import Database, StoreError
from curhat_tui.storage.store import Store

LEGACY = Path(__file__).resolve().parents[1] / "data" / "legacy_store"
CONTENT = json.loads((LEGACY / "content.json").read_text(encoding="utf-8"))
KEYS = {"curhat.db": (LEGACY / "key.txt").read_text(encoding="utf-8").strip(),
        "practice.db": (LEGACY / "passphrase.txt").read_text(encoding="utf-8").strip()}
STORES = ["curhat.db", "practice.db"]  # a raw keyring key; a passphrase through SQLCipher's key derivation


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(params=STORES)
def legacy(request, tmp_path) -> tuple[str, Path]:
    name = request.param
    path = tmp_path / name
    shutil.copyfile(LEGACY / name, path)
    assert digest(path) == CONTENT[name]["sha256"], "the committed fixture is the store that was recorded"
    return name, path


def test_the_fixture_was_made_by_the_previous_binding():
    assert CONTENT["binding"] == "sqlcipher3-binary 0.6.0"
    assert {CONTENT[name]["sqlcipher_version"] for name in STORES} == {"4.12.0 community"}


def test_a_legacy_store_opens_with_every_row_as_it_was_and_the_file_untouched(legacy):
    name, path = legacy
    database = Database(path, KEYS[name])
    version = database.scalar("PRAGMA cipher_version")
    assert version.split(".")[0] == "4", "same SQLCipher major version: no cipher_migrate needed"
    assert database.scalar("PRAGMA user_version") == CONTENT[name]["user_version"]
    for table, rows in CONTENT[name]["tables"].items():
        assert database.rows(f'select * from "{table}" order by rowid') == rows, table
    database.close()
    assert digest(path) == CONTENT[name]["sha256"], "reading a legacy store leaves its file as it was"


def test_the_app_reads_a_legacy_store_as_before_and_keeps_writing_to_it(legacy):
    name, path = legacy
    store = Store(path, key=KEYS[name])  # the app's own open: schema migrations run, kind is checked
    assert store.kind == ("real" if name == "curhat.db" else "practice")
    for table, rows in CONTENT[name]["tables"].items():  # a newer schema may add columns, never change a value
        now = store.database.rows(f'select * from "{table}" order by rowid')
        assert [{column: row[column] for column in old} for row, old in zip(now, rows)] == rows, table
        assert len(now) == len(rows), table
    assert [m.text for m in store.messages.for_session("s1")][1:] == [
        "Halo kak, aku lagi capek banget sama urusan rumah 😔",
        "Halo Sari, terima kasih sudah cerita. Capeknya seperti apa?",
        "Ibu sama ayah ribut terus tiap malam; aku nggak bisa tidur."]
    assert store.messages.for_session("s2")[-1].redacted
    assert store.notes.get("s1")["fields"]["A"] == "Stres keluarga." and len(store.notes.versions("s1")) == 2
    assert store.audit.verify() == [], "the audit chain made under the old binding still verifies"
    assert store.state.draft("s2") == "Budi, aku mau pastikan kamu aman malam ini…"
    store.messages.add("s2", Sender.COUNSELOR, "Aku di sini, Budi.", 1_790_002_000.0)
    store.close()
    again = Store(path, key=KEYS[name])
    assert again.messages.for_session("s2")[-1].text == "Aku di sini, Budi."
    assert again.database.scalar("PRAGMA cipher_version").startswith("4.")
    again.close()


def test_a_wrong_key_still_refuses_a_legacy_store_and_changes_nothing(legacy):
    name, path = legacy
    wrong = "cd" * 32 if name == "curhat.db" else "bukan kata sandinya sama sekali"
    with pytest.raises(StoreError, match="wrong key"):
        Store(path, key=wrong)
    assert digest(path) == CONTENT[name]["sha256"]
