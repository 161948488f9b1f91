"""The supervisor's place: notes to review and sign, running sessions with crisis alerts, trainee reports.

Reads everything through `workstation.supervision`; owns no rules. Client text is shown literally (rich Text,
control characters removed)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Markdown, Static, TabbedContent, TabPane

from curhat_tui.domain.clock import clock_time, mmss
from curhat_tui.domain.models import Risk, Sender
from curhat_tui.domain.review import SORTS, NoteStatus, ReviewError
from curhat_tui.domain.sanitize import clean
from curhat_tui.services.events import Connection, CrisisAlert, Event, LiveChanged, ReviewChanged
from curhat_tui.ui.base import EventScreen
from curhat_tui.ui.screens.common.ask_text import AskTextModal
from curhat_tui.ui.screens.common.confirm import ConfirmModal
from curhat_tui.ui.screens.common.help import HelpModal
from curhat_tui.ui.screens.supervisor.live import alert_text, debrief_text, load_text, practice_rows
from curhat_tui.ui.screens.supervisor.practice_transcript import PracticeTranscriptScreen
from curhat_tui.ui.screens.supervisor.trainees import fill_trainees, trainee_detail
from curhat_tui.ui.widgets.footer import KeysFooter

ALIAS_WIDTH = 16  # longer aliases end in "…" (the detail names them whole)
STATUS_FILTERS = (None, NoteStatus.SUBMITTED, NoteStatus.COMMENTED, NoteStatus.SIGNED, NoteStatus.DRAFT)
# the tab each key acts on; the footer and F1 offer it only there (the rest act on every tab)
ACTION_TAB = {"cycle_sort": "review", "cycle_counselor": "review", "cycle_status": "review", "comment": "review",
              "sign": "review", "export": "review", "whisper": "live", "transcript": "trainee live"}


class SupervisorScreen(EventScreen):
    DEFAULT_CSS = """
    SupervisorScreen #sv-topbar { height: 1; background: $accent 30%; padding: 0 1; }
    SupervisorScreen #sv-filters { height: 1; padding: 0 1; color: $text-muted; }
    SupervisorScreen TabbedContent { height: 1fr; }
    SupervisorScreen TabPane { padding: 0; height: 1fr; }
    SupervisorScreen .sv-list { width: 62; max-width: 50%; height: 1fr; border-right: vkey $panel; }
    SupervisorScreen .sv-detail { width: 1fr; height: 1fr; padding: 0 1; }
    SupervisorScreen #live-table { height: 1fr; }
    SupervisorScreen #live-load { height: auto; padding: 0 1; }
    SupervisorScreen #live-debriefs { height: auto; max-height: 7; padding: 0 1; border-top: hkey $panel; }
    """
    BINDINGS = [
        Binding("1", "tab('review')", "Review", id="sv.tab_review", show=False),
        Binding("2", "tab('live')", "Live", id="sv.tab_live", show=False),
        Binding("3", "tab('trainee')", "Trainees", id="sv.tab_trainee", show=False),
        Binding("s", "cycle_sort", "Sort", id="sv.sort"),
        Binding("o", "cycle_counselor", "Counselor", id="sv.counselor"),
        Binding("u", "cycle_status", "Status", id="sv.status"),
        Binding("k", "comment", "Comment", id="sv.comment"),
        Binding("t", "sign", "Sign off", id="sv.sign"),
        Binding("w", "whisper", "Whisper", id="sv.whisper"),
        Binding("e", "export", "Export", id="sv.export"),
        Binding("v", "transcript", "Transcript", id="sv.transcript"),
        Binding("a", "app.audit_log", "Audit log", id="sv.audit"),
        Binding("f1", "help", "Help", id="sv.help"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.sort = "flagged"
        self.counselor = ""
        self.status_filter: NoteStatus | None = None
        self.selected = ""
        self.selected_trainee = ""

    @property
    def supervision(self):
        return self.app.workstation.supervision

    def compose(self) -> ComposeResult:
        t = self.app.t
        yield Static(id="sv-topbar")
        with TabbedContent(id="sv-tabs", initial="review"):
            with TabPane(t("sv.tab.review"), id="review"):
                yield Static(id="sv-filters")
                with Horizontal():
                    yield DataTable(id="review-table", cursor_type="row", classes="sv-list")
                    with VerticalScroll(classes="sv-detail", id="review-scroll"):
                        yield Static(Text(t("sv.pick")), id="review-detail")
            with TabPane(t("sv.tab.live"), id="live"):
                yield Static(id="live-load")
                yield DataTable(id="live-table", cursor_type="row")
                yield Static(id="live-debriefs")
            with TabPane(t("sv.tab.trainee"), id="trainee"):
                with Horizontal():
                    yield DataTable(id="trainee-table", cursor_type="row", classes="sv-list")
                    with VerticalScroll(classes="sv-detail", id="trainee-scroll"):
                        yield Markdown(t("sv.trainee.pick"), id="trainee-detail")
        yield KeysFooter()

    def on_mount(self) -> None:
        t = self.app.t
        review = self.query_one("#review-table", DataTable)
        # the note's status right after the alias: a narrow screen cuts the counselor and the date, never it
        review.add_column(t("sv.col.flags"), key="flags")
        review.add_column(t("sv.col.alias"), key="alias", width=ALIAS_WIDTH)
        review.add_column(t("sv.col.status"), key="status")
        review.add_column(t("sv.col.counselor"), key="counselor")
        review.add_column(t("sv.col.ended"), key="ended")
        self.query_one("#live-table", DataTable).add_columns(
            t("sv.col.alert"), t("sv.col.counselor"), t("sv.col.alias"), t("sv.col.left"), t("sv.col.risk"))
        self.query_one("#trainee-table", DataTable).add_columns(
            t("sv.col.alias"), t("sv.col.trainee"), t("sv.col.ended"))
        self.refresh_review()
        self.refresh_live()
        self.refresh_trainees()
        self.tick()

    # ---- review ---------------------------------------------------------------------
    def refresh_review(self) -> None:
        t = self.app.t
        items = self.supervision.review_list(self.sort, counselor=self.counselor, status=self.status_filter)
        table = self.query_one("#review-table", DataTable)
        table.clear()
        for item in items:
            keys = " ".join(self._flag_key(f) for f in item.flags)
            table.add_row(Text(keys, style="bold red"), Text(item.alias, overflow="ellipsis", no_wrap=True),
                          Text(t(f"sv.status.{item.status}"), style="bold" if item.awaiting else ""),
                          Text(item.counselor), clock_time(self.app.clock, item.ended_at, "%d/%m %H:%M"),
                          key=item.session_id)
        filters = [t("sv.filter.sort", sort=t(f"sv.sort.{self.sort}")),
                   t("sv.filter.counselor", counselor=self.counselor or t("sv.all")),
                   t("sv.filter.status", status=t(f"sv.status.{self.status_filter}") if self.status_filter
                     else t("sv.all")),
                   t("sv.filter.count", count=len(items))]
        self.query_one("#sv-filters", Static).update(Text(" · ".join(filters)))
        if self.selected and self.selected in {i.session_id for i in items}:
            table.move_cursor(row=table.get_row_index(self.selected))
            self.show_detail(self.selected, record=False)

    def _flag_key(self, item_id: str) -> str:
        try:
            return self.app.data.redflags.get(item_id).key.upper()
        except KeyError:
            return "!"

    def _flag_label(self, item_id: str) -> str:
        """A red-flag item's label in this screen's language; an alert that carries a label (in the counselor's
        language) instead of the item's id is matched to its item by any of its labels."""
        book = self.app.data.redflags
        try:
            return self.app.t.pick(book.get(item_id).label)
        except KeyError:
            told = item_id.strip().casefold()
            item = next((i for i in book.items if told in {label.casefold() for label in i.label.values()}), None)
            return self.app.t.pick(item.label) if item is not None else item_id

    @on(DataTable.RowHighlighted, "#review-table")
    def _review_row(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value and event.row_key.value != self.selected:
            self.selected = event.row_key.value
            self.show_detail(self.selected)

    def show_detail(self, session_id: str, record: bool = True) -> None:
        """Show one session; opening it is recorded in the audit log, refreshing it is not."""
        t = self.app.t
        clock = self.app.clock
        d = self.supervision.detail(session_id, record=record, data=self.app.data, lang=t.lang)
        v = d.view
        s = v.session
        out = Text()
        out.append(t("sv.detail.head", alias=s.alias, counselor=s.counselor,
                     date=clock_time(clock, s.started_at, "%d/%m/%Y %H:%M"), minutes=s.minutes), style="bold")
        out.append("\n" + t("sv.detail.status", status=t(f"sv.status.{d.status}")) + "\n")
        mark = v.retention
        for when, key in ((mark.transcript_at, "transcript_deleted"), (mark.notes_at, "notes_deleted")) if mark else ():
            if when:
                out.append(t(f"rights.doc.{key}", date=clock_time(clock, when, "%d/%m/%Y")) + "\n", style="bold yellow")
        out.append("\n" + t("sv.detail.timeline") + "\n", style="bold underline")
        for e in v.timeline:
            out.append(f"{clock_time(clock, e.ts, '%H:%M:%S')}  ")
            out.append(self._event_text(e.kind, e.label, v.item_labels) + "\n", style="red" if e.kind == "flag" else "")
        note = v.note
        out.append("\n" + t("sv.detail.note", version=note.version if note else 0) + "\n", style="bold underline")
        book = self.app.data.templates
        labels = {sec.key: t.pick(sec.label) for tpl in book.ids() for sec in book.sections(tpl)}  # for old versions
        if note is not None:
            if note.template in book.ids():
                out.append(note.name + "\n", style="italic")
            for key in note.stored:  # in the order the counselor saved them
                field = note.field(key)
                out.append(f"{field.label}: ", style="bold")
                out.append(clean(field.text) + "\n")
        else:
            out.append(t("sv.detail.no_note") + "\n")
        if d.diffs:
            out.append("\n" + t("sv.detail.versions") + "\n", style="bold underline")
            for version, changes in d.diffs:
                out.append(t("sv.detail.version", version=version) + "\n", style="bold")
                for change in changes:
                    out.append(f"  {labels.get(change.field, change.field)}\n", style="italic")
                    for line in change.lines:
                        style = "green" if line.startswith("+") else "red" if line.startswith("-") else "dim"
                        out.append(f"    {clean(line)}\n", style=style)
        comments = [e for e in v.review_events if e["action"] == "comment"]
        if comments:
            out.append("\n" + t("sv.detail.comments") + "\n", style="bold underline")
            for e in comments:
                out.append(f"{clock_time(clock, e['ts'], '%d/%m %H:%M')} {e['author']}: ", style="bold")
                out.append(clean(e["text"]) + "\n")
        if v.whispers:
            out.append("\n" + t("sv.detail.whispers") + "\n", style="bold underline")
            for w in v.whispers:
                out.append(f"{clock_time(clock, w['ts'], '%H:%M')} {w['author']}: {clean(w['text'])}\n")
        out.append("\n" + t("sv.detail.transcript", count=len(v.messages)) + "\n", style="bold underline")
        for m in v.messages:
            who = s.alias if m.sender is Sender.CLIENT else s.counselor
            out.append(f"{clock_time(clock, m.ts, '%H:%M')} {who}: ", style="bold cyan" if m.sender is Sender.CLIENT
                       else "bold")
            if m.redacted:
                out.append(t("transcript.redacted"), style="italic dim")
            else:
                out.append(clean(m.text))
                if m.edited_at is not None:
                    out.append(" " + t("transcript.edited"), style="italic dim")
            out.append("\n")
        self.query_one("#review-detail", Static).update(out)

    def _event_text(self, kind: str, label: str, item_labels) -> str:
        t = self.app.t
        if kind in ("flag", "script_loaded", "script_sent"):
            item_id, _, variant = label.partition(":")
            return t(f"sv.event.{kind}", item=item_labels.get(item_id, item_id), variant=variant)
        return t(f"sv.event.{kind}", label=label)

    def action_cycle_sort(self) -> None:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self.refresh_review()

    def action_cycle_counselor(self) -> None:
        names = ["", *self.supervision.counselors()]
        self.counselor = names[(names.index(self.counselor) + 1) % len(names)] if self.counselor in names else ""
        self.refresh_review()

    def action_cycle_status(self) -> None:
        self.status_filter = STATUS_FILTERS[(STATUS_FILTERS.index(self.status_filter) + 1) % len(STATUS_FILTERS)]
        self.refresh_review()

    def action_comment(self) -> None:
        if not self.selected:
            self.app.notify(self.app.t("sv.pick"), severity="warning")
            return

        def done(text: str | None) -> None:
            if text:
                self._act(lambda: self.supervision.comment(self.selected, text), "sv.commented")

        self.app.push_screen(AskTextModal("sv.comment.title", "sv.comment.placeholder", "sv.empty"), done)

    def action_sign(self) -> None:
        if not self.selected:
            self.app.notify(self.app.t("sv.pick"), severity="warning")
            return
        session_id = self.selected
        session = self.app.workstation.desk.session(session_id)

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._act(lambda: self.supervision.sign(session_id), "sv.signed")

        self.app.push_screen(ConfirmModal(self.app.t("sv.sign_confirm", alias=session.alias if session else session_id)),
                             confirmed)

    def _act(self, do, done_key: str) -> None:
        try:
            do()
        except ReviewError as exc:
            self.app.notify(self.app.t(f"sv.error.{exc.reason}"), severity="error")
            return
        self.app.notify(self.app.t(done_key))
        self.refresh_review()

    def action_help(self) -> None:
        self.app.push_screen(HelpModal())

    def action_export(self) -> None:
        """The selected session (or a date range) to Markdown; masked unless the supervisor confirms."""
        from curhat_tui.ui.screens.common.export import ExportModal

        self.app.push_screen(ExportModal(self.app.workstation.desk.session(self.selected) if self.selected
                                         else None))

    # ---- live -----------------------------------------------------------------------
    def refresh_live(self) -> None:
        t = self.app.t
        table = self.query_one("#live-table", DataTable)
        keep = table.cursor_row
        table.clear()
        for row in self.supervision.live():
            left = (t(f"session_state.{row.status}") if not row.running
                    else mmss(row.remaining_seconds) if row.remaining_seconds >= 0 else "+" + mmss(-row.remaining_seconds))
            alert = alert_text(row.alert, self._flag_label)
            table.add_row(Text(alert, style="bold white on red" if alert else ""), Text(row.counselor),
                          Text(row.alias), left, Text(t(f"risk.{Risk(row.risk).key}")), key=row.session_id)
        for cells, key in practice_rows(t, self.app.workstation.practice.trainer.live(), self._flag_label):
            table.add_row(*cells, key=key)
        if table.row_count:
            table.move_cursor(row=min(keep, table.row_count - 1))
        self.query_one("#live-load", Static).update(load_text(t, self.supervision.loads()))
        self.query_one("#live-debriefs", Static).update(debrief_text(t, self.app.clock, self.supervision.debriefs()))

    def action_whisper(self) -> None:
        table = self.query_one("#live-table", DataTable)
        if not table.row_count:
            self.app.notify(self.app.t("sv.live.none"), severity="warning")
            return
        session_id = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value

        trainer = self.app.workstation.practice.trainer  # a practice session: into the practice store
        whisper = trainer.whisper if trainer.is_practice(session_id) else self.supervision.whisper

        def done(text: str | None) -> None:
            if text:
                self._act(lambda: whisper(session_id, text), "sv.whispered")

        self.app.push_screen(AskTextModal("sv.whisper.title", "sv.whisper.placeholder", "sv.empty"), done)

    # ---- trainees -----------------------------------------------------------------------
    def refresh_trainees(self) -> None:
        fill_trainees(self.query_one("#trainee-table", DataTable), self.app)

    @on(DataTable.RowHighlighted, "#trainee-table")
    def _trainee_row(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value:
            self.selected_trainee = event.row_key.value
            detail = trainee_detail(self.app.t, self.app.clock, self.app.workstation.practice, self.selected_trainee)
            self.query_one("#trainee-detail", Markdown).update(detail)  # rendered: no raw "#" or "**"

    @on(DataTable.RowSelected, "#trainee-table")
    def action_transcript(self) -> None:
        """The highlighted practice session's transcript, to read and comment on line by line (on Live: to watch a
        running one as it goes)."""
        session_id = self._live_practice() if self.query_one(TabbedContent).active == "live" else self.selected_trainee
        if session_id and self.app.workstation.practice.trainer.is_practice(session_id):
            self.app.push_screen(PracticeTranscriptScreen(session_id))

    # ---- tabs, ticks, events -----------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A tab's keys only on that tab: Sort or Whisper elsewhere would act on a list that is not shown."""
        tab = ACTION_TAB.get(action)
        if action == "transcript" and self.is_mounted and self.query_one(TabbedContent).active == "live":
            return bool(self._live_practice())  # on Live, only a practice session's transcript can be watched
        return tab is None or not self.is_mounted or self.query_one(TabbedContent).active in tab.split()

    def _live_practice(self) -> str:
        """The highlighted Live row's session id when it is a trainee's practice session, else ""."""
        table = self.query_one("#live-table", DataTable)
        row = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value if table.row_count else ""
        return row if row and self.app.workstation.practice.trainer.is_practice(row) else ""

    @on(DataTable.RowHighlighted, "#live-table")
    def _live_row(self) -> None:
        self.refresh_bindings()

    @on(TabbedContent.TabActivated, "#sv-tabs")
    def _tab_shown(self) -> None:
        self.refresh_bindings()

    def action_tab(self, tab: str) -> None:
        """Show a tab and focus its list (a focused widget in a hidden tab would pull its tab back)."""
        self.query_one(TabbedContent).active = tab
        self.query_one(f"#{tab}-table", DataTable).focus()

    def tick(self) -> None:
        t = self.app.t
        parts = [t("sv.topbar", name=self.app.workstation.counselor),
                 t("sv.waiting", count=self.supervision.awaiting_count()),
                 t(f"conn.{self.app.workstation.desk.connection}"), clock_time(self.app.clock, self.app.clock.now()),
                 "curhat-tui"]
        self.query_one("#sv-topbar", Static).update(Text(" · ".join(parts)))
        refresh = {"live": self.refresh_live, "trainee": self.refresh_trainees}.get(self.query_one(TabbedContent).active)
        if refresh:  # the shown tab's list (trainees: one may have finished a session, or practised here first)
            refresh()

    async def handle(self, event: Event) -> None:
        match event:
            case CrisisAlert(alias=alias, counselor=counselor, item=item, practice=True):  # a trainee's: no alarm
                self.refresh_live()
                self.app.notify(self.app.t("sv.practice_alert", alias=alias, trainee=counselor,
                                           item=self._flag_label(item)), severity="warning", timeout=15)
            case CrisisAlert(alias=alias, counselor=counselor, item=item):
                self.refresh_live()
                self.query_one("#live-table", DataTable).move_cursor(row=0)
                self.action_tab("live")
                self.app.bell()
                self.app.notify(self.app.t("sv.alert", alias=alias, counselor=counselor,
                                           item=self._flag_label(item)), severity="error", timeout=30)
            case LiveChanged():
                self.refresh_live()
            case Connection():
                self.tick()
            case ReviewChanged():
                self.refresh_review()
