"""The playground's /filters: its user moderates their own test server.

Rules added here apply to what the playground's member asks for and what the model writes
for them, exactly as a Discord server's rules do (``LOCAL_GUILD_ID`` is that server).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final, cast

from inkwell.bot.console.parsing import ConsoleCommand
from inkwell.bot.errors import InvalidInput
from inkwell.bot.services.filters.rules import (
    ACTIONS,
    APPLIES_TO,
    KINDS,
    Action,
    AppliesTo,
    Kind,
)
from inkwell.bot.services.filters.service import FilterService

FILTERS_HELP: Final = """\
Filters (you moderate the playground's own server; rules apply to what the model writes):
  /filters add pattern:"…" [kind:word|phrase|wildcard|regex] [action:block|redact|flag]
               [applies_to:prompts|outputs|both] [category:…]
  /filters remove rule:#1 · /filters list · /filters test text:"…"
  /filters allow word:… · /filters disallow word:…"""


class FiltersConsole:
    def __init__(
        self, filters: FilterService, say: Callable[[str], None], guild_id: int, user_id: int
    ) -> None:
        self._filters = filters
        self._say = say
        self._guild = guild_id
        self._user = user_id

    async def handle(self, command: ConsoleCommand) -> None:
        given = dict(command.options)
        free = " ".join(command.words)
        match command.subcommand:
            case "add":
                await self._add(given, free)
            case "remove":
                removed = await self._filters.rules.remove_rule(
                    self._guild, _needed(_joined(given.get("rule"), free), "rule:#1")
                )
                self._say(f"Removed rule #{removed.id} ({removed.kind} {removed.pattern}).")
            case "list":
                await self._list()
            case "test":
                await self._test(_needed(_joined(given.get("text"), free), 'text:"…"'))
            case "allow":
                term = await self._filters.rules.allow(
                    self._guild, self._user, _needed(_joined(given.get("word"), free), "word:…")
                )
                self._say(f"“{term}” now always passes.")
            case "disallow":
                term = await self._filters.rules.disallow(
                    self._guild, _needed(_joined(given.get("word"), free), "word:…")
                )
                self._say(f"“{term}” is checked again.")
            case "help" | None:
                self._say(FILTERS_HELP)
            case other:
                raise InvalidInput(f"/filters has no “{other}”. Type /filters help.")

    async def _add(self, given: dict[str, str], free: str) -> None:
        pattern = _needed(_joined(given.get("pattern"), free), 'pattern:"…"')
        kind = given.get("kind", "phrase" if " " in pattern else "word")
        action = given.get("action", "block")
        applies_to = given.get("applies_to", "both")
        for name, value, allowed in (
            ("kind", kind, KINDS),
            ("action", action, ACTIONS),
            ("applies_to", applies_to, APPLIES_TO),
        ):
            if value not in allowed:
                raise InvalidInput(f"{name} must be one of: {', '.join(allowed)}.")
        record = await self._filters.rules.add_rule(
            self._guild,
            self._user,
            pattern=pattern,
            kind=cast(Kind, kind),
            action=cast(Action, action),
            applies_to=cast(AppliesTo, applies_to),
            category=given.get("category"),
        )
        self._say(
            f"Added rule #{record.id}: {kind} “{record.pattern}” → {action} on {applies_to}; "
            f"a blocked member reads “{record.category}”."
        )

    async def _list(self) -> None:
        config = await self._filters.config(self._guild)
        if not config.rules and not config.allowed:
            self._say("No rules yet. Try: /filters add pattern:lighthouse action:redact")
            return
        for rule in config.rules:
            self._say(
                f"  #{rule.id} {rule.kind} “{rule.pattern}” → {rule.action} on {rule.applies_to}"
            )
        if config.allowed:
            self._say(f"  always passes: {', '.join(config.allowed)}")

    async def _test(self, text: str) -> None:
        run = await self._filters.dry_run(self._guild, text)
        if not run.matches:
            self._say("No rule matches that text.")
        for match in run.matches:
            self._say(f"  matches “{match.matched}”")
        for stage, outcome in (("As a prompt", run.prompt), ("As the model's text", run.output)):
            verdict = f"blocked ({outcome.category})" if outcome.blocked else outcome.text
            self._say(f"{stage}: {verdict}")


def _joined(named: str | None, free: str) -> str:
    """A named option and the free words after it: ``text:snow on the pine`` is one text."""
    return " ".join(filter(None, [named, free]))


def _needed(value: str, example: str) -> str:
    if not value.strip():
        raise InvalidInput(f"Say what, e.g. {example}")
    return value.strip()
