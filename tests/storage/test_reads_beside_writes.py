"""Reads have their own connection: in WAL mode a reader never waits for a writer, so a
member's /style show or /relay status answers even while a write waits for another
program's lock. Reads see what is committed, never a write still in progress."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import inkwell.bot.storage
from inkwell.bot.errors import StorageUnavailable
from inkwell.bot.storage.database import Database
from inkwell.bot.storage.filters import FilterRepository
from inkwell.bot.storage.relay import RelayRepository
from inkwell.bot.storage.styles import StyleRecord, StyleRepository
from tests.storage.sqlite_doubles import StatementHook, another_program_writing, hook_writes

MEMBER, GUILD, RELAY = 7, 1, 1


@dataclass(frozen=True)
class Repositories:
    styles: StyleRepository
    filters: FilterRepository
    relays: RelayRepository


# Every read the repositories offer, as (repository, method, arguments); a new one belongs here.
READS: list[tuple[str, str, tuple[object, ...], dict[str, object]]] = [
    ("styles", "member", (MEMBER,), {}),
    ("styles", "guild_defaults", (GUILD,), {}),
    ("filters", "config", (GUILD,), {}),
    ("filters", "events", (GUILD,), {"limit": 10}),
    ("filters", "count_events", (GUILD,), {}),
    ("relays", "get", (RELAY,), {}),
    ("relays", "by_thread", (555,), {}),
    ("relays", "not_ended", (), {"local": False}),
    ("relays", "latest_local", (), {}),
    ("relays", "next_local_thread_id", (), {}),
    ("relays", "writers", (RELAY,), {}),
    ("relays", "turns", (RELAY,), {}),
    ("relays", "turn", (RELAY, 1), {}),
    ("relays", "last_turn", (RELAY,), {}),
    ("relays", "latest_summary", (RELAY,), {}),
]


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(tmp_path / "inkwell.sqlite3")
    await database.open()
    yield database
    await database.close()


def repositories(database: Database) -> Repositories:
    return Repositories(
        StyleRepository(database), FilterRepository(database), RelayRepository(database)
    )


async def test_a_members_style_shows_while_a_write_waits_for_another_programs_lock(
    database: Database,
) -> None:
    styles = StyleRepository(database)
    await styles.update_member(MEMBER, tone="wry")
    begun = await hook_writes(database, StatementHook("BEGIN IMMEDIATE"))
    with another_program_writing(database.path):
        write = asyncio.create_task(styles.update_member(MEMBER + 1, tone="dry"))
        await begun.wait_started()

        assert await styles.member(MEMBER) == StyleRecord(tone="wry")
        # Answered while the write still waits: the read did not queue behind it.
        assert not write.done()
    await write
    assert await styles.member(MEMBER + 1) == StyleRecord(tone="dry")


@pytest.mark.parametrize(
    ("repository", "method", "args", "kwargs"),
    READS,
    ids=[f"{repository}.{method}" for repository, method, _, _ in READS],
)
async def test_every_read_answers_while_a_write_waits_for_the_lock(
    database: Database,
    repository: str,
    method: str,
    args: tuple[object, ...],
    kwargs: dict[str, object],
) -> None:
    read = getattr(getattr(repositories(database), repository), method)
    begun = await hook_writes(database, StatementHook("BEGIN IMMEDIATE"))
    with another_program_writing(database.path):
        write = asyncio.create_task(StyleRepository(database).update_member(MEMBER, tone="dry"))
        await begun.wait_started()

        await read(*args, **kwargs)
        assert not write.done()
    await write


def test_repositories_touch_the_write_connection_only_inside_transactions() -> None:
    # A read on Database.connection would queue behind writes again; writes get their
    # connection from Database.transaction(), so no repository needs the attribute.
    storage = Path(inkwell.bot.storage.__file__).parent
    found = [
        f"{module.name}:{number}"
        for module in sorted(storage.glob("*.py"))
        if module.name != "database.py"
        for number, line in enumerate(module.read_text(encoding="utf-8").splitlines(), 1)
        if "database.connection" in line
    ]
    assert found == []


async def test_a_read_sees_what_is_committed_not_a_write_in_progress(database: Database) -> None:
    styles = StyleRepository(database)
    async with database.transaction() as connection:
        await connection.execute("INSERT INTO member_styles (user_id, tone) VALUES (1, 'wry')")
        assert await styles.member(1) == StyleRecord()
    assert await styles.member(1) == StyleRecord(tone="wry")


async def test_the_read_connection_cannot_write(database: Database) -> None:
    with pytest.raises(StorageUnavailable):
        await database.reader.execute("INSERT INTO member_styles (user_id) VALUES (1)")
    assert await StyleRepository(database).member(1) == StyleRecord()


async def test_a_failed_read_reaches_the_member_as_a_storage_error(database: Database) -> None:
    with pytest.raises(StorageUnavailable) as failed:
        await database.reader.execute("SELECT * FROM no_such_table")
    assert str(database.path) not in str(failed.value)
    assert "no_such_table" in failed.value.detail


async def test_a_database_in_memory_reads_what_it_wrote() -> None:
    # Two connections to ":memory:" would be two databases: reads share the one connection.
    database = Database(Path(":memory:"))
    await database.open()
    try:
        styles = StyleRepository(database)
        await styles.update_member(1, tone="wry")
        assert await styles.member(1) == StyleRecord(tone="wry")
    finally:
        await database.close()
