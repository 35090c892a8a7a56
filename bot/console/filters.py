"""The playground's /filters: its user moderates their own test server.

Rules added here apply to what the playground's member asks for and what the model writes
for them, exactly as a Discord server's rules do (``LOCAL_GUILD_ID`` is that server).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final, cast

from inkwell.bot.console.parsing import ConsoleCommand
from inkwell.bot.errors import InvalidInput
from inkwell.bot.records.filters import RuleRecord
from inkwell.bot.services.filters.rules import (
    ACTIONS,
    APPLIES_TO,
    KINDS,
    Action,
    AppliesTo,
    Kind,
    chosen_options,
)
from inkwell.bot.services.filters.service import FilterService

FILTERS_HELP: Final = """\
Filters (you moderate the playground's own server; rules apply to what the model writes):
  /filters add pattern:"…" [kind:word|phrase|wildcard|regex] [action:block|redact|flag]
               [applies_to:prompts|outputs|both] [category:…]
               [masks:yes|no (also sh*t, f**k)] [forms:yes|no (also -s -ed -ing, dumbass)]
  /filters remove rule:#1 · /filters list · /filters test text:"…"
  /filters allow word:… · /filters disallow word:…"""


_YES_OR_NO: Final = {"yes": True, "no": False}


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
        masks, forms = _yes_or_no(given, "masks"), _yes_or_no(given, "forms")
        record = await self._filters.rules.add_rule(
            self._guild,
            self._user,
            pattern=pattern,
            kind=cast(Kind, kind),
            action=cast(Action, action),
            applies_to=cast(AppliesTo, applies_to),
            category=given.get("category"),
            masks=masks,
            forms=forms,
        )
        self._say(
            f"Added rule #{record.id}: {kind} “{record.pattern}”{rule_options(record)} → "
            f"{action} on {applies_to}; a blocked member reads “{record.category}”."
        )

    async def _list(self) -> None:
        config = await self._filters.config(self._guild)
        if not config.rules and not config.allowed:
            self._say("No rules yet. Try: /filters add pattern:lighthouse action:redact")
            return
        for rule in config.rules:
            self._say(
                f"  #{rule.id} {rule.kind} “{rule.pattern}”{rule_options(rule)} → {rule.action}"
                f" on {rule.applies_to}"
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


def rule_options(record: RuleRecord) -> str:
    """``" · masks · word forms"``: what the rule catches besides its word; empty if nothing."""
    chosen = chosen_options(masks=record.masks, forms=record.forms)
    return "".join(f" · {name}" for name in chosen)


def _yes_or_no(given: dict[str, str], name: str) -> bool:
    value = given.get(name, "no").strip().lower()
    if value not in _YES_OR_NO:
        raise InvalidInput(f"{name} must be yes or no, not “{given[name]}”.")
    return _YES_OR_NO[value]


def _joined(named: str | None, free: str) -> str:
    """A named option and the free words after it: ``text:snow on the pine`` is one text."""
    return " ".join(filter(None, [named, free]))


def _needed(value: str, example: str) -> str:
    if not value.strip():
        raise InvalidInput(f"Say what, e.g. {example}")
    return value.strip()
