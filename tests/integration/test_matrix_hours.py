"""Service hours over Matrix, against a real Synapse: outside the hours a new client first reads the hours, when
the service opens again and the emergency numbers from the referral directory, then the intake carries on and
queues them for the next shift; inside the hours nothing of that is said. Who is on duty: each counselor's
workstation says so in the queue room when it connects and when it stops, believed from roster counselors only."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from curhat_tui.channels.matrix.api import MatrixAPI
from curhat_tui.channels.matrix.protocol import DUTY
from curhat_tui.domain.hours import DAYS, ServiceHours, parse_day
from curhat_tui.intake.hours import HoursIntake, emergency_entries
from tests.integration.test_matrix import PASSWORD, ScriptedClient, intake_service, stop_intake, until, workstation
from tests.support.synapse import synapse_with_accounts

JAKARTA = ZoneInfo("Asia/Jakarta")


@pytest.fixture(scope="module")
def hs():
    yield from synapse_with_accounts(("intake", "ani", "budi", "supervisor", "klien1", "klien2"), PASSWORD)


async def hours_intake(hs, data, hours: ServiceHours) -> tuple[HoursIntake, asyncio.Task]:
    """The intake `curhat intake` runs, with the service's hours (state in the module's homeserver folder)."""
    account = hs.accounts["intake"]
    api = MatrixAPI(hs.base_url, account["access_token"])
    api.user_id = account["user_id"]
    service = HoursIntake(api, data, state_file=hs.data_dir / "intake.json", sync_timeout_ms=1000,
                          counselors=[hs.accounts[n]["user_id"] for n in ("ani", "budi")],
                          supervisors=[hs.accounts["supervisor"]["user_id"]], hours=hours)
    task = asyncio.create_task(service.run())
    await until(lambda: getattr(service, "sync", None) is not None and service.sync.state == "connected",
                what="intake set-up")
    return service, task


def closed_today() -> ServiceHours:
    """Open only tomorrow 08:00-09:00 (Jakarta), so closed now, whatever the hour."""
    tomorrow = DAYS[(datetime.now(JAKARTA) + timedelta(days=1)).weekday()]
    return ServiceHours(week={tomorrow: parse_day("08:00-09:00")}, tz=JAKARTA, tz_name="Asia/Jakarta")


async def test_outside_the_hours_a_client_gets_the_hours_and_the_emergency_numbers(hs, data, tmp_path):
    intake, task = await hours_intake(hs, data, closed_today())
    try:
        client = ScriptedClient(hs, "klien1")
        await client.open(intake.api.user_id)
        notice = await client.wait_for("Saat ini layanan kami sedang tutup")
        body = notice["content"]["body"]
        tomorrow = datetime.now(JAKARTA) + timedelta(days=1)
        assert "08.00–09.00" in body and "08:00–09:00" in body  # the hours, in both languages
        assert "Our service is closed right now" in body and "WIB" in body
        for entry in emergency_entries(data.redflags.directory):
            assert entry.contact in body, entry.id
        assert "112" in body and "119 ext. 8" in body
        assert data.strings[f"hours.day.{DAYS[tomorrow.weekday()]}"]["id"] + " 08.00 WIB" in body  # opens again
        # the intake carries on, and the client is queued for the next shift
        await client.wait_for("YA")
        assert "sedang tutup" in client.received[0]["content"]["body"]  # the hours came before the questions
        await client.say("ya")
        await client.wait_for("1 =")
        await client.say("1")
        await client.wait_for("satu kalimat")
        await client.say("susah tidur")
        await client.wait_for("2 minggu terakhir")
        await client.say("tidak")
        await client.wait_for("antrian")
        await until(lambda: intake.queue.get(client.room, {}).get("status") == "waiting", what="queued for the next shift")

        # inside the hours: no such message
        intake.hours = ServiceHours()
        other = ScriptedClient(hs, "klien2")
        await other.open(intake.api.user_id)
        await other.wait_for("YA")
        assert not any("tutup" in e["content"]["body"] for e in other.received)
    finally:
        await stop_intake(intake, task)


async def test_the_queue_header_lists_who_is_on_duty(hs, data, tmp_path):
    intake, task = await intake_service(hs, data, tmp_path)
    ani = workstation(hs, "ani", "Ani", data, tmp_path)
    budi = workstation(hs, "budi", "Budi", data, tmp_path)
    try:
        await ani.start()
        await until(lambda: ani.schedule.on_duty() == ["Ani"] and ani.channel.duty.announced, what="Ani on duty")
        await budi.start()
        await until(lambda: ani.schedule.on_duty() == ["Ani", "Budi"], what="Budi on duty, seen by Ani")
        # Ani came before Budi joined the room's history: Ani says it again when Budi comes on duty
        await until(lambda: budi.schedule.on_duty() == ["Ani", "Budi"], what="Ani on duty, seen by Budi")
        # only roster counselors are believed: the intake's own account (a member, not a counselor) is not
        await intake.api.send(intake.queue_room, DUTY, {"on": True, "name": "Palsu"}, "fake-duty-1")
        await intake.api.send(intake.queue_room, DUTY, {"on": False, "name": "Ani"}, "fake-duty-2")
        await budi.stop()
        await until(lambda: ani.schedule.on_duty() == ["Ani"], what="Budi off duty")
        assert "Palsu" not in ani.schedule.on_duty() and "Palsu" not in budi.channel.duty.names()
    finally:
        await ani.stop()
        await stop_intake(intake, task)
