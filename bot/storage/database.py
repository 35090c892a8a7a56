"""The one owner of Inkwell's SQLite connections: one for writes, one for reads.

WAL journal, foreign keys on, migrations from ``migrations/NNNN_name.sql`` applied in order
at open and recorded in ``PRAGMA user_version``. Writes go through :meth:`Database.transaction`,
which serialises writers in-process and rolls back on any error, so a crash mid-write never
leaves half a row behind. Reads go through :attr:`Database.reader`, a connection of their
own, so they never queue behind a write. SQLite's errors leave here as
:class:`StorageUnavailable` (see :mod:`inkwell.bot.storage.faults`): at open, one line for
the operator; afterwards, a sentence for the member, and the operator's line in the log.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

from inkwell.bot.errors import StorageUnavailable
from inkwell.bot.storage import faults, health
from inkwell.bot.storage.reading import ReadConnection

log = logging.getLogger(__name__)

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def load_migrations() -> list[tuple[int, str, str]]:
    """Return ``(version, filename, sql)`` for every migration file, in version order."""
    found: list[tuple[int, str, str]] = []
    folder = resources.files("inkwell.bot.storage") / "migrations"
    for entry in folder.iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    versions = [version for version, _, _ in found]
    if versions != list(range(1, len(found) + 1)):
        raise RuntimeError(f"migrations must be numbered 0001, 0002, … without gaps: {versions}")
    return found


class Database:
    """Opens and migrates the database; hands out its write and read connections."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._connection: aiosqlite.Connection | None = None
        self._reader: aiosqlite.Connection | None = None
        self._write_lock = asyncio.Lock()

    @property
    def connection(self) -> aiosqlite.Connection:
        """The write connection: change things only inside :meth:`transaction`."""
        if self._connection is None:
            raise RuntimeError("Database.open() has not been called")
        return self._connection

    @property
    def reader(self) -> aiosqlite.Connection:
        """The connection for reads outside a transaction.

        In WAL mode a reader never waits for a writer, so reads answer while a write waits
        for the lock (another program's, up to the busy timeout), and see only what is
        committed. It refuses to write, and its SQLite errors arrive as
        :class:`StorageUnavailable`. A ``:memory:`` database is one connection's alone, so
        there the reader is the write connection itself.
        """
        if self._reader is None:
            raise RuntimeError("Database.open() has not been called")
        return self._reader

    async def open(self) -> None:
        """Open, check and migrate; :class:`StorageUnavailable` (one line for the operator,
        naming the path and the fix) if the file can't be Inkwell's database."""
        in_memory = str(self.path) == ":memory:"
        if not in_memory:
            if self.path.is_dir():
                # SQLite would only say it is "unable to open" it.
                raise StorageUnavailable(faults.is_a_folder(self.path))
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise StorageUnavailable(
                    f"Cannot create the folder for the database {self.path}: {error.strerror}."
                ) from error
        try:
            # isolation_level=None: we issue BEGIN/COMMIT ourselves, explicitly.
            self._connection = await aiosqlite.connect(self.path, isolation_level=None)
            self._connection.row_factory = aiosqlite.Row
            await self._connection.execute("PRAGMA busy_timeout = 5000")
            migrations = load_migrations()
            # Both before anything below writes to the file (switching to WAL does), so
            # another program's file, or a damaged one, is left exactly as it was.
            unmarked = await health.claim(self._connection, self.path, migrations)
            if not in_memory:
                await health.check_whole(self._connection, self.path)
            await self._connection.execute("PRAGMA journal_mode = WAL")
            await self._connection.execute("PRAGMA foreign_keys = ON")
            await self._connection.execute("PRAGMA synchronous = NORMAL")
            if unmarked:
                await self._write([f"PRAGMA application_id = {health.APPLICATION_ID}"])
            await self._migrate(migrations)
            self._reader = await self._open_reader()
        except BaseException as error:
            # Cancelled or failed half-way, a connection stays open for nobody: close it.
            await self.close()
            if isinstance(error, sqlite3.Error):
                raise faults.at_start_up(error, self.path) from error
            raise

    async def _open_reader(self) -> aiosqlite.Connection:
        if str(self.path) == ":memory:":
            return self.connection
        reader = await aiosqlite.connect(self.path, isolation_level=None, factory=ReadConnection)
        try:
            reader.row_factory = aiosqlite.Row
            # Reads rarely wait (a checkpoint, WAL recovery), but when they must, not forever.
            await reader.execute("PRAGMA busy_timeout = 5000")
            await reader.execute("PRAGMA query_only = ON")
        except StorageUnavailable as error:
            await reader.close()
            # Still opening: the operator is the one to tell.
            raise StorageUnavailable(error.detail) from error
        return reader

    async def close(self) -> None:
        # The reader first: the last connection to close checkpoints the WAL into the file.
        if self._reader is not None and self._reader is not self._connection:
            await self._reader.close()
        self._reader = None
        if self._connection is not None:
            await self._connection.close()
            self._connection = None

    async def _migrate(self, migrations: list[tuple[int, str, str]]) -> None:
        async with self.connection.execute("PRAGMA user_version") as cursor:
            row = await cursor.fetchone()
        current = int(row[0]) if row else 0
        if current > len(migrations):
            raise StorageUnavailable(
                f"The database {self.path} was written by a newer Inkwell "
                f"(schema {current}, this one knows {len(migrations)}); upgrade Inkwell."
            )
        for version, name, sql in migrations[current:]:
            log.info("applying migration %s", name)
            # One transaction per migration, so a failing one leaves the schema at the
            # previous version.
            await self._write([*_statements(sql), f"PRAGMA user_version = {version}"])

    async def _write(self, statements: list[str]) -> None:
        """Run ``statements`` in one transaction, for :meth:`open` (no one else writes yet).

        Not executescript: it COMMITs on its own first, so a failure half-way could not be
        undone.
        """
        connection = self.connection
        await connection.execute("BEGIN IMMEDIATE")
        try:
            for statement in statements:
                await connection.execute(statement)
            await connection.execute("COMMIT")
        except BaseException:
            await _to_the_end(_settle(connection))
            raise

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """``BEGIN IMMEDIATE`` … ``COMMIT``, rolled back on any error or cancellation.

        A SQLite error comes out as :class:`StorageUnavailable`: a sentence for the member,
        the path and the fix in its ``detail`` and in the log. Cancelled at any await (while
        BEGIN waits for another program's lock, mid-statement, at COMMIT), it ends with the
        connection outside any transaction and the file's write lock released; a COMMIT that
        was already running when the cancellation came may still land.
        """
        async with self._write_lock:
            connection = self.connection
            try:
                await connection.execute("BEGIN IMMEDIATE")
                yield connection
                await connection.execute("COMMIT")
            except BaseException as error:
                # Even if cancelled again meanwhile: the next writer must not get the lock
                # while this connection may still be inside the abandoned transaction.
                await _to_the_end(_settle(connection))
                if isinstance(error, sqlite3.Error):
                    raise faults.at_run_time(error, self.path) from error
                raise


async def _settle(connection: aiosqlite.Connection) -> None:
    """Leave ``connection`` outside any transaction, once whatever it still runs is done."""
    try:
        # A cancelled await does not stop the call it awaited: aiosqlite's thread still runs
        # it (a BEGIN waiting for another program's lock, a statement, a COMMIT). That thread
        # runs one call at a time, in order, so once this no-op answers they are over, and
        # in_transaction tells what they did.
        async with connection.execute("SELECT 1"):
            pass
        # SQLite ends the transaction by itself after some errors (a full disk, at a statement
        # or at COMMIT): a second ROLLBACK would fail with "no transaction is active" and hide
        # the error that mattered.
        if connection.in_transaction:
            await connection.execute("ROLLBACK")
    except sqlite3.Error:
        # The error that brought us here is the one to raise; this one is for the operator.
        log.exception("could not roll back an abandoned transaction")


async def _to_the_end(work: Coroutine[Any, Any, None]) -> None:
    """Await ``work`` until it is done, even if the caller is cancelled meanwhile; that
    cancellation is raised once ``work`` is done."""
    task = asyncio.ensure_future(work)
    cancelled = False
    while not task.done():
        try:
            await asyncio.shield(task)
        except asyncio.CancelledError:
            if task.cancelled():
                raise  # the work itself was cancelled (the loop is shutting down)
            cancelled = True
    if cancelled:
        raise asyncio.CancelledError
    task.result()


def _statements(sql: str) -> list[str]:
    """Split a migration file into statements (our migrations hold no ';' inside strings)."""
    lines = [line for line in sql.splitlines() if not line.strip().startswith("--")]
    return [part.strip() for part in "\n".join(lines).split(";") if part.strip()]
