"""Export this session or the sessions of a date range to Markdown; unmasking asks first."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, RadioButton, RadioSet, Static, Switch

from curhat_tui.domain.models import Session
from curhat_tui.ui.screens.common.confirm import ConfirmModal

if TYPE_CHECKING:
    from curhat_tui.ui.app import CurhatApp


class ExportModal(ModalScreen[Path | None]):
    """Returns the written file's path, or None when cancelled."""

    if TYPE_CHECKING:
        app = getters.app(CurhatApp)

    DEFAULT_CSS = """
    ExportModal { align: center middle; }
    ExportModal > Vertical { width: 84; max-width: 95%; height: auto; border: thick $primary; background: $surface;
        padding: 0 2 1 2; }
    ExportModal #export-title { text-style: bold; background: $boost; margin: 0 -2 1 -2; padding: 0 2; }
    ExportModal RadioSet { width: 100%; }
    ExportModal #export-range { height: auto; margin-top: 1; }
    ExportModal #export-range Input { width: 1fr; }
    ExportModal #export-range.-off { display: none; }
    ExportModal .row { height: auto; margin-top: 1; }
    ExportModal .row Label { padding: 1 1 0 1; }
    ExportModal #export-summary { margin-top: 1; color: $text-muted; }
    ExportModal #export-summary.-error { color: $error; }
    ExportModal #export-summary.-unmasked { color: $warning; text-style: bold; }
    ExportModal #export-buttons { height: auto; align-horizontal: right; margin-top: 1; }
    ExportModal #export-buttons Button { margin-left: 2; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="export.cancel")]

    def __init__(self, session: Session | None) -> None:
        super().__init__()
        self.session = session
        self.mask = True

    def compose(self) -> ComposeResult:
        t = self.app.t
        ws = self.app.workstation
        today = datetime.fromtimestamp(self.app.clock.now(), self.app.clock.tz).date().isoformat()
        alias = self.session.alias if self.session else "–"
        with Vertical():
            yield Static(Text(t("export.title")), id="export-title")
            with RadioSet(id="export-scope"):
                yield RadioButton(Text(t("export.scope.session", alias=alias)), id="scope-session",
                                  value=self.session is not None, disabled=self.session is None)
                yield RadioButton(Text(t("export.scope.range")), id="scope-range", value=self.session is None)
            with Horizontal(id="export-range", classes="" if self.session is None else "-off"):
                yield Input(today, placeholder=t("export.from"), id="export-from", tooltip=t("export.from"))
                yield Input(today, placeholder=t("export.to"), id="export-to", tooltip=t("export.to"))
            yield Checkbox(Text(t("export.mine_only")), True, id="export-mine",
                           disabled=ws.role != "supervisor")
            with Horizontal(classes="row"):
                yield Switch(True, id="export-mask")
                yield Label(Text(t("export.mask_switch")))
            yield Static(id="export-summary")
            with Horizontal(id="export-buttons"):
                yield Button(t("export.cancel"), id="export-cancel")
                yield Button(t("export.button"), id="export-go", variant="primary")

    def on_mount(self) -> None:
        self._update()
        self.query_one("#export-go", Button).focus()

    # ---- what will be exported ------------------------------------------------------
    @property
    def by_range(self) -> bool:
        return self.session is None or self.query_one("#scope-range", RadioButton).value

    def _dates(self) -> tuple[date, date] | None:
        try:
            first = date.fromisoformat(self.query_one("#export-from", Input).value.strip())
            last = date.fromisoformat(self.query_one("#export-to", Input).value.strip())
        except ValueError:
            return None
        return (first, last) if first <= last else None

    def session_ids(self) -> list[str] | None:
        """The sessions the dialog would export now; None while the dates are not valid."""
        if not self.by_range:
            assert self.session is not None  # without a session the dialog exports a date range
            return [self.session.id]
        dates = self._dates()
        if dates is None:
            return None
        only_mine = self.query_one("#export-mine", Checkbox).value
        return [s.id for s in self.app.workstation.records.exportable_sessions(*dates, only_mine=only_mine)]

    def _update(self) -> None:
        t = self.app.t
        self.query_one("#export-range").set_class(not self.by_range, "-off")
        summary = self.query_one("#export-summary", Static)
        ids = self.session_ids()
        summary.set_class(ids is None, "-error")
        summary.set_class(ids is not None and not self.mask, "-unmasked")
        if ids is None:
            summary.update(Text(t("export.bad_date")))
        elif not ids:
            summary.update(Text(t("export.nothing")))
        else:
            ws = self.app.workstation
            lines = [t("export.count", count=len(ids), folder=str(ws.records.export_folder()))]
            lines.append(t("export.masked") if self.mask else t("export.unmasked"))
            summary.update(Text("\n".join(lines)))
        self.query_one("#export-go", Button).disabled = not ids

    @on(RadioSet.Changed)
    @on(Input.Changed)
    @on(Checkbox.Changed)
    def _changed(self) -> None:
        self._update()

    @on(Switch.Changed, "#export-mask")
    def _mask_changed(self, event: Switch.Changed) -> None:
        if event.value == self.mask:
            return
        if event.value:
            self.mask = True
            self._update()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.mask = False
            else:
                event.switch.value = True  # not confirmed: stays masked
            self._update()
        self.app.push_screen(ConfirmModal(self.app.t("export.unmask_confirm")), answered)

    # ---- doing it ---------------------------------------------------------------------
    @on(Button.Pressed, "#export-go")
    def action_export(self) -> None:
        t = self.app.t
        ids = self.session_ids()
        if not ids:
            return
        try:
            path = self.app.workstation.records.export(ids, mask=self.mask)
        except Exception as exc:  # noqa: BLE001 - shown, and the dialog stays open to try again
            self.app.notify(t("export.failed", error=str(exc)), severity="error", timeout=10)
            return
        key = "export.done" if self.mask else "export.done_unmasked"
        self.app.notify(t(key, path=str(path)), severity="information" if self.mask else "warning", timeout=10)
        self.dismiss(path)

    @on(Button.Pressed, "#export-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
