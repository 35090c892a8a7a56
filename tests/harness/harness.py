"""The ``Harness``: real discord.py interactions, run offline, and what the bot sent back.

It dispatches INTERACTION_CREATE payloads (:mod:`tests.harness.payloads`) through the bot's
real connection state (``parse_interaction_create`` → ``CommandTree`` / view store), waits
until the handlers are done (:mod:`tests.harness.handler_tasks`), and hands back what the
bot sent (:class:`~tests.harness.interaction_events.InteractionEvents`, read from
:mod:`tests.harness.recorder`). Option parsing, transformers, checks, cooldowns, error
handlers, deferral, edits, followups, buttons, selects and modals all run for real.

Tests speak as members do: ``run_slash("style set", tone=...)``,
``run_message_command("Describe", message)``, ``click(label=...)``,
``select(...)``, ``submit_modal(...)``; the harness checks and encodes what a member's
client would (:mod:`tests.harness.client_side`) and keeps the fake guilds, channels and
roles (:mod:`tests.harness.people`) in the bot's cache. A later click or modal submit comes
from the guild and channel of the interaction that showed it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from typing import Any, Self, cast

import discord
from discord import app_commands

from tests.harness.client_side import (
    answer_modal,
    check_arguments,
    check_enabled,
    check_offered,
    encode_option,
    find_command,
    find_component,
    find_context_menu,
)
from tests.harness.handler_tasks import HandlerTasks, spawned_tasks
from tests.harness.interaction_events import InteractionEvents
from tests.harness.offline import bot_user_payload, client_user_payload, prepare_offline
from tests.harness.payloads import APPLICATION_ID, component, message_command, modal_submit, slash
from tests.harness.people import FakeChannel, FakeGuild, FakeUser
from tests.harness.recorder import Recorder
from tests.harness.records import ComponentInfo, RecordedMessage
from tests.harness.world import DEFAULT_GUILD, Context, DefaultGuild, World


class Harness(World):
    """Drives a bot's interactions offline; see the module docstring.

    ``harness.guild``, ``harness.channel``, ``harness.user`` (a plain member) and
    ``harness.moderator`` (``manage_guild``) are the defaults every helper uses (they and
    ``new_user``, ``new_guild``, ``new_channel``, ``new_role`` come from :class:`World`).
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
        super().__init__(bot, guild=guild)
        self.recorder = Recorder(
            application_id=APPLICATION_ID, bot_user=bot_user_payload(), keep_history=keep_history
        )
        self._handlers = HandlerTasks(
            self.recorder, timeout=timeout, raise_unhandled=raise_unhandled
        )
        self._contexts: dict[str, Context] = {}
        self._pending_contexts: dict[str, Context] = {}
        self._started = False

    # Settable after construction, as when they were plain attributes; the handler tasks
    # read them at each wait.
    @property
    def timeout(self) -> float:
        return self._handlers.timeout

    @timeout.setter
    def timeout(self, seconds: float) -> None:
        self._handlers.timeout = seconds

    @property
    def raise_unhandled(self) -> bool:
        return self._handlers.raise_unhandled

    @raise_unhandled.setter
    def raise_unhandled(self, value: bool) -> None:
        self._handlers.raise_unhandled = value

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
            **client_user_payload(state.user),
        }
        self.add_guild(self.guild)
        self._handlers.listen()
        self.recorder.install()
        self._started = True
        return self

    async def close(self) -> None:
        """Stop every view and modal still listening, and anything still running."""
        self._handlers.stop_listening()
        store = self.bot._connection._view_store
        listening = {item.view for items in store._views.values() for item in items.values()}
        for view in [*listening, *store._modals.values()]:
            if view is not None:
                view.stop()
        await self._handlers.cancel_all()

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

    # -- running interactions --

    async def run_slash(
        self,
        name: str,
        /,
        *,
        options: Mapping[str, Any] | None = None,
        user: FakeUser | None = None,
        guild: FakeGuild | DefaultGuild | None = DEFAULT_GUILD,
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

    async def run_message_command(
        self,
        name: str,
        target: dict[str, Any],
        /,
        *,
        user: FakeUser | None = None,
        guild: FakeGuild | DefaultGuild | None = DEFAULT_GUILD,
        channel: FakeChannel | None = None,
        wait: bool = True,
    ) -> InteractionEvents:
        """Run the message command ``name`` from the Apps menu on ``target`` (a message
        payload, see :func:`tests.harness.payloads.member_message`), as a member would: the
        client only offers message commands the bot registered."""
        context = self._context(user, guild, channel)
        command = find_context_menu(self.tree, name, context.guild)
        payload = message_command(
            command.name,
            target=target,
            user=context.user,
            guild=context.guild,
            channel=context.channel,
            member_roles=self._member_roles(context.user, context.guild),
            application_id=self.recorder.application_id,
        )
        return await self.dispatch(payload, context=context, wait=wait)

    def build_slash(
        self,
        name: str,
        /,
        *,
        options: Mapping[str, Any] | None = None,
        user: FakeUser | None = None,
        guild: FakeGuild | DefaultGuild | None = DEFAULT_GUILD,
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
        with spawned_tasks() as spawned:
            for payload in payloads:
                record = self.recorder.register(payload)
                context = self._pending_contexts.pop(record.token, None)
                if context is not None:
                    self._contexts[record.token] = context
                state.parse_interaction_create(cast(Any, payload))
        # A load run forgets handlers that ended well; settle() still sees failures.
        self._handlers.adopt(spawned, forget_when_fine=not self.recorder.keep_history)
        return spawned

    def _slash_payload(
        self,
        name: str,
        options: Mapping[str, Any] | None,
        user: FakeUser | None,
        guild: FakeGuild | DefaultGuild | None,
        channel: FakeChannel | None,
        values: Mapping[str, Any],
    ) -> tuple[dict[str, Any], Context]:
        context = self._context(user, guild, channel)
        merged = {**(options or {}), **values}
        root, path, command, command_guild_id = find_command(self.tree, name, context.guild)
        given = {"user": user, "guild": guild, "channel": channel}
        for keyword, value in given.items():
            clash = keyword not in merged and value not in (None, DEFAULT_GUILD)
            if clash and any(p.name == keyword for p in command.parameters):
                raise TypeError(
                    f"ambiguous: /{command.qualified_name} has an option named {keyword!r}; "
                    f"pass it as options={{{keyword!r}: ...}} ({keyword}= sets who/where runs it)"
                )
        check_arguments(command, merged)
        resolved: dict[str, Any] = {}
        encoded = [
            encode_option(
                parameter,
                merged[parameter.name],
                resolved,
                invoker=context.user,
                guild=context.guild,
                member_roles=self._member_roles,
            )
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
        check_offered(info, values)
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
        components = answer_modal(modal.payload, answers)
        opener = self._contexts.get(modal.token) or self._context(None, DEFAULT_GUILD, None)
        context = Context(user or opener.user, opener.guild, opener.channel)
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
        context: Context | None = None,
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
        with spawned_tasks() as spawned:
            try:
                state.parse_interaction_create(cast(Any, payload))
            except BaseException:
                waiter.close()
                raise
        self._handlers.adopt(spawned)
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
        guild: FakeGuild | DefaultGuild | None = DEFAULT_GUILD,
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

    # -- waiting (see tests.harness.handler_tasks) --

    def track(self, task: asyncio.Task[Any]) -> None:
        """Have :meth:`settle` wait for ``task`` too (work a handler started in the background)."""
        self._handlers.track(task)

    async def settle(self, within: float | None = None) -> None:
        """Wait until every handler started by the dispatched interactions has finished.

        Re-raises an exception a handler task died with, and (``raise_unhandled``) an
        exception discord.py caught and only logged: a failing view callback must fail the test.
        """
        await self._handlers.settle(within)

    async def idle(self, quiet_rounds: int = 20, quiet_time: float = 0.1) -> None:
        """Let every handler run until it waits on something only the test can provide
        (no new traffic, no task finishing; see :meth:`HandlerTasks.idle`)."""
        await self._handlers.idle(quiet_rounds, quiet_time)

    def unhandled_errors(self) -> list[logging.LogRecord]:
        """ERROR records discord.py logged so far (unhandled exceptions in handlers)."""
        return self._handlers.unhandled_errors()

    def raise_logged_errors(self) -> None:
        self._handlers.raise_logged_errors()

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
        """The component a member would use (see :func:`client_side.find_component`)."""
        return find_component(
            self.recorder,
            custom_id,
            label=label,
            placeholder=placeholder,
            message=message,
            types=types,
        )

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
    ) -> tuple[dict[str, Any], Context]:
        check_enabled(info)
        opener = self._contexts.get(message.token) or self._context(None, DEFAULT_GUILD, None)
        context = Context(user or opener.user, opener.guild, opener.channel)
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


__all__ = ["DEFAULT_GUILD", "Harness"]
