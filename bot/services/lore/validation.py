"""What a lore entry may hold: a name, its keys and its text, each checked with a reason."""

from __future__ import annotations

from typing import Final

from inkwell.bot.errors import InvalidInput

MAX_NAME_CHARS: Final = 100
MIN_KEY_CHARS: Final = 2
MAX_KEYS: Final = 10
MAX_TEXT_WORDS: Final = 150
# Entries a server's lore, or one relay's, may hold.
MAX_ENTRIES: Final = 500


class LoreError(InvalidInput):
    """A lore entry, or a lorebook file, that cannot be used as it is."""


def clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise LoreError("A lore entry needs a name.")
    if len(name) > MAX_NAME_CHARS:
        raise LoreError(
            f"A lore entry's name may be at most {MAX_NAME_CHARS} characters; "
            f"this one has {len(name)}."
        )
    return name


def clean_keys(keys: str | list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Comma-separated (or listed) keys, trimmed and deduplicated case-insensitively."""
    parts = keys.split(",") if isinstance(keys, str) else list(keys)
    found: dict[str, str] = {}
    for part in parts:
        key = " ".join(part.split())
        if not key:
            continue
        if len(key) < MIN_KEY_CHARS:
            raise LoreError(
                f"The key '{key}' is too short: a key needs at least {MIN_KEY_CHARS} characters, "
                "or it would match almost any text."
            )
        found.setdefault(key.casefold(), key)
    if not found:
        raise LoreError("A lore entry needs at least one key: a name or word that brings it in.")
    if len(found) > MAX_KEYS:
        raise LoreError(
            f"A lore entry may have at most {MAX_KEYS} keys; this one has {len(found)}."
        )
    return tuple(found.values())


def clean_text(text: str) -> str:
    text = text.strip()
    if not text:
        raise LoreError("A lore entry needs some text: what is true about it in the story.")
    words = len(text.split())
    if words > MAX_TEXT_WORDS:
        raise LoreError(
            f"A lore entry's text may be at most {MAX_TEXT_WORDS} words; this one has {words}."
        )
    return text


def check_room(existing: int, adding: int, where: str) -> None:
    if existing + adding > MAX_ENTRIES:
        raise LoreError(
            f"{where[0].upper()}{where[1:]} may hold at most {MAX_ENTRIES} entries; it has "
            f"{existing}, and this would add {adding}."
        )
