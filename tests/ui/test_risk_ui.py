"""The risk detector on the counselor's screen: the suggestion names the item and says when suicide risk
looks imminent, the highlight marks the words that carried it, nothing is ticked; a waiting client whose
words were called imminent is marked and heads the queue."""

from __future__ import annotations

import pytest

from curhat_tui.channels.base import ClientArrived, MessageReceived, MessageRedacted
from curhat_tui.domain.models import Risk, Sender, Tier, Visit
from curhat_tui.ui.app import build_app
from tests.conftest import START, screen_text

SIZE = (120, 40)


def visit(vid: str, alias: str, risk: Risk = Risk.NONE, arrived: float = START, imminent: bool = False) -> Visit:
    return Visit(vid, f"client-{vid}", alias, Tier.PEER, 30, 25000, "tidur", "tidak", risk, arrived,
                 imminent=imminent)


async def melati(pilot, channel):
    """Melati arrives and the counselor takes her: her pane."""
    await pilot.pause()
    channel.inject(ClientArrived(visit("a", "Melati")))
    await pilot.press("ctrl+n")
    await pilot.pause()
    return pilot.app.main.active_pane


@pytest.mark.parametrize("lang, imminent_word", [("id", "RISIKO SEGERA"), ("en", "IMMINENT")])
async def test_an_imminent_suggestion_says_so_and_ticks_nothing(fake_parts, lang, imminent_word):
    parts, channel = fake_parts
    parts.workstation.desk.lang = lang
    app = build_app(parts, lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        pane = await melati(pilot, channel)
        sid = pane.session.id
        text = "kak aku udah beli racun tikus, nanti malam aku minum"
        channel.inject(MessageReceived(sid, text, START + 10, remote_id="$r1"))
        await pilot.pause()
        assert pane.suggested == ["suicide"] and pane.imminent
        status = str(pane.query_one("#status").render())
        assert "F2" in status and imminent_word in status
        entry = pane.transcript.entries[-1]
        marked = [text[a:b] for a, b in entry.highlights]
        assert any("racun" in m for m in marked)
        assert parts.workstation.flags.flags(sid) == {}  # a suggestion never ticks a flag
        # another bubble before the counselor answers is read with the first: the suggestion stays in view
        channel.inject(MessageReceived(sid, "aku lagi pusing sama kerjaan", START + 20, remote_id="$r2"))
        await pilot.pause()
        assert pane.suggested == ["suicide"] and pane.imminent
        await pilot.press(*"kamu aman sekarang?", "enter")  # the counselor answers
        await pilot.pause()
        channel.inject(MessageReceived(sid, "aku lagi pusing sama kerjaan", START + 30, remote_id="$r3"))
        await pilot.pause()
        assert pane.suggested == [] and not pane.imminent
        assert imminent_word not in str(pane.query_one("#status").render())


async def test_a_burst_of_bubbles_is_read_together_and_its_words_are_marked_where_they_sit(fake_parts):
    """No bubble alone says it: the means, then whose, then when. Read with the bubbles before it, the last one makes
    an imminent suggestion, and the words that carried it are highlighted in the bubbles they were written in."""
    parts, channel = fake_parts
    app = build_app(parts)
    async with app.run_test(size=SIZE) as pilot:
        pane = await melati(pilot, channel)
        sid = pane.session.id
        bubbles = ["kak", "udah kebeli tadi sore", "yg cair buat nyamuk itu", "aku yg minum"]
        for n, text in enumerate(bubbles):
            channel.inject(MessageReceived(sid, text, START + 10 + n, remote_id=f"$b{n}"))
            await pilot.pause()
        assert all(parts.data.phrases.items(text) == [] for text in bubbles)  # no bubble alone is a suggestion
        assert pane.suggested == ["suicide"] and pane.imminent
        entries = {e.message.text: e for e in pane.transcript.entries}
        marked = {text: [text[a:b] for a, b in entries[text].highlights] for text in bubbles}
        assert marked[bubbles[1]] and marked[bubbles[2]] and marked[bubbles[3]], marked  # the purchase, what, whose
        assert marked["kak"] == []
        assert parts.workstation.flags.flags(sid) == {}  # a suggestion never ticks a flag
        # drawn again (as when the detector is read after the first frame): each flagged burst is read once, not once
        # for each of its bubbles, and the same words are marked
        transcript, reads = pane.transcript, []
        highlighter = transcript.highlighter
        transcript.highlighter = lambda texts, asked, raised: reads.append(texts) or highlighter(texts, asked, raised)
        transcript.rehighlight()
        flagged = [e for e in transcript.entries if e.message.sender is Sender.CLIENT and e.message.flags]
        assert len(reads) == len(flagged) >= 1
        assert {text: [text[a:b] for a, b in entries[text].highlights] for text in bubbles} == marked
        # the client deletes the purchase: no suggestion or highlight rests on deleted words
        channel.inject(MessageRedacted(sid, "$b1", START + 30))
        await pilot.pause()
        assert pane.suggested == [] and not pane.imminent
        assert all(not e.highlights for e in pane.transcript.entries if e.message.sender is Sender.CLIENT)


async def test_a_suggestion_that_is_not_imminent_names_only_the_item(fake_parts):
    parts, channel = fake_parts
    app = build_app(parts)
    async with app.run_test(size=SIZE) as pilot:
        pane = await melati(pilot, channel)
        channel.inject(MessageReceived(pane.session.id, "suamiku suka mukul aku kalau mabuk", START + 10,
                                       remote_id="$r1"))
        await pilot.pause()
        assert pane.suggested == ["abuse"] and not pane.imminent
        status = str(pane.query_one("#status").render())
        assert "F5" in status and "SEGERA" not in status


async def test_a_client_whose_words_were_called_imminent_heads_the_queue_marked(fake_parts):
    parts, channel = fake_parts
    app = build_app(parts)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        channel.inject(ClientArrived(visit("h", "Kenanga", Risk.HIGH, START - 600)))
        channel.inject(ClientArrived(visit("i", "Mawar", Risk.LOW, START, imminent=True)))
        await pilot.pause()
        assert [v.id for v in parts.workstation.desk.queue()] == ["i", "h"]
        table = app.main.query_one("#queue-table")
        assert str(table.get_row_at(0)[0]) == "!!" and str(table.get_row_at(0)[1]) == "Mawar"
        assert "risiko segera" in screen_text(app)


async def test_a_short_answer_is_read_with_the_question_the_counselor_asked(fake_parts):
    """"iya kak" says nothing alone; after the counselor's screening question it is a disclosure: the suggestion names
    the item and the word that answered is marked. The same words after an everyday question suggest nothing."""
    parts, channel = fake_parts
    app = build_app(parts)
    async with app.run_test(size=SIZE) as pilot:
        pane = await melati(pilot, channel)
        sid = pane.session.id

        async def asked(question: str, reply: str, n: int):
            """The counselor asks (typed and sent), the client replies: the reply's transcript entry."""
            await pilot.press(*question, "enter")
            await pilot.pause()
            channel.inject(MessageReceived(sid, reply, START + 10 * n, remote_id=f"$a{n}"))
            await pilot.pause()
            return pane.transcript.entries[-1]

        assert parts.data.phrases.items("iya kak") == []  # alone it is nothing
        entry = await asked("hari ini kamu udah sempet makan siang belum?", "udah kak", 1)
        assert pane.suggested == [] and not entry.highlights
        entry = await asked("boleh aku tanya, belakangan ini kamu ada kepikiran buat bunuh diri?", "iya kak", 2)
        assert pane.suggested == ["suicide"]
        assert [entry.message.text[a:b] for a, b in entry.highlights] == ["iya"]
        assert "Jawaban atas pertanyaanmu" in str(pane.query_one("#status").render())  # why "iya" is marked
        assert parts.workstation.flags.flags(sid) == {}  # a suggestion never ticks a flag
        entry = await asked("kalau malam ini pikiran itu datang lagi, ada orang yang bisa kamu telepon?", "ada kak, kakakku", 3)
        assert pane.suggested == [] and not entry.highlights
        await asked("kamu pernah kepikiran bunuh diri sebelumnya?", "nggak pernah kak", 4)
        assert pane.suggested == []
