"""Grapheme clusters: what a reader sees as one character, found without third-party packages.

Bluesky counts its limit in grapheme clusters, X weighs an emoji sequence as one unit, and a
post cut short must never split an accent from its letter or an emoji from its skin tone;
all three need :func:`graphemes`. It follows UAX #29 closely enough for social posts and
errs towards *smaller* clusters, so lengths counted with it are never too low.
"""

from __future__ import annotations

import unicodedata
from typing import Final

from inkwell.bot.text.cleaning import is_pictographic

_ZWJ: Final = "\u200d"
_ZWNJ: Final = "\u200c"


def _is_control(char: str) -> bool:
    return unicodedata.category(char) in ("Cc", "Zl", "Zp")


def is_extend(char: str) -> bool:
    """Grapheme_Cluster_Break Extend/SpacingMark, approximately: joins the character before."""
    code = ord(char)
    return (
        unicodedata.category(char) in ("Mn", "Mc", "Me")  # includes variation selectors
        or char in (_ZWJ, _ZWNJ)
        or 0x1F3FB <= code <= 0x1F3FF  # skin-tone modifiers
        or 0xE0020 <= code <= 0xE007F  # tags (subdivision flags 🏴󠁧󠁢󠁳󠁣󠁴󠁿)
    )


def is_regional_indicator(char: str) -> bool:
    """One half of a flag: two regional indicators (🇫 + 🇷) make one flag (🇫🇷)."""
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
    if is_extend(char):
        return True
    if _hangul_kind(char) in _HANGUL_JOINS.get(_hangul_kind(previous), frozenset()):
        return True
    if previous == _ZWJ and is_pictographic(char) and is_pictographic(cluster[0]):
        return True
    if is_regional_indicator(char) and is_regional_indicator(previous):
        # Flags are pairs: 🇫🇷🇩🇪 is two clusters, not one.
        return sum(map(is_regional_indicator, cluster)) % 2 == 1
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
