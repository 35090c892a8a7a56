"""The read connection's SQLite layer: every SQLite error it meets becomes the storage error.

Repositories read with plain ``reader.execute(...)`` and ``cursor.fetch…()`` calls and never
see a raw ``sqlite3`` error: they come out as :class:`StorageUnavailable`, a sentence for the
member and the operator's line in the log. The translation sits in SQLite's own connection
and cursor classes (``sqlite3.connect(factory=...)``, public API), which aiosqlite calls in
its worker thread, so it needs no wrapper around aiosqlite and no change to how repositories
read.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self

from inkwell.bot.storage import faults


class ReadConnection(sqlite3.Connection):
    """Opened by ``aiosqlite.connect(path, factory=ReadConnection)``; its queries answer
    through :class:`_ReadingCursor`."""

    def __init__(self, database: str | Path, *args: Any, **kwargs: Any) -> None:
        super().__init__(database, *args, **kwargs)
        self.path = Path(database)

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        # Connection.cursor() (not the cursor class itself) hands on the row factory.
        return self.cursor(_ReadingCursor).execute(sql, parameters)


@contextmanager
def _as_storage_error(path: Path) -> Iterator[None]:
    try:
        yield
    except sqlite3.Error as error:
        raise faults.at_run_time(error, path) from error


class _ReadingCursor(sqlite3.Cursor):
    # A damaged page may surface at any step of a query, not only when it starts.

    def __init__(self, connection: sqlite3.Connection, /) -> None:
        super().__init__(connection)
        assert isinstance(connection, ReadConnection)
        self._path = connection.path

    def execute(self, sql: str, parameters: Any = (), /) -> Self:
        with _as_storage_error(self._path):
            return super().execute(sql, parameters)

    def fetchone(self) -> Any:
        with _as_storage_error(self._path):
            return super().fetchone()

    def fetchmany(self, size: int | None = None) -> list[Any]:
        with _as_storage_error(self._path):
            # None: as many as the cursor's arraysize, sqlite3's own default.
            return super().fetchmany() if size is None else super().fetchmany(size)

    def fetchall(self) -> list[Any]:
        with _as_storage_error(self._path):
            return super().fetchall()

    def __next__(self) -> Any:
        with _as_storage_error(self._path):
            return super().__next__()
