"""Two writes of one turn at the same moment (a double click, two devices) make one turn."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace

import pytest

from inkwell.bot.services.relay import NotYourTurn, StaleTurn
from tests.services.relay.conftest import ALICE, BOB, RelayWorld


async def test_two_different_texts_for_the_same_turn_store_exactly_one(
    world: RelayWorld,
) -> None:
    await world.start()
    await world.join(BOB)
    relay = await world.relay()

    results = await asyncio.gather(
        world.service.write_turn(
            world.thread_id, ALICE, "From the phone.", expected_turn=relay.turn
        ),
        world.service.write_turn(
            world.thread_id, ALICE, "From the laptop.", expected_turn=relay.turn
        ),
        return_exceptions=True,
    )
    await world.time.settle()

    stored = await world.story()
    assert len(stored) == 1
    assert sum(isinstance(result, StaleTurn) for result in results) == 1
    assert world.notifier.events().count("turn_written") == 1
    assert world.notifier.pings() == [ALICE.user_id, BOB.user_id]


async def test_a_double_submitted_turn_is_saved_once_and_both_hear_it_was_saved(
    world: RelayWorld,
) -> None:
    await world.start()
    await world.join(BOB)
    relay = await world.relay()

    first, second = await asyncio.gather(
        world.service.write_turn(world.thread_id, ALICE, "The lamp.", expected_turn=relay.turn),
        world.service.write_turn(world.thread_id, ALICE, "The lamp.", expected_turn=relay.turn),
    )
    await world.time.settle()

    assert first == second
    assert await world.story() == ["The lamp."]


async def test_the_turn_number_is_checked_inside_the_writing_transaction(
    world: RelayWorld,
) -> None:
    """Even without the service's lock, the database refuses a second write of a turn."""
    await world.start()
    await world.join(BOB)
    relay = await world.relay()
    async with world.repository.change(relay.id, expected_turn=relay.turn) as change:
        await change.save(replace(change.relay, turn=relay.turn + 1))
    with pytest.raises(StaleTurn):
        async with world.repository.change(relay.id, expected_turn=relay.turn):
            pass


async def test_a_timer_firing_while_the_turn_is_written_does_not_skip_the_next_writer(
    world: RelayWorld, caplog: pytest.LogCaptureFixture
) -> None:
    await world.start(turn_minutes=60)
    await world.join(BOB)
    world.time.now += 60 * 60  # the deadline is now, and Alice presses send at that moment
    written = world.service.write_turn(world.thread_id, ALICE, "Just in time.")
    timer = world.time.advance()
    with caplog.at_level(logging.ERROR):
        outcome, _ = await asyncio.gather(written, timer, return_exceptions=True)
    await world.time.settle()
    # Either Alice's turn was written, or it timed out first and her write was refused;
    # never both, and never a turn lost for Bob.
    if isinstance(outcome, NotYourTurn):
        assert await world.story() == []
    else:
        assert await world.story() == ["Just in time."]
    assert await world.whose_turn() == BOB.user_id
    assert caplog.records == []
