"""What the playground's commands take: their subcommands, option names and choices.

One table serves the parser (only a command's real option names are options; any other
``word:thing`` is part of the topic), tab completion and the help text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final, get_args

from inkwell.bot.records.relay import AiTurns, TurnOrder
from inkwell.bot.records.styles import StyleRecord
from inkwell.bot.services.filters.rules import ACTIONS, APPLIES_TO, KINDS
from inkwell.bot.services.forms import FORMS
from inkwell.bot.services.lore import LORE_FORMATS
from inkwell.bot.services.styles import CHOICE_FIELDS

Choices = Mapping[str, tuple[str, ...]]
"""Option name → its choices (empty: free text or a number)."""


@dataclass(frozen=True, slots=True)
class CommandSpec:
    """One command: its options, or its subcommands and theirs."""

    options: Choices = field(default_factory=dict)
    subcommands: Mapping[str, Choices] = field(default_factory=dict)

    def option_names(self, subcommand: str | None) -> frozenset[str]:
        if self.subcommands:
            return frozenset(self.subcommands.get(subcommand or "", {}))
        return frozenset(self.options)


def _form_options(name: str) -> Choices:
    spec = FORMS[name]  # type: ignore[index]
    return {option.name: option.choices for option in (spec.subject, *spec.options)}


_STYLE_FIELDS: Final[Choices] = {
    name: CHOICE_FIELDS.get(name, ()) for name in StyleRecord.field_names()
}

RELAY_START_OPTIONS: Final[Choices] = {
    "title": (),
    "premise": (),
    "genre": (),
    "tone": (),
    "max_words": (),
    "turn_minutes": (),
    "max_writers": (),
    "ai_turns": tuple(str(value) for value in get_args(AiTurns)),
    "order": tuple(str(value) for value in get_args(TurnOrder)),
    "ai_opening": ("yes", "no"),
}

COMMANDS: Final[Mapping[str, CommandSpec]] = {
    **{name: CommandSpec(options=_form_options(name)) for name in FORMS},
    "style": CommandSpec(
        subcommands={
            "set": _STYLE_FIELDS,
            "show": {},
            "reset": {"field": tuple(StyleRecord.field_names())},
            "forget-me": {},
        }
    ),
    "relay": CommandSpec(
        subcommands={
            "start": RELAY_START_OPTIONS,
            "write": {},
            "pass": {},
            "status": {},
            "pause": {},
            "resume": {},
            "end": {},
            "export": {"file": ()},
            "memory": {"text": ()},
            "note": {"text": ()},
            "help": {},
        }
    ),
    "filters": CommandSpec(
        subcommands={
            "add": {
                "pattern": (),
                "kind": KINDS,
                "action": ACTIONS,
                "applies_to": APPLIES_TO,
                "category": (),
                "masks": ("yes", "no"),
                "forms": ("yes", "no"),
            },
            "remove": {"rule": ()},
            "list": {},
            "test": {"text": ()},
            "allow": {"word": ()},
            "disallow": {"word": ()},
            "help": {},
        }
    ),
    "lore": CommandSpec(
        subcommands={
            "add": {"name": (), "keys": (), "text": ()},
            "edit": {"name": (), "new_name": (), "keys": (), "text": ()},
            "remove": {"name": ()},
            "list": {},
            "show": {"name": ()},
            "export": {"format": LORE_FORMATS, "file": ()},
            "import": {"file": ()},
            "help": {},
        }
    ),
    "rewrite": CommandSpec(options={"text": (), "instruction": ()}),
    "continue-text": CommandSpec(options={"text": ()}),
    "describe": CommandSpec(options={"text": ()}),
    "feedback": CommandSpec(options={"text": ()}),
    "help": CommandSpec(),
    "quit": CommandSpec(),
}

SHORTCUTS: Final = ("r", "c", "n", "p")


def option_names(name: str, subcommand: str | None) -> frozenset[str]:
    """The option names ``/name subcommand`` takes (none for an unknown command)."""
    spec = COMMANDS.get(name)
    return frozenset() if spec is None else spec.option_names(subcommand)


def subcommand_names() -> frozenset[str]:
    """The commands whose second word is a subcommand."""
    return frozenset(name for name, spec in COMMANDS.items() if spec.subcommands)
