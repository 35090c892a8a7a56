"""Creativity is the member's to choose: it moves the sampling, never the prompt."""

from __future__ import annotations

import pytest

from inkwell.bot.errors import InvalidInput
from inkwell.bot.records.styles import StyleRecord
from inkwell.bot.services.creation_service import CreationService
from inkwell.bot.services.creativity import creative_sampling
from inkwell.bot.services.forms import FORMS
from inkwell.bot.services.limits import Cooldowns, GuildConcurrency
from inkwell.bot.services.origin import Origin
from inkwell.bot.services.prompts import PromptLibrary
from inkwell.bot.services.styles import StyleService
from inkwell.bot.storage.database import Database
from inkwell.serving.backend import Sampling
from tests.fakes import FakeClock, ScriptedBackend

ALICE = Origin(user_id=11, guild_id=500)
MODERATOR = 99
# What a bot owner configured (llm.temperature / llm.top_p): what medium means.
CONFIGURED = Sampling(temperature=0.8, top_p=0.95, top_k=40, repetition_penalty=1.1)


@pytest.fixture
def backend() -> ScriptedBackend:
    return ScriptedBackend()


@pytest.fixture
def service(database: Database, backend: ScriptedBackend) -> CreationService:
    clock = FakeClock()
    return CreationService(
        backend,
        StyleService(database),
        PromptLibrary.load(),
        Cooldowns(1, 0, clock=clock),
        GuildConcurrency(4, clock=clock),
        sampling=CONFIGURED,
        clock=clock,
    )


async def sampled(
    service: CreationService,
    backend: ScriptedBackend,
    form: str = "story",
    options: dict[str, str | int | None] | None = None,
) -> Sampling:
    """Run one command to the end; the sampling its request reached the backend with."""
    request = service.validate(form, "a lighthouse keeper", options or {})
    creation = await service.begin(request, ALICE)
    async for _ in creation.write():
        pass
    return backend.requests[-1].sampling


def knobs(sampling: Sampling) -> tuple[float, float]:
    return (sampling.temperature, sampling.top_p)


# --- the option reaches the backend ---------------------------------------------------------


@pytest.mark.parametrize(
    ("creativity", "expected"),
    [
        pytest.param("low", (0.5, 0.85), id="low"),
        pytest.param("medium", (0.8, 0.95), id="medium-is-the-configured-sampling"),
        pytest.param("high", (1.05, 0.98), id="high"),
    ],
)
@pytest.mark.parametrize("form", list(FORMS))
async def test_each_command_sends_its_creativity_to_the_model(
    service: CreationService,
    backend: ScriptedBackend,
    form: str,
    creativity: str,
    expected: tuple[float, float],
) -> None:
    sampling = await sampled(service, backend, form, {"creativity": creativity})
    assert knobs(sampling) == expected
    # Only the two creativity knobs move; the rest stays as the owner configured it.
    assert (sampling.top_k, sampling.repetition_penalty) == (40, 1.1)


async def test_without_any_creativity_the_configured_sampling_is_used(
    service: CreationService, backend: ScriptedBackend
) -> None:
    assert knobs(await sampled(service, backend)) == knobs(CONFIGURED)


async def test_regenerate_and_continue_keep_the_pieces_creativity(
    service: CreationService, backend: ScriptedBackend
) -> None:
    request = service.validate("story", "a lighthouse keeper", {"creativity": "high"})
    creation = await service.begin(request, ALICE)
    for texts in (creation.write(), creation.write(), creation.extend()):
        async for _ in texts:
            pass
    assert [knobs(sent.sampling) for sent in backend.requests] == [(1.05, 0.98)] * 3


# --- layers: the command, the member, the server ----------------------------------------------


async def test_the_members_stored_creativity_is_used_when_the_command_omits_it(
    service: CreationService, backend: ScriptedBackend
) -> None:
    await service.styles.update(ALICE.user_id, {"creativity": "low"})
    assert knobs(await sampled(service, backend)) == (0.5, 0.85)


async def test_the_commands_own_creativity_wins_over_the_members(
    service: CreationService, backend: ScriptedBackend
) -> None:
    await service.styles.update(ALICE.user_id, {"creativity": "low"})
    assert knobs(await sampled(service, backend, options={"creativity": "high"})) == (1.05, 0.98)


async def test_the_servers_default_applies_until_the_member_chooses(
    service: CreationService, backend: ScriptedBackend
) -> None:
    assert ALICE.guild_id is not None
    await service.styles.update_guild_defaults(ALICE.guild_id, MODERATOR, {"creativity": "high"})
    assert knobs(await sampled(service, backend)) == (1.05, 0.98)
    await service.styles.update(ALICE.user_id, {"creativity": "medium"})
    assert knobs(await sampled(service, backend)) == knobs(CONFIGURED)


# --- bad values ---------------------------------------------------------------------------------


async def test_a_command_with_an_unknown_creativity_gets_a_clear_answer(
    service: CreationService, backend: ScriptedBackend
) -> None:
    with pytest.raises(InvalidInput, match="creativity must be one of: low, medium, high"):
        service.validate("poem", "first snow", {"creativity": "wild"})
    assert backend.requests == []


async def test_an_unknown_creativity_is_not_saved_as_a_preference(
    service: CreationService,
) -> None:
    await service.styles.update(ALICE.user_id, {"creativity": "low"})
    with pytest.raises(InvalidInput, match="creativity must be one of: low, medium, high"):
        await service.styles.update(ALICE.user_id, {"creativity": "extreme"})
    assert (await service.styles.overview(ALICE.user_id, None)).mine.creativity == "low"


def test_creativity_is_read_without_regard_to_case_or_spaces(service: CreationService) -> None:
    request = service.validate("poem", "first snow", {"creativity": " High "})
    assert request.options["creativity"] == "high"


def test_a_level_that_does_not_exist_is_refused_not_guessed() -> None:
    with pytest.raises(InvalidInput, match="creativity must be one of"):
        creative_sampling(CONFIGURED, "max")


# --- the levels keep their order whatever the owner configured --------------------------------


@pytest.mark.parametrize(
    "configured",
    [
        pytest.param(Sampling(temperature=0.0, top_p=1.0), id="greedy"),
        pytest.param(Sampling(temperature=0.3, top_p=0.8), id="tame"),
        pytest.param(Sampling(temperature=1.3, top_p=0.99), id="wild"),
    ],
)
def test_low_is_never_wilder_and_high_never_tamer_than_the_configured_default(
    configured: Sampling,
) -> None:
    low, medium, high = (
        knobs(creative_sampling(configured, level)) for level in ("low", "medium", "high")
    )
    assert medium == knobs(configured)
    assert low[0] <= medium[0] <= high[0]
    assert low[1] <= medium[1] <= high[1]


# --- creativity is sampling, not instructions ----------------------------------------------------


async def test_creativity_never_reaches_the_prompt(
    service: CreationService, backend: ScriptedBackend
) -> None:
    """Pieces that differ only in creativity send the same bytes, so they share the model
    server's cached prefix; the style block says nothing of it either."""
    await sampled(service, backend, options={"tone": "wry"})
    await sampled(service, backend, options={"tone": "wry", "creativity": "high"})
    await service.styles.update(ALICE.user_id, {"creativity": "low"})
    await sampled(service, backend, options={"tone": "wry"})
    first, *others = (sent.messages for sent in backend.requests)
    assert all(messages == first for messages in others)
    assert "creativity" not in " ".join(message.content for message in first).lower()


def test_a_style_with_only_creativity_has_no_style_block() -> None:
    assert PromptLibrary.load().style_block(StyleRecord(creativity="high")) == ""


async def test_creativity_medium_leaves_a_storys_length_alone(
    service: CreationService, backend: ScriptedBackend
) -> None:
    """creativity:medium and length:medium share a word, not a meaning: a short story keeps
    its short token budget whichever option comes first."""
    short = await sampled(service, backend, options={"creativity": "medium", "length": "short"})
    unset = await sampled(service, backend, options={"creativity": "medium"})
    assert short.max_tokens == 260
    assert unset.max_tokens == 500  # the story's default, not the budget of length:medium
