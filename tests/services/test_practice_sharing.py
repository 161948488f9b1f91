"""Everyone who practises on one machine shares its practice store (a supervisor reads trainees' reports from it),
but a session belongs to who took it: a trainee relaunched there does not get the counselor's open sessions, nor
the counselor the trainee's, and one's sessions do not count towards the other's load."""

from __future__ import annotations

from curhat_tui.bootstrap import build_practice
from curhat_tui.domain.clock import FakeClock
from tests.conftest import START, TEST_KEY


async def test_a_trainee_and_a_counselor_on_one_machine_keep_their_own_sessions(tmp_path, data):
    folder = tmp_path / "data"
    counselor = build_practice(folder, data=data, clock=FakeClock(START), seed=7, name="Ani", key=TEST_KEY)
    await counselor.workstation.start()
    taken = await counselor.workstation.desk.accept()
    await counselor.workstation.stop()
    counselor.store.close()

    trainee = build_practice(folder, data=data, clock=FakeClock(START + 60), seed=7, name="Peserta latihan",
                             role="trainee", key=TEST_KEY, max_load=1)
    desk = trainee.workstation.desk
    await trainee.workstation.start()
    assert desk.open_sessions() == [] and desk.load()[0] == 0  # Ani's session is not the trainee's
    own = await desk.accept()  # and does not fill the trainee's cap of one
    assert [s.id for s in desk.open_sessions()] == [own.id] and own.counselor == "Peserta latihan"
    await trainee.workstation.stop()
    trainee.store.close()

    again = build_practice(folder, data=data, clock=FakeClock(START + 120), seed=7, name="Ani", key=TEST_KEY)
    assert [s.id for s in again.workstation.desk.open_sessions()] == [taken.id]
    again.store.close()
