"""End-to-end encryption against a real Synapse, with a real encrypted client written with matrix-nio (not
curhat code): it opens an encrypted direct chat with the intake as Element X does, answers consent and the
intake, is claimed, and exchanges messages both ways with the counselor. Every line arrives decrypted and
once, the homeserver's database holds none of the session's words in plain text, and a relaunched
workstation keeps decrypting."""

from __future__ import annotations

import asyncio
import time
from collections import Counter

import pytest

nio = pytest.importorskip("nio")

from curhat_tui.channels.matrix.api import MatrixAPI  # noqa: E402
from curhat_tui.channels.matrix.channel import MatrixChannel  # noqa: E402
from curhat_tui.channels.matrix.crypto import Crypto  # noqa: E402
from curhat_tui.domain.clock import SystemClock  # noqa: E402
from curhat_tui.intake.service import IntakeService  # noqa: E402
from curhat_tui.services.workstation import Workstation  # noqa: E402
from curhat_tui.storage.store import Store  # noqa: E402
from tests.integration.test_matrix import PASSWORD, roster, staff_of, until, workstation  # noqa: E402
from tests.integration.test_matrix_retention import words_in_synapse  # noqa: E402
from tests.support.synapse import synapse_with_accounts  # noqa: E402


@pytest.fixture(scope="module")
def hs():
    yield from synapse_with_accounts(("intake", "ani", "klien"), PASSWORD)


def crypto_for(hs, name: str, folder) -> Crypto:
    account = hs.accounts[name]
    return Crypto(hs.base_url, account["user_id"], account["device_id"], account["access_token"], folder,
                  "kunci-uji-" + name)


class EncryptedClient:
    """A client on an encrypting Matrix app: matrix-nio with its own Olm machine and store."""

    def __init__(self, hs, name: str, folder) -> None:
        account = hs.accounts[name]
        folder.mkdir(parents=True, exist_ok=True)
        self.client = nio.AsyncClient(hs.base_url, account["user_id"], device_id=account["device_id"],
                                      store_path=str(folder),
                                      config=nio.AsyncClientConfig(encryption_enabled=True, store_sync_tokens=True))
        self.client.restore_login(account["user_id"], account["device_id"], account["access_token"])
        self.room = ""
        self.heard: list[tuple[str, str]] = []  # (sender, body) of decrypted messages from others
        self.undecrypted = 0

    async def pump(self, timeout_ms: int = 300) -> None:
        client = self.client
        response = await client.sync(timeout=timeout_ms, full_state=not client.next_batch)
        if isinstance(response, nio.SyncResponse):
            for info in response.rooms.join.values():
                for event in info.timeline.events:
                    if isinstance(event, nio.RoomMessageText) and event.sender != client.user_id:
                        self.heard.append((event.sender, event.body))
                    elif isinstance(event, nio.MegolmEvent):
                        self.undecrypted += 1
        if client.should_upload_keys:
            await client.keys_upload()
        if client.should_query_keys:
            await client.keys_query()
        if client.outgoing_to_device_messages:
            await client.send_to_device_messages()

    async def open(self, intake: str) -> None:
        await self.pump()
        response = await self.client.room_create(
            is_direct=True, invite=[intake], preset=nio.RoomPreset.trusted_private_chat,
            initial_state=[{"type": "m.room.encryption", "state_key": "",
                            "content": {"algorithm": "m.megolm.v1.aes-sha2"}}])
        assert isinstance(response, nio.RoomCreateResponse), response
        self.room = response.room_id

    async def wait_for(self, text: str, timeout: float = 30.0) -> None:
        async def seen():
            await self.pump()
            return any(text in body for _, body in self.heard)
        await until(seen, timeout, f"the encrypted client to read {text!r}")

    async def say(self, text: str) -> None:
        for _ in range(50):  # the room's members must be known to nio before it can share the room key
            await self.pump(0)
            if self.room in self.client.rooms and self.client.rooms[self.room].members_synced:
                break
            await self.client.joined_members(self.room)
        response = await self.client.room_send(self.room, "m.room.message", {"msgtype": "m.text", "body": text},
                                               ignore_unverified_devices=True)
        assert isinstance(response, nio.RoomSendResponse), response

    async def close(self) -> None:
        await self.client.close()


async def a_new_device_reads_the_sealed_queue(hs, data, tmp_path, room: str) -> None:
    """Ani logs in on a second machine (a new device, which the intake never shared the queue's keys with): it
    cannot open the sealed entry at first, asks the intake, gets the keys forwarded and shows the topic."""
    api = MatrixAPI(hs.base_url)
    await api.login("ani", PASSWORD, device_name="laptop kedua")
    store = Store(tmp_path / "ani-laptop" / "curhat.db")
    channel = MatrixChannel(api, store, SystemClock(), "Ani", data.strings, staff=staff_of(hs), sync_timeout_ms=1000)
    channel.sync.crypto = Crypto(hs.base_url, api.user_id, api.device_id, api.access_token, tmp_path / "laptop-olm",
                                 "kunci-uji-laptop")
    laptop = Workstation(store, channel, SystemClock(), data, counselor="Ani")
    await laptop.start()
    try:
        await until(lambda: any(v.id == room and v.topic == "lagi banyak pikiran" for v in laptop.desk.queue()),
                    timeout=45, what="the sealed topic opened on a new device")
    finally:
        await laptop.stop()
        store.close()
        await MatrixAPI(hs.base_url, api.access_token).logout()


async def test_an_encrypting_client_is_heard_answered_claimed_and_chats_both_ways(hs, data, tmp_path):
    intake_api = MatrixAPI(hs.base_url, hs.accounts["intake"]["access_token"])
    intake_api.user_id = hs.accounts["intake"]["user_id"]
    intake = IntakeService(intake_api, data, state_file=tmp_path / "intake" / "intake.json", sync_timeout_ms=1000,
                           crypto=crypto_for(hs, "intake", tmp_path / "intake" / "crypto"),
                           **roster(hs, counselors=("ani",), supervisors=()))
    intake_task = asyncio.create_task(intake.run())
    await until(lambda: getattr(intake, "sync", None) is not None and intake.sync.state == "connected",
                what="intake set-up")
    ani = workstation(hs, "ani", "Ani", data, tmp_path)
    ani.channel.sync.crypto = crypto_for(hs, "ani", tmp_path / "ani" / "crypto")
    client = EncryptedClient(hs, "klien", tmp_path / "klien")
    await ani.start()
    relaunched = None
    try:
        await client.open(intake.api.user_id)
        await client.wait_for("YA")  # the intake read the room and answered, encrypted
        for prompt, answer in (("1 =", "ya"), ("satu kalimat", "1"), ("2 minggu terakhir", "lagi banyak pikiran"),
                               ("antrian", "tidak")):
            await client.say(answer)
            await client.wait_for(prompt)
        await until(lambda: any(v.id == client.room for v in ani.desk.queue()), what="the client in Ani's queue")
        # the client's intake answers reach the counselor's queue, but the queue room's state holds them sealed
        (waiting,) = [v for v in ani.desk.queue() if v.id == client.room]
        assert waiting.topic == "lagi banyak pikiran"
        assert words_in_synapse(hs, "lagi banyak pikiran") == 0
        await a_new_device_reads_the_sealed_queue(hs, data, tmp_path, client.room)
        await client.wait_for("provinsi atau kota")  # where they live, asked once they are queued: sealed too
        await client.say("jogja")
        await client.wait_for("dicatat")
        await until(lambda: (ani.channel.queue.get(client.room) or {}).get("region") == "DI Yogyakarta",
                    what="the province opened at Ani's")
        assert words_in_synapse(hs, "DI Yogyakarta") == 0
        await client.say("kak aku nunggu dari tadi, WAKTU-TUNGGU-8812")  # before any counselor is in the room
        await asyncio.sleep(1.0)
        session = await ani.desk.accept(client.room)
        assert ani.flags.region(session.id) == "DI Yogyakarta"
        # the intake forwarded the room keys: what the client wrote while waiting is readable, not a placeholder
        await until(lambda: any("WAKTU-TUNGGU-8812" in m.text for m in ani.desk.transcript(session.id)), timeout=30,
                    what="the waiting-period line decrypted at the counselor's")
        waited = next(m for m in ani.desk.transcript(session.id) if "WAKTU-TUNGGU-8812" in m.text)
        assert waited.edited_at is None  # its words arriving late is not an edit: no "(edited)" mark

        secret = "RAHASIA-ENKRIPSI-4419"
        lines = [f"halo kak {secret} {n}" for n in range(3)]
        for line in lines:
            await client.say(line)
        await until(lambda: set(lines) <= {m.text for m in ani.desk.transcript(session.id)}, timeout=30,
                    what="the client's lines decrypted at the workstation")
        await ani.desk.send(session.id, "Aku di sini, ceritakan pelan-pelan")
        await client.wait_for("ceritakan pelan-pelan")
        assert (await ani.channel.api.get_state(client.room, "m.room.encryption"))["algorithm"]
        texts = Counter(m.text for m in ani.desk.transcript(session.id))
        assert all(texts[line] == 1 for line in lines)
        assert words_in_synapse(hs, secret) == 0 and words_in_synapse(hs, "ceritakan pelan-pelan") == 0

        # the workstation is closed and opened again: it still decrypts (its keys are kept)
        await ani.stop()
        ani.store.close()
        relaunched = workstation(hs, "ani", "Ani", data, tmp_path)
        relaunched.channel.sync.crypto = crypto_for(hs, "ani", tmp_path / "ani" / "crypto")
        await relaunched.start()
        await client.say(f"setelah restart {secret}")
        await until(lambda: any(m.text == f"setelah restart {secret}" for m in relaunched.desk.transcript(session.id)),
                    timeout=30, what="decrypted after the relaunch")
        await relaunched.desk.send(session.id, "Masih di sini")
        await client.wait_for("Masih di sini")
        assert words_in_synapse(hs, "setelah restart") == 0

        # a handover note travels encrypted to the intake and comes back sealed in the queue entry
        await relaunched.desk.transfer(session.id, "CATATAN-SERAH-3391 butuh konselor perempuan")
        await until(lambda: relaunched.channel.queue.get(client.room, {}).get("handover", "").startswith(
            "CATATAN-SERAH-3391"), timeout=30, what="the handover note back in the queue, opened")
        assert words_in_synapse(hs, "CATATAN-SERAH-3391") == 0
    finally:
        for ws in (relaunched,) if relaunched else (ani,):
            await ws.stop()
        await client.close()
        intake.stopped = True
        intake_task.cancel()
        await asyncio.gather(intake_task, return_exceptions=True)
        started = time.monotonic()
        for crypto in (intake.crypto,):
            if crypto is not None:
                await crypto.close()
        assert time.monotonic() - started < 10
