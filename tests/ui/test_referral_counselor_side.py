"""Issue 15, item 6, as the counselor meets it: the script loaded into the reply box for a client from Semarang
offers Central Java's and national services, never JakCare and never a verification note; the counselor is told
which of the services are not verified, and F1 shows each entry's verification and the notes meant only for them."""

from __future__ import annotations

from tests.conftest import screen_text

SIZE = (120, 40)


async def test_a_loaded_script_is_clean_and_the_counselor_is_told_what_is_not_verified(make_app, parts):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        visit = parts.channel.request_client("fajar", "normal")
        await parts.workstation.desk.accept(visit.id)
        await pilot.pause()
        await pilot.pause()
        pane = app.main.active_pane
        assert pane is not None and pane.session.alias == "wong_smg"
        await pilot.press("f6")  # psychosis: no screener, its script loads at once
        await pilot.pause()
        script = pane.composer.text
        assert "Gondohutomo" in script and "JakCare" not in script
        assert "diverifikasi" not in script and "cek 2026" not in script
        warned = [n.message for n in app._notifications if "Belum diverifikasi" in n.message]
        assert len(warned) == 1 and "RSJD Dr. Amino Gondohutomo" in warned[0] and "SEJIWA" in warned[0]
        assert "JakCare" not in warned[0]  # only the services in this script


async def test_f1_shows_each_entrys_verification_and_the_counselors_notes(make_app):
    from textual.containers import VerticalScroll

    app = make_app()
    async with app.run_test(size=(160, 60)) as pilot:
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        scroll = app.screen.query_one(VerticalScroll)
        seen = [screen_text(app)]
        for _ in range(20):  # the keys come first, then the directory: a page at a time to the end
            if scroll.scroll_y >= scroll.max_scroll_y:
                break
            scroll.scroll_page_down(animate=False)
            await pilot.pause()
            seen.append(screen_text(app))
        text = "\n".join(seen)
        jakcare = next(line for line in text.splitlines() if "JakCare" in line)
        assert "Verifikasi" in text and jakcare.rstrip(" █▇▆▅▄▃▂▁").endswith("belum")
        assert "Catatan untuk konselor" in text
        assert "hanya untuk warga DKI Jakarta" in text
