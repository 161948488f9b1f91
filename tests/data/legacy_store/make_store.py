"""Made the stores in this folder, once, with the SQLCipher binding curhat-tui used before issue 14
(sqlcipher3-binary 0.6.0, SQLCipher 4.12.0); kept so tests/storage/test_legacy_store.py can prove a
store made then opens, unchanged, with the binding used now. Re-running it with today's binding
would make stores that prove nothing, so it refuses unless --force is given.

    .venv/bin/python tests/data/legacy_store/make_store.py

Two stores, both made through the app's own storage code (storage.store.Store):
  curhat.db   real sessions, keyed as the app keys it when an OS keyring exists: 64 random hex digits,
              used raw (key.txt)
  practice.db practice sessions, keyed as the app keys it where no keyring exists: a passphrase,
              stretched by SQLCipher's own key derivation (passphrase.txt)
and content.json: every row of every table of each, with the binding and SQLCipher version that made them.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sys
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from curhat_tui.domain.models import Delivery, Risk, Sender, Session, SessionStatus, Tier, Visit  # noqa: E402
from curhat_tui.storage.store import PRACTICE, REAL, Store  # noqa: E402

T0 = 1_790_000_000.0
PASSPHRASE = "kopi susu di teras, jam tiga sore"


def table_rows(store: Store) -> dict[str, list[dict]]:
    """Every row of every table, in rowid order (what the test compares after the switch)."""
    rows: dict[str, list[dict]] = {}
    for table in store.database.table_names():
        if table.startswith("sqlite_"):
            continue
        rows[table] = store.database.rows(f'select * from "{table}" order by rowid')
    return rows


def fill(store: Store, counselor: str) -> None:
    clients = [("k-sari", "Sari", Tier.PEER, Risk.LOW), ("k-budi", "Budi", Tier.PROFESSIONAL, Risk.HIGH),
               ("k-rina", "Rina 🌱", Tier.PEER, Risk.NONE)]
    for n, (key, alias, tier, risk) in enumerate(clients):
        visit = Visit(id=f"v{n + 1}", client_key=key, alias=alias, tier=tier, minutes=45, price=50_000 + n * 25_000,
                      topic=["keluarga", "pekerjaan", "kuliah"][n], intake_risk_answer=["tidak", "ya", "tidak"][n],
                      risk=risk, arrived_at=T0 + n * 60)
        store.visits.add(visit)
        if n == 2:
            continue  # Rina is still waiting in the queue
        session = Session(id=f"s{n + 1}", visit_id=visit.id, client_key=key, alias=alias, tier=tier, minutes=45,
                          price=visit.price, counselor=counselor, started_at=T0 + 300 + n * 60,
                          deadline=T0 + 300 + n * 60 + 45 * 60, risk=risk)
        store.sessions.add(session, {"room": f"!room{n}:example.org"})
    lines = [
        ("s1", Sender.SYSTEM, "Sesi dimulai."),
        ("s1", Sender.CLIENT, "Halo kak, aku lagi capek banget sama urusan rumah 😔"),
        ("s1", Sender.COUNSELOR, "Halo Sari, terima kasih sudah cerita. Capeknya seperti apa?"),
        ("s1", Sender.CLIENT, "Ibu sama ayah ribut terus tiap malam, aku nggak bisa tidur."),
        ("s2", Sender.CLIENT, "I've been thinking it'd be easier if I weren't here."),
        ("s2", Sender.COUNSELOR, "Thank you for telling me, Budi. Are you safe right now?"),
        ("s2", Sender.CLIENT, "Aku di kamar. <b>bukan markup</b> [bold]juga bukan[/bold] 'kutip' \"ganda\""),
    ]
    for i, (session_id, sender, text) in enumerate(lines):
        store.messages.add(session_id, sender, text, T0 + 400 + i * 30,  # a client's line: its remote event id
                           txn_id=f"$event{i}" if sender == Sender.CLIENT else f"txn-{i}", delivery=Delivery.SENT)
    store.messages.edit("s1", "$event3", "Ibu sama ayah ribut terus tiap malam; aku nggak bisa tidur.", T0 + 700)
    store.messages.redact("s2", "$event6", T0 + 710)
    store.flags.add("s2", "suicidal_ideation", T0 + 520, {"phrase": "easier if I weren't here"})
    store.notes.save("s1", "k-sari", "soap", {"S": "Konflik orang tua setiap malam; sulit tidur.", "O": "", "A": "",
                                               "P": "Sesi lanjutan minggu depan."}, T0 + 800)
    store.notes.save("s1", "k-sari", "soap", {"S": "Konflik orang tua setiap malam; sulit tidur.",
                                               "O": "Tenang, runtut.", "A": "Stres keluarga.",
                                               "P": "Sesi lanjutan minggu depan."}, T0 + 1000)
    store.sessions.update("s1", status=SessionStatus.CLOSED, end_reason="selesai", ended_at=T0 + 1100)
    store.state.set_draft("s2", "Budi, aku mau pastikan kamu aman malam ini…")
    store.audit.record(counselor, "session.close", "s1", {"reason": "selesai"}, ts=T0 + 1100)


def make(path: Path, key: str, kind: str) -> dict:
    path.unlink(missing_ok=True)
    store = Store(path, key=key, kind=kind)
    fill(store, "Ani")
    cipher = store.database.scalar("PRAGMA cipher_version")
    user_version = store.database.scalar("PRAGMA user_version")
    rows = table_rows(store)
    store.close()
    assert not Path(f"{path}-wal").exists(), "the WAL must be checkpointed into the file on close"
    return {"sqlcipher_version": cipher, "user_version": user_version, "tables": rows,
            "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}


def main() -> None:
    binding = metadata.version("sqlcipher3-binary") if _installed("sqlcipher3-binary") else None
    if binding != "0.6.0" and "--force" not in sys.argv:
        sys.exit(f"this makes the stores of sqlcipher3-binary 0.6.0; installed: {binding}. Nothing was made.")
    key = secrets.token_hex(32)  # what storage.database_key makes and keeps in the keyring
    (HERE / "key.txt").write_text(key + "\n", encoding="utf-8")
    (HERE / "passphrase.txt").write_text(PASSPHRASE + "\n", encoding="utf-8")
    content = {"binding": f"sqlcipher3-binary {binding}",
               "curhat.db": make(HERE / "curhat.db", key, REAL),
               "practice.db": make(HERE / "practice.db", PASSPHRASE, PRACTICE)}
    (HERE / "content.json").write_text(json.dumps(content, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                                       encoding="utf-8")
    print(f"made curhat.db and practice.db with SQLCipher {content['curhat.db']['sqlcipher_version']}")


def _installed(name: str) -> bool:
    try:
        metadata.version(name)
        return True
    except metadata.PackageNotFoundError:
        return False


if __name__ == "__main__":
    main()
