"""What a filter rule is, and which patterns moderators may write.

Four kinds, as Discord AutoMod has them: a *word* and a *phrase* match whole words only (so
"Scunthorpe" and "assassin" pass a rule on their inner letters); a *wildcard* matches
inside words on its open sides (``*cat`` ends a word, ``cat*`` starts one, a bare
``cat`` or ``*cat*`` may sit anywhere); a *regex* runs on RE2, a linear-time engine, so no
pattern can stall the bot. Patterns are checked when they are added, with a sentence saying
what is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, Literal, get_args

import re2

from inkwell.bot.errors import InvalidInput
from inkwell.bot.records.filters import Stage
from inkwell.bot.services.filters.normalize import pattern_skeleton

Kind = Literal["word", "phrase", "wildcard", "regex"]
Action = Literal["block", "redact", "flag"]
AppliesTo = Literal["prompts", "outputs", "both"]
KINDS: Final = get_args(Kind)
ACTIONS: Final = get_args(Action)
APPLIES_TO: Final = get_args(AppliesTo)

# Capacity per guild: at least Discord AutoMod's (1000 keywords, 10 regexes, 60 characters
# per keyword, 260 per regex).
MAX_KEYWORDS: Final = 1000
MAX_REGEXES: Final = 10
MAX_ALLOWED: Final = 1000
MAX_KEYWORD_CHARS: Final = 60
MAX_REGEX_CHARS: Final = 260
MAX_CATEGORY_CHARS: Final = 40
DEFAULT_CATEGORY: Final = "server rules"
# A regex stops reporting after this many matches in one text: enough to mask them all in
# any message Discord allows, bounded for a pathological one.
MAX_REGEX_MATCHES: Final = 200
# RE2 refuses to build a program bigger than this (bytes); a refusal is a compile error.
_REGEX_MEMORY: Final = 4 << 20

# What word forms add to a word rule: these suffixes (a doubled last letter, ``shitty``,
# needs none of its own: repeats collapse).
FORM_SUFFIXES: Final = ("s", "es", "ed", "ing", "er", "ers", "y", "it")
_ACTION_WEIGHT: Final = {"block": 3, "flag": 2, "redact": 1}
# Stored text back to its type (the database's CHECK constraints allow nothing else).
_KINDS: Final[dict[str, Kind]] = {kind: kind for kind in ("word", "phrase", "wildcard", "regex")}
_ACTIONS: Final[dict[str, Action]] = {action: action for action in ("block", "redact", "flag")}
_APPLIES_TO: Final[dict[str, AppliesTo]] = {a: a for a in ("prompts", "outputs", "both")}


def parse_kind(value: str) -> Kind:
    return _KINDS[value]


def parse_action(value: str) -> Action:
    return _ACTIONS[value]


def parse_applies_to(value: str) -> AppliesTo:
    return _APPLIES_TO[value]


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule as the matcher uses it, from a moderator (``#12``) or a preset."""

    label: str
    kind: Kind
    pattern: str
    action: Action
    applies_to: AppliesTo
    # What a member may read when it blocks them ("profanity"); never the pattern.
    category: str
    # Word forms (a moderator's choice, off by default to keep AutoMod's whole-word
    # meaning): the word with a common suffix (``bads``, ``badder``, ``shitty``) or as
    # a part of a compound (``*hole``, ``dumb*``); the allow-list still wins.
    forms: bool = False
    # Masks (a moderator's choice: it has false positives): ``b*d``, ``f**k``, ``sh#t``,
    # ``sh@t``, letters inside the word replaced one for one by ``*``, ``#`` or ``@``.
    masks: bool = False

    def applies(self, stage: Stage) -> bool:
        wanted = "prompts" if stage == "prompt" else "outputs"
        return self.applies_to in ("both", wanted)

    @property
    def weight(self) -> int:
        return _ACTION_WEIGHT[self.action]


@dataclass(frozen=True, slots=True)
class Keyword:
    """A non-regex pattern in skeleton form, and whether its ends may sit inside a word."""

    core: str
    open_start: bool
    open_end: bool


def _clean(pattern: str) -> str:
    return " ".join(pattern.split())


def keyword_of(kind: Kind, pattern: str) -> Keyword:
    """The matcher's form of a word, phrase or wildcard pattern; :class:`InvalidInput` if
    the pattern cannot work as that kind."""
    text = _clean(pattern)
    if not text:
        raise InvalidInput("The pattern is empty.")
    if len(text) > MAX_KEYWORD_CHARS:
        raise InvalidInput(
            f"A {kind} pattern may have at most {MAX_KEYWORD_CHARS} characters; "
            f"this one has {len(text)}."
        )
    open_start = open_end = False
    if kind == "wildcard":
        open_start, open_end = text.startswith("*"), text.endswith("*")
        text = text.strip("*").strip()
        if "*" in text:
            raise InvalidInput(
                "A wildcard pattern may have * only at its start or end (“*cat”, “cat*”, “*cat*”)."
            )
        if not (open_start or open_end):
            open_start = open_end = True
    elif "*" in text:
        # A star is markdown to the normalizer and would vanish silently.
        raise InvalidInput(f"A {kind} pattern matches literally; for * use the wildcard kind.")
    core = pattern_skeleton(text)
    letters = core.replace(" ", "")
    if len(letters) < 2:
        raise InvalidInput(
            "A pattern needs at least two letters or digits once punctuation is ignored."
        )
    if kind == "word" and " " in core:
        raise InvalidInput(
            f"“{text}” reads as several words ({core}); add it with kind phrase instead."
        )
    return Keyword(core, open_start, open_end)


class LinearRegex:
    """A compiled RE2 pattern: case-insensitive, no backtracking, bounded memory."""

    def __init__(self, pattern: str) -> None:
        options: Any = re2.Options()
        options.case_sensitive = False
        options.log_errors = False
        options.max_mem = _REGEX_MEMORY
        try:
            self._compiled: Any = re2.compile(pattern, options)
        except re2.error as error:
            raise InvalidInput(f"That regex doesn't compile: {_reason(error)}.") from error
        self.pattern = pattern

    def spans(self, text: str, limit: int = MAX_REGEX_MATCHES) -> list[tuple[int, int]]:
        found: list[tuple[int, int]] = []
        for match in self._compiled.finditer(text):
            start, end = match.span()
            if end > start:
                found.append((start, end))
                if len(found) >= limit:
                    break
        return found

    def matches_empty(self) -> bool:
        return self._compiled.fullmatch("") is not None


def _reason(error: Exception) -> str:
    reason = error.args[0] if error.args else error
    if isinstance(reason, bytes):
        reason = reason.decode("utf-8", "replace")
    return str(reason).rstrip(".")


def compile_regex(pattern: str) -> LinearRegex:
    """Compile a moderator's regex now, so an error shows when it is added, not later."""
    if not pattern.strip():
        raise InvalidInput("The regex is empty.")
    if len(pattern) > MAX_REGEX_CHARS:
        raise InvalidInput(
            f"A regex may have at most {MAX_REGEX_CHARS} characters; this one has {len(pattern)}."
        )
    regex = LinearRegex(pattern)
    if regex.matches_empty():
        raise InvalidInput("That regex matches empty text, so it would match every message.")
    return regex


def check_pattern(kind: Kind, pattern: str) -> str:
    """Validate ``pattern`` for ``kind`` and return it as stored (whitespace tidied)."""
    if kind == "regex":
        compile_regex(pattern)
        return pattern
    keyword_of(kind, pattern)
    return _clean(pattern)


def chosen_options(*, masks: bool, forms: bool) -> list[str]:
    """What a rule catches besides its word, as ``/filters`` names it."""
    return [name for name, on in (("masks", masks), ("word forms", forms)) if on]


def check_options(kind: Kind, *, masks: bool, forms: bool) -> None:
    """Masks and word forms read a single word, so only a word rule may have them."""
    chosen = " and ".join(chosen_options(masks=masks, forms=forms))
    if chosen and kind != "word":
        raise InvalidInput(f"Only a word rule can catch {chosen}; this is a {kind} rule.")


def check_category(category: str | None) -> str:
    text = _clean(category or "") or DEFAULT_CATEGORY
    if len(text) > MAX_CATEGORY_CHARS:
        raise InvalidInput(
            f"A category may have at most {MAX_CATEGORY_CHARS} characters; this one has "
            f"{len(text)}."
        )
    return text


def check_allowed(term: str) -> str:
    """An allow-list entry: one word or a phrase, matched whole."""
    text = _clean(term)
    keyword_of("phrase", text)
    return text
