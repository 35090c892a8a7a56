"""Parsing console playground lines such as ``/poem form:haiku topic:"first snow"``."""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field

from inkwell.bot.errors import InvalidInput


@dataclass(frozen=True, slots=True)
class ConsoleCommand:
    """``/name [sub] key:value … free words``: free words are joined as the subject."""

    name: str
    subcommand: str | None = None
    options: dict[str, str] = field(default_factory=dict)
    words: tuple[str, ...] = ()


def parse_command_line(line: str, *, subcommands: frozenset[str] = frozenset()) -> ConsoleCommand:
    """Split a console line into a command, options and free words.

    ``subcommands`` names the commands whose second word is a subcommand (``/style set``).
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
    options: dict[str, str] = {}
    words: list[str] = []
    for token in rest:
        key, colon, value = token.partition(":")
        if colon and key and key.replace("_", "").replace("-", "").isalnum() and " " not in key:
            key = key.lower().replace("-", "_")
            if key in options:
                raise InvalidInput(f"{key} is given twice.")
            options[key] = value
        else:
            words.append(token)
    return ConsoleCommand(name, subcommand, options, tuple(words))
