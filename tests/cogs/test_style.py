"""/style set|show|reset|forget-me|server-defaults through real discord.py interactions."""

from __future__ import annotations

from typing import Any

import pytest
from discord import app_commands

from inkwell.bot.services.bundle import Services
from tests.fakes import ScriptedBackend
from tests.harness import Harness


def embed_fields(event: Any) -> dict[str, str]:
    return {
        field["name"]: field["value"]
        for embed in event.embeds or []
        for field in embed.get("fields", [])
    }


async def test_set_saves_preferences_privately(inkwell: Harness, services: Services) -> None:
    events = await inkwell.run_slash("style set", tone="wry", pov="first", rating="pg")
    assert events.ephemeral()
    assert embed_fields(events.first("response")) == {"tone": "wry", "pov": "first", "rating": "pg"}
    stored = await services.styles.overview(inkwell.user.id, None)
    assert (stored.mine.tone, stored.mine.pov) == ("wry", "first")


async def test_preferences_shape_the_next_command(
    inkwell: Harness, backend: ScriptedBackend
) -> None:
    await inkwell.run_slash("style set", voice="hard-boiled", avoid="spiders")
    await inkwell.run_slash("story", prompt="a lost cat")
    prompt = backend.requests[0].messages[1].content
    assert "Voice: hard-boiled" in prompt
    assert "Avoid: spiders" in prompt


async def test_show_is_ephemeral_and_includes_server_defaults(
    inkwell: Harness, services: Services
) -> None:
    await services.styles.update_guild_defaults(inkwell.guild.id, 1, {"rating": "g"})
    await inkwell.run_slash("style set", tone="wry")
    events = await inkwell.run_slash("style show")
    assert events.ephemeral()
    titles = [embed["title"] for embed in events.first("response").embeds or []]
    assert titles == ["Your style", "This server's defaults (yours win)"]


async def test_reset_one_field(inkwell: Harness, services: Services) -> None:
    await inkwell.run_slash("style set", tone="wry", pov="first")
    events = await inkwell.run_slash("style reset", field="tone")
    assert "Cleared your tone." in events.last_content()
    stored = await services.styles.overview(inkwell.user.id, None)
    assert (stored.mine.tone, stored.mine.pov) == (None, "first")


async def test_forget_me_deletes_only_after_confirmation(
    inkwell: Harness, services: Services
) -> None:
    await inkwell.run_slash("style set", tone="wry")
    events = await inkwell.run_slash("style forget-me", wait=False)
    assert events.ephemeral()
    assert not (await services.styles.overview(inkwell.user.id, None)).mine.is_empty()
    await inkwell.click(label="Delete my data")
    await inkwell.settle()
    assert "1 record(s) about you deleted" in events.last_content()
    assert (await services.styles.overview(inkwell.user.id, None)).mine.is_empty()


async def test_forget_me_cancel_keeps_everything(inkwell: Harness, services: Services) -> None:
    await inkwell.run_slash("style set", tone="wry")
    events = await inkwell.run_slash("style forget-me", wait=False)
    await inkwell.click(label="Cancel")
    await inkwell.settle()
    assert events.last_content() == "Kept everything."
    assert (await services.styles.overview(inkwell.user.id, None)).mine.tone == "wry"


async def test_server_defaults_need_manage_guild(inkwell: Harness, services: Services) -> None:
    member = inkwell.new_user("member")
    events = await inkwell.run_slash("style server-defaults", rating="g", user=member)
    assert events.ephemeral()
    assert "Manage Guild" in events.last_content() or "manage guild" in events.last_content()
    assert (await services.styles.overview(member.id, inkwell.guild.id)).guild_defaults.is_empty()


async def test_a_moderator_sets_server_defaults_that_members_override(
    inkwell: Harness, services: Services
) -> None:
    moderator = inkwell.new_user("mod", manage_guild=True)
    await inkwell.run_slash("style server-defaults", rating="g", tone="warm", user=moderator)
    await services.styles.update(inkwell.user.id, {"tone": "wry"})
    effective = await services.styles.effective(inkwell.user.id, inkwell.guild.id)
    assert (effective.rating, effective.tone) == ("g", "wry")


async def test_server_defaults_are_not_offered_in_dms(inkwell: Harness) -> None:
    command = inkwell.tree.get_command("style").get_command("server-defaults")  # type: ignore[union-attr]
    assert command.guild_only  # type: ignore[union-attr]
    assert command.default_permissions is not None  # type: ignore[union-attr]
    assert command.default_permissions.manage_guild  # type: ignore[union-attr]


async def test_discord_itself_refuses_a_too_long_sample(inkwell: Harness) -> None:
    """The option's max_length reaches Discord, whose client refuses longer text."""
    with pytest.raises(ValueError, match=r"within \[1, 1000\] characters"):
        await inkwell.run_slash("style set", sample="x" * 1001)


def options_sent_to_discord(inkwell: Harness, name: str) -> dict[str, dict[str, Any]]:
    """The options of /style <name> as Discord receives them: type, choices, limits, text."""
    group = inkwell.tree.get_command("style")
    assert isinstance(group, app_commands.Group)
    command = group.get_command(name)
    assert isinstance(command, app_commands.Command)
    return {option["name"]: option for option in command.to_dict(inkwell.tree)["options"]}


async def test_server_defaults_offer_the_options_of_set_but_the_sample(inkwell: Harness) -> None:
    """The two commands set the same preferences, so Discord shows the same options."""
    own = options_sent_to_discord(inkwell, "set")
    defaults = options_sent_to_discord(inkwell, "server-defaults")
    assert "sample" in own
    assert {name: own[name] for name in own if name != "sample"} == {
        name: defaults[name] for name in defaults if name != "reset"
    }


async def test_options_left_empty_keep_what_was_set(inkwell: Harness, services: Services) -> None:
    await inkwell.run_slash("style set", tone="wry", pov="first")
    await inkwell.run_slash("style set", tone="warm")
    stored = await services.styles.overview(inkwell.user.id, None)
    assert (stored.mine.tone, stored.mine.pov) == ("warm", "first")
