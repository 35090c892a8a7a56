"""Relay rows in SQLite: one transaction per change, turn numbers checked inside it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import fields, replace
from pathlib import Path

import pytest

from inkwell.bot.errors import StorageUnavailable
from inkwell.bot.services.relay import (
    RelayRecord,
    RelaySetup,
    StaleTurn,
    SummaryRecord,
    TurnRecord,
    WriterRecord,
)
from inkwell.bot.storage.database import Database
from inkwell.bot.storage.forget import forget_member
from inkwell.bot.storage.relay import LOCAL_THREAD_ID_LIMIT, RelayRepository

ALICE, BOB = 101, 102
NOW = 1_700_000_000.0


def setup_for(thread_id: int = 555, guild_id: int | None = 1) -> RelaySetup:
    return RelaySetup(
        guild_id=guild_id,
        channel_id=2 if guild_id else None,
        thread_id=thread_id,
        started_by=ALICE,
        title="The Lighthouse",
        premise="A letter in a bottle.",
        genre=None,
        tone="eerie",
        turn_seconds=3600,
        max_words=300,
        max_writers=10,
        ai_turns="off",
        turn_order="join",
    )


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(tmp_path / "inkwell.sqlite3")
    await database.open()
    yield database
    await database.close()


@pytest.fixture
def repository(database: Database) -> RelayRepository:
    return RelayRepository(database)


async def new_relay(
    repository: RelayRepository, thread_id: int = 555, guild_id: int | None = 1
) -> RelayRecord:
    starter = WriterRecord(ALICE, "Alice", 0, "writing", NOW)
    return await repository.create(setup_for(thread_id, guild_id), starter, NOW)


async def test_a_new_relay_gathers_writers_with_its_starter_first(
    repository: RelayRepository,
) -> None:
    relay = await new_relay(repository)
    assert (relay.status, relay.turn, relay.writer_id) == ("gathering", 0, None)
    assert relay.tone == "eerie"
    assert await repository.by_thread(555) == relay
    assert await repository.writers(relay.id) == [WriterRecord(ALICE, "Alice", 0, "writing", NOW)]


async def test_a_relay_keeps_its_setup_for_life(repository: RelayRepository) -> None:
    """A save stores the turn's state; the setup is the one the relay was created with."""
    relay = await new_relay(repository)
    async with repository.change(relay.id) as change:
        await change.save(replace(change.relay, title="Renamed", max_words=50, turn=2))

    stored = await repository.get(relay.id)
    assert stored is not None
    assert (stored.title, stored.max_words, stored.turn) == ("The Lighthouse", 300, 2)
    setup = {field.name: getattr(stored, field.name) for field in fields(RelaySetup)}
    assert RelaySetup(**setup) == setup_for()


async def test_a_relay_starts_without_memory_or_note_and_keeps_what_a_change_saves(
    repository: RelayRepository,
) -> None:
    relay = await new_relay(repository)
    assert (relay.memory, relay.note) == ("", "")

    async with repository.change(relay.id) as change:
        await change.save(
            replace(change.relay, memory="Mira is the keeper.", note="Keep it eerie.")
        )
    async with repository.change(relay.id) as change:  # a later change keeps them
        await change.save(replace(change.relay, turn=3))

    stored = await repository.by_thread(555)
    assert stored is not None
    assert (stored.memory, stored.note, stored.turn) == ("Mira is the keeper.", "Keep it eerie.", 3)


async def test_a_change_commits_the_turn_and_the_new_state_together(
    repository: RelayRepository,
) -> None:
    relay = await new_relay(repository)
    async with repository.change(relay.id, expected_turn=0) as change:
        await change.add_turn(TurnRecord(1, ALICE, False, "The lamp.", 2, NOW))
        await change.save(replace(change.relay, status="active", turn=1, writer_id=BOB))

    stored = await repository.get(relay.id)
    assert stored is not None
    assert (stored.status, stored.turn, stored.writer_id) == ("active", 1, BOB)
    assert [turn.text for turn in await repository.turns(relay.id)] == ["The lamp."]


async def test_a_change_for_a_turn_that_moved_on_is_refused(repository: RelayRepository) -> None:
    relay = await new_relay(repository)
    async with repository.change(relay.id) as change:
        await change.save(replace(change.relay, turn=4))

    with pytest.raises(StaleTurn) as refused:
        async with repository.change(relay.id, expected_turn=3):
            pytest.fail("the body of a stale change must not run")
    assert (refused.value.expected, refused.value.current) == (3, 4)


async def test_a_failed_change_leaves_nothing_behind(repository: RelayRepository) -> None:
    relay = await new_relay(repository)

    async def crash_mid_change() -> None:
        async with repository.change(relay.id) as change:
            await change.add_turn(TurnRecord(1, ALICE, False, "Half a turn.", 3, NOW))
            raise RuntimeError("crash mid-change")

    with pytest.raises(RuntimeError):
        await crash_mid_change()
    assert await repository.turns(relay.id) == []


async def test_one_turn_number_holds_one_turn(repository: RelayRepository) -> None:
    relay = await new_relay(repository)
    async with repository.change(relay.id) as change:
        await change.add_turn(TurnRecord(1, ALICE, False, "First.", 1, NOW))
    with pytest.raises(StorageUnavailable):
        async with repository.change(relay.id) as change:
            await change.add_turn(TurnRecord(1, BOB, False, "Also first.", 2, NOW))
    assert [turn.text for turn in await repository.turns(relay.id)] == ["First."]


async def test_playground_relays_and_discord_relays_are_loaded_apart(
    repository: RelayRepository,
) -> None:
    discord_relay = await new_relay(repository, thread_id=10**18)
    local_id = await repository.next_local_thread_id()
    local_relay = await new_relay(repository, thread_id=local_id, guild_id=None)

    assert local_id < LOCAL_THREAD_ID_LIMIT
    assert [r.id for r in await repository.not_ended(local=False)] == [discord_relay.id]
    assert [r.id for r in await repository.not_ended(local=True)] == [local_relay.id]
    assert await repository.next_local_thread_id() == local_id + 1


async def test_summaries_are_appended_and_the_newest_is_read(repository: RelayRepository) -> None:
    relay = await new_relay(repository)
    await repository.add_summary(relay.id, SummaryRecord(3, "Up to three.", NOW))
    await repository.add_summary(relay.id, SummaryRecord(7, "Up to seven.", NOW + 1))
    latest = await repository.latest_summary(relay.id)
    assert latest == SummaryRecord(7, "Up to seven.", NOW + 1)


async def test_forget_me_keeps_the_story_but_not_the_writer(
    repository: RelayRepository, database: Database
) -> None:
    relay = await new_relay(repository)
    async with repository.change(relay.id) as change:
        await change.put_writer(WriterRecord(BOB, "Bob", 1, "writing", NOW))
        await change.add_turn(TurnRecord(1, ALICE, False, "Alice's words.", 2, NOW))
        await change.add_turn(TurnRecord(2, BOB, False, "Bob's words.", 2, NOW))
        await change.save(replace(change.relay, status="active", turn=3, writer_id=ALICE))

    await forget_member(database, ALICE)

    stored = await repository.get(relay.id)
    assert stored is not None
    assert (stored.started_by, stored.writer_id) == (None, None)
    assert [w.user_id for w in await repository.writers(relay.id)] == [BOB]
    turns = await repository.turns(relay.id)
    assert [(t.writer_id, t.text) for t in turns] == [
        (None, "Alice's words."),
        (BOB, "Bob's words."),
    ]
