"""Split long text into Discord-sized messages without breaking its markdown.

Discord refuses messages over 2000 characters. A model happily writes more, so the text is
cut into chunks, each a message of its own. Where to cut, in order of preference: a
paragraph break, a line break, a space; a single "word" longer than a whole message is the
only thing ever cut in the middle.

Markdown must survive the cut. A code fence (```lang) or an inline span (**bold**, *italic*,
__underline__, ~~strike~~, ||spoiler||, `code`) still open at the cut is closed at the end
of its chunk and reopened at the start of the next, and the markers count towards the limit.
Within one kind of break, a cut outside every inline span is preferred when it keeps most of
the chunk.

Discord-free on purpose: the console playground and the services use it too.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Final

MESSAGE_LIMIT: Final = 2000

# The smallest limit that still leaves room for text between the markers this module adds.
_MIN_LIMIT: Final = 64

# Inline delimiters, longest first so "**" wins over "*".
_INLINE_DELIMITERS: Final = ("**", "__", "~~", "||", "*")
_FENCE: Final = "```"
# A fence's language tag: one word on the fence's own line.
_FENCE_LANGUAGE: Final = re.compile(r"[A-Za-z0-9_+#.\-]{0,24}\n")
# Where markdown can start: everything else is skipped in one go.
_MARKUP: Final = re.compile(r"[`*_~|\\]")
# Characters that belong to the character before them: never cut right before these.
_JOINERS: Final = frozenset({"\u200d", "\ufe0e", "\ufe0f"})
_EMOJI_MODIFIERS: Final = ("\U0001f3fb", "\U0001f3ff")  # skin tones, first and last


@dataclass(frozen=True, slots=True)
class _Span:
    """A markdown construct: ``text[open_start:open_end]`` opens it, ``close_start`` ends it."""

    opener: str  # what reopens it in the next chunk
    closer: str  # what closes it at the end of a chunk
    open_start: int
    open_end: int
    close_start: int  # len(text) for a fence left open (a model still writing it)
    close_end: int
    is_fence: bool = False

    def is_open_at(self, cut: int) -> bool:
        # A cut right before the closer still needs the closer added: the closer goes on
        # to the next chunk's side of the cut.
        return self.open_end <= cut <= self.close_start


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Cut ``text`` into chunks of at most ``limit`` characters; see the module docstring.

    Whitespace around each cut is dropped (a code block keeps its indentation); no chunk is
    empty, so blank text gives ``[]``.
    """
    if limit < _MIN_LIMIT:
        raise ValueError(f"limit must be at least {_MIN_LIMIT} characters, got {limit}")
    text = text.strip()
    if not text:
        return []
    if len(text) <= limit:
        return [text]

    spans = _find_spans(text)
    chunks: list[str] = []
    start = 0
    carried: list[_Span] = []  # spans open at the previous cut, reopened here
    while start < len(text):
        prefix = "".join(span.opener for span in carried)
        if len(prefix) + len(text) - start <= limit:
            chunks.append(prefix + text[start:])
            break
        cut = _Cutter(text, spans, start, prefix, limit).best_cut()
        chunks.append(cut.chunk)
        start, carried = cut.next_start, cut.reopen
    return [chunk for chunk in chunks if chunk.strip()]


# --- finding the markdown -------------------------------------------------------------


def _find_spans(text: str) -> list[_Span]:
    """Pair up markdown delimiters the way Discord renders them, closely enough to cut safely.

    Fences and inline code are opaque: nothing inside them is markdown. A single ``*`` opens
    only before a non-space and closes only after one (so ``5 * 3`` and a ``* item`` bullet
    are left alone); a delimiter never closed is literal text, not a span. A fence never
    closed runs to the end: that is a model halfway through a code block.
    """
    spans: list[_Span] = []
    opened: list[tuple[str, int]] = []  # inline delimiter, position
    i = 0
    n = len(text)
    while (found := _MARKUP.search(text, i)) is not None:
        i = found.start()
        if text.startswith(_FENCE, i):
            language = _FENCE_LANGUAGE.match(text, i + len(_FENCE))
            body = language.end() if language else i + len(_FENCE)
            tag = language.group()[:-1] if language else ""
            end = text.find(_FENCE, body)
            close_start, close_end = (end, end + len(_FENCE)) if end != -1 else (n, n)
            spans.append(
                _Span(f"{_FENCE}{tag}\n", f"\n{_FENCE}", i, body, close_start, close_end, True)
            )
            i = close_end
            continue
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if char == "`":
            end = text.find("`", i + 1)
            if end != -1:
                spans.append(_Span("`", "`", i, i + 1, end, end + 1))
                i = end + 1
                continue
            i += 1
            continue
        delimiter = next((d for d in _INLINE_DELIMITERS if text.startswith(d, i)), None)
        if delimiter is None:
            i += 1
            continue
        after = i + len(delimiter)
        match = next((k for k in range(len(opened) - 1, -1, -1) if opened[k][0] == delimiter), None)
        if delimiter == "*":
            # Discord's italic asterisks hug their text; the double delimiters need not.
            can_open = after < n and not text[after].isspace()
            can_close = i > 0 and not text[i - 1].isspace()
        else:
            can_open = after < n
            can_close = match is not None and opened[match][1] + len(delimiter) < i
        if can_close and match is not None:
            _, where = opened.pop(match)
            spans.append(_Span(delimiter, delimiter, where, where + len(delimiter), i, after))
        elif can_open:
            opened.append((delimiter, i))
        i = after
    spans.sort(key=lambda span: span.open_start)
    return spans


# --- choosing a cut ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Cut:
    chunk: str
    next_start: int
    reopen: list[_Span]
    inside_inline: bool


class _Cutter:
    """Finds where the chunk starting at ``start`` should end."""

    def __init__(self, text: str, spans: list[_Span], start: int, prefix: str, limit: int) -> None:
        self.text = text
        self.start = start
        self.prefix = prefix
        self.limit = limit
        self.budget = limit - len(prefix)
        self.window_end = min(len(text), start + self.budget)
        # Only spans reaching into this window can be open at a cut inside it.
        self.spans = [
            span for span in spans if span.open_end <= self.window_end and span.close_start >= start
        ]

    def best_cut(self) -> _Cut:
        # A break must keep a fair share of the chunk, or "hi\n\n" + a long paragraph would
        # make a two-letter message; when no break does, the longest one is still better
        # than cutting a word.
        fallback: tuple[int, _Cut] | None = None
        for breaks in (self._paragraph_breaks(), self._line_breaks(), self._spaces()):
            found = self._longest_fitting(breaks)
            if found is None:
                continue
            length, cut = found
            if length >= self.budget // 3:
                return cut
            if fallback is None or length > fallback[0]:
                fallback = found
        if fallback is not None:
            return fallback[1]
        return self._hard_cut()

    def _paragraph_breaks(self) -> list[int]:
        return [m.start() for m in re.finditer(r"\n[ \t]*\n", self._window())]

    def _line_breaks(self) -> list[int]:
        return [m.start() for m in re.finditer(r"\n", self._window())]

    def _spaces(self) -> list[int]:
        return [m.start() for m in re.finditer(r"[^\S\n]", self._window())]

    def _window(self) -> str:
        # One character past the window: a break right after a full chunk still counts.
        return self.text[self.start : self.window_end + 1]

    def _longest_fitting(self, breaks: list[int]) -> tuple[int, _Cut] | None:
        """The cut at the latest of ``breaks`` (offsets in the window) that fits.

        A cut outside every inline span wins over a later one inside a span, as long as it
        keeps at least half of what the later one would.
        """
        best: tuple[int, _Cut] | None = None
        for offset in reversed(breaks):
            position = self.start + offset
            if best is not None:
                if offset * 2 < best[0] - len(self.prefix):
                    break  # too short to be worth leaving the span whole
                if self._inline_open_at(position):
                    continue
            cut = self._cut_at(position)
            if cut is None:
                continue
            best = (len(cut.chunk), cut)
            if not cut.inside_inline:
                break
        return best

    def _cut_at(self, position: int, *, trim: bool = True) -> _Cut | None:
        """The chunk ending at ``position`` (a break, or anywhere for a hard cut), if it fits."""
        text = self.text
        if self._inside_marker(position):
            return None
        body = text[self.start : position]
        if trim:
            body = body.rstrip()
        if not body.strip():
            return None
        body_end = self.start + len(body)
        open_spans = [span for span in self.spans if span.is_open_at(position)]
        if any(span.open_end > body_end for span in open_spans):
            return None  # the chunk would end inside (or right after) an opener
        next_start = self._skip_space(position, open_spans)
        # A span whose own closer comes right after the cut is closed by the added closer
        # and its original closer skipped: no empty "```py\n```" at the top of the next
        # message.
        reopen = list(open_spans)
        while True:
            ending = [span for span in reopen if span.close_start == next_start]
            if not ending:
                break
            for span in ending:
                reopen.remove(span)
                next_start = max(next_start, span.close_end)
            next_start = self._skip_space(next_start, reopen)
        closers = "".join(span.closer for span in reversed(open_spans))
        chunk = self.prefix + body + closers
        if len(chunk) > self.limit:
            return None
        inside_inline = any(not span.is_fence for span in open_spans)
        return _Cut(chunk, next_start, reopen, inside_inline)

    def _inline_open_at(self, position: int) -> bool:
        return any(not span.is_fence and span.is_open_at(position) for span in self.spans)

    def _inside_marker(self, position: int) -> bool:
        """Whether ``position`` falls between the characters of an opener or a closer."""
        return any(
            span.open_start < position < span.open_end
            or span.close_start < position < span.close_end
            for span in self.spans
        )

    def _skip_space(self, position: int, open_spans: list[_Span]) -> int:
        """Where the next chunk's text starts: past the cut's whitespace, except indentation."""
        text = self.text
        in_fence = any(span.is_fence for span in open_spans)
        while position < len(text) and text[position].isspace():
            if in_fence and text[position] != "\n":
                # Keep a code line's indentation, but not the trailing spaces before it.
                line_end = text.find("\n", position)
                if line_end == -1 or text[position:line_end].strip():
                    break
            position += 1
        return position

    def _hard_cut(self) -> _Cut:
        """Cut a word too long for a whole message, as late as the markers allow."""
        for position in range(self.window_end, self.start, -1):
            if not self._can_cut_inside_word(position):
                continue
            cut = self._cut_at(position, trim=False)
            if cut is not None:
                return cut
        # Markers nested so deep they leave no room for text: give up on them rather than
        # on the limit. Never happens with real text and a 2000-character limit.
        end = self.start + self.limit
        chunk = self.text[self.start : end].rstrip()
        return _Cut(chunk, self._skip_space(end, []), [], inside_inline=False)

    def _can_cut_inside_word(self, position: int) -> bool:
        text = self.text
        if position >= len(text):
            return True
        # Never between a character and the accent, joiner or variation selector after it.
        following = text[position]
        return not (
            following in _JOINERS
            or unicodedata.combining(following)
            or _EMOJI_MODIFIERS[0] <= following <= _EMOJI_MODIFIERS[1]
            or text[position - 1] in _JOINERS
        )
