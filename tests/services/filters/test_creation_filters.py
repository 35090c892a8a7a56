"""The filter service behind CreationService: what a member can ever see while a piece
streams, prompts and style fields checked before generating, the rating steering the prompt."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from inkwell.bot.errors import Blocked
from inkwell.bot.services.creation_service import CreationService
from inkwell.bot.services.filters.service import FilterService
from inkwell.bot.services.forms import Rating
from inkwell.bot.services.limits import Cooldowns, GuildConcurrency
from inkwell.bot.services.prompts import PromptLibrary
from inkwell.bot.services.styles import StyleService
from inkwell.bot.storage.database import Database
from tests.fakes import ScriptedBackend
from tests.services.filters.conftest import GUILD, MEMBER, MOD


def creation_service(
    database: Database, backend: ScriptedBackend, filters: FilterService
) -> CreationService:
    return CreationService(
        backend,
        StyleService(database),
        PromptLibrary.load(),
        Cooldowns(1, 0),
        GuildConcurrency(4),
        content_filter=filters,
        rating_policy=filters,
    )


async def write(
    service: CreationService, chunks: Sequence[str], backend: ScriptedBackend
) -> tuple[list[str], str]:
    backend.script = list(chunks)
    creation = await service.begin(service.validate("story", "a walk", {}), MEMBER)
    shown = [text async for text in creation.write()]
    return shown, creation.current


@pytest.mark.parametrize(
    "chunks",
    [
        pytest.param(["The troll said fu", "ck ", "and left."], id="split-word"),
        pytest.param(["The troll said f", ".", "u", ".c", ".k and left."], id="split-dotted"),
        pytest.param(["The troll said **fu", "ck** and left."], id="split-bold"),
        pytest.param(["The troll said motherfu", "cking ", "things."], id="split-inside-a-word"),
    ],
)
async def test_a_blocked_word_split_across_chunks_never_reaches_the_member(
    database: Database, filters: FilterService, chunks: list[str]
) -> None:
    backend = ScriptedBackend()
    service = creation_service(database, backend, filters)
    await filters.rules.add_rule(
        GUILD, MOD, pattern="*fuck*", kind="wildcard", action="block", applies_to="outputs"
    )
    shown, current = await write(service, chunks, backend)
    matcher = (await filters.filters(GUILD)).matcher
    assert all(not matcher.scan(text).matches for text in shown)
    assert "withheld by the server's content filter (server rules)" in current
    assert backend.closed_streams == 1


async def test_redacted_output_shows_the_mask_and_never_the_word(
    database: Database, filters: FilterService
) -> None:
    backend = ScriptedBackend()
    service = creation_service(database, backend, filters)
    await filters.settings.enable_preset(GUILD, "profanity")
    shown, current = await write(service, ["Well, sh", "it happens ", "to ", "everyone."], backend)
    assert current == "Well, ███ happens to everyone."
    assert shown[-1] == current
    assert not any("shit" in text for text in shown)


async def test_a_blocked_prompt_generates_nothing(
    database: Database, filters: FilterService
) -> None:
    backend = ScriptedBackend()
    service = creation_service(database, backend, filters)
    await filters.settings.enable_preset(GUILD, "self-harm")
    request = service.validate("poem", "why you should kill yourself", {})
    with pytest.raises(Blocked, match=r"\(self-harm\)"):
        await service.begin(request, MEMBER)
    assert backend.requests == []


async def test_a_redacted_option_reaches_the_model_masked(
    database: Database, filters: FilterService
) -> None:
    backend = ScriptedBackend()
    service = creation_service(database, backend, filters)
    await filters.rules.add_rule(
        GUILD, MOD, pattern="grimoire", kind="word", action="redact", applies_to="prompts"
    )
    backend.script = ["ok"]
    request = service.validate("story", "the lost grimoire", {"genre": "GRIMOIRE noir"})
    creation = await service.begin(request, MEMBER)
    [text async for text in creation.write()]
    prompt = backend.requests[-1].messages[1].content
    assert "grimoire" not in prompt.lower()
    assert "the lost ███" in prompt


@pytest.mark.parametrize("action", ["block", "redact"])
async def test_a_rule_on_an_everyday_word_never_takes_a_creativity_level_away(
    database: Database, filters: FilterService, action: str
) -> None:
    """creativity never reaches the model, so it is not screened like a prompt."""
    backend = ScriptedBackend()
    service = creation_service(database, backend, filters)
    await filters.rules.add_rule(
        GUILD, MOD, pattern="high", kind="word", action=action, applies_to="prompts"
    )
    request = service.validate("story", "a walk", {"creativity": "high"})
    creation = await service.begin(request, MEMBER)
    [text async for text in creation.write()]
    assert backend.requests[-1].sampling.temperature == 1.05


async def test_style_fields_are_checked_like_prompts(
    database: Database, filters: FilterService
) -> None:
    backend = ScriptedBackend()
    service = creation_service(database, backend, filters)
    await service.styles.update(MEMBER.user_id, {"voice": "like a grimoire"})
    await filters.rules.add_rule(
        GUILD, MOD, pattern="grimoire", kind="word", action="block", applies_to="prompts"
    )
    with pytest.raises(Blocked, match="your style's voice"):
        await service.begin(service.validate("poem", "rain", {}), MEMBER)
    assert backend.requests == []


@pytest.mark.parametrize(
    ("member_rating", "channel_rating", "effective"),
    [
        pytest.param("mature", None, "pg13", id="mature-capped-outside-age-restricted"),
        pytest.param("pg13", "g", "g", id="channel-rated-g"),
        pytest.param("g", "pg13", "g", id="member-stricter-wins"),
    ],
)
async def test_the_channel_rating_steers_the_prompt(
    database: Database,
    filters: FilterService,
    member_rating: str,
    channel_rating: Rating | None,
    effective: str,
) -> None:
    backend = ScriptedBackend(["ok"])
    service = creation_service(database, backend, filters)
    await service.styles.update(MEMBER.user_id, {"rating": member_rating})
    if channel_rating:
        await filters.settings.set_channel_rating(
            GUILD,
            MEMBER.channel_id or 0,
            channel_rating,
            age_restricted=False,
        )
    creation = await service.begin(service.validate("poem", "rain", {}), MEMBER)
    [text async for text in creation.write()]
    label = service.prompts.style.ratings[effective]
    assert f"Content rating: {label}\n" in backend.requests[0].messages[1].content


async def test_a_post_is_judged_as_members_read_it(
    database: Database, filters: FilterService
) -> None:
    backend = ScriptedBackend()
    service = creation_service(database, backend, filters)
    await filters.settings.enable_preset(GUILD, "profanity")
    backend.script = ["Launch day, no bullsh", "it! #launch"]
    creation = await service.begin(service.validate("post", "launch", {"platform": "x"}), MEMBER)
    shown = [text async for text in creation.write()]
    assert "███" in creation.current
    assert not any("bullshit" in text for text in shown)
