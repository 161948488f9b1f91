"""A booked visit keeps its appointment time in the store: after a restart it is still a booked client (its
mark and its place in the queue), and a client's deletion takes the time with everything else."""

from __future__ import annotations

from dataclasses import replace

from curhat_tui.domain.queue import order_queue
from curhat_tui.storage.store import Store
from tests.conftest import START
from tests.services.test_load_guard import visit


def test_a_booked_visit_is_still_booked_after_a_restart_and_deletion_takes_it(tmp_path):
    store = Store(tmp_path / "practice.db", kind="practice")
    booked = replace(visit("janji", arrived=START + 60), appointment_at=START + 300)
    store.visits.add(visit("datang", arrived=START))
    store.visits.add(booked)
    store.close()

    store = Store(tmp_path / "practice.db", kind="practice")
    waiting = {v.id: v for v in store.visits.waiting()}
    assert waiting["janji"].appointment_at == START + 300 and waiting["datang"].appointment_at is None
    assert [v.id for v in order_queue(waiting.values())][0] == "janji"  # a due booking before a walk-in
    store.visits.requeue(replace(waiting["janji"], appointment_at=START + 600))
    assert store.visits.get("janji").appointment_at == START + 600
    store.privacy.delete_client(booked.client_key)
    assert store.database.rows("select * from visit_appointments") == []
    store.close()
