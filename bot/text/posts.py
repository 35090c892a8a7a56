"""Social posts that fit their platform, counted in code the way each platform counts.

A small model cannot count characters, so it is never asked to: it writes freely,
:func:`parse_post` (or :func:`parse_post_json` for structured output) takes its text apart
into body, hashtags and alt text, and :func:`fit_post` makes the result fit — hashtags go
first, then the body is cut at a sentence, else a word, never inside a word.

Counting rules (:func:`post_length`):

* **x** — twitter-text's weighted length: code points in U+0000..U+10FF, U+2000..U+200D,
  U+2010..U+201F and U+2032..U+2037 weigh 1, everything else (CJK, most emoji) 2; an emoji
  sequence (👩‍💻, 👍🏽, flags, keycaps) weighs 2 as a whole; every URL weighs 23, also bare
  domains (``example.com``) which X links too.
* **bluesky** — grapheme clusters (what a reader sees as one character), approximated
  without third-party packages by :func:`graphemes`.
* **mastodon** — code points, with every ``http(s)://`` URL counted as 23. Recent Mastodon
  counts grapheme clusters, never more than code points, so this errs on the safe side.
* **threads, instagram, linkedin** — code points.

Each approximation above errs towards counting *more* than the platform does, except for
bare domains under top-level domains X knows and :data:`_GENERIC_TLDS` does not list.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Final, Literal, get_args

from inkwell.bot.text.cleaning import is_pictographic, normalize_text

Platform = Literal["x", "bluesky", "threads", "mastodon", "instagram", "linkedin"]
PLATFORMS: Final[tuple[Platform, ...]] = get_args(Platform)

PLATFORM_LIMITS: Final[Mapping[Platform, int]] = MappingProxyType(
    {"x": 280, "bluesky": 300, "threads": 500, "mastodon": 500, "instagram": 2200, "linkedin": 3000}
)

# How many hashtags a post keeps on each platform. Not the platforms' hard caps (Instagram
# allows 30) but what works there:
#   x 2         — X's own advice is one or two; more reads as spam and costs scarce room.
#   bluesky 2   — tags are clickable feeds, but 300 graphemes leave little room.
#   threads 1   — Threads turns exactly one tag per post into a topic.
#   mastodon 3  — tags are how posts are found (there is no algorithm), so a few help.
#   instagram 5 — Instagram's guidance is 3 to 5 relevant tags, and it has been tightening.
#   linkedin 3  — LinkedIn suggests about three.
MAX_HASHTAGS: Final[Mapping[Platform, int]] = MappingProxyType(
    {"x": 2, "bluesky": 2, "threads": 1, "mastodon": 3, "instagram": 5, "linkedin": 3}
)

URL_WEIGHT: Final = 23
ELLIPSIS: Final = "…"


# ---------------------------------------------------------------------------------------
# Counting
# ---------------------------------------------------------------------------------------

_ZWJ: Final = "\u200d"
_ZWNJ: Final = "\u200c"
_KEYCAP: Final = "\u20e3"


def _is_control(char: str) -> bool:
    return unicodedata.category(char) in ("Cc", "Zl", "Zp")


def _is_extend(char: str) -> bool:
    """Grapheme_Cluster_Break Extend/SpacingMark, approximately: joins the character before."""
    code = ord(char)
    return (
        unicodedata.category(char) in ("Mn", "Mc", "Me")  # includes variation selectors
        or char in (_ZWJ, _ZWNJ)
        or 0x1F3FB <= code <= 0x1F3FF  # skin-tone modifiers
        or 0xE0020 <= code <= 0xE007F  # tags (subdivision flags 🏴󠁧󠁢󠁳󠁣󠁴󠁿)
    )


def _is_regional_indicator(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def _hangul_kind(char: str) -> str:
    code = ord(char)
    if 0x1100 <= code <= 0x115F or 0xA960 <= code <= 0xA97C:
        return "L"
    if 0x1160 <= code <= 0x11A7 or 0xD7B0 <= code <= 0xD7C6:
        return "V"
    if 0x11A8 <= code <= 0x11FF or 0xD7CB <= code <= 0xD7FB:
        return "T"
    if 0xAC00 <= code <= 0xD7A3:
        return "LV" if (code - 0xAC00) % 28 == 0 else "LVT"
    return ""


_HANGUL_JOINS: Final = {
    "L": frozenset({"L", "V", "LV", "LVT"}),
    "V": frozenset({"V", "T"}),
    "LV": frozenset({"V", "T"}),
    "T": frozenset({"T"}),
    "LVT": frozenset({"T"}),
}


def _continues(cluster: list[str], char: str) -> bool:
    """Whether ``char`` belongs to the grapheme cluster being built (UAX #29, abridged)."""
    previous = cluster[-1]
    if previous == "\r" and char == "\n":
        return True
    if char < "\u0300":  # nothing below the combining marks joins what comes before it
        return False
    if _is_control(previous) or _is_control(char):
        return False
    if _is_extend(char):
        return True
    if _hangul_kind(char) in _HANGUL_JOINS.get(_hangul_kind(previous), frozenset()):
        return True
    if previous == _ZWJ and is_pictographic(char) and is_pictographic(cluster[0]):
        return True
    if _is_regional_indicator(char) and _is_regional_indicator(previous):
        # Flags are pairs: 🇫🇷🇩🇪 is two clusters, not one.
        return sum(map(_is_regional_indicator, cluster)) % 2 == 1
    return False


def graphemes(text: str) -> list[str]:
    """Split ``text`` into user-perceived characters (extended grapheme clusters).

    Handles combining marks, variation selectors, emoji ZWJ sequences, skin tones, flags,
    tag sequences, Hangul jamo and CR LF; skips the rare rules (prepend marks, Indic
    conjuncts across a virama), which only ever make clusters smaller, i.e. counts higher.
    """
    if text.isascii() and "\r" not in text:
        return list(text)
    clusters: list[list[str]] = []
    for char in text:
        if clusters and _continues(clusters[-1], char):
            clusters[-1].append(char)
        else:
            clusters.append([char])
    return ["".join(cluster) for cluster in clusters]


# Generic top-level domains common enough that a bare ``name.tld`` is worth counting as a
# link on X. X knows every TLD; a bare domain under one missing here counts as its
# characters, which is less than 23 only when the domain is short.
_GENERIC_TLDS: Final = (
    "com|org|net|edu|gov|mil|int|info|biz|name|pro|io|ai|app|dev|art|blog|shop|store|"
    "online|site|tech|xyz|news|live|club|design|studio|music|link|page|social|media|"
    "email|cloud|space|world|today|life|games|game|fun|one|top"
)
_SCHEME_URL: Final = re.compile(r"https?://[^\s<>\"]+", re.IGNORECASE)
_BARE_URL: Final = re.compile(
    r"(?<![\w@.\-/])"
    r"(?P<domain>(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+"
    rf"(?:(?P<gtld>{_GENERIC_TLDS})|(?P<cctld>[a-z]{{2}})))"
    r"(?![\w-])"
    r"(?P<path>(?::\d{1,5})?/[^\s<>\"]*)?",
    re.IGNORECASE,
)
_URL_TRAILING: Final = ".,!?:;'\"\u201d\u2019)]}"


def _url_spans(text: str, *, bare_domains: bool) -> list[tuple[int, int]]:
    """Where the links are, the way twitter-text finds them (trailing punctuation excluded).

    A bare domain under a country TLD counts only with a path or a subdomain
    (``t.co/x``, ``www.bbc.co.uk``), as on X, so "one sentence.No space" is no link.
    """
    spans: list[tuple[int, int]] = []
    for match in _SCHEME_URL.finditer(text):
        spans.append((match.start(), match.start() + len(match[0].rstrip(_URL_TRAILING))))
    if bare_domains:
        for match in _BARE_URL.finditer(text):
            if any(start <= match.start() < end for start, end in spans):
                continue
            if match["cctld"] and not match["path"] and match["domain"].count(".") < 2:
                continue
            spans.append((match.start(), match.start() + len(match[0].rstrip(_URL_TRAILING))))
    return sorted(spans)


def _x_weight(char: str) -> int:
    code = ord(char)
    if (
        code <= 0x10FF
        or 0x2000 <= code <= 0x200D
        or 0x2010 <= code <= 0x201F
        or 0x2032 <= code <= 0x2037
    ):
        return 1
    return 2


def _x_plain_length(text: str) -> int:
    if text.isascii():
        return len(text)
    total = 0
    for cluster in graphemes(text):
        is_emoji_sequence = len(cluster) > 1 and (
            is_pictographic(cluster[0])
            or _is_regional_indicator(cluster[0])
            or _KEYCAP in cluster
            or "\ufe0f" in cluster
        )
        total += 2 if is_emoji_sequence else sum(map(_x_weight, cluster))
    return total


def _with_urls_as(text: str, spans: Iterable[tuple[int, int]], plain: Callable[[str], int]) -> int:
    total, position = 0, 0
    for start, end in spans:
        total += plain(text[position:start]) + URL_WEIGHT
        position = end
    return total + plain(text[position:])


def post_length(text: str, platform: Platform) -> int:
    """How long ``text`` is on ``platform``, counted the way that platform counts."""
    if platform == "x":
        text = unicodedata.normalize("NFC", text)
        return _with_urls_as(text, _url_spans(text, bare_domains=True), _x_plain_length)
    if platform == "bluesky":
        return len(graphemes(text))
    if platform == "mastodon":
        return _with_urls_as(text, _url_spans(text, bare_domains=False), len)
    return len(text)


# ---------------------------------------------------------------------------------------
# Posts and parsing
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Post:
    """A social post. Hashtags carry their ``#`` ("#amwriting"); alt text is not counted."""

    body: str
    hashtags: tuple[str, ...] = ()
    alt_text: str | None = None

    def render(self) -> str:
        """The text to paste: the body, a blank line, the hashtags separated by spaces."""
        return _render(self.body, self.hashtags)


def _render(body: str, hashtags: tuple[str, ...]) -> str:
    tags = " ".join(hashtags)
    if not tags:
        return body
    if not body:
        return tags
    return f"{body}\n\n{tags}"


def _tag_end(text: str, start: int) -> int:
    """End of the hashtag whose ``#`` is at ``start``: letters, digits, underscores, marks."""
    end = start + 1
    while end < len(text) and (
        text[end].isalnum() or text[end] == "_" or unicodedata.category(text[end])[0] == "M"
    ):
        end += 1
    return end


def _hashtag_spans(text: str) -> list[tuple[int, int]]:
    """Valid hashtags in ``text``: ``#`` + word characters with at least one letter.

    The ``#`` must not follow a word character, ``&``, ``#`` or ``/``, so "C#", "&#39;",
    "page/#anchor" and "# Heading" are no hashtags, nor is "#1".
    """
    spans: list[tuple[int, int]] = []
    for start, char in enumerate(text):
        if char != "#":
            continue
        if start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_&#/"):
            continue
        end = _tag_end(text, start)
        if any(c.isalpha() for c in text[start + 1 : end]):
            spans.append((start, end))
    return spans


def _dedupe_tags(tags: Iterable[str]) -> tuple[str, ...]:
    seen: set[str] = set()
    kept: list[str] = []
    for tag in tags:
        if tag.casefold() not in seen:
            seen.add(tag.casefold())
            kept.append(tag)
    return tuple(kept)


_SEPARATORS: Final = " \t,;·|*_"
_TAG_LINE_LABEL: Final = re.compile(r"^[*_ \t]*(?:hash)?tags?[*_ \t]*[:\uff1a]", re.IGNORECASE)
_SENTENCE_END: Final = ".!?\u2026\u3002\uff01\uff1f\"'\u201d\u2019\u00bb)"


def _unhash(line: str, spans: list[tuple[int, int]]) -> str:
    """Turn "Loving #poetry today" into "Loving poetry today": a tag in a sentence stays a word."""
    for start, _end in reversed(spans):
        line = line[:start] + line[start + 1 :]
    return line


def _without_trailing_tags(line: str) -> str:
    """Drop the run of hashtags that ends ``line``, unless the first one is part of a sentence.

    "Done. #amwriting #poetry" → "Done."; "I love #poetry #amwriting" → "I love #poetry"
    (the caller then turns the remaining tag into the word "poetry").
    """
    spans = _hashtag_spans(line)
    run: list[tuple[int, int]] = []
    position = len(line)
    for start, end in reversed(spans):
        if line[end:position].strip(_SEPARATORS):
            break
        run.insert(0, (start, end))
        position = start
    if not run:
        return line
    before = line[: run[0][0]].rstrip(_SEPARATORS)
    ends_sentence = not before or before[-1] in _SENTENCE_END or is_pictographic(before[-1])
    if ends_sentence or _is_extend(before[-1]):
        return before
    return line[: run[0][1]]


def _without_spans(line: str, spans: list[tuple[int, int]]) -> str:
    for start, end in reversed(spans):
        line = line[:start] + line[end:]
    return line


def _extract_hashtags(text: str) -> tuple[str, tuple[str, ...]]:
    """Take every hashtag out of ``text`` into a tuple, in order, without repeats.

    Lines of nothing but hashtags ("Hashtags: #a #b" too) and the run that ends the text
    disappear; a tag inside a sentence keeps its word and loses its ``#``.
    """
    tags = _dedupe_tags(text[start:end] for start, end in _hashtag_spans(text))
    if not tags:
        return text, ()
    kept: list[str] = []
    for line in text.split("\n"):
        spans = _hashtag_spans(line)
        rest = _TAG_LINE_LABEL.sub("", _without_spans(line, spans))
        if spans and not rest.strip(_SEPARATORS):
            continue
        kept.append(line)
    while kept and not kept[-1].strip():
        kept.pop()
    if kept:
        kept[-1] = _without_trailing_tags(kept[-1])
    body = "\n".join(_unhash(line, _hashtag_spans(line)) for line in kept)
    return body, tags


_FENCE: Final = re.compile(r"\A```[\w-]*\n(.*?)\n?```\Z", re.DOTALL)
_POLITE: Final = r"(?:(?:sure|okay|ok|certainly|of course|absolutely)\W{0,3}\s*)?"
# A line announcing the post: "Post:", "**Tweet:**", "## LinkedIn post", "Caption (Instagram):".
# Not "Update:" or "Thread:", which members really open posts with.
_LABEL_LINE: Final = re.compile(
    rf"^{_POLITE}(?:#{{1,6}}[ \t]+)?[*_]{{0,3}}[ \t]*(?:(?:your|the|a|my)[ \t]+)?"
    r"(?:(?:x|twitter|bluesky|threads|mastodon|instagram|insta|linkedin|social(?:[- ]media)?)"
    r"[ \t]+)?(?:post|tweet|toot|skeet|caption)"
    r"(?:[ \t]*\([^)\n]*\))?[ \t]*"
    r"(?:[*_]{0,3}[ \t]*[:\uff1a][ \t]*[*_]{0,3}[ \t]*|[*_]{0,3}[ \t]*$)",
    re.IGNORECASE,
)
# "Sure! Here's a tweet about autumn:" — a whole line of preamble.
_PREAMBLE_LINE: Final = re.compile(
    rf"^{_POLITE}here(?:'s|\u2019s| is)\b.*[:\uff1a][*_ \t]*$", re.IGNORECASE
)
# "(Character count: 212)" and friends, which the small model likes to add at the end.
_COUNT_NOTE: Final = re.compile(
    r"^\W*(?:\d+\s*(?:characters|chars)|(?:character|char|word)\s+count\W*\d+)\W*$",
    re.IGNORECASE,
)
_COUNT_SUFFIX: Final = re.compile(
    r"\s*[(\[](?:\d+\s*(?:characters|chars)|(?:character|char|word)\s+count\W*\d+)[)\]]\s*\Z",
    re.IGNORECASE,
)
_ALT_TEXT_LINE: Final = re.compile(
    r"^[*_ \t]*(?:alt[ -]?text|alt|image description)[*_ \t]*[:\uff1a]"
    r"[*_ \t]*(?P<alt>\S.*?)[*_ \t]*$",
    re.IGNORECASE,
)
_QUOTE_PAIRS: Final = {'"': '"', "“": "”", "'": "'", "«": "»", "„": "“", "「": "」", "`": "`"}


def _strip_wrappers(text: str) -> str:
    """Remove a code fence around the whole text and the announcement lines before it."""
    fenced = _FENCE.match(text)
    if fenced:
        text = fenced[1].strip()
    lines = text.split("\n")
    for _ in range(3):  # "Sure! Here's your post:" then "**Post:**" at most
        first = lines[0]
        label = _LABEL_LINE.match(first)
        if label and first[label.end() :].strip():
            lines[0] = first[label.end() :]
            break
        if len(lines) > 1 and (label or _PREAMBLE_LINE.match(first)):
            lines = lines[1:]
            while len(lines) > 1 and not lines[0].strip():
                lines = lines[1:]
            continue
        break
    while len(lines) > 1 and (not lines[-1].strip() or _COUNT_NOTE.match(lines[-1].strip())):
        lines = lines[:-1]
    return _COUNT_SUFFIX.sub("", "\n".join(lines))


def _take_alt_text(text: str) -> tuple[str, str | None]:
    """Pull an "Alt text: …" line out of the post."""
    lines = text.split("\n")
    for index, line in enumerate(lines):
        found = _ALT_TEXT_LINE.match(line)
        if found:
            return "\n".join(lines[:index] + lines[index + 1 :]), found["alt"].strip()
    return text, None


def _strip_quotes(text: str) -> str:
    """'"Morning light."' → 'Morning light.' — only when the quotes wrap the whole text."""
    if len(text) >= 2 and _QUOTE_PAIRS.get(text[0]) == text[-1]:
        inner = text[1:-1]
        if text[0] not in inner and text[-1] not in inner:
            return inner.strip()
    return text


def parse_post(raw: str) -> Post:
    """Take a model's free text apart into body, hashtags and alt text.

    Strips what the small model wraps around a post (code fences, "Here's your tweet:",
    "**Post:**", surrounding quotes, "(Character count: 212)"), moves hashtags into
    :attr:`Post.hashtags` (see :func:`_extract_hashtags`) and tidies whitespace.
    """
    text = _strip_wrappers(normalize_text(raw))
    text, alt_text = _take_alt_text(text)
    body, hashtags = _extract_hashtags(text)
    body = normalize_text(_strip_quotes(normalize_text(body)))
    return Post(body=body, hashtags=hashtags, alt_text=alt_text or None)


def _as_hashtag(value: str) -> str | None:
    """Make "#amwriting" or "amwriting" into "#amwriting"; anything else (two words) → None."""
    tag = "#" + normalize_text(value, multiline=False).lstrip("#")
    if _hashtag_spans(tag) == [(0, len(tag))]:
        return tag
    return None


def parse_post_json(raw: str) -> Post | None:
    """Read structured output ``{"text": …, "hashtags": […], "alt_text": …}``.

    ``hashtags`` and ``alt_text`` may be missing or null; tags may come with or without
    ``#`` and invalid ones ("two words") are skipped. The text goes through
    :func:`parse_post` too, so hashtags the model put in it are found as well. Returns
    ``None`` when ``raw`` is not JSON of that shape, so the caller can fall back to
    :func:`parse_post`.
    """
    text = raw.strip()
    fenced = _FENCE.match(text)
    if fenced:
        text = fenced[1]
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        return None
    hashtags = data.get("hashtags") or []
    alt_text = data.get("alt_text")
    if not isinstance(hashtags, list) or not all(isinstance(tag, str) for tag in hashtags):
        return None
    if alt_text is not None and not isinstance(alt_text, str):
        return None
    post = parse_post(data["text"])
    extra = (tag for tag in map(_as_hashtag, hashtags) if tag is not None)
    alt_text = normalize_text(alt_text) if alt_text else post.alt_text
    return Post(
        body=post.body,
        hashtags=_dedupe_tags((*post.hashtags, *extra)),
        alt_text=alt_text or None,
    )


# ---------------------------------------------------------------------------------------
# Fitting
# ---------------------------------------------------------------------------------------

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

    1. Hashtags beyond :data:`MAX_HASHTAGS` go (the first ones are kept).
    2. While the post is too long, hashtags go from the end — but one stays when the
       platform uses hashtags and some cut of the body fits next to it.
    3. The body is cut at the last sentence boundary that fits, else after the last whole
       word that fits, with "…" (which is counted). Never inside a word, except when a
       single word is longer than the whole limit: then it is cut hard, with "…".
    """
    limit = PLATFORM_LIMITS[platform]

    def fits_with(hashtags: tuple[str, ...]) -> Callable[[str], bool]:
        return lambda body: post_length(_render(body, hashtags), platform) <= limit

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


_COMMON_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "at",
        "be",
        "but",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "our",
        "so",
        "that",
        "the",
        "their",
        "this",
        "to",
        "was",
        "we",
        "were",
        "will",
        "with",
        "you",
        "your",
        "about",
        "after",
        "before",
        "new",
        "today",
    ]
)


def suggest_hashtags(topic: str, platform: Platform) -> tuple[str, ...]:
    """Hashtags from the topic's first distinctive words, for a post the model left without
    any: every platform here uses them, so a post should carry at least one."""
    words = re.findall(r"[^\W_]+", topic.casefold())
    candidates = [
        word
        for word in dict.fromkeys(words)
        if word not in _COMMON_WORDS and not word.isdigit() and len(word) > 2
    ]
    wanted = 1 if MAX_HASHTAGS[platform] <= 2 else 2
    return tuple(f"#{word}" for word in candidates[:wanted])
