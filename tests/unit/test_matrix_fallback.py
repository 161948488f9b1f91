"""The device's Olm fallback key (crypto.py, fallback.py), without a homeserver: when a sync answer asks for a new
one, what is uploaded is signed by the device, and a device opened again from its store still begins a session
with a pre-key message made with its published fallback key."""

from __future__ import annotations

import json

import pytest

nio = pytest.importorskip("nio")
vodozemac = pytest.importorskip("vodozemac")

from curhat_tui.channels.matrix.crypto import FALLBACK_SECONDS, Crypto  # noqa: E402
from curhat_tui.channels.matrix.fallback import (  # noqa: E402
    ensure_fallback_key,
    fallback_used,
    signed_fallback_keys,
    unpublished,
)

USER, DEVICE = "@ani:curhat.test", "ANIDEVICE"


def crypto_in(folder) -> Crypto:  # noqa: ANN001
    # no homeserver is reached: nio's machine is built from its store at login
    return Crypto("http://127.0.0.1:9", USER, DEVICE, "token", folder, "kunci-uji-ani")


def test_a_sync_answer_asks_for_a_new_fallback_key_only_when_none_is_left_unused():
    assert fallback_used({"device_unused_fallback_key_types": []})
    assert fallback_used({"device_unused_fallback_key_types": ["other"]})
    assert not fallback_used({"device_unused_fallback_key_types": ["signed_curve25519"]})
    assert fallback_used({"org.matrix.msc2732.device_unused_fallback_key_types": []})
    assert not fallback_used({"next_batch": "s1"})  # a server that knows no fallback keys says nothing


async def test_the_fallback_key_is_signed_by_the_device_and_survives_a_restart(tmp_path):
    crypto = crypto_in(tmp_path / "olm")
    olm = crypto.client.olm
    ensure_fallback_key(olm)
    ensure_fallback_key(olm)  # one waiting to be published is not replaced
    ((key_id, body),) = signed_fallback_keys(olm).items()
    assert key_id.startswith("signed_curve25519:") and body["fallback"] is True
    # the device's signature holds over the key object, "fallback" included, as a claimer's nio checks it
    identity = olm.account.identity_keys
    assert olm.verify_json(json.loads(json.dumps(body)), identity["ed25519"], USER, DEVICE)
    forged = dict(json.loads(json.dumps(body)), key=vodozemac.Account().curve25519_key.to_base64())
    assert not olm.verify_json(forged, identity["ed25519"], USER, DEVICE)
    olm.mark_keys_as_published()  # what nio does when the server accepts the upload
    olm.save_account()
    assert unpublished(olm) == {} and signed_fallback_keys(olm) == {}
    await crypto.close()

    again = crypto_in(tmp_path / "olm")
    assert again.client.olm.account.identity_keys == identity
    sender = vodozemac.Account()
    session = sender.create_outbound_session(vodozemac.Curve25519PublicKey.from_base64(identity["curve25519"]),
                                             vodozemac.Curve25519PublicKey.from_base64(body["key"]))
    message = session.encrypt(b"kunci ruang").to_pre_key()
    _, plain = again.client.olm.account.create_inbound_session(sender.curve25519_key.to_base64(), message)
    assert plain == b"kunci ruang"
    await again.close()


def record_uploads(crypto: Crypto) -> list[dict]:
    """nio's one HTTP call for /keys/upload, answered as a homeserver does (its keys counted), the body kept."""
    uploads: list[dict] = []

    async def send(response_class, method, path, data=None, **_):  # noqa: ANN001, ANN202
        assert (method, path.split("?")[0]) == ("POST", "/_matrix/client/v3/keys/upload")
        uploads.append(json.loads(data))
        response = response_class.from_dict({"one_time_key_counts": {"signed_curve25519": 50}})
        await crypto.client.receive_response(response)
        return response

    crypto.client._send = send
    return uploads


def answer(unused: list[str]) -> dict:
    return {"next_batch": "s1", "device_one_time_keys_count": {"signed_curve25519": 50},
            "device_unused_fallback_key_types": unused}


async def test_a_used_fallback_key_is_replaced_and_the_old_one_still_opens_a_session_begun_with_it(tmp_path):
    crypto = crypto_in(tmp_path / "olm")
    olm = crypto.client.olm
    uploads = record_uploads(crypto)
    await crypto.process(answer([]))  # the first upload: device keys, one-time keys and a fallback key
    assert crypto.published and len(uploads) == 1
    assert {"device_keys", "one_time_keys", "fallback_keys"} <= set(uploads[0])
    ((_, first),) = uploads[0]["fallback_keys"].items()
    await crypto.process(answer(["signed_curve25519"]))  # the server holds it unused: nothing to do
    assert len(uploads) == 1

    await crypto.process(answer([]))  # it was claimed: a new one, and only that (the one-time keys are full)
    assert len(uploads) == 2 and set(uploads[1]) == {"fallback_keys"}
    ((key_id, second),) = uploads[1]["fallback_keys"].items()
    assert second["key"] != first["key"] and key_id.startswith("signed_curve25519:") and second["fallback"] is True
    identity = olm.account.identity_keys
    assert olm.verify_json(dict(second), identity["ed25519"], USER, DEVICE)
    assert crypto.published and unpublished(olm) == {}
    await crypto.process(answer(["signed_curve25519"]))
    assert len(uploads) == 2

    # a client who claimed the old key just before it was replaced still begins its session with it
    sender = vodozemac.Account()
    curve = vodozemac.Curve25519PublicKey.from_base64(identity["curve25519"])
    for key, words in ((first["key"], b"lama"), (second["key"], b"baru")):
        message = sender.create_outbound_session(curve, vodozemac.Curve25519PublicKey.from_base64(key)).encrypt(words)
        assert olm.account.create_inbound_session(sender.curve25519_key.to_base64(), message.to_pre_key())[1] == words
    await crypto.process(answer([]))  # claimed again at once (an account claiming each new key): not replaced
    await crypto.process(answer([]))
    assert len(uploads) == 2
    crypto._fallback_made -= FALLBACK_SECONDS  # an hour later: replaced
    await crypto.process(answer([]))
    assert len(uploads) == 3 and set(uploads[2]) == {"fallback_keys"}
    ((_, third),) = uploads[2]["fallback_keys"].items()
    assert third["key"] not in (first["key"], second["key"])
    await crypto.close()
