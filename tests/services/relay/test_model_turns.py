"""The model as co-author: its turns, its prompts, and what happens when it can't write."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from inkwell.bot.services.content_policy import Verdict
from inkwell.bot.services.origin import Origin
from inkwell.bot.services.relay import Actor
from inkwell.bot.storage.styles import StyleRepository
from inkwell.serving.backend import BACKGROUND_PRIORITY, GenerationRequest
from tests.fakes import ScriptedBackend
from tests.services.relay.conftest import (
    ALICE,
    BOB,
    MODEL_TURN_TEXT,
    RelayWorld,
    scripted_model,
)


async def test_each_round_the_model_writes_after_the_last_member(world: RelayWorld) -> None:
    await world.start(ai_turns="each_round")
    await world.join(BOB)
    await world.write(ALICE, "Alice began.")
    await world.write(BOB, "Bob went on.")

    assert await world.story() == ["Alice began.", "Bob went on.", MODEL_TURN_TEXT]
    assert await world.whose_turn() == ALICE.user_id
    model_turn = world.notifier.last("turn_written").details[0]
    assert model_turn.by_model


async def test_one_member_and_the_model_can_write_a_relay_together(world: RelayWorld) -> None:
    await world.start(ai_turns="each_round")
    assert await world.whose_turn() == ALICE.user_id  # the model counts as the second writer
    await world.write(ALICE, "Alice began.")
    await world.write(ALICE, "Alice again.")
    assert await world.story() == ["Alice began.", MODEL_TURN_TEXT, "Alice again.", MODEL_TURN_TEXT]


async def test_the_model_can_write_the_opening(world: RelayWorld, backend: ScriptedBackend) -> None:
    await world.start(ai_opening=True, premise="A keeper finds a letter.")

    assert await world.story() == [MODEL_TURN_TEXT]
    prompt = backend.requests[0].messages[1].content
    assert "Write the opening passage" in prompt
    assert "Premise: A keeper finds a letter." in prompt
    # Alice alone can't start the rotation; it waits for a second writer.
    assert (await world.relay()).status == "gathering"
    await world.join(BOB)
    assert await world.whose_turn() == ALICE.user_id


async def test_model_turns_follow_the_relays_genre_and_tone_not_a_members_style(
    world: RelayWorld, backend: ScriptedBackend
) -> None:
    await StyleRepository(world.database).update_member(ALICE.user_id, tone="slapstick")
    await world.start(ai_turns="each_round", genre="gothic", tone="brooding", max_words=60)
    await world.write(ALICE, "The door creaked.")

    request = backend.requests[-1]
    system, user = request.messages
    assert request.priority == BACKGROUND_PRIORITY
    assert "You write one turn." in system.content
    assert "Genre: gothic" in user.content
    assert "Tone: brooding" in user.content
    assert "slapstick" not in user.content
    # Fixed parts first, the story next, the request last (prefix-cache layout).
    assert user.content.index("The door creaked.") < user.content.index("at most 60 words")


async def test_the_system_message_is_the_same_for_every_relay(
    world: RelayWorld, backend: ScriptedBackend
) -> None:
    await world.start(ai_opening=True, genre="noir")
    world.thread_id += 1
    await world.start(ai_opening=True, genre="fairy tale", tone="gentle")
    first, second = backend.requests
    assert first.messages[0] == second.messages[0]


async def test_a_long_model_turn_is_trimmed_at_a_sentence_within_the_limit(
    world: RelayWorld, backend: ScriptedBackend
) -> None:
    sentence = "The sea was grey and the gulls were loud. "
    backend.script = [sentence * 20]  # 180 words
    await world.start(ai_opening=True, max_words=50)

    (opening,) = await world.story()
    assert opening.endswith("loud.")
    assert len(opening.split()) <= 50


async def test_the_content_filter_can_withhold_a_model_turn(world: RelayWorld) -> None:
    class NoFog:
        async def check_prompt(self, text: str, origin: Origin) -> Verdict:
            return Verdict(text)

        async def check_output(self, text: str, origin: Origin, *, final: bool) -> Verdict:
            return Verdict(text, blocked="fog" in text)

    world.service.content_filter = NoFog()
    await world.start(ai_turns="each_round")
    await world.join(BOB)
    await world.write(ALICE)
    await world.write(BOB)

    assert MODEL_TURN_TEXT not in await world.story()
    assert world.notifier.skipped() == [(None, "model_withheld")]
    assert await world.whose_turn() == ALICE.user_id


async def test_when_the_model_is_down_its_turn_passes(
    world: RelayWorld, backend: ScriptedBackend
) -> None:
    backend.fail_after = 0
    await world.start(ai_turns="each_round")
    await world.write(ALICE)

    assert world.notifier.skipped() == [(None, "model_failed")]
    assert await world.whose_turn() == ALICE.user_id


async def test_the_model_never_pings(world: RelayWorld, backend: ScriptedBackend) -> None:
    backend.script = ["Then <@123> shouted to @everyone."]
    await world.start(ai_opening=True)
    (opening,) = await world.story()
    assert "<@" not in opening
    assert "@everyone" not in opening


async def test_a_model_turn_in_progress_when_the_relay_pauses_is_dropped(
    world: RelayWorld, backend: ScriptedBackend
) -> None:
    asked = asyncio.Event()

    def model_that_signals(request: GenerationRequest) -> Sequence[str]:
        asked.set()
        return scripted_model(request)

    backend.script = model_that_signals
    backend.pause = asyncio.Event()
    await world.start(ai_turns="each_round")
    await world.service.write_turn(world.thread_id, ALICE, "Alice began.")
    await asyncio.wait_for(asked.wait(), timeout=5)  # the model is writing …

    await world.service.pause(world.thread_id, Actor(ALICE.user_id))
    backend.pause.set()
    await world.time.settle()

    assert await world.story() == ["Alice began."]
    assert backend.closed_streams == 1  # … and stops when the relay pauses
    backend.pause = None
    await world.service.resume(world.thread_id, Actor(ALICE.user_id))
    await world.time.settle()
    assert await world.story() == ["Alice began.", MODEL_TURN_TEXT]
