"""Inkwell loaded into a bot owner's own discord.py bot: a plain ``commands.Bot``, not InkwellBot.

What a host gets from ``await bot.load_extension("inkwell.cogs")`` (or one feature at a
time), what unloading and reloading leave behind, and that nothing global in the host
changes: its tree error handler, its ``allowed_mentions``, its garbage collector.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from discord import AppCommandType
from discord.ext import commands

from inkwell.bot.plugin import configure
from inkwell.bot.runtime import open_services
from inkwell.bot.services.bundle import Services
from inkwell.bot.settings import Settings
from inkwell.bot.ui.context import NotLoaded, context_of
from tests.cogs.fake_threads import FakeThreadApi
from tests.cogs.host import HostBot
from tests.fakes import ScriptedBackend
from tests.harness import Harness, prepare_offline

COMMANDS = {"story", "lyrics", "poem", "post", "style", "relay", "filters", "lore"} | {
    "rewrite",
    "continue-text",
    "describe",
    "feedback",
}
MESSAGE_COMMANDS = {"Rewrite in my style", "Continue", "Describe", "Give feedback"}


@pytest.fixture
async def host() -> AsyncIterator[HostBot]:
    bot = HostBot()
    await prepare_offline(bot)
    yield bot
    await bot.close()
    await asyncio.sleep(0)


@pytest.fixture
async def harness(host: HostBot, services: Services) -> AsyncIterator[Harness]:
    configure(host, services=services)
    await host.load_extension("inkwell.cogs")
    async with Harness(host) as harness:
        yield harness


@pytest.fixture
def untouched_collector() -> Iterator[tuple[int, int, int]]:
    """CPython's collector as a host might set it, restored after the test."""
    before = gc.get_threshold()
    gc.unfreeze()
    gc.set_threshold(700, 10, 10)
    yield gc.get_threshold()
    gc.set_threshold(*before)


def slash_commands(bot: commands.Bot) -> set[str]:
    return {command.name for command in bot.tree.get_commands(type=AppCommandType.chat_input)}


def message_commands(bot: commands.Bot) -> set[str]:
    return {command.name for command in bot.tree.get_commands(type=AppCommandType.message)}


async def test_one_line_loads_every_feature_beside_the_hosts_own_commands(
    host: HostBot, harness: Harness
) -> None:
    assert slash_commands(host) == COMMANDS | {"ping"}
    assert message_commands(host) == MESSAGE_COMMANDS
    assert set(host.extensions) == {
        "inkwell.cogs",
        "inkwell.cogs.create",
        "inkwell.cogs.style",
        "inkwell.cogs.filters",
        "inkwell.cogs.lore",
        "inkwell.cogs.relay",
        "inkwell.cogs.passages",
    }


async def test_a_command_and_its_buttons_work_in_the_host(
    harness: Harness, backend: ScriptedBackend
) -> None:
    events = await harness.run_slash("poem", topic="first snow")
    assert events.last_content() == "Snow on the pine."
    assert events.pings_nobody()

    backend.script = ["Rain ", "on ", "the ", "roof."]
    regenerated = await harness.click(label="Regenerate")

    shown = harness.recorder.visible_messages()[-1]
    assert shown.content == "Rain on the roof."
    assert [button.label for button in shown.buttons] == ["Regenerate", "‹", "2/2 ›"]
    assert regenerated.pings_nobody()


async def test_a_relay_turn_works_in_the_host(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = FakeThreadApi(harness)
    api.install(monkeypatch)
    await harness.run_slash("relay start", title="The Lighthouse")
    (thread,) = api.threads.values()
    await harness.click(label="Join", user=harness.new_user("bob"))

    saved = await harness.run_slash("relay write", channel=thread, text="The lamp went out.")

    assert (saved.last_content() or "").startswith("Saved: turn 1")
    assert api.posts, "the thread got its opening and the turn notices"
    assert all(len(post.pings) <= 1 for post in api.posts), "each pings its writer at most"


async def test_a_filter_command_works_in_the_host(harness: Harness) -> None:
    added = await harness.run_slash("filters add", user=harness.moderator, pattern="grimoire")
    assert added.ephemeral()
    listed = await harness.run_slash("filters list", user=harness.moderator)
    assert "grimoire" in str(listed.first("response").payload)


async def test_inkwells_errors_are_answered_by_its_cogs_and_the_hosts_handler_stays(
    host: HostBot, harness: Harness
) -> None:
    handler = host.tree.on_error

    events = await harness.run_slash("poem", topic="   ")

    assert events.ephemeral()
    assert "topic" in (events.last_content() or "").lower()
    assert host.tree.on_error is handler
    # discord.py hands every command error to the tree's handler too; Inkwell's commands say
    # they have their own, so discord.py's default handler (and Red's) logs nothing.
    assert len(host.tree_errors) == 1
    assert events.interaction.command is not None
    assert events.interaction.command._has_any_error_handlers()
    assert harness.unhandled_errors() == []


async def test_nothing_global_changes_in_the_host(
    host: HostBot, services: Services, untouched_collector: tuple[int, int, int]
) -> None:
    mentions = host.allowed_mentions
    intents = host.intents.value
    handler = host.tree.on_error

    configure(host, services=services)
    await host.load_extension("inkwell.cogs")

    assert gc.get_threshold() == untouched_collector
    assert gc.get_freeze_count() == 0
    assert host.allowed_mentions is mentions
    assert host.intents.value == intents
    assert host.tree.on_error is handler
    assert not hasattr(host, "services")
    assert not hasattr(host, "open_creations")


async def test_features_load_on_their_own(host: HostBot, services: Services) -> None:
    configure(host, services=services)
    await host.load_extension("inkwell.cogs.style")
    async with Harness(host) as harness:
        events = await harness.run_slash("style set", tone="wry")

    assert "wry" in str(events.first("response").payload)
    assert slash_commands(host) == {"style", "ping"}


async def test_loading_everything_after_one_feature_keeps_that_feature(
    host: HostBot, services: Services
) -> None:
    configure(host, services=services)
    await host.load_extension("inkwell.cogs.create")
    await host.load_extension("inkwell.cogs")

    assert slash_commands(host) == COMMANDS | {"ping"}
    with pytest.raises(commands.ExtensionAlreadyLoaded):
        await host.load_extension("inkwell.cogs")


async def test_unloading_removes_every_command_button_and_timer(
    host: HostBot, harness: Harness, services: Services
) -> None:
    await harness.run_slash("poem", topic="first snow")

    await host.unload_extension("inkwell.cogs")

    assert slash_commands(host) == {"ping"}
    assert message_commands(host) == set()
    assert host.extensions == {}
    assert host.cogs == {}
    assert host._connection._view_store._dynamic_items == {}
    assert services.relay.background_tasks() == set()
    with pytest.raises(NotLoaded):
        context_of(host)
    # Services the host handed in stay open for the host to close.
    assert await services.styles.forget(1) == 0


async def test_reloading_gives_fresh_features_on_the_same_services(
    host: HostBot, harness: Harness, backend: ScriptedBackend
) -> None:
    before = context_of(host)

    await host.reload_extension("inkwell.cogs")

    after = context_of(host)
    assert after is not before
    assert after.services is before.services
    assert slash_commands(host) == COMMANDS | {"ping"}
    assert message_commands(host) == MESSAGE_COMMANDS
    events = await harness.run_slash("poem", topic="first snow")
    assert events.last_content() == "Snow on the pine."


async def test_without_services_the_plugin_opens_its_own_and_closes_them(
    host: HostBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[Services] = []

    async def open_scripted(settings: Settings) -> Services:
        services = await open_services(settings, backend=ScriptedBackend(["Snow."]))
        opened.append(services)
        return services

    monkeypatch.setattr("inkwell.bot.plugin.open_services", open_scripted)
    configure(host, settings=Settings(_env_file=None, database=tmp_path / "host.sqlite3"))  # type: ignore[call-arg]
    await host.load_extension("inkwell.cogs")
    (services,) = opened
    assert (tmp_path / "host.sqlite3").exists()

    await host.unload_extension("inkwell.cogs")

    with pytest.raises(RuntimeError, match="has not been called"):
        await services.styles.forget(1)


async def test_two_bots_in_one_process_each_have_their_own_inkwell(
    host: HostBot, settings: Settings, tmp_path: Path
) -> None:
    other = HostBot()
    await prepare_offline(other)
    first = await open_services(settings, backend=ScriptedBackend(["One."]))
    second = await open_services(
        settings.model_copy(update={"database": tmp_path / "other.sqlite3"}),
        backend=ScriptedBackend(["Two."]),
    )
    async with first, second:
        configure(host, services=first)
        configure(other, services=second)
        await host.load_extension("inkwell.cogs")
        await other.load_extension("inkwell.cogs")
        async with Harness(host) as one, Harness(other) as two:
            assert (await one.run_slash("poem", topic="x")).last_content() == "One."
            assert (await two.run_slash("poem", topic="x")).last_content() == "Two."
        await other.close()
        await host.unload_extension("inkwell.cogs")
