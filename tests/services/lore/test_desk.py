"""/lore's rules, in Discord and the playground alike: which lore a command is about, who may
change it, and the content filter on what an editor writes."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from inkwell.bot.errors import Blocked, InvalidInput, NotFound
from inkwell.bot.services.filters.service import FilterService
from inkwell.bot.services.lore import LoreService
from inkwell.bot.services.lore.access import LoreNotAllowed, PlacedLore
from inkwell.bot.services.lore.desk import Asker, LoreDesk
from inkwell.bot.services.origin import Origin
from inkwell.bot.services.relay.summaries import ContextBudget
from inkwell.bot.storage.filters import FilterRepository
from inkwell.bot.storage.lore import LoreRepository
from tests.fakes import ScriptedBackend
from tests.services.relay.conftest import (
    ALICE,
    BOB,
    CHANNEL,
    CLEO,
    GUILD,
    THREAD,
    RelayWorld,
    build_world,
    scripted_model,
)
from tests.services.relay.fake_time import FakeTime

EDITORS = 7000
MODERATOR = Asker(Origin(1, GUILD, CHANNEL), manages_server=True)
MEMBER = Asker(Origin(2, GUILD, CHANNEL))
EDITOR = Asker(Origin(3, GUILD, CHANNEL, role_ids=frozenset({EDITORS})))


def in_thread(user_id: int) -> Asker:
    return Asker(Origin(user_id, GUILD, THREAD))


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[RelayWorld]:
    opened: list[RelayWorld] = []
    backend = ScriptedBackend(scripted_model)
    yield await build_world(tmp_path / "i.sqlite3", FakeTime(), backend, ContextBudget(), opened)
    for built in opened:
        await built.service.close()
        await built.database.close()


@pytest.fixture
def filters(world: RelayWorld) -> FilterService:
    return FilterService(FilterRepository(world.database))


@pytest.fixture
def desk(world: RelayWorld, filters: FilterService) -> LoreDesk:
    return LoreDesk(LoreService(LoreRepository(world.database)), world.service, filters)


async def test_outside_a_relay_thread_the_lore_is_the_servers(desk: LoreDesk) -> None:
    place, entry = await desk.add(MODERATOR, "Captain Mira", "Mira", "She sails the Gull.")

    assert place.relay_id is None
    assert place.label == "this server's lore"
    assert entry.relay_id is None


async def test_in_a_relay_thread_the_lore_is_that_relays(desk: LoreDesk, world: RelayWorld) -> None:
    relay = await world.start(ALICE, title="The Salt Road")

    place, entry = await desk.add(in_thread(ALICE.user_id), "Saltmere", "Saltmere", "It sank.")

    assert place.relay_id == relay.id
    assert entry.relay_id == relay.id
    assert place.label == "the lore of “The Salt Road”"
    _, servers = await desk.entries(MODERATOR)
    assert servers == ()


async def test_server_lore_needs_manage_server_or_the_chosen_role(desk: LoreDesk) -> None:
    with pytest.raises(LoreNotAllowed, match="needs Manage Server"):
        await desk.add(MEMBER, "Mira", "Mira", "A captain.")
    with pytest.raises(LoreNotAllowed):
        await desk.add(EDITOR, "Mira", "Mira", "A captain.")

    await desk.set_editor_role(MODERATOR, EDITORS)

    _, entry = await desk.add(EDITOR, "Mira", "Mira", "A captain.")
    assert entry.author_id == EDITOR.origin.user_id
    with pytest.raises(LoreNotAllowed, match="or the lore editors' role"):
        await desk.remove(MEMBER, "Mira")


async def test_only_a_moderator_chooses_the_editor_role(desk: LoreDesk) -> None:
    with pytest.raises(LoreNotAllowed, match="needs Manage Server"):
        await desk.set_editor_role(EDITOR, EDITORS)


async def test_a_relays_lore_is_changed_by_its_writers_not_by_passers_by(
    desk: LoreDesk, world: RelayWorld
) -> None:
    await world.start(ALICE)
    await world.join(BOB)

    await desk.add(in_thread(BOB.user_id), "The Keeper", "keeper", "He keeps the light.")
    with pytest.raises(LoreNotAllowed, match="Only the writers of “The Lighthouse”"):
        await desk.edit(in_thread(CLEO.user_id), "The Keeper", text="He left.")
    _, entry = await desk.entry(in_thread(CLEO.user_id), "the keeper")  # reading is open
    assert entry.text == "He keeps the light."


async def test_a_writer_who_left_can_no_longer_change_it(desk: LoreDesk, world: RelayWorld) -> None:
    await world.start(ALICE)
    await world.join(BOB)
    await world.service.leave(THREAD, BOB.user_id)

    with pytest.raises(LoreNotAllowed):
        await desk.add(in_thread(BOB.user_id), "The Keeper", "keeper", "He keeps the light.")


async def test_the_content_filter_checks_what_an_editor_writes(
    desk: LoreDesk, filters: FilterService
) -> None:
    await filters.rules.add_rule(
        GUILD, 1, pattern="grimwort", kind="word", action="block", applies_to="both"
    )

    with pytest.raises(Blocked):
        await desk.add(MODERATOR, "The Herb", "herb", "Grimwort grows by the well.")
    with pytest.raises(Blocked):
        await desk.add(MODERATOR, "Grimwort", "herb", "It grows by the well.")
    assert (await desk.entries(MODERATOR))[1] == ()


async def test_an_edit_must_change_something(desk: LoreDesk) -> None:
    await desk.add(MODERATOR, "Mira", "Mira", "A captain.")

    with pytest.raises(InvalidInput, match="Say what to change"):
        await desk.edit(MODERATOR, "Mira")
    with pytest.raises(NotFound, match="no entry named 'Nobody'"):
        await desk.edit(MODERATOR, "Nobody", text="x")


async def test_an_import_with_one_blocked_entry_imports_nothing(
    desk: LoreDesk, filters: FilterService
) -> None:
    await filters.rules.add_rule(
        GUILD, 1, pattern="grimwort", kind="word", action="block", applies_to="both"
    )
    book = {
        "lorebookVersion": 5,
        "entries": [
            {"displayName": "Mira", "keys": ["Mira"], "text": "A captain."},
            {"displayName": "Herb", "keys": ["herb"], "text": "Grimwort by the well."},
        ],
    }

    with pytest.raises(Blocked, match=r"The entry 'Herb'.*Nothing was imported"):
        await desk.import_json(MODERATOR, json.dumps(book))

    assert (await desk.entries(MODERATOR))[1] == ()


async def test_lore_needs_a_server(desk: LoreDesk) -> None:
    with pytest.raises(InvalidInput, match="belongs to a server"):
        await desk.entries(Asker(Origin(1)))


async def test_autocomplete_offers_the_names_containing_what_was_typed(desk: LoreDesk) -> None:
    for name in ("Captain Mira", "The Drowned City", "Miranda"):
        await desk.add(MODERATOR, name, name.split()[-1], "Something true.")

    assert await desk.names(MEMBER, "mir") == ["Captain Mira", "Miranda"]


async def test_placed_lore_in_a_relay_thread_brings_the_relays_entries_and_the_servers(
    desk: LoreDesk, world: RelayWorld
) -> None:
    await world.start(ALICE)
    await desk.add(MODERATOR, "Captain Mira", "Mira", "She commands the Gull.")
    await desk.add(in_thread(ALICE.user_id), "Saltmere", "Saltmere", "It sank.")
    placed = PlacedLore(desk.lore, world.service)
    text = ("Mira rowed out over Saltmere.",)

    in_the_thread = await placed.select_at(Origin(ALICE.user_id, GUILD, THREAD), text)
    elsewhere = await placed.select_at(Origin(ALICE.user_id, GUILD, CHANNEL), text)
    in_a_dm = await placed.select_at(Origin(ALICE.user_id), text)

    assert set(in_the_thread.names) == {"Captain Mira", "Saltmere"}
    assert elsewhere.names == ("Captain Mira",)
    assert in_a_dm.names == ()
