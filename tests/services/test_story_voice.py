"""A story's point of view and tense, as the member's style asks: read, reported, and used
to choose which of the stories written together is shown first."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Sequence

from inkwell.bot.records.styles import StyleRecord
from inkwell.bot.services.craft.voice import Voice
from inkwell.bot.services.origin import Origin
from inkwell.bot.storage.database import Database
from inkwell.serving.backend import Delta, GenerationRequest
from tests.fakes import FakeClock
from tests.services.test_creation import collect, make_service

ALICE = Origin(user_id=11, guild_id=500)

THIRD_PRESENT = (
    "Mira walks to the harbour. She counts the boats and she waits. The gulls circle and "
    "she watches them. Her brother is late again, and she is cold."
)
FIRST_PAST = (
    "I walked to the harbour at dawn. I counted the boats and I waited. The gulls circled "
    "above me. My brother was late again, and I was cold."
)


class StoriesBackend:
    """Streams ``stories[i]`` as variant ``i``, a word at a time."""

    name = "stories"

    def __init__(self, stories: Sequence[str]) -> None:
        self.stories = stories
        self.requests: list[GenerationRequest] = []

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        return None

    async def stream(self, request: GenerationRequest) -> AsyncGenerator[Delta, None]:
        self.requests.append(request)
        for index in range(request.sampling.n):
            words = self.stories[index].split(" ")
            for position, word in enumerate(words):
                last = position == len(words) - 1
                yield Delta(index, word + ("" if last else " "), "stop" if last else None)


async def test_the_story_that_reads_as_asked_is_shown_and_reported(database: Database) -> None:
    backend = StoriesBackend([THIRD_PRESENT, FIRST_PAST])
    service = make_service(database, backend, clock=FakeClock())  # type: ignore[arg-type]
    await service.styles.update(ALICE.user_id, {"pov": "first", "tense": "past"})
    creation = await service.begin(service.validate("story", "the harbour at dawn", {}), ALICE)

    await collect(creation.write())

    assert backend.requests[0].sampling.n == 2  # two stories in one request to choose from
    assert creation.current == FIRST_PAST
    assert creation.report == "story · first person ✓ · past tense ✓"
    creation.flip(1)
    assert creation.current == THIRD_PRESENT
    assert creation.report == "story · third person (asked first) · present tense (asked past)"


async def test_a_story_with_no_voice_asked_is_written_once_with_no_report(
    database: Database,
) -> None:
    backend = StoriesBackend([THIRD_PRESENT, FIRST_PAST])
    service = make_service(database, backend, clock=FakeClock())  # type: ignore[arg-type]
    creation = await service.begin(service.validate("story", "the harbour at dawn", {}), ALICE)

    await collect(creation.write())

    assert backend.requests[0].sampling.n == 1
    assert creation.variants == [THIRD_PRESENT]
    assert creation.report is None


async def test_the_calls_own_point_of_view_wins_over_the_style(database: Database) -> None:
    backend = StoriesBackend([FIRST_PAST, FIRST_PAST])
    service = make_service(database, backend, clock=FakeClock())  # type: ignore[arg-type]
    await service.styles.update(ALICE.user_id, {"pov": "first"})
    creation = await service.begin(
        service.validate("story", "the harbour", {"pov": "third"}), ALICE
    )

    await collect(creation.write())

    assert creation.voice == Voice(pov="third")
    assert creation.report == "story · first person (asked third) · past tense"


def test_values_that_are_no_point_of_view_or_tense_count_as_not_asked() -> None:
    assert Voice.asked({}, StyleRecord(pov="omniscient", tense="past")) == Voice(tense="past")
    assert Voice.asked({"pov": "second"}, StyleRecord()) == Voice(pov="second")


async def test_without_drafting_a_story_is_written_once_as_a_bare_model_would(
    database: Database,
) -> None:
    backend = StoriesBackend([THIRD_PRESENT, FIRST_PAST])
    service = make_service(database, backend, clock=FakeClock())  # type: ignore[arg-type]
    service.drafting = False
    await service.styles.update(ALICE.user_id, {"pov": "first"})
    creation = await service.begin(service.validate("story", "the harbour", {}), ALICE)

    await collect(creation.write())

    assert creation.variants == [THIRD_PRESENT]
