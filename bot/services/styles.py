"""Members' style preferences: validation, layering and the effective style of a call.

Layers, strongest first: the command's own options, the member's preferences, the guild's
defaults, Inkwell's built-in defaults.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import get_args

from bot.errors import InvalidInput
from bot.services.forms import PointOfView, Rating, Tense
from bot.storage.database import Database
from bot.storage.forget import forget_member
from bot.storage.styles import StyleRecord, StyleRepository
from bot.text.cleaning import clean_text

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
}
# Which style preference a command option overrides for that one call.
OPTION_OVERRIDES: dict[str, str] = {"tone": "tone", "mood": "tone", "pov": "pov"}


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
    def __init__(self, database: Database, repository: StyleRepository | None = None) -> None:
        self._database = database
        self._repository = repository or StyleRepository(database)

    async def overview(self, user_id: int, guild_id: int | None) -> StyleOverview:
        mine = await self._repository.member(user_id)
        defaults = (
            await self._repository.guild_defaults(guild_id)
            if guild_id is not None
            else StyleRecord()
        )
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
        return await self._repository.update_member(user_id, **validate_changes(changes))

    async def reset(self, user_id: int, field: str | None = None) -> bool:
        """Clear one preference, or all of them; ``True`` if anything was set."""
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
        return await forget_member(self._database, user_id)

    async def update_guild_defaults(
        self, guild_id: int, moderator_id: int, changes: dict[str, str | None]
    ) -> StyleRecord:
        if not changes:
            raise InvalidInput("Name at least one default to set, e.g. rating:pg.")
        return await self._repository.update_guild_defaults(
            guild_id, moderator_id, **validate_changes(changes)
        )

    async def reset_guild_defaults(self, guild_id: int) -> bool:
        return await self._repository.reset_guild_defaults(guild_id)
