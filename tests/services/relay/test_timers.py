"""Turn timers: the reminder, the deadline, pause and resume, and surviving a restart."""

from __future__ import annotations

import pytest

from inkwell.bot.services.relay import Actor, NotAllowed, RelayClosed
from tests.services.relay.conftest import ALICE, BOB, CLEO, MODEL_TURN_TEXT, RelayWorld


async def test_a_reminder_comes_at_three_quarters_of_the_turn(world: RelayWorld) -> None:
    await world.start(turn_minutes=60)
    await world.join(BOB)

    await world.time.advance(minutes=44)
    assert "turn_reminder" not in world.notifier.events()
    await world.time.advance(minutes=1)

    reminder = world.notifier.last("turn_reminder")
    assert reminder.relay.writer_id == ALICE.user_id
    assert world.notifier.events().count("turn_reminder") == 1


async def test_at_the_deadline_the_turn_passes_to_the_next_writer(world: RelayWorld) -> None:
    await world.start(turn_minutes=60)
    await world.join(BOB)
    await world.time.advance(minutes=59)
    assert await world.whose_turn() == ALICE.user_id

    await world.time.advance(minutes=1)

    assert await world.whose_turn() == BOB.user_id
    assert world.notifier.skipped() == [(ALICE.user_id, "timed_out")]
    relay = await world.relay()
    assert relay.turn_deadline == world.time.now + 60 * 60  # Bob gets a whole turn


async def test_with_on_timeout_the_model_writes_the_missed_turn(world: RelayWorld) -> None:
    await world.start(turn_minutes=60, ai_turns="on_timeout")
    await world.join(BOB, CLEO)

    await world.time.advance(minutes=60)

    assert await world.story() == [MODEL_TURN_TEXT]
    written = world.notifier.last("turn_written").details[0]
    assert written.by_model
    assert written.writer_id is None
    assert await world.whose_turn() == BOB.user_id  # the rotation goes on after Alice


async def test_after_a_whole_round_with_nobody_writing_the_relay_pauses(
    world: RelayWorld,
) -> None:
    await world.start(turn_minutes=60, ai_turns="on_timeout")
    await world.join(BOB)

    await world.time.advance(minutes=60)  # Alice misses: the model stands in
    await world.time.advance(minutes=60)  # Bob misses too: a whole idle round

    relay = await world.relay()
    assert relay.status == "paused"
    assert world.notifier.last("relay_paused").details == ("idle",)
    assert await world.story() == [MODEL_TURN_TEXT]  # the model doesn't write on alone
    await world.time.advance(minutes=600)
    assert (await world.relay()).status == "paused"


async def test_a_member_writing_resets_the_idle_count(world: RelayWorld) -> None:
    await world.start(turn_minutes=60)
    await world.join(BOB, CLEO)
    await world.time.advance(minutes=60)  # Alice misses
    await world.write(BOB)
    await world.time.advance(minutes=60)  # Cleo misses
    await world.time.advance(minutes=60)  # Alice misses again: still not a whole idle round
    assert (await world.relay()).status == "active"


async def test_a_paused_turn_keeps_the_time_it_had_left(world: RelayWorld) -> None:
    await world.start(turn_minutes=60)
    await world.join(BOB)
    await world.time.advance(minutes=20)

    await world.service.pause(world.thread_id, Actor(ALICE.user_id))
    await world.time.advance(minutes=600)  # nothing runs out while paused
    assert await world.whose_turn() == ALICE.user_id
    await world.service.resume(world.thread_id, Actor(ALICE.user_id))
    await world.time.settle()

    relay = await world.relay()
    assert relay.status == "active"
    assert relay.turn_deadline == world.time.now + 40 * 60
    assert world.notifier.events()[-2:] == ["relay_resumed", "turn_started"]
    await world.time.advance(minutes=40)
    assert await world.whose_turn() == BOB.user_id


async def test_only_the_starter_or_a_moderator_may_pause(world: RelayWorld) -> None:
    await world.start()
    await world.join(BOB)
    with pytest.raises(NotAllowed):
        await world.service.pause(world.thread_id, Actor(BOB.user_id))
    await world.service.pause(world.thread_id, Actor(BOB.user_id, can_moderate=True))
    with pytest.raises(RelayClosed):
        await world.write(ALICE)


async def test_deadlines_survive_a_restart(world: RelayWorld) -> None:
    await world.start(turn_minutes=60)
    await world.join(BOB)
    await world.write(ALICE)
    deadline = (await world.relay()).turn_deadline
    await world.time.advance(minutes=30)

    world = await world.restart()

    assert (await world.relay()).turn_deadline == deadline
    await world.time.advance(minutes=14)
    assert world.notifier.events() == []
    await world.time.advance(minutes=1)
    assert world.notifier.events() == ["turn_reminder"]
    await world.time.advance(minutes=15)
    assert await world.whose_turn() == ALICE.user_id
    assert world.notifier.skipped() == [(BOB.user_id, "timed_out")]


async def test_a_deadline_that_passed_while_offline_is_handled_at_once(
    world: RelayWorld,
) -> None:
    await world.start(turn_minutes=60)
    await world.join(BOB)
    await world.service.close()
    world.time.now += 3 * 60 * 60  # three hours offline

    world = await world.restart()

    # Alice's turn ended while the bot was away; Bob now has a whole turn from now.
    assert world.notifier.skipped() == [(ALICE.user_id, "timed_out")]
    relay = await world.relay()
    assert relay.writer_id == BOB.user_id
    assert relay.turn_deadline == world.time.now + 60 * 60
    assert "turn_reminder" not in world.notifier.events()
