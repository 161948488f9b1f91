"""The names staff know clients by: made by the intake from the client's room id, never from the client's
account, display name or phone number (a bridged WhatsApp account's id is a phone number)."""

from __future__ import annotations

import hashlib

PSEUDONYMS = ("Kenari", "Merpati", "Camar", "Pipit", "Bangau", "Kutilang", "Rajawali", "Jalak", "Melati", "Anggrek",
              "Kenanga", "Teratai", "Cempaka", "Seruni", "Bakung", "Kamboja")


def pseudonym(room_id: str) -> str:
    """The name staff know a client by: made from the room id, never from the client's account, display name
    or phone number (a bridged WhatsApp account's id is a phone number)."""
    digest = hashlib.sha256(room_id.encode()).digest()
    return f"{PSEUDONYMS[digest[0] % len(PSEUDONYMS)]}-{int.from_bytes(digest[1:3], 'big') % 900 + 100}"
