"""How long a text is on a platform, counted the way that platform counts.

A small model cannot count characters, so nothing asks it to; the code counts instead, with
:func:`post_length`:

* **x** — twitter-text's weighted length: code points in U+0000..U+10FF, U+2000..U+200D,
  U+2010..U+201F and U+2032..U+2037 weigh 1, everything else (CJK, most emoji) 2; an emoji
  sequence (👩‍💻, 👍🏽, flags, keycaps) weighs 2 as a whole; every URL weighs 23, also bare
  domains (``example.com``) which X links too.
* **bluesky** — grapheme clusters (what a reader sees as one character), approximated
  without third-party packages by :func:`~inkwell.bot.text.graphemes.graphemes`.
* **mastodon** — code points, with every ``http(s)://`` URL counted as 23. Recent Mastodon
  counts grapheme clusters, never more than code points, so this errs on the safe side.
* **threads, instagram, linkedin** — code points.

Each approximation above errs towards counting *more* than the platform does, except for
bare domains under top-level domains X knows and :data:`_GENERIC_TLDS` does not list.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import Final

from inkwell.bot.text.cleaning import is_pictographic
from inkwell.bot.text.graphemes import graphemes, is_regional_indicator
from inkwell.bot.text.platforms import Platform

URL_WEIGHT: Final = 23

_KEYCAP: Final = "\u20e3"

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
            or is_regional_indicator(cluster[0])
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
