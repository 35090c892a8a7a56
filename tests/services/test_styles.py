"""Style preferences: validated, layered (command > member > guild > built-in), forgettable."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from inkwell.bot.errors import InvalidInput
from inkwell.bot.services.styles import BUILTIN_STYLE, StyleService
from inkwell.bot.storage.database import Database


@pytest.fixture
async def styles(tmp_path: Path) -> AsyncIterator[StyleService]:
    database = Database(tmp_path / "inkwell.sqlite3")
    await database.open()
    yield StyleService(database)
    await database.close()


async def test_a_member_without_preferences_gets_the_built_in_style(styles: StyleService) -> None:
    assert await styles.effective(1, guild_id=9) == BUILTIN_STYLE


async def test_setting_keeps_earlier_preferences(styles: StyleService) -> None:
    await styles.update(1, {"tone": "wry"})
    saved = await styles.update(1, {"pov": "First"})
    assert (saved.tone, saved.pov) == ("wry", "first")


async def test_members_override_guild_defaults_which_override_the_built_in(
    styles: StyleService,
) -> None:
    await styles.update_guild_defaults(9, moderator_id=5, changes={"rating": "g", "tone": "warm"})
    await styles.update(1, {"tone": "wry"})
    effective = await styles.effective(1, guild_id=9)
    assert (effective.tone, effective.rating) == ("wry", "g")
    assert (await styles.effective(1, guild_id=None)).rating == BUILTIN_STYLE.rating


async def test_a_commands_own_option_removes_the_preference_it_overrides(
    styles: StyleService,
) -> None:
    await styles.update(1, {"tone": "wry", "pov": "first", "voice": "lyrical"})
    style = await styles.for_call(1, None, {"mood": "defiant", "pov": "third"})
    assert (style.tone, style.pov, style.voice) == (None, None, "lyrical")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        pytest.param(
            {"pov": "fourth"}, "pov must be one of: first, second, third", id="bad-choice"
        ),
        pytest.param({"rating": "x"}, "rating must be one of", id="bad-rating"),
        pytest.param({"tone": "w" * 101}, "limit is 100", id="too-long"),
        pytest.param({"colour": "red"}, "no style preference called", id="unknown-field"),
        pytest.param({}, "at least one preference", id="nothing"),
    ],
)
async def test_bad_preferences_are_refused_and_nothing_is_saved(
    styles: StyleService, changes: dict[str, str | None], message: str
) -> None:
    await styles.update(1, {"tone": "wry"})
    with pytest.raises(InvalidInput, match=message):
        await styles.update(1, changes)
    assert (await styles.overview(1, None)).mine.tone == "wry"


async def test_invisible_characters_are_cleaned_from_preferences(styles: StyleService) -> None:
    saved = await styles.update(1, {"voice": "  plain\u200b-spoken\u202e  "})
    assert saved.voice == "plain-spoken"


async def test_reset_one_field_or_all(styles: StyleService) -> None:
    await styles.update(1, {"tone": "wry", "pov": "first"})
    assert await styles.reset(1, "tone") is True
    assert await styles.reset(1, "tone") is False
    assert (await styles.overview(1, None)).mine.pov == "first"
    assert await styles.reset(1) is True
    assert (await styles.overview(1, None)).mine.is_empty()


async def test_forget_deletes_the_member_but_not_others(styles: StyleService) -> None:
    await styles.update(1, {"tone": "wry"})
    await styles.update(2, {"tone": "warm"})
    assert await styles.forget(1) == 1
    assert (await styles.overview(1, None)).mine.is_empty()
    assert (await styles.overview(2, None)).mine.tone == "warm"


async def test_the_cache_never_serves_a_stale_style(styles: StyleService) -> None:
    assert (await styles.effective(1, 9)).tone is None  # cached as "nothing set"
    await styles.update(1, {"tone": "wry"})
    assert (await styles.effective(1, 9)).tone == "wry"
    await styles.update_guild_defaults(9, 5, {"voice": "epic"})
    assert (await styles.effective(1, 9)).voice == "epic"
    await styles.reset(1, "tone")
    assert (await styles.effective(1, 9)).tone is None
    await styles.reset_guild_defaults(9)
    assert (await styles.effective(1, 9)).voice is None
    await styles.update(1, {"tone": "warm"})
    await styles.forget(1)
    assert (await styles.effective(1, 9)).tone is None
