"""/story /lyrics /poem /post through real discord.py interactions."""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from bot.text.posts import post_length
from tests.fakes import ScriptedBackend
from tests.harness import Harness


async def test_a_poem_defers_streams_and_ends_with_the_buttons(
    inkwell: Harness, backend: ScriptedBackend
) -> None:
    events = await inkwell.run_slash("poem", topic="first snow", form="haiku")
    assert events.kinds()[0] == "defer"
    assert events.last_content() == "Snow on the pine."
    final = events.messages()[-1]
    labels = [button.label for button in final.buttons]
    assert labels[:3] == ["Stop", "Regenerate", "Continue"]
    assert events.pings_nobody()
    assert "5, 7 and 5 syllables" in backend.requests[0].messages[1].content


async def test_only_the_author_may_press_the_buttons(inkwell: Harness) -> None:
    await inkwell.run_slash("poem", topic="first snow")
    stranger = inkwell.new_user("stranger")
    events = await inkwell.click(label="Regenerate", user=stranger)
    assert events.ephemeral()
    assert "belong to the member who ran the command" in events.last_content()


async def test_regenerate_adds_a_variant_and_the_arrows_flip(inkwell: Harness) -> None:
    await inkwell.run_slash("story", prompt="a lighthouse")
    await inkwell.click(label="Regenerate")
    shown = inkwell.recorder.visible_messages()[-1]
    assert any(button.label == "2/2 ›" for button in shown.buttons)
    await inkwell.click(label="‹")
    assert inkwell.recorder.visible_messages()[-1].content == "Snow on the pine."


async def test_continue_extends_a_story(inkwell: Harness, backend: ScriptedBackend) -> None:
    await inkwell.run_slash("story", prompt="a lighthouse")
    await inkwell.click(label="Continue")
    assert backend.requests[-1].continue_from == "Snow on the pine."
    assert inkwell.recorder.visible_messages()[-1].content.startswith("Snow on the pine. Snow")


async def test_stop_keeps_what_was_written(inkwell: Harness, backend: ScriptedBackend) -> None:
    backend.pause = asyncio.Event()
    events = await inkwell.run_slash("story", prompt="a door", wait=False)
    await inkwell.click(label="Stop")
    await inkwell.settle()
    assert "Snow" in events.last_content()
    assert "(stopped)" in events.last_content()
    assert backend.closed_streams == 1


async def test_a_post_fits_its_platform(inkwell: Harness, backend: ScriptedBackend) -> None:
    backend.script = ["Launch day is here! " * 30 + "#launch #news"]
    events = await inkwell.run_slash("post", topic="our launch", platform="x", variants=2)
    text = events.last_content()
    assert post_length(text, "x") <= 280
    assert backend.requests[0].sampling.n == 2


async def test_long_text_continues_in_follow_up_messages(
    inkwell: Harness, backend: ScriptedBackend
) -> None:
    backend.script = ["word " * 300, "\n\n", "more " * 300]
    events = await inkwell.run_slash("story", prompt="a long one", length="long")
    messages = events.messages()
    assert len(messages) >= 2
    assert all(len(message.content) <= 2000 for message in messages)
    assert [button.label for button in messages[-1].buttons][:1] == ["Stop"]
    assert all(not message.buttons for message in messages[:-1])


async def test_mentions_in_the_output_never_ping(
    inkwell: Harness, backend: ScriptedBackend
) -> None:
    backend.script = ["Hey @everyone and <@123>!"]
    events = await inkwell.run_slash("poem", topic="a party")
    assert events.pings_nobody()
    assert "@everyone" not in events.last_content().replace("@\u200beveryone", "")


@pytest.mark.parametrize(
    ("command", "values", "message"),
    [
        pytest.param("poem", {"topic": "   "}, "topic is empty", id="blank"),
        pytest.param("poem", {"topic": "\u200b\u200d"}, "topic is empty", id="zero-width"),
    ],
)
async def test_bad_input_gets_an_ephemeral_answer_and_no_generation(
    inkwell: Harness, backend: ScriptedBackend, command: str, values: dict[str, str], message: str
) -> None:
    events = await inkwell.run_slash(command, **values)
    assert events.ephemeral()
    assert message in events.last_content()
    assert backend.requests == []


async def test_a_down_backend_gets_a_clear_ephemeral_message(
    inkwell: Harness, backend: ScriptedBackend
) -> None:
    backend.fail_after = 0
    events = await inkwell.run_slash("poem", topic="snow")
    assert events.kinds()[0] == "defer"
    assert events.kinds() == ["defer", "delete_original", "followup"]
    assert events.last("followup").ephemeral
    assert "did not answer" in events.last_content()


async def test_the_cooldown_answers_with_the_wait(inkwell: Harness, services: object) -> None:
    from bot.runtime import Services

    assert isinstance(services, Services)
    services.creation.cooldowns = type(services.creation.cooldowns)(1, 10)
    await inkwell.run_slash("poem", topic="snow")
    events = await inkwell.run_slash("poem", topic="rain")
    assert events.ephemeral()
    assert "Try again in 10 s" in events.last_content()


async def test_the_model_starts_during_the_defer_and_stops_if_the_defer_fails(
    inkwell: Harness, backend: ScriptedBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Discord's acknowledgement takes a round trip; the model request leaves meanwhile,
    and is closed again when the interaction turns out to have expired."""
    import discord

    from tests.harness import UnhandledError, http_error

    backend.pause = asyncio.Event()

    async def slow_expired_defer(self: discord.InteractionResponse, **kwargs: object) -> None:
        await asyncio.sleep(0.05)  # the round trip
        raise http_error(404, 10062, "Unknown interaction")

    monkeypatch.setattr(discord.InteractionResponse, "defer", slow_expired_defer)
    with contextlib.suppress(UnhandledError):
        await inkwell.run_slash("story", prompt="too late")
    assert len(backend.requests) == 1  # it left before the defer came back
    assert backend.closed_streams == 1  # and was closed when the defer failed
