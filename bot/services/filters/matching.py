"""One pass over a text finds every rule that matches it, whatever the number of rules.

Word, phrase and wildcard patterns (and the allow-list) go into one Aho-Corasick automaton
over the skeleton view (:mod:`~inkwell.bot.services.filters.normalize`), so a check costs about the
same with 10 or 1000 keywords. Whole-word patterns carry the skeleton's padding spaces in
their keys (``" bad "``), so the automaton itself enforces word boundaries; a wildcard's
open side simply has no space.

Repeated letters are collapsed in both the text and the keys, and each key remembers how
often each letter repeats: a hit counts only where the text repeats each letter at least as
often. So "fuuuck" matches "fuck", but "as" never matches "ass".

Regex rules run on the folded view (punctuation intact) with RE2. Every match is reported
as a span of the *original* text; a match that lies inside an allowed word or phrase is
dropped — the allow-list wins.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from itertools import combinations, pairwise
from typing import Any, Final

import ahocorasick

from inkwell.bot.records.filters import Stage
from inkwell.bot.services.filters.joins import (
    Break,
    broken_forms,
    is_contraction,
    is_contraction_tail,
    joined_phrase,
    separates,
)
from inkwell.bot.services.filters.normalize import AMBIGUOUS, fold, skeleton, split_humps
from inkwell.bot.services.filters.rules import (
    FORM_SUFFIXES,
    LinearRegex,
    Rule,
    compile_regex,
    keyword_of,
)
from inkwell.bot.services.filters.views import Skeleton

# "1" in a word may be an i or an l: each i/l of a pattern also matches a "1". Patterns with
# more i's and l's than this get the extra readings on their first few only.
_MAX_AMBIGUOUS_LETTERS: Final = 5
# A u written v and an f written ph: on the first few of a pattern's u's and f's.
_RESPELLED: Final = {"u": "v", "f": "ph"}
_MAX_RESPELLED_LETTERS: Final = 2
_ALLOWED: Final = -1
# What follows the user part of an e-mail address or a host name: a dot, then more name.
_DOMAIN_DOT: Final = re.compile(r"\.\w")


@dataclass(frozen=True, slots=True)
class Match:
    """``rule`` matched ``original[start:end]``."""

    rule: Rule
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Scan:
    """What one pass found: rule matches (allow-list applied) and the allowed spans."""

    matches: tuple[Match, ...]
    allowed: tuple[tuple[int, int], ...]
    skeleton: Skeleton


@dataclass(frozen=True, slots=True)
class _Entry:
    index: int  # into the matcher's rules, or _ALLOWED
    runs: tuple[int, ...]
    lead: int  # 1 if the key starts with a padding space
    trail: int  # 1 if it ends with one
    # A broken form (joins.py): where the fragments meet in the key, and the fragments.
    breaks: tuple[Break, ...] = ()
    # A masked form: where the mask sits in the key (the letter before it for "*", which
    # the skeleton drops inside a word; the space it became for "#", the "a" for "@"), and
    # the mask itself.
    mask_at: int = 0
    mask: str = ""


def collapse(text: str) -> tuple[str, tuple[int, ...]]:
    """``"kill"`` → ``("kil", (1, 1, 2))``: letters once, with how often each repeats."""
    chars: list[str] = []
    runs: list[int] = []
    for char in text:
        if chars and chars[-1] == char and char != " ":
            runs[-1] += 1
        else:
            chars.append(char)
            runs.append(1)
    return "".join(chars), tuple(runs)


def readings(core: str) -> set[str]:
    """``core`` with every choice of its first i/l letters written as the ambiguous ``1``,
    and of its first u and f letters written as people spell them to dodge a filter
    (``fvck``, ``phuck``)."""
    chars = list(core)
    choices: list[tuple[int, str]] = [
        (i, AMBIGUOUS) for i, char in enumerate(chars) if char in "il"
    ][:_MAX_AMBIGUOUS_LETTERS]
    choices += [(i, _RESPELLED[char]) for i, char in enumerate(chars) if char in _RESPELLED][
        :_MAX_RESPELLED_LETTERS
    ]
    found = {core}
    for count in range(1, len(choices) + 1):
        for chosen in combinations(choices, count):
            respelled = chars.copy()
            for position, written in chosen:
                respelled[position] = written
            found.add("".join(respelled))
    return found


class RuleMatcher:
    """The compiled form of a guild's rules and allow-list; immutable, safe to share."""

    def __init__(self, rules: Sequence[Rule], allowed: Iterable[str] = ()) -> None:
        self.rules = tuple(rules)
        self._regexes: list[tuple[int, LinearRegex]] = []
        keys: dict[str, list[_Entry]] = {}
        for index, rule in enumerate(self.rules):
            if rule.kind == "regex":
                self._regexes.append((index, compile_regex(rule.pattern)))
                continue
            keyword = keyword_of(rule.kind, rule.pattern)
            whole_start, whole_end = not keyword.open_start, not keyword.open_end
            self._add(keys, keyword.core, index, whole_start, whole_end)
            joined = joined_phrase(keyword.core)
            if joined is not None:
                self._add(keys, joined, index, whole_start, whole_end)
            if rule.kind in ("word", "phrase"):
                self._add_broken(keys, keyword.core, index)
            if rule.masks and rule.kind == "word":
                self._add_masked(keys, keyword.core, index)
            if rule.forms and rule.kind == "word":
                for suffix in FORM_SUFFIXES:
                    self._add(keys, keyword.core + suffix, index, True, True)
                # A part of a compound, at either end: "*hole", "dumb*".
                self._add(keys, keyword.core, index, False, True)
                self._add(keys, keyword.core, index, True, False)
        self._allowed_prefixes: set[str] = set()
        for term in allowed:
            core = keyword_of("phrase", term).core
            self._add(keys, core, _ALLOWED, True, True)
            joined = joined_phrase(core)
            if joined is not None:
                self._add(keys, joined, _ALLOWED, True, True)
            for reading in readings(core):
                key, _ = collapse(f" {reading} ")
                # Proper prefixes that end a word: a stream ending there may still grow
                # into the allowed phrase (see pending_allowed).
                self._allowed_prefixes.update(
                    key[: cut + 1] for cut in range(1, len(key) - 1) if key[cut] == " "
                )
        self._automaton: Any = None
        if keys:
            automaton = ahocorasick.Automaton()
            for key, entries in keys.items():
                automaton.add_word(key, tuple(entries))
            automaton.make_automaton()
            self._automaton = automaton
        self.keyword_count = sum(1 for rule in self.rules if rule.kind != "regex")
        self.regex_count = len(self._regexes)

    @staticmethod
    def _add(
        keys: dict[str, list[_Entry]], core: str, index: int, whole_start: bool, whole_end: bool
    ) -> None:
        lead, trail = int(whole_start), int(whole_end)
        for reading in readings(core):
            padded = (" " if lead else "") + reading + (" " if trail else "")
            key, runs = collapse(padded)
            entry = _Entry(index, runs, lead, trail)
            bucket = keys.setdefault(key, [])
            if entry not in bucket:
                bucket.append(entry)

    @staticmethod
    def _add_broken(keys: dict[str, list[_Entry]], core: str, index: int) -> None:
        # Only the plain reading gets broken forms: with the 1-for-i/l readings too they
        # multiply the keys (and the compile time) for a combination nobody writes.
        # Most words repeat no letter: then every form is its own key, offsets unchanged.
        plain = not any(a == b != " " for a, b in pairwise(core))
        for padded, breaks in broken_forms(core):
            if plain:
                key, runs, moved = padded, (1,) * len(padded), breaks
            else:
                key, runs = collapse(padded)
                # at[offset]: where padded[offset] is in the key (its collapsed prefix's length)
                at = [0]
                for offset, char in enumerate(padded):
                    kept = offset == 0 or char == " " or char != padded[offset - 1]
                    at.append(at[-1] + kept)
                moved = tuple(
                    Break(at[b.at], at[b.before] if b.before >= 0 else -1, b.left, b.right)
                    for b in breaks
                )
            entry = _Entry(index, runs, 1, 1, moved)
            bucket = keys.setdefault(key, [])
            if entry not in bucket:
                bucket.append(entry)

    @staticmethod
    def _add_masked(keys: dict[str, list[_Entry]], core: str, index: int) -> None:
        """``b*d``, ``f**k``, ``sh#t``, ``sh@t``: inner letters masked, the first and last
        kept."""
        for start in range(1, len(core) - 1):
            for end in range(start + 1, len(core)):
                if len(core) - (end - start) < 2 or " " in core[start:end]:
                    continue
                masks = [("*", ""), ("#", " ")]
                # The skeleton reads "@" as leet for "a", so its mask is a run of "a": not
                # where that run would merge with an "a" beside it, nor where it only says
                # the word ("b@d" is leet already).
                if "a" not in (core[start - 1], core[end]) and set(core[start:end]) != {"a"}:
                    masks.append(("@", "a" * (end - start)))
                for char, gap in masks:
                    padded = f" {core[:start]}{gap}{core[end:]} "
                    key, runs = collapse(padded)
                    at = len(collapse(padded[: start + 1])[0]) - (1 if gap == "" else 0)
                    entry = _Entry(index, runs, 1, 1, mask_at=at, mask=char * (end - start))
                    bucket = keys.setdefault(key, [])
                    if entry not in bucket:
                        bucket.append(entry)

    def _holds(self, entry: _Entry, begin: int, skel: Skeleton, original: str) -> bool:
        """Whether a hit of ``entry`` at skeleton offset ``begin`` counts."""
        runs = skel.runs
        if entry.mask:
            at = begin + entry.mask_at
            if entry.mask[0] == "*":
                hidden = original[skel.ends[at] : skel.starts[at + 1]]
            else:
                hidden = original[skel.starts[at] : skel.ends[at]]
            if hidden != entry.mask:
                return False
            # "sh@t.com" is an address, not a mask.
            last = begin + len(entry.runs) - 2
            if entry.mask[0] == "@" and _DOMAIN_DOT.match(original, skel.ends[last]):
                return False
        if not entry.breaks:
            return all(runs[begin + k] >= need for k, need in enumerate(entry.runs))
        if any(runs[begin + k] != need for k, need in enumerate(entry.runs)):
            return False
        starts, ends = skel.starts, skel.ends
        for cut in entry.breaks:
            separator = original[starts[begin + cut.at] : ends[begin + cut.at]]
            if separates(separator) or is_contraction(cut.left, cut.right, separator):
                return False
            if cut.before >= 0:
                before = original[starts[begin + cut.before] : ends[begin + cut.before]]
                if is_contraction_tail(cut.left, before):
                    return False
        return True

    @property
    def empty(self) -> bool:
        return not self.rules

    def scan(self, text: str, stage: Stage | None = None) -> Scan:
        """Every rule for ``stage`` (all rules if ``None``) that matches ``text``."""
        folded = fold(text)
        skel = skeleton(folded)
        found: list[Match] = []
        allowed: list[tuple[int, int]] = []
        rules = self.rules
        if self._automaton is not None:
            self._keywords(skel, text, stage, found, allowed)
            if skel.trimmable:
                self._keywords(skeleton(folded, trim=True), text, stage, found, allowed)
            if folded.humps and not folded.reordered:
                humped = skeleton(split_humps(folded))
                self._keywords(humped, text, stage, found, allowed)
                if humped.unsettled is not None and (
                    skel.unsettled is None or humped.unsettled < skel.unsettled
                ):
                    skel = replace(skel, unsettled=humped.unsettled)
        for index, regex in self._regexes:
            rule = rules[index]
            if stage is not None and not rule.applies(stage):
                continue
            for start, end in regex.spans(folded.text):
                if folded.reordered:
                    low = min(folded.starts[start:end])
                    found.append(Match(rule, low, max(folded.ends[start:end])))
                else:
                    found.append(Match(rule, folded.starts[start], folded.ends[end - 1]))
        kept = {
            match
            for match in found
            if not any(low <= match.start and match.end <= high for low, high in allowed)
        }
        ordered = sorted(kept, key=lambda m: (m.start, -m.rule.weight, m.end, m.rule.label))
        return Scan(tuple(ordered), tuple(allowed), skel)

    def _keywords(
        self,
        skel: Skeleton,
        original: str,
        stage: Stage | None,
        found: list[Match],
        allowed: list[tuple[int, int]],
    ) -> None:
        """The keyword hits of one skeleton view, appended to ``found`` and ``allowed``."""
        rules, text = self.rules, skel.text
        for end, entries in self._automaton.iter(text):
            for entry in entries:
                begin = end - len(entry.runs) + 1
                if not self._holds(entry, begin, skel, original):
                    continue
                first, last = begin + entry.lead, end - entry.trail
                # A wildcard hit masks its whole word: "███ing" would still say it.
                if not entry.lead:
                    first = text.rfind(" ", 0, first) + 1
                if not entry.trail:
                    last = text.find(" ", last + 1) - 1
                span = skel.span(first, last)
                if entry.index == _ALLOWED:
                    allowed.append(span)
                elif stage is None or rules[entry.index].applies(stage):
                    found.append(Match(rules[entry.index], *span))

    def pending_allowed(self, skel: Skeleton) -> int | None:
        """Where an unfinished allowed phrase may start at the end of a streamed text.

        "We visited Hell" must not be blocked for "hell" while the model may still be
        writing "Hell Creek" (allowed). Returns the original offset from which the text
        should be held back, or ``None``.
        """
        if not self._allowed_prefixes:
            return None
        text = skel.text
        longest = max(len(prefix) for prefix in self._allowed_prefixes)
        for begin in range(max(0, len(text) - longest), len(text) - 1):
            if text[begin] == " " and text[begin:] in self._allowed_prefixes:
                return skel.starts[begin + 1]
        return None
