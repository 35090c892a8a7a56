"""Adding, editing and removing entries; what an entry may hold; forget-me."""

from __future__ import annotations

import pytest

from inkwell.bot.errors import InvalidInput, NotFound
from inkwell.bot.services.lore import LoreError, LoreService
from inkwell.bot.storage.database import Database
from inkwell.bot.storage.forget import forget_member

GUILD = 1


async def test_an_entry_is_kept_with_trimmed_deduplicated_keys(lore: LoreService) -> None:
    entry = await lore.add(
        GUILD, None, 7, " Captain  Mira ", "Mira, mira , the captain", "A captain."
    )
    assert entry.name == "Captain Mira"
    assert entry.keys == ("Mira", "the captain")
    assert entry.author_id == 7
    assert await lore.entry(GUILD, None, "captain mira") == entry


async def test_names_are_unique_per_scope_whatever_their_case(lore: LoreService) -> None:
    await lore.add(GUILD, None, 7, "Mira", "Mira", "A captain.")
    with pytest.raises(LoreError, match="already has an entry named"):
        await lore.add(GUILD, None, 7, "MIRA", "Mira", "Another.")
    other_guild = await lore.add(GUILD + 1, None, 7, "Mira", "Mira", "Elsewhere.")
    assert other_guild.guild_id == GUILD + 1


async def test_entries_are_listed_by_name_and_one_scope_at_a_time(
    lore: LoreService, database: Database
) -> None:
    await lore.add(GUILD, None, 7, "Zed", "Zed", "Z.")
    await lore.add(GUILD, None, 7, "alpha", "alpha", "A.")
    assert [entry.name for entry in await lore.entries(GUILD, None)] == ["alpha", "Zed"]


async def test_an_edit_changes_only_what_it_names(lore: LoreService) -> None:
    await lore.add(GUILD, None, 7, "Mira", "Mira", "A captain.")
    edited = await lore.edit(GUILD, None, "mira", new_name="Captain Mira", keys="Mira, Cap")
    assert (edited.name, edited.keys, edited.text) == (
        "Captain Mira",
        ("Mira", "Cap"),
        "A captain.",
    )
    with pytest.raises(NotFound, match="no entry named 'Mira'"):
        await lore.entry(GUILD, None, "Mira")


async def test_a_removed_entry_is_gone(lore: LoreService) -> None:
    await lore.add(GUILD, None, 7, "Mira", "Mira", "A captain.")
    removed = await lore.remove(GUILD, None, "MIRA")
    assert removed.name == "Mira"
    assert await lore.entries(GUILD, None) == ()
    with pytest.raises(NotFound):
        await lore.remove(GUILD, None, "Mira")


async def test_a_one_letter_key_is_refused_with_the_reason(lore: LoreService) -> None:
    with pytest.raises(InvalidInput, match="'x' is too short: a key needs at least 2"):
        await lore.add(GUILD, None, 7, "Mira", "Mira, x", "A captain.")


async def test_more_than_ten_keys_are_refused_saying_the_cap(lore: LoreService) -> None:
    keys = ", ".join(f"key{number}" for number in range(11))
    with pytest.raises(LoreError, match="at most 10 keys; this one has 11"):
        await lore.add(GUILD, None, 7, "Mira", keys, "A captain.")


async def test_a_text_over_150_words_is_refused_saying_both_lengths(lore: LoreService) -> None:
    with pytest.raises(LoreError, match="at most 150 words; this one has 151"):
        await lore.add(GUILD, None, 7, "Mira", "Mira", "word " * 151)
    with pytest.raises(LoreError, match="needs some text"):
        await lore.add(GUILD, None, 7, "Mira", "Mira", "   ")
    with pytest.raises(LoreError, match="at most 100 characters; this one has 101"):
        await lore.add(GUILD, None, 7, "n" * 101, "Mira", "A captain.")
    assert await lore.entries(GUILD, None) == ()


async def test_the_editor_role_is_kept_per_server(lore: LoreService) -> None:
    assert await lore.editor_role(GUILD) is None
    await lore.set_editor_role(GUILD, 55)
    assert await lore.editor_role(GUILD) == 55
    await lore.set_editor_role(GUILD, None)
    assert await lore.editor_role(GUILD) is None


async def test_forget_me_keeps_the_entry_but_not_its_author(
    lore: LoreService, database: Database
) -> None:
    await lore.add(GUILD, None, 7, "Mira", "Mira", "A captain.")
    await lore.add(GUILD, None, 8, "Saltmere", "Saltmere", "A city.")
    await forget_member(database, 7)
    authors = {entry.name: entry.author_id for entry in await lore.entries(GUILD, None)}
    assert authors == {"Mira": None, "Saltmere": 8}
