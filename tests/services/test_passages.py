"""The passage tools, against a scripted backend."""

from __future__ import annotations

import asyncio

import pytest

from inkwell.bot.errors import InvalidInput, OnCooldown, TooBusy
from inkwell.bot.services.limits import Cooldowns, GuildConcurrency
from inkwell.bot.services.origin import Origin
from inkwell.bot.services.passages import UNFINISHED_NOTE, PassageService
from inkwell.bot.services.styles import StyleService
from inkwell.bot.storage.database import Database
from tests.fakes import FakeClock, ScriptedBackend


def service(database: Database, backend: ScriptedBackend) -> PassageService:
    return PassageService(backend, StyleService(database), system="You help writers.")


async def test_rewrite_returns_three_distinct_alternatives(database: Database) -> None:
    backend = ScriptedBackend(["Sure! Here's a rewrite:\n", "The rain fell. And then"])
    result = await service(database, backend).rewrite("It rained.", Origin(1))
    assert len(result.texts) == 3
    assert len(set(result.texts)) == 3
    assert result.texts[0] == "The rain fell."  # chatter dropped, the fragment cut
    assert not any(text.endswith("then") for text in result.texts)


async def test_continue_on_an_unfinished_passage_says_so(database: Database) -> None:
    backend = ScriptedBackend(["the door. She ran."])
    result = await service(database, backend).continue_text("She opened", Origin(1))
    assert UNFINISHED_NOTE in result.notes
    assert "mid-sentence" in backend.requests[0].messages[1].content


async def test_empty_text_is_refused(database: Database) -> None:
    with pytest.raises(InvalidInput):
        await service(database, ScriptedBackend()).describe("   ", Origin(1))


async def test_a_member_waits_out_the_cooldown_between_tools(database: Database) -> None:
    clock = FakeClock()
    passages = PassageService(
        ScriptedBackend(), StyleService(database), system="…", cooldowns=Cooldowns(1, 10, clock)
    )
    await passages.describe("It rained.", Origin(1))
    with pytest.raises(OnCooldown):
        await passages.feedback("It rained.", Origin(1))
    await passages.feedback("It rained.", Origin(2))  # another member is not held back
    clock.advance(10)
    assert (await passages.feedback("It rained.", Origin(1))).text


async def test_a_full_server_is_refused_at_once(database: Database) -> None:
    pause = asyncio.Event()
    passages = PassageService(
        ScriptedBackend(pause=pause),
        StyleService(database),
        system="…",
        concurrency=GuildConcurrency(1),
    )
    first = asyncio.ensure_future(passages.describe("It rained.", Origin(1, guild_id=7)))
    await asyncio.sleep(0.01)
    with pytest.raises(TooBusy):
        await passages.rewrite("It rained.", Origin(2, guild_id=7))
    pause.set()
    assert (await first).text
