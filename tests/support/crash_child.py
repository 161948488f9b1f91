"""Run a real (headless) workstation that chats and writes notes until it is killed.

Writes one line per fact, each with a single os.write (a pipe takes it whole, and neither Textual's print capture,
whose flush does not reach the real stdout when headless, nor a buffer holds it back): "SENT <txn>" after a
counselor message is in the store, "RECV <id>" after a client message is, and "EDIT <n> <time>" when note text
"versi n" is typed into the form (not saved by anything but the autosave, which must keep it). The parent kills
this process with SIGKILL at a random moment; a line half in a buffer then would run into the next one.

With ``--fork`` this process only imports the app and reads the data files, once; then, for each "GO" line
on stdin, it forks the workstation process (which prints "PID <pid>" first and is killed by the parent),
waits for it to die and prints "GONE <pid>". Each round is still its own process with its own database
connection, killed mid-write; only the start-up work common to all rounds is done once.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

from curhat_tui.bootstrap import build_practice
from curhat_tui.config.datafiles import ServiceData, load_all
from curhat_tui.domain.clock import SystemClock
from curhat_tui.services.events import MessageAdded
from curhat_tui.ui.app import build_app
from curhat_tui.ui.widgets.notes_form import NoteField, NotesForm

KEY = "3c" * 32  # the store is encrypted, as the app keeps it
LINES = ["Apa yang paling berat buat kamu?", "Kedengarannya kamu capek, tapi tetap bertahan.",
         "Gimana perasaanmu sekarang?", "Terima kasih sudah mau cerita."]


def say(line: str) -> None:
    """One whole line to stdout at once."""
    os.write(1, (line + "\n").encode())


async def main(data_dir: str, data: ServiceData | None = None) -> None:
    parts = build_practice(Path(data_dir), clock=SystemClock(), data=data, seed=11, speed=0, key=KEY)
    ws = parts.workstation

    def report(event) -> None:
        if isinstance(event, MessageAdded) and event.message.sender.value == "client":
            say(f"RECV {event.message.id}")

    ws.listen(report)
    app = build_app(parts)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        pane = app.main.active_pane
        if pane is None:
            await pilot.press("ctrl+n")
            await pilot.pause()
            pane = app.main.active_pane
        say("READY")
        # edits are numbered on from the last one the note kept, so a later run's edit always has a higher number
        kept = [v for v in (parts.store.notes.get(pane.session.id) or {"fields": {}})["fields"].values()
                if v.startswith("versi ")]
        n = int(kept[0].split()[1]) if kept else 0
        while True:
            n += 1
            message = await ws.desk.send(pane.session.id, f"{LINES[n % len(LINES)]} #{n}")
            say(f"SENT {message.txn_id}")
            form = app.main.query_one(NotesForm)
            field = form.query(NoteField).first()
            field.text = f"versi {n}"
            say(f"EDIT {n} {time.monotonic()}")
            await pilot.pause(0.05)


def fork_rounds(data_dir: str) -> None:
    """One workstation process per "GO" line, forked from this one (nothing here has opened the store)."""
    data = load_all()
    for command in sys.stdin:
        if command.strip() != "GO":
            break
        pid = os.fork()
        if pid == 0:
            try:
                say(f"PID {os.getpid()}")
                asyncio.run(main(data_dir, data))
            except BaseException:  # noqa: BLE001 - the parent reads the traceback; the zygote must go on
                import traceback

                traceback.print_exc()
            finally:
                sys.stderr.flush()
                os._exit(1)  # main() only ends by the kill or an error
        os.waitpid(pid, 0)
        say(f"GONE {pid}")


if __name__ == "__main__":
    if sys.argv[2:] == ["--fork"]:
        fork_rounds(sys.argv[1])
    else:
        asyncio.run(main(sys.argv[1]))
