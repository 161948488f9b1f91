"""Note templates (SOAP, DAP, BIRP, GIRP, peer summary) and what a closable note needs."""

from __future__ import annotations

from dataclasses import dataclass

from curhat_tui.domain.models import Tier


@dataclass(frozen=True)
class Section:
    key: str
    label: dict[str, str]
    hint: dict[str, str]
    required: bool = True


@dataclass(frozen=True)
class NoteTemplate:
    id: str
    name: dict[str, str]
    sections: tuple[Section, ...]
    tier: str = ""


@dataclass(frozen=True)
class TemplateBook:
    templates: tuple[NoteTemplate, ...]
    common: tuple[Section, ...]

    def get(self, template_id: str) -> NoteTemplate:
        for tpl in self.templates:
            if tpl.id == template_id:
                return tpl
        raise KeyError(template_id)

    def ids(self) -> list[str]:
        return [t.id for t in self.templates]

    def default_for(self, tier: Tier | str) -> str:
        for tpl in self.templates:
            if tpl.tier == str(tier):
                return tpl.id
        return self.templates[0].id

    def sections(self, template_id: str) -> tuple[Section, ...]:
        """The template's own sections followed by the fields every note holds."""
        return self.get(template_id).sections + self.common

    def missing(self, template_id: str, fields: dict[str, str]) -> list[Section]:
        """Required sections still empty: the note cannot close while any remain."""
        return [s for s in self.sections(template_id) if s.required and not fields.get(s.key, "").strip()]
