"""The people and places of a test: fake users, guilds, channels and roles.

Frozen dataclasses that know how Discord describes them (``payload()``), so the payload
builders (:mod:`tests.harness.payloads`) and the bot's cache (GUILD_CREATE, via
:class:`tests.harness.harness.Harness`) see the same user, guild or channel. A
:class:`FakeUser` carries its channel permissions, resolved the way Discord resolves them
for an interaction (a guild's owner and an administrator may do anything).

:func:`make_user`, :func:`make_guild` and :func:`dm_channel` build them with fresh ids.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import discord

from tests.harness.snowflakes import new_snowflake

# What a plain member may do in a plain channel (also the @everyone role of a FakeGuild).
MEMBER_PERMISSIONS: Final = discord.Permissions(
    view_channel=True,
    send_messages=True,
    send_messages_in_threads=True,
    create_public_threads=True,
    read_message_history=True,
    embed_links=True,
    attach_files=True,
    add_reactions=True,
    use_external_emojis=True,
    use_application_commands=True,
    change_nickname=True,
    connect=True,
    speak=True,
)
# The bot's own, in every channel: what an interaction's ``app_permissions`` says by default.
BOT_PERMISSIONS: Final = MEMBER_PERMISSIONS | discord.Permissions(
    manage_messages=True, manage_threads=True
)

_TEXT_CHANNEL = discord.ChannelType.text.value
_DM_CHANNEL = discord.ChannelType.private.value


@dataclass(frozen=True)
class FakeUser:
    """A Discord account; in a guild it is a member with ``permissions`` in every channel."""

    id: int
    name: str
    global_name: str | None = None
    bot: bool = False
    permissions: discord.Permissions = field(
        default_factory=lambda: discord.Permissions(MEMBER_PERMISSIONS.value)
    )
    roles: tuple[int, ...] = ()
    nick: str | None = None
    locale: str = "en-US"

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "username": self.name,
            "global_name": self.global_name,
            "discriminator": "0",
            "avatar": None,
            "bot": self.bot,
            "public_flags": 0,
        }

    def resolved_permissions(self, guild: FakeGuild | None) -> discord.Permissions:
        """Its permissions in a channel, the way Discord resolves them for an interaction."""
        if guild is not None and (guild.owner_id == self.id or self.permissions.administrator):
            return discord.Permissions.all()
        return self.permissions


@dataclass(frozen=True)
class FakeChannel:
    id: int
    name: str
    guild_id: int | None
    type: int = _TEXT_CHANNEL
    recipient: FakeUser | None = None  # for a DM

    @property
    def mention(self) -> str:
        return f"<#{self.id}>"

    def payload(self) -> dict[str, Any]:
        if self.type == _DM_CHANNEL:
            return {
                "id": str(self.id),
                "type": self.type,
                "last_message_id": None,
                "flags": 0,
                "recipients": [self.recipient.payload()] if self.recipient else [],
            }
        return {
            "id": str(self.id),
            "type": self.type,
            "guild_id": str(self.guild_id),
            "name": self.name,
            "position": 0,
            "permission_overwrites": [],
            "nsfw": False,
            "parent_id": None,
            "topic": None,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "flags": 0,
        }

    def interaction_payload(self, permissions: discord.Permissions) -> dict[str, Any]:
        """As in an interaction's ``channel`` or ``resolved.channels``: with permissions."""
        return {**self.payload(), "permissions": str(permissions.value)}


@dataclass(frozen=True)
class FakeRole:
    id: int
    name: str
    guild_id: int
    permissions: discord.Permissions = field(default_factory=discord.Permissions.none)
    position: int = 1

    @property
    def mention(self) -> str:
        return f"<@&{self.id}>"

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "name": self.name,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "icon": None,
            "unicode_emoji": None,
            "position": self.position,
            "permissions": str(self.permissions.value),
            "managed": False,
            "mentionable": False,
            "flags": 0,
        }


@dataclass(frozen=True)
class FakeGuild:
    id: int
    name: str
    owner_id: int
    channels: tuple[FakeChannel, ...]
    roles: tuple[FakeRole, ...] = ()
    locale: str = "en-US"

    @property
    def default_channel(self) -> FakeChannel:
        return self.channels[0]

    @property
    def everyone(self) -> FakeRole:
        return FakeRole(self.id, "@everyone", self.id, MEMBER_PERMISSIONS, position=0)

    def channel(self, name: str) -> FakeChannel:
        for channel in self.channels:
            if channel.name == name:
                return channel
        raise LookupError(f"no channel #{name} in {self.name}")

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(self.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "premium_progress_bar_enabled": False,
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "vanity_url_code": None,
            "preferred_locale": self.locale,
            "features": [],
            "emojis": [],
            "stickers": [],
            "roles": [self.everyone.payload(), *(role.payload() for role in self.roles)],
            "channels": [channel.payload() for channel in self.channels],
            "members": [],
            "threads": [],
            "member_count": 2,
            "large": False,
        }


def make_user(
    name: str = "member",
    *,
    id: int | None = None,
    permissions: discord.Permissions | None = None,
    bot: bool = False,
    roles: Sequence[int] = (),
    nick: str | None = None,
    locale: str = "en-US",
    **permission_flags: bool,
) -> FakeUser:
    """A user; ``manage_guild=True`` (any Permissions flag) adds to the member defaults."""
    granted = discord.Permissions((permissions or MEMBER_PERMISSIONS).value)
    granted.update(**permission_flags)
    return FakeUser(
        id=id or new_snowflake(),
        name=name,
        bot=bot,
        permissions=granted,
        roles=tuple(roles),
        nick=nick,
        locale=locale,
    )


def make_guild(
    name: str = "Inkwell Test Guild",
    *,
    id: int | None = None,
    owner: FakeUser | None = None,
    channels: Sequence[str] = ("general",),
    locale: str = "en-US",
) -> FakeGuild:
    guild_id = id or new_snowflake()
    return FakeGuild(
        id=guild_id,
        name=name,
        owner_id=owner.id if owner else new_snowflake(),
        channels=tuple(FakeChannel(new_snowflake(), channel, guild_id) for channel in channels),
        locale=locale,
    )


def dm_channel(user: FakeUser) -> FakeChannel:
    """The DM between ``user`` and the bot (the same id every time for one user)."""
    return FakeChannel(user.id + 1, "dm", None, type=_DM_CHANNEL, recipient=user)


__all__ = [
    "BOT_PERMISSIONS",
    "MEMBER_PERMISSIONS",
    "FakeChannel",
    "FakeGuild",
    "FakeRole",
    "FakeUser",
    "dm_channel",
    "make_guild",
    "make_user",
]
