"""Reading a client's burst (`domain.bursts`): which bubbles are read together, and the joined reading's evidence
pointed back at the words of the bubble each sits in. A fake detector makes the spans exact."""

from __future__ import annotations

from curhat_tui.domain.bursts import BURST_BUBBLES, BURST_CHARS, JOIN, read_burst, since_asked, unanswered
from curhat_tui.domain.models import Delivery, Message, Sender
from curhat_tui.domain.phrases import PhraseHit
from curhat_tui.domain.risk import NOTHING, Detection


class Reader:
    """A reader of bursts made of a fake `detect` (and `answer`: none, unless given)."""

    def __init__(self, detect, answer=None) -> None:
        self.detect = detect
        self._answer = answer

    def answer(self, asked: str, reply: str, raised: frozenset[str] = frozenset()) -> Detection:
        self.raised = raised
        return NOTHING if self._answer is None else self._answer(asked, reply)


def words_detector(*words: str):
    """Suggests suicide when every one of `words` is in the text, with each word as evidence; records what it read."""
    read: list[str] = []

    def detect(text: str) -> Detection:
        read.append(text)
        if not all(w in text for w in words):
            return NOTHING
        return Detection(("suicide",), "malam" in text, tuple(PhraseHit("suicide", text.index(w), text.index(w) + len(w))
                                                              for w in words), {})
    return Reader(detect), read


def test_risk_no_bubble_carries_is_found_and_pointed_at_in_each_bubble():
    detect, _ = words_detector("racun", "malam")
    burst = read_burst(detect, ["kak", "udah beli racun", "nanti malam"])
    assert burst.items == ("suicide",) and burst.imminent
    assert [[t[h.start:h.end] for h in spans] for t, spans in zip(["kak", "udah beli racun", "nanti malam"],
                                                                   burst.evidence)] == [[], ["racun"], ["malam"]]


def test_what_the_newest_bubble_says_alone_stands_and_one_bubble_is_read_once():
    detect, read = words_detector("mati")
    burst = read_burst(detect, ["pengen mati"])
    assert burst.items == ("suicide",) and read == ["pengen mati"]
    assert burst.evidence == ((PhraseHit("suicide", 7, 11),),)
    assert read_burst(detect, []).items == ()


def test_a_span_running_across_two_bubbles_is_cut_at_the_bubbles_end():
    def detect(text: str) -> Detection:
        return Detection(("suicide",), False, (PhraseHit("suicide", 0, len(text)),), {}) if JOIN in text else NOTHING
    burst = read_burst(Reader(detect), ["aaa", "bb"])
    assert burst.evidence == ((PhraseHit("suicide", 0, 3),), (PhraseHit("suicide", 0, 2),))


def test_at_most_the_newest_bubbles_and_characters_are_read_together():
    detect, read = words_detector("zzz")
    texts = [f"b{n}" for n in range(BURST_BUBBLES + 3)]
    burst = read_burst(detect, texts)
    assert read[-1] == JOIN.join(texts[-BURST_BUBBLES:]) and len(burst.evidence) == len(texts)
    long = ["x" * (BURST_CHARS - 10), "y" * 20, "z"]
    read_burst(detect, long)
    assert read[-1] == "y" * 20 + JOIN + "z"  # the long one is left out, the two after it still read together
    read.clear()
    read_burst(detect, ["a", "w" * BURST_CHARS])
    assert read == ["w" * BURST_CHARS]  # a message that fills the room is read on its own


def _m(n: int, sender: Sender, text: str = "x", **kw) -> Message:
    return Message(n, "s", sender, text, float(n), **kw)


def test_the_burst_is_the_clients_messages_since_the_counselor_last_wrote():
    messages = [_m(1, Sender.CLIENT), _m(2, Sender.COUNSELOR), _m(3, Sender.CLIENT), _m(4, Sender.SYSTEM),
                _m(5, Sender.CLIENT, redacted_at=9.0), _m(6, Sender.CLIENT, delivery=Delivery.LOCKED),
                _m(7, Sender.CLIENT, "  "), _m(8, Sender.CLIENT)]
    assert unanswered(messages) == [2, 7]  # a system line passed over; deleted, locked and blank ones left out
    many = [_m(n, Sender.CLIENT) for n in range(20)]
    assert unanswered(many) == list(range(20 - (BURST_BUBBLES - 1), 20))
    assert unanswered([]) == [] and unanswered([_m(1, Sender.COUNSELOR)]) == []


def test_the_counselors_message_before_the_burst_is_what_it_answers():
    messages = [_m(1, Sender.CLIENT), _m(2, Sender.COUNSELOR, "kamu pernah kepikiran?"), _m(3, Sender.CLIENT, "iya"),
                _m(4, Sender.SYSTEM)]
    assert since_asked(messages) == ([2], "kamu pernah kepikiran?", frozenset())
    assert since_asked(messages[:2]) == ([], "kamu pernah kepikiran?", frozenset())  # the first bubble after it
    assert since_asked([_m(1, Sender.CLIENT)]) == ([0], "", frozenset())  # nobody asked
    deleted = [_m(1, Sender.COUNSELOR, "", redacted_at=5.0), _m(2, Sender.CLIENT)]
    assert since_asked(deleted) == ([1], "", frozenset())
    many = [_m(0, Sender.COUNSELOR, "q")] + [_m(n, Sender.CLIENT) for n in range(1, 20)]
    assert since_asked(many)[1] == ""  # the burst runs back further than what is read with a bubble
    full = [_m(0, Sender.COUNSELOR, "q?"), _m(1, Sender.SYSTEM)] + [_m(n, Sender.CLIENT) for n in range(2, 7)]
    assert since_asked(full) == ([2, 3, 4, 5, 6], "q?", frozenset())  # a system line between is passed over
    never = [_m(1, Sender.COUNSELOR, "q?", delivery=Delivery.UNSENT), _m(2, Sender.CLIENT)]
    assert since_asked(never) == ([1], "", frozenset())  # given up before the client could read it


def test_what_the_client_said_before_the_question_goes_with_it():
    """A question that points back ("talinya udah kamu siapin?") asks about what the client said before it: the
    flags stored for the client's messages before the counselor's, not a deleted one's, nor the answer's own."""
    messages = [_m(1, Sender.CLIENT, "aku mau gantung diri", flags=("suicide",)),
                _m(2, Sender.CLIENT, "x", flags=("abuse",), redacted_at=3.0), _m(3, Sender.COUNSELOR, "talinya udah ada?"),
                _m(4, Sender.CLIENT, "udah", flags=("self_harm",))]
    assert since_asked(messages) == ([3], "talinya udah ada?", frozenset({"suicide"}))
    reader = Reader(lambda text: NOTHING, lambda asked, reply: NOTHING)
    read_burst(reader, ["udah"], "talinya udah ada?", frozenset({"suicide"}))
    assert reader.raised == frozenset({"suicide"})


def test_a_burst_right_after_a_question_is_read_joined_as_its_answer():
    answered: list[tuple[str, str]] = []

    def answer(asked: str, reply: str) -> Detection:
        answered.append((asked, reply))
        return Detection(("suicide",), True, (PhraseHit("suicide", 0, 3),), {}) if reply.startswith("iya") else NOTHING
    reader = Reader(lambda text: NOTHING, answer)
    burst = read_burst(reader, ["iya", "udah lama"], "kamu sudah punya rencana?")
    assert answered == [("kamu sudah punya rencana?", "iya" + JOIN + "udah lama")]
    assert burst.items == burst.answered == ("suicide",) and burst.imminent
    assert burst.evidence == ((PhraseHit("suicide", 0, 3),), ())  # the word that answered, in its own bubble
    assert read_burst(reader, ["iya"]).items == ()  # nobody asked: read alone
    assert read_burst(reader, ["nggak"], "kamu sudah punya rencana?").items == ()
    answered.clear()
    long = ["x" * (BURST_CHARS - 10), "y" * 20, "iya"]
    read_burst(reader, long, "q?")
    assert answered == []  # the burst's first bubble is not read with the rest: no longer an answer to the question
