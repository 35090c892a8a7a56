"""Forgetting a member: every row about them, in one transaction.

Each table that holds a member's id is listed here. ``tests/storage/test_forget.py`` reads
the live schema and fails when a migration adds a member column this list does not cover.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from inkwell.bot.storage.database import Database


@dataclass(frozen=True, slots=True)
class MemberColumn:
    table: str
    column: str
    # "delete": the row is about the member; "clear": the row belongs to something else
    # (a guild, a story) and only remembers who touched it.
    action: Literal["delete", "clear"]


MEMBER_COLUMNS: tuple[MemberColumn, ...] = (
    MemberColumn("member_styles", "user_id", "delete"),
    MemberColumn("guild_style_defaults", "updated_by", "clear"),
    # Relay stories keep a forgotten member's words (they belong to the story, and the
    # thread still shows them) but not who wrote them; their place in the order goes.
    MemberColumn("relays", "started_by", "clear"),
    MemberColumn("relays", "writer_id", "clear"),
    MemberColumn("relay_writers", "user_id", "delete"),
    MemberColumn("relay_turns", "writer_id", "clear"),
    MemberColumn("filter_rules", "created_by", "clear"),
    MemberColumn("filter_allowed", "added_by", "clear"),
    MemberColumn("filter_events", "user_id", "delete"),
    # Lore belongs to the server or the story; only who wrote an entry is forgotten.
    MemberColumn("lore_entries", "author_id", "clear"),
)


async def forget_member(database: Database, user_id: int) -> int:
    """Delete or anonymise every row about ``user_id``; return how many rows changed."""
    changed = 0
    async with database.transaction() as connection:
        for member_column in MEMBER_COLUMNS:
            if member_column.action == "delete":
                sql = f"DELETE FROM {member_column.table} WHERE {member_column.column} = ?"
            else:
                sql = (
                    f"UPDATE {member_column.table} SET {member_column.column} = NULL"
                    f" WHERE {member_column.column} = ?"
                )
            cursor = await connection.execute(sql, (user_id,))
            changed += max(cursor.rowcount, 0)
    return changed
