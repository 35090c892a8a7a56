"""Real SQLite situations for the storage tests: another program holding the write lock, a
statement caught at its start, a disk that fills up, a file damaged on disk.

Everything here uses SQLite itself (a second connection, a trace callback, a page limit),
so the errors the tests see are the ones SQLite really raises.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from inkwell.bot.storage.database import Database


@contextmanager
def another_program_writing(path: Path) -> Iterator[sqlite3.Connection]:
    """A second process's view of the file: it holds the write lock until the block ends.

    ``timeout=0``: when it asks for the lock again, it must get it at once, or fail.
    """
    other = sqlite3.connect(path, isolation_level=None, timeout=0)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield other
    finally:
        if other.in_transaction:
            other.execute("ROLLBACK")
        other.close()


def lock_is_free(path: Path) -> bool:
    """Whether another program could take the write lock right now, without waiting."""
    other = sqlite3.connect(path, isolation_level=None, timeout=0)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        other.close()


class StatementHook:
    """Watches the statements Inkwell's write connection starts, in its worker thread.

    ``started`` is set when a statement beginning with ``prefix`` starts; with ``hold``, that
    statement then waits (the connection stays busy with it) until :meth:`release`.
    """

    def __init__(self, prefix: str, *, hold: bool = False) -> None:
        self.prefix = prefix
        self.hold = hold
        self.started = threading.Event()
        self._released = threading.Event()

    def __call__(self, sql: str) -> None:
        if sql.startswith(self.prefix) and not self.started.is_set():
            self.started.set()
            if self.hold:
                self._released.wait(timeout=10)

    def release(self) -> None:
        self._released.set()

    async def wait_started(self) -> None:
        if not await asyncio.to_thread(self.started.wait, 10):
            raise AssertionError(f"no statement starting with {self.prefix!r} ran")


async def hook_writes(database: Database, hook: StatementHook) -> StatementHook:
    await database.connection.set_trace_callback(hook)
    return hook


async def fill_the_disk(database: Database) -> None:
    """No room for one more page: SQLite answers "database or disk is full", as on a real
    full disk, without needing one (``max_page_count`` is the writer connection's own)."""
    async with database.connection.execute("PRAGMA page_count") as cursor:
        row = await cursor.fetchone()
    assert row is not None
    await database.connection.execute(f"PRAGMA max_page_count = {int(row[0])}")


async def make_room(database: Database) -> None:
    await database.connection.execute("PRAGMA max_page_count = 1073741823")


def page_size(path: Path) -> int:
    with closing(sqlite3.connect(path)) as connection:
        return int(connection.execute("PRAGMA page_size").fetchone()[0])


def damage_pages(path: Path, first: int, count: int = 1) -> None:
    """Overwrite ``count`` pages from page ``first`` (1 is the header page) with garbage, as
    a failing disk or a bad copy would; everything else in the file stays as it was."""
    size = page_size(path)
    with path.open("r+b") as file:
        file.seek((first - 1) * size)
        file.write(b"\xde\xad\xbe\xef" * (size // 4) * count)


def root_page(path: Path, table: str) -> int:
    with closing(sqlite3.connect(path)) as connection:
        row = connection.execute(
            "SELECT rootpage FROM sqlite_schema WHERE type = 'table' AND name = ?", (table,)
        ).fetchone()
    assert row is not None
    return int(row[0])
