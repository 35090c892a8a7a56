"""NovelAI lorebooks and SillyTavern World Info files, in and out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from inkwell.bot.services.lore import LoreError, LoreService

GUILD = 1
DATA = Path(__file__).parent / "data"


async def test_a_novelai_lorebook_round_trips_with_its_unknown_fields(lore: LoreService) -> None:
    original = json.loads((DATA / "novelai.lorebook").read_text())
    report = await lore.import_json(GUILD, None, 7, (DATA / "novelai.lorebook").read_bytes())
    assert (report.added, report.updated, report.format) == (2, 0, "novelai")
    mira = await lore.entry(GUILD, None, "Captain Mira")
    assert mira.keys == ("Mira", "the captain")
    exported = json.loads(await lore.export_json(GUILD, None, "novelai"))
    assert exported["lorebookVersion"] == original["lorebookVersion"]
    by_name = {entry["displayName"]: entry for entry in exported["entries"]}
    for entry in original["entries"]:
        assert by_name[entry["displayName"]] == entry


async def test_a_sillytavern_file_round_trips_with_its_unknown_fields(lore: LoreService) -> None:
    original = json.loads((DATA / "sillytavern.json").read_text())
    report = await lore.import_json(GUILD, None, 7, (DATA / "sillytavern.json").read_text())
    assert (report.added, report.updated, report.format) == (2, 0, "sillytavern")
    exported = json.loads(await lore.export_json(GUILD, None, "sillytavern"))
    by_name = {entry["comment"]: entry for entry in exported["entries"].values()}
    for entry in original["entries"].values():
        back = by_name[entry["comment"]]
        assert {k: v for k, v in back.items() if k != "uid"} == {
            k: v for k, v in entry.items() if k != "uid"
        }
    assert sorted(int(uid) for uid in exported["entries"]) == [0, 1]


async def test_fields_of_one_format_do_not_cross_into_the_other(lore: LoreService) -> None:
    await lore.import_json(GUILD, None, 7, (DATA / "sillytavern.json").read_text())
    exported = json.loads(await lore.export_json(GUILD, None, "novelai"))
    assert all("selective" not in entry for entry in exported["entries"])
    again = await lore.import_json(GUILD, None, 7, json.dumps(exported))
    assert (again.added, again.updated) == (0, 2)


async def test_an_import_updates_entries_whose_names_exist(lore: LoreService) -> None:
    await lore.add(GUILD, None, 8, "captain mira", "Mira", "Old text.")
    report = await lore.import_json(GUILD, None, 7, (DATA / "novelai.lorebook").read_text())
    assert (report.added, report.updated) == (1, 1)
    mira = await lore.entry(GUILD, None, "Captain Mira")
    assert mira.text.startswith("Captain Mira commands")
    assert mira.author_id == 8


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("{not json", "not JSON"),
        ('["a list"]', "neither a NovelAI lorebook"),
        (
            '{"lorebookVersion": 5, "entries": [{"displayName": "A", "keys": ["aa"]}]}',
            "Entry 1 \\('A'\\) has no 'text' field",
        ),
        (
            '{"lorebookVersion": 5, "entries": [{"displayName": "A", "keys": "aa", "text": "t"}]}',
            "Entry 1 \\('A'\\): the field 'keys' should be a list",
        ),
        (
            '{"entries": {"3": {"key": ["x"], "comment": "Kite", "content": "t"}}}',
            "Entry 3 \\('Kite'\\): The key 'x' is too short",
        ),
        (
            '{"entries": {"0": {"key": ["aa"], "comment": "A", "content": "t"},'
            ' "1": {"key": ["bb"], "comment": "a", "content": "t"}}}',
            "two entries named 'a'",
        ),
    ],
)
async def test_a_malformed_file_changes_nothing_and_says_what_is_wrong(
    lore: LoreService, document: str, message: str
) -> None:
    await lore.add(GUILD, None, 7, "Keep", "keep", "Kept.")
    good = '{"displayName": "Good", "keys": ["good"], "text": "Fine."}'
    if document.startswith('{"lorebookVersion"'):
        document = document.replace('"entries": [', f'"entries": [{good}, ').replace(
            "Entry 1", "Entry 2"
        )
        message = message.replace("Entry 1", "Entry 2")
    with pytest.raises(LoreError, match=message):
        await lore.import_json(GUILD, None, 7, document)
    assert [entry.name for entry in await lore.entries(GUILD, None)] == ["Keep"]
