"""The filter repository: a guild's whole configuration, capacity inside the transaction,
replacement in one piece, and an audit trail that keeps its newest events."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from inkwell.bot.errors import StorageUnavailable
from inkwell.bot.records.filters import FilterConfig, FilterEvent, PresetRecord, RuleRecord
from inkwell.bot.storage.database import Database, load_migrations
from inkwell.bot.storage.filters import FilterRepository, LimitReached

GUILD = 1


@pytest.fixture
async def repository(tmp_path: Path) -> AsyncIterator[FilterRepository]:
    database = Database(tmp_path / "inkwell.sqlite3")
    await database.open()
    yield FilterRepository(database)
    await database.close()


async def add(repository: FilterRepository, pattern: str, kind: str = "word") -> RuleRecord | None:
    return await repository.add_rule(
        GUILD,
        kind=kind,
        pattern=pattern,
        action="block",
        applies_to="both",
        category="test",
        created_by=9,
        max_keywords=2,
        max_regexes=1,
    )


async def test_a_guild_that_configured_nothing_reads_as_defaults(
    repository: FilterRepository,
) -> None:
    assert await repository.config(GUILD) == FilterConfig(GUILD)


async def test_everything_a_guild_sets_reads_back(repository: FilterRepository) -> None:
    rule = await add(repository, "alpha")
    assert rule is not None
    assert await repository.allow(GUILD, "Scunthorpe", 9, limit=10)
    await repository.set_preset(GUILD, "slurs", "block", "both")
    await repository.set_preset(GUILD, "slurs", "flag", "outputs")  # an update, not a second row
    assert await repository.exempt(GUILD, "role", 70)
    assert await repository.exempt(GUILD, "channel", 601)
    assert await repository.set_channel_rating(GUILD, 600, "pg")
    await repository.set_log_channel(GUILD, 900)
    await repository.set_classifier(GUILD, True, "flag")
    config = await repository.config(GUILD)
    assert config.rules == (rule,)
    assert (rule.kind, rule.pattern, rule.created_by) == ("word", "alpha", 9)
    assert config.allowed == ("Scunthorpe",)
    assert config.presets == (PresetRecord("slurs", "flag", "outputs"),)
    assert (config.exempt_roles, config.exempt_channels) == (frozenset({70}), frozenset({601}))
    assert config.channel_ratings == {600: "pg"}
    assert (config.log_channel_id, config.classifier_enabled, config.classifier_action) == (
        900,
        True,
        "flag",
    )
    assert await repository.config(GUILD + 1) == FilterConfig(GUILD + 1)


async def test_duplicates_are_reported_not_stored(repository: FilterRepository) -> None:
    assert await add(repository, "alpha") is not None
    assert await add(repository, "alpha") is None
    assert await repository.exempt(GUILD, "role", 70)
    assert not await repository.exempt(GUILD, "role", 70)
    assert await repository.allow(GUILD, "Hell Creek", 9, limit=10)
    assert not await repository.allow(GUILD, "Hell Creek", 9, limit=10)
    assert len((await repository.config(GUILD)).rules) == 1


async def test_capacity_is_checked_per_kind_inside_the_transaction(
    repository: FilterRepository,
) -> None:
    await add(repository, "alpha")
    await add(repository, "beta", kind="phrase")
    with pytest.raises(LimitReached) as keywords:
        await add(repository, "gamma", kind="wildcard")
    assert (keywords.value.what, keywords.value.limit) == ("keywords", 2)
    await add(repository, "r1", kind="regex")
    with pytest.raises(LimitReached, match="regexes"):
        await add(repository, "r2", kind="regex")
    with pytest.raises(LimitReached, match="allowed"):
        await repository.allow(GUILD, "one", 9, limit=0)


async def test_masks_and_forms_are_kept_with_the_rule(repository: FilterRepository) -> None:
    plain = await add(repository, "alpha")
    chosen = await repository.add_rule(
        GUILD,
        kind="word",
        pattern="beta",
        action="block",
        applies_to="both",
        category="test",
        created_by=9,
        max_keywords=2,
        max_regexes=1,
        masks=True,
        forms=True,
    )
    assert plain is not None
    assert chosen is not None
    assert ((plain.masks, plain.forms), (chosen.masks, chosen.forms)) == (
        (False, False),
        (True, True),
    )
    assert (await repository.config(GUILD)).rules == (plain, chosen)
    await repository.replace(
        FilterConfig(
            GUILD, rules=(RuleRecord(0, "word", "gamma", "block", "both", "t", forms=True),)
        ),
        by=9,
    )
    (kept,) = (await repository.config(GUILD)).rules
    assert (kept.pattern, kept.masks, kept.forms) == ("gamma", False, True)


async def test_rules_kept_before_the_options_existed_read_without_them(tmp_path: Path) -> None:
    path = tmp_path / "inkwell.sqlite3"
    before = next(v for v, name, _ in load_migrations() if "filter_rule_options" in name) - 1
    with sqlite3.connect(path) as connection:
        for _, _, sql in load_migrations()[:before]:
            connection.executescript(sql)
        connection.execute(f"PRAGMA user_version = {before}")
        connection.execute(
            "INSERT INTO filter_rules (guild_id, kind, pattern, action, applies_to, category)"
            " VALUES (1, 'word', 'shit', 'block', 'both', 'old')"
        )
    connection.close()
    database = Database(path)
    await database.open()
    try:
        (rule,) = (await FilterRepository(database).config(GUILD)).rules
    finally:
        await database.close()
    assert (rule.pattern, rule.masks, rule.forms) == ("shit", False, False)


async def test_removing_a_rule_returns_it_once(repository: FilterRepository) -> None:
    rule = await add(repository, "alpha")
    assert rule is not None
    assert await repository.remove_rule(GUILD + 1, rule.id) is None  # another guild's number
    assert await repository.remove_rule(GUILD, rule.id) == rule
    assert await repository.remove_rule(GUILD, rule.id) is None


async def test_replace_swaps_the_whole_configuration(repository: FilterRepository) -> None:
    await add(repository, "old")
    await repository.allow(GUILD, "Old Town", 9, limit=10)
    await repository.set_log_channel(GUILD, 900)
    new = FilterConfig(
        GUILD,
        rules=(RuleRecord(0, "regex", r"\bnew\b", "flag", "outputs", "fresh"),),
        presets=(PresetRecord("sexual", "block", "both"),),
        channel_ratings={600: "g"},
    )
    await repository.replace(new, by=9)
    config = await repository.config(GUILD)
    assert [(r.kind, r.pattern, r.created_by) for r in config.rules] == [("regex", r"\bnew\b", 9)]
    assert config.allowed == ()
    assert config.log_channel_id is None
    assert config.channel_ratings == {600: "g"}


async def test_a_failed_replace_leaves_the_old_configuration(
    repository: FilterRepository,
) -> None:
    await add(repository, "old")
    broken = FilterConfig(GUILD, rules=(RuleRecord(0, "glob", "x", "block", "both", "t"),))
    with pytest.raises(StorageUnavailable) as refused:
        await repository.replace(broken, by=9)
    assert "CHECK constraint" in refused.value.detail  # the operator's line, not the member's
    assert [r.pattern for r in (await repository.config(GUILD)).rules] == ["old"]


def event(guild_id: int, number: int) -> FilterEvent:
    return FilterEvent(guild_id, 11, 600, "prompt", "block", "#1", "test", f"event {number}")


async def test_an_event_comes_back_as_saved_numbered_and_dated(
    repository: FilterRepository,
) -> None:
    saved = await repository.add_event(event(GUILD, 1), keep=10)
    assert saved.event == event(GUILD, 1)
    assert saved.created_at.endswith("Z")  # ISO 8601, UTC
    assert await repository.events(GUILD, limit=10) == [saved]
    second = await repository.add_event(event(GUILD, 2), keep=10)
    assert second.id > saved.id


async def test_the_audit_trail_keeps_each_guilds_newest_events(
    repository: FilterRepository,
) -> None:
    for number in range(6):
        await repository.add_event(event(GUILD, number), keep=3)
        await repository.add_event(event(GUILD + 1, number), keep=3)
    newest = await repository.events(GUILD, limit=10)
    assert [e.event.excerpt for e in newest] == ["event 5", "event 4", "event 3"]
    assert await repository.count_events(GUILD + 1) == 3
    assert [e.event.excerpt for e in await repository.events(GUILD, limit=1, offset=1)] == [
        "event 4"
    ]
