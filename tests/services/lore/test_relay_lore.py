"""The model's relay turns carry the lore their story brings in: the relay's own and its
server's, after the story and before the request, named under the turn but not in it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import pytest

from inkwell.bot.records.lore import LoreSelection
from inkwell.bot.services.lore import LoreService
from inkwell.bot.services.relay.summaries import ContextBudget
from inkwell.bot.storage.lore import LoreRepository
from inkwell.serving.backend import GenerationRequest
from tests.fakes import ScriptedBackend
from tests.services.relay.conftest import (
    ALICE,
    GUILD,
    MODEL_TURN_TEXT,
    THREAD,
    RelayWorld,
    build_world,
    is_summary_request,
    scripted_model,
)
from tests.services.relay.fake_time import FakeTime

SALTMERE = "Saltmere sank a century ago; its bells still ring at low tide."
MIRA = "Mira commands the Gull and never speaks of her lost eye."


class BoundLore:
    """The world's lore service, once the world (and its database) exists."""

    service: LoreService

    async def select(
        self, guild_id: int | None, relay_id: int | None, texts: Sequence[str]
    ) -> LoreSelection:
        return await self.service.select(guild_id, relay_id, texts)


@pytest.fixture
def bound() -> BoundLore:
    return BoundLore()


@pytest.fixture
async def world(tmp_path: Path, bound: BoundLore) -> AsyncIterator[RelayWorld]:
    opened: list[RelayWorld] = []
    lore = bound
    backend = ScriptedBackend(scripted_model)
    built = await build_world(
        tmp_path / "i.sqlite3", FakeTime(), backend, ContextBudget(), opened, lore=lore
    )
    lore.service = LoreService(LoreRepository(built.database))
    yield built
    for each in opened:
        await each.service.close()
        await each.database.close()


def turn_prompts(world: RelayWorld) -> list[GenerationRequest]:
    return [r for r in world.backend.requests if not is_summary_request(r)]


@pytest.fixture
def lore(world: RelayWorld, bound: BoundLore) -> LoreService:
    return bound.service


async def start_with_lore(world: RelayWorld, lore: LoreService) -> None:
    relay = await world.start(ALICE, ai_turns="each_round")
    await lore.add(GUILD, None, 1, "Captain Mira", "Mira", MIRA)
    await lore.add(
        GUILD, relay.id, ALICE.user_id, "Saltmere", "Saltmere, the drowned city", SALTMERE
    )
    return lore


async def test_the_models_turn_carries_the_lore_the_story_names_after_it(
    world: RelayWorld, lore: LoreService
) -> None:
    await start_with_lore(world, lore)

    await world.write(ALICE, "Mira rowed out over the drowned city at dusk.")

    user = turn_prompts(world)[-1].messages[1].content
    story_at = user.index("Mira rowed out over the drowned city")
    assert story_at < user.index(SALTMERE) < user.rindex("Write")
    assert story_at < user.index(MIRA)


async def test_the_turn_is_posted_with_the_lore_named_and_the_story_stays_clean(
    world: RelayWorld, lore: LoreService
) -> None:
    await start_with_lore(world, lore)

    await world.write(ALICE, "Mira rowed out over Saltmere.")

    turn, lore = world.notifier.last("turn_written").details
    assert turn.by_model
    assert set(lore) == {"Captain Mira", "Saltmere"}
    assert (await world.story())[-1] == MODEL_TURN_TEXT


async def test_a_story_that_names_no_key_carries_no_lore_and_the_same_system(
    world: RelayWorld, lore: LoreService
) -> None:
    await start_with_lore(world, lore)
    await world.write(ALICE, "The lighthouse keeper slept.")
    quiet = turn_prompts(world)[-1]
    await world.write(ALICE, "Then Mira knocked.")
    named = turn_prompts(world)[-1]

    assert MIRA not in quiet.messages[1].content
    assert world.notifier.events().count("turn_written") >= 2
    assert MIRA in named.messages[1].content
    assert quiet.messages[0].content == named.messages[0].content


async def test_another_relays_lore_stays_out(world: RelayWorld, lore: LoreService) -> None:
    await start_with_lore(world, lore)  # the Saltmere entry is this first relay's
    world.thread_id = THREAD + 1
    await world.start(ALICE, ai_turns="each_round", title="The Other Coast")

    await world.write(ALICE, "Saltmere's bells rang while Mira slept.")

    prompt = turn_prompts(world)[-1].messages[1].content
    assert SALTMERE not in prompt
    assert MIRA in prompt  # the server's lore is every relay's


async def test_a_summary_of_older_turns_is_written_with_the_lore_they_name(
    tmp_path: Path,
) -> None:
    opened: list[RelayWorld] = []
    bound = BoundLore()
    tiny = ContextBudget(context_tokens=200, chars_per_token=4)
    world = await build_world(
        tmp_path / "s.sqlite3", FakeTime(), ScriptedBackend(scripted_model), tiny, opened,
        lore=bound,
    )  # fmt: skip
    bound.service = LoreService(LoreRepository(world.database))
    try:
        await world.start(ALICE, ai_turns="each_round")
        await bound.service.add(GUILD, None, 1, "Captain Mira", "Mira", MIRA)
        for label in ("First", "Third", "Fifth"):
            await world.write(ALICE, f"{label}: Mira walked the long shore, counting gulls. " * 2)

        summaries = [r for r in world.backend.requests if is_summary_request(r)]
        assert summaries
        user = summaries[0].messages[1].content
        assert user.index("counting gulls") < user.index(MIRA)
    finally:
        for each in opened:
            await each.service.close()
            await each.database.close()
