"""INTERACTION_CREATE payloads: the dicts Discord's gateway would send the bot.

:func:`slash` (a chat-input command), :func:`message_command` (an Apps-menu command on a
message, which :func:`member_message` builds), :func:`component` (a button click or a
select's choice) and :func:`modal_submit` build them from the fakes of
:mod:`tests.harness.people`, with the member, channel, permissions, locale and guild fields
discord.py reads. They check
nothing: :mod:`tests.harness.client_side` checks what a member's client would before
the harness builds one, and a test may hand-build an odd payload on purpose.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

import discord
from discord.enums import AppCommandOptionType
from discord.utils import MISSING

from tests.harness.people import BOT_PERMISSIONS, FakeChannel, FakeGuild, FakeUser, dm_channel
from tests.harness.snowflakes import new_snowflake

# The bot's application; its bot user has the same id, as Discord gives a bot.
APPLICATION_ID: Final = 1_100_000_000_000_000_001
BOT_USER_ID: Final = APPLICATION_ID
API_VERSION: Final = 1
ATTACHMENT_SIZE_LIMIT: Final = 10 * 1024 * 1024


def member_payload(
    user: FakeUser, guild: FakeGuild, *, extra_roles: Sequence[int] = (), with_user: bool = True
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "roles": [str(role) for role in (*user.roles, *extra_roles)],
        "joined_at": "2024-01-01T00:00:00+00:00",
        "premium_since": None,
        "nick": user.nick,
        "avatar": None,
        "deaf": False,
        "mute": False,
        "pending": False,
        "flags": 0,
        "communication_disabled_until": None,
        "permissions": str(user.resolved_permissions(guild).value),
    }
    if with_user:
        payload["user"] = user.payload()
    return payload


def _interaction_payload(
    type: int,
    data: dict[str, Any] | None,
    *,
    user: FakeUser,
    guild: FakeGuild | None,
    channel: FakeChannel | None,
    message: dict[str, Any] | None = None,
    member_roles: Sequence[int] = (),
    app_permissions: discord.Permissions = BOT_PERMISSIONS,
    application_id: int = APPLICATION_ID,
    interaction_id: int | None = None,
) -> dict[str, Any]:
    interaction_id = interaction_id or new_snowflake()
    channel = channel or (guild.default_channel if guild else dm_channel(user))
    payload: dict[str, Any] = {
        "id": str(interaction_id),
        "application_id": str(application_id),
        "type": type,
        "token": f"test-token-{interaction_id}",
        "version": API_VERSION,
        "channel_id": str(channel.id),
        "channel": channel.interaction_payload(user.resolved_permissions(guild)),
        "app_permissions": str(app_permissions.value),
        "locale": user.locale,
        "entitlements": [],
        "entitlement_sku_ids": [],
        "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
    }
    if data is not None:
        payload["data"] = data
    if guild is not None:
        payload["guild_id"] = str(guild.id)
        payload["guild"] = {"id": str(guild.id), "locale": guild.locale, "features": []}
        payload["guild_locale"] = guild.locale
        payload["member"] = member_payload(user, guild, extra_roles=member_roles)
        payload["context"] = 0  # a guild
        payload["authorizing_integration_owners"] = {"0": str(guild.id)}
    else:
        payload["user"] = user.payload()
        payload["context"] = 1  # the bot's DM
        payload["authorizing_integration_owners"] = {"0": "0"}
    if message is not None:
        payload["message"] = message
    return payload


def option(
    name: str,
    type: AppCommandOptionType | int,
    value: Any = MISSING,
    *,
    options: Sequence[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """One entry of ``data.options``: a value, or a subcommand (1) / group (2) with ``options``."""
    kind = type.value if isinstance(type, AppCommandOptionType) else type
    entry: dict[str, Any] = {"name": name, "type": int(kind)}
    if value is not MISSING:
        entry["value"] = value
    if options is not None:
        entry["options"] = list(options)
    return entry


def slash(
    name: str,
    *,
    options: Sequence[dict[str, Any]] = (),
    subcommand: str | Sequence[str] | None = None,
    user: FakeUser,
    guild: FakeGuild | None = None,
    channel: FakeChannel | None = None,
    resolved: dict[str, Any] | None = None,
    command_id: int | None = None,
    command_guild_id: int | None = None,
    member_roles: Sequence[int] = (),
    app_permissions: discord.Permissions = BOT_PERMISSIONS,
    application_id: int = APPLICATION_ID,
) -> dict[str, Any]:
    """A chat-input command (type 2). ``subcommand="set"`` or ``("group", "set")`` nests
    ``options`` under the subcommand; ``command_guild_id`` marks a guild-registered command."""
    path = [subcommand] if isinstance(subcommand, str) else list(subcommand or [])
    nested = list(options)
    for depth, part in reversed(list(enumerate(path))):
        kind = AppCommandOptionType.subcommand_group if depth < len(path) - 1 else None
        kind = kind or AppCommandOptionType.subcommand
        nested = [option(part, kind, options=nested)]
    data: dict[str, Any] = {
        "id": str(command_id or _command_id(name)),
        "name": name,
        "type": discord.AppCommandType.chat_input.value,
    }
    if nested:
        data["options"] = nested
    if resolved:
        data["resolved"] = resolved
    if command_guild_id is not None:
        data["guild_id"] = str(command_guild_id)
    return _interaction_payload(
        discord.InteractionType.application_command.value,
        data,
        user=user,
        guild=guild,
        channel=channel,
        member_roles=member_roles,
        app_permissions=app_permissions,
        application_id=application_id,
    )


def member_message(
    author: FakeUser,
    content: str = "",
    *,
    channel: FakeChannel,
    embeds: Sequence[dict[str, Any]] = (),
    attachments: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    """A message ``author`` wrote in ``channel``, as Discord sends it in ``resolved.messages``."""
    payload: dict[str, Any] = {
        "id": str(new_snowflake()),
        "channel_id": str(channel.id),
        "type": discord.MessageType.default.value,
        "content": content,
        "author": author.payload(),
        "timestamp": "2024-01-01T00:00:00+00:00",
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": list(attachments),
        "embeds": list(embeds),
        "pinned": False,
        "flags": 0,
        "components": [],
    }
    if channel.guild_id is not None:
        payload["guild_id"] = str(channel.guild_id)
    return payload


def message_command(
    name: str,
    *,
    target: dict[str, Any],
    user: FakeUser,
    guild: FakeGuild | None = None,
    channel: FakeChannel | None = None,
    command_id: int | None = None,
    member_roles: Sequence[int] = (),
    app_permissions: discord.Permissions = BOT_PERMISSIONS,
    application_id: int = APPLICATION_ID,
) -> dict[str, Any]:
    """A message command (type 2 with ``data.type`` 3) run from the Apps menu on ``target``
    (a message payload, see :func:`member_message`): Discord names it by ``target_id`` and
    sends the message itself in ``resolved.messages``."""
    data: dict[str, Any] = {
        "id": str(command_id or _command_id(f"message:{name}")),
        "name": name,
        "type": discord.AppCommandType.message.value,
        "target_id": target["id"],
        "resolved": {"messages": {target["id"]: target}},
    }
    return _interaction_payload(
        discord.InteractionType.application_command.value,
        data,
        user=user,
        guild=guild,
        channel=channel,
        member_roles=member_roles,
        app_permissions=app_permissions,
        application_id=application_id,
    )


def component(
    custom_id: str,
    *,
    message: dict[str, Any],
    user: FakeUser,
    guild: FakeGuild | None = None,
    channel: FakeChannel | None = None,
    component_type: int = discord.ComponentType.button.value,
    values: Sequence[str] | None = None,
    member_roles: Sequence[int] = (),
    application_id: int = APPLICATION_ID,
) -> dict[str, Any]:
    """A click on a button (type 3) of ``message`` (a message payload), or a select's choice."""
    data: dict[str, Any] = {"custom_id": custom_id, "component_type": component_type}
    if values is not None:
        data["values"] = list(values)
    return _interaction_payload(
        discord.InteractionType.component.value,
        data,
        user=user,
        guild=guild,
        channel=channel,
        message=message,
        member_roles=member_roles,
        application_id=application_id,
    )


def modal_submit(
    custom_id: str,
    fields: Mapping[str, str] | None = None,
    *,
    components: Sequence[dict[str, Any]] | None = None,
    user: FakeUser,
    guild: FakeGuild | None = None,
    channel: FakeChannel | None = None,
    message: dict[str, Any] | None = None,
    member_roles: Sequence[int] = (),
    application_id: int = APPLICATION_ID,
) -> dict[str, Any]:
    """A submitted modal (type 5): ``fields`` maps text inputs' custom ids to their values
    (one action row each), or ``components`` gives the exact submitted layout."""
    if components is None:
        components = [
            {"type": 1, "components": [{"type": 4, "custom_id": key, "value": value}]}
            for key, value in (fields or {}).items()
        ]
    return _interaction_payload(
        discord.InteractionType.modal_submit.value,
        {"custom_id": custom_id, "components": list(components)},
        user=user,
        guild=guild,
        channel=channel,
        message=message,
        member_roles=member_roles,
        application_id=application_id,
    )


def _command_id(name: str) -> int:
    # Stable per name, like a registered command's id.
    digest: int = sum(ord(c) * 31**i for i, c in enumerate(name)) % 10**9
    return APPLICATION_ID + 1 + digest


__all__ = [
    "API_VERSION",
    "APPLICATION_ID",
    "ATTACHMENT_SIZE_LIMIT",
    "BOT_USER_ID",
    "component",
    "member_message",
    "member_payload",
    "message_command",
    "modal_submit",
    "option",
    "slash",
]
