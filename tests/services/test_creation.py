"""The creation engine: validate, stream, stop, regenerate, continue, flip, fit posts."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator

import pytest

from inkwell.bot.errors import Blocked, InvalidInput, OnCooldown, TooBusy
from inkwell.bot.services.content_policy import Verdict
from inkwell.bot.services.creation_service import CreationService
from inkwell.bot.services.limits import Cooldowns, GuildConcurrency
from inkwell.bot.services.origin import Origin
from inkwell.bot.services.posts import post_schema
from inkwell.bot.services.prompts import PromptLibrary
from inkwell.bot.services.styles import StyleService
from inkwell.bot.storage.database import Database
from inkwell.bot.text.post_length import post_length
from tests.fakes import FakeClock, ScriptedBackend

ALICE = Origin(user_id=11, guild_id=500)


def make_service(
    database: Database,
    backend: ScriptedBackend,
    *,
    clock: FakeClock | None = None,
    concurrency: int = 4,
    structured_posts: bool = False,
    drafting: bool = True,
) -> CreationService:
    clock = clock or FakeClock()
    return CreationService(
        backend,
        StyleService(database),
        PromptLibrary.load(),
        Cooldowns(1, 10.0, clock=clock),
        GuildConcurrency(concurrency, clock=clock),
        structured_posts=structured_posts,
        clock=clock,
        drafting=drafting,
    )


async def collect(texts: AsyncIterator[str]) -> list[str]:
    return [text async for text in texts]


async def test_a_poem_streams_growing_text_and_keeps_it_as_a_variant(database: Database) -> None:
    backend = ScriptedBackend(["Snow ", "on ", "the ", "pine."])
    service = make_service(database, backend)
    creation = await service.begin(service.validate("poem", "first snow", {"form": "free"}), ALICE)

    shown = await collect(creation.write())

    assert shown[0] == "Snow "
    assert shown[-1] == "Snow on the pine."
    assert all(later.startswith(earlier) for earlier, later in itertools.pairwise(shown))
    assert creation.variants == ["Snow on the pine."]


async def test_the_members_style_reaches_the_prompt_and_options_win(database: Database) -> None:
    backend = ScriptedBackend()
    service = make_service(database, backend)
    await service.styles.update(ALICE.user_id, {"tone": "wry", "voice": "lyrical"})
    creation = await service.begin(service.validate("story", "a heist", {"tone": "grim"}), ALICE)
    await collect(creation.write())
    user_message = backend.requests[0].messages[1].content
    assert "Voice: lyrical" in user_message
    assert "Tone: wry" not in user_message
    assert "Tone: grim" in user_message


async def test_mentions_in_a_prompt_never_reach_the_model_as_pings(database: Database) -> None:
    backend = ScriptedBackend()
    service = make_service(database, backend)
    request = service.validate("poem", "ode to <@123> and @everyone", {})
    await collect((await service.begin(request, ALICE)).write())
    sent = backend.requests[0].messages[1].content
    assert "<@123>" not in sent
    assert "@everyone" not in sent


@pytest.mark.parametrize(
    ("form", "subject", "options", "message"),
    [
        pytest.param("poem", "   ", {}, "topic is empty", id="blank-topic"),
        pytest.param("poem", "\u200b\u200b", {}, "topic is empty", id="zero-width-topic"),
        pytest.param("story", "x" * 1001, {}, "limit is 1,000", id="too-long"),
        pytest.param("poem", "snow", {"form": "ballad"}, "form must be one of", id="bad-choice"),
        pytest.param("post", "launch", {"variants": 4}, "from 1 to 3", id="too-many-variants"),
        pytest.param("poem", "snow", {"colour": "red"}, "has no option", id="unknown-option"),
        pytest.param("essay", "snow", {}, "Unknown form", id="unknown-form"),
    ],
)
async def test_bad_requests_get_a_clear_sentence(
    database: Database, form: str, subject: str, options: dict[str, str | int], message: str
) -> None:
    service = make_service(database, ScriptedBackend())
    with pytest.raises(InvalidInput, match=message):
        service.validate(form, subject, options)


async def test_a_second_command_within_the_cooldown_is_refused_with_the_wait(
    database: Database,
) -> None:
    clock = FakeClock()
    service = make_service(database, ScriptedBackend(), clock=clock)
    request = service.validate("poem", "snow", {})
    await service.begin(request, ALICE)
    clock.advance(4)
    with pytest.raises(OnCooldown) as refused:
        await service.begin(request, ALICE)
    assert refused.value.retry_after == pytest.approx(6)
    clock.advance(6)
    await service.begin(request, ALICE)


async def test_stop_keeps_what_was_written_and_closes_the_stream(database: Database) -> None:
    pause = asyncio.Event()
    backend = ScriptedBackend(["The door ", "creaked ", "open."], pause=pause)
    service = make_service(database, backend)
    creation = await service.begin(service.validate("story", "a door", {}), ALICE)
    shown: list[str] = []

    async def read() -> None:
        async for text in creation.write():
            shown.append(text)
            creation.stop()

    await asyncio.wait_for(read(), timeout=5)
    assert creation.stopped
    assert creation.current == "The door"
    assert backend.closed_streams == 1
    assert not creation.running


async def test_regenerate_adds_a_variant_and_flip_moves_between_them(database: Database) -> None:
    answers = iter([["First."], ["Second."], ["Third."]])
    service = make_service(database, ScriptedBackend(lambda request: next(answers)))
    creation = await service.begin(service.validate("poem", "snow", {}), ALICE)
    await collect(creation.write())
    await collect(creation.write())
    await collect(creation.write())
    assert creation.variants == ["First.", "Second.", "Third."]
    assert creation.current == "Third."
    assert creation.flip(-1) == "Second."
    assert creation.flip(+1) == "Third."
    assert creation.flip(+1) == "First."


async def test_continue_extends_the_current_variant_from_its_text(database: Database) -> None:
    answers = iter([["The lamp went out."], [" Then", " the knock came."]])
    backend = ScriptedBackend(lambda request: next(answers))
    service = make_service(database, backend)
    creation = await service.begin(service.validate("story", "a lighthouse", {}), ALICE)
    await collect(creation.write())
    await collect(creation.extend())
    assert creation.current == "The lamp went out. Then the knock came."
    assert backend.requests[1].continue_from == "The lamp went out."
    assert len(creation.variants) == 1


async def test_poems_cannot_be_continued(database: Database) -> None:
    service = make_service(database, ScriptedBackend())
    creation = await service.begin(service.validate("poem", "snow", {}), ALICE)
    await collect(creation.write())
    assert not creation.can_continue
    with pytest.raises(InvalidInput, match="can't be continued"):
        await collect(creation.extend())


async def test_post_variants_come_from_one_request_and_each_fits_its_platform(
    database: Database,
) -> None:
    long_post = "Big news today. " * 40 + "#launch #news #more #tags"
    backend = ScriptedBackend([long_post])
    service = make_service(database, backend)
    creation = await service.begin(
        service.validate("post", "our launch", {"platform": "x", "variants": 3}), ALICE
    )
    await collect(creation.write())
    assert len(backend.requests) == 1
    assert backend.requests[0].sampling.n == 3
    assert len(creation.variants) == 3
    for variant in creation.variants:
        assert post_length(variant, "x") <= 280
        assert variant.split()[-1].startswith("#") or variant.rstrip().endswith((".", "…"))


async def test_structured_posts_ask_for_a_bounded_schema_and_are_parsed(database: Database) -> None:
    raw = '{"text": "We launched! Come see.", "hashtags": ["#launch"]}'
    backend = ScriptedBackend([raw[:20], raw[20:]])
    service = make_service(database, backend, structured_posts=True)
    creation = await service.begin(
        service.validate("post", "launch", {"platform": "bluesky"}), ALICE
    )
    shown = await collect(creation.write())
    assert backend.requests[0].json_schema == post_schema("bluesky")
    assert not any(text.lstrip().startswith("{") for text in shown)
    assert creation.current == "We launched! Come see.\n\n#launch"


async def test_a_guild_at_its_cap_refuses_more_generations(database: Database) -> None:
    pause = asyncio.Event()
    service = make_service(database, ScriptedBackend(pause=pause), concurrency=1)
    first = await service.begin(service.validate("story", "one", {}), ALICE)
    second = await service.begin(
        service.validate("story", "two", {}), Origin(user_id=12, guild_id=500)
    )
    running = asyncio.create_task(collect(first.write()))
    await asyncio.sleep(0.01)
    with pytest.raises(TooBusy):
        await collect(second.write())
    pause.set()
    await running
    await collect(second.write())
    assert second.current


async def test_a_backend_failure_mid_stream_keeps_the_partial_text(database: Database) -> None:
    from inkwell.serving.backend import BackendUnavailable

    backend = ScriptedBackend(["Half ", "a ", "story"], fail_after=2)
    service = make_service(database, backend)
    creation = await service.begin(service.validate("story", "x", {}), ALICE)
    with pytest.raises(BackendUnavailable):
        await collect(creation.write())
    assert creation.current == "Half a"
    assert not creation.running


async def test_a_regenerate_failing_before_any_word_leaves_the_variants_as_they_were(
    database: Database,
) -> None:
    from inkwell.serving.backend import BackendUnavailable

    backend = ScriptedBackend(["First."])
    service = make_service(database, backend)
    creation = await service.begin(service.validate("poem", "snow", {}), ALICE)
    await collect(creation.write())
    backend.fail_after = 0

    with pytest.raises(BackendUnavailable):
        await collect(creation.write())

    assert creation.variants == ["First."]
    assert creation.current == "First."
    assert not creation.running


class BlockWord:
    """A content filter that blocks one word, in prompts and outputs."""

    def __init__(self, word: str) -> None:
        self.word = word
        self.seen_outputs: list[str] = []

    async def check_prompt(self, text: str, origin: Origin) -> Verdict:
        return Verdict(text, blocked=self.word in text, category="test")

    async def check_output(self, text: str, origin: Origin, *, final: bool) -> Verdict:
        self.seen_outputs.append(text)
        return Verdict(text, blocked=self.word in text, category="test")


async def test_a_blocked_prompt_generates_nothing(database: Database) -> None:
    backend = ScriptedBackend()
    service = make_service(database, backend)
    service.content_filter = BlockWord("forbidden")
    with pytest.raises(Blocked, match=r"content filter.*\(test\)"):
        await service.begin(service.validate("poem", "a forbidden poem", {}), ALICE)
    assert backend.requests == []


async def test_a_blocked_output_is_never_shown_and_generation_stops(database: Database) -> None:
    backend = ScriptedBackend(["A calm ", "start, ", "then forbidden ", "words ", "follow."])
    service = make_service(database, backend)
    service.content_filter = BlockWord("forbidden")
    creation = await service.begin(service.validate("story", "x", {}), ALICE)
    shown = await collect(creation.write())
    assert not any("forbidden" in text for text in shown)
    assert "withheld" in creation.current
    assert "forbidden" not in creation.current
    assert backend.closed_streams == 1


async def test_snapshots_are_spaced_by_the_interval_but_the_end_always_comes(
    database: Database,
) -> None:
    clock = FakeClock()
    backend = ScriptedBackend(["One ", "two ", "three ", "four."])
    service = make_service(database, backend, clock=clock)
    service.snapshot_interval = 1.0
    creation = await service.begin(service.validate("story", "counting", {}), ALICE)
    shown = await collect(creation.write())
    assert shown == ["One ", "One two three four."]
