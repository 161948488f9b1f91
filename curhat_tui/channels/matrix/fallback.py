"""The device's Olm fallback key (Matrix client-server spec: `fallback_keys` in POST /keys/upload, and
`device_unused_fallback_key_types` in each sync answer).

One-time keys can be drained: any account on the homeserver may POST /keys/claim in a loop and take them all.
A device that then has none left and no fallback key cannot be reached by a new Olm session, so a client's
room key never gets to it and the client's lines stay undecryptable there. With a fallback key on the server,
a claim that finds no one-time key gets the fallback key instead, and the session is made with it.

The key is vodozemac's (`Account.generate_fallback_key`), signed by the device's Ed25519 key through nio
(`OlmMachine.sign_json`) over the canonical JSON of the key object, as nio signs one-time keys. It is marked
published, with the one-time keys, by nio when the server accepts the upload, and it is kept in the account's
pickle in nio's store; vodozemac keeps the previous fallback key beside a new one, so a session begun with
the old key just before it was replaced still opens.
"""

from __future__ import annotations

from typing import Any

ALGORITHM = "signed_curve25519"
UNUSED = "device_unused_fallback_key_types"
UNUSED_UNSTABLE = "org.matrix.msc2732.device_unused_fallback_key_types"


def fallback_used(raw: dict) -> bool:
    """Whether a sync answer says the server holds no unused fallback key of ours (the last one was claimed, or
    none was ever uploaded). An answer that does not carry the field (a server without fallback keys) says no."""
    types = raw.get(UNUSED, raw.get(UNUSED_UNSTABLE))
    return isinstance(types, list) and ALGORITHM not in types


def unpublished(olm: Any) -> dict[str, str]:  # noqa: ANN401 - nio's OlmMachine
    """The device's fallback key not yet marked published, {key id: base64 key}: vodozemac lists only that one
    (a published key, and the one before it, stay in the account to open sessions, but are not listed)."""
    return {key_id: key.to_base64() for key_id, key in olm.account._account.fallback_key.items()}


def ensure_fallback_key(olm: Any) -> None:  # noqa: ANN401 - nio's OlmMachine
    """A new fallback key in the account, unless one waits to be published already (an upload that failed)."""
    if not unpublished(olm):
        olm.account._account.generate_fallback_key()
        olm.save_account()  # the private half is on disk before its public half leaves the machine


def signed_fallback_keys(olm: Any) -> dict[str, dict]:  # noqa: ANN401 - nio's OlmMachine
    """The unpublished fallback key as /keys/upload takes it under `fallback_keys`:
    {"signed_curve25519:<id>": {"key": ..., "fallback": true, "signatures": {user: {"ed25519:<device>": ...}}}}."""
    signed = {}
    for key_id, key in unpublished(olm).items():
        body: dict[str, Any] = {"key": key, "fallback": True}
        signature = olm.sign_json(body)
        body["signatures"] = {olm.user_id: {f"ed25519:{olm.device_id}": signature}}
        signed[f"{ALGORITHM}:{key_id}"] = body
    return signed
