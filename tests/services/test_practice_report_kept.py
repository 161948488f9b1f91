"""The report kept at the start of wrap-up reads the note as it is when the report is read: the trainee writes the
risk and the referral into the note during wrap-up, after the report was kept."""

from __future__ import annotations

from curhat_tui.services.practice_report import kept_markdown


async def test_the_kept_report_sees_the_referral_written_in_wrap_up(parts, clock):
    ws = parts.workstation
    await ws.start()
    session = await ws.desk.accept(ws.practice.request_client("bayu", "normal").id)
    bayu = parts.data.personas["bayu"]
    for line in ("Apa yang bikin kamu pengen ngobrol malam ini?",
                 "Kedengarannya kamu capek banget, tapi tetap berusaha bertahan demi bisa bayar semuanya.",
                 "Jadi sejak PHK itu kamu nanggung semuanya sendirian, dan itu berat sekali.",
                 "Kamu merasa hari-harimu jalan terus tapi nggak ada artinya lagi.",
                 "Aku mau tanya langsung, karena aku peduli: apakah kamu sedang berpikir untuk bunuh diri?"):
        clock.advance(30)
        await ws.desk.send(session.id, line)
        ws.tick()
    assert any(m.text == bayu.risk.reveal for m in ws.desk.transcript(session.id))
    ws.flags.raise_flag(session.id, "suicide", bayu.truth.screener())
    await ws.desk.end(session.id)  # wrap-up: the report is kept now, before the note's referral is written
    kept = kept_markdown(parts.store, parts.data, session.id)
    assert kept is not None and "kolom rujukan kosong" in kept
    template, _, _ = ws.notes.note(session.id)
    ws.notes.save(session.id, template, {"referral": "SEJIWA 119 ext 8; klien ragu, mau mempertimbangkan"})
    assert "Catatan sesi memuat tingkat risiko dan rujukan." in kept_markdown(parts.store, parts.data, session.id)
