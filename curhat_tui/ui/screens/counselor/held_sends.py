"""Lines held because someone besides the client is in their Matrix room (services/outbox.py): Alt+K asks the
counselor, naming who is there, whether to send anyway; a yes lets exactly those accounts read (anyone new holds the
lines again) and is recorded in the audit log. Without it a counselor could not even ask the client who is there."""

from __future__ import annotations

from textual.binding import Binding

from curhat_tui.domain.models import Delivery
from curhat_tui.ui.screens.counselor.screener_actions import ScreenerActions
from curhat_tui.ui.widgets.composer import alt
from curhat_tui.ui.widgets.localize import held_names


class HeldSends(ScreenerActions):
    """Mixed into `SessionActions`; needs `active_pane` from the main screen."""

    BINDINGS = [Binding(alt("k"), "send_anyway", "Send anyway", id="main.send_anyway", priority=True, show=False)]

    def action_send_anyway(self) -> None:
        t = self.app.t
        pane = self.active_pane  # type: ignore[attr-defined]
        desk = self.app.workstation.desk
        readers = desk.held_readers(pane.session.id) if pane is not None else ()
        if pane is None or not readers:
            self.app.notify(t("held.none"))
            return
        session = pane.session
        names = held_names(t, readers)
        count = sum(1 for m in desk.transcript(session.id, limit=200) if m.delivery is Delivery.PENDING)  # the newest

        def confirmed(yes: bool | None) -> None:
            if yes and desk.send_anyway(session.id, [user for user, _ in readers]):  # those named, no one else
                self.app.notify(t("held.sent", alias=session.alias, names=names), severity="warning")

        from curhat_tui.ui.screens.common.confirm import ConfirmModal

        self.app.push_screen(ConfirmModal(t("held.confirm", alias=session.alias, names=names, count=count)), confirmed)
