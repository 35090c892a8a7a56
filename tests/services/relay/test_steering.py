"""A relay's memory and author's note: who sets them, their limits, and where the model
reads them (the memory after the header, the note just before the request)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from inkwell.bot.errors import Blocked, InvalidInput
from inkwell.bot.services.content_policy import Verdict
from inkwell.bot.services.origin import Origin
from inkwell.bot.services.relay import (
    Actor,
    NotAllowed,
    RelayClosed,
    RelayPrompts,
    RelayRecord,
    SummaryRecord,
    TurnRecord,
)
from inkwell.bot.services.relay.models import MEMORY_MAX, NOTE_MAX
from inkwell.bot.services.relay.reading import STATUS_MEMORY_CHARS
from tests.fakes import ScriptedBackend
from tests.services.relay.conftest import ALICE, BOB, CLEO, RelayWorld, is_summary_request

MEMORY = "Mira is the keeper.\nThe lamp has never gone out."
NOTE = "Keep it eerie; no ghosts yet."
TURNS = (
    TurnRecord(1, ALICE.user_id, False, "Alice began.", 2, 0.0),
    TurnRecord(2, BOB.user_id, False, "Bob went on.", 3, 0.0),
)


@pytest.fixture
def prompts() -> RelayPrompts:
    return RelayPrompts.load()


async def a_relay(world: RelayWorld) -> RelayRecord:
    return await world.start(premise="A letter in a bottle.", tone="eerie", max_words=120)


# --- the prompt ---------------------------------------------------------------------------------


async def test_the_memory_follows_the_header_and_the_note_comes_just_before_the_request(
    world: RelayWorld, prompts: RelayPrompts
) -> None:
    relay = replace(await a_relay(world), memory=MEMORY, note=NOTE)

    _, user = prompts.turn_messages(relay, None, TURNS)

    assert user.content == (
        "Title: The Lighthouse\nPremise: A letter in a bottle.\nTone: eerie\n\n"
        "Memory (always true in this story):\n"
        "Mira is the keeper.\nThe lamp has never gone out.\n\n"
        "The story so far:\n\nAlice began.\n\nBob went on.\n\n"
        "Author's note: Keep it eerie; no ghosts yet.\n\n"
        "Write the next passage of the story, at most 120 words."
    )


async def test_the_opening_and_a_summarised_story_place_them_the_same_way(
    world: RelayWorld, prompts: RelayPrompts
) -> None:
    relay = replace(await a_relay(world), memory="Mira keeps the light.", note="Slow.")
    summary = SummaryRecord(2, "Alice and Bob found the letter.", 0.0)

    _, opening = prompts.turn_messages(relay, None, ())
    _, later = prompts.turn_messages(relay, summary, TURNS[1:])

    assert opening.content.endswith(
        "Tone: eerie\n\nMemory (always true in this story):\nMira keeps the light.\n\n"
        "Author's note: Slow.\n\n"
        "Write the opening passage of this story, at most 120 words."
    )
    memory = later.content.index("Memory (always true in this story):")
    assert memory < later.content.index("Summary of the story so far:")
    assert later.content.endswith(
        "Bob went on.\n\nAuthor's note: Slow.\n\n"
        "Write the next passage of the story, at most 120 words."
    )


async def test_without_memory_or_note_the_prompt_has_neither(
    world: RelayWorld, prompts: RelayPrompts
) -> None:
    relay = await a_relay(world)

    _, user = prompts.turn_messages(relay, None, TURNS)

    assert user.content == (
        "Title: The Lighthouse\nPremise: A letter in a bottle.\nTone: eerie\n\n"
        "The story so far:\n\nAlice began.\n\nBob went on.\n\n"
        "Write the next passage of the story, at most 120 words."
    )


async def test_the_system_message_stays_byte_identical_with_memory_and_note(
    world: RelayWorld, prompts: RelayPrompts
) -> None:
    plain = await a_relay(world)
    steered = replace(plain, memory=MEMORY, note=NOTE)

    for story in ((None, ()), (None, TURNS)):
        assert prompts.turn_messages(steered, *story)[0] == prompts.turn_messages(plain, *story)[0]
    assert (
        prompts.summary_messages(steered, None, TURNS, 80)[0]
        == prompts.summary_messages(plain, None, TURNS, 80)[0]
    )
    (system, _) = prompts.turn_messages(steered, None, TURNS)
    assert "Mira" not in system.content
    assert "ghosts" not in system.content


async def test_a_summary_keeps_to_the_memory_but_is_not_steered_by_the_note(
    world: RelayWorld, prompts: RelayPrompts
) -> None:
    relay = replace(await a_relay(world), memory=MEMORY, note=NOTE)

    _, user = prompts.summary_messages(relay, None, TURNS, 80)

    assert "Tone: eerie\n\nMemory (always true in this story):\nMira is the keeper." in (
        user.content
    )
    assert "Author's note" not in user.content


async def test_mentions_in_the_memory_and_note_reach_the_model_as_plain_words(
    world: RelayWorld, prompts: RelayPrompts
) -> None:
    relay = replace(await a_relay(world), memory="Mira is <@123>.", note="Ask @everyone.")

    _, user = prompts.turn_messages(relay, None, TURNS)

    assert "<@123>" not in user.content
    assert "@everyone" not in user.content


async def test_the_models_next_turn_is_given_what_the_writers_set(
    world: RelayWorld, backend: ScriptedBackend
) -> None:
    await world.start(ai_turns="each_round")
    await world.service.set_memory(world.thread_id, Actor(ALICE.user_id), MEMORY)
    await world.service.set_note(world.thread_id, Actor(ALICE.user_id), NOTE)

    await world.write(ALICE, "Alice began.")

    (turn,) = [request for request in backend.requests if not is_summary_request(request)]
    user = turn.messages[1].content
    assert user.index("Title: The Lighthouse") < user.index(
        f"Memory (always true in this story):\n{MEMORY}"
    )
    assert user.index("Alice began.") < user.index(f"Author's note: {NOTE}")
    assert user.endswith(
        f"Author's note: {NOTE}\n\nWrite the next passage of the story, at most 300 words."
    )


# --- who may set them ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor", "allowed"),
    [
        pytest.param(Actor(ALICE.user_id), True, id="the-starter"),
        pytest.param(Actor(BOB.user_id), True, id="a-writer"),
        pytest.param(Actor(CLEO.user_id, can_moderate=True), True, id="a-moderator"),
        pytest.param(Actor(CLEO.user_id), False, id="anyone-else"),
    ],
)
async def test_the_starter_writers_and_moderators_may_set_the_memory(
    world: RelayWorld, actor: Actor, allowed: bool
) -> None:
    await world.start()
    await world.join(BOB)

    if allowed:
        assert await world.service.set_memory(world.thread_id, actor, MEMORY) == MEMORY
        assert (await world.relay()).memory == MEMORY
    else:
        with pytest.raises(NotAllowed, match="starter, its writers or someone who can manage"):
            await world.service.set_memory(world.thread_id, actor, MEMORY)
        assert (await world.relay()).memory == ""


async def test_a_writer_who_left_may_no_longer_set_the_note(world: RelayWorld) -> None:
    await world.start()
    await world.join(BOB)
    await world.service.leave(world.thread_id, BOB.user_id)

    with pytest.raises(NotAllowed, match="set its author's note"):
        await world.service.set_note(world.thread_id, Actor(BOB.user_id), NOTE)


async def test_an_ended_relay_keeps_its_memory(world: RelayWorld) -> None:
    await world.start()
    await world.service.set_memory(world.thread_id, Actor(ALICE.user_id), MEMORY)
    await world.service.end(world.thread_id, Actor(ALICE.user_id))

    with pytest.raises(RelayClosed, match="ended; its memory can't change any more"):
        await world.service.set_memory(world.thread_id, Actor(ALICE.user_id), "Other.")
    assert (await world.relay()).memory == MEMORY


async def test_the_thread_hears_who_changed_them_once_per_change(world: RelayWorld) -> None:
    await world.start()
    await world.join(BOB)
    before = len(world.notifier.notices)

    await world.service.set_memory(world.thread_id, Actor(BOB.user_id), MEMORY)
    await world.service.set_memory(world.thread_id, Actor(ALICE.user_id), f"  {MEMORY}  ")
    await world.service.set_note(world.thread_id, Actor(ALICE.user_id), NOTE)
    await world.service.set_note(world.thread_id, Actor(BOB.user_id), "clear")
    await world.service.set_note(world.thread_id, Actor(BOB.user_id), "")

    heard = [(n.event, *n.details) for n in world.notifier.notices[before:]]
    # The same memory again (once cleaned) changes nothing; clearing an empty note neither.
    assert heard == [
        ("steering_changed", "memory", BOB.user_id),
        ("steering_changed", "note", ALICE.user_id),
        ("steering_changed", "note", BOB.user_id),
    ]
    assert [n.relay.note for n in world.notifier.notices[before:]] == ["", NOTE, ""]


# --- what they may hold --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("setter", "limit", "answer"),
    [
        pytest.param(
            "set_memory",
            MEMORY_MAX,
            "The memory is 1,001 characters; the limit is 1,000.",
            id="memory",
        ),
        pytest.param(
            "set_note",
            NOTE_MAX,
            "The author's note is 201 characters; the limit is 200.",
            id="note",
        ),
    ],
)
async def test_text_over_the_limit_is_refused_saying_both_lengths(
    world: RelayWorld, setter: str, limit: int, answer: str
) -> None:
    await world.start()
    set_text = getattr(world.service, setter)
    await set_text(world.thread_id, Actor(ALICE.user_id), "Kept.")

    with pytest.raises(InvalidInput) as refused:
        await set_text(world.thread_id, Actor(ALICE.user_id), "x" * (limit + 1))

    assert str(refused.value).startswith(answer)
    relay = await world.relay()
    assert "Kept." in (relay.memory, relay.note)
    assert await set_text(world.thread_id, Actor(ALICE.user_id), "y" * limit) == "y" * limit


@pytest.mark.parametrize("clearing", ["", "   ", "clear", "CLEAR", " Clear "])
async def test_empty_text_or_clear_clears_it(world: RelayWorld, clearing: str) -> None:
    await world.start()
    await world.service.set_memory(world.thread_id, Actor(ALICE.user_id), MEMORY)
    await world.service.set_note(world.thread_id, Actor(ALICE.user_id), NOTE)

    assert await world.service.set_memory(world.thread_id, Actor(ALICE.user_id), clearing) == ""
    assert await world.service.set_note(world.thread_id, Actor(ALICE.user_id), clearing) == ""
    relay = await world.relay()
    assert (relay.memory, relay.note) == ("", "")


async def test_the_note_is_one_line_and_the_memory_is_cleaned(world: RelayWorld) -> None:
    await world.start()
    actor = Actor(ALICE.user_id)

    note = await world.service.set_note(world.thread_id, actor, "Keep it\nlight.")
    memory = await world.service.set_memory(world.thread_id, actor, "  Mira\u200b is\n\n\n\nold.  ")

    assert note == "Keep it light."
    assert memory == "Mira is\n\nold."


async def test_both_go_through_the_content_filter_as_prompts(world: RelayWorld) -> None:
    checked: list[tuple[str, Origin]] = []

    class NoDragons:
        async def check_prompt(self, text: str, origin: Origin) -> Verdict:
            checked.append((text, origin))
            if "dragon" in text:
                return Verdict(text, blocked=True, category="dragons")
            return Verdict(text.replace("darn", "****"))

        async def check_output(self, text: str, origin: Origin, *, final: bool) -> Verdict:
            return Verdict(text)

    await world.start()
    world.service.content_filter = NoDragons()

    with pytest.raises(Blocked, match=r"doesn't allow that \(dragons\)"):
        await world.service.set_memory(world.thread_id, Actor(ALICE.user_id), "A dragon waits.")
    stored = await world.service.set_note(world.thread_id, Actor(ALICE.user_id), "A darn storm.")

    relay = await world.relay()
    assert (relay.memory, relay.note, stored) == ("", "A **** storm.", "A **** storm.")
    assert [text for text, _ in checked] == ["A dragon waits.", "A darn storm."]
    assert checked[0][1] == Origin(ALICE.user_id, relay.guild_id, relay.thread_id)


async def test_clearing_and_a_refused_member_never_reach_the_filter(world: RelayWorld) -> None:
    checked: list[str] = []

    class Recording:
        async def check_prompt(self, text: str, origin: Origin) -> Verdict:
            checked.append(text)
            return Verdict(text)

        async def check_output(self, text: str, origin: Origin, *, final: bool) -> Verdict:
            return Verdict(text)

    await world.start()
    world.service.content_filter = Recording()

    await world.service.set_memory(world.thread_id, Actor(ALICE.user_id), "clear")
    with pytest.raises(NotAllowed):
        await world.service.set_memory(world.thread_id, Actor(CLEO.user_id), "Not mine to set.")

    assert checked == []


async def test_the_memory_outlives_a_restart_and_later_changes(world: RelayWorld) -> None:
    await world.start()
    await world.service.set_memory(world.thread_id, Actor(ALICE.user_id), MEMORY)
    await world.join(BOB)
    await world.write(ALICE)

    again = await world.restart()

    relay = await again.relay()
    assert (relay.memory, relay.turn) == (MEMORY, 2)


async def test_status_shows_the_note_and_the_start_of_a_long_memory(world: RelayWorld) -> None:
    await world.start()
    assert (await world.service.status(world.thread_id)).memory is None
    long_memory = " ".join(f"Fact {number} stays true." for number in range(60))
    long_memory = long_memory[:MEMORY_MAX]
    await world.service.set_memory(world.thread_id, Actor(ALICE.user_id), long_memory)
    await world.service.set_note(world.thread_id, Actor(ALICE.user_id), NOTE)

    status = await world.service.status(world.thread_id)

    assert status.note == NOTE
    assert status.memory is not None
    assert len(status.memory) <= STATUS_MEMORY_CHARS
    assert status.memory.endswith("…")
    assert long_memory.startswith(status.memory.removesuffix("…"))
    assert status.relay.memory == long_memory


async def test_check_steering_says_who_may_before_anyone_types(world: RelayWorld) -> None:
    await world.start()

    assert (await world.service.check_steering(world.thread_id, Actor(ALICE.user_id))).id
    with pytest.raises(NotAllowed, match="set its memory and author's note"):
        await world.service.check_steering(world.thread_id, Actor(CLEO.user_id))
