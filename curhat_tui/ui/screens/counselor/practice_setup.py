"""F12 in practice: the trainee chooses a simulated client and a difficulty, or lets the app pick.

The list shows each persona's alias, package and topic, by alias. In blind mode (the default, and always for a
trainee) nothing says which personas hide a red flag; a trainer or counselor may turn it off (B), and then a
persona that hides one says only that it has a hidden risk, never which. Above the list, the trainee's next
curriculum step: its neutral title, the clients that count for it and what passes it (in blind mode the safety
criteria are one phrase, the same for every step); that step's clients are marked in the list. R opens the
practice history: curriculum progress and each session's transcript with the supervisor's line comments.
The chosen client joins the ordinary
queue (the same screens as live work) and is highlighted there. On a short terminal (80x24) the dialog
takes the whole height and each client takes one line, so that every one of them is in view.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, OptionList, RadioButton, RadioSet, Static
from textual.widgets.option_list import Option

from curhat_tui.domain.persona import DIFFICULTIES
from curhat_tui.ui.base import curhat_app
from curhat_tui.ui.screens.supervisor.trainees import criteria_text
from curhat_tui.ui.widgets.queue_panel import QueuePanel

if TYPE_CHECKING:
    from curhat_tui.ui.app import CurhatApp

PICK = "__pick__"
SHORT_HEIGHT = 32  # below this many rows the dialog is compact: one line per client


@dataclass(frozen=True)
class PracticeChoice:
    persona_id: str | None  # None: let the app pick
    level: str


class PracticeSetupModal(ModalScreen[PracticeChoice | None]):
    """Returns the trainee's choice, or None if cancelled."""

    if TYPE_CHECKING:
        app = getters.app(CurhatApp)

    DEFAULT_CSS = """
    PracticeSetupModal { align: center middle; }
    PracticeSetupModal > Vertical { width: 96; max-width: 96%; height: 90%; border: thick $primary;
        background: $surface; padding: 0 1; }
    PracticeSetupModal #setup-title { text-style: bold; background: $boost; padding: 0 1; }
    PracticeSetupModal #setup-step { height: auto; padding: 0 1; border-left: tall $accent; }
    PracticeSetupModal #setup-blind { height: auto; color: $text-muted; }
    PracticeSetupModal.-short #setup-step, PracticeSetupModal.-short #setup-blind { text-wrap: nowrap;
        text-overflow: ellipsis; }
    PracticeSetupModal #setup-intro, PracticeSetupModal #setup-voice, PracticeSetupModal #level-help {
        color: $text-muted; height: auto; }
    PracticeSetupModal OptionList { height: 1fr; }
    PracticeSetupModal #difficulty-label { text-style: bold; }
    PracticeSetupModal RadioSet { layout: horizontal; width: 100%; }
    PracticeSetupModal #setup-buttons { height: auto; align-horizontal: right; }
    PracticeSetupModal Button { margin: 0 0 0 1; }
    PracticeSetupModal #difficulty-row { height: auto; layout: vertical; }
    PracticeSetupModal.-short > Vertical { height: 100%; max-width: 100%; width: 100%; }
    PracticeSetupModal.-short #difficulty-row { height: 1; layout: horizontal; }
    PracticeSetupModal.-short #difficulty-label { width: auto; margin-right: 1; }
    PracticeSetupModal.-short RadioSet { border: none; height: 1; width: 1fr; padding: 0; }
    PracticeSetupModal.-short OptionList { text-wrap: nowrap; text-overflow: ellipsis; }
    PracticeSetupModal #persona-detail { display: none; height: auto; max-height: 2; padding: 0 1;
        background: $boost; }
    PracticeSetupModal.-short #persona-detail { display: block; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="practice_setup.cancel"),
                Binding("r", "history", "History", id="practice_setup.history"),
                Binding("b", "toggle_blind", "Blind mode", id="practice_setup.blind")]

    def __init__(self, level: str = "normal", busy: dict[str, str] | None = None) -> None:
        super().__init__()
        self.level = level if level in DIFFICULTIES else "normal"
        self.busy = busy or {}  # persona id -> "in_session" or "waiting" (`busy_personas`)
        self.step_personas: set[str] = set()  # the clients that count for the next curriculum step

    @property
    def short(self) -> bool:
        return self.app.size.height < SHORT_HEIGHT

    @property
    def blind(self) -> bool:
        """Nothing says which clients hide a risk: always for a trainee, else until a trainer turns it off."""
        return self.app.workstation.role == "trainee" or self.app.workstation.practice.blind

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Blind mode cannot be turned off by a trainee: the key is neither offered nor acted on."""
        return action != "toggle_blind" or self.app.workstation.role != "trainee"

    def _step_text(self) -> tuple[Text, set[str]]:
        """The trainee's next curriculum step, and the ids of the personas that count for it."""
        t = self.app.t
        progress = self.app.workstation.practice.curriculum
        step = progress.next_step(self.app.workstation.counselor)
        total = len(progress.curriculum.steps)
        if step is None:
            return Text(t("curriculum.done", total=total), style="bold green"), set()
        personas = progress.personas_for(step)
        # three lines (on a short terminal each is cut at its end, so that the list keeps its room at 80x24)
        out = Text(t("curriculum.next", number=step.number, total=total, title=t.pick(step.title)), style="bold")
        level = t(f"practice_setup.level.{step.level}")
        out.append("\n" + (
            t("curriculum.clients", aliases=", ".join(p.alias for p in personas), level=level)
            if personas else t("curriculum.no_client")), style="not bold")
        out.append("\n" + t("curriculum.pass", criteria=criteria_text(t, step.criteria, blind=self.blind)),
                   style="not bold")
        return out, {p.id for p in personas}

    def _options(self, short: bool) -> list[Option]:
        """"Pick for me" and every persona: two lines each, or one (cut at the end) on a short terminal."""
        t = self.app.t
        gap = "  ·  " if short else "\n   "
        options = [Option(Text.assemble((t("practice_setup.pick"), "bold"), gap, t("practice_setup.pick_detail"),
                                        no_wrap=short, overflow="ellipsis"), id=PICK)]
        step = self.app.workstation.practice.curriculum.next_step(self.app.workstation.counselor)
        for persona in sorted(self.app.data.personas.values(), key=lambda p: p.alias):  # neutral: by alias
            busy = self.busy.get(persona.id)
            line = Text.assemble((persona.alias, "bold"), no_wrap=short, overflow="ellipsis")
            if busy:  # right after the name, so that a one-line entry at 80x24 still shows it
                line.append(f"  {t(f'walk.{busy}')}", style="bold")
            if step is not None and persona.id in self.step_personas:
                line.append(f"  {t('curriculum.mark', number=step.number)}", style="bold")
            line.append(f"  ·  {t(f'tier.{persona.tier.value}')} {persona.minutes} {t('unit.min')}")
            if persona.hidden_flag and not self.blind:
                line.append(f"  ·  {t('practice_setup.hidden')}", style="bold yellow")
            line.append(gap)
            line.append(persona.topic)
            # one already in a session cannot come again: shown, never offered (another would come instead)
            options.append(Option(line, id=persona.id, disabled=busy == "in_session"))
        return options

    def compose(self) -> ComposeResult:
        t = self.app.t
        self.set_class(self.short, "-short")
        with Vertical():
            yield Static(Text(t("practice_setup.title")), id="setup-title")
            yield Static(Text(t("practice_setup.intro")), id="setup-intro")
            step_text, self.step_personas = self._step_text()
            yield Static(step_text, id="setup-step")
            yield OptionList(*self._options(self.short), id="personas")
            yield Static(id="persona-detail")  # on a short terminal: the highlighted client's line in full
            with Horizontal(id="difficulty-row"):
                yield Static(Text(t("practice_setup.difficulty")), id="difficulty-label")
                with RadioSet(id="difficulty"):
                    for level in DIFFICULTIES:
                        yield RadioButton(Text(t(f"practice_setup.level.{level}")), value=level == self.level,
                                          id=f"level-{level}")
            yield Static(Text(t(f"practice_setup.level_help.{self.level}")), id="level-help")
            yield Static(Text(self._voice_line()), id="setup-voice")
            yield Static(self._blind_line(), id="setup-blind")
            with Horizontal(id="setup-buttons"):
                yield Button(t("practice_setup.start"), variant="primary", id="start", compact=self.short)
                yield Button(t("practice_setup.cancel"), id="cancel", compact=self.short)

    def _blind_line(self) -> Text:
        t = self.app.t
        return Text(t("trainer.blind_on" if self.blind else "trainer.blind_off") + " " + t("trainer.history_hint"))

    def action_toggle_blind(self) -> None:
        """A trainer's view: mark the clients that hide a risk, or hide the marks again (never for a trainee)."""
        if self.app.workstation.role == "trainee":
            return
        practice = self.app.workstation.practice
        practice.blind = not practice.blind
        self._rebuild()
        self.query_one("#setup-step", Static).update(self._step_text()[0])
        self.query_one("#setup-blind", Static).update(self._blind_line())

    def action_history(self) -> None:
        from curhat_tui.ui.screens.counselor.practice_history import PracticeHistoryScreen

        self.app.push_screen(PracticeHistoryScreen())

    def _rebuild(self) -> None:
        options = self.query_one(OptionList)
        highlighted = options.highlighted
        options.clear_options()
        options.add_options(self._options(self.short))
        options.highlighted = highlighted

    def _voice_line(self) -> str:
        t = self.app.t
        voice = self.app.workstation.practice.voice()
        if voice.kind == "scripted":
            return t("practice_setup.voice.scripted")
        if voice.kind == "off":
            return t("practice_setup.voice.off")
        line = t("practice_setup.voice.llm", label=voice.label)
        if voice.scripted_aliases:
            line += " " + t("practice_setup.voice.fell_back", aliases=", ".join(voice.scripted_aliases))
        return line

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self.query_one(OptionList).highlighted = 0

    def on_resize(self) -> None:
        """Taller or shorter than SHORT_HEIGHT now: the other layout, the same client highlighted."""
        if self.has_class("-short") == self.short:
            return
        self.set_class(self.short, "-short")
        for button in self.query(Button):
            button.compact = self.short
        self._rebuild()
        self.query_one("#setup-step", Static).update(self._step_text()[0])

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        t = self.app.t
        persona = self.app.data.personas.get(event.option.id or "")
        if persona is None:
            text = Text(t("practice_setup.pick_detail"))
        else:
            text = Text(persona.topic)
            if persona.hidden_flag and not self.blind:
                text.append(f"  ·  {t('practice_setup.hidden')}", style="bold yellow")
        self.query_one("#persona-detail", Static).update(text)

    @on(RadioSet.Changed)
    def _level_changed(self, event: RadioSet.Changed) -> None:
        self.level = (event.pressed.id or "level-normal").removeprefix("level-")
        self.query_one("#level-help", Static).update(Text(self.app.t(f"practice_setup.level_help.{self.level}")))

    def _choice(self) -> PracticeChoice | None:
        options = self.query_one(OptionList)
        if options.highlighted is None:
            return None
        option = options.get_option_at_index(options.highlighted)
        if option.disabled:
            return None
        chosen = option.id
        return PracticeChoice(None if chosen == PICK else chosen, self.level)

    @on(OptionList.OptionSelected)
    def _selected(self) -> None:
        self.dismiss(self._choice())

    @on(Button.Pressed, "#start")
    def _start(self) -> None:
        self.dismiss(self._choice())

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


def open_practice_setup(screen: Screen) -> None:
    """Ask the trainee for a client; the chosen one joins the queue, highlighted and focused there."""
    app = curhat_app(screen)
    t = app.t
    practice = app.workstation.practice
    if not practice.available:
        app.notify(t("practice_setup.live_only"), severity="warning")
        return

    busy = busy_personas(app)

    def chosen(choice: PracticeChoice | None) -> None:
        if choice is None:
            return
        queue = screen.query_one(QueuePanel)
        visit = practice.request_client(choice.persona_id, choice.level)
        queue.highlight(visit.id)  # the queue shows them when their arrival is told (QueueChanged)
        level = t(f"practice_setup.level.{choice.level}")
        chosen_persona = app.data.personas.get(choice.persona_id or "")
        if chosen_persona is not None and visit.persona != chosen_persona.id:  # never silently another client
            app.notify(t("walk.instead", chosen=chosen_persona.alias, alias=visit.alias, level=level),
                       severity="warning")
        elif choice.persona_id is not None and busy.get(choice.persona_id) == "waiting":
            app.notify(t("walk.already_waiting", alias=visit.alias, level=level))
        else:
            app.notify(t("practice_setup.queued", alias=visit.alias, level=level))

    app.push_screen(PracticeSetupModal(practice.difficulty, busy), chosen)


def busy_personas(app: "CurhatApp") -> dict[str, str]:
    """The practice personas already in an open session ("in_session") or waiting in the queue ("waiting"),
    from the desk's own reads (a practice client's key is `practice:<persona id>`)."""
    desk = app.workstation.desk
    busy = {visit.persona: "waiting" for visit in desk.queue() if visit.persona}
    for session in desk.open_sessions():
        persona = session.client_key.removeprefix("practice:")
        if persona != session.client_key and persona in app.data.personas:
            busy[persona] = "in_session"
    return busy
