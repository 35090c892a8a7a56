"""What members type, made safe: one normal form, no hidden characters, no accidental pings.

Three jobs, three directions:

* :func:`clean_text` — text a member typed, before it is stored or sent to the model.
  It never shortens what the member wrote; text over the limit is refused with a sentence
  saying by how much (:class:`~inkwell.bot.errors.InvalidInput`).
* :func:`defuse_mentions` — text on its way *into* the model: Discord's mention syntax
  becomes plain words, so the model never sees (and never learns to write) a ping.
* :func:`neutralize_mentions` — text the model wrote, on its way *out* to Discord.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from typing import Final

from inkwell.bot.errors import InvalidInput

# Zero-width and bidi-control characters: they hide text from readers and from the content
# filters (``b\u200bad`` is not ``bad``) and can flip how a line displays. U+061C (Arabic
# letter mark) is a bidi control too, so it goes with the others.
_INVISIBLE: Final = frozenset(
    chr(code)
    for code in (
        *range(0x200B, 0x2010),  # zero-width space, ZWNJ, ZWJ, LRM, RLM
        *range(0x202A, 0x202F),  # bidi embeddings and overrides
        *range(0x2060, 0x2065),  # word joiner, invisible operators
        *range(0x2066, 0x206A),  # bidi isolates
        0xFEFF,  # zero-width no-break space / byte order mark
        0x00AD,  # soft hyphen
        0x061C,  # Arabic letter mark
    )
)
_ZWNJ: Final = "\u200c"
_ZWJ: Final = "\u200d"
_ZWSP: Final = "\u200b"

# Line breaks of every kind become "\n"; "\r\n" is folded first so it makes one break, not two.
_LINE_BREAKS: Final = frozenset("\r\x0b\x0c\x85\u2028\u2029")

# Scripts whose spelling needs ZWNJ/ZWJ between letters (Persian "می‌خواهم", Hindi half
# forms, …): Arabic, Syriac, Thaana, N'Ko and friends, the Indic blocks, Arabic
# presentation forms.
_JOINING_SCRIPTS: Final = (
    (0x0600, 0x08FF),
    (0x0900, 0x0DFF),
    (0xFB50, 0xFDFF),
    (0xFE70, 0xFEFE),
)

# Roughly Unicode's Extended_Pictographic: the characters emoji ZWJ sequences are made of.
_PICTOGRAPHIC: Final = (
    (0x00A9, 0x00A9),
    (0x00AE, 0x00AE),
    (0x203C, 0x203C),
    (0x2049, 0x2049),
    (0x2122, 0x2122),
    (0x2139, 0x2139),
    (0x2190, 0x21FF),
    (0x2300, 0x23FF),
    (0x24C2, 0x24C2),
    (0x25A0, 0x25FF),
    (0x2600, 0x27BF),
    (0x2934, 0x2935),
    (0x2B00, 0x2BFF),
    (0x3030, 0x3030),
    (0x303D, 0x303D),
    (0x3297, 0x3297),
    (0x3299, 0x3299),
    (0x1F000, 0x1FAFF),
)
_EMOJI_PRESENTATION: Final = "\ufe0f"

_HORIZONTAL_RUN: Final = re.compile(r"[^\S\n]{2,}")
_TRAILING_SPACE: Final = re.compile(r"[^\S\n]+\n")
_BLANK_LINES: Final = re.compile(r"\n{3,}")


def _in_ranges(char: str, ranges: tuple[tuple[int, int], ...]) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in ranges)


def is_pictographic(char: str) -> bool:
    """Whether ``char`` is an emoji-like pictograph (approximately Extended_Pictographic)."""
    return _in_ranges(char, _PICTOGRAPHIC)


def _joiner_does_work(text: str, index: int) -> bool:
    """Whether the ZWNJ/ZWJ at ``text[index]`` is part of the writing rather than a trick.

    A joiner stays inside an emoji ZWJ sequence (👩‍💻) and between two letters of a script
    that spells with joiners. Everywhere else (between Latin letters, next to spaces) it only
    hides text, so it goes.
    """
    if index == 0 or index + 1 >= len(text):
        return False
    before, after = text[index - 1], text[index + 1]
    # Skin-tone modifiers (U+1F3FB..U+1F3FF) are inside the pictographic ranges.
    if (
        text[index] == _ZWJ
        and is_pictographic(after)
        and (is_pictographic(before) or before == _EMOJI_PRESENTATION)
    ):
        return True
    return _in_ranges(before, _JOINING_SCRIPTS) and _in_ranges(after, _JOINING_SCRIPTS)


def normalize_text(text: str, *, multiline: bool = True) -> str:
    """Put ``text`` in one clean form without judging it (never raises, never truncates).

    NFC; every kind of line break becomes ``\\n`` (``\\r\\n`` counts once); other control
    characters, unpaired surrogates, zero-width and bidi-control characters are removed
    (joiners that do real work stay, see :func:`_joiner_does_work`); runs of two or more
    spaces/tabs become one space (a lone tab or no-break space is kept as written); spaces
    at line ends and around the whole text go; three or more newlines become two. With
    ``multiline=False``, newlines and tabs become spaces so words never run together.
    """
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n")
    kept: list[str] = []
    for index, char in enumerate(text):
        if char in _LINE_BREAKS:
            char = "\n"
        if char in "\n\t":
            kept.append(char if multiline else " ")
        elif char in _INVISIBLE:
            if char in (_ZWNJ, _ZWJ) and _joiner_does_work(text, index):
                kept.append(char)
        elif unicodedata.category(char) not in ("Cc", "Cs"):
            kept.append(char)
    cleaned = _HORIZONTAL_RUN.sub(" ", "".join(kept))
    cleaned = _TRAILING_SPACE.sub("\n", cleaned)
    cleaned = _BLANK_LINES.sub("\n\n", cleaned)
    return cleaned.strip()


def clean_text(
    text: str,
    *,
    field: str,
    max_chars: int,
    required: bool = True,
    multiline: bool = True,
) -> str:
    """Return what the member typed in :func:`normalize_text` form, or refuse it.

    ``field`` names the option in the member's words ("topic", "prompt"); it appears in the
    error sentence. Length is counted in code points *after* cleaning, so invisible
    characters never count against the member. Nothing is ever cut: text over
    ``max_chars`` raises :class:`InvalidInput` saying how long it is. An optional field left
    empty returns ``""`` (the caller maps it to ``None``).
    """
    if max_chars < 1:
        raise ValueError(f"max_chars must be at least 1, not {max_chars}")
    cleaned = normalize_text(text, multiline=multiline)
    if not cleaned:
        if required:
            raise InvalidInput(f"The {field} is empty — write a few words.")
        return ""
    if len(cleaned) > max_chars:
        raise InvalidInput(
            f"The {field} is {len(cleaned):,} characters; the limit is {max_chars:,}. "
            "Shorten it and try again."
        )
    return cleaned


# Each pattern also accepts the zero-width space neutralize_mentions() inserts, so text the
# bot wrote earlier (a relay story's history) is defused the same way.
_MEMBER_MENTION: Final = re.compile(r"<@\u200b?!?\d+>")
_ROLE_MENTION: Final = re.compile(r"<@\u200b?&\d+>")
_CHANNEL_MENTION: Final = re.compile(r"<#\d+>")
_COMMAND_MENTION: Final = re.compile(r"</([-\w]+(?: [-\w]+){0,2}):\d+>")
_CUSTOM_EMOJI: Final = re.compile(r"<a?:(\w{1,32}):\d+>")
_TIMESTAMP: Final = re.compile(r"<t:(-?\d{1,20})(?::([tTdDfFR]))?>")
# Discord reads "@everyone" and "@here" wherever they stand: after a letter ("x@everyone"),
# after more at-signs ("@@here"), at the start of a longer word or an address. Every
# at-sign (and zero-width space) before them goes; a letter before keeps them a word apart.
_MASS_MENTION: Final = re.compile(r"(\w?)[@\u200b]*@\u200b*(everyone|here)", re.IGNORECASE)
# Removing one piece of syntax can bring others together ("<@<@1>1>"), so defusing repeats
# until nothing changes; each round shortens the text, so this bound is never reached.
_MAX_ROUNDS: Final = 64


def _timestamp_words(match: re.Match[str]) -> str:
    """``<t:1700000000:R>`` → ``2023-11-14 22:13 UTC`` (relative styles become absolute)."""
    try:
        moment = datetime.fromtimestamp(int(match[1]), tz=UTC)
    except (OverflowError, OSError, ValueError):
        return "a date"
    style = match[2] or "f"
    if style in "dD":
        return moment.strftime("%Y-%m-%d")
    if style == "t":
        return moment.strftime("%H:%M UTC")
    if style == "T":
        return moment.strftime("%H:%M:%S UTC")
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def defuse_mentions(text: str) -> str:
    """Turn Discord's markup into plain words, for text sent to the model.

    ``<@123>``/``<@!123>`` → "@member", ``<@&123>`` → "@role", ``<#123>`` → "#channel",
    ``@everyone``/``@here`` → "everyone"/"here", ``<:name:123>`` → ":name:",
    ``</cmd sub:123>`` → "/cmd sub", ``<t:…>`` → a UTC date. The model never sees ids or
    ping syntax, so it cannot copy them into what it writes.
    """
    for _ in range(_MAX_ROUNDS):
        defused = _defuse_once(text)
        if defused == text:
            break
        text = defused
    return text


def _defuse_once(text: str) -> str:
    text = _MEMBER_MENTION.sub("@member", text)
    text = _ROLE_MENTION.sub("@role", text)
    text = _CHANNEL_MENTION.sub("#channel", text)
    text = _COMMAND_MENTION.sub(r"/\1", text)
    text = _CUSTOM_EMOJI.sub(r":\1:", text)
    text = _TIMESTAMP.sub(_timestamp_words, text)
    return _MASS_MENTION.sub(_mass_mention_words, text)


def _mass_mention_words(match: re.Match[str]) -> str:
    before, word = match[1], match[2]
    return f"{before} {word}" if before else word


_MASS_PING: Final = re.compile(r"@(?=everyone|here)", re.IGNORECASE)
_MENTION_OPENER: Final = re.compile(r"<@(?!\u200b)")


def neutralize_mentions(text: str) -> str:
    """Break ping syntax in model output with a zero-width space after the ``@``.

    The bot already sends with ``AllowedMentions.none()``, which stops the notification.
    This exists anyway because the syntax itself stays live: ``<@123>`` still renders as a
    highlighted member pill in a message the model wrote, and anything that re-posts the
    text — another bot, a webhook edit or follow-up that forgets ``allowed_mentions``, a
    member copying it — would ping for real. ``@\\u200beveryone`` reads the same and can
    never ping. Idempotent: running it twice changes nothing more.
    """
    text = _MASS_PING.sub("@" + _ZWSP, text)
    return _MENTION_OPENER.sub("<@" + _ZWSP, text)
