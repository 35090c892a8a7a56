"""A relay world for service tests: a temporary database, fake time, a scripted model and a
notifier that records what the thread would read."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from inkwell.bot.services.lore.source import LoreSource
from inkwell.bot.services.origin import Origin
from inkwell.bot.services.relay import (
    ContextBudget,
    Person,
    Place,
    RelayOptions,
    RelayPrompts,
    RelayRecord,
    RelayService,
    TurnRecord,
)
from inkwell.bot.storage.database import Database
from inkwell.bot.storage.relay import RelayRepository
from inkwell.serving.backend import GenerationRequest
from tests.fakes import ScriptedBackend
from tests.services.relay.fake_time import FakeTime
from tests.services.relay.recording_notifier import RecordingNotifier

GUILD = 900
CHANNEL = 901
THREAD = 902

ALICE = Person(101, "Alice")
BOB = Person(102, "Bob")
CLEO = Person(103, "Cleo")
DEV = Person(104, "Dev")

MODEL_TURN_TEXT = "The fog rolled in over the harbour."
SUMMARY_TEXT = "So far: Alice found a letter in a bottle."


def is_summary_request(request: GenerationRequest) -> bool:
    return "Form: a summary" in request.messages[0].content


def scripted_model(request: GenerationRequest) -> Sequence[str]:
    """The model's answers: a summary when asked for one, otherwise a turn of the story."""
    if is_summary_request(request):
        return [SUMMARY_TEXT]
    return ["The fog ", "rolled in ", "over the harbour."]


@dataclass
class RelayWorld:
    path: Path
    database: Database
    repository: RelayRepository
    service: RelayService
    time: FakeTime
    notifier: RecordingNotifier
    backend: ScriptedBackend
    budget: ContextBudget
    opened: list[RelayWorld]
    thread_id: int = THREAD

    async def start(self, starter: Person = ALICE, **options: Any) -> RelayRecord:
        options.setdefault("title", "The Lighthouse")
        draft = await self.service.prepare(
            RelayOptions(**options), Origin(starter.user_id, GUILD, CHANNEL)
        )
        relay = await self.service.create(draft, Place(self.thread_id, GUILD, CHANNEL), starter)
        await self.time.settle()
        return relay

    async def join(self, *people: Person) -> None:
        for person in people:
            await self.service.join(self.thread_id, person)
        await self.time.settle()

    async def write(self, person: Person, text: str = "", **options: Any) -> TurnRecord:
        text = text or f"{person.name} wrote a line."
        turn = await self.service.write_turn(self.thread_id, person, text, **options)
        await self.time.settle()
        return turn

    async def relay(self) -> RelayRecord:
        relay = await self.repository.by_thread(self.thread_id)
        assert relay is not None
        return relay

    async def whose_turn(self) -> int | None:
        return (await self.relay()).writer_id

    async def story(self) -> list[str]:
        relay = await self.relay()
        return [turn.text for turn in await self.repository.turns(relay.id)]

    async def restart(self, *, same_thread: bool = False) -> RelayWorld:
        """Drop the service and the database connection; build new ones on the same file.

        The new world has a new notifier, unless ``same_thread``: then it posts into the
        thread the old one posted in (and can find what the old process posted there).
        """
        await self.service.close()
        await self.database.close()
        notifier = self.notifier if same_thread else None
        return await build_world(
            self.path, self.time, self.backend, self.budget, self.opened, notifier=notifier
        )


async def build_world(
    path: Path,
    time: FakeTime,
    backend: ScriptedBackend,
    budget: ContextBudget,
    opened: list[RelayWorld],
    seed: int = 7,
    *,
    notifier: RecordingNotifier | None = None,
    lore: LoreSource | None = None,
) -> RelayWorld:
    database = Database(path)
    await database.open()
    repository = RelayRepository(database)
    service = RelayService(
        repository,
        backend,
        RelayPrompts.load(),
        time=time.source,
        rng=random.Random(seed),
        budget=budget,
        lore=lore,
    )
    time.tasks = service.background_tasks
    notifier = notifier or RecordingNotifier()
    await service.open(notifier)
    await time.settle()
    world = RelayWorld(path, database, repository, service, time, notifier, backend, budget, opened)
    opened.append(world)
    return world


@pytest.fixture
def backend() -> ScriptedBackend:
    return ScriptedBackend(scripted_model)


@pytest.fixture
def budget() -> ContextBudget:
    return ContextBudget()


@pytest.fixture
async def world(
    tmp_path: Path, backend: ScriptedBackend, budget: ContextBudget
) -> AsyncIterator[RelayWorld]:
    opened: list[RelayWorld] = []
    yield await build_world(tmp_path / "inkwell.sqlite3", FakeTime(), backend, budget, opened)
    for built in opened:
        await built.service.close()
        await built.database.close()
