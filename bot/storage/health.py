"""Checks at open, before Inkwell writes a byte: is this file Inkwell's, and is it whole?

Whose file: Inkwell marks its databases with ``PRAGMA application_id`` (:data:`APPLICATION_ID`,
the ASCII of "INKW"). An unmarked file is Inkwell's to take only when it is empty (a new
database) or holds exactly what Inkwell's recorded migrations made (a database from before
the mark); anything else belongs to another program, and is refused rather than migrated.

Whole: a damaged page deep inside a file whose header is intact opens without complaint and
fails much later, in the middle of a member's command. ``PRAGMA quick_check`` reads every
page, so it runs at open, but only on files up to :data:`QUICK_CHECK_MAX_BYTES`: about half
a second at that size on a warm disk, while a busy server's database is a few megabytes.
Above it, start-up would slow down every time, so the check is left to the operator (the log
says how), and damage met at run time still reaches members as a storage error.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from pathlib import Path

import aiosqlite

from inkwell.bot.errors import StorageUnavailable
from inkwell.bot.storage import faults

log = logging.getLogger(__name__)

APPLICATION_ID = int.from_bytes(b"INKW", "big")
QUICK_CHECK_MAX_BYTES = 256 * 1024 * 1024

_CREATE_TABLE = re.compile(r"\bCREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)", re.IGNORECASE)


async def _pragma(connection: aiosqlite.Connection, name: str) -> int:
    async with connection.execute(f"PRAGMA {name}") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def _tables(connection: aiosqlite.Connection) -> set[str]:
    async with connection.execute(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ) as cursor:
        return {str(row[0]) for row in await cursor.fetchall()}


def tables_made_by(migrations: Sequence[tuple[int, str, str]]) -> set[str]:
    return {name for _, _, sql in migrations for name in _CREATE_TABLE.findall(sql)}


def _not_inkwells(path: Path, why: str) -> StorageUnavailable:
    return StorageUnavailable(
        f"{path} is not an Inkwell database: {why}. Inkwell left it as it was; "
        "point Inkwell at another file."
    )


async def claim(
    connection: aiosqlite.Connection, path: Path, migrations: Sequence[tuple[int, str, str]]
) -> bool:
    """Whether the file still needs Inkwell's mark; :class:`StorageUnavailable` if it is
    another program's."""
    application_id = await _pragma(connection, "application_id")
    if application_id == APPLICATION_ID:
        return False
    if application_id != 0:
        raise _not_inkwells(
            path, f"it is marked as another program's (application id {application_id:#010x})"
        )
    tables = await _tables(connection)
    version = await _pragma(connection, "user_version")
    if not tables and version == 0:
        return True  # new, or empty: Inkwell's from now on
    if 0 < version <= len(migrations) and tables_made_by(migrations[:version]) <= tables:
        return True  # Inkwell's, from before the mark
    if not tables:
        raise _not_inkwells(path, f"it is empty but has another program's version ({version})")
    names = ", ".join(sorted(tables)[:3]) + (", …" if len(tables) > 3 else "")
    raise _not_inkwells(path, f"it holds another program's tables ({names})")


def _size_on_disk(path: Path) -> int:
    # What quick_check reads: the file and the pages still waiting in its WAL.
    files = (path, path.with_name(f"{path.name}-wal"))
    return sum(file.stat().st_size for file in files if file.is_file())


async def check_whole(connection: aiosqlite.Connection, path: Path) -> None:
    """:class:`StorageUnavailable` if SQLite's quick_check finds the file damaged."""
    size = _size_on_disk(path)
    if size > QUICK_CHECK_MAX_BYTES:
        log.info(
            "%s is %d MB, too large to check at every start; to check it, stop Inkwell and "
            "run: sqlite3 %s 'PRAGMA quick_check'",
            path,
            size // 1_000_000,
            path,
        )
        return
    # quick_check(1) stops at the first problem: one is enough to refuse the file.
    async with connection.execute("PRAGMA quick_check(1)") as cursor:
        row = await cursor.fetchone()
    found = str(row[0]) if row else "no answer"
    if found != "ok":
        raise StorageUnavailable(faults.damaged(path, _one_line(found)))


def _one_line(found: str) -> str:
    # quick_check answers like "*** in database main ***\nPage 64: btreeInitPage() returns
    # error code 11"; the refusal is one line, and which schema is always "main" here.
    lines = [line.strip() for line in found.splitlines()]
    return "; ".join(line for line in lines if line and not line.startswith("***"))[:200]
