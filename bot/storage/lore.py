"""A story bible's entries and each server's lore settings (the editor role).

Names are unique per scope (a server's lore, or one relay's), compared casefolded through
the ``name_key`` column. Keys are stored as a JSON array, unknown imported fields as the
JSON object ``extra``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence

import aiosqlite

from inkwell.bot.records.lore import LoreEntry
from inkwell.bot.storage.database import Database

_COLUMNS = "id, guild_id, relay_id, name, keys, text, author_id, created_at, updated_at, extra"
_SCOPE = "guild_id = ? AND relay_id IS ?"


def name_key(name: str) -> str:
    return name.casefold()


def _entry(row: aiosqlite.Row) -> LoreEntry:
    return LoreEntry(
        id=row["id"],
        guild_id=row["guild_id"],
        relay_id=row["relay_id"],
        name=row["name"],
        keys=tuple(json.loads(row["keys"])),
        text=row["text"],
        author_id=row["author_id"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        extra=row["extra"],
    )


class LoreRepository:
    def __init__(self, database: Database) -> None:
        self._database = database

    async def entries(self, guild_id: int, relay_id: int | None) -> tuple[LoreEntry, ...]:
        async with self._database.reader.execute(
            f"SELECT {_COLUMNS} FROM lore_entries WHERE {_SCOPE} ORDER BY name_key",
            (guild_id, relay_id),
        ) as cursor:
            return tuple(_entry(row) for row in await cursor.fetchall())

    async def entry(self, guild_id: int, relay_id: int | None, name: str) -> LoreEntry | None:
        async with self._database.reader.execute(
            f"SELECT {_COLUMNS} FROM lore_entries WHERE {_SCOPE} AND name_key = ?",
            (guild_id, relay_id, name_key(name)),
        ) as cursor:
            row = await cursor.fetchone()
        return None if row is None else _entry(row)

    async def visible(self, guild_id: int, relay_id: int | None) -> tuple[LoreEntry, ...]:
        """The server's lore and, with a relay, that relay's: what a prompt may carry."""
        async with self._database.reader.execute(
            f"SELECT {_COLUMNS} FROM lore_entries"
            " WHERE guild_id = ? AND (relay_id IS NULL OR relay_id IS ?) ORDER BY id",
            (guild_id, relay_id),
        ) as cursor:
            return tuple(_entry(row) for row in await cursor.fetchall())

    async def save(self, entries: Sequence[LoreEntry]) -> tuple[LoreEntry, ...]:
        """Insert (``id == 0``) or update each entry, all in one transaction."""
        now = time.time()
        saved: list[LoreEntry] = []
        async with self._database.transaction() as connection:
            for entry in entries:
                params = (
                    entry.name,
                    name_key(entry.name),
                    json.dumps(list(entry.keys), ensure_ascii=False),
                    entry.text,
                    entry.extra,
                )
                if entry.id == 0:
                    cursor = await connection.execute(
                        "INSERT INTO lore_entries (name, name_key, keys, text, extra, guild_id,"
                        " relay_id, author_id, created_at, updated_at)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (*params, entry.guild_id, entry.relay_id, entry.author_id, now, now),
                    )
                    entry_id = cursor.lastrowid or 0
                else:
                    await connection.execute(
                        "UPDATE lore_entries SET name = ?, name_key = ?, keys = ?, text = ?,"
                        " extra = ?, updated_at = ? WHERE id = ?",
                        (*params, now, entry.id),
                    )
                    entry_id = entry.id
                async with connection.execute(
                    f"SELECT {_COLUMNS} FROM lore_entries WHERE id = ?", (entry_id,)
                ) as cursor:
                    row = await cursor.fetchone()
                assert row is not None
                saved.append(_entry(row))
        return tuple(saved)

    async def delete(self, entry_id: int) -> None:
        async with self._database.transaction() as connection:
            await connection.execute("DELETE FROM lore_entries WHERE id = ?", (entry_id,))

    async def editor_role(self, guild_id: int) -> int | None:
        async with self._database.reader.execute(
            "SELECT editor_role_id FROM lore_settings WHERE guild_id = ?", (guild_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return None if row is None else row[0]

    async def set_editor_role(self, guild_id: int, role_id: int | None) -> None:
        async with self._database.transaction() as connection:
            await connection.execute(
                "INSERT INTO lore_settings (guild_id, editor_role_id) VALUES (?, ?)"
                " ON CONFLICT (guild_id) DO UPDATE SET editor_role_id = excluded.editor_role_id",
                (guild_id, role_id),
            )
