"""creativity: low · medium · high on /story /lyrics /poem /post and in /style, in Discord."""

from __future__ import annotations

from typing import Any

import pytest
from discord import app_commands

from inkwell.bot.services.bundle import Services
from inkwell.serving.backend import Sampling
from tests.cogs.test_style import embed_fields
from tests.fakes import ScriptedBackend
from tests.harness import Harness

SUBJECTS = {"story": "prompt", "lyrics": "topic", "poem": "topic", "post": "topic"}


def knobs(sampling: Sampling) -> tuple[float, float]:
    return (sampling.temperature, sampling.top_p)


def creativity_option(inkwell: Harness, *path: str) -> dict[str, Any]:
    """The creativity option of /<path> as Discord receives it."""
    command = inkwell.tree.get_command(path[0])
    for name in path[1:]:
        assert isinstance(command, app_commands.Group)
        command = command.get_command(name)
    assert isinstance(command, app_commands.Command)
    options: dict[str, dict[str, Any]] = {
        option["name"]: option for option in command.to_dict(inkwell.tree)["options"]
    }
    return options["creativity"]


@pytest.mark.parametrize(
    "path",
    [("story",), ("lyrics",), ("poem",), ("post",), ("style", "set"), ("style", "server-defaults")],
    ids=" ".join,
)
async def test_discord_offers_the_three_levels_and_never_requires_one(
    inkwell: Harness, path: tuple[str, ...]
) -> None:
    option = creativity_option(inkwell, *path)
    assert [choice["value"] for choice in option["choices"]] == ["low", "medium", "high"]
    assert not option.get("required", False)
    assert option["description"]


@pytest.mark.parametrize("form", list(SUBJECTS))
async def test_a_commands_creativity_reaches_the_model(
    inkwell: Harness, backend: ScriptedBackend, form: str
) -> None:
    await inkwell.run_slash(form, options={SUBJECTS[form]: "a lighthouse", "creativity": "high"})
    assert knobs(backend.requests[-1].sampling) == (1.05, 0.98)


async def test_a_creativity_set_in_the_style_shapes_the_next_commands_until_one_names_its_own(
    inkwell: Harness, backend: ScriptedBackend
) -> None:
    saved = await inkwell.run_slash("style set", creativity="low")
    assert embed_fields(saved.first("response")) == {"creativity": "low"}
    await inkwell.run_slash("poem", topic="first snow")
    await inkwell.run_slash("poem", topic="first snow", creativity="high")
    assert [knobs(request.sampling) for request in backend.requests] == [
        (0.5, 0.85),
        (1.05, 0.98),
    ]
    assert "creativity" not in backend.requests[0].messages[1].content.lower()


async def test_a_servers_default_creativity_applies_to_members_who_chose_none(
    inkwell: Harness, backend: ScriptedBackend, services: Services
) -> None:
    moderator = inkwell.new_user("mod", manage_guild=True)
    await inkwell.run_slash("style server-defaults", creativity="high", user=moderator)
    await inkwell.run_slash("story", prompt="a lighthouse")
    assert knobs(backend.requests[-1].sampling) == (1.05, 0.98)
    defaults = (await services.styles.overview(inkwell.user.id, inkwell.guild.id)).guild_defaults
    assert defaults.creativity == "high"


async def test_style_show_and_reset_know_creativity(inkwell: Harness) -> None:
    await inkwell.run_slash("style set", creativity="high", tone="wry")
    shown = await inkwell.run_slash("style show")
    assert embed_fields(shown.first("response")) == {"tone": "wry", "creativity": "high"}
    cleared = await inkwell.run_slash("style reset", field="creativity")
    assert cleared.last_content() == "Cleared your creativity."


async def test_discord_itself_refuses_a_level_it_does_not_offer(
    inkwell: Harness, backend: ScriptedBackend
) -> None:
    with pytest.raises(ValueError, match="must be one of"):
        await inkwell.run_slash("story", prompt="a lighthouse", creativity="wild")
    assert backend.requests == []
