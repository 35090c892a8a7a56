"""Song lyrics: labelled sections in the order the structure option asks for, a chorus that returns.

Labels
    A label is a line of its own in square brackets naming a section: ``[Verse 1]``,
    ``[Chorus]``, ``[Bridge]``; also Pre-Chorus, Post-Chorus, Intro, Outro, Hook, Refrain,
    Interlude and Final Chorus, in any case, a verse with or without its number. A line that
    is plainly meant as a label but is not written as one ("Chorus:", "(Verse 2)",
    "**Bridge**", "[Chorus") is a problem, and still read as the label it means, so the rest
    of the check can go on. A bracketed name outside that list ("[Guitar Solo]") is a
    problem too: lyrics have nothing to sing there.

Structure (``LyricsStructure``)
    - ``verse-chorus``: the verses, choruses and bridges, in order, must be Verse, Chorus,
      Verse, Chorus; ``verse-chorus-bridge``: Verse, Chorus, Verse, Chorus, Bridge, Chorus.
      Other sections (an intro, a pre-chorus, an outro) are allowed with a remark, since
      they add to the song without breaking the shape asked for. Numbered verses must
      count 1, 2, … in order.
    - ``freeform``: any sections, at least two of them, all labelled well. A chorus is not
      required; a chorus that returns changed earns a remark, not a failure.
    Every section needs at least one line: a bare ``[Chorus]`` meaning "repeat" is a problem
    (the reader is owed the words). Lines before the first label are a problem, except a
    single title line standing alone.

The chorus repeats
    Every later chorus must be the first one again, near enough: case and punctuation are
    ignored and 80% of the words in order (difflib's ratio) must agree, so a changed line
    or a dropped "oh" passes and a new chorus does not.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Final

from inkwell.bot.services.craft.layout import marked_title
from inkwell.bot.services.craft.verdict import (
    CHORUS_PENALTY,
    LABEL_PENALTY,
    WEAK_PENALTY,
    LineFact,
    Problem,
    Verdict,
)
from inkwell.bot.services.craft.villanelle import refrain_words
from inkwell.bot.services.forms import LyricsStructure

_KINDS: Final = {
    "verse": "Verse",
    "chorus": "Chorus",
    "prechorus": "Pre-Chorus",
    "postchorus": "Post-Chorus",
    "bridge": "Bridge",
    "intro": "Intro",
    "outro": "Outro",
    "hook": "Hook",
    "refrain": "Refrain",
    "interlude": "Interlude",
    "finalchorus": "Chorus",
}
_CORE: Final = frozenset({"Verse", "Chorus", "Bridge"})
EXPECTED: Final[dict[str, tuple[str, ...]]] = {
    "verse-chorus": ("Verse", "Chorus", "Verse", "Chorus"),
    "verse-chorus-bridge": ("Verse", "Chorus", "Verse", "Chorus", "Bridge", "Chorus"),
}
CHORUS_RATIO: Final = 0.8
_LABEL: Final = re.compile(r"\[\s*(?P<name>[^\[\]]+?)\s*\]")
_NAME: Final = re.compile(r"(?P<kind>[a-z][a-z -]*?)(?:\s+(?P<number>\d+))?", re.IGNORECASE)
_LOOSE_LABEL: Final = re.compile(
    r"[\W_]*(?P<name>(?:final\s+)?(?:verse|pre-?\s?chorus|post-?\s?chorus|chorus|bridge|intro|"
    r"outro|hook|refrain|interlude)(?:\s*\d+)?)[\W_]*",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Section:
    """One labelled part of the song: its kind ("Verse"), number, label line and lines."""

    kind: str | None
    number: int | None
    label: str
    line: int
    lines: tuple[str, ...]

    @property
    def name(self) -> str:
        """As a report shows it: "Verse 1", "Chorus", or the label as written if unknown."""
        if self.kind is None:
            return self.label
        return f"{self.kind} {self.number}" if self.number is not None else self.kind


def _kind(name: str) -> tuple[str | None, int | None]:
    match = _NAME.fullmatch(name.strip())
    if not match:
        return None, None
    key = re.sub(r"[\s-]", "", match.group("kind").lower())
    number = match.group("number")
    return _KINDS.get(key), int(number) if number else None


def _read_label(line: str) -> tuple[str, bool] | None:
    """(the label's name, well written?) if ``line`` is a label, or means to be one."""
    proper = _LABEL.fullmatch(line)
    if proper:
        return proper.group("name"), True
    loose = _LOOSE_LABEL.fullmatch(line)
    return (loose.group("name"), False) if loose else None


def _non_blank(text: str) -> tuple[list[str], set[int]]:
    """The stripped non-blank lines, and the (1-based) numbers of those a blank line follows."""
    lines: list[str] = []
    before_blank: set[int] = set()
    for raw in text.splitlines():
        if raw.strip():
            lines.append(raw.strip())
        elif lines:
            before_blank.add(len(lines))
    return lines, before_blank


def parse_sections(text: str) -> tuple[list[str], list[Section], list[Problem]]:
    """(lines before any label, the sections, label problems), lines numbered as in a poem."""
    lines, _ = _non_blank(text)
    leading: list[str] = []
    sections: list[Section] = []
    problems: list[Problem] = []
    for number, line in enumerate(lines, start=1):
        label = _read_label(line)
        if label is None:
            if sections:
                last = sections[-1]
                sections[-1] = Section(
                    last.kind, last.number, last.label, last.line, (*last.lines, line)
                )
            else:
                leading.append(line)
            continue
        name, well_written = label
        kind, count = _kind(name)
        if not well_written:
            wanted = f"[{kind} {count}]" if kind and count else f"[{kind or name}]"
            message = f"line {number} “{line}” should be a label on its own line, like {wanted}"
            brief = f"write “{line}” as {wanted}"
            problems.append(Problem(message, number, LABEL_PENALTY, brief))
        elif kind is None:
            message = f"line {number} “{line}” is not a section of a song (Verse, Chorus, Bridge…)"
            brief = f"“{line}” is not a song section"
            problems.append(Problem(message, number, LABEL_PENALTY, brief))
        sections.append(Section(kind, count, line, number, ()))
    return leading, sections, problems


def _leading_problems(text: str, leading: list[str]) -> tuple[str | None, list[Problem]]:
    """A lone title line before the first label is a title; other leading lines a problem."""
    if not leading:
        return None, []
    _, before_blank = _non_blank(text)
    if len(leading) == 1 and (marked := marked_title(leading[0])):
        return marked, []
    if len(leading) == 1 and 1 in before_blank:
        return leading[0], []
    if len(leading) == 1:
        message = "line 1 comes before any section label"
    else:
        message = f"lines 1–{len(leading)} come before any section label"
    return None, [Problem(message, 1, LABEL_PENALTY)]


def _missing_brief(expected: tuple[str, ...], core: tuple[str | None, ...]) -> str:
    """What a report line says of a wrong order: the first section missing or out of place."""
    ordinals = ("first", "second", "third", "fourth")
    for index, wanted in enumerate(expected):
        if index >= len(core):
            nth = expected[: index + 1].count(wanted)
            which = f"{ordinals[nth - 1]} " if nth > 1 and nth <= len(ordinals) else ""
            return f"no {which}{wanted.lower()}"
        if core[index] != wanted:
            return f"{core[index]} where {wanted} should be"
    return f"{core[len(expected)]} after the last {expected[-1]}"


def _same_chorus(first: Section, other: Section) -> bool:
    wanted = [word for line in first.lines for word in refrain_words(line)]
    found = [word for line in other.lines for word in refrain_words(line)]
    ratio = difflib.SequenceMatcher(a=wanted, b=found, autojunk=False).ratio()
    return ratio >= CHORUS_RATIO


def _structure_problems(
    structure: LyricsStructure, sections: list[Section]
) -> tuple[list[Problem], list[Problem]]:
    problems: list[Problem] = []
    remarks: list[Problem] = []
    known = [section for section in sections if section.kind is not None]
    if structure == "freeform":
        if len(sections) < 2:
            message = f"the song has {len(sections)} labelled section{'s' * (len(sections) != 1)}"
            problems.append(Problem(message + "; it should have at least 2", None, LABEL_PENALTY))
    else:
        expected = EXPECTED[structure]
        core = tuple(section.kind for section in known if section.kind in _CORE)
        if core != expected:
            matcher = difflib.SequenceMatcher(a=expected, b=core, autojunk=False)
            matched = sum(block.size for block in matcher.get_matching_blocks())
            off = len(expected) + len(core) - 2 * matched
            message = (
                f"the sections run {', '.join(core) or 'without verse or chorus'}; "
                f"{structure} asks for {', '.join(expected)}"
            )
            brief = _missing_brief(expected, core)
            problems.append(Problem(message, None, LABEL_PENALTY * off, brief))
        for section in known:
            if section.kind not in _CORE:
                remark = (
                    f"line {section.line} adds {section.label}, which {structure} does not ask for"
                )
                brief = f"adds {section.label}"
                remarks.append(Problem(remark, section.line, WEAK_PENALTY, brief))
    numbers = [section.number for section in known if section.kind == "Verse" and section.number]
    if numbers and numbers != list(range(1, len(numbers) + 1)):
        message = (
            f"the verses are numbered {', '.join(map(str, numbers))}; they should count 1, 2, …"
        )
        problems.append(Problem(message, None, LABEL_PENALTY))
    for section in sections:
        if not section.lines:
            message = f"line {section.line} {section.label} has no lines under it"
            brief = f"{section.label} at line {section.line} is empty"
            problems.append(Problem(message, section.line, LABEL_PENALTY, brief))
    choruses = [section for section in known if section.kind == "Chorus" and section.lines]
    for later in choruses[1:]:
        if not _same_chorus(choruses[0], later):
            message = (
                f"the chorus at line {later.line} is not the chorus of line {choruses[0].line}"
            )
            brief = f"the chorus changes at line {later.line}"
            finding = Problem(message, later.line, CHORUS_PENALTY, brief)
            (remarks if structure == "freeform" else problems).append(finding)
    return problems, remarks


def check_lyrics(text: str, structure: LyricsStructure = "verse-chorus") -> Verdict:
    """Labelled sections in the order ``structure`` asks for, the chorus repeated."""
    leading, sections, problems = parse_sections(text)
    title, leading_problems = _leading_problems(text, leading)
    structure_problems, remarks = _structure_problems(structure, sections)
    facts = [
        LineFact(number=number, text=line)
        for number, line in enumerate(_non_blank(text)[0], start=1)
    ]
    return Verdict(
        "lyrics",
        tuple(facts),
        tuple(leading_problems + problems + structure_problems),
        tuple(remarks),
        title=title,
        sections=tuple(section.name for section in sections),
        target_scheme=", ".join(EXPECTED.get(structure, ())) or None,
    )
