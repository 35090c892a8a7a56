"""Guild content-filter configuration, and the way in to the audit trail of blocks and flags.

A guild's whole configuration is read at once (:meth:`FilterRepository.config`): the filter
service compiles it and keeps the compiled form until something changes. Capacity limits
are checked inside the writing transaction, so two moderators adding rules at the same
moment can't pass the limit together.

It stores the filter service's own types as they are, their fields named after the
columns: the configuration (:class:`FilterConfig` and its records). The audit trail is
kept by :class:`~inkwell.bot.storage.filter_events.FilterEventRepository`; this repository
offers its methods too, so the filter service needs one repository only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import aiosqlite

from inkwell.bot.records.filters import (
    AuditEntry,
    FilterConfig,
    FilterEvent,
    PresetRecord,
    RuleRecord,
)
from inkwell.bot.storage.database import Database
from inkwell.bot.storage.filter_events import FilterEventRepository
from inkwell.bot.storage.rows import record_from_row


class LimitReached(Exception):
    """A guild already has as many of something as it may have."""

    def __init__(self, what: str, limit: int) -> None:
        super().__init__(f"{what}: limit {limit}")
        self.what = what
        self.limit = limit


def _rule(row: aiosqlite.Row) -> RuleRecord:
    return record_from_row(RuleRecord, row, booleans=_RULE_BOOLEANS)


_RULE_COLUMNS = (
    "id, kind, pattern, action, applies_to, category, created_by, created_at, masks, forms"
)
_RULE_BOOLEANS = frozenset({"masks", "forms"})
_GUILD_TABLES = (
    "filter_rules",
    "filter_allowed",
    "filter_presets",
    "filter_exemptions",
    "filter_channel_ratings",
    "filter_settings",
)


class FilterRepository:
    def __init__(self, database: Database) -> None:
        self._database = database
        self._events = FilterEventRepository(database)

    async def _rows(self, sql: str, params: tuple[Any, ...]) -> list[aiosqlite.Row]:
        async with self._database.reader.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def config(self, guild_id: int) -> FilterConfig:
        rules = await self._rows(
            f"SELECT {_RULE_COLUMNS} FROM filter_rules WHERE guild_id = ? ORDER BY id",
            (guild_id,),
        )
        allowed = await self._rows(
            "SELECT term FROM filter_allowed WHERE guild_id = ? ORDER BY created_at, term",
            (guild_id,),
        )
        presets = await self._rows(
            "SELECT name, action, applies_to FROM filter_presets WHERE guild_id = ? ORDER BY name",
            (guild_id,),
        )
        exemptions = await self._rows(
            "SELECT target, target_id FROM filter_exemptions WHERE guild_id = ?", (guild_id,)
        )
        ratings = await self._rows(
            "SELECT channel_id, max_rating FROM filter_channel_ratings WHERE guild_id = ?",
            (guild_id,),
        )
        settings = await self._rows(
            "SELECT log_channel_id, classifier_enabled, classifier_action, defaults_applied"
            " FROM filter_settings WHERE guild_id = ?",
            (guild_id,),
        )
        setting = settings[0] if settings else None
        return FilterConfig(
            guild_id=guild_id,
            rules=tuple(_rule(row) for row in rules),
            allowed=tuple(row["term"] for row in allowed),
            presets=tuple(
                PresetRecord(row["name"], row["action"], row["applies_to"]) for row in presets
            ),
            exempt_roles=frozenset(r["target_id"] for r in exemptions if r["target"] == "role"),
            exempt_channels=frozenset(
                r["target_id"] for r in exemptions if r["target"] == "channel"
            ),
            channel_ratings={row["channel_id"]: row["max_rating"] for row in ratings},
            log_channel_id=setting["log_channel_id"] if setting else None,
            classifier_enabled=bool(setting["classifier_enabled"]) if setting else False,
            classifier_action=setting["classifier_action"] if setting else "block",
            defaults_applied=bool(setting["defaults_applied"]) if setting else False,
        )

    # -- rules --

    async def add_rule(
        self,
        guild_id: int,
        *,
        kind: str,
        pattern: str,
        action: str,
        applies_to: str,
        category: str,
        created_by: int | None,
        max_keywords: int,
        masks: bool = False,
        forms: bool = False,
        max_regexes: int,
    ) -> RuleRecord | None:
        """Insert a rule; ``None`` if the same kind and pattern exist. :class:`LimitReached`
        if the guild is full."""
        async with self._database.transaction() as connection:
            async with connection.execute(
                "SELECT kind = 'regex' AS is_regex, COUNT(*) FROM filter_rules"
                " WHERE guild_id = ? GROUP BY is_regex",
                (guild_id,),
            ) as cursor:
                counts = {bool(row[0]): int(row[1]) for row in await cursor.fetchall()}
            if kind == "regex" and counts.get(True, 0) >= max_regexes:
                raise LimitReached("regexes", max_regexes)
            if kind != "regex" and counts.get(False, 0) >= max_keywords:
                raise LimitReached("keywords", max_keywords)
            cursor = await connection.execute(
                "INSERT INTO filter_rules (guild_id, kind, pattern, action, applies_to,"
                " category, created_by, masks, forms)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (
                    guild_id,
                    kind,
                    pattern,
                    action,
                    applies_to,
                    category,
                    created_by,
                    int(masks),
                    int(forms),
                ),
            )
            if cursor.rowcount == 0:
                return None
            async with connection.execute(
                f"SELECT {_RULE_COLUMNS} FROM filter_rules WHERE id = ?", (cursor.lastrowid,)
            ) as select:
                row = await select.fetchone()
        assert row is not None
        return _rule(row)

    async def remove_rule(self, guild_id: int, rule_id: int) -> RuleRecord | None:
        async with self._database.transaction() as connection:
            async with connection.execute(
                f"SELECT {_RULE_COLUMNS} FROM filter_rules WHERE guild_id = ? AND id = ?",
                (guild_id, rule_id),
            ) as cursor:
                row = await cursor.fetchone()
            if row is None:
                return None
            await connection.execute("DELETE FROM filter_rules WHERE id = ?", (rule_id,))
        return _rule(row)

    # -- allow-list --

    async def allow(self, guild_id: int, term: str, added_by: int | None, *, limit: int) -> bool:
        """Add ``term``; ``False`` if it is there already. :class:`LimitReached` if full."""
        async with self._database.transaction() as connection:
            async with connection.execute(
                "SELECT COUNT(*) FROM filter_allowed WHERE guild_id = ?", (guild_id,)
            ) as cursor:
                row = await cursor.fetchone()
            if row is not None and int(row[0]) >= limit:
                raise LimitReached("allowed", limit)
            cursor = await connection.execute(
                "INSERT INTO filter_allowed (guild_id, term, added_by) VALUES (?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                (guild_id, term, added_by),
            )
            return cursor.rowcount > 0

    async def disallow(self, guild_id: int, term: str) -> bool:
        async with self._database.transaction() as connection:
            cursor = await connection.execute(
                "DELETE FROM filter_allowed WHERE guild_id = ? AND term = ?", (guild_id, term)
            )
            return cursor.rowcount > 0

    # -- presets, exemptions, ratings, settings --

    async def set_preset(self, guild_id: int, name: str, action: str, applies_to: str) -> None:
        async with self._database.transaction() as connection:
            await connection.execute(
                "INSERT INTO filter_presets (guild_id, name, action, applies_to)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (guild_id, name) DO UPDATE"
                " SET action = excluded.action, applies_to = excluded.applies_to",
                (guild_id, name, action, applies_to),
            )

    async def apply_defaults(self, guild_id: int, presets: Sequence[PresetRecord]) -> bool:
        """Put ``presets`` in place unless the guild's defaults were applied before; ``True``
        if they were put in place now. A preset the guild already has is left as it is."""
        async with self._database.transaction() as connection:
            async with connection.execute(
                "SELECT defaults_applied FROM filter_settings WHERE guild_id = ?", (guild_id,)
            ) as cursor:
                row = await cursor.fetchone()
            if row is not None and row[0]:
                return False
            await connection.executemany(
                "INSERT INTO filter_presets (guild_id, name, action, applies_to)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (guild_id, name) DO NOTHING",
                [(guild_id, p.name, p.action, p.applies_to) for p in presets],
            )
            await connection.execute(
                "INSERT INTO filter_settings (guild_id, defaults_applied) VALUES (?, 1)"
                " ON CONFLICT (guild_id) DO UPDATE SET defaults_applied = 1",
                (guild_id,),
            )
            return True

    async def remove_preset(self, guild_id: int, name: str) -> bool:
        async with self._database.transaction() as connection:
            cursor = await connection.execute(
                "DELETE FROM filter_presets WHERE guild_id = ? AND name = ?", (guild_id, name)
            )
            return cursor.rowcount > 0

    async def exempt(self, guild_id: int, target: str, target_id: int) -> bool:
        async with self._database.transaction() as connection:
            cursor = await connection.execute(
                "INSERT INTO filter_exemptions (guild_id, target, target_id) VALUES (?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                (guild_id, target, target_id),
            )
            return cursor.rowcount > 0

    async def unexempt(self, guild_id: int, target: str, target_id: int) -> bool:
        async with self._database.transaction() as connection:
            cursor = await connection.execute(
                "DELETE FROM filter_exemptions WHERE guild_id = ? AND target = ? AND target_id = ?",
                (guild_id, target, target_id),
            )
            return cursor.rowcount > 0

    async def set_channel_rating(self, guild_id: int, channel_id: int, rating: str | None) -> bool:
        """Set (or with ``None`` clear) a channel's maximum rating; ``True`` if anything changed."""
        async with self._database.transaction() as connection:
            if rating is None:
                cursor = await connection.execute(
                    "DELETE FROM filter_channel_ratings WHERE guild_id = ? AND channel_id = ?",
                    (guild_id, channel_id),
                )
            else:
                cursor = await connection.execute(
                    "INSERT INTO filter_channel_ratings (guild_id, channel_id, max_rating)"
                    " VALUES (?, ?, ?) ON CONFLICT (guild_id, channel_id) DO UPDATE"
                    " SET max_rating = excluded.max_rating",
                    (guild_id, channel_id, rating),
                )
            return cursor.rowcount > 0

    async def _upsert_settings(self, guild_id: int, column: str, value: Any) -> None:
        async with self._database.transaction() as connection:
            await connection.execute(
                f"INSERT INTO filter_settings (guild_id, {column}) VALUES (?, ?)"
                f" ON CONFLICT (guild_id) DO UPDATE SET {column} = excluded.{column},"
                " updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
                (guild_id, value),
            )

    async def set_log_channel(self, guild_id: int, channel_id: int | None) -> None:
        await self._upsert_settings(guild_id, "log_channel_id", channel_id)

    async def set_classifier(self, guild_id: int, enabled: bool, action: str) -> None:
        async with self._database.transaction() as connection:
            await connection.execute(
                "INSERT INTO filter_settings (guild_id, classifier_enabled, classifier_action)"
                " VALUES (?, ?, ?) ON CONFLICT (guild_id) DO UPDATE"
                " SET classifier_enabled = excluded.classifier_enabled,"
                " classifier_action = excluded.classifier_action,"
                " updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
                (guild_id, int(enabled), action),
            )

    async def replace(self, config: FilterConfig, by: int | None) -> None:
        """Make ``config`` the guild's whole configuration, in one transaction (an import)."""
        guild_id = config.guild_id
        async with self._database.transaction() as connection:
            for table in _GUILD_TABLES:
                await connection.execute(f"DELETE FROM {table} WHERE guild_id = ?", (guild_id,))
            await connection.executemany(
                "INSERT INTO filter_rules (guild_id, kind, pattern, action, applies_to,"
                " category, created_by, masks, forms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        guild_id,
                        r.kind,
                        r.pattern,
                        r.action,
                        r.applies_to,
                        r.category,
                        by,
                        int(r.masks),
                        int(r.forms),
                    )
                    for r in config.rules
                ],
            )
            await connection.executemany(
                "INSERT INTO filter_allowed (guild_id, term, added_by) VALUES (?, ?, ?)",
                [(guild_id, term, by) for term in config.allowed],
            )
            await connection.executemany(
                "INSERT INTO filter_presets (guild_id, name, action, applies_to)"
                " VALUES (?, ?, ?, ?)",
                [(guild_id, p.name, p.action, p.applies_to) for p in config.presets],
            )
            await connection.executemany(
                "INSERT INTO filter_exemptions (guild_id, target, target_id) VALUES (?, ?, ?)",
                [(guild_id, "role", role) for role in sorted(config.exempt_roles)]
                + [(guild_id, "channel", channel) for channel in sorted(config.exempt_channels)],
            )
            await connection.executemany(
                "INSERT INTO filter_channel_ratings (guild_id, channel_id, max_rating)"
                " VALUES (?, ?, ?)",
                [(guild_id, channel, rating) for channel, rating in config.channel_ratings.items()],
            )
            await connection.execute(
                "INSERT INTO filter_settings"
                " (guild_id, log_channel_id, classifier_enabled, classifier_action,"
                " defaults_applied) VALUES (?, ?, ?, ?, 1)",
                (
                    guild_id,
                    config.log_channel_id,
                    int(config.classifier_enabled),
                    config.classifier_action,
                ),
            )

    # -- audit, kept by its own repository --

    async def add_event(self, event: FilterEvent, *, keep: int) -> AuditEntry:
        """Record a block or flag; the guild keeps its newest ``keep`` events."""
        return await self._events.add_event(event, keep=keep)

    async def events(self, guild_id: int, *, limit: int, offset: int = 0) -> list[AuditEntry]:
        """The guild's events, newest first."""
        return await self._events.events(guild_id, limit=limit, offset=offset)

    async def count_events(self, guild_id: int) -> int:
        return await self._events.count_events(guild_id)
