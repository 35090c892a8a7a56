"""Who asked for something, and where: the member, the guild, the channel, their roles."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Origin:
    user_id: int
    guild_id: int | None = None
    channel_id: int | None = None
    role_ids: frozenset[int] = field(default_factory=frozenset)
    # Discord's age-restricted ("NSFW") channel flag; mature ratings need it.
    age_restricted_channel: bool = False
