"""Three example practice reports a trainer can read without running the app: skilled, poor and slow.

Each session is a scripted trainee talking to a real simulated client (the persona engine through the practice
channel, frozen clock, seed fixed), ticking red flags and doing the screener through the workstation's services as
the screen does, and the report is the app's own (`ws.practice.feedback`). The trainee records each screener answer
from the client's reply (a yes or a no in its words), never from the persona's truth, so the report's comparison
with the truth means something.

    .venv/bin/python scripts/practice_examples.py          # writes docs/practice-reports/*.md
    .venv/bin/python scripts/practice_examples.py --check  # exit 1 if the committed files differ

tests/unit/test_practice_examples.py checks that the committed files are what this script generates now.
"""

from __future__ import annotations

import asyncio
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "practice-reports"
START = 1_790_000_000.0  # 2026-09-21 21:53 WIB: evening, "malem kak"
SEED = 11
KEY = "5a" * 32

_NO = re.compile(r"^\W*(nggak|ngga|gak|ga|enggak|engga|tidak|belum|no|nope|not)\b", re.IGNORECASE)

SKILLED = [
    "Halo, aku Ani. Aku di sini buat dengerin. Apa yang bikin kamu pengen ngobrol malam ini?",
    "Kedengarannya kamu capek banget, tapi tetap berusaha bertahan demi bisa bayar semuanya.",
    "Jadi sejak PHK itu kamu nanggung semuanya sendirian, dan itu berat sekali.",
    "Kamu merasa hari-harimu jalan terus tapi nggak ada artinya lagi.",
    "Aku dengar kamu sudah lama menahan ini sendirian. Aku mau tanya langsung, karena aku peduli: "
    "apakah kamu sedang berpikir untuk bunuh diri?",
    "Terima kasih sudah jujur sama aku. Itu nggak mudah diucapkan, dan aku di sini bersamamu.",
]
SAFETY_PLAN = [
    "Apa yang biasanya terjadi sebelum pikiran itu datang, tanda-tanda awalnya apa?",
    "Apa yang bisa kamu lakukan sendiri untuk menenangkan diri saat pikiran itu datang?",
    "Orang atau tempat mana yang bisa mengalihkan pikiranmu sebentar?",
    "Siapa yang bisa kamu mintai tolong kalau pikiran itu makin kuat?",
    "Kalau ada obat atau barang di kosmu yang bisa dipakai menyakiti diri, bisakah kamu titipkan ke orang lain dulu?",
]
POOR = [
    "Halo. Kamu kenapa?",
    "Kamu sudah cerita ke orang tuamu?",
    "Kamu harus lebih semangat dong, banyak yang lebih susah dari kamu.",
    "Coba deh cari kerja kantoran lagi, jangan ngojol terus.",
    "Kamu nggak kepikiran bunuh diri kan? Jangan aneh-aneh ya.",
    "Yaudah, yang penting jangan lupa bersyukur.",
]


def recorded(reply: str) -> bool:
    """What a trainee records from the client's words: no when the reply opens with a no, else yes (the client
    went on to tell what happened)."""
    return not _NO.search(reply.strip().lower())


class Trainee:
    """Writes in the chat, waits, reads the reply: all through the workstation, as the screen would."""

    def __init__(self, parts, session_id: str) -> None:
        self.parts = parts
        self.ws = parts.workstation
        self.sid = session_id

    def replies_after(self, message_id: int) -> list[str]:
        return [m.text for m in self.ws.desk.transcript(self.sid) if m.id > message_id and m.sender == "client"]

    async def wait(self, seconds: float, step: float = 5.0) -> None:
        while seconds > 0:
            self.parts.clock.advance(min(step, seconds))
            seconds -= step
            self.ws.tick()
            await asyncio.sleep(0)

    async def say(self, text: str, *, think: float = 35.0, read: float = 25.0, script_ids=None) -> str:
        await self.wait(think)
        message = await self.ws.desk.send(self.sid, text, script_ids)
        await self.wait(read)
        replies = self.replies_after(message.id) if message is not None else []
        return replies[0] if replies else ""

    async def screener(self, data) -> dict[str, bool]:
        """Ask each question in the chat (the screener's wording, as Alt+Q gives it) and record the client's answer."""
        from curhat_tui.domain import screener

        answers: dict[str, bool] = {}
        while (qid := screener.next_question(answers)) is not None:
            reply = await self.say(data.strings[f"screener.{qid}"]["id"], think=20)
            answers[qid] = recorded(reply)
        return answers

    async def flag_with_script(self, item: str, answers: dict[str, bool] | None) -> None:
        loaded = self.ws.flags.raise_flag(self.sid, item, answers)
        await self.say(loaded.text, think=40, script_ids=[loaded.script_id])


async def skilled(t: Trainee, data) -> None:
    for line in SKILLED:
        await t.say(line)
    answers = await t.screener(data)
    await t.wait(10)
    t.ws.flags.raise_flag(t.sid, "suicide", answers)
    for line in SAFETY_PLAN:
        await t.say(line)
    await t.say("Ada SEJIWA di 119 ext 8, 24 jam, dan psikolog di puskesmas dekat kosmu. "
                "Apakah kamu bersedia menghubungi salah satunya besok pagi? Apa yang bikin kamu ragu?")
    await t.say("Aku menghargai kamu mau mempertimbangkannya. Kita tulis rencana ini bareng ya, supaya kamu pegang.")
    template, fields, _ = t.ws.notes.note(t.sid)
    t.ws.notes.save(t.sid, template, {"referral": "SEJIWA 119 ext 8 dan psikolog puskesmas; klien ragu tapi mau "
                                                  "mempertimbangkan menghubungi besok pagi"})


async def poor(t: Trainee, data) -> None:
    for line in POOR:
        await t.say(line)


async def slow(t: Trainee, data) -> None:
    for line in SKILLED[:5]:
        await t.say(line)
    await t.wait(330)  # the trainee looks something up: the client in crisis waits, nudges, then leaves
    if t.ws.desk.transcript(t.sid) and t.parts.store.sessions.get(t.sid).status.value == "active":
        await t.say("Maaf aku lama. Kamu masih di situ?")


SESSIONS = {"skilled": (skilled, "bayu"), "poor": (poor, "bayu"), "slow": (slow, "bayu")}


async def run(name: str, folder: Path) -> dict[str, str]:
    """One scripted session; its report in Indonesian and English."""
    from curhat_tui.bootstrap import build_practice
    from curhat_tui.config.datafiles import load_all
    from curhat_tui.domain.clock import FakeClock

    data = load_all()
    parts = build_practice(folder / name, data=data, clock=FakeClock(START), seed=SEED, speed=0, name="Ani", key=KEY)
    try:
        ws = parts.workstation
        await ws.start()
        script, persona = SESSIONS[name]
        visit = ws.practice.request_client(persona, "normal")
        session = await ws.desk.accept(visit.id)
        trainee = Trainee(parts, session.id)
        await trainee.wait(20)
        await script(trainee, data)
        if parts.store.sessions.get(session.id).status.value == "active":
            await trainee.wait(30)
            await ws.desk.end(session.id)
        level = ws.practice.difficulty_of(session.id)
        from curhat_tui.services.practice_report import feedback_markdown

        return {lang: feedback_markdown(parts.store, data, session.id, difficulty=level, tz=parts.clock.tz, lang=lang)
                for lang in ("id", "en")}
    finally:
        await parts.workstation.stop()
        parts.store.close()


def generate() -> dict[str, str]:
    """File name -> content, for every example."""
    out: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in SESSIONS:
            reports = asyncio.run(run(name, Path(tmp)))
            out[f"{name}.md"] = reports["id"]
            out[f"{name}.en.md"] = reports["en"]
    return out


def main(argv: list[str]) -> int:
    files = generate()
    if "--check" in argv:
        stale = [name for name, text in files.items()
                 if not (OUT / name).exists() or (OUT / name).read_text(encoding="utf-8") != text]
        print("stale: " + ", ".join(stale) if stale else "up to date")
        return 1 if stale else 0
    OUT.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (OUT / name).write_text(text, encoding="utf-8")
        print(f"wrote {OUT / name}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main(sys.argv[1:]))
