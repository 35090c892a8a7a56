"""Whose turn it is: join order, late joiners, leaving, passing, refusals, undo."""

from __future__ import annotations

import pytest

from inkwell.bot.errors import Blocked, InvalidInput
from inkwell.bot.services.content_policy import Verdict
from inkwell.bot.services.origin import Origin
from inkwell.bot.services.relay import (
    Actor,
    NotAllowed,
    NotYourTurn,
    RelayClosed,
    RelayFull,
    StaleTurn,
    TooManyWords,
)
from tests.services.relay.conftest import ALICE, BOB, CLEO, DEV, RelayWorld


async def test_the_starter_waits_for_a_second_writer_before_the_first_turn(
    world: RelayWorld,
) -> None:
    await world.start()
    assert (await world.relay()).status == "gathering"
    assert world.notifier.pings() == []

    await world.join(BOB)

    relay = await world.relay()
    assert relay.status == "active"
    assert relay.turn == 1
    assert world.notifier.pings() == [ALICE.user_id]


async def test_writers_take_turns_in_join_order_and_a_late_joiner_goes_last(
    world: RelayWorld,
) -> None:
    await world.start()
    await world.join(BOB, CLEO)
    await world.write(ALICE)
    await world.join(DEV)  # joins during Bob's turn
    for person in (BOB, CLEO, DEV, ALICE):
        await world.write(person)

    assert world.notifier.pings() == [
        ALICE.user_id,
        BOB.user_id,
        CLEO.user_id,
        DEV.user_id,
        ALICE.user_id,
        BOB.user_id,
    ]


async def test_random_order_is_drawn_once_at_the_first_turn(world: RelayWorld) -> None:
    await world.start(order="random", max_writers=4)
    # Bob's join starts the first turn, so the draw is among Alice and Bob …
    await world.join(BOB)
    first_round = [await world.whose_turn()]
    await world.write(ALICE if first_round[0] == ALICE.user_id else BOB)
    first_round.append(await world.whose_turn())
    assert set(first_round) == {ALICE.user_id, BOB.user_id}
    # … and a late joiner still goes to the end of the drawn order.
    await world.join(CLEO)
    await world.write(ALICE if first_round[1] == ALICE.user_id else BOB)
    assert await world.whose_turn() == CLEO.user_id


async def test_a_writer_who_leaves_on_their_turn_passes_it_on(world: RelayWorld) -> None:
    await world.start()
    await world.join(BOB, CLEO)
    await world.write(ALICE)

    await world.service.leave(world.thread_id, BOB.user_id)
    await world.time.settle()

    assert await world.whose_turn() == CLEO.user_id
    assert world.notifier.skipped()[-1] == (BOB.user_id, "left")
    await world.write(CLEO)
    assert await world.whose_turn() == ALICE.user_id  # Bob is out of the order


async def test_when_the_last_writer_leaves_the_relay_waits_for_writers(
    world: RelayWorld,
) -> None:
    await world.start()
    await world.join(BOB)
    await world.service.leave(world.thread_id, ALICE.user_id)
    await world.service.leave(world.thread_id, BOB.user_id)
    await world.time.settle()

    assert (await world.relay()).status == "gathering"
    assert "waiting_for_writers" in world.notifier.events()
    await world.join(CLEO)  # the story goes on as soon as someone joins
    assert await world.whose_turn() == CLEO.user_id


async def test_a_pass_hands_the_turn_to_the_next_writer(world: RelayWorld) -> None:
    await world.start()
    await world.join(BOB)
    await world.service.pass_turn(world.thread_id, ALICE.user_id)
    await world.time.settle()
    assert await world.whose_turn() == BOB.user_id
    assert world.notifier.skipped() == [(ALICE.user_id, "passed")]
    assert await world.story() == []


async def test_someone_else_hears_whose_turn_it_is_and_how_long_is_left(
    world: RelayWorld,
) -> None:
    await world.start(turn_minutes=60)
    await world.join(BOB)
    await world.time.advance(minutes=18)

    with pytest.raises(NotYourTurn) as refused:
        await world.write(BOB)

    assert str(refused.value) == f"It's <@{ALICE.user_id}>'s turn, about 42 minutes left."
    assert await world.story() == []


@pytest.mark.parametrize(
    ("text", "error", "words"),
    [
        pytest.param("word " * 51, TooManyWords, 51, id="over-the-limit"),
        pytest.param("   \u200b ", InvalidInput, None, id="empty"),
    ],
)
async def test_unusable_text_is_refused_whole_and_the_turn_stays(
    world: RelayWorld, text: str, error: type[Exception], words: int | None
) -> None:
    await world.start(max_words=50)
    await world.join(BOB)
    with pytest.raises(error) as refused:
        await world.write(ALICE, text)
    if words is not None:
        assert isinstance(refused.value, TooManyWords)
        assert refused.value.words == words
        assert "Trim 1 word" in str(refused.value)
    assert await world.whose_turn() == ALICE.user_id
    assert await world.story() == []


async def test_every_written_turn_goes_through_the_content_filter(world: RelayWorld) -> None:
    checked: list[str] = []

    class NoDragons:
        async def check_prompt(self, text: str, origin: Origin) -> Verdict:
            checked.append(text)
            return Verdict(text, blocked="dragon" in text, category="dragons")

        async def check_output(self, text: str, origin: Origin, *, final: bool) -> Verdict:
            return Verdict(text)

    world.service.content_filter = NoDragons()
    await world.start()
    await world.join(BOB)
    with pytest.raises(Blocked, match="dragons"):
        await world.write(ALICE, "A dragon landed on the lamp.")
    await world.write(ALICE, "A gull landed on the lamp.")
    assert checked[-2:] == ["A dragon landed on the lamp.", "A gull landed on the lamp."]
    assert await world.story() == ["A gull landed on the lamp."]


async def test_a_full_relay_refuses_another_writer(world: RelayWorld) -> None:
    await world.start(max_writers=2)
    await world.join(BOB)
    with pytest.raises(RelayFull):
        await world.join(CLEO)


@pytest.mark.parametrize(
    ("actor", "allowed"),
    [
        pytest.param(Actor(ALICE.user_id), True, id="the-starter"),
        pytest.param(Actor(DEV.user_id, can_moderate=True), True, id="manage-threads"),
        pytest.param(Actor(BOB.user_id), False, id="another-writer"),
    ],
)
async def test_only_the_starter_or_a_moderator_may_remove_a_writer(
    world: RelayWorld, actor: Actor, allowed: bool
) -> None:
    await world.start()
    await world.join(BOB, CLEO)
    if not allowed:
        with pytest.raises(NotAllowed):
            await world.service.kick(world.thread_id, actor, CLEO.user_id)
        return
    await world.service.kick(world.thread_id, actor, CLEO.user_id)
    status = await world.service.status(world.thread_id)
    assert [writer.user_id for writer in status.order] == [ALICE.user_id, BOB.user_id]
    with pytest.raises(NotAllowed, match="removed"):
        await world.join(CLEO)


class TestUndo:
    async def test_the_last_writer_takes_their_turn_back_within_five_minutes(
        self, world: RelayWorld
    ) -> None:
        await world.start()
        await world.join(BOB)
        await world.write(ALICE, "The lamp went out.")
        await world.time.advance(minutes=4)

        taken_back = await world.service.undo(world.thread_id, ALICE.user_id)
        await world.time.settle()

        assert taken_back.text == "The lamp went out."
        assert await world.story() == []
        assert await world.whose_turn() == ALICE.user_id
        assert world.notifier.events()[-2:] == ["turn_undone", "turn_started"]
        # Bob's interrupted turn is over: a write meant for it finds the relay moved on.
        with pytest.raises(NotYourTurn):
            await world.write(BOB)
        await world.write(ALICE, "The lamp flickered.")
        assert await world.whose_turn() == BOB.user_id

    async def test_after_five_minutes_the_turn_stays(self, world: RelayWorld) -> None:
        await world.start(turn_minutes=60)
        await world.join(BOB)
        await world.write(ALICE)
        await world.time.advance(minutes=5, seconds=1)
        with pytest.raises(InvalidInput, match="5 minutes"):
            await world.service.undo(world.thread_id, ALICE.user_id)

    async def test_once_the_next_turn_is_written_the_turn_stays(self, world: RelayWorld) -> None:
        await world.start()
        await world.join(BOB)
        await world.write(ALICE)
        await world.write(BOB)
        with pytest.raises(InvalidInput, match="until the next turn"):
            await world.service.undo(world.thread_id, ALICE.user_id)

    async def test_nobody_else_can_take_a_turn_back(self, world: RelayWorld) -> None:
        await world.start()
        await world.join(BOB)
        await world.write(ALICE)
        with pytest.raises(InvalidInput, match="Only the writer"):
            await world.service.undo(world.thread_id, BOB.user_id)


async def test_an_ended_relay_takes_no_more_turns(world: RelayWorld) -> None:
    await world.start()
    await world.join(BOB)
    ended = await world.service.end(world.thread_id, Actor(ALICE.user_id))
    await world.time.settle()
    assert ended.status == "ended"
    assert world.notifier.last("relay_ended").details == ("by_request",)
    assert world.service.background_tasks() == set()
    with pytest.raises(RelayClosed):
        await world.write(ALICE)


async def test_a_modal_sent_for_an_old_turn_is_refused(world: RelayWorld) -> None:
    await world.start()
    await world.join(BOB)
    await world.write(ALICE)
    await world.write(BOB)
    with pytest.raises(StaleTurn):
        await world.write(ALICE, "Late.", expected_turn=1)


async def test_a_turn_written_twice_without_naming_the_turn_is_stored_once(
    world: RelayWorld,
) -> None:
    await world.start()
    await world.join(BOB)
    first = await world.write(ALICE, "The lamp went out.")

    again = await world.write(ALICE, "The lamp went out.")

    assert again == first
    assert await world.story() == ["The lamp went out."]
    assert world.notifier.events().count("turn_written") == 1
    assert await world.whose_turn() == BOB.user_id


async def test_a_repeat_long_after_the_turn_hears_whose_turn_it_is(world: RelayWorld) -> None:
    await world.start(turn_minutes=60)
    await world.join(BOB)
    await world.write(ALICE, "The lamp went out.")
    await world.time.advance(minutes=10)

    with pytest.raises(NotYourTurn):
        await world.write(ALICE, "The lamp went out.")
