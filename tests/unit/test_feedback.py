"""The trainee's feedback report: its figures, its verdicts, and that it is reproducible."""

from __future__ import annotations

from curhat_tui.bootstrap import build_practice
from curhat_tui.domain.clock import FakeClock
from curhat_tui.domain.feedback import analyse
from curhat_tui.domain.models import Message, Sender
from curhat_tui.services.practice_report import analysed

START = 1_790_000_000.0


def msgs(*pairs):
    out, ts = [], START
    for n, (sender, text, gap) in enumerate(pairs):
        ts += gap
        out.append(Message(n + 1, "s", Sender(sender), text, ts))
    return out


def test_counts_ratios_latency_and_weak_lines(data):
    report = analyse(msgs(
        ("client", "halo kak", 0),
        ("counselor", "Apa yang bikin kamu pengen cerita hari ini?", 30),
        ("client", "capek banget sama kerjaan", 5),
        ("counselor", "Kedengarannya kamu capek, tapi tetap bertahan demi keluarga.", 200),
        ("client", "iya kak", 5),
        ("counselor", "Kamu harus resign aja.", 20),
    ), data.personas["sinta"])
    assert report.counts["open_question"] == 1 and report.counts["complex_reflection"] == 1
    assert report.counts["advice"] == 1
    assert report.reflection_ratio == 1.0 and report.ratio_level == "fair"
    assert report.complex_percent == 100.0 and report.complex_level == "good"
    assert report.slow_turns == [2]
    assert [t.code.value for t in report.weak] == ["advice"]
    assert [item.key for item in report.rubric] == ["disclosure"] and report.rubric[0].variant == "no_risk"


def test_referral_needs_a_service_and_willingness(data):
    named = analyse(msgs(("counselor", "Ada SEJIWA di 119 ext 8.", 0)), None)
    assert named.referral_named and not named.referral_made
    both = analyse(msgs(("counselor", "Ada SEJIWA di 119 ext 8. Apakah kamu mau mencoba menghubunginya?", 0)), None)
    assert both.referral_made


async def practice_run(tmp_path, data, name):
    parts = build_practice(tmp_path / name, data=data, clock=FakeClock(START), seed=42)
    ws = parts.workstation
    await ws.start()
    session = await ws.desk.accept()
    for line in ("Halo, aku Ani. Apa yang ingin kamu ceritakan?", "Kedengarannya kamu lelah sekali.",
                 "Kamu harus lebih semangat dong.", "Apakah kamu pernah berpikir untuk bunuh diri?",
                 "Terima kasih sudah jujur. Ada SEJIWA 119 ext 8; apakah kamu mau menghubunginya?"):
        parts.clock.advance(45)
        await ws.desk.send(session.id, line)
    await ws.desk.end(session.id)
    transcript = "\n".join(f"{m.ts} {m.sender} {m.text}" for m in ws.desk.transcript(session.id))
    report = ws.practice.feedback(session.id)
    path = ws.practice.export_feedback(session.id)
    exported = path.read_text(encoding="utf-8")
    assert path.stat().st_mode & 0o777 == 0o600  # a practice report is as private as an export
    again = ws.practice.export_feedback(session.id)  # exporting again keeps the first file
    assert again != path and again.read_text(encoding="utf-8") == exported and path.exists()
    parts.store.close()
    return transcript, report, exported


async def test_same_seed_and_inputs_give_byte_identical_transcript_and_report(tmp_path, data):
    first = await practice_run(tmp_path, data, "a")
    second = await practice_run(tmp_path, data, "b")
    assert first == second
    transcript, report, exported = first
    assert report == exported
    assert "heuristik" in report and "Rasio refleksi" in report and "Nasihat tak diminta: 1" in report


def test_each_line_is_paired_with_its_own_answer_when_the_trainee_writes_again_before_it_comes(data):
    lines = msgs(
        ("counselor", "Apa yang bikin kamu pengen cerita hari ini?", 0),
        ("counselor", "Kamu harus resign aja.", 3),  # written before the client answered the first line
        ("client", "kerjaan numpuk terus, aku capek banget kak", 20),
        ("client", "kok langsung nyuruh resign sih", 15),
        ("client", "aku kan cuma pengen cerita", 4),
    )
    first, second = lines[0], lines[1]
    first.__dict__.update(txn_id="t1")  # frozen: as the store would hand them back
    second.__dict__.update(txn_id="t2")
    said = [("kerjaan numpuk terus, aku capek banget kak", "t1"), ("kok langsung nyuruh resign sih", "t2"),
            ("aku kan cuma pengen cerita", "t2")]
    paired = analyse(lines, data.personas["sinta"], answered=said)
    assert [t.reply for t in paired.turns] == ["kerjaan numpuk terus, aku capek banget kak",
                                               "kok langsung nyuruh resign sih"]
    assert [text for _, text in paired.turns[1].more] == ["aku kan cuma pengen cerita"]
    by_position = analyse(lines, data.personas["sinta"])  # a real client: what came right after each line
    assert [t.reply for t in by_position.turns] == ["", "kerjaan numpuk terus, aku capek banget kak"]


def test_a_line_s_own_answer_comes_before_lines_that_answered_nothing_and_unrecorded_lines_go_by_position(data):
    lines = msgs(
        ("counselor", "Halo, aku Ani. Aku di sini mendengarkan.", 0),
        ("client", "malem kak. sori telat, baru pulang", 10),  # the greeting, late: it answers no line
        ("client", "iya kak, makasih udah nungguin", 6),  # the answer to the trainee's line
    )
    lines[0].__dict__.update(txn_id="t1")
    paired = analyse(lines, data.personas["sinta"], answered=[("malem kak. sori telat, baru pulang", ""),
                                                               ("iya kak, makasih udah nungguin", "t1")])
    assert paired.turns[0].reply == "iya kak, makasih udah nungguin"
    assert [text for _, text in paired.turns[0].more] == ["malem kak. sori telat, baru pulang"]

    # a session begun before the records were kept: its first lines are paired by position, the rest by record
    early = msgs(
        ("counselor", "halo, aku Ani", 0), ("client", "iya", 5), ("counselor", "oke, ceritain ya", 5),
        ("counselor", "pelan-pelan aja", 1), ("client", "hmm", 20), ("client", "iya", 5))
    for n, message in enumerate(early):
        message.__dict__.update(txn_id=f"t{n}" if message.sender is Sender.COUNSELOR else "")
    paired = analyse(early, data.personas["sinta"], answered=[("hmm", "t2"), ("iya", "t3")])
    assert [t.reply for t in paired.turns] == ["iya", "hmm", "iya"]


async def test_the_practice_report_pairs_a_hasty_trainee_s_lines_with_the_answers_the_client_gave_them(tmp_path, data):
    """The same two lines, once waiting for each answer and once sent back to back: the report pairs them alike."""
    async def run(name: str, hasty: bool) -> list[tuple[str, str]]:
        parts = build_practice(tmp_path / name, data=data, clock=FakeClock(START), seed=7, speed=1.0)
        ws = parts.workstation
        await ws.start()
        session = await ws.desk.accept()
        for _ in range(60):  # the client's opening line
            parts.clock.advance(1)
            ws.tick()
            if any(m.sender is Sender.CLIENT for m in ws.desk.transcript(session.id)):
                break
        for line in ("Halo, aku Ani. Apa yang lagi bikin kamu berat akhir-akhir ini?",
                     "Kedengarannya kamu capek sekali, ya."):
            before = sum(m.sender is Sender.CLIENT for m in ws.desk.transcript(session.id))
            await ws.desk.send(session.id, line)
            for _ in range(0 if hasty else 120):
                parts.clock.advance(1)
                ws.tick()
                if sum(m.sender is Sender.CLIENT for m in ws.desk.transcript(session.id)) > before:
                    break
        for _ in range(240):  # every answer has come
            parts.clock.advance(1)
            ws.tick()
        report = analysed(parts.store, data, session.id)
        await ws.stop()
        parts.store.close()
        return [(t.text, t.reply) for t in report.turns]

    patient = await run("patient", hasty=False)
    hasty = await run("hasty", hasty=True)
    assert all(reply for _, reply in patient)  # each line was answered
    assert hasty == patient


def test_asking_the_clients_leave_is_counted_as_a_question_but_not_offered_a_better_line(data):
    """Walking practice mode: "mau nggak kalau aku bantu cari psikolog?" was listed as a line that could be better,
    with "Apa yang paling berat dari pekerjaanmu sekarang?" in its place. Asking leave (MITI's seeking collaboration)
    is what a referral offer should do; a plain closed question is still weak."""
    report = analyse(msgs(
        ("client", "halo kak, capek bgt sama kerjaan", 0),
        ("counselor", "Kamu mau nggak kalau aku bantu cari psikolog lewat EAP kantormu?", 30),
        ("client", "mau kak", 5),
        ("counselor", "Boleh aku kasih sedikit info soal layanan konseling gratis?", 30),
        ("client", "boleh", 5),
        ("counselor", "Would it be okay if I shared a few ideas?", 30),
        ("client", "ok", 5),
        ("counselor", "Kamu udah makan?", 30),
        ("client", "udah", 5),
    ), data.personas["sinta"])
    assert report.counts["closed_question"] == 4
    assert [t.text for t in report.weak] == ["Kamu udah makan?"]


async def test_the_report_is_in_the_trainees_interface_language_whatever_the_clients(tmp_path, data):
    """An Indonesian client's report read in the English interface is in English (it followed the client's language,
    so the same trainee read reports in two languages), and the exported file is the one on screen."""
    from curhat_tui.ui.app import build_app
    from curhat_tui.ui.screens.counselor.feedback import FeedbackModal
    from tests.conftest import screen_text

    parts = build_practice(tmp_path / "en", data=data, clock=FakeClock(START), seed=42)
    ws = parts.workstation
    app = build_app(parts, lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        session = await ws.desk.accept()
        assert session.lang == "id"
        await ws.desk.send(session.id, "Halo, aku Ani. Apa yang ingin kamu ceritakan?")
        await ws.desk.end(session.id)
        await pilot.pause()
        app.push_screen(FeedbackModal(session.id))
        await pilot.pause()
        await pilot.pause()
        shown = screen_text(app)
        assert f"Practice report — {session.alias}" in shown and "Laporan latihan" not in shown
        await pilot.press("ctrl+e")
        await pilot.pause()
    [written] = (tmp_path / "en").rglob(f"{session.alias}-{session.id}*")
    assert written.read_text(encoding="utf-8").startswith("# Practice report")
    assert ws.practice.feedback(session.id).startswith("# Laporan latihan")  # no language asked: the session's
    parts.store.close()
