"""The filters' audit trail: every block and flag, each guild keeping its newest events.

Unlike a guild's configuration, which is read and replaced whole, the trail only grows and
is paged through newest first, so it is its own table and its own repository.
:class:`~inkwell.bot.storage.filters.FilterRepository` holds one and offers its methods as
its own. It stores the filter service's :class:`FilterEvent` as it is, its fields named
after the columns; saving one returns it as an :class:`AuditEntry` (numbered and dated).
"""

from __future__ import annotations

from typing import Any

import aiosqlite

from inkwell.bot.records.filters import AuditEntry, FilterEvent
from inkwell.bot.storage.database import Database
from inkwell.bot.storage.rows import record_from_row

_EVENT_COLUMNS = (
    "id, guild_id, user_id, channel_id, stage, action, rule, category, excerpt, created_at"
)


def _entry(row: aiosqlite.Row) -> AuditEntry:
    # The table's CHECK constraints hold ``stage`` and ``action`` to the event's literals.
    return AuditEntry(row["id"], row["created_at"], record_from_row(FilterEvent, row))


class FilterEventRepository:
    def __init__(self, database: Database) -> None:
        self._database = database

    async def _rows(self, sql: str, params: tuple[Any, ...]) -> list[aiosqlite.Row]:
        async with self._database.reader.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def add_event(self, event: FilterEvent, *, keep: int) -> AuditEntry:
        """Record a block or flag; the guild keeps its newest ``keep`` events."""
        async with self._database.transaction() as connection:
            cursor = await connection.execute(
                "INSERT INTO filter_events"
                " (guild_id, user_id, channel_id, stage, action, rule, category, excerpt)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    event.guild_id,
                    event.user_id,
                    event.channel_id,
                    event.stage,
                    event.action,
                    event.rule,
                    event.category,
                    event.excerpt,
                ),
            )
            async with connection.execute(
                "SELECT id, created_at FROM filter_events WHERE id = ?", (cursor.lastrowid,)
            ) as select:
                saved = await select.fetchone()
            await connection.execute(
                "DELETE FROM filter_events WHERE guild_id = :guild AND id <= ("
                " SELECT id FROM filter_events WHERE guild_id = :guild"
                " ORDER BY id DESC LIMIT 1 OFFSET :keep)",
                {"guild": event.guild_id, "keep": keep},
            )
        assert saved is not None
        return AuditEntry(saved["id"], saved["created_at"], event)

    async def events(self, guild_id: int, *, limit: int, offset: int = 0) -> list[AuditEntry]:
        """The guild's events, newest first."""
        rows = await self._rows(
            f"SELECT {_EVENT_COLUMNS} FROM filter_events WHERE guild_id = ?"
            " ORDER BY id DESC LIMIT ? OFFSET ?",
            (guild_id, limit, offset),
        )
        return [_entry(row) for row in rows]

    async def count_events(self, guild_id: int) -> int:
        rows = await self._rows(
            "SELECT COUNT(*) FROM filter_events WHERE guild_id = ?", (guild_id,)
        )
        return int(rows[0][0]) if rows else 0
