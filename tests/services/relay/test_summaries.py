"""Long stories: older turns are summarised by the model so prompts and recaps fit."""

from __future__ import annotations

import pytest

from inkwell.bot.services.relay import ContextBudget
from inkwell.serving.backend import BACKGROUND_PRIORITY, GenerationRequest
from tests.fakes import ScriptedBackend
from tests.services.relay.conftest import (
    ALICE,
    SUMMARY_TEXT,
    RelayWorld,
    is_summary_request,
)

# 200 tokens of context at 4 characters a token: the story may use 400 characters.
TINY_CONTEXT = ContextBudget(context_tokens=200, chars_per_token=4)


def long_turn(label: str) -> str:
    return (
        f"{label} " + "walked the long shore under the lighthouse, counting gulls. " * 2
    ).strip()


@pytest.fixture
def budget() -> ContextBudget:
    return TINY_CONTEXT


async def write_five_turns_with_the_model(world: RelayWorld) -> None:
    """Alice, model, Alice, model, Alice: the fifth turn pushes the story over its share."""
    await world.start(ai_turns="each_round")
    for label in ("First", "Third", "Fifth"):
        await world.write(ALICE, long_turn(label))


async def test_a_short_story_is_never_summarised(
    world: RelayWorld, backend: ScriptedBackend
) -> None:
    await world.start(ai_turns="each_round")
    await world.write(ALICE, "A short line.")
    assert not any(is_summary_request(request) for request in backend.requests)


async def test_older_turns_are_summarised_in_the_background_and_stored(
    world: RelayWorld, backend: ScriptedBackend
) -> None:
    await write_five_turns_with_the_model(world)

    summaries = [request for request in backend.requests if is_summary_request(request)]
    assert len(summaries) == 1
    assert summaries[0].priority == BACKGROUND_PRIORITY
    assert long_turn("First") in summaries[0].messages[1].content
    relay = await world.relay()
    stored = await world.repository.latest_summary(relay.id)
    assert stored is not None
    assert stored.text == SUMMARY_TEXT
    assert stored.through_turn == 3  # the last two turns stay word for word


async def test_the_models_next_turn_builds_on_the_summary_and_the_recent_turns(
    world: RelayWorld, backend: ScriptedBackend
) -> None:
    await write_five_turns_with_the_model(world)

    last_turn_prompt = next(
        request.messages[1].content
        for request in reversed(backend.requests)
        if not is_summary_request(request)
    )
    assert SUMMARY_TEXT in last_turn_prompt
    assert long_turn("First") not in last_turn_prompt
    assert long_turn("Fifth") in last_turn_prompt
    prompt_tokens = TINY_CONTEXT.tokens(last_turn_prompt)
    assert prompt_tokens < TINY_CONTEXT.context_tokens


async def test_turn_notices_recap_the_summary_and_the_last_turn(world: RelayWorld) -> None:
    await write_five_turns_with_the_model(world)
    recap = world.notifier.last("turn_started").details[0]
    assert recap.summary == SUMMARY_TEXT
    assert recap.last_excerpt.endswith("over the harbour.")


async def test_when_the_model_cannot_summarise_prompts_keep_the_latest_turns(
    world: RelayWorld, backend: ScriptedBackend
) -> None:
    def no_summaries(request: GenerationRequest) -> list[str]:
        if is_summary_request(request):
            return []
        return ["The fog rolled in."]

    backend.script = no_summaries
    await write_five_turns_with_the_model(world)
    relay = await world.relay()
    assert await world.repository.latest_summary(relay.id) is None
    last_prompt = next(
        request.messages[1].content
        for request in reversed(backend.requests)
        if not is_summary_request(request)
    )
    assert long_turn("Fifth") in last_prompt
    assert long_turn("First") not in last_prompt
