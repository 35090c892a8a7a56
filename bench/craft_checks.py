"""What the craft benchmark looks for in a finished piece, written apart from the product.

The drafter (``bot/services/craft/drafting.py``) refuses meta-talk and markup in the lines
it keeps; the checks here are the bench's own, so what measures is not what fixes. They
judge the text a member would read (after the service has finished with it) and nothing
else, the same way for every pipeline.

Artefacts (:func:`artefacts`), each a kind of text that is not the piece itself:

- ``preamble``: talk about the piece instead of the piece: a first line opening with
  "Sure", "Certainly", "Of course", "Absolutely", "Okay" followed by punctuation; a line
  opening with "Here is / Here's / Here are" + a determiner; or anywhere "as an AI",
  "language model", "I hope you enjoy/like", "let me know if", "feel free to", "Note:" at a
  line's start, "this poem/song/… captures/explores/is about/reflects", "in this poem/…".
- ``echo``: the prompt coming back: a line that starts as a request field does
  ("Form:", "Tone:", "Platform:", "Write a poem about", …), or six words in a row from
  the prompt's messages that are not all words of the member's subject.
- ``json``: ``{"``, ``"key": `` or a line opening with ``{`` / ``[{`` / ``["``.
- ``html``: an HTML entity, ``&#…;``, ``&#x…;`` or a named one (``&amp;``, ``&quot;``, …).
- ``markdown``: a Markdown heading (a line opening with 1–6 ``#`` and a space: ``#Tag`` is
  a hashtag, not a heading) or a code fence.

Endings (:func:`ending_problem`): a piece ends mid-sentence when its last visible character
cannot end one. Prose (stories, posts) must end on ``. ! ? …`` (closing quotes, brackets or
emphasis after it allowed), on an emoji or symbol, or, for a post, on its hashtags; verse
(poems, lyrics) may end a line on a word, but not on ``, ; : -`` dashes, ``&``, ``/`` or
an opening bracket or quote. :func:`budget_cut_lines` finds the other way a piece is cut:
text the backend stopped at the token budget (``finish_reason == "length"``) that the
member still reads.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Final, Literal

ArtefactKind = Literal["preamble", "echo", "json", "html", "markdown"]
ARTEFACT_KINDS: Final[tuple[ArtefactKind, ...]] = ("preamble", "echo", "json", "html", "markdown")

_FIRST_LINE_PREAMBLE: Final = re.compile(
    r"^[\s*#>_-]*(sure|certainly|of course|absolutely|okay|ok)\b\s*[!,.:]", re.IGNORECASE
)
_HERE_IS: Final = re.compile(
    r"^[\s*#>_-]*here(?:'s|’s| is| are)\s+(?:a|an|the|your|my|some|one|two|three)\b", re.IGNORECASE
)
_PIECES: Final = r"(?:poem|haiku|tanka|limerick|sonnet|villanelle|acrostic|song|lyrics|story|post)"
_META_ANYWHERE: Final = re.compile(
    r"\bas an ai\b|\blanguage model\b|\bi hope you (?:enjoy|like)|\blet me know if\b"
    r"|\bfeel free to\b|^\W*note\s*:"
    rf"|\bthis {_PIECES} (?:captures|explores|is about|reflects|describes|celebrates)\b"
    rf"|\bin this {_PIECES}\b",
    re.IGNORECASE | re.MULTILINE,
)
_REQUEST_FIELD: Final = re.compile(
    r"^\W*(?:form|tone|genre|mood|structure|platform|length|point of view|acrostic word"
    r"|subject|topic)\s*:"
    r"|^\W*write (?:a|an|the|song|some)\b",
    re.IGNORECASE | re.MULTILINE,
)
ECHO_WORDS: Final = 6
_JSON: Final = re.compile(r'\{\s*"|"\s*:\s*["\[{\d]|^\s*(?:\{|\[\s*[{"])', re.MULTILINE)
_HTML: Final = re.compile(
    r"&#\d+;?|&#x[0-9a-f]+;?|&(?:amp|lt|gt|quot|apos|nbsp|mdash|ndash|hellip|rsquo|lsquo"
    r"|rdquo|ldquo);",
    re.IGNORECASE,
)
_MARKDOWN: Final = re.compile(r"^\s{0,3}#{1,6}\s+\S|^\s*```", re.MULTILINE)

_WORD: Final = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")

SENTENCE_ENDS: Final = frozenset(".!?…")
# What may follow the mark that ends a sentence: closing quotes, brackets, emphasis.
_CLOSERS: Final = frozenset("\"'”’»)]*_")
# What a line of verse cannot end a poem on.
RUNS_ON: Final = frozenset(",;:-–—&/([{“‘«")
_TRAILING_HASHTAGS: Final = re.compile(r"(?:\s*#[^\W_][\w]*)+\s*$")


def words(text: str) -> list[str]:
    """The words of ``text``, lower-cased; an apostrophe inside a word keeps it whole."""
    return [word.casefold().replace("’", "'") for word in _WORD.findall(text)]


def _prompt_ngrams(prompt: str, subject: str) -> set[tuple[str, ...]]:
    subject_words = set(words(subject))
    found = words(prompt)
    return {
        gram
        for start in range(len(found) - ECHO_WORDS + 1)
        if not set(gram := tuple(found[start : start + ECHO_WORDS])) <= subject_words
    }


def echoes_prompt(text: str, prompt: str, subject: str) -> bool:
    """Whether ``text`` repeats the request: a request field's line, or six words in a row
    of ``prompt`` that are not all the ``subject``'s own words."""
    if _REQUEST_FIELD.search(text):
        return True
    grams = _prompt_ngrams(prompt, subject)
    found = words(text)
    return any(
        tuple(found[start : start + ECHO_WORDS]) in grams
        for start in range(len(found) - ECHO_WORDS + 1)
    )


def has_preamble(text: str) -> bool:
    lines = [line for line in text.splitlines() if line.strip()]
    if lines and _FIRST_LINE_PREAMBLE.search(lines[0]):
        return True
    return any(_HERE_IS.search(line) for line in lines) or bool(_META_ANYWHERE.search(text))


def artefacts(text: str, *, prompt: str, subject: str) -> list[ArtefactKind]:
    """The kinds of artefact in ``text`` (in :data:`ARTEFACT_KINDS` order), none if clean.

    ``prompt`` is the text of the messages the model was sent, ``subject`` the member's
    own words in it (which a piece may well repeat)."""
    found: list[ArtefactKind] = []
    if has_preamble(text):
        found.append("preamble")
    if echoes_prompt(text, prompt, subject):
        found.append("echo")
    if _JSON.search(text):
        found.append("json")
    if _HTML.search(text):
        found.append("html")
    if _MARKDOWN.search(text):
        found.append("markdown")
    return found


def _is_symbol(char: str) -> bool:
    """An emoji or another symbol (Unicode So, Sk) or a variation selector / joiner."""
    return unicodedata.category(char) in ("So", "Sk") or char in "\ufe0f\u200d"


def ending_problem(text: str, *, prose: bool) -> str | None:
    """Why ``text`` ends mid-sentence, or None if its end is a proper one.

    ``prose`` for stories and posts (a sentence must end); verse otherwise (a line may end
    on a word). An empty text ends badly: "empty".
    """
    body = text.rstrip()
    if not body:
        return "empty"
    if prose:
        body = _TRAILING_HASHTAGS.sub("", body).rstrip()
    end = len(body)
    while end and body[end - 1] in _CLOSERS:
        end -= 1
    if not end or _is_symbol(body[end - 1]):
        return None
    last = body[end - 1]
    if prose:
        return None if last in SENTENCE_ENDS else f"ends on {last!r}, not at a sentence's end"
    return f"ends on {last!r}, mid-sentence" if last in RUNS_ON else None


TAIL_WORDS: Final = 4


def budget_cut_lines(piece: str, stopped: Iterable[str]) -> list[str]:
    """The lines of ``piece`` that end with the last words (up to :data:`TAIL_WORDS`, of its
    last line) of a generation the token budget stopped (``stopped``: each one's text).

    One rule for both pipelines: a one-shot reply cut at its budget shows as the line it
    was cut in (unless the service trimmed that text away, as fitting a post may), and a
    drafted line chosen from a candidate cut at its budget shows as that line."""
    last_lines = [
        next((line for line in reversed(text.splitlines()) if line.strip()), "") for text in stopped
    ]
    tails = [tail for tail in (words(line)[-TAIL_WORDS:] for line in last_lines) if tail]
    found: list[str] = []
    for line in piece.splitlines():
        said = words(line)
        if any(said[-len(tail) :] == tail for tail in tails):
            found.append(" ".join(line.split()))
    return found


def distinct_2(texts: Sequence[str]) -> float | None:
    """Unique word bigrams over all bigrams, pooled over ``texts`` (bigrams do not cross
    from one text to the next); None when there are none."""
    grams: list[tuple[str, str]] = []
    for text in texts:
        found = words(text)
        grams.extend(itertools.pairwise(found))
    return len(set(grams)) / len(grams) if grams else None


_SECTION: Final = (
    r"(?:verse(?:\s*\d+)?|(?:pre-?|post-?)?chorus|final chorus|bridge|intro|outro|hook"
    r"|refrain|interlude)"
)
_BRACKETED_LABEL: Final = re.compile(rf"^\[\s*{_SECTION}\s*\]$", re.IGNORECASE)
_LOOSE_LABEL: Final = re.compile(rf"^[\W_]*{_SECTION}[\W_]*$", re.IGNORECASE)


def lyrics_labelled(text: str) -> bool:
    """Whether every section of the song is labelled as ``[Verse 1]``, ``[Chorus]``, …:
    at least two bracketed labels, nothing before the first but at most one title line,
    no label written any other way ("Chorus:", "(Verse 2)", "**Bridge**"), and words
    under every label."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    labels = [index for index, line in enumerate(lines) if _BRACKETED_LABEL.match(line)]
    if len(labels) < 2 or labels[0] > 1:
        return False
    if any(_LOOSE_LABEL.match(line) and not _BRACKETED_LABEL.match(line) for line in lines):
        return False
    ends = [*labels[1:], len(lines)]
    return all(end - start > 1 for start, end in zip(labels, ends, strict=True))
