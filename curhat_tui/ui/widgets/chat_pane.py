"""One session's pane: who, how long left, the handover note it came with, the transcript, who is waiting,
and the reply box."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual import getters
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.timer import Timer
from textual.widgets import Static

from curhat_tui.domain.bursts import read_burst
from curhat_tui.domain.clock import clock_time, mmss
from curhat_tui.domain.models import Message, Risk, Sender, Session, SessionStatus, rupiah
from curhat_tui.domain.sanitize import clean
from curhat_tui.domain.session_clock import Phase, countdown
from curhat_tui.ui.widgets.composer import Composer
from curhat_tui.ui.widgets.localize import flag_labels
from curhat_tui.ui.widgets.tab_strip import TabState, tab_label
from curhat_tui.ui.widgets.transcript import Transcript

if TYPE_CHECKING:
    from curhat_tui.ui.app import CurhatApp

WAIT_NORM_SECONDS = 180
PAGE = 100  # older messages load a page at a time as the counselor scrolls to the top


def first_page(screen_height: int) -> int:
    """How many of the newest messages a pane shows when it opens: more than the screen holds (each message takes
    two lines or more, so the transcript can always scroll up, where the older ones load), and no more, so that
    a long session opens as fast as a short one."""
    return min(PAGE, max(10, screen_height // 2 + 1))
HEAD_SEPARATOR = " · "


def pack(parts: list[str], width: int, separator: str = HEAD_SEPARATOR) -> list[str]:
    """The parts on as few lines of `width` cells as they fit, never split inside a part (one too long for a
    line stands alone on it)."""
    lines: list[str] = []
    for part in parts:
        if lines and cell_len(lines[-1] + separator + part) <= width:
            lines[-1] += separator + part
        else:
            lines.append(part)
    return lines


class ChatPane(Vertical):
    if TYPE_CHECKING:
        app = getters.app(CurhatApp)

    DEFAULT_CSS = """
    ChatPane { height: 1fr; }
    ChatPane > .pane-head { height: auto; max-height: 4; background: $boost; padding: 0 1; }
    ChatPane > .pane-head.-warning { background: $warning 40%; }
    ChatPane > .pane-head.-critical { background: $error 45%; }
    ChatPane > .pane-head.-overtime { background: $error; color: $text; text-style: bold; }
    ChatPane > .pane-status { height: auto; max-height: 4; color: $text-muted; padding: 0 1; }
    ChatPane > .pane-status.-late { color: $warning; text-style: bold; }
    ChatPane > .pane-status.-suggest { color: $text; background: $warning 30%; }
    ChatPane > .pane-status.-imminent { background: $error 45%; text-style: bold; }
    ChatPane.-wrapup Composer { display: none; }
    ChatPane > .pane-whisper { height: auto; max-height: 3; display: none; padding: 0 1; background: $accent 25%; }
    ChatPane > .pane-whisper.-shown { display: block; }
    ChatPane > .pane-consent { height: auto; display: none; padding: 0 1; background: $error 35%; text-style: bold; }
    ChatPane > .pane-consent.-withdrawn { display: block; }
    ChatPane > .pane-intake { height: auto; max-height: 2; display: none; padding: 0 1; background: $boost;
                              text-wrap: nowrap; text-overflow: ellipsis; }
    ChatPane > .pane-intake.-shown { display: block; }
    ChatPane > .pane-handover { height: auto; max-height: 6; display: none; padding: 0 1; background: $warning 20%; }
    ChatPane > .pane-handover.-shown { display: block; }
    """

    def __init__(self, session: Session, *, blink: bool = True) -> None:
        super().__init__(id=f"pane-{session.id}")
        self.session = session
        self.blink = blink
        self.last_message: Message | None = None
        self.client_typing = False
        self.counselor_typing = False
        self.suggested: list[str] = []
        self.imminent = False  # the detector called the newest client message's suicide risk imminent
        self.answered = False  # ... and its suggestion rests on it read as the answer to the counselor's question
        self.ticked = False  # a red flag is ticked in this session (or was, before a handover)
        self.loaded = False
        self.composer = Composer(id="composer", blink=blink)
        self.transcript: Transcript | None = None
        self._focus_on_mount = False
        self._draft_timer: Timer | None = None
        self._shown: dict[str | None, str] = {}
        self._scripts_waiting: list[tuple[str, int]] = []  # loaded before the pane was built: they follow the draft

    def compose(self) -> ComposeResult:
        app = self.app
        yield Static(id="head", classes="pane-head")
        yield Static(id="consent", classes="pane-consent")
        yield Static(id="intake", classes="pane-intake")
        yield Static(id="handover", classes="pane-handover")
        yield Static(id="whisper", classes="pane-whisper")
        names = {"client": self.session.alias, "counselor": self.session.counselor, "system": "•"}
        self.transcript = Transcript(names, lambda ts: clock_time(app.clock, ts), app.highlight_spans,
                                     id="transcript")
        yield self.transcript
        yield Static(id="status", classes="pane-status")
        yield self.composer

    def _transcript(self) -> Transcript:
        assert self.transcript is not None, "the transcript is composed before the pane mounts"
        return self.transcript

    def focus_composer(self) -> None:
        """Focus the reply box now, or as soon as this (possibly lazily mounted) pane is up."""
        if self.loaded:
            self.composer.focus()
        else:
            self._focus_on_mount = True

    def prime(self) -> None:
        """What the tab strip tells of a pane not built yet, read from the store: the newest message (is the client
        waiting, what did the detector suggest) and whether a red flag is ticked. Building it reads the rest."""
        newest = self.app.workstation.desk.transcript(self.session.id, limit=1)
        if newest:
            self.last_message = newest[-1]
            self._suggest(newest[-1])
        self._read_ticked()

    def on_mount(self) -> None:
        page = first_page(self.app.size.height)
        # one more than the page tells whether older ones exist (counting a long session's rows would read them all)
        messages = self.app.workstation.desk.transcript(self.session.id, limit=page + 1)
        has_older = len(messages) > page
        messages = messages[-page:]
        self._transcript().set_messages(messages, has_older)
        if messages:
            self.last_message = messages[-1]
            self._suggest(messages[-1])
        self.set_class(self.session.status is not SessionStatus.ACTIVE, "-wrapup")
        self._read_ticked()
        self.show_consent()
        self.show_intake()
        self.show_handover()
        whispers = self.app.workstation.supervision.whispers(self.session.id)
        if whispers:
            self.set_whisper(whispers[-1]["author"], whispers[-1]["text"])
        draft = self.app.workstation.desk.draft(self.session.id)
        if draft:
            self.composer.load_text(draft)
        for text, script_id in self._scripts_waiting:
            self.composer.load_script(text, script_id)
        self._scripts_waiting.clear()
        self.loaded = True
        self.refresh_clock()
        if self._focus_on_mount and getattr(self.screen, "active_pane", self) is self:  # still the chat in front
            self.composer.focus()

    def load_script(self, text: str, script_id: int) -> None:
        """A referral script into the reply box, after what is typed there. A flag key pressed the moment a chat is
        first shown (after a restart) can come before the pane is built: the script waits for the saved draft, which
        would otherwise replace it."""
        if self.loaded:
            self.composer.load_script(text, script_id)
        else:
            self._scripts_waiting.append((text, script_id))

    def schedule_draft(self) -> None:
        """Save what is being typed within half a second (and when the pane goes), even mid-typing."""
        if self._draft_timer is None:
            self._draft_timer = self.set_timer(0.5, self.save_draft)

    def save_draft(self) -> None:
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None
        if self.loaded and self.session.status is SessionStatus.ACTIVE:
            self.app.workstation.desk.save_draft(self.session.id, self.composer.text)

    def on_unmount(self) -> None:
        if self._draft_timer is not None:
            self.save_draft()

    def on_transcript_need_older(self, event: Transcript.NeedOlder) -> None:
        event.stop()
        transcript = self._transcript()
        older = self.app.workstation.desk.transcript(self.session.id, limit=PAGE, before_id=transcript.first_id)
        transcript.prepend(older, len(older) == PAGE)

    # ---- updates from the workstation -------------------------------------------
    def add_message(self, message: Message) -> None:
        if self.loaded:  # else it is in the store: on_mount shows it, and the tab tells it meanwhile
            self._transcript().append(message)
        self.last_message = message
        if message.sender is Sender.CLIENT:
            self.client_typing = False
            self._suggest(message)
        else:
            self.suggested, self.imminent, self.answered = [], False, False
        self.refresh_clock()

    def update_message(self, message: Message) -> None:
        if self.loaded:
            self._transcript().update_message(message)

    def revise_message(self, message: Message) -> None:
        """The client edited or deleted a message: shown as stored now, and the risk hint follows its words."""
        if self.loaded:  # else it is in the store: on_mount shows it
            self._transcript().update_message(message)
        if self.last_message is not None and self.last_message.id == message.id:
            self.last_message = message
            self._suggest(message)
        elif message.flags:
            self._suggest(message)  # an edit put risk words in an earlier message
        self.refresh_clock()

    def show_intake(self) -> None:
        """What the client told the intake (topic, answer to the screening question), under the header for the whole
        session, so the counselor does not ask again what the client already said (shown literally, a line each, cut
        with an ellipsis where the pane is narrow: the header and the chat keep their room at 80x24)."""
        t = self.app.t
        topic, answer = self.app.workstation.desk.intake_said(self.session.id)
        block = self.query_one("#intake", Static)
        block.set_class(bool(topic or answer), "-shown")
        text = Text()
        for label, said in ((t("queue.topic"), topic), (t("queue.intake_risk"), answer)):
            if said:  # on one line: a topic typed over several lines does not push the answer out of the block
                text.append(("\n" if text else "") + label + ": ", style="bold")
                text.append(" ".join(said.split()))
        block.update(text)

    def show_handover(self) -> None:
        """The handover note the session came with, above the transcript for the whole session (shown literally)."""
        desk = self.app.workstation.desk
        note, flags = desk.handover(self.session.id), desk.handover_flags(self.session.id)
        block = self.query_one("#handover", Static)
        block.set_class(bool(note or flags), "-shown")
        if note or flags:
            text = Text()
            if flags:  # the red flags raised before the handover, first: a long note never pushes them out of view
                text.append(self.app.t("pane.handover_flags", items=flag_labels(self, flags)) + "\n", style="bold")
            text.append_text(Text.assemble((self.app.t("pane.handover") + ": ", "bold"), note))
            block.update(text)

    def set_whisper(self, author: str, text: str) -> None:
        """The supervisor's latest coaching line: shown to the counselor only, never sent to the client."""
        whisper = self.query_one("#whisper", Static)
        whisper.update(Text(self.app.t("pane.whisper", author=author, text=clean(text))))
        whisper.add_class("-shown")

    def set_typing(self, typing: bool) -> None:
        self.client_typing = typing
        self.refresh_clock()

    def set_session(self, session: Session) -> None:
        self.session = session
        self.set_class(session.status is not SessionStatus.ACTIVE, "-wrapup")
        self._read_ticked()  # the tab marks a ticked flag, built or not
        if self.loaded:
            self.show_consent()
        self.refresh_clock()

    def _read_ticked(self) -> None:
        """Whether a red flag is ticked: read when the pane mounts and when the session changes (a flag raised
        tells SessionChanged)."""
        ws = self.app.workstation
        self.ticked = bool(ws.flags.flags(self.session.id) or ws.desk.handover_flags(self.session.id))

    def on_resize(self) -> None:
        self.refresh_clock()  # the header is packed to the pane's width

    def show_consent(self) -> None:
        """A client who withdrew consent: say so above the transcript, with the deletion deadline (UU PDP)."""
        withdrawal = self.app.workstation.rights.withdrawal(self.session.client_key)
        banner = self.query_one("#consent", Static)
        banner.set_class(withdrawal is not None, "-withdrawn")
        if withdrawal is not None:
            fmt, clock = "%Y-%m-%d %H:%M", self.app.clock
            banner.update(Text(self.app.t("rights.banner", date=clock_time(clock, withdrawal.withdrawn_at, fmt),
                                          due=clock_time(clock, withdrawal.due_at, fmt))))

    def _suggest(self, message: Message) -> None:
        """The items the detector suggested for this client message read with the ones before it (stored with it),
        and whether it called that imminent (asked again: not before the detector is read, just after the first frame;
        `refresh_risk`)."""
        self.suggested = list(message.flags) if message.sender is Sender.CLIENT else []
        phrases = self.app.data.phrases
        burst = read_burst(phrases, *self.app.workstation.desk.burst(message)) if self.suggested and phrases.ready \
            else None
        self.imminent = "suicide" in self.suggested and burst is not None and burst.imminent
        # every suggestion rests on the reply read as the answer to the counselor's question: the pane says so
        self.answered = burst is not None and bool(burst.answered) and set(burst.answered) >= set(self.suggested)

    def refresh_risk(self) -> None:
        """The detector is ready: the transcript marks its risk words, and the newest message is judged again."""
        if self.loaded and self.transcript is not None:
            self.transcript.rehighlight()
        if self.last_message is not None:
            self._suggest(self.last_message)
            self.refresh_clock()

    # ---- the parts that change every second ------------------------------------
    def waiting_seconds(self, now: float) -> float | None:
        """How long the client has waited for a reply, or None (not waiting, typing, or the chat is over)."""
        last = self.last_message
        if self.client_typing or last is None or last.sender is not Sender.CLIENT \
                or self.session.status is not SessionStatus.ACTIVE:
            return None
        return max(0.0, now - last.ts)

    def tab_state(self) -> TabState:
        """What the tab strip shows of this session now."""
        session, now = self.session, self.app.clock.now()
        clock = countdown(session.deadline, now)
        return TabState(alias=session.alias, high_risk=session.risk >= Risk.HIGH,
                        active=session.status is SessionStatus.ACTIVE, status=session.status.value,
                        phase=clock.phase, remaining=clock.remaining_seconds, waiting=self.waiting_seconds(now),
                        flagged=self.ticked or bool(self.suggested))

    def tab_label(self, index: int) -> str:
        """The full tab label as plain text (the strip fits it to its width: `tab_strip.fit_labels`)."""
        return tab_label(self.tab_state(), index, self.app.t).plain

    def _update(self, widget: Static, text: Text) -> None:
        """Redraw only what changed: an update re-lays out the screen."""
        if self._shown.get(widget.id) != text.plain:
            self._shown[widget.id] = text.plain
            widget.update(text)

    def refresh_clock(self) -> None:
        if not self.loaded:
            return
        t = self.app.t
        now = self.app.clock.now()
        session = self.session
        clock = countdown(session.deadline, now)
        head = self.query_one("#head", Static)
        for phase in Phase:
            head.set_class(clock.phase is phase and phase is not Phase.NORMAL, f"-{phase.value}")
        if session.status is not SessionStatus.ACTIVE:
            timer = t("pane.wrapup")
        elif clock.phase is Phase.OVERTIME:
            timer = t("pane.overtime", time=mmss(clock.overtime_seconds))
        else:
            timer = t("pane.left", time=mmss(clock.remaining_seconds))
        encrypted, region = self.app.workstation.desk.channel_facts(session.id)
        parts = [timer, t("pane.risk", level=t(f"risk.{session.risk.key}")), session.alias,
                 t(f"tier.{session.tier.value}"), f"{session.minutes} {t('unit.min')} {rupiah(session.price)}",
                 *([t("pane.region", province=region)] if region else []),
                 *([] if encrypted is None else [t("pane.encrypted" if encrypted else "pane.not_encrypted")])]
        width = self.content_size.width - 2  # the header's padding
        packed = pack(parts, width) if width > 0 else [HEAD_SEPARATOR.join(parts)]
        self._update(head, Text("\n".join(packed), no_wrap=True, overflow="ellipsis"))
        status = self.query_one("#status", Static)
        status.set_class(bool(self.suggested), "-suggest")
        status.set_class(self.imminent, "-imminent")
        lines: list[str] = []  # the risk suggestion on a line of its own, then who is typing or waiting
        if self.suggested:
            book = self.app.data.redflags
            hints = [f"{book.get(i).key.upper()} {t.pick(book.get(i).label)}"
                     + (f" ({t('pane.imminent')})" if i == "suicide" and self.imminent else "")
                     for i in self.suggested if i in {item.id for item in book.items}]
            lines.append(t("pane.suggest_answer" if self.answered else "pane.suggest", items=", ".join(hints)))
        if self.client_typing:
            lines.append(t("pane.typing", alias=session.alias))
        waited = self.waiting_seconds(now)
        if waited is not None and self.last_message is not None:
            lines.append(t("pane.waiting", since=clock_time(self.app.clock, self.last_message.ts), time=mmss(waited)))
        status.set_class(waited is not None and waited >= WAIT_NORM_SECONDS, "-late")
        self._update(status, Text("\n".join(lines)))
