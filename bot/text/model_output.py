"""What a small chat model wraps around a piece, taken off before a member reads it.

SmolLM-sized models open with "Sure! Here's your story:" or "I've just finished editing
the lyrics. Let me walk through them again:", echo the request ("Genre: noir"), close
with "I hope you enjoy it!", put Markdown headings over a story and HTML entities
(``&#xA;``, ``&amp;``) in the middle of it. :func:`strip_chatter` removes those lines
and decodes the entities; the piece's own words are left as they are. While a piece
streams, :func:`held_back` says whether its first line might still turn out to be such
chatter, so it is not shown only to vanish a moment later.

Lines are judged whole, by their shape, at the start and the end of the text only: a
story whose third paragraph opens "Let me go," she said is a story.
"""

from __future__ import annotations

import re
from typing import Final, Literal

ChatterForm = Literal["story", "lyrics", "poem", "post"]

_POLITE: Final = r"(?:sure|okay|ok|certainly|of course|absolutely|alright|great|gladly)"
_PIECE: Final = (
    r"(?:story|tale|poem|haiku|tanka|limerick|sonnet|villanelle|acrostic|song|lyrics|"
    r"verse|post|tweet|caption|thread|draft|version|piece|rewrite|continuation)"
)
# Whole lines of preamble, judged with the line's Markdown emphasis taken off.
_OPENERS: Final = (
    re.compile(rf"^{_POLITE}\W*$", re.IGNORECASE),  # "Sure!"
    re.compile(rf"^{_POLITE}[!,.]\s+(?:here|I|I'm|I’m|let me|let's|below)\b", re.IGNORECASE),
    re.compile(r"^(?:here(?:'s|’s| is| are)|below is|this is)\b.*[:：]$", re.IGNORECASE),
    re.compile(
        rf"^(?:here(?:'s|’s| is| are))\s+(?:your|a|an|the|my)\b.{{0,40}}\b{_PIECE}s?"
        r"(?:\s+(?:about|on|for you|titled|called|inspired by|based on)\b.*)?\W*$",
        re.IGNORECASE,
    ),
    re.compile(
        r"^I(?:'ve|’ve| have)\s+(?:just\s+)?(?:finished|written|edited|revised|created|"
        rf"composed|crafted|drafted|made|come up with)\b.{{0,40}}\b{_PIECE}s?\b",
        re.IGNORECASE,
    ),
    re.compile(r"^(?:let me|let's|let us|I'll|I’ll|I will)\b.*[:：]$", re.IGNORECASE),
    re.compile(
        r"^(?:let me|let's|let us)\s+(?:walk you|walk through|go through|go over|"
        r"take you through|share|present)\b",
        re.IGNORECASE,
    ),
    re.compile(rf"^(?:title|{_PIECE})\s*[:：]$", re.IGNORECASE),  # "Story:" alone
)
# The request coming back: its opening sentence or one of its fields.
_ECHOES: Final = re.compile(
    r"^(?:write (?:a |an |the |song )?(?:story|poem|post|lyrics|song lyrics)\b.*"
    r"|(?:genre|tone|mood|length|point of view|structure|platform|form|acrostic word|"
    r"prompt|topic|subject)\s*[:：].*)$",
    re.IGNORECASE,
)
# Sign-offs after the piece.
_CLOSERS: Final = re.compile(
    r"^(?:I hope (?:you|this|that|it)|hope you (?:enjoy|like)|let me know|feel free to|"
    r"enjoy\W*$|(?:would|do) you (?:like|want) (?:me|a|an|another|any|more)\b|"
    r"if you(?:'d|’d| would)? (?:like|want|need) (?:me to|any|a different|another|more)\b|"
    r"I can (?:also|adjust|revise|change|make changes|write (?:another|more))\b|"
    r"note\s*:|\(note)",
    re.IGNORECASE,
)
_RULE: Final = re.compile(r"^(?:-{3,}|\*{3,}|_{3,})$")
_EMPHASIS: Final = re.compile(r"^[*_\s>]+|[*_\s]+$")
_HEADING: Final = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.*?)[ \t#]*$")
_SECTION_NAME: Final = re.compile(
    r"^(?:verse(?:\s*\d+)?|(?:pre-?|post-?)?chorus|final chorus|bridge|intro|outro|hook|"
    r"refrain|interlude)$",
    re.IGNORECASE,
)
# Only real entity syntax is decoded ("AT&T" and "&copyright" are words, not entities).
_ENTITY: Final = re.compile(r"&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]{2,8}));")
_NAMED: Final = {
    "amp": "&",
    "lt": "<",
    "gt": ">",
    "quot": '"',
    "apos": "'",
    "nbsp": " ",
    "hellip": "…",
    "mdash": "—",
    "ndash": "–",
    "rsquo": "’",
    "lsquo": "‘",
    "rdquo": "”",
    "ldquo": "“",
}
# Longest first line that may be held back while it streams: past this it is prose.
_HOLD_LIMIT: Final = 160
_HOLDABLE_START: Final = re.compile(
    rf"^[*_#>\s]*(?:{_POLITE}|here|below|this is|let|write|title|#|"
    r"I(?:$|['’]|\s+(?:h|ha|hav|have|w|wi|wil|will)?$|\s+(?:have|will)\b)|"
    r"genre|tone|mood|length|point|structure|platform|form|acrostic|prompt|topic|subject)",
    re.IGNORECASE,
)


def decode_entities(text: str) -> str:
    """``&#xA;`` → a line break, ``&amp;`` → ``&``; unknown names and invalid code points
    are dropped, since a member can do nothing with them either."""

    def decoded(match: re.Match[str]) -> str:
        decimal, hexadecimal, name = match.groups()
        if name is not None:
            return _NAMED.get(name.lower(), "")
        code = int(decimal) if decimal is not None else int(hexadecimal, 16)
        if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return ""
        return "\n" if code == 0x0D else chr(code)

    return _ENTITY.sub(decoded, text)


def _bare(line: str) -> str:
    return _EMPHASIS.sub("", line.strip())


def _is_opener(line: str) -> bool:
    bare = _bare(line)
    return bool(bare) and (any(p.search(bare) for p in _OPENERS) or bool(_ECHOES.match(bare)))


def _is_closer(line: str) -> bool:
    bare = _bare(line)
    return bool(bare) and (bool(_CLOSERS.match(bare)) or bool(_RULE.match(bare)))


def _heading(line: str, form: ChatterForm) -> str:
    """A Markdown heading as the form wants it: a song's section label, else plain words."""
    found = _HEADING.match(line)
    if found is None:
        return line
    words = _bare(found[1])
    if form == "lyrics" and _SECTION_NAME.match(words.strip("[]")):
        return f"[{words.strip('[]')}]"
    return words


def strip_chatter(text: str, form: ChatterForm, *, never_empty: bool = True) -> str:
    """``text`` without the preamble, echoed request and sign-off lines around the piece,
    with Markdown headings turned into plain lines (a song's into ``[Verse 1]`` labels) and
    HTML entities decoded. A text that is nothing but such lines is returned with only its
    entities decoded: a piece is never emptied by cleaning (``never_empty=False``, for text
    still streaming: ``""``, the piece has not begun yet). A final line break is kept, so
    :func:`~inkwell.bot.text.endings.cut_to_complete` can still tell the last line whole."""
    decoded = decode_entities(text)
    lines = decoded.split("\n")
    start = 0
    while start < len(lines) and (not lines[start].strip() or _is_opener(lines[start])):
        start += 1
    end = len(lines)
    while end > start and (not lines[end - 1].strip() or _is_closer(lines[end - 1])):
        end -= 1
    kept = [_heading(line, form) for line in lines[start:end]]
    if not any(line.strip() for line in kept):
        return decoded if never_empty else ""
    cleaned = "\n".join(kept)
    # A line with anything after it (a break, a sign-off) was written to its end.
    return cleaned + "\n" if end < len(lines) else cleaned


def held_back(text: str) -> bool:
    """Whether streaming text should not be shown yet: its first line is still being
    written and might be a preamble or the request echoed (judged once its line ends)."""
    first = text.lstrip()
    return "\n" not in first and len(first) <= _HOLD_LIMIT and bool(_HOLDABLE_START.match(first))
