"""The trainee's feedback report: its figures, its verdicts, and that it is reproducible."""

from __future__ import annotations

from curhat_tui.bootstrap import build_practice
from curhat_tui.domain.clock import FakeClock
from curhat_tui.domain.feedback import analyse
from curhat_tui.domain.models import Message, Sender

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
