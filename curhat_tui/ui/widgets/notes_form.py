"""A session note on its template, autosaved within a second of typing, with a saved mark.

Services add lines of their own to a note (a red flag's screening result, a transfer's
reason) and tell NoteChanged: a field the counselor has not touched since the last save
shows the stored text; a field with unsaved typing keeps it and gains the new lines. The
form saves only the fields the counselor edited, so neither writer overwrites the other.

Personal data typed into a field (phone numbers, NIK, e-mail, street addresses; see
`domain.masking`) is highlighted where it stands, and the field's bottom border says what
was found and that exports mask it.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from rich.text import Text
from textual import getters
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Select, Static, TextArea

from curhat_tui.domain.clock import clock_time
from curhat_tui.domain.masking import find as find_personal_data
from curhat_tui.domain.masking import kinds as personal_data_kinds
from curhat_tui.ui.widgets.composer import PaneSwitchKeys, SafeUndo
from curhat_tui.ui.widgets.localize import localize_bindings

if TYPE_CHECKING:
    from curhat_tui.ui.app import CurhatApp

AUTOSAVE_SECONDS = 0.5


def lines_added(before: str, after: str) -> list[str]:
    """The lines a service added to a field that held `before` and now holds `after`."""
    before = before.rstrip()
    if after.startswith(before):
        return [line for line in after[len(before):].splitlines() if line.strip()]
    kept = set(before.splitlines())
    return [line for line in after.splitlines() if line.strip() and line not in kept]


def with_lines(text: str, lines: list[str]) -> str:
    """`text` with `lines` added below it, as a service adds them (`Notes.append_field`)."""
    return "\n".join([text.rstrip(), *lines]).strip() if lines else text


class NoteField(SafeUndo, PaneSwitchKeys, TextArea):
    """One section of the note; its label is the border title (one widget per field, not two)."""

    if TYPE_CHECKING:
        app = getters.app(CurhatApp)

    COMPONENT_CLASSES = TextArea.COMPONENT_CLASSES | {"note-field--personal"}
    DEFAULT_CSS = """
    NoteField { height: auto; min-height: 3; max-height: 10; border: round $panel-lighten-2;
        border-title-color: $text; border-title-style: bold; padding: 0 1;
        border-subtitle-align: left; border-subtitle-color: $warning; }
    NoteField:focus { border: round $accent; border-title-color: $accent; background-tint: $accent 6%; }
    NoteField.-missing { border: round $error; border-title-color: $error; }
    NoteField > .note-field--personal { background: $warning 35%; text-style: underline; }
    """

    def __init__(self, key: str, label: str, text: str, placeholder: str, blink: bool) -> None:
        super().__init__(text, id=f"field-{key}", soft_wrap=True, tab_behavior="focus", placeholder=placeholder)
        self.key = key
        self.border_title = label
        self.cursor_blink = blink
        self.personal_kinds: list[str] = []

    def on_mount(self) -> None:
        self.show_personal_data()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self.show_personal_data()  # the event still reaches the form, which saves the note

    def show_personal_data(self) -> None:
        """Name what personal data the field holds on its bottom border (masked in exports)."""
        found = personal_data_kinds(self.text)
        if found == self.personal_kinds:
            return
        self.personal_kinds = found
        t = self.app.t
        self.border_subtitle = t("mask.hint", kinds=", ".join(t(f"mask.kind.{kind}") for kind in found)) \
            if found else ""
        self.set_class(bool(found), "-personal")

    def get_line(self, line_index: int) -> Text:
        """A line of the field with its personal data highlighted (a span never crosses lines)."""
        line = super().get_line(line_index)
        spans = find_personal_data(line.plain)
        if spans:
            style = self.get_component_rich_style("note-field--personal", partial=True)
            for span in spans:
                line.stylize(style, span.start, span.end)
        return line


class NotesForm(Vertical):
    if TYPE_CHECKING:
        app = getters.app(CurhatApp)

    DEFAULT_CSS = """
    NotesForm { height: 1fr; }
    NotesForm > #notes-head { height: 1; background: $boost; padding: 0 1; text-style: bold; }
    NotesForm > #notes-template { width: 100%; }
    NotesForm > #notes-template:focus { background-tint: $accent 25%; }
    NotesForm > #notes-saved { height: 1; color: $success; padding: 0 1; }
    NotesForm > #notes-saved.-dirty { color: $warning; }
    NotesForm > VerticalScroll { height: 1fr; }
    """

    class Saved(Message):
        def __init__(self, session_id: str, version: int) -> None:
            super().__init__()
            self.session_id = session_id
            self.version = version

    def __init__(self, *, blink: bool = True, id: str | None = None) -> None:
        super().__init__(id=id)
        self.blink = blink
        self.session_id: str | None = None
        self.template = ""
        self.fields: dict[str, str] = {}  # what the form shows
        self.stored: dict[str, str] = {}  # what the store held when the form last loaded or saved each field
        self.edited: set[str] = set()  # fields typed in since the last save
        self.version = 0
        self.dirty = False
        self._timer: Timer | None = None
        self._loading = False
        self._load_lock = asyncio.Lock()

    def compose(self) -> ComposeResult:
        t = self.app.t
        yield Static(Text(t("notes.title")), id="notes-head")
        # the template selector (#notes-template) comes with the first note shown: see _show_template
        yield Static(id="notes-saved")
        # the fields take the focus, never their scroll box: it shows no focus, and typing there would be lost
        yield VerticalScroll(id="notes-fields", can_focus=False)

    async def load(self, session_id: str | None) -> None:
        """Show the note of this session (saving the previous one first). Loads come from two tasks (the
        workstation's events and the screen's tab switches) and wait on the fields being rebuilt: one at a time, in
        the order asked, so one note's fields never end up under another session (typing would go to the wrong
        note)."""
        async with self._load_lock:
            await self._load(session_id)

    async def _load(self, session_id: str | None) -> None:
        self.flush()
        self.session_id = session_id
        self.edited = set()
        if session_id is None:
            self.fields, self.stored, self.template, self.version = {}, {}, "", 0
            await self.query_one("#notes-fields", VerticalScroll).remove_children()
            self.query_one("#notes-saved", Static).update("")
            return
        self.template, self.fields, self.version = self.app.workstation.notes.note(session_id)
        self.fields, self.stored = dict(self.fields), dict(self.fields)
        self._loading = True
        await self._show_template()
        await self._build_fields()
        self._loading = False
        self._show_saved()

    async def _show_template(self) -> None:
        """The note's template in the selector, which is built with the first note shown: a Select (an overlay
        and an option list inside) is among the costliest widgets to mount, and the first frame needs no note."""
        found = self.query("#notes-template")
        if found:
            found.first(Select).value = self.template
            return
        t = self.app.t
        options = [(t.pick(tpl.name), tpl.id) for tpl in self.app.data.templates.templates]
        select = Select(options, value=self.template, allow_blank=False, id="notes-template", compact=True)
        await self.mount(select, before="#notes-saved")
        for node in select.walk_children(with_self=True):  # Textual's own keys, in the app's language
            localize_bindings(node)

    async def _build_fields(self) -> None:
        t = self.app.t
        container = self.query_one("#notes-fields", VerticalScroll)
        existing = list(self.query(NoteField))
        keys = [section.key for section in self.app.data.templates.sections(self.template)]
        if [f.key for f in existing] == keys:
            # same template as the note shown before: refill the fields instead of rebuilding them
            for widget in existing:
                widget.text = self.fields.get(widget.key, "")
                widget.set_class(False, "-missing")
            return
        await container.remove_children()
        widgets = []
        for section in self.app.data.templates.sections(self.template):
            star = " *" if section.required else ""
            hint = t.pick(section.hint) if section.hint else ""
            widgets.append(NoteField(section.key, t.pick(section.label) + star, self.fields.get(section.key, ""), hint,
                                     self.blink))
        await container.mount_all(widgets)

    def note_changed(self, session_id: str, keys: tuple[str, ...]) -> None:
        """A service wrote these fields of a note: show what it wrote, keeping anything typed and not yet saved."""
        if session_id != self.session_id:
            return  # another session's note: it is read afresh when shown
        _, stored, self.version = self.app.workstation.notes.note(session_id)
        for key in keys:
            self._show_field(key, self._merged(key, stored.get(key, "")))
            self.stored[key] = stored.get(key, "")
        self._show_saved()

    def _merged(self, key: str, stored: str) -> str:
        """What field `key` should hold now that the store has `stored` for it."""
        if key not in self.edited:
            return stored
        return with_lines(self.fields.get(key, ""), lines_added(self.stored.get(key, ""), stored))

    def _show_field(self, key: str, text: str) -> None:
        if self.fields.get(key, "") == text:
            return
        self.fields[key] = text
        for widget in self.query(NoteField):
            if widget.key == key:
                self._loading = True
                widget.text = text
                self._loading = False

    async def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        if self._loading:
            return
        async with self._load_lock:  # not while another task loads a note: its fields would be rebuilt under this one
            if self.session_id is None or event.value == self.template or event.value != event.select.value:
                return  # no note, no change, or a stale choice (a load has set the selector since)
            self.template = str(event.value)
            await self._build_fields()
        self._schedule()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if not isinstance(event.text_area, NoteField) or self._loading:
            return
        event.stop()
        if self.fields.get(event.text_area.key, "") == event.text_area.text:
            return  # the form itself filled the field (loading another session's note)
        self.fields[event.text_area.key] = event.text_area.text
        self.edited.add(event.text_area.key)
        if self.session_id is not None:  # kept at once (one small write); the autosave makes the version
            self.app.workstation.notes.keep_typing(self.session_id, self.template, self._typed())
        self._schedule()

    def _typed(self) -> dict[str, str]:
        """The fields typed in since the last save, as they stand."""
        return {key: self.fields.get(key, "") for key in self.edited}

    def on_unmount(self) -> None:
        self.flush()

    def _schedule(self) -> None:
        """Save half a second after the first unsaved change; typing on does not postpone it."""
        self.dirty = True
        self._show_saved()
        if self._timer is None:
            self._timer = self.set_timer(AUTOSAVE_SECONDS, self.flush)

    def flush(self) -> None:
        """Save now if anything changed."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if not self.dirty or self.session_id is None:
            return
        notes = self.app.workstation.notes
        try:
            _, stored, _ = notes.note(self.session_id)
            for key in self.edited:  # a service line that landed since the form last looked joins the typing
                self._show_field(key, self._merged(key, stored.get(key, "")))
                self.stored[key] = stored.get(key, "")
            typed = self._typed()
            self.version = notes.save(self.session_id, self.template, typed)
        except Exception as exc:  # noqa: BLE001 - a failed save is shown, never fatal
            self.app.notify(self.app.t("notes.save_failed", error=str(exc)), severity="error")
            return
        self.stored.update(typed)
        self.edited = set()
        self.dirty = False
        self._show_saved()
        self.post_message(self.Saved(self.session_id, self.version))

    def mark_missing(self, missing: list[str]) -> None:
        for widget in self.query(NoteField):
            widget.set_class(widget.key in missing, "-missing")

    def _show_saved(self) -> None:
        t = self.app.t
        found = self.query("#notes-saved")
        if not found:
            return  # unmounting: the save happened, there is nothing left to show it on
        saved = found.first(Static)
        saved.set_class(self.dirty, "-dirty")
        if self.dirty:
            saved.update(Text(t("notes.unsaved")))
        elif self.version:
            saved.update(Text(t("notes.saved", time=clock_time(self.app.clock, self.app.clock.now()),
                                version=self.version)))
        else:
            saved.update(Text(t("notes.empty")))
