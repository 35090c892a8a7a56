"""A /story carries the server's lore its request names, after the shared prefix."""

from __future__ import annotations

from inkwell.bot.services.creation_service import CreationService
from inkwell.bot.services.limits import Cooldowns, GuildConcurrency
from inkwell.bot.services.lore import LoreService
from inkwell.bot.services.origin import Origin
from inkwell.bot.services.prompts import PromptLibrary
from inkwell.bot.services.styles import StyleService
from inkwell.bot.storage.database import Database
from tests.fakes import ScriptedBackend

GUILD = 500
ALICE = Origin(user_id=11, guild_id=GUILD)
MIRA = "Captain Mira commands the Gull; she lost an eye to the Drowned City."


def make_service(
    database: Database, backend: ScriptedBackend, lore: LoreService
) -> CreationService:
    return CreationService(
        backend,
        StyleService(database),
        PromptLibrary.load(),
        Cooldowns(10, 0.0),
        GuildConcurrency(4),
        lore=lore,
    )


async def write(service: CreationService, form: str, subject: str, origin: Origin = ALICE) -> str:
    options: dict[str, str | int | None] = {"form": "free"} if form == "poem" else {}
    creation = await service.begin(service.validate(form, subject, options), origin)
    async for _ in creation.write():
        pass
    return creation.lore_footer


async def test_a_story_naming_a_key_carries_the_entry_before_its_request(
    database: Database, lore: LoreService
) -> None:
    await lore.add(GUILD, None, 7, "Captain Mira", "Mira, the captain", MIRA)
    backend = ScriptedBackend(["The Gull sailed at dawn."])
    service = make_service(database, backend, lore)

    footer = await write(service, "story", "mira's last voyage")

    user = backend.requests[0].messages[1].content
    assert MIRA in user
    assert user.index(MIRA) < user.index("mira's last voyage")
    assert footer == "lore: Captain Mira"


async def test_the_system_message_is_the_same_bytes_with_or_without_lore(
    database: Database, lore: LoreService
) -> None:
    await lore.add(GUILD, None, 7, "Captain Mira", "Mira", MIRA)
    backend = ScriptedBackend(["One.", "Two."])
    service = make_service(database, backend, lore)

    await write(service, "story", "Mira at sea")
    await write(service, "story", "a lighthouse keeper")

    with_lore, without = (request.messages for request in backend.requests)
    assert MIRA in with_lore[1].content
    assert MIRA not in without[1].content
    assert with_lore[0] == without[0]


async def test_a_story_that_names_no_key_carries_no_lore_and_no_footer(
    database: Database, lore: LoreService
) -> None:
    await lore.add(GUILD, None, 7, "Captain Mira", "Mira", MIRA)
    backend = ScriptedBackend(["Quiet."])
    service = make_service(database, backend, lore)

    assert await write(service, "story", "Admiral Mirabel's garden") == ""
    assert MIRA not in backend.requests[0].messages[1].content


async def test_only_the_servers_own_lore_reaches_its_stories(
    database: Database, lore: LoreService
) -> None:
    await lore.add(GUILD + 1, None, 7, "Captain Mira", "Mira", MIRA)
    backend = ScriptedBackend(["Elsewhere."])
    service = make_service(database, backend, lore)

    assert await write(service, "story", "Mira's voyage") == ""
    assert await write(service, "story", "Mira's voyage", Origin(user_id=12, guild_id=None)) == ""
    assert all(MIRA not in request.messages[1].content for request in backend.requests)


async def test_a_poem_is_written_to_its_form_without_the_servers_lore(
    database: Database, lore: LoreService
) -> None:
    await lore.add(GUILD, None, 7, "Captain Mira", "Mira", MIRA)
    backend = ScriptedBackend(["Salt on the wind."])
    service = make_service(database, backend, lore)

    assert await write(service, "poem", "Mira") == ""
    assert all(MIRA not in message.content for message in backend.requests[0].messages)
