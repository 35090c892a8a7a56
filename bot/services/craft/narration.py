"""A story's narration: what the narrator says, without the characters' dialogue or headings.

Point of view and tense belong to the narration. A third-person story is full of "I" and
"you" inside quotation marks, and a past-tense one of present-tense speech, so dialogue is
set aside before anything is counted:

- double quotation marks, straight (``"…"``) or curly (``“…”``), and curly single ones
  (``‘…’``): a curly single quote opens only at the start of a word and closes only at the
  end of one, so the apostrophe of "don’t" or "’tis" never ends a line of dialogue early;
- a quotation still open at the end of its paragraph ends there (the usual way to quote
  across paragraphs opens every paragraph again and closes only the last);
- straight single quotes are left alone: "'Come,' she said" and "the dogs' bowls" can't be
  told apart without parsing, and most writing, the model's included, quotes with doubles.

Headings are set aside too, since their capitals would otherwise read as names: a line
starting with ``#``, or a paragraph's first line when it is short, ends without a
sentence's last punctuation ("The Lighthouse", "**Chapter One**"), opens no quotation (a
line of dialogue left open is not a title) and is not continued in lower case on the next
line (a hard-wrapped sentence is). The lines of a paragraph are then one text: a hard wrap
is a space, not the end of a sentence.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from inkwell.bot.services.craft.words import normalise_apostrophes, tokens

# Longest line, in words, that may be a heading rather than a sentence.
HEADING_MAX_WORDS: Final = 8
_SENTENCE_END: Final = re.compile(r"[.!?…:;\"”’)]\s*$")
# Where removed dialogue was: a sentence ends there (U+2029, the paragraph separator).
_BREAK: Final = "\u2029"
_SENTENCE_BREAK: Final = re.compile(r"(?<=[.!?…])\s+|\u2029")
_DOUBLE_QUOTES: Final = frozenset('"“”')


@dataclass(frozen=True, slots=True)
class Narration:
    """A text split into what the narrator says and what the characters say.

    ``sentences`` holds the narration's sentences in order, dialogue and headings removed
    (a sentence interrupted by dialogue is two pieces); the counts are in words.
    """

    sentences: tuple[str, ...]
    narration_words: int
    dialogue_words: int


def _is_heading(lines: Sequence[str], index: int) -> bool:
    stripped = lines[index].strip()
    if stripped.startswith("#"):
        return True
    if index:
        return False
    continued = len(lines) > 1 and lines[1].lstrip()[:1].islower()
    quoting = any(char in _DOUBLE_QUOTES or char == "‘" for char in stripped)
    count = len(tokens(stripped))
    return (
        0 < count <= HEADING_MAX_WORDS
        and not continued
        and not quoting
        and not _SENTENCE_END.search(stripped.strip("*_ "))
    )


def _split_paragraph(paragraph: str) -> tuple[str, str]:
    """(narration, dialogue) of one paragraph; removed dialogue leaves a break behind in
    each, so no sentence runs across it."""
    narration: list[str] = []
    dialogue: list[str] = []
    closing: str | None = None  # the quote that ends the dialogue we are in, if any
    for index, char in enumerate(paragraph):
        before = paragraph[index - 1] if index else " "
        after = paragraph[index + 1] if index + 1 < len(paragraph) else " "
        if closing is None:
            if char in _DOUBLE_QUOTES and char != "”":
                closing = '"' if char == '"' else "”"
                narration.append(_BREAK)
            elif char == "‘" and not before.isalnum():
                closing = "’"
                narration.append(_BREAK)
            else:
                narration.append(char)
        elif char == closing and (closing != "’" or not after.isalnum()):
            closing = None
            dialogue.append(_BREAK)
        else:
            dialogue.append(char)
    return "".join(narration), "".join(dialogue)


def narration(text: str) -> Narration:
    """The narration of ``text``: dialogue and headings set aside, sentences split."""
    sentences: list[str] = []
    narration_words = dialogue_words = 0
    # Quotes are told apart before apostrophes are made plain: ‘ and ’ are quotes too.
    for paragraph in re.split(r"\n\s*\n", unicodedata.normalize("NFC", text)):
        lines = [line for line in paragraph.splitlines() if line.strip()]
        kept = [line.strip() for index, line in enumerate(lines) if not _is_heading(lines, index)]
        told, said = _split_paragraph(" ".join(kept))
        dialogue_words += len(tokens(said))
        for sentence in _SENTENCE_BREAK.split(normalise_apostrophes(told)):
            if found := len(tokens(sentence)):
                sentences.append(sentence.strip())
                narration_words += found
    return Narration(tuple(sentences), narration_words, dialogue_words)
