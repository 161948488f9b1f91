"""The waiting queue: a client whose words were called imminent first, then risk, then longest wait; Enter
accepts the highlighted client."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static
from textual.widgets.data_table import RowKey

from curhat_tui.domain.clock import clock_time, mmss
from curhat_tui.domain.models import Risk, Visit, rupiah
from curhat_tui.ui.compat import rows_to_measure
from curhat_tui.ui.widgets.localize import localize_bindings
from curhat_tui.ui.widgets.queue_marks import APPOINTMENT_STYLE, appointment_detail, appointment_mark, duty_line

if TYPE_CHECKING:
    from curhat_tui.ui.app import CurhatApp

MAX_ROWS = 100  # the top of the queue is what a counselor acts on; the title gives the full count
RISK_STYLE = {Risk.HIGH: "bold white on red", Risk.MODERATE: "bold black on dark_orange", Risk.LOW: "yellow",
              Risk.NONE: "dim"}
IMMINENT_STYLE = "bold yellow on red"  # the detector called their words while waiting imminent
COLUMNS = {"risk": 3, "alias": 10, "package": 5, "wait": 6}  # the narrowest each may be (the alias: its share)
COLUMNS_WIDTH = sum(COLUMNS.values())  # what the 35-column panel holds beside the cells' padding
ALIAS_MIN = 6


def _same(shown: Text, cell: Text) -> bool:
    """Whether a cell looks as the one shown: the same text in the same styles (then it is not updated)."""
    return shown.plain == cell.plain and shown.style == cell.style and shown.spans == cell.spans


class QueueTable(DataTable):
    BINDINGS = [Binding("enter", "accept", "Accept", id="queue.accept")]

    class Accept(Message):
        def __init__(self, visit_id: str) -> None:
            super().__init__()
            self.visit_id = visit_id

    def action_accept(self) -> None:
        if self.row_count:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
            if key:
                self.post_message(self.Accept(key))

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        """Every column has a fixed width: new rows need no measuring (a Textual private: compat.rows_to_measure)."""
        super()._update_dimensions(rows_to_measure(self, new_rows))


class QueuePanel(Vertical):
    if TYPE_CHECKING:
        app = getters.app(CurhatApp)

    DEFAULT_CSS = """
    QueuePanel { width: 35; border-right: vkey $panel; }
    QueuePanel > #queue-title { height: 1; background: $boost; text-style: bold; padding: 0 1; }
    QueuePanel > #queue-duty { height: 1; background: $boost; color: $text-muted; padding: 0 1; }
    QueuePanel > QueueTable { height: 1fr; }
    QueuePanel > #queue-detail { height: auto; max-height: 8; padding: 0 1; color: $text-muted; }
    """

    def __init__(self) -> None:
        super().__init__(id="queue-panel")
        self.visits: list[Visit] = []
        self.withdrawn: dict = {}  # client key -> consent withdrawal: shown, and never accepted
        self.wanted: str | None = None  # a visit to highlight and focus when the queue next shows it
        self._shown: dict[str, list[Text]] = {}  # visit id -> its cells as shown now

    def compose(self) -> ComposeResult:
        yield Static(id="queue-title")
        yield Static(id="queue-duty")  # who is on duty, or that the service is closed
        table = QueueTable(id="queue-table", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static(id="queue-detail")

    def on_mount(self) -> None:
        t = self.app.t
        table = self.query_one(QueueTable)
        # every header fits its column in both languages; the alias takes what is left of the panel
        widths = {key: max(width, cell_len(t(f"queue.col.{key}"))) for key, width in COLUMNS.items()}
        widths["alias"] = max(ALIAS_MIN, COLUMNS_WIDTH - sum(w for key, w in widths.items() if key != "alias"))
        for key in COLUMNS:
            table.add_column(t(f"queue.col.{key}"), key=key, width=widths[key])
        localize_bindings(table)

    def show(self, visits: list[Visit], now: float) -> None:
        """Redraw the rows for this ordered list of waiting visits, keeping the highlighted client.

        Rows still shown in the same order are updated in place, only in the cells that changed; a client who left
        is removed and one who came at the end is added; any other change of order rebuilds the rows."""
        t = self.app.t
        table = self.query_one(QueueTable)
        selected = None
        if table.row_count:
            selected = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        total = len(visits)
        visits = visits[:MAX_ROWS]
        self.withdrawn = self.app.workstation.rights.withdrawals()
        self._update_rows(table, visits, now)
        self.visits = visits
        rows = {visit.id: row for row, visit in enumerate(visits)}
        if selected in rows:
            if table.cursor_row != rows[selected]:
                table.move_cursor(row=rows[selected], animate=False)
        elif table.cursor_row:
            table.move_cursor(row=0, animate=False)  # the highlighted client went: back to the top, as a rebuild does
        if self.wanted is not None:
            wanted, self.wanted = self.wanted, None
            if wanted in rows:  # a client asked for in practice: shown and focused (past the top rows: the notice names it)
                table.move_cursor(row=rows[wanted], animate=False)
                table.focus()
        title = t("queue.title", count=total) if total <= MAX_ROWS else t("queue.title_top", count=total,
                                                                                     shown=MAX_ROWS)
        self.query_one("#queue-title", Static).update(Text(title))
        self.query_one("#queue-duty", Static).update(duty_line(self.app))
        self._detail()

    def _cells(self, visit: Visit, now: float) -> tuple[Text, Text, Text, Text]:
        t = self.app.t
        withdrawn = visit.client_key in self.withdrawn
        return (Text(t("risk.short.imminent"), style=IMMINENT_STYLE) if visit.imminent
                else Text(t(f"risk.short.{visit.risk.key}"), style=RISK_STYLE[visit.risk]),
                Text.assemble(appointment_mark(visit, now),
                              Text(("⊘ " if withdrawn else "") + visit.alias, style="strike" if withdrawn else ""),
                              overflow="ellipsis", no_wrap=True),
                Text(f"{t(f'tier.short.{visit.tier.value}')}{visit.minutes}"),
                Text(mmss(visit.waiting_seconds(now))))

    def _update_rows(self, table: QueueTable, visits: list[Visit], now: float) -> None:
        """Make the table's rows these visits, changing only what differs from the rows shown."""
        ids = [visit.id for visit in visits]
        before = [visit.id for visit in self.visits] if table.row_count == len(self.visits) else None
        new = set(ids)
        kept = [key for key in before or () if key in new]
        if before is None or not kept or ids[:len(kept)] != kept:
            table.clear()  # a new order: built afresh
            self._shown = {}
            kept = []
        for key in before if kept else ():
            if key not in new:
                table.remove_row(key)  # accepted, or left the queue
                del self._shown[key]
        for visit in visits[:len(kept)]:
            for index, cell in enumerate(self._cells(visit, now)):
                self._set_cell(table, visit.id, index, cell)
        for visit in visits[len(kept):]:  # came at the end of the queue (or all of them, built afresh)
            cells = self._cells(visit, now)
            table.add_row(*cells, key=visit.id)
            self._shown[visit.id] = list(cells)

    def _set_cell(self, table: QueueTable, visit_id: str, index: int, cell: Text) -> None:
        """Write one cell of a row shown, unless it already looks so."""
        shown = self._shown[visit_id]
        if not _same(shown[index], cell):
            table.update_cell(visit_id, list(COLUMNS)[index], cell)
            shown[index] = cell

    def highlight(self, visit_id: str) -> None:
        """Highlight and focus this client's row: now if it is shown already (asked for while waiting), else when the
        queue next shows it (their arrival is on its way)."""
        rows = [visit.id for visit in self.visits]
        if visit_id not in rows:
            self.wanted = visit_id
            return
        table = self.query_one(QueueTable)
        table.move_cursor(row=rows.index(visit_id), animate=False)
        table.focus()

    def tick(self, now: float) -> None:
        """The waiting times: only those whose shown minute:second changed (every other half-second tick, none)."""
        table = self.query_one(QueueTable)
        wait = list(COLUMNS).index("wait")  # the last column
        for visit in self.visits:
            if visit.id not in self._shown:
                continue
            try:
                self._set_cell(table, visit.id, wait, Text(mmss(visit.waiting_seconds(now))))
            except Exception:  # noqa: BLE001 - the row went away between redraws
                continue

    def on_data_table_row_highlighted(self) -> None:
        self._detail()

    def _detail(self) -> None:
        t = self.app.t
        detail = self.query_one("#queue-detail", Static)
        table = self.query_one(QueueTable)
        if not self.visits:
            detail.update(Text(t("queue.empty")))
            return
        row = min(table.cursor_row, len(self.visits) - 1)
        visit = self.visits[max(0, row)]
        text = Text()
        text.append(f"{visit.alias}", style="bold")
        text.append(f" · {t(f'tier.{visit.tier.value}')} · {visit.minutes} {t('unit.min')} {rupiah(visit.price)}\n")
        text.append(t("queue.topic") + ": ", style="bold")
        text.append(visit.topic + "\n")
        text.append(t("queue.intake_risk") + ": ", style="bold")
        text.append(visit.intake_risk_answer + "\n")
        text.append(t("queue.risk_level") + ": ", style="bold")
        text.append(t(f"risk.{visit.risk.key}"), style=RISK_STYLE[visit.risk])
        if visit.imminent:
            text.append("\n" + t("queue.imminent"), style=IMMINENT_STYLE)
        if visit.appointment_at is not None:
            text.append("\n" + appointment_detail(self.app, visit), style=APPOINTMENT_STYLE)
        withdrawal = self.withdrawn.get(visit.client_key)
        if withdrawal is not None:
            date = clock_time(self.app.clock, withdrawal.withdrawn_at, "%Y-%m-%d %H:%M")
            text.append("\n" + t("rights.queue_withdrawn", date=date), style="bold red")
        detail.update(text)
