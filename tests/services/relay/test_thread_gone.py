"""A deleted thread, or a lost permission, ends the relay cleanly: saved, one log line, quiet."""

from __future__ import annotations

import logging

import pytest

from inkwell.bot.services.relay import RelayClosed
from tests.services.relay.conftest import ALICE, BOB, RelayWorld


async def test_a_gone_thread_ends_the_relay_with_one_log_line(
    world: RelayWorld, caplog: pytest.LogCaptureFixture
) -> None:
    await world.start(turn_minutes=60)
    await world.join(BOB)
    world.notifier.thread_gone = True

    with caplog.at_level(logging.WARNING, logger="inkwell.bot.services.relay"):
        turn = await world.write(ALICE, "Saved before anyone heard.")
        await world.time.advance(minutes=600)

    relay = await world.relay()
    assert relay.status == "ended"
    assert relay.end_reason == "thread_gone"
    assert turn.text == "Saved before anyone heard."
    assert await world.story() == ["Saved before anyone heard."]  # the acknowledged turn stays
    assert [record.getMessage() for record in caplog.records] == [
        f"relay {relay.id} ended: its thread {relay.thread_id} is gone"
        " or the bot may no longer post there"
    ]
    assert world.notifier.calls_after_gone == 1  # no retries, no crash loop
    assert world.service.background_tasks() == set()


async def test_a_relay_whose_thread_is_gone_stays_ended_after_a_restart(
    world: RelayWorld,
) -> None:
    await world.start(turn_minutes=60)
    await world.join(BOB)
    await world.service.thread_gone(world.thread_id)

    world = await world.restart()
    await world.time.advance(minutes=600)

    assert world.notifier.events() == []
    with pytest.raises(RelayClosed):
        await world.write(ALICE)
