"""Run the real app in the terminal it was started in (a pseudo-terminal the test reads), feed it everything
a client can influence with terminal escapes inside, and leave. Writes "done" to argv[2] before quitting.

What a client can write: the intake topic and risk answer, their words; what arrives with a session: the
alias and a handover note (written by a colleague, maybe quoting the client); and notices built from them.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

from curhat_tui.bootstrap import Parts
from curhat_tui.channels.base import ClientArrived, MessageReceived, SessionAssigned
from curhat_tui.config.datafiles import load_all
from curhat_tui.domain.clock import SystemClock
from curhat_tui.domain.models import Risk, Tier, Visit, VisitStatus
from curhat_tui.services.workstation import Workstation
from curhat_tui.storage.store import Store
from curhat_tui.ui.app import build_app
from tests.support.fake_channel import FakeChannel

TITLE = "\x1b]0;PWNED-TITLE\x07"
LINK = "\x1b]8;;http://evil.example/\x07klik\x1b]8;;\x07"
BLINK = "\x1b[5mkedip\x1b[0m"
C1 = "\u009b31mmerah"
CLEAR = "\x1b[2J\x1b[H"
HOSTILE = f"{TITLE} {LINK} {BLINK} {C1} {CLEAR}\x07"


def visit(room: str, alias: str, now: float) -> Visit:
    return Visit(id=room, client_key=room, alias=alias, tier=Tier.PEER, minutes=30, price=25000,
                 topic=f"susah tidur {HOSTILE}", intake_risk_answer=f"kadang {HOSTILE}", risk=Risk.LOW,
                 arrived_at=now, status=VisitStatus.WAITING)


async def main(data_dir: str, done: str) -> None:
    store = Store(Path(data_dir) / "curhat.db", kind="real")
    channel = FakeChannel(simulated=False)
    ws = Workstation(store, channel, SystemClock(), load_all(), counselor="Ani")
    app = build_app(Parts.of(ws), tick=True)

    async def script() -> None:
        await asyncio.sleep(2.0)
        now = time.time()
        channel.inject(ClientArrived(visit("!satu:curhat.test", f"Kenari{TITLE}", now)))
        channel.inject(ClientArrived(visit("!dua:curhat.test", f"Pipit{LINK}", now)))
        await asyncio.sleep(1.0)
        session = await ws.desk.accept("!satu:curhat.test")
        channel.inject(MessageReceived(session.id, f"halo kak {HOSTILE} [b]tebal[/b]", time.time(), "$e1"))
        await asyncio.sleep(1.0)
        channel.inject(SessionAssigned(visit("!tiga:curhat.test", f"Camar{BLINK}", now), now, now + 1800,
                                       {"room_id": "!tiga:curhat.test", "handover": f"catatan {HOSTILE}"}))
        await asyncio.sleep(1.0)
        app.main.action_switch(3)  # a handover opens beside the chat in front: show it, with its note
        await asyncio.sleep(1.5)
        Path(done).write_text("done")
        app.exit()

    task = asyncio.create_task(script())
    await app.run_async()
    task.cancel()
    store.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
