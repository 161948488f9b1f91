"""The audit log for a supervisor: newest entries first, and a check of the hash chain that names tampered rows."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Static

if TYPE_CHECKING:
    from curhat_tui.ui.app import CurhatApp


SHOWN_ENTRIES = 500  # the newest ones; the chain check always covers the whole log


class AuditViewModal(ModalScreen[None]):
    if TYPE_CHECKING:
        app = getters.app(CurhatApp)

    DEFAULT_CSS = """
    AuditViewModal { align: center middle; }
    AuditViewModal > Vertical { width: 95%; height: 90%; border: thick $primary; background: $surface; }
    AuditViewModal #audit-title { background: $boost; text-style: bold; padding: 0 1; }
    AuditViewModal #audit-result { padding: 0 1; color: $text-muted; }
    AuditViewModal #audit-result.-intact { color: $success; text-style: bold; }
    AuditViewModal #audit-result.-broken { color: $error; text-style: bold; background: $error 15%; }
    AuditViewModal DataTable { height: 1fr; }
    AuditViewModal #audit-buttons { height: auto; align-horizontal: right; padding: 0 1; }
    AuditViewModal #audit-buttons Button { margin-left: 2; }
    """
    BINDINGS = [Binding("escape", "close", "Close", id="audit.close"),
                Binding("c,C", "check", "Check chain", id="audit.check")]  # the hint says C: Shift held works too

    def __init__(self) -> None:
        super().__init__()
        self.entry_ids: list[int] = []
        self.tampered: list[int] = []

    def compose(self) -> ComposeResult:
        t = self.app.t
        with Vertical():
            yield Static(id="audit-title")
            yield Static(Text(t("audit.check_hint")), id="audit-result")
            yield DataTable(id="audit-table", cursor_type="row", zebra_stripes=True)
            with Horizontal(id="audit-buttons"):
                yield Button(t("audit.check"), id="audit-check", variant="primary")
                yield Button(t("key.audit.close"), id="audit-close")

    def on_mount(self) -> None:
        t = self.app.t
        ws = self.app.workstation
        entries = ws.records.audit_entries(limit=SHOWN_ENTRIES)
        head = ws.records.audit_head()
        total = max(head[0] if head else 0, len(entries))
        self.query_one("#audit-title", Static).update(Text(t("audit.title", shown=len(entries), count=total)))
        table = self.query_one(DataTable)
        for key in ("number", "time", "actor", "action", "subject", "detail"):
            table.add_column(t(f"audit.col.{key}"), key=key)
        for entry in entries:
            self.entry_ids.append(entry.id)
            table.add_row(Text(str(entry.id)), Text(self._when(entry.ts)), Text(entry.actor),
                          Text(self._action(entry.action)), Text(entry.subject), Text(entry.detail),
                          key=str(entry.id))
        if not entries:
            self.query_one("#audit-result", Static).update(Text(t("audit.empty")))
        table.focus()

    def _when(self, epoch: float) -> str:
        moment = datetime.fromtimestamp(epoch, self.app.clock.tz)
        zone = moment.tzname() if self.app.clock.tz is not None else ""
        return moment.strftime("%Y-%m-%d %H:%M:%S") + (f" {zone}" if zone else "")

    def _action(self, action: str) -> str:
        key = f"audit.action.{action}"
        return self.app.t(key) if key in self.app.t.strings else action

    @on(Button.Pressed, "#audit-check")
    def action_check(self) -> None:
        """Verify the whole chain; report it intact, or name every tampered row and mark it in the table."""
        t = self.app.t
        count, breaks = self.app.workstation.records.check_audit()
        result = self.query_one("#audit-result", Static)
        result.set_class(not breaks, "-intact")
        result.set_class(bool(breaks), "-broken")
        if not breaks:
            self.tampered = []
            result.update(Text(t("audit.intact", count=count)))
            return
        reasons = [t(f"audit.reason.{b.reason.replace('-', '_')}", id=b.entry_id) for b in breaks]
        result.update(Text(t("audit.broken", count=len(breaks), rows="; ".join(reasons))))
        self.tampered = sorted({b.entry_id for b in breaks})
        table = self.query_one(DataTable)
        for entry_id in self.tampered:
            if entry_id in self.entry_ids:
                table.update_cell(str(entry_id), "number", Text(f"{t('audit.tampered')} {entry_id}", style="bold red"),
                                  update_width=True)
        shown = [i for i in self.tampered if i in self.entry_ids]
        if shown:
            table.move_cursor(row=table.get_row_index(str(shown[-1])))

    @on(Button.Pressed, "#audit-close")
    def action_close(self) -> None:
        self.dismiss(None)
