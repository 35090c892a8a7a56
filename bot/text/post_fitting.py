"""Making a :class:`~inkwell.bot.text.post.Post` fit its platform's limits.

The model writes freely and the code makes the result fit: hashtags go first, then the
body is cut at a sentence, else after a word with "…", never inside a word unless one word
alone is longer than the limit. Lengths are the platform's own
(:func:`~inkwell.bot.text.post_length.post_length`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Final

from inkwell.bot.text.graphemes import graphemes
from inkwell.bot.text.platforms import MAX_HASHTAGS, PLATFORM_LIMITS, Platform
from inkwell.bot.text.post import Post, render_post
from inkwell.bot.text.post_length import post_length

ELLIPSIS: Final = "…"

# Western full stops end a sentence before a space; CJK ones (U+3002, U+FF01, U+FF1F) need
# none, as those scripts put no spaces between words or sentences.
_SENTENCE_BOUNDARY: Final = re.compile(
    r"[.!?\u2026]+[\"'\u201d\u2019)\]\u00bb]*(?=\s|\Z)"
    r"|[\u3002\uff01\uff1f]+[\u300d\u300f\uff09]*"
)
_LINE_END: Final = re.compile(r"(?<=\S)[^\S\n]*\n")
_DANGLING: Final = ",;:\u2013\u2014-([{\"'\u201c\u2018\u00ab"


def _with_ellipsis(prefix: str) -> str:
    """Close a cut after a whole word: "The rain, the" → "The rain, the…"."""
    prefix = prefix.rstrip()
    if prefix and prefix[-1] in ".!?\u2026\u3002\uff01\uff1f":
        return prefix
    return prefix.rstrip(_DANGLING).rstrip() + ELLIPSIS


def _longest(count: int, candidate: Callable[[int], str], fits: Callable[[str], bool]) -> str:
    """The longest ``candidate(k)`` that fits, assuming longer candidates count longer.

    Binary search, so a 3,000-character body costs a dozen counts rather than hundreds.
    Should the assumption fail (a cut turning a link into plain text), the answer can only
    be a shorter candidate than possible; it always fits, because only tested ones return.
    """
    low, high = -1, count
    while high - low > 1:
        middle = (low + high) // 2
        if fits(candidate(middle)):
            low = middle
        else:
            high = middle
    return candidate(low) if low >= 0 else ""


def _sentence_cuts(body: str) -> list[int]:
    cuts = {match.end() for match in _SENTENCE_BOUNDARY.finditer(body)}
    # A line break ends a thought too, unless the line leads into the next one ("Tips:").
    for line_end in _LINE_END.finditer(body):
        if body[line_end.start() - 1] not in _DANGLING:
            cuts.add(line_end.start())
    return sorted(cut for cut in cuts if cut < len(body.rstrip()))


# Chinese and Japanese put no spaces between words; any two of these characters meet at a
# word boundary.
_SPACELESS: Final = ((0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))


def _is_spaceless(char: str) -> bool:
    code = ord(char)
    return 0x3040 <= code <= 0xFAFF and any(low <= code <= high for low, high in _SPACELESS)


def _word_cuts(body: str) -> list[int]:
    """Where a cut leaves whole words before it: at a space, or between two CJK characters."""
    return [
        index
        for index in range(1, len(body))
        if (body[index].isspace() and not body[index - 1].isspace())
        or (_is_spaceless(body[index - 1]) and _is_spaceless(body[index]))
    ]


def _trim_body(body: str, fits: Callable[[str], bool], *, hard_cut: bool) -> str | None:
    """The longest cut of ``body`` that fits, or ``None`` (``""`` with ``hard_cut``).

    A sentence cut is preferred when it keeps at least half of what the best word cut
    keeps: a complete sentence reads better than a fragment, but a 20-character first
    sentence is no answer when 270 characters of room are left. A word cut ends with "…".
    Only with ``hard_cut``, when even the first word (plus "…") is too long, the body is
    cut inside that word — between grapheme clusters, never inside an emoji or accent.
    """
    sentences = _sentence_cuts(body)
    by_sentence = _longest(len(sentences), lambda k: body[: sentences[k]].rstrip(), fits)
    words = _word_cuts(body)
    by_word = _longest(len(words), lambda k: _with_ellipsis(body[: words[k]]), fits)
    if by_sentence and len(by_sentence) * 2 >= len(by_word):
        return by_sentence
    if by_word:
        return by_word
    if not hard_cut:
        return None
    clusters = graphemes(body.strip())
    return _longest(len(clusters), lambda k: _with_ellipsis("".join(clusters[: k + 1])), fits)


def fits(post: Post, platform: Platform) -> bool:
    """Whether ``post`` is within the platform's length limit and hashtag policy.

    True exactly when :func:`fit_post` would return the post unchanged. Alt text is not
    part of the post's length.
    """
    return len(post.hashtags) <= MAX_HASHTAGS[platform] and (
        post_length(post.render(), platform) <= PLATFORM_LIMITS[platform]
    )


def fit_post(post: Post, platform: Platform) -> Post:
    """Make ``post`` fit ``platform``; the result always satisfies :func:`fits`.

    1. Hashtags beyond :data:`~inkwell.bot.text.platforms.MAX_HASHTAGS` go (the first
       ones are kept).
    2. While the post is too long, hashtags go from the end — but one stays when the
       platform uses hashtags and some cut of the body fits next to it.
    3. The body is cut at the last sentence boundary that fits, else after the last whole
       word that fits, with "…" (which is counted). Never inside a word, except when a
       single word is longer than the whole limit: then it is cut hard, with "…".
    """
    limit = PLATFORM_LIMITS[platform]

    def fits_with(hashtags: tuple[str, ...]) -> Callable[[str], bool]:
        return lambda body: post_length(render_post(body, hashtags), platform) <= limit

    hashtags = post.hashtags[: MAX_HASHTAGS[platform]]
    while len(hashtags) > 1 and not fits_with(hashtags)(post.body):
        hashtags = hashtags[:-1]
    if fits_with(hashtags)(post.body):
        return replace(post, hashtags=hashtags)
    if hashtags:
        body = _trim_body(post.body, fits_with(hashtags), hard_cut=False)
        if body:
            return replace(post, body=body, hashtags=hashtags)
    body = _trim_body(post.body, fits_with(()), hard_cut=True) or ""
    return replace(post, body=body, hashtags=())
