"""End-to-end encryption for the workstation and the intake, with matrix-nio's Olm/Megolm machine
(matrix-nio 0.26, `e2e` extra, which uses vodozemac): no crypto is written here.

curhat-tui keeps its own sync loop and HTTP client; nio is used only as the crypto engine. Each sync
answer is handed to nio before any subscriber sees it: nio takes the to-device messages (room keys),
device-list changes and one-time-key counts, and decrypts `m.room.encrypted` timeline events, which are
put back into the answer as the events they were (with their event id, sender and time). An event nio
cannot decrypt yet stays `m.room.encrypted` and is marked `curhat_undecrypted`; its keys may come later.
After each answer, device keys and one-time keys are uploaded when the server says so, device lists are
queried, and to-device messages nio has queued are sent. Before a message goes into an encrypted room,
the room's members are loaded, Olm sessions are claimed for devices that lack one, and the Megolm session
is shared; the encrypted content is then sent by curhat's API with the outbox's transaction id.

Fallback key: every device (workstation and intake alike) also publishes a signed Olm fallback key
(fallback.py), at its first upload and again when a sync answer's `device_unused_fallback_key_types` lacks
"signed_curve25519" (the last one was claimed), at most once an hour: vodozemac keeps only the key before, and
an account claiming each new key must not make a client's message begun with an older one unopenable. Any
account on the homeserver can drain a device's one-time keys with /keys/claim; a client who must begin an Olm
session with the intake or a counselor right then would find no key, its room key would never reach them and
its lines would stay "[pesan terenkripsi]". A claim that finds no one-time key gets the fallback key instead.
The key lives in the account's pickle in nio's store, so a restarted device still opens sessions begun with it.
A to-device message nio cannot take (a forged pre-key message, say) is dropped and logged alone: the answer's
other messages, a client's room key among them, are taken one by one.

Device trust: trust on first use without verification. Every device of every member of a client's room
receives the room key (`ignore_unverified_devices`), so a client who adds or changes a device is still
heard; a device that is blacklisted in the store would be left out. The crypto store (nio's SQLite store,
its Olm pickles encrypted with a key derived from the database key) lives in a 0700 folder beside the
database; the device id is the login's stable one, so keys survive restarts.
"""

from __future__ import annotations

import asyncio
import copy
import hashlib
import json
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from curhat_tui.channels.matrix.fallback import ensure_fallback_key, fallback_used, signed_fallback_keys
from curhat_tui.channels.matrix.protocol import obj

log = logging.getLogger("curhat.matrix.crypto")
ENCRYPTED = "m.room.encrypted"
SEALED_TYPE = "org.curhat.sealed"  # the inner type of words sealed into a state event
FALLBACK_SECONDS = 3600.0  # a used fallback key is replaced at most this often (crypto._fallback_due)


class CryptoUnavailable(RuntimeError):
    """matrix-nio's end-to-end encryption (and vodozemac) is not installed."""


class StrangerInRoom(RuntimeError):
    """When the room key was about to be shared, someone the line may not reach was in the room (joined or invited
    since the member check): nothing was shared or encrypted (members.guarded holds the line)."""


def pickle_key(secret: str) -> str:
    """The key nio encrypts its Olm pickles with: derived from the database key, never that key itself."""
    return hashlib.sha256(b"curhat-tui olm pickle\0" + secret.encode()).hexdigest()


class Crypto:
    def __init__(self, homeserver: str, user_id: str, device_id: str, access_token: str, store_dir: Path,
                 secret: str) -> None:
        try:
            from nio import AsyncClient, AsyncClientConfig
        except ImportError as exc:  # pragma: no cover - the dependency is declared
            raise CryptoUnavailable(f"end-to-end encryption needs matrix-nio[e2e]: {exc}") from None
        store_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(store_dir, 0o700)
        config = AsyncClientConfig(encryption_enabled=True, store_sync_tokens=False, pickle_key=pickle_key(secret))
        self.client = AsyncClient(homeserver, user_id, device_id=device_id, store_path=str(store_dir), config=config)
        self.client.restore_login(user_id, device_id, access_token)
        self._encrypted: dict[str, bool] = {}
        self._fallback_wanted = False  # a sync answer said the server holds no unused fallback key of ours
        self._fallback_made = float("-inf")  # when this run last replaced it (monotonic): at most once an hour
        self._sharing = asyncio.Lock()  # one Olm machine, shared by the sync loop, the channel and the link: one at a time

    async def close(self) -> None:
        await self.client.close()

    # ---- incoming ---------------------------------------------------------------------------
    async def process(self, raw: dict) -> None:
        """Let nio take one sync answer (keys, devices) and decrypt its timelines in place. Never while a room
        key is being shared: a member leaving makes nio drop the room's outbound session under the sharing."""
        async with self._sharing:
            await self._process(raw)

    async def _process(self, raw: dict) -> None:
        from nio import MegolmEvent, SyncResponse

        parsed = SyncResponse.from_dict(copy.deepcopy(raw))
        if not isinstance(parsed, SyncResponse):
            log.warning("nio could not read a sync answer; its encrypted events wait")
            return
        try:
            await self.client.receive_response(parsed)
        except Exception as exc:  # noqa: BLE001 - one bad to-device message (a forged pre-key one, say) must not
            log.warning("nio could not take a sync answer whole (%s): its to-device messages one by one",
                        type(exc).__name__)
            parsed = await self._one_by_one(raw, SyncResponse)  # cost a client's room key in the same answer
            if parsed is None:
                return
        self._fallback_wanted = self._fallback_wanted or fallback_used(raw)
        joined = obj(obj(raw.get("rooms")).get("join"))
        for room_id, info in parsed.rooms.join.items():
            raw_events = obj(obj(joined.get(room_id)).get("timeline")).get("events")
            if not isinstance(raw_events, list) or len(raw_events) != len(info.timeline.events):
                continue
            for index, event in enumerate(info.timeline.events):
                original = raw_events[index]
                if not isinstance(original, dict) or original.get("type") != ENCRYPTED:
                    continue
                self._encrypted[room_id] = True
                if isinstance(event, MegolmEvent) or not isinstance(getattr(event, "source", None), dict):
                    original["curhat_undecrypted"] = True
                    continue
                raw_events[index] = self._as_raw(event.source, original)
        await self.maintain()

    async def _one_by_one(self, raw: dict, response_type: Any) -> Any:  # noqa: ANN401 - nio's SyncResponse
        """The answer's to-device messages each on its own (a bad one is dropped and logged; one already taken is
        taken again harmlessly), then the rest of the answer without them; the parsed rest, or None. Each part has a
        batch token of its own: nio ignores an answer whose token it has seen (it saw this one fail)."""
        events = obj(raw.get("to_device")).get("events")
        token = str(raw.get("next_batch"))
        for index, event in enumerate(events if isinstance(events, list) else []):
            single = response_type.from_dict(dict(copy.deepcopy(raw), rooms={}, to_device={"events": [event]},
                                                  next_batch=f"{token}#{index}"))
            try:
                if isinstance(single, response_type):
                    await self.client.receive_response(single)
            except Exception as exc:  # noqa: BLE001 - nio raises several kinds for a message it cannot open
                log.warning("dropped a to-device message nio could not take: %s", type(exc).__name__)
        rest = response_type.from_dict(dict(copy.deepcopy(raw), to_device={"events": []}, next_batch=f"{token}#rest"))
        if not isinstance(rest, response_type):
            return None
        try:
            await self.client.receive_response(rest)
        except Exception as exc:  # noqa: BLE001 - the timelines wait for their keys as undecrypted lines
            log.warning("nio could not take the rest of a sync answer: %s", type(exc).__name__)
        return rest

    def decrypt_raw(self, room_id: str, original: dict) -> dict | None:
        """An encrypted event read back later (a page of history): the event it was, or None."""
        from nio import MegolmEvent

        try:
            event = MegolmEvent.from_dict(copy.deepcopy(original))
            if not isinstance(event, MegolmEvent):
                return None
            event.room_id = room_id
            decrypted = self.client.decrypt_event(event)
        except Exception as exc:  # noqa: BLE001 - nio raises several kinds; the event waits for its keys
            log.info("an encrypted event could not be decrypted yet: %s", type(exc).__name__)
            return None
        source = getattr(decrypted, "source", None)
        return self._as_raw(source, original) if isinstance(source, dict) else None

    @staticmethod
    def _as_raw(source: dict, original: dict) -> dict:
        """The decrypted event as a sync answer carries a plain one: its type and content, with the envelope's
        event id, sender, time and room (never the sender's claim inside the encrypted payload)."""
        plain = {"type": source.get("type"), "content": source.get("content")}
        for key in ("event_id", "sender", "origin_server_ts", "unsigned", "room_id"):
            if key in original:
                plain[key] = original[key]
        plain["curhat_encrypted"] = True
        return plain

    async def maintain(self) -> None:
        """Upload keys, query device lists and send queued to-device messages when nio asks for it."""
        client = self.client
        try:
            if client.olm is not None and (client.should_upload_keys or self._fallback_due()):
                await self._upload_keys()
            if client.should_query_keys:
                await client.keys_query()
            if client.outgoing_to_device_messages:
                await client.send_to_device_messages()
        except Exception as exc:  # noqa: BLE001 - nio's HTTP errors vary; the next sync tries again
            log.warning("key maintenance failed (%s); tried again after the next sync", type(exc).__name__)

    def _fallback_due(self) -> bool:
        """The fallback key was used and this run has not replaced it in the last FALLBACK_SECONDS. An account that
        claims each new key could otherwise make the device replace it at every sync; vodozemac keeps only the one
        before, so a client's message begun with an older key would no longer open. A used key is still handed
        out until then, as the spec lets a fallback key be."""
        return self._fallback_wanted and time.monotonic() - self._fallback_made >= FALLBACK_SECONDS

    async def _upload_keys(self) -> None:
        """Device keys and one-time keys as nio makes them when it wants to upload, with a new fallback key at the
        first upload or when the last one was used; nio marks them published (and saves the account) when the
        server accepts them."""
        from nio import Api, KeysUploadResponse

        client, olm = self.client, self.client.olm
        assert olm is not None
        content = olm.share_keys() if client.should_upload_keys else {}
        replacing = olm.account.shared and self._fallback_due()  # a used key replaced (the first one is not counted)
        if not olm.account.shared or replacing:
            ensure_fallback_key(olm)
        fallback = signed_fallback_keys(olm)
        if fallback:
            content["fallback_keys"] = fallback
        response = await client._send(KeysUploadResponse, *Api.keys_upload(client.access_token, content))
        if isinstance(response, KeysUploadResponse):
            if fallback:
                self._fallback_wanted = False
                if replacing:
                    self._fallback_made = time.monotonic()
        else:
            log.warning("the keys were not uploaded (%s); tried again after the next sync", type(response).__name__)

    # ---- keys for a counselor who joins after the client wrote ------------------------------
    async def forward_room_keys(self, room_id: str, user_id: str) -> int:
        async with self._sharing:
            return await self._forward_room_keys(room_id, user_id)

    async def _forward_room_keys(self, room_id: str, user_id: str) -> int:
        """Give every device of `user_id` (the counselor the intake just assigned) the room keys the client's
        devices shared with us in this room, as `m.forwarded_room_key` over Olm: the counselor can then read
        what the client wrote before joining. Returns how many keys were sent."""
        client, olm = self.client, self.client.olm
        if olm is None or not await self._encrypted_room(room_id):
            return 0
        olm.users_for_key_query.add(user_id)
        await client.keys_query()
        devices = list(client.device_store.active_user_devices(user_id))
        missing = olm.get_missing_sessions([user_id])
        if missing:
            await client.keys_claim(missing)
        sent = 0
        for sessions in olm.inbound_group_store[room_id].values():
            for group_session in sessions.values():
                for device in devices:
                    session = olm.session_store.get(device.curve25519)
                    if session is None:
                        continue
                    olm.outgoing_to_device_messages.append(
                        olm._encrypt_forwarding_key(room_id, group_session, session, device))
                    sent += 1
        if sent:
            await client.send_to_device_messages()
        return sent

    def accept_forwards_from(self, user_id: str) -> None:
        """Take forwarded room keys sent by `user_id` (the intake, the organisation's authority) from its devices
        the server lists, though we never asked: nio on its own takes them only from our own verified devices."""
        olm = self.client.olm
        if olm is None:
            return
        from nio.crypto import Olm
        from nio.events import ForwardedRoomKeyEvent

        original = olm._handle_forwarded_room_key_event
        olm.users_for_key_query.add(user_id)  # its devices known from the first key query on

        def handle(sender: str, sender_key: str, payload: dict):  # noqa: ANN202
            # the homeserver vouches for a to-device message's sender, as for every event we believe; a device of
            # the intake's we already know must also own the Olm key the message came under
            device = olm.device_store.device_from_sender_key(sender, sender_key)
            known = [d for d in olm.device_store.active_user_devices(user_id)] if sender == user_id else []
            if sender != user_id or (known and device is None) or (device is not None and device.user_id != user_id):
                return original(sender, sender_key, payload)
            event = ForwardedRoomKeyEvent.from_dict(payload, sender, sender_key)
            content = obj(payload.get("content"))
            if not isinstance(event, ForwardedRoomKeyEvent) or content.get("algorithm") != "m.megolm.v1.aes-sha2":
                return None
            chain = list(content.get("forwarding_curve25519_key_chain") or []) + [content["sender_key"]]
            session = Olm._import_group_session(content["session_key"], content["sender_claimed_ed25519_key"],
                                                content["sender_key"], event.room_id, chain)
            if session is not None and olm.inbound_group_store.add(session):
                olm.save_inbound_group_session(session)
            return event

        olm._handle_forwarded_room_key_event = handle

    async def _encrypted_room(self, room_id: str) -> bool:
        return bool(self._encrypted.get(room_id)) or room_id in self.client.encrypted_rooms

    @property
    def published(self) -> bool:
        """Whether this device's keys are on the server (others can then share room keys with it); the first upload
        carries the fallback key too."""
        return self.client.olm is not None and not self.client.should_upload_keys

    # ---- words sealed into a state event (see sealing.py) -------------------------------------
    async def seal(self, room_id: str, content: dict) -> dict:
        """`content` as the `m.room.encrypted` content of an event in `room_id`, made by this room's Megolm
        session (shared with the members' devices), to be carried inside a state event."""
        _, sealed = await self.encrypt(room_id, SEALED_TYPE, content)
        return sealed

    def unseal(self, room_id: str, sealed: object, sender: str) -> dict | None:
        """What `seal` sealed, when we hold its keys and `sender`'s device made it; None otherwise. The same
        sealed bytes always read as the same event (an id from their digest), so reading an entry again, or
        the same words carried into a newer entry, is never taken for a replay."""
        if not isinstance(sealed, dict):
            return None
        digest = hashlib.sha256(json.dumps(sealed, sort_keys=True).encode()).hexdigest()[:32]
        plain = self.decrypt_raw(room_id, {"type": ENCRYPTED, "content": sealed, "sender": sender,
                                           "event_id": f"$sealed-{digest}", "origin_server_ts": 0})
        if plain is None or plain.get("type") != SEALED_TYPE or not isinstance(plain.get("content"), dict):
            return None
        return plain["content"]

    # ---- outgoing ---------------------------------------------------------------------------
    async def is_encrypted(self, room_id: str, api) -> bool:  # noqa: ANN001 - a MatrixAPI
        if room_id not in self._encrypted:
            self._encrypted[room_id] = room_id in self.client.encrypted_rooms or bool(
                await api.get_state(room_id, "m.room.encryption"))
        return self._encrypted[room_id]

    def devices_of(self, room_id: str, who: Callable[[str], bool]) -> frozenset[str]:
        """The devices (as "user device") of the room's members that `who` picks, as nio knows them after the last
        encryption in the room (its key query): those the room key went to."""
        room = self.client.rooms.get(room_id)
        users = [user for user in (room.users if room is not None else ()) if who(user)]
        return frozenset(f"{user} {device.device_id}" for user in users
                         for device in self.client.device_store.active_user_devices(user))

    async def encrypt(self, room_id: str, event_type: str, content: dict,
                      may_read: Callable[[str], bool] | None = None) -> tuple[str, dict]:
        """The event as it goes into an encrypted room: members loaded, Olm sessions claimed for devices that
        lack one, the Megolm session shared (trust on first use), then encrypted. With `may_read`, every member
        and invitee the key would go to must pass it, or StrangerInRoom is raised before anything is shared: the
        room key goes to those the member check passed, not to whoever came in since."""
        async with self._sharing:
            return await self._encrypt(room_id, event_type, content, may_read)

    async def _encrypt(self, room_id: str, event_type: str, content: dict,
                       may_read: Callable[[str], bool] | None = None) -> tuple[str, dict]:
        from nio import MatrixRoom

        client = self.client
        if room_id not in client.rooms:
            client.rooms[room_id] = MatrixRoom(room_id, client.user_id, encrypted=True)
        room = client.rooms[room_id]
        room.encrypted = True
        client.encrypted_rooms.add(room_id)
        await client.joined_members(room_id)
        if may_read is not None and [u for u in (*room.users, *room.invited_users) if not may_read(u)]:
            raise StrangerInRoom(room_id)
        if client.should_query_keys:
            await client.keys_query()
        missing = client.get_missing_sessions(room_id)
        if missing:
            await client.keys_claim(missing)
        if client.olm is not None and client.olm.should_share_group_session(room_id):
            await client.share_group_session(room_id, ignore_unverified_devices=True)
        return client.encrypt(room_id, event_type, content)
