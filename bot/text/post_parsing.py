"""Turning what the model wrote into a :class:`~inkwell.bot.text.post.Post`.

A small model wraps its post in chatter — code fences, "Sure! Here's your tweet:",
"**Post:**", quotes, "(Character count: 212)" — and mixes hashtags and alt text into the
body. :func:`parse_post` takes free text apart; :func:`parse_post_json` reads structured
output, or returns ``None`` so the caller can fall back on :func:`parse_post`. Neither
shortens anything: making the post fit is :mod:`inkwell.bot.text.post_fitting`'s job.
"""

from __future__ import annotations

import json
import re
from typing import Final

from inkwell.bot.text.cleaning import normalize_text
from inkwell.bot.text.hashtags import as_hashtag, dedupe_tags, extract_hashtags
from inkwell.bot.text.post import Post

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
    :attr:`Post.hashtags` (see :func:`~inkwell.bot.text.hashtags.extract_hashtags`) and
    tidies whitespace.
    """
    text = _strip_wrappers(normalize_text(raw))
    text, alt_text = _take_alt_text(text)
    body, hashtags = extract_hashtags(text)
    body = normalize_text(_strip_quotes(normalize_text(body)))
    return Post(body=body, hashtags=hashtags, alt_text=alt_text or None)


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
    extra = (tag for tag in map(as_hashtag, hashtags) if tag is not None)
    alt_text = normalize_text(alt_text) if alt_text else post.alt_text
    return Post(
        body=post.body,
        hashtags=dedupe_tags((*post.hashtags, *extra)),
        alt_text=alt_text or None,
    )
