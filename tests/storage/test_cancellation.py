"""A write cancelled at any await (waiting for the lock, mid-statement, at COMMIT) leaves the
connection outside any transaction and the file's write lock free, so the next write works.

aiosqlite runs each statement in its own thread: cancelling the awaiting task does not stop
the statement, which finishes later. These tests cancel while a statement is really running.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from inkwell.bot.storage.database import Database
from inkwell.bot.storage.styles import StyleRecord, StyleRepository
from tests.storage.sqlite_doubles import (
    StatementHook,
    another_program_writing,
    hook_writes,
    lock_is_free,
)


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(tmp_path / "inkwell.sqlite3")
    await database.open()
    yield database
    await database.close()


async def assert_clean(database: Database) -> None:
    """The next write works, nothing is left open, and another program can write."""
    styles = StyleRepository(database)
    await styles.update_member(99, tone="after")
    assert await styles.member(99) == StyleRecord(tone="after")
    assert not database.connection.in_transaction
    assert lock_is_free(database.path)


async def test_a_write_cancelled_while_waiting_for_the_lock_leaves_no_transaction_behind(
    database: Database,
) -> None:
    begun = await hook_writes(database, StatementHook("BEGIN IMMEDIATE"))
    with another_program_writing(database.path):
        waiting = asyncio.create_task(StyleRepository(database).update_member(1, tone="wry"))
        await begun.wait_started()  # now waiting inside BEGIN IMMEDIATE for the other program
        waiting.cancel()
    # The other program has let go: the abandoned BEGIN gets the lock, and must give it back.
    with pytest.raises(asyncio.CancelledError):
        await waiting

    await assert_clean(database)
    assert await StyleRepository(database).member(1) == StyleRecord()


async def test_a_write_cancelled_twice_while_waiting_still_cleans_up_before_it_ends(
    database: Database,
) -> None:
    begun = await hook_writes(database, StatementHook("BEGIN IMMEDIATE"))
    with another_program_writing(database.path):
        waiting = asyncio.create_task(StyleRepository(database).update_member(1, tone="wry"))
        await begun.wait_started()
        waiting.cancel()
        await asyncio.sleep(0)  # the task is cleaning up now: cancel that as well
        waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting

    await assert_clean(database)


async def test_a_write_cancelled_mid_statement_is_rolled_back(database: Database) -> None:
    inserting = await hook_writes(database, StatementHook("INSERT", hold=True))
    writing = asyncio.create_task(StyleRepository(database).update_member(1, tone="wry"))
    await inserting.wait_started()
    writing.cancel()
    inserting.release()  # the INSERT completes after its caller has gone
    with pytest.raises(asyncio.CancelledError):
        await writing

    await assert_clean(database)
    assert await StyleRepository(database).member(1) == StyleRecord()


async def add_a_writer_to_no_relay(database: Database) -> None:
    async with database.transaction() as connection:
        # Checked only at COMMIT: the COMMIT fails, and SQLite keeps the transaction open.
        await connection.execute("PRAGMA defer_foreign_keys = ON")
        await connection.execute(
            "INSERT INTO relay_writers (relay_id, user_id, name, position, status, joined_at)"
            " VALUES (404, 1, 'nobody', 0, 'writing', 0)"
        )


async def test_a_write_cancelled_while_its_commit_fails_is_rolled_back(
    database: Database,
) -> None:
    committing = await hook_writes(database, StatementHook("COMMIT", hold=True))
    writing = asyncio.create_task(add_a_writer_to_no_relay(database))
    await committing.wait_started()
    writing.cancel()
    committing.release()
    with pytest.raises(asyncio.CancelledError):
        await writing

    await assert_clean(database)


async def test_a_write_cancelled_while_its_commit_succeeds_is_kept(database: Database) -> None:
    committing = await hook_writes(database, StatementHook("COMMIT", hold=True))
    writing = asyncio.create_task(StyleRepository(database).update_member(1, tone="wry"))
    await committing.wait_started()
    writing.cancel()
    committing.release()  # the COMMIT was sent before the cancellation: it lands
    with pytest.raises(asyncio.CancelledError):
        await writing

    await assert_clean(database)
    assert await StyleRepository(database).member(1) == StyleRecord(tone="wry")
