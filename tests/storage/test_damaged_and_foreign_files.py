"""Inkwell opens only a whole database of its own: a damaged file, another program's SQLite
file or a folder is refused at start-up with one line that says what is wrong and what to
do, and the file is left as it was. Damage found later reaches the member as a storage
error, and the operator's log says what it is."""

from __future__ import annotations

import logging
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from inkwell.bot.errors import StorageUnavailable
from inkwell.bot.storage import health
from inkwell.bot.storage.database import Database, load_migrations
from inkwell.bot.storage.styles import StyleRecord, StyleRepository
from tests.storage.sqlite_doubles import damage_pages, page_size, root_page

INKWELL = int.from_bytes(b"INKW", "big")
BROKEN = "My storage isn't working right now, so I can't do that. Please try again later."


async def a_database_with_styles(path: Path, members: int = 300) -> None:
    """A real Inkwell database whose member_styles spans many pages, closed."""
    database = Database(path)
    await database.open()
    styles = StyleRepository(database)
    for user_id in range(1, members + 1):
        await styles.update_member(user_id, sample=f"Sample {user_id}. " + "ink " * 250)
    await database.close()


def a_page_in_the_middle(path: Path) -> int:
    return path.stat().st_size // page_size(path) // 2


def application_id(path: Path) -> int:
    with closing(sqlite3.connect(path)) as connection:
        return int(connection.execute("PRAGMA application_id").fetchone()[0])


def another_programs_file(path: Path, *, user_version: int = 0, app_id: int = 0) -> None:
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("CREATE TABLE recipes (name TEXT, steps TEXT)")
        connection.execute("INSERT INTO recipes VALUES ('bread', 'knead, wait, bake')")
        connection.execute(f"PRAGMA user_version = {user_version}")
        connection.execute(f"PRAGMA application_id = {app_id}")
        connection.commit()


def assert_one_line_for_the_operator(error: StorageUnavailable, path: Path) -> None:
    assert "\n" not in str(error)
    assert str(path) in str(error)
    assert error.detail == str(error)


# -- damage --------------------------------------------------------------------------------


async def test_a_damaged_database_is_refused_at_open_with_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "inkwell.sqlite3"
    await a_database_with_styles(path)
    damage_pages(path, a_page_in_the_middle(path))  # the header page stays intact
    before = path.read_bytes()

    with pytest.raises(StorageUnavailable) as refused:
        await Database(path).open()

    assert_one_line_for_the_operator(refused.value, path)
    assert "is damaged" in str(refused.value)
    assert "restore it from a backup" in str(refused.value)
    assert "move it away" in str(refused.value)
    assert path.read_bytes() == before


async def test_damage_found_at_run_time_reaches_the_member_as_a_storage_error(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "inkwell.sqlite3"
    await a_database_with_styles(path)
    database = Database(path)
    await database.open()
    try:
        # Damaged while running (a failing disk): every lookup starts at the table's root.
        damage_pages(path, root_page(path, "member_styles"))
        with caplog.at_level(logging.ERROR), pytest.raises(StorageUnavailable) as failed:
            await StyleRepository(database).member(1)
    finally:
        await database.close()

    assert str(failed.value) == BROKEN
    assert f"The database {path} is damaged" in failed.value.detail
    assert any(f"{path} is damaged" in record.getMessage() for record in caplog.records)


async def test_a_database_too_large_to_check_at_every_start_opens_and_the_log_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "inkwell.sqlite3"
    await a_database_with_styles(path, members=3)
    monkeypatch.setattr(health, "QUICK_CHECK_MAX_BYTES", 1024)
    database = Database(path)
    with caplog.at_level(logging.INFO):
        await database.open()
    await database.close()

    skipped = [
        record.getMessage() for record in caplog.records if "quick_check" in record.getMessage()
    ]
    assert len(skipped) == 1
    assert str(path) in skipped[0]


# -- whose file ----------------------------------------------------------------------------


async def test_a_new_database_is_marked_as_inkwells(tmp_path: Path) -> None:
    path = tmp_path / "inkwell.sqlite3"
    database = Database(path)
    await database.open()
    await database.close()
    assert application_id(path) == INKWELL


async def test_an_empty_file_becomes_a_new_inkwell_database(tmp_path: Path) -> None:
    path = tmp_path / "inkwell.sqlite3"
    path.touch()
    database = Database(path)
    await database.open()
    await database.close()
    assert application_id(path) == INKWELL


async def test_an_inkwell_database_from_before_the_mark_is_adopted(tmp_path: Path) -> None:
    path = tmp_path / "inkwell.sqlite3"
    await a_database_with_styles(path, members=1)
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA application_id = 0")  # as every Inkwell before the mark
        connection.commit()

    database = Database(path)
    await database.open()
    kept = await StyleRepository(database).member(1)
    await database.close()

    assert kept.sample is not None
    assert application_id(path) == INKWELL


async def test_an_older_inkwell_database_from_before_the_mark_is_adopted_and_migrated(
    tmp_path: Path,
) -> None:
    path = tmp_path / "inkwell.sqlite3"
    _, _, first = load_migrations()[0]
    with closing(sqlite3.connect(path)) as connection:
        connection.executescript(first)
        connection.execute("INSERT INTO member_styles (user_id, tone) VALUES (1, 'wry')")
        connection.execute("PRAGMA user_version = 1")
        connection.commit()

    database = Database(path)
    await database.open()
    kept = await StyleRepository(database).member(1)
    async with database.reader.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    await database.close()

    assert kept == StyleRecord(tone="wry")
    assert row is not None
    assert row[0] == len(load_migrations())
    assert application_id(path) == INKWELL


@pytest.mark.parametrize("user_version", [0, 1], ids=["no-schema-version", "its-own-version"])
async def test_another_programs_sqlite_file_is_refused_and_left_untouched(
    tmp_path: Path, user_version: int
) -> None:
    path = tmp_path / "recipes.sqlite3"
    another_programs_file(path, user_version=user_version)
    before = path.read_bytes()

    with pytest.raises(StorageUnavailable) as refused:
        await Database(path).open()

    assert_one_line_for_the_operator(refused.value, path)
    assert "is not an Inkwell database" in str(refused.value)
    assert "recipes" in str(refused.value)
    assert path.read_bytes() == before


async def test_a_file_marked_by_another_program_is_refused_and_left_untouched(
    tmp_path: Path,
) -> None:
    path = tmp_path / "other.sqlite3"
    another_programs_file(path, app_id=0x12345678)
    before = path.read_bytes()

    with pytest.raises(StorageUnavailable) as refused:
        await Database(path).open()

    assert_one_line_for_the_operator(refused.value, path)
    assert "is not an Inkwell database" in str(refused.value)
    assert "0x12345678" in str(refused.value)
    assert path.read_bytes() == before


async def test_a_folder_is_called_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()

    with pytest.raises(StorageUnavailable) as refused:
        await Database(folder).open()

    assert_one_line_for_the_operator(refused.value, folder)
    assert "is a folder, not a file" in str(refused.value)
    assert str(folder / "inkwell.sqlite3") in str(refused.value)
