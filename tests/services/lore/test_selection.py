"""Which entries a prompt brings in, in what order, within what budget."""

from __future__ import annotations

from inkwell.bot.services.lore import LoreService
from inkwell.bot.services.lore.triggering import HEADING, estimate_tokens

GUILD = 1
RELAY = None


async def _bible(lore: LoreService) -> None:
    await lore.add(GUILD, None, 7, "Captain Mira", "Mira, the captain", "Mira commands the Gull.")
    await lore.add(GUILD, None, 7, "The Drowned City", "Saltmere", "A city under the bay.")
    await lore.add(GUILD, None, 7, "Ana", "Ana", "Mira's sister.")


async def test_a_key_in_the_request_brings_its_entry_in(lore: LoreService) -> None:
    await _bible(lore)
    selection = await lore.select(GUILD, None, ["A story about Mira at sea"])
    assert selection.names == ("Captain Mira",)
    assert selection.block == f"{HEADING}\n\nCaptain Mira: Mira commands the Gull."
    assert selection.footer == "lore: Captain Mira"


async def test_a_key_in_a_recent_turn_brings_its_entry_in(lore: LoreService) -> None:
    await _bible(lore)
    selection = await lore.select(GUILD, None, ["They sailed for Saltmere.", "What happens next?"])
    assert selection.names == ("The Drowned City",)


async def test_an_alias_a_case_and_punctuation_do_not_matter(lore: LoreService) -> None:
    await _bible(lore)
    assert (await lore.select(GUILD, None, ["THE CAPTAIN!"])).names == ("Captain Mira",)
    assert (await lore.select(GUILD, None, ["Mira's ship"])).names == ("Captain Mira",)
    assert (await lore.select(GUILD, None, ["the  captain,"])).names == ("Captain Mira",)


async def test_keys_outside_ascii_are_read_the_same_way(lore: LoreService) -> None:
    await lore.add(GUILD, None, 7, "Zoë Łaska", "Zoë, Straße der Möwen", "A harbour pilot.")
    assert (await lore.select(GUILD, None, ["ZOË's boat"])).names == ("Zoë Łaska",)
    assert (await lore.select(GUILD, None, ["down the strasse — der möwen"])).names == (
        "Zoë Łaska",
    )
    assert (await lore.select(GUILD, None, ["Zoe and Zoëlle"])).names == ()


async def test_only_whole_words_match(lore: LoreService) -> None:
    await _bible(lore)
    selection = await lore.select(GUILD, None, ["Admiral Banana sailed to Miranda's island."])
    assert selection.entries == ()
    assert selection.block == ""
    assert selection.footer == ""


async def test_the_entry_mentioned_latest_comes_first(lore: LoreService) -> None:
    await _bible(lore)
    selection = await lore.select(
        GUILD, None, ["Mira left Saltmere.", "Ana waited.", "Back to Saltmere, please."]
    )
    assert selection.names == ("The Drowned City", "Ana", "Captain Mira")
    paragraphs = selection.block.split("\n\n")[1:]
    assert [paragraph.split(":")[0] for paragraph in paragraphs] == list(selection.names)


async def test_an_entry_over_the_budget_is_left_out_whole(lore: LoreService) -> None:
    await lore.add(GUILD, None, 7, "Big", "big", "long words " * 70)
    await lore.add(GUILD, None, 7, "Small", "small", "Short.")
    budget = estimate_tokens(HEADING) + 20
    selection = await lore.select(GUILD, None, ["small", "big"], budget_tokens=budget)
    assert selection.names == ("Small",)
    assert "long words" not in selection.block
    nothing = await lore.select(GUILD, None, ["small"], budget_tokens=estimate_tokens(HEADING))
    assert nothing.entries == ()


async def test_a_change_is_seen_by_the_next_selection(lore: LoreService) -> None:
    await lore.add(GUILD, None, 7, "Mira", "Mira", "Old text.")
    assert "Old text." in (await lore.select(GUILD, None, ["Mira"])).block
    await lore.edit(GUILD, None, "Mira", text="New text.")
    assert "New text." in (await lore.select(GUILD, None, ["Mira"])).block
    await lore.remove(GUILD, None, "Mira")
    assert (await lore.select(GUILD, None, ["Mira"])).entries == ()


async def test_mentions_in_lore_are_defused(lore: LoreService) -> None:
    await lore.add(GUILD, None, 7, "Mira", "Mira", "Friend of <@123> and @everyone.")
    block = (await lore.select(GUILD, None, ["Mira"])).block
    assert "<@123>" not in block
    assert "@everyone" not in block
