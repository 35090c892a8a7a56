"""The people and places a harness knows, kept in step with the bot's cache.

:class:`World` holds the default member, moderator, guild and channel of a test, and adds
the fake guilds, channels and roles of :mod:`tests.harness.people` to the bot's connection
state as the gateway would (GUILD_CREATE and friends), so ``interaction.guild``,
``interaction.channel`` and ``Member.guild_permissions`` agree with the payloads. It also
decides who runs an interaction and where (:class:`Context`).
:class:`tests.harness.harness.Harness` is a World that also runs interactions.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from typing import Any, Final, cast

import discord

from tests.harness.people import (
    MEMBER_PERMISSIONS,
    FakeChannel,
    FakeGuild,
    FakeRole,
    FakeUser,
    dm_channel,
    make_guild,
    make_user,
)
from tests.harness.snowflakes import new_snowflake


@dataclass(frozen=True)
class Context:
    """Who runs an interaction, and where."""

    user: FakeUser
    guild: FakeGuild | None
    channel: FakeChannel


class DefaultGuild(enum.Enum):
    """``guild=DEFAULT_GUILD``: the harness's own guild (``None`` already means the DM)."""

    GUILD = enum.auto()


DEFAULT_GUILD: Final = DefaultGuild.GUILD


class World:
    """``user`` (a plain member), ``moderator`` (``manage_guild``), ``guild`` and ``channel``
    are the defaults every helper uses; ``guild`` (and so ``channel``) may be given."""

    def __init__(self, bot: discord.Client, *, guild: FakeGuild | None = None) -> None:
        self.bot = bot
        self.user = make_user("member")
        self.moderator = make_user("moderator", manage_guild=True, manage_messages=True)
        self.guild = guild or make_guild()
        self.channel = self.guild.default_channel
        self._guilds: dict[int, FakeGuild] = {}
        # One role per (guild, permissions) carries a member's permissions beyond the defaults.
        self._permission_roles: dict[tuple[int, int], int] = {}

    def new_user(self, name: str = "member", **kwargs: Any) -> FakeUser:
        """A user; keywords as :func:`make_user` (``manage_guild=True`` …)."""
        return make_user(name, **kwargs)

    def new_guild(self, name: str = "Another Guild", **kwargs: Any) -> FakeGuild:
        return self.add_guild(make_guild(name, **kwargs))

    def add_guild(self, guild: FakeGuild) -> FakeGuild:
        """Put ``guild`` in the bot's cache, as GUILD_CREATE would."""
        if guild.id not in self._guilds:
            self._guilds[guild.id] = guild
            self.bot._connection._add_guild_from_data(cast(Any, guild.payload()))
        return guild

    def new_channel(self, name: str, *, guild: FakeGuild | None = None) -> FakeChannel:
        """A text channel added to ``guild`` (default: ``harness.guild``) and the cache."""
        fake_guild = guild or self.guild
        channel = FakeChannel(new_snowflake(), name, fake_guild.id)
        updated = replace(fake_guild, channels=(*fake_guild.channels, channel))
        self._guilds[fake_guild.id] = updated
        if fake_guild.id == self.guild.id:
            self.guild = updated
        cached = self._cached_guild(fake_guild.id)
        cached._add_channel(
            discord.TextChannel(
                state=self.bot._connection, guild=cached, data=cast(Any, channel.payload())
            )
        )
        return channel

    def new_role(
        self, name: str, *, guild: FakeGuild | None = None, **permission_flags: bool
    ) -> FakeRole:
        fake_guild = guild or self.guild
        role = FakeRole(
            new_snowflake(), name, fake_guild.id, discord.Permissions(**permission_flags)
        )
        self._add_role(fake_guild.id, role)
        return role

    def _cached_guild(self, guild_id: int) -> discord.Guild:
        guild = self.bot.get_guild(guild_id)
        if guild is None:
            raise LookupError(f"guild {guild_id} is not in the bot's cache")
        return guild

    def _add_role(self, guild_id: int, role: FakeRole) -> None:
        cached = self._cached_guild(guild_id)
        cached._add_role(
            discord.Role(guild=cached, state=self.bot._connection, data=cast(Any, role.payload()))
        )

    def _member_roles(self, user: FakeUser, guild: FakeGuild | None) -> tuple[int, ...]:
        """A role carrying the user's extra permissions, so ``Member.guild_permissions``
        agrees with the interaction's ``permissions``."""
        if guild is None:
            return ()
        extra = user.permissions.value & ~MEMBER_PERMISSIONS.value
        if not extra:
            return ()
        key = (guild.id, user.permissions.value)
        if key not in self._permission_roles:
            role = FakeRole(new_snowflake(), f"perms-{extra:x}", guild.id, user.permissions)
            self._add_role(guild.id, role)
            self._permission_roles[key] = role.id
        return (self._permission_roles[key],)

    def _context(
        self,
        user: FakeUser | None,
        guild: FakeGuild | DefaultGuild | None,
        channel: FakeChannel | None,
    ) -> Context:
        user = user or self.user
        fake_guild = self.guild if guild is DEFAULT_GUILD else guild
        assert not isinstance(fake_guild, DefaultGuild)
        if fake_guild is not None:
            fake_guild = self.add_guild(fake_guild)
            channel = channel or fake_guild.default_channel
        else:
            channel = channel or dm_channel(user)
        return Context(user, fake_guild, channel)


__all__ = ["DEFAULT_GUILD", "Context", "DefaultGuild", "World"]
