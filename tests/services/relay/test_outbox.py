"""Nothing lost at a crash, nothing posted twice: the notices a change owes its thread are
committed with it (the outbox), posted after, and posted by the next process if this one
dies first.

"Dying" is :class:`ProcessDied` raised from the notifier: nothing after it runs, as if the
process had been killed there. The next process is a new service on the same database.
"""

from __future__ import annotations

import logging

import pytest

from inkwell.bot.services.relay import Actor
from inkwell.bot.services.relay.changes import NOTICE_TRIES, RETRY_SECONDS
from tests.services.relay.conftest import ALICE, BOB, RelayWorld
from tests.services.relay.recording_notifier import ProcessDied


async def test_a_crash_between_the_commit_and_the_post_loses_no_notice(
    world: RelayWorld,
) -> None:
    await world.start(turn_minutes=60)
    await world.join(BOB)
    world.notifier.clear()
    world.notifier.die = "before_post"

    with pytest.raises(ProcessDied):
        await world.service.write_turn(world.thread_id, ALICE, "The lamp went out.")

    assert await world.story() == ["The lamp went out."]  # committed before anyone heard
    assert world.notifier.events() == []
    world = await world.restart()

    assert world.notifier.events() == ["turn_written", "turn_started"]
    assert world.notifier.last("turn_written").details[0].text == "The lamp went out."
    assert world.notifier.pings() == [BOB.user_id]
    world = await world.restart()
    assert world.notifier.events() == []  # posted once, and recorded as posted


async def test_a_crash_after_the_post_before_its_record_does_not_post_it_again(
    world: RelayWorld,
) -> None:
    await world.start(turn_minutes=60)
    await world.join(BOB)
    world.notifier.clear()
    world.notifier.die = "after_post"

    with pytest.raises(ProcessDied):
        await world.service.write_turn(world.thread_id, ALICE, "The lamp went out.")

    assert world.notifier.events() == ["turn_written"]  # in the thread, not recorded
    world = await world.restart(same_thread=True)

    assert world.notifier.events() == ["turn_written", "turn_started"]
    (found,) = world.notifier.found_posted
    assert found.id == world.notifier.notices[0].key.id  # type: ignore[union-attr]
    assert world.notifier.pings() == [BOB.user_id]


async def test_a_reminder_is_posted_even_if_the_process_dies_as_it_is_due(
    world: RelayWorld,
) -> None:
    await world.start(turn_minutes=60)
    await world.join(BOB)
    world.notifier.die = "before_post"

    await world.time.advance(minutes=45)  # the timer's task dies at the reminder

    assert "turn_reminder" not in world.notifier.events()
    assert (await world.relay()).reminded  # stored as sent …
    world = await world.restart()
    assert world.notifier.events() == ["turn_reminder"]  # … and so it is, once
    assert world.notifier.last("turn_reminder").relay.writer_id == ALICE.user_id
    await world.time.advance(minutes=10)
    assert world.notifier.events() == ["turn_reminder"]


async def test_notices_owed_by_a_relay_that_ended_are_still_posted(world: RelayWorld) -> None:
    await world.start()
    await world.join(BOB)
    world.notifier.die = "before_post"

    with pytest.raises(ProcessDied):
        await world.service.end(world.thread_id, Actor(ALICE.user_id))

    world = await world.restart()
    assert world.notifier.events() == ["relay_ended"]


async def test_a_failed_notice_is_tried_again_in_order_and_the_story_goes_on(
    world: RelayWorld, caplog: pytest.LogCaptureFixture
) -> None:
    await world.start(turn_minutes=60)
    await world.join(BOB)
    world.notifier.clear()
    world.notifier.failing = RuntimeError("Discord had a bad moment")

    with caplog.at_level(logging.ERROR, logger="inkwell.bot.services.relay"):
        turn = await world.write(ALICE, "The lamp went out.")

    assert turn.number == 1
    assert await world.whose_turn() == BOB.user_id  # the relay moved on regardless
    assert ["try 1 of" in record.getMessage() for record in caplog.records] == [True]
    world.notifier.failing = None
    await world.time.advance(RETRY_SECONDS)

    assert world.notifier.events() == ["turn_written", "turn_started"]
    # The failed one may have reached Discord before the error: it is looked for first.
    assert [notice.key.maybe_sent for notice in world.notifier.notices if notice.key] == [
        True,
        False,
    ]


async def test_a_notice_that_always_fails_is_given_up_and_the_next_ones_go_out(
    world: RelayWorld, caplog: pytest.LogCaptureFixture
) -> None:
    await world.start(turn_minutes=60)
    await world.join(BOB)
    world.notifier.clear()
    world.notifier.failing = RuntimeError("400 Bad Request")

    with caplog.at_level(logging.ERROR, logger="inkwell.bot.services.relay"):
        await world.write(ALICE, "The lamp went out.")
        await world.time.advance(RETRY_SECONDS * NOTICE_TRIES * NOTICE_TRIES)
    world.notifier.failing = None
    await world.write(BOB, "The keeper lit a match.")

    given_up = [r.getMessage() for r in caplog.records if r.getMessage().endswith("given up)")]
    assert len(given_up) == 2  # the turn and the turn notice, each after NOTICE_TRIES tries
    assert all(f"(try {NOTICE_TRIES} of {NOTICE_TRIES}, given up)" in line for line in given_up)
    # Every notice of the first turn was given up after its tries; the second turn's go out.
    assert world.notifier.events() == ["turn_written", "turn_started"]
    assert world.notifier.last("turn_written").details[0].text == "The keeper lit a match."


async def test_a_clean_stop_posts_what_is_owed_without_waiting_for_the_next_try(
    world: RelayWorld,
) -> None:
    await world.start(turn_minutes=60)
    await world.join(BOB)
    world.notifier.clear()
    world.notifier.failing = RuntimeError("Discord had a bad moment")
    await world.write(ALICE, "The lamp went out.")
    world.notifier.failing = None

    await world.service.flush()

    assert world.notifier.events() == ["turn_written", "turn_started"]
