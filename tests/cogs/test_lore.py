"""/lore … through real discord.py interactions: the server's story bible and a relay's."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from discord.enums import AppCommandOptionType

from inkwell.bot.runtime import open_services
from inkwell.bot.services.bundle import Services
from inkwell.bot.settings import Settings
from tests.cogs.fake_threads import FakeThreadApi
from tests.cogs.test_relay import start_relay
from tests.fakes import ScriptedBackend
from tests.harness import FakeUser, Harness, InteractionEvents, option, slash
from tests.harness.snowflakes import new_snowflake
from tests.services.relay.fake_time import FakeTime

MIRA = "Mira commands the Gull; she lost an eye to the Drowned City."


@pytest.fixture
async def services(settings: Settings, backend: ScriptedBackend) -> AsyncIterator[Services]:
    clock = FakeTime()
    services = await open_services(settings, backend=backend, relay_time=clock.source)
    clock.tasks = services.relay.background_tasks
    yield services
    await services.close()


@pytest.fixture
def mod(inkwell: Harness) -> FakeUser:
    return inkwell.new_user("mod", manage_guild=True)


@pytest.fixture
async def api(inkwell: Harness, monkeypatch: pytest.MonkeyPatch) -> FakeThreadApi:
    fake = FakeThreadApi(inkwell)
    fake.install(monkeypatch)
    return fake


async def add_mira(inkwell: Harness, user: FakeUser, **where: Any) -> InteractionEvents:
    return await inkwell.run_slash(
        "lore add", user=user, name="Captain Mira", keys="Mira, the captain", text=MIRA, **where
    )


def description(events: InteractionEvents) -> str:
    text: str = events.first("response").embeds[0]["description"]
    return text


async def test_a_moderator_adds_an_entry_and_members_read_it(
    inkwell: Harness, mod: FakeUser
) -> None:
    added = await add_mira(inkwell, mod)
    assert added.ephemeral()
    assert added.last_content() == (
        "Added **Captain Mira** to this server's lore. It goes into a prompt that mentions "
        "Mira, the captain."
    )

    shown = await inkwell.run_slash("lore show", user=inkwell.user, name="captain mira")
    embed = shown.first("response").embeds[0]
    assert embed["title"] == "Captain Mira"
    assert embed["description"] == MIRA
    assert embed["fields"][0]["value"] == "Mira, the captain"
    assert embed["footer"]["text"] == "This server's lore · 12/150 words"


async def test_a_member_without_manage_server_cannot_change_the_servers_lore(
    inkwell: Harness, services: Services
) -> None:
    events = await add_mira(inkwell, inkwell.user)

    assert events.ephemeral()
    assert events.last_content() == "Changing this server's lore needs Manage Server."
    assert await services.lore.entries(inkwell.guild.id, None) == ()


async def test_the_role_moderators_choose_may_edit(inkwell: Harness, mod: FakeUser) -> None:
    role = inkwell.new_role("Loremasters")
    keeper = inkwell.new_user("keeper", roles=(role.id,))

    chosen = await inkwell.run_slash("lore editor-role", user=mod, role=role)
    assert chosen.last_content() == f"Members with <@&{role.id}> can now edit this server's lore."
    assert chosen.pings_nobody()

    assert "Added **Captain Mira**" in (await add_mira(inkwell, keeper)).last_content()
    refused = await inkwell.run_slash("lore editor-role", user=keeper, role=role)
    assert refused.last_content() == "Choosing who edits this server's lore needs Manage Server."


async def test_too_short_a_key_says_why(inkwell: Harness, mod: FakeUser) -> None:
    events = await inkwell.run_slash(
        "lore add", user=mod, name="Mira", keys="M, Mira", text="A captain."
    )
    assert "The key 'M' is too short" in (events.last_content() or "")


async def test_too_long_a_text_says_how_long_it_may_be(inkwell: Harness, mod: FakeUser) -> None:
    events = await inkwell.run_slash(
        "lore add", user=mod, name="Mira", keys="Mira", text=" ".join(["word"] * 151)
    )
    assert events.last_content() == (
        "A lore entry's text may be at most 150 words; this one has 151."
    )


async def test_edit_opens_the_entry_filled_in_and_saves_what_changed(
    inkwell: Harness, services: Services, mod: FakeUser
) -> None:
    await add_mira(inkwell, mod)

    opened = await inkwell.run_slash("lore edit", user=mod, name="Captain Mira")
    fields = [row["components"][0] for row in opened.modal().payload["components"]]
    assert [field["value"] for field in fields] == ["Captain Mira", "Mira, the captain", MIRA]

    saved = await inkwell.submit_modal(fields={"Keys, comma-separated": "Mira, the one-eyed"})
    assert saved.last_content() == "Saved **Captain Mira** in this server's lore."
    (entry,) = await services.lore.entries(inkwell.guild.id, None)
    assert entry.keys == ("Mira", "the one-eyed")
    assert entry.text == MIRA


async def test_edit_is_refused_before_the_form_opens(inkwell: Harness, mod: FakeUser) -> None:
    await add_mira(inkwell, mod)

    events = await inkwell.run_slash("lore edit", user=inkwell.user, name="Captain Mira")

    assert events.kinds() != ["modal"]
    assert events.last_content() == "Changing this server's lore needs Manage Server."


async def test_remove_names_what_it_removed_and_unknown_names_are_explained(
    inkwell: Harness, services: Services, mod: FakeUser
) -> None:
    await add_mira(inkwell, mod)

    missing = await inkwell.run_slash("lore remove", user=mod, name="Tomas")
    assert missing.last_content() == "There is no entry named 'Tomas' in this server's lore."
    removed = await inkwell.run_slash("lore remove", user=mod, name="captain mira")
    assert removed.last_content() == "Removed **Captain Mira** from this server's lore."
    assert await services.lore.entries(inkwell.guild.id, None) == ()


async def test_the_list_pages_through_many_entries(inkwell: Harness, mod: FakeUser) -> None:
    empty = await inkwell.run_slash("lore list", user=inkwell.user)
    assert "No entries yet" in description(empty)
    for number in range(1, 11):
        await inkwell.run_slash(
            "lore add", user=mod, name=f"Place {number}", keys=f"place{number}", text="A place."
        )

    listed = await inkwell.run_slash("lore list", user=inkwell.user)
    first = listed.first("response").embeds[0]
    assert "**Place 1** · keys: place1\nA place." in first["description"]
    assert first["footer"]["text"] == "10/500 entries · page 1/2"
    turned = await inkwell.click(label="›", user=inkwell.user)
    assert "**Place 9**" in turned.first("update").embeds[0]["description"]


async def test_entry_names_pasted_with_markdown_are_shown_as_written(
    inkwell: Harness, mod: FakeUser
) -> None:
    await inkwell.run_slash("lore add", user=mod, name="**Bold** Bo", keys="Bo", text="@everyone")
    shown = await inkwell.run_slash("lore show", user=inkwell.user, name="**Bold** Bo")
    assert shown.first("response").embeds[0]["description"] == "@everyone"
    assert shown.pings_nobody()


# -- a relay's own lore ---------------------------------------------------------------------


async def test_in_a_relay_thread_lore_is_the_relays_and_its_writers_edit_it(
    inkwell: Harness, services: Services, api: FakeThreadApi
) -> None:
    thread = await start_relay(inkwell, api, title="The Salt Road")
    passer_by = inkwell.new_user("passer-by")

    added = await add_mira(inkwell, inkwell.user, channel=thread)
    assert "to the lore of “The Salt Road”" in (added.last_content() or "")
    refused = await inkwell.run_slash(
        "lore remove", user=passer_by, channel=thread, name="Captain Mira"
    )
    assert refused.last_content() == (
        "Only the writers of “The Salt Road” can change its lore; join the relay first."
    )
    assert await services.lore.entries(inkwell.guild.id, None) == ()
    outside = await inkwell.run_slash("lore list", user=passer_by)
    assert "No entries yet" in description(outside)


# -- files ------------------------------------------------------------------------------------


async def run_import(
    inkwell: Harness, monkeypatch: pytest.MonkeyPatch, data: bytes, user: FakeUser
) -> InteractionEvents:
    attachment_id = str(new_snowflake())
    url = f"https://cdn.discordapp.com/attachments/1/{attachment_id}/book.json"

    async def from_cdn(requested: str) -> bytes:
        assert requested == url
        return data

    monkeypatch.setattr(inkwell.bot.http, "get_from_cdn", from_cdn)
    payload = slash(
        "lore",
        subcommand="import",
        options=[option("file", AppCommandOptionType.attachment, attachment_id)],
        user=user,
        guild=inkwell.guild,
        resolved={
            "attachments": {
                attachment_id: {
                    "id": attachment_id,
                    "filename": "book.json",
                    "size": len(data),
                    "url": url,
                    "proxy_url": url,
                    "content_type": "application/json",
                }
            }
        },
    )
    return await inkwell.dispatch(payload)


async def test_a_novelai_lorebook_imports_and_exports_again(
    inkwell: Harness, services: Services, mod: FakeUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = {
        "lorebookVersion": 5,
        "entries": [
            {"displayName": "Saltmere", "keys": ["Saltmere"], "text": "It sank.", "enabled": True}
        ],
    }

    imported = await run_import(inkwell, monkeypatch, json.dumps(book).encode(), mod)
    assert imported.last_content() == (
        "Imported a novelai lorebook into this server's lore: 1 new entry, 0 updated."
    )
    exported = await inkwell.run_slash("lore export", user=mod, format="novelai")
    (attachment,) = exported.first("response").files
    written = json.loads(attachment.data)
    assert written["entries"][0]["displayName"] == "Saltmere"
    assert written["entries"][0]["enabled"] is True


async def test_a_malformed_file_changes_nothing_and_says_what_is_wrong(
    inkwell: Harness, services: Services, mod: FakeUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    await add_mira(inkwell, mod)

    events = await run_import(inkwell, monkeypatch, b'{"entries": 3}', mod)

    assert events.ephemeral()
    assert "lorebook" in (events.last_content() or "").lower()
    assert [entry.name for entry in await services.lore.entries(inkwell.guild.id, None)] == [
        "Captain Mira"
    ]


async def test_only_editors_import(
    inkwell: Harness, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    events = await run_import(inkwell, monkeypatch, b"{}", inkwell.user)
    assert events.last_content() == "Changing this server's lore needs Manage Server."
