"""data/curriculum.toml read and checked against the personas and red-flag items (domain.curriculum's rules).

A broken curriculum (an unknown figure in a pass criterion, an unknown persona or item) is refused when it is
read, with the file, the step's line and the fix, like every other data file."""

from __future__ import annotations

from pathlib import Path

from curhat_tui.config.data_file import DataError, DataFile
from curhat_tui.config.datafiles import ServiceData, data_dir
from curhat_tui.domain.curriculum import Curriculum, CurriculumError, parse

CURRICULUM_FILE = "curriculum.toml"


def persona_trains(persona) -> str:
    """The red-flag item a persona trains: its `variant_of` when it has one, else its hidden flag."""
    return getattr(persona, "variant_of", "") or persona.hidden_flag


def load_curriculum(data: ServiceData, root: Path | None = None) -> Curriculum:
    path = (root or data_dir()) / CURRICULUM_FILE
    file = DataFile(path)
    personas = {pid: persona_trains(p) for pid, p in data.personas.items()}
    try:
        return parse(file.doc, personas=personas, flags={item.id for item in data.redflags.items})
    except CurriculumError as exc:
        text = str(exc)
        line = None
        if text.startswith("step "):
            number = text.split()[1]
            line = file.header_line("step", int(number) - 1) if number.isdigit() else None
        raise DataError(path, line, text, "use a figure, persona and item named in the message") from None
