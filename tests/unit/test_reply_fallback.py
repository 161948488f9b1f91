"""A client's reply (swipe-to-reply, or a bridge relaying a WhatsApp quote) carries the Matrix spec's reply fallback:
the quoted line with the quoted sender's Matrix id, which for a bridge puppet is the client's phone number. The
transcript keeps the words the client wrote, never the fallback."""

from __future__ import annotations

from curhat_tui.channels.base import EarlierLine, MessageEdited, MessageReceived
from curhat_tui.channels.matrix.client_room import ClientRoomReader
from curhat_tui.channels.matrix.entries import client_text, visit_of
from curhat_tui.channels.matrix.staff import Staff
from curhat_tui.domain.i18n import Catalogue

PUPPET = "@whatsapp_6281298765432:s"
ANI, BUDI, INTAKE = "@ani:s", "@budi:s", "@intake:s"


def reply(body: str, to: str = "$first") -> dict:
    return {"msgtype": "m.text", "body": body, "m.relates_to": {"m.in_reply_to": {"event_id": to}}}


def test_a_replys_fallback_with_the_quoted_senders_id_is_taken_off(data):
    t = Catalogue(data.strings, "id")
    text = client_text("m.room.message", reply(f"> <{PUPPET}> aku capek\n> banget\n\nmaksudku capek sama semuanya"), t)
    assert text == "maksudku capek sama semuanya"
    # the client's own words keep their lines, and a '>' further down is theirs
    text = client_text("m.room.message", reply(f"> <{PUPPET}> aku capek\n\nbaris satu\n\n> kutipanku"), t)
    assert text == "baris satu\n\n> kutipanku"


def test_a_reply_that_was_only_the_quote_says_so_without_the_id(data):
    for lang, words in (("id", "membalas pesan sebelumnya"), ("en", "replied to an earlier message")):
        text = client_text("m.room.message", reply(f"> <{PUPPET}> aku capek\n\n"), Catalogue(data.strings, lang))
        assert words in text and "6281298765432" not in text


def test_without_a_reply_relation_a_leading_quote_is_the_clients_own_words(data):
    t = Catalogue(data.strings, "id")
    body = "> kata temanku gini\n\naku nggak setuju"
    assert client_text("m.room.message", {"msgtype": "m.text", "body": body}, t) == body
    assert client_text("m.room.message", {"msgtype": "m.text", "body": body, "m.relates_to": {"m.in_reply_to": "x"}},
                       t) == body  # a malformed relation is no reply


def test_a_fallback_quoting_an_id_goes_even_where_the_relation_is_not_beside_it(data):
    # an encrypted reply whose relation travelled only outside the ciphertext, or an app that sends the quote alone
    t = Catalogue(data.strings, "en")
    assert client_text("m.room.message", {"msgtype": "m.text", "body": f"> <{PUPPET}> aku capek\n\niya"}, t) == "iya"


def reader(data, events: list, client: str = "") -> ClientRoomReader:
    staff = Staff(intake=INTAKE)
    staff.counselors = frozenset({ANI, BUDI})
    return ClientRoomReader(lambda: ANI, staff, lambda: events.append, lambda sid: Catalogue(data.strings, "id"),
                            client_of=lambda sid: (client, "!room:s"))


def event(n: int, content: dict, sender: str = PUPPET, kind: str = "m.room.message") -> dict:
    return {"type": kind, "event_id": f"$e{n}", "sender": sender, "origin_server_ts": 10_000 + n, "content": content}


def test_no_phone_number_reaches_the_transcript_through_a_reply_an_edit_or_a_colleagues_line(data):
    events: list = []
    room = reader(data, events)
    room.events("s1", [
        event(1, reply(f"> <{PUPPET}> aku capek\n\nmaksudku capek banget")),
        # an edit of the reply whose app put the fallback back into the new body (no relation there, by the spec)
        event(2, {"msgtype": "m.text", "body": f"* > <{PUPPET}> aku capek\n\nmaksudku capek sekali",
                  "m.new_content": {"msgtype": "m.text", "body": f"> <{PUPPET}> aku capek\n\nmaksudku capek sekali"},
                  "m.relates_to": {"rel_type": "m.replace", "event_id": "$e1"}}),
        # an edit whose new content is a reply itself
        event(3, {"msgtype": "m.text", "body": "* x", "m.new_content": reply(f"> <{PUPPET}> a\n\nbaru"),
                  "m.relates_to": {"rel_type": "m.replace", "event_id": "$e1"}}),
    ], since=0.0)
    assert events == [MessageReceived("s1", "maksudku capek banget", 10.001, "$e1"),
                      MessageEdited("s1", "$e1", "maksudku capek sekali", 10.002),
                      MessageEdited("s1", "$e1", "baru", 10.003)]
    # a handed-over session: the colleague who replied to the client quoted the client's id
    events.clear()
    room.earlier("s1", [event(4, reply(f"> <{PUPPET}> aku capek\n\nAku dengar, kamu capek."), sender=BUDI),
                        event(5, reply(f"> <{PUPPET}> aku capek\n\n"), sender=BUDI)], since=0.0, handed_over=True)
    assert events == [EarlierLine("s1", "budi", "Aku dengar, kamu capek.", 10.004, "$e4")]
    assert "6281298765432" not in repr(events)


def test_an_intake_answer_given_as_a_reply_shows_in_the_queue_without_the_id():
    visit = visit_of("!r:s", {"topic": f"> <{PUPPET}> Ceritakan dalam satu kalimat\n\nputus sama pacar",
                              "intake_risk_answer": f"> <{PUPPET}> 2 minggu terakhir?\n\ntidak"})
    assert (visit.topic, visit.intake_risk_answer) == ("putus sama pacar", "tidak")
    assert visit_of("!r:s", {"topic": "> kata ibu\n\naku salah"}).topic == "> kata ibu\n\naku salah"
