"""/style forget-me removes every row about a member, and nothing else."""

from __future__ import annotations

from pathlib import Path

from inkwell.bot.storage.database import Database
from inkwell.bot.storage.forget import MEMBER_COLUMNS, forget_member
from inkwell.bot.storage.styles import StyleRepository

MEMBER_COLUMN_NAMES = {"user_id", "member_id", "writer_id", "author_id"}


async def test_every_member_column_in_the_schema_is_covered(tmp_path: Path) -> None:
    """Fails when a migration adds a column about members that forget-me would miss."""
    database = Database(tmp_path / "inkwell.sqlite3")
    await database.open()
    found: set[tuple[str, str]] = set()
    async with database.connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ) as cursor:
        tables = [row[0] for row in await cursor.fetchall()]
    for table in tables:
        async with database.connection.execute(f"PRAGMA table_info({table})") as cursor:
            for column in await cursor.fetchall():
                name = column["name"]
                if name in MEMBER_COLUMN_NAMES or name.endswith("_by"):
                    found.add((table, name))
    await database.close()
    assert found == {(c.table, c.column) for c in MEMBER_COLUMNS}


async def test_forgetting_deletes_the_members_rows_and_anonymises_their_edits(
    tmp_path: Path,
) -> None:
    database = Database(tmp_path / "inkwell.sqlite3")
    await database.open()
    styles = StyleRepository(database)
    await styles.update_member(1, tone="wry")
    await styles.update_member(2, tone="warm")
    await styles.update_guild_defaults(50, updated_by=1, rating="pg")

    changed = await forget_member(database, 1)

    assert changed == 2
    assert (await styles.member(1)).is_empty()
    assert (await styles.member(2)).tone == "warm"
    assert (await styles.guild_defaults(50)).rating == "pg"
    async with database.connection.execute(
        "SELECT updated_by FROM guild_style_defaults WHERE guild_id = 50"
    ) as cursor:
        row = await cursor.fetchone()
    await database.close()
    assert row is not None
    assert row[0] is None
