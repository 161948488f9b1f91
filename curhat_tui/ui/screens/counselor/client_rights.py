"""Client rights under UU PDP: see what is held about a client, export it, delete it, withdraw consent.

Each action asks first; deletion asks the counselor to type the alias. The work is
done by `privacy.Privacy` through the workstation, and every action is audited.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from curhat_tui.domain.clock import clock_time
from curhat_tui.domain.i18n import Catalogue
from curhat_tui.domain.retention import RetentionPolicy
from curhat_tui.services.privacy import (
    AmbiguousAlias,
    ClientNotFound,
    ClientRef,
    ClientSummary,
    PurgeProgress,
    SessionStillOpen,
)
from curhat_tui.ui.screens.common.ask_text import AskTextModal
from curhat_tui.ui.screens.common.confirm import ConfirmModal

if TYPE_CHECKING:
    from curhat_tui.ui.app import CurhatApp

LONG_PURGE = 300  # items; a purge this size shows its progress


def when(app, epoch: float) -> str:
    return clock_time(app.clock, epoch, "%Y-%m-%d %H:%M")


class TypeAliasModal(AskTextModal):
    """Deletion cannot be undone: the counselor types the alias to confirm it (returns the alias, or None)."""

    DEFAULT_CSS = """
    TypeAliasModal > Vertical { border: thick $error; }
    """

    def __init__(self, alias: str) -> None:
        super().__init__("rights.delete_title", "rights.delete_prompt", "rights.delete_mismatch", {"alias": alias})
        self.alias = alias

    def problem(self, value: str) -> str:
        return "" if value.strip() == self.alias.strip() else "rights.delete_mismatch"


class ClientRightsScreen(ModalScreen[None]):
    if TYPE_CHECKING:
        app = getters.app(CurhatApp)

    DEFAULT_CSS = """
    ClientRightsScreen { align: center middle; }
    ClientRightsScreen > Vertical { width: 100; max-width: 95%; height: 90%; border: thick $primary; background: $surface; }
    ClientRightsScreen #rights-title { background: $boost; text-style: bold; padding: 0 1; }
    ClientRightsScreen #rights-hint { color: $text-muted; padding: 0 1; }
    ClientRightsScreen VerticalScroll { height: 1fr; padding: 0 1; }
    ClientRightsScreen #rights-consent { height: auto; }
    ClientRightsScreen #rights-consent.-withdrawn { background: $error 30%; text-style: bold; }
    ClientRightsScreen #rights-buttons { height: auto; padding: 0 1; }
    ClientRightsScreen #rights-buttons Button { margin-right: 2; }
    ClientRightsScreen #rights-result { height: auto; max-height: 6; padding: 0 1; color: $text; background: $boost; }
    """
    BINDINGS = [Binding("escape", "close", "Close", id="rights.close")]

    def __init__(self, alias: str = "") -> None:
        super().__init__()
        self.initial = alias
        self.client: ClientRef | None = None
        self.summary: ClientSummary | None = None

    def compose(self) -> ComposeResult:
        t = self.app.t
        with Vertical():
            yield Static(Text(t("rights.title")), id="rights-title")
            yield Input(value=self.initial, placeholder=t("rights.alias_placeholder"), id="rights-alias")
            yield Static(Text(t("rights.hint")), id="rights-hint")
            with VerticalScroll():
                yield Static(id="rights-consent")
                yield Static(id="rights-summary")
            with Horizontal(id="rights-buttons"):
                yield Button(t("rights.export"), id="export", variant="primary")
                yield Button(t("rights.withdraw"), id="withdraw", variant="warning")
                yield Button(t("rights.delete"), id="delete", variant="error")
            yield Static(id="rights-result")

    def on_mount(self) -> None:
        """The alias box has the focus, its text selected: typing another alias replaces the one in front, and
        Enter looks a client up. Export, withdrawal and deletion are a Tab or a click away, never one Enter."""
        if self.initial:
            self.look_up()
        self.query_one("#rights-alias", Input).focus()

    # ---- finding the client and showing what is held --------------------------------
    @on(Input.Submitted, "#rights-alias")
    def look_up(self) -> ClientRef | None:
        t = self.app.t
        rights = self.app.workstation.rights
        query = self.query_one("#rights-alias", Input).value.strip()
        self.client = self.summary = None
        if not query:
            self._show_client(None, t("rights.need_alias"))
            return None
        try:
            self.client = rights.find_client(query)
        except ClientNotFound:
            self._show_client(None, t("rights.not_found", query=query))
            return None
        except AmbiguousAlias as exc:
            self._show_client(None, t("rights.ambiguous", count=len(exc.keys), query=query, keys=", ".join(exc.keys)))
            return None
        self.summary = rights.summary(self.client)
        self._show_client(self.summary, "")
        return self.client

    def _show_client(self, summary: ClientSummary | None, problem: str) -> None:
        t = self.app.t
        consent = self.query_one("#rights-consent", Static)
        body = self.query_one("#rights-summary", Static)
        for button in self.query(Button):
            button.disabled = summary is None
        if summary is None:
            consent.update("")
            consent.remove_class("-withdrawn")
            body.update(Text(problem))
            return
        withdrawal = summary.withdrawal
        consent.set_class(withdrawal is not None, "-withdrawn")
        if withdrawal is None:
            consent.update(Text(t("rights.consent_given")))
        else:
            line = t("rights.consent_withdrawn", date=when(self.app, withdrawal.withdrawn_at),
                     due=when(self.app, withdrawal.due_at))
            if withdrawal.due_at <= self.app.clock.now():
                line += "\n" + t("rights.overdue")
            consent.update(Text(line))
        text = Text()
        text.append(t("rights.client", alias=summary.client.alias, client_key=summary.client.key) + "\n", style="bold")
        text.append(t("rights.counts", visits=summary.visits, sessions=len(summary.sessions),
                      open=len(summary.open_sessions)) + "\n")
        for session in reversed(summary.sessions):
            mark = session.mark
            if mark is not None and mark.transcript_at is not None:
                transcript = t("rights.transcript_deleted", date=when(self.app, mark.transcript_at))
            else:
                transcript = t("rights.messages", count=session.messages)
            if mark is not None and mark.notes_at is not None:
                note = t("rights.notes_deleted", date=when(self.app, mark.notes_at))
            else:
                note = t("rights.note_kept") if session.has_note else t("rights.no_note")
            text.append("• " + t("rights.session", date=when(self.app, session.started_at),
                                 counselor=session.counselor, status=t(f"rights.status.{session.status}"),
                                 transcript=transcript, note=note) + "\n")
        body.update(text)

    def _result(self, message: str) -> None:
        self.query_one("#rights-result", Static).update(Text(message))

    # ---- the three rights -------------------------------------------------------------
    @on(Button.Pressed, "#export")
    def export(self) -> None:
        client = self.look_up()
        if client is None:
            return
        t = self.app.t

        def confirmed(yes: bool | None) -> None:
            if not yes:
                return
            try:
                result = self.app.workstation.rights.export(client, t)
            except OSError as exc:
                self._result(t("rights.failed", error=str(exc)))
                return
            message = t("rights.exported", json=str(result.json_path), text=result.text_path.name,
                        sessions=result.sessions, messages=result.messages)
            self._result(message)
            self.app.notify(message, timeout=12)
        self.app.push_screen(ConfirmModal(t("rights.confirm_export", alias=client.alias)), confirmed)

    @on(Button.Pressed, "#withdraw")
    def withdraw(self) -> None:
        client = self.look_up()
        if client is None:
            return
        t = self.app.t
        existing = self.summary.withdrawal if self.summary else None
        if existing is not None:
            self._result(t("rights.already_withdrawn", alias=client.alias, date=when(self.app, existing.withdrawn_at)))
            return

        def confirmed(yes: bool | None) -> None:
            if not yes:
                return
            withdrawal = self.app.workstation.rights.withdraw_consent(client)
            message = t("rights.withdrawn", alias=client.alias, date=when(self.app, withdrawal.withdrawn_at),
                        due=when(self.app, withdrawal.due_at))
            self.look_up()
            self._result(message)
            self.app.notify(message, severity="warning", timeout=12)
        self.app.push_screen(ConfirmModal(t("rights.confirm_withdraw", alias=client.alias)), confirmed)

    @on(Button.Pressed, "#delete")
    def delete(self) -> None:
        client = self.look_up()
        if client is None:
            return
        t = self.app.t
        if self.summary and self.summary.open_sessions:
            self._result(t("rights.still_open", alias=client.alias))
            return

        def typed(confirmed: str | None) -> None:
            if not confirmed:
                self._result(t("rights.delete_mismatch"))
                return
            try:
                result = self.app.workstation.rights.delete_client(client)
            except SessionStillOpen:
                self._result(t("rights.still_open", alias=client.alias))
                return
            counts = result.counts
            message = t("rights.deleted", alias=client.alias, sessions=counts.get("sessions", 0),
                        messages=counts.get("messages", 0), notes=counts.get("notes", 0),
                        exports=result.exports_removed)
            if result.plain_backups:
                message += "\n" + t("rights.backups", paths=", ".join(str(p) for p in result.plain_backups))
            self.look_up()
            self._result(message)
            self.app.notify(message, severity="warning", timeout=12)
        self.app.push_screen(TypeAliasModal(client.alias), typed)

    def action_close(self) -> None:
        self.dismiss(None)


class PurgeNotifier:
    """Turns retention purge progress into notifications: a long purge every quarter, any purge when done."""

    def __init__(self) -> None:
        self.quarter = -1

    def message(self, t: Catalogue, progress: PurgeProgress, policy: RetentionPolicy) -> str:
        if progress.finished:
            self.quarter = -1
            if not (progress.transcripts or progress.notes):
                return ""
            rule = (t("rights.purge.policy_zero", years=policy.note_years) if policy.zero_transcript
                    else t("rights.purge.policy", days=policy.transcript_days, years=policy.note_years))
            return t("rights.purge.done", transcripts=progress.transcripts, notes=progress.notes, policy=rule)
        if progress.total < LONG_PURGE:
            return ""
        quarter = progress.done * 4 // progress.total
        if quarter == self.quarter:
            return ""
        self.quarter = quarter
        return t("rights.purge.progress", done=progress.done, total=progress.total)
