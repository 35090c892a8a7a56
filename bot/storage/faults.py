"""What a SQLite error means, in two voices: the operator's and the member's.

The operator's line names the database file and the fix (free space, close the other
program, restore a backup); only the operator can act on it, so it goes to the log and to
:attr:`StorageUnavailable.detail`. The member's sentence says what happened to their command
and nothing about files: members can't fix disks, and paths are nobody's business in a chat.

Errors are told apart by SQLite's result code, not by their wording, which SQLite is free to
change between versions.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from inkwell.bot.errors import StorageUnavailable

log = logging.getLogger(__name__)

CANNOT_SAVE = "I can't save anything right now, so nothing was changed. Please try again later."
BUSY = "My storage is busy right now, so nothing was changed. Please try again in a moment."
BROKEN = "My storage isn't working right now, so I can't do that. Please try again later."


@dataclass(frozen=True, slots=True)
class Fault:
    """One SQLite error, explained."""

    operator: str
    member: str
    level: int = logging.ERROR
    # Errors Inkwell has no name for may be bugs: their log entry carries the traceback.
    unexpected: bool = False


def _primary_code(error: sqlite3.Error) -> int | None:
    # Extended codes (SQLITE_IOERR_WRITE, …) keep the primary code in their low byte.
    code: int | None = getattr(error, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF


def explain(error: sqlite3.Error, path: Path) -> Fault:
    code = _primary_code(error)
    if code == sqlite3.SQLITE_FULL:
        return Fault(
            f"The disk holding the database {path} is full; free some space there "
            "(saving works again by itself once there is room).",
            CANNOT_SAVE,
        )
    if code == sqlite3.SQLITE_READONLY:
        return Fault(
            f"The database {path} is read-only; give Inkwell write access to it and its folder.",
            CANNOT_SAVE,
        )
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        # Another program held the lock past the timeout: worth a line in the log, no alarm.
        return Fault(
            f"The database {path} is locked by another program; close it and try again.",
            BUSY,
            logging.WARNING,
        )
    if code == sqlite3.SQLITE_NOTADB:
        return Fault(
            f"{path} is not an Inkwell database (not SQLite, or damaged); move it aside.", BROKEN
        )
    if code == sqlite3.SQLITE_CORRUPT:
        return Fault(damaged(path), BROKEN)
    if code == sqlite3.SQLITE_CANTOPEN:
        return Fault(cannot_open(path), BROKEN)
    if code == sqlite3.SQLITE_IOERR:
        return Fault(
            f"Reading or writing the database {path} failed ({error}); check its disk.", BROKEN
        )
    return Fault(f"The database {path} failed: {error}.", BROKEN, unexpected=True)


def damaged(path: Path, found: str | None = None) -> str:
    what = f" ({found})" if found else ""
    return (
        f"The database {path} is damaged{what}; restore it from a backup, or move it away "
        "to start again with an empty one."
    )


def cannot_open(path: Path) -> str:
    if path.is_dir():
        return is_a_folder(path)
    return f"The database {path} cannot be opened; check that its folder exists and is writable."


def is_a_folder(path: Path) -> str:
    return (
        f"The database path {path} is a folder, not a file; point Inkwell at a file "
        f"inside it, such as {path / 'inkwell.sqlite3'}."
    )


def at_start_up(error: sqlite3.Error, path: Path) -> StorageUnavailable:
    """For :meth:`Database.open`: nobody but the operator is there, so they get the line."""
    return StorageUnavailable(explain(error, path).operator)


def at_run_time(error: sqlite3.Error, path: Path) -> StorageUnavailable:
    """For a failed read or write: logged for the operator, told to the member."""
    fault = explain(error, path)
    log.log(fault.level, "%s", fault.operator, exc_info=error if fault.unexpected else None)
    return StorageUnavailable(fault.member, detail=fault.operator)
