"""What a server's filters are before its moderators configure anything, and after."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from inkwell.bot.records.filters import PresetRecord
from inkwell.bot.services.filters.defaults import DEFAULT_PRESETS
from inkwell.bot.services.filters.service import FilterService
from inkwell.bot.services.origin import Origin
from inkwell.bot.storage.database import Database, load_migrations
from inkwell.bot.storage.filters import FilterRepository

GUILD = 4100
CONFIGURED = 4200
# 0007_filter_defaults.sql brought the defaults in.
BEFORE_DEFAULTS = 6
MEMBER = Origin(user_id=11, guild_id=GUILD, channel_id=601)
TOLD_TO_DIE = "The last line of the post said: kill yourself."


async def test_a_new_server_blocks_self_harm_and_slurs_in_what_inkwell_writes(
    filters: FilterService,
) -> None:
    written = await filters.check_output(TOLD_TO_DIE, MEMBER, final=True)

    assert written.blocked
    assert written.category == "self-harm"
    assert {p.name: (p.action, p.applies_to) for p in (await filters.config(GUILD)).presets} == {
        "self-harm": ("block", "outputs"),
        "slurs": ("block", "outputs"),
    }


async def test_what_members_ask_for_is_left_to_the_moderators(filters: FilterService) -> None:
    asked = await filters.check_prompt("a poem for my friend who wanted to die", MEMBER)

    assert not asked.blocked


async def test_a_default_a_moderator_disables_stays_disabled(
    filters: FilterService, database: Database
) -> None:
    # The moderator's very first command: the defaults must not arrive after it.
    assert await filters.settings.disable_preset(GUILD, "self-harm")

    assert not (await filters.check_output(TOLD_TO_DIE, MEMBER, final=True)).blocked
    reopened = FilterService(FilterRepository(database))  # a restart: nothing cached
    assert not (await reopened.check_output(TOLD_TO_DIE, MEMBER, final=True)).blocked
    assert [p.name for p in (await reopened.config(GUILD)).presets] == ["slurs"]


async def test_a_moderators_own_choice_for_a_default_preset_is_kept(
    filters: FilterService,
) -> None:
    await filters.settings.enable_preset(GUILD, "slurs", applies_to="both")

    presets = (await filters.config(GUILD)).presets
    assert PresetRecord("slurs", "block", "both") in presets


async def test_an_import_replaces_the_defaults_like_everything_else(
    filters: FilterService,
) -> None:
    empty = b'{"format": "inkwell-filters", "version": 1}'
    await filters.transfer.import_file(GUILD, 1, empty)

    assert (await filters.config(GUILD)).presets == ()
    assert not (await filters.check_output(TOLD_TO_DIE, MEMBER, final=True)).blocked


async def test_after_an_upgrade_only_servers_that_configured_nothing_get_the_defaults(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as connection:  # the Inkwell before the defaults existed
        for _, _, sql in load_migrations()[:BEFORE_DEFAULTS]:
            connection.executescript(sql)
        connection.execute(f"PRAGMA user_version = {BEFORE_DEFAULTS}")
        connection.execute(
            "INSERT INTO filter_rules (guild_id, kind, pattern, action, applies_to, category)"
            " VALUES (?, 'word', 'grimoire', 'block', 'both', 'spoilers')",
            (CONFIGURED,),
        )
    connection.close()
    database = Database(path)
    await database.open()
    try:
        filters = FilterService(FilterRepository(database))
        configured = await filters.config(CONFIGURED)
        untouched = await filters.config(GUILD)
    finally:
        await database.close()

    assert configured.presets == ()
    assert [rule.pattern for rule in configured.rules] == ["grimoire"]
    assert tuple(sorted(untouched.presets, key=lambda p: p.name)) == DEFAULT_PRESETS
