"""Databases written by an earlier Inkwell upgrade in place and keep everything they held."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest

from inkwell.bot.records.styles import StyleRecord
from inkwell.bot.services.relay.outbox import Notice
from inkwell.bot.storage.database import Database, load_migrations
from inkwell.bot.storage.relay import RelayRepository
from inkwell.bot.storage.styles import StyleRepository

# 0004_style_creativity.sql added the creativity column; 0003 is the schema before it.
BEFORE_CREATIVITY = 3


def database_at(path: Path, version: int) -> None:
    """A database as the Inkwell of schema ``version`` left it, with one member's style and
    one server's defaults in it."""
    with sqlite3.connect(path) as connection:
        for _, _, sql in load_migrations()[:version]:
            connection.executescript(sql)
        connection.execute(f"PRAGMA user_version = {version}")
        connection.execute(
            "INSERT INTO member_styles (user_id, tone, pov, rating)"
            " VALUES (7, 'wry', 'first', 'pg')"
        )
        connection.execute(
            "INSERT INTO guild_style_defaults (guild_id, rating, updated_by) VALUES (9, 'g', 5)"
        )
    connection.close()


@pytest.fixture
async def upgraded(tmp_path: Path) -> AsyncIterator[Database]:
    """That database, opened by this Inkwell (which applies the migrations it lacks)."""
    path = tmp_path / "inkwell.sqlite3"
    database_at(path, BEFORE_CREATIVITY)
    database = Database(path)
    await database.open()
    yield database
    await database.close()


async def test_styles_saved_before_creativity_existed_survive_the_upgrade(
    upgraded: Database,
) -> None:
    styles = StyleRepository(upgraded)
    assert await styles.member(7) == StyleRecord(tone="wry", pov="first", rating="pg")
    assert await styles.guild_defaults(9) == StyleRecord(rating="g")
    async with upgraded.connection.execute("PRAGMA user_version") as cursor:
        (version,) = await cursor.fetchone()  # type: ignore[misc]
    assert version == len(load_migrations())


async def test_an_upgraded_database_stores_creativity_for_members_and_servers(
    upgraded: Database,
) -> None:
    styles = StyleRepository(upgraded)
    mine = await styles.update_member(7, creativity="high")
    server = await styles.update_guild_defaults(9, 5, creativity="low")
    assert (mine.tone, mine.creativity) == ("wry", "high")
    assert (await styles.member(7)).creativity == "high"
    assert (server.rating, (await styles.guild_defaults(9)).creativity) == ("g", "low")


async def test_the_database_itself_refuses_a_creativity_that_does_not_exist(
    upgraded: Database,
) -> None:
    """The service checks the value first; the column's CHECK is the last line."""
    with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint failed"):
        await upgraded.connection.execute(
            "UPDATE member_styles SET creativity = 'wild' WHERE user_id = 7"
        )


# 0008_relay_memory.sql added the relays' memory and author's note.
BEFORE_RELAY_MEMORY = 7


async def test_relays_stored_before_memory_existed_have_none_and_can_be_given_one(
    tmp_path: Path,
) -> None:
    path = tmp_path / "inkwell.sqlite3"
    database_at(path, BEFORE_RELAY_MEMORY)
    with sqlite3.connect(path) as connection:
        connection.execute(
            "INSERT INTO relays (guild_id, thread_id, started_by, title, turn_seconds,"
            " max_words, max_writers, ai_turns, turn_order, status, created_at)"
            " VALUES (1, 555, 7, 'The Lighthouse', 3600, 300, 10, 'off', 'join', 'active', 0)"
        )
    connection.close()
    database = Database(path)
    await database.open()
    try:
        relays = RelayRepository(database)
        relay = await relays.by_thread(555)
        assert relay is not None
        assert (relay.title, relay.memory, relay.note) == ("The Lighthouse", "", "")
        async with relays.change(relay.id) as change:
            await change.save(replace(change.relay, memory="Mira keeps the light."))
        assert (await relays.get(relay.id)) == replace(relay, memory="Mira keeps the light.")
    finally:
        await database.close()


def test_a_notice_queued_before_memory_existed_still_reads() -> None:
    """The outbox keeps the relay as it was when the notice was queued, for a restart."""
    relay = Notice.decode(
        "turn_started",
        '{"relay":{"guild_id":1,"channel_id":2,"thread_id":555,"started_by":7,'
        '"title":"The Lighthouse","premise":null,"genre":null,"tone":null,"turn_seconds":3600,'
        '"max_words":300,"max_writers":10,"ai_turns":"off","turn_order":"join","id":1,'
        '"status":"active","turn":1,"writer_id":7,"model_turn":false,"turn_slot":0,'
        '"turn_deadline":null,"reminded":false,"paused_remaining":null,"idle_turns":0,'
        '"order_fixed":true,"created_at":0.0,"ended_at":null,"end_reason":null},'
        '"turn":null,"writer_id":null,"reason":null}',
    ).relay
    assert (relay.thread_id, relay.memory, relay.note) == (555, "", "")
