"""Imminent risk over Matrix, on a real Synapse: the intake runs the risk detector on a client's risk answer and on
every line they write while waiting, writes `imminent: true` and the raised risk into the queue entry, and the
counselor's workstation puts that client first with the mark, kept across a relaunch. Nothing lowers it."""

from __future__ import annotations

import pytest

from curhat_tui.domain.models import Risk
from tests.integration.test_matrix import (
    PASSWORD,
    ScriptedClient,
    intake_service,
    stop_intake,
    through_intake,
    until,
    workstation,
)
from tests.support.synapse import synapse_with_accounts

IMMINENT_LINE = "kak aku udah beli racun tikus, malam ini aku minum semuanya"
IMMINENT_ANSWER = "ya pernah, aku udah siapin tali di kamar"


@pytest.fixture(scope="module")
def hs():
    yield from synapse_with_accounts(("intake", "ani", "klien1", "klien2", "klien3", "klien4", "klien5"), PASSWORD)


def waiting(ws) -> list[tuple[str, bool, Risk]]:
    return [(v.id, v.imminent, v.risk) for v in ws.desk.queue()]


async def test_an_imminent_line_while_waiting_puts_the_client_first_with_the_mark(hs, data, tmp_path):
    intake, intake_task = await intake_service(hs, data)
    ani = workstation(hs, "ani", "Ani", data, tmp_path)
    await ani.start()
    running = [ani]
    try:
        calm = ScriptedClient(hs, "klien1")
        await through_intake(calm, intake.api.user_id, "capek kerja")
        quiet = ScriptedClient(hs, "klien2")
        await through_intake(quiet, intake.api.user_id, "susah tidur")
        await until(lambda: [v[0] for v in waiting(ani)] == [calm.room, quiet.room], what="both clients queued")
        assert waiting(ani) == [(calm.room, False, Risk.NONE), (quiet.room, False, Risk.NONE)]

        await quiet.say(IMMINENT_LINE)
        await until(lambda: waiting(ani)[0] == (quiet.room, True, Risk.HIGH), what="the imminent client first, marked")
        entry = intake.queue[quiet.room]  # the intake's word, in the closed queue room
        assert entry["imminent"] is True and entry["risk"] == int(Risk.HIGH)
        assert ani.store.visits.get(quiet.room).imminent

        # a calm line afterwards lowers nothing; a client writing it never ticks a flag or leaves the top
        await quiet.say("udah gapapa kok kak, bercanda")
        await calm.say("kak aku nunggu ya")

        # an imminent risk answer in the intake itself: the entry says so from the start, the reply is urgent
        urgent = ScriptedClient(hs, "klien3")
        await urgent.open(intake.api.user_id)
        for prompt, answer in (("YA", "ya"), ("1 =", "1"), ("satu kalimat", "lagi kacau"),
                               ("2 minggu terakhir", IMMINENT_ANSWER)):
            await urgent.wait_for(prompt)
            await urgent.say(answer)
        await urgent.wait_for("112")
        await until(lambda: any(v[0] == urgent.room for v in waiting(ani)), what="the urgent client queued")
        assert waiting(ani) == [(quiet.room, True, Risk.HIGH), (urgent.room, True, Risk.HIGH),
                                (calm.room, False, Risk.NONE)]
        assert intake.queue[urgent.room]["imminent"] is True
        assert intake.queue[quiet.room]["imminent"] is True  # the calm line after it took nothing back

        running.clear()
        await ani.stop()
        ani.store.close()
        relaunched = workstation(hs, "ani", "Ani", data, tmp_path)
        running.append(relaunched)
        assert [v[:2] for v in waiting(relaunched)][:2] == [(quiet.room, True), (urgent.room, True)]  # from the store
        await relaunched.start()
        await until(lambda: relaunched.desk.connection == "connected", what="the relaunch connected")
        assert [v[:2] for v in waiting(relaunched)] == [(quiet.room, True), (urgent.room, True), (calm.room, False)]
        session = await relaunched.desk.accept()
        assert session.visit_id == quiet.room and session.risk is Risk.HIGH
    finally:
        for ws in running:
            await ws.stop()
            ws.store.close()
        await stop_intake(intake, intake_task)


async def test_a_client_who_names_their_city_while_waiting_gets_that_province_s_services_first(hs, data, tmp_path):
    """The intake asks a queued client where they live (optional); the province goes into the queue entry sealed as
    the client's words, the counselor's session keeps it, and a referral script lists that province's service."""
    intake, intake_task = await intake_service(hs, data)
    ani = workstation(hs, "ani", "Ani", data, tmp_path)
    await ani.start()
    try:
        client = ScriptedClient(hs, "klien4")
        await through_intake(client, intake.api.user_id, "lagi banyak pikiran")
        await client.wait_for("provinsi atau kota")
        await client.say("aku di surabaya kak")
        await client.wait_for("dicatat: Jawa Timur")
        await until(lambda: intake.queue.get(client.room, {}).get("region") == "Jawa Timur", what="the region kept")
        await until(lambda: any(v.id == client.room for v in ani.desk.queue()), what="the client queued")
        session = await ani.desk.accept(client.room)
        assert ani.flags.region(session.id) == "Jawa Timur"
        assert ani.desk.channel_facts(session.id)[1] == "Jawa Timur"  # the pane's header says where they live
        script = ani.flags.raise_flag(session.id, "suicide")
        assert "RSJ Menur, Surabaya" in script.text  # East Java's own service, listed with the national ones
        assert "RSJ Provinsi Bali" not in script.text  # another province's is left out
    finally:
        await ani.stop()
        ani.store.close()
        await stop_intake(intake, intake_task)


async def test_a_burst_of_short_lines_while_waiting_is_read_together(hs, data, tmp_path):
    """No line of the burst says it alone (the unit tests check each); the line that completes it puts the client first,
    marked, because the intake reads a waiting client's lines with the ones before them."""
    intake, intake_task = await intake_service(hs, data)
    ani = workstation(hs, "ani", "Ani", data, tmp_path)
    await ani.start()
    try:
        client = ScriptedClient(hs, "klien5")
        await through_intake(client, intake.api.user_id, "lagi bingung")
        await until(lambda: any(v[0] == client.room for v in waiting(ani)), what="the client queued")
        for text in ("halo", "udah kebeli tadi sore", "yg cair buat nyamuk itu", "aku yg minum"):
            await client.say(text)
        await until(lambda: (client.room, True, Risk.HIGH) in waiting(ani), what="the burst read as imminent")
        assert intake.queue[client.room]["imminent"] is True
    finally:
        await ani.stop()
        ani.store.close()
        await stop_intake(intake, intake_task)
