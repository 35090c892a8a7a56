"""The database opens, migrates once, and explains in one line when it can't."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from inkwell.bot.errors import StorageUnavailable
from inkwell.bot.storage.database import Database, load_migrations


async def test_a_new_database_is_migrated_to_the_latest_version(tmp_path: Path) -> None:
    database = Database(tmp_path / "inkwell.sqlite3")
    await database.open()
    async with database.connection.execute("PRAGMA user_version") as cursor:
        (version,) = await cursor.fetchone()  # type: ignore[misc]
    async with database.connection.execute("PRAGMA journal_mode") as cursor:
        (journal,) = await cursor.fetchone()  # type: ignore[misc]
    async with database.connection.execute("PRAGMA foreign_keys") as cursor:
        (foreign_keys,) = await cursor.fetchone()  # type: ignore[misc]
    await database.close()
    assert version == len(load_migrations())
    assert journal == "wal"
    assert foreign_keys == 1


async def test_reopening_applies_nothing_twice(tmp_path: Path) -> None:
    path = tmp_path / "inkwell.sqlite3"
    first = Database(path)
    await first.open()
    async with first.transaction() as connection:
        await connection.execute("INSERT INTO member_styles (user_id, tone) VALUES (7, 'wry')")
    await first.close()
    second = Database(path)
    await second.open()
    async with second.connection.execute("SELECT tone FROM member_styles") as cursor:
        rows = await cursor.fetchall()
    await second.close()
    assert [tuple(row) for row in rows] == [("wry",)]


def test_migrations_are_numbered_without_gaps() -> None:
    versions = [version for version, _, _ in load_migrations()]
    assert versions == list(range(1, len(versions) + 1))


async def test_a_file_that_is_not_a_database_gets_one_clear_line(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite3"
    path.write_text("these are my notes, not a database\n" * 50)
    with pytest.raises(StorageUnavailable, match=r"notes\.sqlite3 is not an Inkwell database"):
        await Database(path).open()
    assert path.read_text().startswith("these are my notes")


@pytest.mark.skipif(
    os.geteuid() == 0, reason="root ignores file permissions, so read-only can't be simulated"
)
async def test_a_read_only_database_names_its_path(tmp_path: Path) -> None:
    path = tmp_path / "inkwell.sqlite3"
    database = Database(path)
    await database.open()
    await database.close()
    path.chmod(0o444)
    tmp_path.chmod(0o555)
    try:
        with pytest.raises(StorageUnavailable, match="read-only"):
            await Database(path).open()
    finally:
        tmp_path.chmod(0o755)


async def test_a_write_refused_as_read_only_names_the_path_to_the_operator_only(
    tmp_path: Path,
) -> None:
    database = Database(tmp_path / "inkwell.sqlite3")
    await database.open()
    # SQLite refuses writes exactly as for a read-only file, and it works as root too.
    await database.connection.execute("PRAGMA query_only = ON")
    with pytest.raises(StorageUnavailable) as refused:
        async with database.transaction() as connection:
            await connection.execute("INSERT INTO member_styles (user_id) VALUES (1)")
    await database.close()
    assert "inkwell.sqlite3" not in str(refused.value)
    assert f"{database.path} is read-only" in refused.value.detail


async def test_a_locked_database_says_so(tmp_path: Path) -> None:
    path = tmp_path / "inkwell.sqlite3"
    database = Database(path)
    await database.open()
    await database.connection.execute("PRAGMA busy_timeout = 100")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StorageUnavailable) as refused:
            async with database.transaction():
                pass
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        await database.close()
    assert str(refused.value) == (
        "My storage is busy right now, so nothing was changed. Please try again in a moment."
    )
    assert f"{path} is locked by another program" in refused.value.detail


async def test_a_failed_write_leaves_no_half_row(tmp_path: Path) -> None:
    database = Database(tmp_path / "inkwell.sqlite3")
    await database.open()

    async def crash_between_two_writes() -> None:
        async with database.transaction() as connection:
            await connection.execute("INSERT INTO member_styles (user_id, tone) VALUES (1, 'wry')")
            raise RuntimeError("crash between two writes")

    with pytest.raises(RuntimeError):
        await crash_between_two_writes()
    async with database.connection.execute("SELECT count(*) FROM member_styles") as cursor:
        (count,) = await cursor.fetchone()  # type: ignore[misc]
    await database.close()
    assert count == 0
