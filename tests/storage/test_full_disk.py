"""A full disk: the member hears that nothing could be saved, the operator's log says which
disk is full, what was saved before stays, and writes work again once there is room."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from inkwell.bot.errors import StorageUnavailable
from inkwell.bot.storage.database import Database
from inkwell.bot.storage.styles import StyleRecord, StyleRepository
from tests.storage.sqlite_doubles import fill_the_disk, make_room

CANNOT_SAVE = "I can't save anything right now, so nothing was changed. Please try again later."
# Big enough to need new pages: a full disk has none to give.
LONG_SAMPLE = "The tide came in over the rocks. " * 1500


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(tmp_path / "inkwell.sqlite3")
    await database.open()
    yield database
    await database.close()


async def test_a_full_disk_refuses_the_write_in_words_a_member_can_read(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    styles = StyleRepository(database)
    await fill_the_disk(database)

    with caplog.at_level(logging.ERROR), pytest.raises(StorageUnavailable) as refused:
        await styles.update_member(2, sample=LONG_SAMPLE)

    assert str(refused.value) == CANNOT_SAVE
    assert "is full" in refused.value.detail
    assert str(database.path) in refused.value.detail
    assert any(
        "is full" in record.getMessage() and str(database.path) in record.getMessage()
        for record in caplog.records
    )


async def test_a_full_disk_keeps_what_was_saved_and_recovers_when_there_is_room(
    database: Database,
) -> None:
    styles = StyleRepository(database)
    await styles.update_member(1, tone="wry")
    await fill_the_disk(database)
    with pytest.raises(StorageUnavailable):
        await styles.update_member(2, sample=LONG_SAMPLE)

    assert not database.connection.in_transaction
    assert await styles.member(1) == StyleRecord(tone="wry")
    assert await styles.member(2) == StyleRecord()

    await make_room(database)
    await styles.update_member(2, sample=LONG_SAMPLE)
    assert await styles.member(2) == StyleRecord(sample=LONG_SAMPLE)


async def add_a_writer_to_no_relay(database: Database) -> None:
    async with database.transaction() as connection:
        # The foreign key is checked only at COMMIT now, so COMMIT itself fails, and SQLite
        # leaves the transaction open: it must be rolled back, not left for the next write.
        await connection.execute("PRAGMA defer_foreign_keys = ON")
        await connection.execute(
            "INSERT INTO relay_writers (relay_id, user_id, name, position, status, joined_at)"
            " VALUES (404, 1, 'nobody', 0, 'writing', 0)"
        )


async def test_a_write_refused_at_commit_is_rolled_back(database: Database) -> None:
    with pytest.raises(StorageUnavailable):
        await add_a_writer_to_no_relay(database)

    assert not database.connection.in_transaction
    await StyleRepository(database).update_member(1, tone="wry")
