"""Parsing console playground lines such as ``/poem form:haiku topic:"first snow"``."""

from __future__ import annotations

import shlex
from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from inkwell.bot.errors import InvalidInput


@dataclass(frozen=True, slots=True)
class ConsoleCommand:
    """``/name [sub] key:value … free words``: free words are joined as the subject."""

    name: str
    subcommand: str | None = None
    options: dict[str, str] = field(default_factory=dict)
    words: tuple[str, ...] = ()


OptionNames = Callable[[str, "str | None"], Collection[str]]
"""A command's name and subcommand → the names of its options."""


def parse_command_line(
    line: str,
    *,
    subcommands: frozenset[str] = frozenset(),
    option_names: OptionNames | None = None,
) -> ConsoleCommand:
    """Split a console line into a command, options and free words.

    ``subcommands`` names the commands whose second word is a subcommand (``/style set``).
    With ``option_names``, only a command's own option names make ``name:value`` an option:
    ``10:30`` or ``https://…`` stay words of the topic.
    """
    try:
        tokens = shlex.split(line)
    except ValueError as error:  # an unclosed quote
        raise InvalidInput(f"Couldn't read that line: {error}. Check your quotes.") from error
    if not tokens:
        raise InvalidInput("Type a command, or /help.")
    name = tokens[0].lstrip("/").lower()
    rest = tokens[1:]
    subcommand = None
    if name in subcommands and rest and ":" not in rest[0]:
        subcommand, rest = rest[0].lower(), rest[1:]
    known = None if option_names is None else option_names(name, subcommand)
    options: dict[str, str] = {}
    words: list[str] = []
    for token in rest:
        key, colon, value = token.partition(":")
        key = key.lower().replace("-", "_")
        if colon and key and key.replace("_", "").isalnum() and (known is None or key in known):
            if key in options:
                raise InvalidInput(f"{key} is given twice.")
            options[key] = value
        else:
            words.append(token)
    return ConsoleCommand(name, subcommand, options, tuple(words))
