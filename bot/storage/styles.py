"""Style preferences of members and guild defaults."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import aiosqlite

from inkwell.bot.records.styles import StyleRecord
from inkwell.bot.storage.database import Database
from inkwell.bot.storage.rows import record_from_row


def _record(row: aiosqlite.Row | None) -> StyleRecord:
    return StyleRecord() if row is None else record_from_row(StyleRecord, row)


_COLUMNS = ", ".join(StyleRecord.field_names())
_PLACEHOLDERS = ", ".join(f":{name}" for name in StyleRecord.field_names())
_UPDATES = ", ".join(f"{name} = excluded.{name}" for name in StyleRecord.field_names())


class StyleRepository:
    def __init__(self, database: Database) -> None:
        self._database = database

    async def member(self, user_id: int) -> StyleRecord:
        async with self._database.reader.execute(
            f"SELECT {_COLUMNS} FROM member_styles WHERE user_id = ?", (user_id,)
        ) as cursor:
            return _record(await cursor.fetchone())

    async def guild_defaults(self, guild_id: int) -> StyleRecord:
        async with self._database.reader.execute(
            f"SELECT {_COLUMNS} FROM guild_style_defaults WHERE guild_id = ?", (guild_id,)
        ) as cursor:
            return _record(await cursor.fetchone())

    async def update_member(self, user_id: int, **changes: str | None) -> StyleRecord:
        """Apply ``changes`` (a value, or ``None`` to clear) in one transaction."""
        async with self._database.transaction() as connection:
            async with connection.execute(
                f"SELECT {_COLUMNS} FROM member_styles WHERE user_id = ?", (user_id,)
            ) as cursor:
                merged = _record(await cursor.fetchone()).with_changes(**changes)
            params: dict[str, Any] = {"user_id": user_id, **asdict(merged)}
            await connection.execute(
                f"INSERT INTO member_styles (user_id, {_COLUMNS})"
                f" VALUES (:user_id, {_PLACEHOLDERS})"
                f" ON CONFLICT (user_id) DO UPDATE SET {_UPDATES},"
                " updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
                params,
            )
        return merged

    async def update_guild_defaults(
        self, guild_id: int, updated_by: int, **changes: str | None
    ) -> StyleRecord:
        async with self._database.transaction() as connection:
            async with connection.execute(
                f"SELECT {_COLUMNS} FROM guild_style_defaults WHERE guild_id = ?", (guild_id,)
            ) as cursor:
                merged = _record(await cursor.fetchone()).with_changes(**changes)
            params: dict[str, Any] = {"guild_id": guild_id, "by": updated_by, **asdict(merged)}
            await connection.execute(
                f"INSERT INTO guild_style_defaults (guild_id, updated_by, {_COLUMNS})"
                f" VALUES (:guild_id, :by, {_PLACEHOLDERS})"
                f" ON CONFLICT (guild_id) DO UPDATE SET {_UPDATES},"
                " updated_by = excluded.updated_by,"
                " updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
                params,
            )
        return merged

    async def reset_member(self, user_id: int) -> bool:
        """Remove the member's preferences; ``True`` if there were any."""
        async with self._database.transaction() as connection:
            cursor = await connection.execute(
                "DELETE FROM member_styles WHERE user_id = ?", (user_id,)
            )
            return cursor.rowcount > 0

    async def reset_guild_defaults(self, guild_id: int) -> bool:
        async with self._database.transaction() as connection:
            cursor = await connection.execute(
                "DELETE FROM guild_style_defaults WHERE guild_id = ?", (guild_id,)
            )
            return cursor.rowcount > 0
