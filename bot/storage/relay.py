"""Relay stories in SQLite: relays, their writers, written turns, summaries and the outbox.

Reads go straight to the read connection. Every change goes through :meth:`RelayRepository.change`,
one ``BEGIN IMMEDIATE`` transaction that loads the relay, optionally checks that its turn
number is still the one the caller saw (:class:`StaleTurn` if not), and commits everything
the caller did, or nothing. That check, inside the same transaction as the write, is what
makes two writes of the same turn produce exactly one.

The outbox (``relay_outbox``) holds the notices a change owes its thread. A change adds
them in its own transaction (:meth:`RelayChange.add_notice`); the service posts them after
the commit and records each post with its message id, or the failed try.

The records are the relay service's own (:mod:`inkwell.bot.services.relay.models`), their
fields named after the columns, so rows become records with no shape in between.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import astuple
from typing import Any

import aiosqlite

from inkwell.bot.errors import StaleTurn
from inkwell.bot.records.relay import (
    RelayRecord,
    RelaySetup,
    StoredNotice,
    SummaryRecord,
    TurnRecord,
    WriterRecord,
    WriterStatus,
)
from inkwell.bot.storage.database import Database
from inkwell.bot.storage.rows import field_names, record_from_row

# Playground relays have no Discord thread; they take ids below Discord's first snowflake
# (ids are at least 2**22 for anything created after Discord's epoch started ticking).
LOCAL_THREAD_ID_LIMIT = 2**22


_RELAY_COLUMNS = field_names(RelayRecord)
_SETUP_COLUMNS = field_names(RelaySetup)
# What a change may update: everything but the identity and the setup.
_STATE_COLUMNS = tuple(
    name for name in _RELAY_COLUMNS if name not in {"id", "created_at", *_SETUP_COLUMNS}
)
_BOOLEAN_COLUMNS = frozenset({"model_turn", "reminded", "order_fixed", "by_model"})


def _relay(row: aiosqlite.Row) -> RelayRecord:
    return record_from_row(RelayRecord, row, booleans=_BOOLEAN_COLUMNS)


def _writer(row: aiosqlite.Row) -> WriterRecord:
    return record_from_row(WriterRecord, row)


def _turn(row: aiosqlite.Row) -> TurnRecord:
    return record_from_row(TurnRecord, row, booleans=_BOOLEAN_COLUMNS)


_SELECT_RELAY = f"SELECT {', '.join(_RELAY_COLUMNS)} FROM relays"
_SELECT_WRITERS = (
    "SELECT user_id, name, position, status, joined_at FROM relay_writers"
    " WHERE relay_id = ? ORDER BY position"
)
_SELECT_TURNS = (
    "SELECT number, writer_id, by_model, text, words, written_at FROM relay_turns"
    " WHERE relay_id = ?"
)


async def _fetch_all(
    connection: aiosqlite.Connection, sql: str, params: Sequence[Any] = ()
) -> list[aiosqlite.Row]:
    async with connection.execute(sql, params) as cursor:
        return list(await cursor.fetchall())


async def _fetch_one(
    connection: aiosqlite.Connection, sql: str, params: Sequence[Any] = ()
) -> aiosqlite.Row | None:
    async with connection.execute(sql, params) as cursor:
        row: aiosqlite.Row | None = await cursor.fetchone()
        return row


class RelayChange:
    """The writes of one transaction on one relay (see :meth:`RelayRepository.change`)."""

    def __init__(self, connection: aiosqlite.Connection, relay: RelayRecord) -> None:
        self._connection = connection
        self.relay = relay

    async def writers(self) -> list[WriterRecord]:
        rows = await _fetch_all(self._connection, _SELECT_WRITERS, (self.relay.id,))
        return [_writer(row) for row in rows]

    async def last_turn(self) -> TurnRecord | None:
        row = await _fetch_one(
            self._connection,
            f"{_SELECT_TURNS} ORDER BY number DESC LIMIT 1",
            (self.relay.id,),
        )
        return _turn(row) if row else None

    async def turn(self, number: int) -> TurnRecord | None:
        row = await _fetch_one(
            self._connection, f"{_SELECT_TURNS} AND number = ?", (self.relay.id, number)
        )
        return _turn(row) if row else None

    async def put_writer(self, writer: WriterRecord) -> None:
        """Add the writer, or bring them back with a new name, place and status."""
        await self._connection.execute(
            "INSERT INTO relay_writers (relay_id, user_id, name, position, status, joined_at)"
            " VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (relay_id, user_id) DO UPDATE SET name = excluded.name,"
            " position = excluded.position, status = excluded.status,"
            " joined_at = excluded.joined_at",
            (self.relay.id, *astuple(writer)),
        )

    async def set_writer_status(self, user_id: int, status: WriterStatus) -> None:
        await self._connection.execute(
            "UPDATE relay_writers SET status = ? WHERE relay_id = ? AND user_id = ?",
            (status, self.relay.id, user_id),
        )

    async def rename_writer(self, user_id: int, name: str) -> None:
        await self._connection.execute(
            "UPDATE relay_writers SET name = ? WHERE relay_id = ? AND user_id = ?",
            (name, self.relay.id, user_id),
        )

    async def set_positions(self, order: Iterable[int]) -> None:
        """Renumber the writers: ``order`` lists user ids, first to write first."""
        for position, user_id in enumerate(order):
            await self._connection.execute(
                "UPDATE relay_writers SET position = ? WHERE relay_id = ? AND user_id = ?",
                (position, self.relay.id, user_id),
            )

    async def add_turn(self, turn: TurnRecord) -> None:
        await self._connection.execute(
            "INSERT INTO relay_turns (relay_id, number, writer_id, by_model, text, words,"
            " written_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (self.relay.id, *astuple(turn)),
        )

    async def remove_turn(self, number: int) -> None:
        await self._connection.execute(
            "DELETE FROM relay_turns WHERE relay_id = ? AND number = ?", (self.relay.id, number)
        )

    async def add_notice(self, kind: str, payload: str, now: float) -> int:
        """Owe the thread a notice, committed with the change it reports; its outbox id."""
        cursor = await self._connection.execute(
            "INSERT INTO relay_outbox (relay_id, kind, payload, created_at) VALUES (?, ?, ?, ?)",
            (self.relay.id, kind, payload, now),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    async def drop_notices(self, now: float) -> None:
        """Give up every notice still owed (the thread is gone: nobody can read them)."""
        await self._connection.execute(
            "UPDATE relay_outbox SET state = 'abandoned', payload = NULL, done_at = ?"
            " WHERE relay_id = ? AND state = 'pending'",
            (now, self.relay.id),
        )

    async def save(self, relay: RelayRecord) -> None:
        """Store the relay's new state (its setup never changes)."""
        if relay.id != self.relay.id:
            raise ValueError("a change saves only the relay it was opened for")
        assignments = ", ".join(f"{name} = ?" for name in _STATE_COLUMNS)
        values = [getattr(relay, name) for name in _STATE_COLUMNS]
        await self._connection.execute(
            f"UPDATE relays SET {assignments} WHERE id = ?", (*values, relay.id)
        )
        self.relay = relay


class RelayRepository:
    def __init__(self, database: Database) -> None:
        self._database = database

    @property
    def _connection(self) -> aiosqlite.Connection:
        return self._database.reader

    async def create(self, setup: RelaySetup, starter: WriterRecord, now: float) -> RelayRecord:
        """Insert a relay, gathering writers, with its starter as the first of them."""
        async with self._database.transaction() as connection:
            columns = ", ".join(_SETUP_COLUMNS)
            placeholders = ", ".join("?" for _ in _SETUP_COLUMNS)
            cursor = await connection.execute(
                f"INSERT INTO relays ({columns}, status, created_at)"
                f" VALUES ({placeholders}, 'gathering', ?)",
                # By name, not astuple(): a RelayRecord is a RelaySetup too, with more fields.
                (*(getattr(setup, name) for name in _SETUP_COLUMNS), now),
            )
            relay_id = cursor.lastrowid
            row = await _fetch_one(connection, f"{_SELECT_RELAY} WHERE id = ?", (relay_id,))
            assert row is not None
            relay = _relay(row)
            await RelayChange(connection, relay).put_writer(starter)
        return relay

    async def get(self, relay_id: int) -> RelayRecord | None:
        row = await _fetch_one(self._connection, f"{_SELECT_RELAY} WHERE id = ?", (relay_id,))
        return _relay(row) if row else None

    async def by_thread(self, thread_id: int) -> RelayRecord | None:
        row = await _fetch_one(
            self._connection, f"{_SELECT_RELAY} WHERE thread_id = ?", (thread_id,)
        )
        return _relay(row) if row else None

    async def not_ended(self, *, local: bool) -> list[RelayRecord]:
        """Relays still running: playground ones (``local``) or Discord ones."""
        where = "guild_id IS NULL" if local else "guild_id IS NOT NULL"
        rows = await _fetch_all(
            self._connection, f"{_SELECT_RELAY} WHERE status != 'ended' AND {where} ORDER BY id"
        )
        return [_relay(row) for row in rows]

    async def latest_local(self) -> RelayRecord | None:
        """The newest playground relay, whatever its state."""
        row = await _fetch_one(
            self._connection, f"{_SELECT_RELAY} WHERE guild_id IS NULL ORDER BY id DESC LIMIT 1"
        )
        return _relay(row) if row else None

    async def next_local_thread_id(self) -> int:
        row = await _fetch_one(
            self._connection,
            "SELECT COALESCE(MAX(thread_id), 0) + 1 FROM relays WHERE thread_id < ?",
            (LOCAL_THREAD_ID_LIMIT,),
        )
        assert row is not None
        return int(row[0])

    async def writers(self, relay_id: int) -> list[WriterRecord]:
        """Everyone who ever joined, in rotation order (including who left or was removed)."""
        rows = await _fetch_all(self._connection, _SELECT_WRITERS, (relay_id,))
        return [_writer(row) for row in rows]

    async def turns(self, relay_id: int, *, after: int = 0) -> list[TurnRecord]:
        """Written turns numbered above ``after``, in story order."""
        rows = await _fetch_all(
            self._connection, f"{_SELECT_TURNS} AND number > ? ORDER BY number", (relay_id, after)
        )
        return [_turn(row) for row in rows]

    async def turn(self, relay_id: int, number: int) -> TurnRecord | None:
        row = await _fetch_one(
            self._connection, f"{_SELECT_TURNS} AND number = ?", (relay_id, number)
        )
        return _turn(row) if row else None

    async def last_turn(self, relay_id: int) -> TurnRecord | None:
        row = await _fetch_one(
            self._connection, f"{_SELECT_TURNS} ORDER BY number DESC LIMIT 1", (relay_id,)
        )
        return _turn(row) if row else None

    async def last_turn_by(self, relay_id: int, writer_id: int) -> TurnRecord | None:
        row = await _fetch_one(
            self._connection,
            f"{_SELECT_TURNS} AND writer_id = ? ORDER BY number DESC LIMIT 1",
            (relay_id, writer_id),
        )
        return _turn(row) if row else None

    async def latest_summary(self, relay_id: int) -> SummaryRecord | None:
        row = await _fetch_one(
            self._connection,
            "SELECT through_turn, text, created_at FROM relay_summaries WHERE relay_id = ?"
            " ORDER BY through_turn DESC LIMIT 1",
            (relay_id,),
        )
        return SummaryRecord(row[0], row[1], row[2]) if row else None

    async def add_summary(self, relay_id: int, summary: SummaryRecord) -> None:
        async with self._database.transaction() as connection:
            await connection.execute(
                "INSERT OR IGNORE INTO relay_summaries (relay_id, through_turn, text, created_at)"
                " VALUES (?, ?, ?, ?)",
                (relay_id, *astuple(summary)),
            )

    # --- the outbox ------------------------------------------------------------------------

    async def notices_owed(self, relay_id: int) -> list[StoredNotice]:
        """The relay's notices not yet posted, oldest first (the order the thread reads)."""
        rows = await _fetch_all(
            self._connection,
            "SELECT id, relay_id, kind, payload, attempts FROM relay_outbox"
            " WHERE relay_id = ? AND state = 'pending' ORDER BY id",
            (relay_id,),
        )
        return [record_from_row(StoredNotice, row) for row in rows]

    async def relays_owed_notices(self, *, local: bool) -> list[RelayRecord]:
        """Relays (ended ones too) whose thread is still owed a notice."""
        where = "guild_id IS NULL" if local else "guild_id IS NOT NULL"
        rows = await _fetch_all(
            self._connection,
            f"{_SELECT_RELAY} WHERE {where} AND id IN"
            " (SELECT relay_id FROM relay_outbox WHERE state = 'pending') ORDER BY id",
        )
        return [_relay(row) for row in rows]

    async def last_notice_id(self) -> int:
        """The newest outbox id so far (0 for none): the notices of earlier runs are below it."""
        row = await _fetch_one(self._connection, "SELECT COALESCE(MAX(id), 0) FROM relay_outbox")
        assert row is not None
        return int(row[0])

    async def posted_before(self, relay_id: int, notice_id: int) -> int | None:
        """The message id of the relay's last notice posted before ``notice_id``, if known."""
        row = await _fetch_one(
            self._connection,
            "SELECT message_id FROM relay_outbox WHERE relay_id = ? AND id < ?"
            " AND state = 'posted' AND message_id IS NOT NULL ORDER BY id DESC LIMIT 1",
            (relay_id, notice_id),
        )
        return int(row[0]) if row else None

    async def notice_posted(self, notice: StoredNotice, message_id: int | None, now: float) -> None:
        """Record the post; the relay's older finished rows go (this one is the new mark)."""
        async with self._database.transaction() as connection:
            await connection.execute(
                "UPDATE relay_outbox SET state = 'posted', payload = NULL, message_id = ?,"
                " done_at = ? WHERE id = ?",
                (message_id, now, notice.id),
            )
            await connection.execute(
                "DELETE FROM relay_outbox WHERE relay_id = ? AND id < ? AND state != 'pending'",
                (notice.relay_id, notice.id),
            )

    async def notice_failed(self, notice: StoredNotice, *, give_up: bool, now: float) -> None:
        """Count a failed try; ``give_up`` abandons the notice (it will never be posted)."""
        async with self._database.transaction() as connection:
            if give_up:
                await connection.execute(
                    "UPDATE relay_outbox SET state = 'abandoned', payload = NULL,"
                    " attempts = attempts + 1, done_at = ? WHERE id = ?",
                    (now, notice.id),
                )
            else:
                await connection.execute(
                    "UPDATE relay_outbox SET attempts = attempts + 1 WHERE id = ?", (notice.id,)
                )

    @asynccontextmanager
    async def change(
        self, relay_id: int, *, expected_turn: int | None = None
    ) -> AsyncIterator[RelayChange]:
        """One transaction on one relay; :class:`StaleTurn` if its turn is not ``expected_turn``.

        Raises :class:`LookupError` if the relay does not exist.
        """
        async with self._database.transaction() as connection:
            row = await _fetch_one(connection, f"{_SELECT_RELAY} WHERE id = ?", (relay_id,))
            if row is None:
                raise LookupError(f"no relay {relay_id}")
            relay = _relay(row)
            if expected_turn is not None and relay.turn != expected_turn:
                raise StaleTurn(expected_turn, relay.turn)
            yield RelayChange(connection, relay)
