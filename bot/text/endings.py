"""Where a piece the token budget cut may end: its last complete sentence, or line.

A model stopped at ``max_tokens`` stops wherever it is, mid-word ("…He took in"). Prose
(stories, posts) goes back to its last complete sentence; verse (lyrics) to its last
complete line, and a section label left with no line under it goes too. Only the trailing
fragment is ever dropped: a text with no complete sentence (or line) at all is kept as it
is, so a piece is never emptied and nothing before the fragment is lost.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final, Literal

Unit = Literal["sentence", "line"]

# Closing quotes, brackets and emphasis that may follow a sentence's last mark.
_CLOSERS: Final = "\"'”’»)]}*_~`"
# A sentence's end: its marks, then any closers, then a space or the end of the text.
_SENTENCE_END: Final = re.compile(rf"[.!?…‼⁉。！？]+[{re.escape(_CLOSERS)}]*(?=\s|\Z)")
# A line of hashtags alone (a post's last line) is complete as it stands.
_HASHTAG_LINE: Final = re.compile(r"^[ \t]*#\w+(?:[ \t]+#\w+)*[ \t]*$", re.MULTILINE)
_SECTION_LABEL: Final = re.compile(r"^\s*\[[^\]\n]{1,40}\]\s*$")


def _is_emoji(char: str) -> bool:
    """An emoji or another symbol ends a post's sentence as a full stop would."""
    return unicodedata.category(char) == "So" or char in "\ufe0f\u200d"


def sentence_ends(text: str) -> list[int]:
    """Every offset just after a complete sentence (or a complete hashtag line)."""
    ends = [match.end() for match in _SENTENCE_END.finditer(text)]
    ends += [match.end() for match in _HASHTAG_LINE.finditer(text) if match.group().strip()]
    for index, char in enumerate(text):
        following = text[index + 1 : index + 2]
        if _is_emoji(char) and (not following or following.isspace()):
            ends.append(index + 1)
    return sorted(ends)


def ends_complete(text: str, unit: Unit) -> bool:
    """Whether ``text`` already ends at a sentence's (``unit="sentence"``) or a line's end."""
    body = text.rstrip()
    if not body:
        return True
    if unit == "line":
        return text.endswith("\n")
    ends = sentence_ends(body)
    return bool(ends) and ends[-1] == len(body)


def cut_to_complete(text: str, unit: Unit) -> str:
    """``text`` without its trailing fragment: up to its last complete sentence or line.

    ``unit="sentence"`` for prose: a sentence ends on ``. ! ? …`` (closing quotes, brackets
    or emphasis after it count with it), on an emoji, or at the end of a line of hashtags.
    ``unit="line"`` for verse: a line is complete once a line break follows it; section
    labels (``[Chorus]``) left with nothing under them go with the fragment. A text without
    any complete sentence or line is returned whole (trailing spaces aside): its words are
    all there is.
    """
    body = text.rstrip()
    if unit == "line":
        return _cut_to_line(body, last_is_whole=text.endswith("\n"))
    if not body or ends_complete(body, unit):
        return body
    ends = sentence_ends(body)
    return body[: ends[-1]].rstrip() if ends else body


def _cut_to_line(body: str, *, last_is_whole: bool) -> str:
    lines = body.split("\n")
    if not last_is_whole:
        lines.pop()  # no line break came after it: the fragment
    while lines and (not lines[-1].strip() or _SECTION_LABEL.match(lines[-1])):
        lines.pop()
    kept = "\n".join(lines).rstrip()
    return kept or body
