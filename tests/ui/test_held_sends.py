"""Someone besides the client is in their room: the counselor's lines are held and the counselor is told who (by
display name). Alt+K asks, naming them; "no" keeps the lines held, "yes" sends them, lets exactly those accounts read
what follows and is recorded in the audit log; anyone new who joins holds the lines again."""

from __future__ import annotations

from curhat_tui.channels.base import ClientArrived
from curhat_tui.domain.models import Delivery, Risk, Tier, Visit
from curhat_tui.storage.sessions import READERS_ALLOWED
from curhat_tui.ui.app import build_app
from curhat_tui.ui.screens.common.confirm import ConfirmModal
from tests.conftest import START, accept_top, screen_text, until_shown


async def _in_session(pilot, channel, visit_id: str, alias: str, topic: str = "", answer: str = ""):
    """A client arrives and the counselor accepts them: their pane, loaded."""
    channel.inject(ClientArrived(Visit(visit_id, f"client-{visit_id}", alias, Tier.PEER, 30, 25000, topic, answer,
                                       Risk.NONE, START)))
    await pilot.pause()
    pane = await accept_top(pilot)
    await until_shown(pilot, lambda: pane is not None and pane.loaded)
    return pane


async def test_held_lines_go_only_when_the_counselor_lets_exactly_those_readers_read(fake_parts):
    parts, channel = fake_parts
    ws = parts.workstation
    channel.let_read = lambda sid: ws.store.sessions.channel_state(sid).get(READERS_ALLOWED)
    app = build_app(parts)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        pane = await _in_session(pilot, channel, "v1", "Melati", "sedih", "tidak")
        sid = pane.session.id
        channel.others = (("@whatsapp_6281234567:srv", "Ibu [b]Melati[/b]"),)
        await ws.desk.send(sid, "Halo, aku Ani.")
        await pilot.pause()
        assert channel.sent == [] and ws.desk.held_readers(sid)
        assert [m.delivery for m in ws.store.messages.outbox()] == [Delivery.PENDING]
        # told who, by name (literally), never by account (a bridged account is a phone number)
        told = [n.message for n in app._notifications if "DITAHAN" in n.message]
        assert told and "Ibu [b]Melati[/b]" in told[-1] and "6281234567" not in told[-1]

        await pilot.press("alt+k")  # the question names them; "no" keeps the line held
        await until_shown(pilot, lambda: isinstance(app.screen, ConfirmModal))
        assert "Ibu [b]Melati[/b]" in screen_text(app) and "6281234567" not in screen_text(app)
        await pilot.press("n")
        await pilot.pause()
        ws.desk.outbox.tick(ws.clock.now() + 1000)
        await pilot.pause()
        assert channel.sent == [] and ws.desk.held_readers(sid)

        await pilot.press("alt+k")  # "yes": sent, exactly this account may read, recorded
        await until_shown(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("y")
        await until_shown(pilot, lambda: [m.text for m in channel.sent] == ["Halo, aku Ani."])
        assert ws.store.sessions.channel_state(sid)[READERS_ALLOWED] == ["@whatsapp_6281234567:srv"]
        recorded = [e for e in ws.audit.entries() if e.action == "send_anyway"]
        assert len(recorded) == 1 and "6281234567" not in str(recorded[0])
        assert any("dikirim walau ada orang lain" in n.message for n in app._notifications)
        await ws.desk.send(sid, "Boleh tahu siapa yang ikut membaca?")
        assert channel.sent[-1].text == "Boleh tahu siapa yang ikut membaca?"

        channel.others += (("@stranger:srv", "Budi"),)  # someone new: held again, and asked about them alone
        await ws.desk.send(sid, "Baik.")
        await pilot.pause()
        assert channel.sent[-1].text != "Baik." and ws.desk.held_readers(sid) == (("@stranger:srv", "Budi"),)


async def test_with_nothing_held_alt_k_says_so_and_asks_nothing(fake_parts):
    parts, channel = fake_parts
    app = build_app(parts)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await _in_session(pilot, channel, "v2", "Kenari")
        await pilot.press("alt+k")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmModal)
        assert any("Tidak ada pesan yang ditahan di sesi ini" in n.message for n in app._notifications)


async def test_someone_without_a_display_name_is_named_alike_in_the_notice_and_the_question(fake_parts):
    parts, channel = fake_parts
    ws = parts.workstation
    app = build_app(parts)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        pane = await _in_session(pilot, channel, "v3", "Kutilang")
        channel.others = (("@6281299999999:bridge.srv", ""), ("@budi:srv", "Budi"))
        await ws.desk.send(pane.session.id, "Halo.")
        await until_shown(pilot, lambda: any("DITAHAN" in n.message for n in app._notifications))
        told = next(n.message for n in app._notifications if "DITAHAN" in n.message)
        assert "(tanpa nama), Budi" in told and "62812" not in told
        await pilot.press("alt+k")
        await until_shown(pilot, lambda: isinstance(app.screen, ConfirmModal))
        assert "(tanpa nama), Budi" in screen_text(app) and "62812" not in screen_text(app)


async def test_yes_lets_read_only_whom_the_question_named_not_who_came_while_it_was_open(fake_parts):
    """Red team 5: the outbox's retry met a newcomer while the question about the client's mother was open, and the
    yes let the newcomer read too, never named in it."""
    parts, channel = fake_parts
    ws = parts.workstation
    channel.let_read = lambda sid: ws.store.sessions.channel_state(sid).get(READERS_ALLOWED)
    app = build_app(parts)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        pane = await _in_session(pilot, channel, "v4", "Merpati")
        sid = pane.session.id
        channel.others = (("@ibu:srv", "Ibu"),)
        await ws.desk.send(sid, "Halo.")
        await pilot.press("alt+k")
        await until_shown(pilot, lambda: isinstance(app.screen, ConfirmModal))
        channel.others += (("@mallory:srv", "Mallory"),)  # comes in while the counselor weighs it
        await ws.desk.flush_outbox()
        assert {user for user, _ in ws.desk.held_readers(sid)} == {"@ibu:srv", "@mallory:srv"}
        await pilot.press("y")
        await until_shown(pilot, lambda: not isinstance(app.screen, ConfirmModal))
        await pilot.pause()
        assert ws.store.sessions.channel_state(sid)[READERS_ALLOWED] == ["@ibu:srv"]
        await ws.desk.flush_outbox()
        assert channel.sent == [] and ws.desk.held_readers(sid) == (("@mallory:srv", "Mallory"),)
