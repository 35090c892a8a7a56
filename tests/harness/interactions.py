"""Real discord.py interactions built from raw INTERACTION_CREATE payloads, run offline.

Three layers, each usable alone:

* Fakes for the people and places of a test: :class:`FakeUser` (with permissions),
  :class:`FakeGuild`, :class:`FakeChannel`, :class:`FakeRole` and their builders.
* Payload builders: :func:`slash`, :func:`component`, :func:`modal_submit` return the
  INTERACTION_CREATE dict Discord would send over the gateway.
* :class:`Harness`: dispatches those payloads through the bot's real connection state
  (``parse_interaction_create`` → ``CommandTree`` / view store), waits until the handlers
  are done, and hands back what the bot sent (see :mod:`tests.harness.recorder`). Option
  parsing, transformers, checks, cooldowns, error handlers, deferral, edits, followups,
  buttons, selects and modals all run for real.

A bot never connects: :func:`prepare_offline` gives it the event loop, a user and an
application id, which is all interactions need.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Final, Self, cast

import discord
from discord import app_commands
from discord.enums import AppCommandOptionType
from discord.utils import MISSING

from tests.harness.recorder import (
    EPHEMERAL,
    ComponentInfo,
    Event,
    RecordedMessage,
    Recorder,
    new_snowflake,
)

APPLICATION_ID: Final = 1_100_000_000_000_000_001
BOT_USER_ID: Final = APPLICATION_ID
API_VERSION: Final = 1
ATTACHMENT_SIZE_LIMIT: Final = 10 * 1024 * 1024

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
BOT_PERMISSIONS: Final = MEMBER_PERMISSIONS | discord.Permissions(
    manage_messages=True, manage_threads=True
)

_TEXT_CHANNEL = discord.ChannelType.text.value
_DM_CHANNEL = discord.ChannelType.private.value


# --- the people and places of a test ----------------------------------------------------


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


# --- INTERACTION_CREATE payloads --------------------------------------------------------


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


# --- a bot that never connects ------------------------------------------------------------


def bot_user_payload(application_id: int = APPLICATION_ID) -> dict[str, Any]:
    return {
        "id": str(application_id),
        "username": "Inkwell",
        "global_name": "Inkwell",
        "discriminator": "0",
        "avatar": None,
        "bot": True,
        "verified": True,
        "mfa_enabled": True,
        "flags": 0,
    }


async def prepare_offline(bot: discord.Client, *, application_id: int = APPLICATION_ID) -> None:
    """Give ``bot`` what login and READY would: the running loop, its user, an application id.

    Safe to call twice. Does not run ``setup_hook`` (that is the test's choice: a real one
    would open storage and sync commands over HTTP).
    """
    if bot._ready is MISSING:
        await bot._async_setup_hook()
    state = bot._connection
    if state.user is None:
        state.user = discord.ClientUser(
            state=state, data=cast(Any, bot_user_payload(application_id))
        )
    if state.application_id is None:
        state.application_id = application_id
    bot._ready.set()


# --- what one interaction did -------------------------------------------------------------


class InteractionEvents(Sequence[Event]):
    """The events of one interaction, live: events recorded later show up here too."""

    def __init__(
        self, recorder: Recorder, token: str, interaction: discord.Interaction[Any] | None
    ) -> None:
        self._recorder = recorder
        self.token = token
        self._interaction = interaction

    @property
    def interaction(self) -> discord.Interaction[Any]:
        if self._interaction is None:
            raise LookupError("discord.py never produced an Interaction for this payload")
        return self._interaction

    def _events(self) -> list[Event]:
        return self._recorder.events_for(self.token)

    def __getitem__(self, index: Any) -> Any:
        return self._events()[index]

    def __len__(self) -> int:
        return len(self._events())

    def __iter__(self) -> Iterator[Event]:
        return iter(self._events())

    def __repr__(self) -> str:
        lines = [f"{e.kind}: {e.content!r}" if e.sets_content else e.kind for e in self]
        return f"<InteractionEvents {lines}>"

    def kinds(self) -> list[str]:
        return [event.kind for event in self]

    def of_kind(self, *kinds: str) -> list[Event]:
        return [event for event in self if event.kind in kinds]

    def first(self, *kinds: str) -> Event:
        found = self.of_kind(*kinds) if kinds else list(self)
        if not found:
            raise AssertionError(f"no {' or '.join(kinds) or 'event'} in {self!r}")
        return found[0]

    def last(self, *kinds: str) -> Event:
        found = self.of_kind(*kinds) if kinds else list(self)
        if not found:
            raise AssertionError(f"no {' or '.join(kinds) or 'event'} in {self!r}")
        return found[-1]

    def contents(self) -> list[str]:
        """Every content the bot sent, in order."""
        return [event.content for event in self if event.content is not None]

    def last_content(self) -> str | None:
        contents = self.contents()
        return contents[-1] if contents else None

    def ephemeral(self) -> bool:
        """Whether the answer (the response, or the thinking defer) was visible only to the
        member who ran the command. Followups carry their own ``Event.ephemeral``."""
        answer = self.first("response", "defer")
        return answer.ephemeral

    def modal(self) -> Event:
        return self.last("modal")

    def messages(self) -> list[RecordedMessage]:
        """The messages this interaction created and that still exist, oldest first."""
        return self._recorder.messages_for(self.token)

    def original(self) -> RecordedMessage:
        record = self._recorder.interactions[self.token]
        if record.original_id is None:
            raise AssertionError(f"the interaction was never answered: {self!r}")
        return self._recorder.messages[record.original_id]

    def followups(self) -> list[RecordedMessage]:
        return [message for message in self.messages() if not message.is_original]

    def pings_nobody(self) -> bool:
        """Whether every message-bearing call sent ``allowed_mentions`` that pings no one."""
        return all(event.pings_nobody for event in self if event.kind in Recorder.MESSAGE_KINDS)

    @property
    def failed(self) -> bool:
        """discord.py's ``Interaction.command_failed`` (a check or the command raised)."""
        return self.interaction.command_failed


# --- the harness ----------------------------------------------------------------------------


class HarnessTimeout(AssertionError):
    """Handlers still running when the harness stopped waiting."""


class UnhandledError(AssertionError):
    """discord.py logged an exception nobody handled (command, view, modal or event)."""


class _ErrorLog(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@dataclass(frozen=True)
class _Context:
    user: FakeUser
    guild: FakeGuild | None
    channel: FakeChannel


class _Default(enum.Enum):
    GUILD = enum.auto()


DEFAULT_GUILD: Final = _Default.GUILD


@contextlib.contextmanager
def _spawned_tasks() -> Iterator[set[asyncio.Task[Any]]]:
    """Collect the tasks created on the running loop inside the block (discord.py starts one
    per handler). A task factory sees each as it is made, whatever else is running."""
    loop = asyncio.get_running_loop()
    previous = loop.get_task_factory()
    spawned: set[asyncio.Task[Any]] = set()

    def factory(loop: asyncio.AbstractEventLoop, coro: Any, **kwargs: Any) -> asyncio.Task[Any]:
        if previous is not None:
            task = cast("asyncio.Task[Any]", previous(loop, coro, **kwargs))
        else:
            task = asyncio.Task(coro, loop=loop, **kwargs)
        spawned.add(task)
        return task

    loop.set_task_factory(factory)
    try:
        yield spawned
    finally:
        loop.set_task_factory(previous)


class Harness:
    """Drives a bot's interactions offline; see the module docstring.

    ``harness.guild``, ``harness.channel``, ``harness.user`` (a plain member) and
    ``harness.moderator`` (``manage_guild``) are the defaults every helper uses.
    ``keep_history=False`` (load runs) keeps each message's current state but not the
    events and edit history that assertions read, nor the handler tasks of :meth:`inject`
    that finished without an error.
    """

    def __init__(
        self,
        bot: discord.Client,
        *,
        timeout: float = 5.0,
        raise_unhandled: bool = True,
        guild: FakeGuild | None = None,
        keep_history: bool = True,
    ) -> None:
        self.bot = bot
        self.timeout = timeout
        self.raise_unhandled = raise_unhandled
        self.recorder = Recorder(
            application_id=APPLICATION_ID, bot_user=bot_user_payload(), keep_history=keep_history
        )
        self.user = make_user("member")
        self.moderator = make_user("moderator", manage_guild=True, manage_messages=True)
        self.guild = guild or make_guild()
        self.channel = self.guild.default_channel
        self._guilds: dict[int, FakeGuild] = {}
        self._permission_roles: dict[tuple[int, int], int] = {}
        self._contexts: dict[str, _Context] = {}
        self._pending_contexts: dict[str, _Context] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._errors = _ErrorLog()
        self._errors_seen = 0
        self._started = False

    # -- lifecycle --

    async def start(self) -> Self:
        if self._started:
            return self
        await prepare_offline(self.bot)
        state = self.bot._connection
        assert state.user is not None
        assert state.application_id is not None
        self.recorder.application_id = state.application_id
        self.recorder.bot_user = {
            **bot_user_payload(state.application_id),
            **_user_json(state.user),
        }
        self.add_guild(self.guild)
        logging.getLogger("discord").addHandler(self._errors)
        self.recorder.install()
        self._started = True
        return self

    async def close(self) -> None:
        """Stop every view and modal still listening, and anything still running."""
        logging.getLogger("discord").removeHandler(self._errors)
        store = self.bot._connection._view_store
        listening = {item.view for items in store._views.values() for item in items.values()}
        for view in [*listening, *store._modals.values()]:
            if view is not None:
                view.stop()
        for task in self._tasks:
            task.cancel()
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=self.timeout)
        self._tasks.clear()

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    @property
    def tree(self) -> app_commands.CommandTree[Any]:
        tree = self.bot._connection._command_tree
        if tree is None:
            raise LookupError("the bot has no app_commands.CommandTree")
        return tree

    # -- people and places --

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
        guild: FakeGuild | _Default | None,
        channel: FakeChannel | None,
    ) -> _Context:
        user = user or self.user
        fake_guild = self.guild if guild is DEFAULT_GUILD else guild
        assert not isinstance(fake_guild, _Default)
        if fake_guild is not None:
            fake_guild = self.add_guild(fake_guild)
            channel = channel or fake_guild.default_channel
        else:
            channel = channel or dm_channel(user)
        return _Context(user, fake_guild, channel)

    # -- running interactions --

    async def run_slash(
        self,
        name: str,
        /,
        *,
        options: Mapping[str, Any] | None = None,
        user: FakeUser | None = None,
        guild: FakeGuild | _Default | None = DEFAULT_GUILD,
        channel: FakeChannel | None = None,
        wait: bool = True,
        **values: Any,
    ) -> InteractionEvents:
        """Run ``/name`` (``"style set"`` for a subcommand) with option values by parameter
        name, as a member would. ``guild=None`` runs it in the bot's DM. An option named like
        one of these keywords goes in ``options={...}``.

        Values are checked the way Discord's client checks them (required options, choices,
        ranges, lengths) and encoded with their option type; users, channels and roles may be
        :class:`FakeUser` / :class:`FakeChannel` / :class:`FakeRole`. ``wait=False`` returns
        once the handlers are idle instead of finished (a command awaiting a click).
        """
        payload, context = self._slash_payload(name, options, user, guild, channel, values)
        return await self.dispatch(payload, context=context, wait=wait)

    def build_slash(
        self,
        name: str,
        /,
        *,
        options: Mapping[str, Any] | None = None,
        user: FakeUser | None = None,
        guild: FakeGuild | _Default | None = DEFAULT_GUILD,
        channel: FakeChannel | None = None,
        **values: Any,
    ) -> dict[str, Any]:
        """The payload :meth:`run_slash` would send, for :meth:`inject` (load and benchmarks)."""
        payload, context = self._slash_payload(name, options, user, guild, channel, values)
        self._pending_contexts[payload["token"]] = context
        return payload

    def inject(self, payloads: Sequence[dict[str, Any]]) -> set[asyncio.Task[Any]]:
        """Hand many payloads to the bot back to back, as a burst from the gateway would, without
        waiting for any. Returns the handler tasks they started; :meth:`settle` waits for them
        (and every other handler)."""
        self.recorder.install()
        state = self.bot._connection
        with _spawned_tasks() as spawned:
            for payload in payloads:
                record = self.recorder.register(payload)
                context = self._pending_contexts.pop(record.token, None)
                if context is not None:
                    self._contexts[record.token] = context
                state.parse_interaction_create(cast(Any, payload))
        self._tasks.update(spawned)
        if not self.recorder.keep_history:
            # A load run forgets handlers that ended well; settle() still sees failures.
            for task in spawned:
                task.add_done_callback(self._forget_if_fine)
        return spawned

    def _forget_if_fine(self, task: asyncio.Task[Any]) -> None:
        if task.cancelled() or task.exception() is None:
            self._tasks.discard(task)

    def _slash_payload(
        self,
        name: str,
        options: Mapping[str, Any] | None,
        user: FakeUser | None,
        guild: FakeGuild | _Default | None,
        channel: FakeChannel | None,
        values: Mapping[str, Any],
    ) -> tuple[dict[str, Any], _Context]:
        context = self._context(user, guild, channel)
        merged = {**(options or {}), **values}
        root, path, command, command_guild_id = self._find_command(name, context.guild)
        given = {"user": user, "guild": guild, "channel": channel}
        for keyword, value in given.items():
            clash = keyword not in merged and value not in (None, DEFAULT_GUILD)
            if clash and any(p.name == keyword for p in command.parameters):
                raise TypeError(
                    f"ambiguous: /{command.qualified_name} has an option named {keyword!r}; "
                    f"pass it as options={{{keyword!r}: ...}} ({keyword}= sets who/where runs it)"
                )
        self._check_arguments(command, merged)
        resolved: dict[str, Any] = {}
        encoded = [
            self._encode_option(parameter, merged[parameter.name], resolved, context)
            for parameter in command.parameters
            if parameter.name in merged
        ]
        payload = slash(
            root,
            options=encoded,
            subcommand=path or None,
            user=context.user,
            guild=context.guild,
            channel=context.channel,
            resolved=resolved or None,
            command_guild_id=command_guild_id,
            member_roles=self._member_roles(context.user, context.guild),
            application_id=self.recorder.application_id,
        )
        return payload, context

    async def click(
        self,
        custom_id: str | None = None,
        *,
        label: str | None = None,
        message: int | RecordedMessage | discord.abc.Snowflake | None = None,
        user: FakeUser | None = None,
        wait: bool = True,
    ) -> InteractionEvents:
        """Click a button, found by ``custom_id`` or ``label`` on ``message`` (default: the
        newest message showing it). The clicker defaults to whoever ran the command."""
        found, info = self.find_component(custom_id, label=label, message=message, types=(2,))
        return await self._use_component(found, info, user=user, wait=wait)

    async def select(
        self,
        custom_id: str | None = None,
        values: Sequence[str] = (),
        *,
        placeholder: str | None = None,
        message: int | RecordedMessage | discord.abc.Snowflake | None = None,
        user: FakeUser | None = None,
        wait: bool = True,
    ) -> InteractionEvents:
        """Choose ``values`` in a string select found by ``custom_id`` or ``placeholder``."""
        found, info = self.find_component(
            custom_id, placeholder=placeholder, message=message, types=(3,)
        )
        offered = {choice["value"] for choice in info.raw.get("options", [])}
        unknown = set(values) - offered
        if unknown:
            raise ValueError(
                f"{sorted(unknown)} are not options of the select (offered: {offered})"
            )
        return await self._use_component(found, info, user=user, wait=wait, values=values)

    async def submit_modal(
        self,
        custom_id: str | None = None,
        /,
        fields: Mapping[str, Any] | None = None,
        *,
        user: FakeUser | None = None,
        wait: bool = True,
        **values: Any,
    ) -> InteractionEvents:
        """Fill in and submit the newest modal the bot showed (or the one with ``custom_id``).

        Fields are keyed by their custom id or their label; required fields and lengths are
        checked as Discord's client would.
        """
        shown = [
            event
            for event in self.recorder.events
            if event.kind == "modal" and custom_id in (None, event.modal_custom_id)
        ]
        if not shown:
            raise LookupError(f"the bot showed no modal{f' {custom_id!r}' if custom_id else ''}")
        modal = shown[-1]
        answers = {**(fields or {}), **values}
        components = _answer_modal(modal.payload, answers)
        opener = self._contexts.get(modal.token) or self._context(None, DEFAULT_GUILD, None)
        context = _Context(user or opener.user, opener.guild, opener.channel)
        source = self.recorder.interactions[modal.token].source_message_id
        payload = modal_submit(
            str(modal.modal_custom_id),
            components=components,
            user=context.user,
            guild=context.guild,
            channel=context.channel,
            message=self.recorder.message_payload(source) if source else None,
            member_roles=self._member_roles(context.user, context.guild),
            application_id=self.recorder.application_id,
        )
        return await self.dispatch(payload, context=context, wait=wait)

    async def dispatch(
        self,
        payload: dict[str, Any],
        *,
        context: _Context | None = None,
        wait: bool = True,
    ) -> InteractionEvents:
        """Feed a raw INTERACTION_CREATE payload to the bot, as the gateway would."""
        await self.start()
        self.recorder.install()
        record = self.recorder.register(payload)
        if context is not None:
            self._contexts[record.token] = context
        state = self.bot._connection
        waiter = self.bot.wait_for("interaction", check=lambda i: i.id == record.id)
        with _spawned_tasks() as spawned:
            try:
                state.parse_interaction_create(cast(Any, payload))
            except BaseException:
                waiter.close()
                raise
        self._tasks.update(spawned)
        interaction = await waiter
        events = InteractionEvents(self.recorder, record.token, interaction)
        if wait:
            await self.settle()
        else:
            await self.idle()
        return events

    def interaction(
        self,
        name: str = "test",
        *,
        user: FakeUser | None = None,
        guild: FakeGuild | _Default | None = DEFAULT_GUILD,
        channel: FakeChannel | None = None,
    ) -> discord.Interaction[Any]:
        """A real, unanswered slash-command Interaction that no command handles: for testing
        helpers that take an interaction (``harness.events(interaction)`` shows its traffic)."""
        self.recorder.install()
        context = self._context(user, guild, channel)
        payload = slash(
            name,
            user=context.user,
            guild=context.guild,
            channel=context.channel,
            member_roles=self._member_roles(context.user, context.guild),
            application_id=self.recorder.application_id,
        )
        record = self.recorder.register(payload)
        self._contexts[record.token] = context
        return discord.Interaction(data=cast(Any, payload), state=self.bot._connection)

    def events(self, interaction: discord.Interaction[Any] | str) -> InteractionEvents:
        if isinstance(interaction, str):
            return InteractionEvents(self.recorder, interaction, None)
        return InteractionEvents(self.recorder, interaction.token, interaction)

    # -- waiting --

    def track(self, task: asyncio.Task[Any]) -> None:
        """Have :meth:`settle` wait for ``task`` too (work a handler started in the background)."""
        self._tasks.add(task)

    async def settle(self, within: float | None = None) -> None:
        """Wait until every handler started by the dispatched interactions has finished.

        Re-raises an exception a handler task died with, and (``raise_unhandled``) an
        exception discord.py caught and only logged: a failing view callback must fail the test.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + (self.timeout if within is None else within)
        while pending := {task for task in self._tasks if not task.done()}:
            remaining = deadline - loop.time()
            if remaining <= 0:
                names = sorted(task.get_name() for task in pending)
                raise HarnessTimeout(
                    f"handlers still running after {self.timeout}s: {names}. A handler waiting "
                    "for a click or a modal? Dispatch it with wait=False, then click."
                )
            await asyncio.wait(pending, timeout=remaining)
        finished, self._tasks = self._tasks, set()
        for task in finished:
            if not task.cancelled() and task.exception() is not None:
                raise task.exception()  # type: ignore[misc]
        self.raise_logged_errors()

    async def idle(self, quiet_rounds: int = 20, quiet_time: float = 0.1) -> None:
        """Let every handler run until it waits on something only the test can provide.

        Quiet means no new traffic and no task finishing for ``quiet_rounds`` loop turns and
        then for ``quiet_time`` seconds more: work handed to threads (aiosqlite, a model)
        finishes outside the loop and would look idle to loop turns alone on a busy machine.
        """
        loop = asyncio.get_running_loop()

        def progress() -> tuple[int, int]:
            return (len(self.recorder.events), sum(1 for task in self._tasks if task.done()))

        last = progress()
        quiet = 0
        quiet_since = loop.time()
        for _ in range(100_000):
            await asyncio.sleep(0 if quiet < quiet_rounds else 0.005)
            now = progress()
            if now != last:
                quiet, quiet_since, last = 0, loop.time(), now
                continue
            quiet += 1
            if quiet >= quiet_rounds and loop.time() - quiet_since >= quiet_time:
                break
        self.raise_logged_errors()

    def unhandled_errors(self) -> list[logging.LogRecord]:
        """ERROR records discord.py logged so far (unhandled exceptions in handlers)."""
        return list(self._errors.records)

    def raise_logged_errors(self) -> None:
        new = self._errors.records[self._errors_seen :]
        self._errors_seen = len(self._errors.records)
        if not new or not self.raise_unhandled:
            return
        record = new[0]
        cause = record.exc_info[1] if record.exc_info else None
        raise UnhandledError(f"discord.py logged: {record.getMessage()} ({cause!r})") from cause

    # -- finding what the bot showed --

    def message(self, message_id: int) -> RecordedMessage:
        return self.recorder.messages[message_id]

    def find_component(
        self,
        custom_id: str | None = None,
        *,
        label: str | None = None,
        placeholder: str | None = None,
        message: int | RecordedMessage | discord.abc.Snowflake | None = None,
        types: Sequence[int] = (2,),
    ) -> tuple[RecordedMessage, ComponentInfo]:
        if custom_id is None and label is None and placeholder is None:
            raise TypeError("give a custom_id, a label or a placeholder")
        if message is None:
            candidates = list(reversed(self.recorder.visible_messages()))
        else:
            message_id = message if isinstance(message, int) else message.id
            candidates = [self.recorder.messages[message_id]]
        for candidate in candidates:
            if candidate.deleted:
                continue
            for info in candidate.component_infos:
                if info.type not in types or info.custom_id is None:
                    continue
                if (
                    (custom_id is not None and info.custom_id == custom_id)
                    or (label is not None and info.label == label)
                    or (placeholder is not None and info.raw.get("placeholder") == placeholder)
                ):
                    return candidate, info
        shown = {m.id: [(c.label, c.custom_id) for c in m.component_infos] for m in candidates}
        wanted = custom_id or label or placeholder
        raise LookupError(f"no component {wanted!r} on any visible message; showing: {shown}")

    async def _use_component(
        self,
        message: RecordedMessage,
        info: ComponentInfo,
        *,
        user: FakeUser | None,
        wait: bool,
        values: Sequence[str] | None = None,
    ) -> InteractionEvents:
        payload, context = self._component_payload(message, info, user=user, values=values)
        return await self.dispatch(payload, context=context, wait=wait)

    def click_payload(
        self, button: ComponentInfo, *, message: RecordedMessage, user: FakeUser | None = None
    ) -> dict[str, Any]:
        """The INTERACTION_CREATE a click on ``button`` sends, not yet dispatched: hand
        several to :meth:`inject` to have clicks arrive together."""
        payload, context = self._component_payload(message, button, user=user)
        self._pending_contexts[payload["token"]] = context
        return payload

    def _component_payload(
        self,
        message: RecordedMessage,
        info: ComponentInfo,
        *,
        user: FakeUser | None,
        values: Sequence[str] | None = None,
    ) -> tuple[dict[str, Any], _Context]:
        if info.disabled:
            raise ValueError(
                f"{info.label or info.custom_id!r} is disabled: Discord sends no interaction for it"
            )
        opener = self._contexts.get(message.token) or self._context(None, DEFAULT_GUILD, None)
        context = _Context(user or opener.user, opener.guild, opener.channel)
        payload = component(
            str(info.custom_id),
            message=self.recorder.message_payload(message.id),
            user=context.user,
            guild=context.guild,
            channel=context.channel,
            component_type=info.type,
            values=values,
            member_roles=self._member_roles(context.user, context.guild),
            application_id=self.recorder.application_id,
        )
        return payload, context

    # -- slash command options --

    def _find_command(
        self, name: str, guild: FakeGuild | None
    ) -> tuple[str, list[str], app_commands.Command[Any, ..., Any], int | None]:
        root_name, *path = name.split()
        tree = self.tree
        found: Any = None
        command_guild_id = None
        if guild is not None:
            found = tree.get_command(root_name, guild=discord.Object(guild.id))
            command_guild_id = guild.id if found is not None else None
        if found is None:
            found = tree.get_command(root_name)
        if found is None:
            known = sorted(c.name for c in tree.get_commands())
            raise LookupError(f"no slash command /{root_name} in the tree (global: {known})")
        for part in path:
            if not isinstance(found, app_commands.Group):
                raise LookupError(f"/{found.qualified_name} has no subcommands")
            child = found.get_command(part)
            if child is None:
                known = sorted(c.name for c in found.commands)
                raise LookupError(f"/{found.qualified_name} has no {part!r} (has: {known})")
            found = child
        if not isinstance(found, app_commands.Command):
            raise LookupError(f"/{name} is a group: name one of its subcommands")
        return root_name, path, found, command_guild_id

    @staticmethod
    def _check_arguments(
        command: app_commands.Command[Any, ..., Any], values: Mapping[str, Any]
    ) -> None:
        known = {parameter.name for parameter in command.parameters}
        unknown = set(values) - known
        if unknown:
            raise TypeError(
                f"/{command.qualified_name} has no option {sorted(unknown)} (has: {sorted(known)})"
            )
        missing = [p.name for p in command.parameters if p.required and p.name not in values]
        if missing:
            raise TypeError(f"/{command.qualified_name} needs {missing}: Discord would not send it")

    def _encode_option(
        self,
        parameter: app_commands.Parameter,
        value: Any,
        resolved: dict[str, Any],
        context: _Context,
    ) -> dict[str, Any]:
        kind = parameter.type
        where = f"/{parameter.command.qualified_name} {parameter.name}"
        if isinstance(value, app_commands.Choice):
            value = value.value
        elif isinstance(value, enum.Enum):
            by_name = {choice.name: choice.value for choice in parameter.choices}
            value = by_name.get(value.name, value.value)

        encoded: Any
        if kind is AppCommandOptionType.string:
            encoded = str(value)
            _check_range(where, len(encoded), parameter, "characters")
        elif kind is AppCommandOptionType.integer:
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"{where} takes an integer, not {value!r}")
            encoded = value
            _check_range(where, encoded, parameter, "")
        elif kind is AppCommandOptionType.number:
            encoded = float(value)
            _check_range(where, encoded, parameter, "")
        elif kind is AppCommandOptionType.boolean:
            encoded = bool(value)
        elif kind in (AppCommandOptionType.user, AppCommandOptionType.mentionable) and isinstance(
            value, FakeUser
        ):
            encoded = str(value.id)
            resolved.setdefault("users", {})[encoded] = value.payload()
            if context.guild is not None:
                member = member_payload(
                    value,
                    context.guild,
                    extra_roles=self._member_roles(value, context.guild),
                    with_user=False,
                )
                resolved.setdefault("members", {})[encoded] = member
        elif kind is AppCommandOptionType.channel and isinstance(value, FakeChannel):
            encoded = str(value.id)
            permissions = context.user.resolved_permissions(context.guild)
            resolved.setdefault("channels", {})[encoded] = value.interaction_payload(permissions)
        elif kind in (AppCommandOptionType.role, AppCommandOptionType.mentionable) and isinstance(
            value, FakeRole
        ):
            encoded = str(value.id)
            resolved.setdefault("roles", {})[encoded] = value.payload()
        else:
            raise TypeError(
                f"{where} is a {kind.name} option: pass a FakeUser, FakeChannel or FakeRole "
                f"from the harness, not {value!r}"
            )

        if parameter.choices and not parameter.autocomplete:
            allowed = [choice.value for choice in parameter.choices]
            if encoded not in allowed:
                raise ValueError(f"{where} must be one of {allowed}, not {encoded!r}")
        return option(parameter.display_name, kind, encoded)


def _check_range(where: str, amount: float, parameter: app_commands.Parameter, unit: str) -> None:
    low, high = parameter.min_value, parameter.max_value
    if (low is not None and amount < low) or (high is not None and amount > high):
        measured = f"{amount} {unit}".strip()
        raise ValueError(f"{where} must be within [{low}, {high}] {unit}, got {measured}".strip())


def _answer_modal(modal: dict[str, Any], answers: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The components a member submits after filling in ``modal`` (its sent payload)."""
    used: set[str] = set()

    def answer(component: dict[str, Any], label: str | None) -> dict[str, Any] | None:
        custom_id = component.get("custom_id")
        label = component.get("label") or label
        key = custom_id if custom_id in answers else label if label in answers else None
        if key is not None:
            used.add(key)
        name = f"modal field {label or custom_id!r}"
        if component.get("type") == discord.ComponentType.text_input.value:
            value = str(answers[key]) if key is not None else str(component.get("value") or "")
            if component.get("required", True) and not value:
                raise ValueError(f"{name} is required")
            low, high = component.get("min_length"), component.get("max_length")
            if value and (
                (low is not None and len(value) < low) or (high is not None and len(value) > high)
            ):
                raise ValueError(f"{name} takes {low}–{high} characters, got {len(value)}")
            return {"type": 4, "custom_id": custom_id, "value": value}
        if component.get("type") == discord.ComponentType.select.value:
            chosen = list(answers[key]) if key is not None else []
            return {"type": 3, "custom_id": custom_id, "values": chosen}
        return None

    submitted: list[dict[str, Any]] = []
    for row in modal.get("components", []):
        if row.get("type") == 1:
            inner = [answer(c, None) for c in row.get("components", [])]
            submitted.append({"type": 1, "components": [c for c in inner if c is not None]})
        elif row.get("type") == discord.ComponentType.label.value:
            inner_one = answer(row["component"], row.get("label"))
            if inner_one is not None:
                submitted.append({"type": row["type"], "component": inner_one})
    unknown = set(answers) - used
    if unknown:
        raise ValueError(f"the modal has no field {sorted(unknown)}")
    return submitted


def _user_json(user: discord.ClientUser) -> dict[str, Any]:
    return {
        "id": str(user.id),
        "username": user.name,
        "global_name": user.global_name,
        "discriminator": user.discriminator,
        "avatar": None,
        "bot": True,
    }


__all__ = [
    "APPLICATION_ID",
    "BOT_PERMISSIONS",
    "DEFAULT_GUILD",
    "EPHEMERAL",
    "MEMBER_PERMISSIONS",
    "FakeChannel",
    "FakeGuild",
    "FakeRole",
    "FakeUser",
    "Harness",
    "HarnessTimeout",
    "InteractionEvents",
    "UnhandledError",
    "component",
    "dm_channel",
    "make_guild",
    "make_user",
    "member_payload",
    "modal_submit",
    "option",
    "prepare_offline",
    "slash",
]
