"""Members' style preferences: validation, layering and the effective style of a call.

Layers, strongest first: the command's own options, the member's preferences, the guild's
defaults, Inkwell's built-in defaults.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import get_args

from inkwell.bot.errors import InvalidInput
from inkwell.bot.records.styles import StyleRecord
from inkwell.bot.services.forms import Creativity, PointOfView, Rating, Tense
from inkwell.bot.storage.database import Database
from inkwell.bot.storage.forget import forget_member
from inkwell.bot.storage.styles import StyleRepository
from inkwell.bot.text.cleaning import clean_text

BUILTIN_STYLE = StyleRecord(rating="pg13")

# Longest text each free-text preference may hold.
TEXT_LIMITS: dict[str, int] = {
    "voice": 100,
    "tone": 100,
    "favourite_forms": 200,
    "avoid": 300,
    "sample": 1000,
}
CHOICE_FIELDS: dict[str, tuple[str, ...]] = {
    "pov": tuple(get_args(PointOfView)),
    "tense": tuple(get_args(Tense)),
    "rating": tuple(get_args(Rating)),
    "creativity": tuple(get_args(Creativity)),
}
# Which style preference a command option overrides for that one call.
OPTION_OVERRIDES: dict[str, str] = {
    "tone": "tone",
    "mood": "tone",
    "pov": "pov",
    "creativity": "creativity",
}


@dataclass(frozen=True, slots=True)
class StyleOverview:
    """What ``/style show`` tells a member."""

    mine: StyleRecord
    guild_defaults: StyleRecord
    effective: StyleRecord


def validate_changes(changes: dict[str, str | None]) -> dict[str, str | None]:
    """Clean free text and check choices; raise :class:`InvalidInput` with a clear sentence."""
    cleaned: dict[str, str | None] = {}
    for name, value in changes.items():
        if name not in StyleRecord.field_names():
            raise InvalidInput(f"There is no style preference called “{name}”.")
        if value is None:
            cleaned[name] = None
        elif name in CHOICE_FIELDS:
            choice = value.strip().lower()
            if choice not in CHOICE_FIELDS[name]:
                allowed = ", ".join(CHOICE_FIELDS[name])
                raise InvalidInput(f"{name} must be one of: {allowed}.")
            cleaned[name] = choice
        else:
            text = clean_text(
                value, field=name.replace("_", " "), max_chars=TEXT_LIMITS[name], required=False
            )
            cleaned[name] = text or None
    return cleaned


class StyleService:
    """Reads go through a small in-memory cache: every command needs its member's style, and
    a round trip to SQLite's worker thread per command is the largest cost of starting one.
    All writes go through this service, which updates the cache after they commit."""

    CACHE_SIZE = 10_000

    def __init__(self, database: Database, repository: StyleRepository | None = None) -> None:
        self._database = database
        self._repository = repository or StyleRepository(database)
        self._members: dict[int, StyleRecord] = {}
        self._guilds: dict[int, StyleRecord] = {}

    async def _member(self, user_id: int) -> StyleRecord:
        if (cached := self._members.get(user_id)) is None:
            cached = await self._repository.member(user_id)
            self._remember(self._members, user_id, cached)
        return cached

    async def _guild(self, guild_id: int | None) -> StyleRecord:
        if guild_id is None:
            return StyleRecord()
        if (cached := self._guilds.get(guild_id)) is None:
            cached = await self._repository.guild_defaults(guild_id)
            self._remember(self._guilds, guild_id, cached)
        return cached

    def _remember(self, cache: dict[int, StyleRecord], key: int, record: StyleRecord) -> None:
        if len(cache) >= self.CACHE_SIZE:
            cache.pop(next(iter(cache)))  # the oldest entry; dicts keep insertion order
        cache[key] = record

    async def overview(self, user_id: int, guild_id: int | None) -> StyleOverview:
        mine = await self._member(user_id)
        defaults = await self._guild(guild_id)
        return StyleOverview(mine, defaults, mine.over(defaults).over(BUILTIN_STYLE))

    async def effective(self, user_id: int, guild_id: int | None) -> StyleRecord:
        return (await self.overview(user_id, guild_id)).effective

    async def for_call(
        self, user_id: int, guild_id: int | None, options: dict[str, str | int]
    ) -> StyleRecord:
        """The effective style minus what this call's own options override."""
        style = await self.effective(user_id, guild_id)
        overridden = {OPTION_OVERRIDES[name]: None for name in options if name in OPTION_OVERRIDES}
        return replace(style, **overridden)

    async def update(self, user_id: int, changes: dict[str, str | None]) -> StyleRecord:
        if not changes:
            raise InvalidInput("Name at least one preference to set, e.g. tone:wry.")
        saved = await self._repository.update_member(user_id, **validate_changes(changes))
        self._members[user_id] = saved
        return saved

    async def reset(self, user_id: int, field: str | None = None) -> bool:
        """Clear one preference, or all of them; ``True`` if anything was set."""
        self._members.pop(user_id, None)
        if field is None:
            return await self._repository.reset_member(user_id)
        current = await self._repository.member(user_id)
        if field not in StyleRecord.field_names():
            raise InvalidInput(f"There is no style preference called “{field}”.")
        if getattr(current, field) is None:
            return False
        await self._repository.update_member(user_id, **{field: None})
        return True

    async def forget(self, user_id: int) -> int:
        self._members.pop(user_id, None)
        self._guilds.clear()  # rows that named this member as their editor were changed
        return await forget_member(self._database, user_id)

    async def update_guild_defaults(
        self, guild_id: int, moderator_id: int, changes: dict[str, str | None]
    ) -> StyleRecord:
        if not changes:
            raise InvalidInput("Name at least one default to set, e.g. rating:pg.")
        saved = await self._repository.update_guild_defaults(
            guild_id, moderator_id, **validate_changes(changes)
        )
        self._guilds[guild_id] = saved
        return saved

    async def reset_guild_defaults(self, guild_id: int) -> bool:
        self._guilds.pop(guild_id, None)
        return await self._repository.reset_guild_defaults(guild_id)
