"""F1: every key the main screen (counselor's or supervisor's) offers, and the referral directory with its check dates."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich import box
from rich.table import Table
from rich.text import Text
from textual import getters
from textual.actions import parse
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import Static

from curhat_tui.domain.i18n import Catalogue
from curhat_tui.domain.redflags import DirectoryEntry

if TYPE_CHECKING:
    from curhat_tui.ui.app import CurhatApp


def offered(node: DOMNode, binding: Binding) -> bool:
    """Whether `node` offers this binding now: its `check_action` does not hide it (F1 and the palette ask this)."""
    namespace, action, parameters = parse(binding.action)
    target = node.app if namespace == "app" else node
    return target.check_action(action, parameters) is not False


def verification(t: Catalogue, entry: DirectoryEntry) -> str:
    """For the counselor: the day the entry was verified, or that it is not, with its last desk check."""
    if entry.verified is not None:
        return t("directory.verified", date=entry.verified.isoformat())
    return t("directory.unverified", date=entry.checked.isoformat())


def directory_notes(t: Catalogue, entries: list[DirectoryEntry]) -> str:
    """What the verification column means, then the entries' notes for the counselor (never in a script)."""
    notes = [t("directory.note", name=entry.text("name", t.lang), note=t.pick(entry.note)) for entry in entries
             if entry.note]
    return "\n".join([t("directory.legend"), t("directory.notes"), *notes])


def directory_table(t: Catalogue, entries: list[DirectoryEntry]) -> Table:
    """The referral directory, wrapping between words; each column is as wide as its longest word up to a cap that
    favours the contact, then the hours, so a number is read whole at 80 columns (a long name or region folds);
    no side borders, so the words get the room. The last column says whether the entry is verified, and when."""
    rows = [(entry.text("name", t.lang), entry.text("contact", t.lang), t.pick(entry.hours),
             entry.text("region", t.lang), verification(t, entry)) for entry in entries]
    table = Table(title=t("help.directory"), expand=True, box=box.SIMPLE_HEAD, pad_edge=False)
    for i, (key, ratio, cap) in enumerate((("dir.name", 2, 9), ("dir.contact", 3, 16), ("dir.hours", 3, 14),
                                           ("dir.region", 2, 8))):
        longest = max((len(word) for row in rows for word in row[i].split()), default=1)
        table.add_column(t(key), ratio=ratio, width=min(longest, cap), overflow="fold")
    table.add_column(t("directory.status"), no_wrap=True)  # a mark or "belum" over the date: the date stays whole
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))
    return table


class HelpModal(ModalScreen[None]):
    if TYPE_CHECKING:
        app = getters.app(CurhatApp)

    DEFAULT_CSS = """
    HelpModal { align: center middle; }
    HelpModal > Vertical { width: 96%; height: 94%; border: thick $primary; background: $surface; }
    HelpModal #help-title { background: $boost; text-style: bold; padding: 0 1; }
    HelpModal VerticalScroll { padding: 0 1; }
    """
    BINDINGS = [Binding("escape,f1", "close", "Close", id="help.close")]

    def compose(self) -> ComposeResult:
        t = self.app.t
        keys = Table.grid(padding=(0, 2))
        keys.add_column(style="bold")
        keys.add_column()
        for key, desc in self.app.key_help():
            keys.add_row(key, desc)
        with Vertical():
            yield Static(Text(t("help.title")), id="help-title")
            with VerticalScroll():  # the keys first: the directory (a row per service, many provinces) follows
                yield Static(keys)
                yield Static(Text(""))
                entries = list(self.app.data.redflags.directory.values())
                yield Static(directory_table(t, entries), id="help-directory")
                yield Static(Text(t("help.directory_source")))
                yield Static(Text(directory_notes(t, entries)), id="help-directory-notes")

    def action_close(self) -> None:
        self.dismiss(None)
