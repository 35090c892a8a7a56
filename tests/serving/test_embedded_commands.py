"""The four commands with the real embedded SmolLM2 model, through Inkwell's services.

Small-model prose is not judged here; structure is: every form produces text, within its
token budget, and a post fits its platform whatever the model wrote.
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from inkwell.bot.console.playground import Playground
from inkwell.bot.runtime import open_services
from inkwell.bot.services.bundle import Services
from inkwell.bot.services.origin import Origin
from inkwell.bot.settings import Settings
from inkwell.bot.text.endings import ends_complete
from inkwell.bot.text.platforms import PLATFORM_LIMITS
from inkwell.bot.text.post_length import post_length
from inkwell.serving.embedded import EmbeddedBackend

pytestmark = [pytest.mark.model, pytest.mark.asyncio(loop_scope="module")]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def services(
    prepared_model_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Services]:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database=tmp_path_factory.mktemp("db") / "inkwell.sqlite3",
        llm={"model_path": prepared_model_path},
    )
    services = await open_services(
        settings, backend=EmbeddedBackend(prepared_model_path), apply_cooldowns=False
    )
    yield services
    await services.close()


@pytest.mark.parametrize(
    ("form", "subject", "options"),
    [
        pytest.param("poem", "first snow", {"form": "haiku"}, id="haiku"),
        pytest.param(
            "story", "a lighthouse keeper finds a letter", {"length": "short"}, id="story"
        ),
    ],
)
async def test_a_piece_is_written_within_its_budget(
    services: Services, form: str, subject: str, options: dict[str, str]
) -> None:
    service = services.creation
    creation = await service.begin(service.validate(form, subject, options), _origin())
    snapshots = [text async for text in creation.write()]
    tokenizer = services.backend._tokenizer  # type: ignore[attr-defined]
    budget = service.prompts.max_tokens(creation.request)
    assert creation.current.strip()
    assert len(snapshots) > 1
    assert len(tokenizer.encode(creation.current, add_special_tokens=False)) <= budget + 2
    if form == "story" and creation.cut:  # the budget stopped it: it ends on a sentence
        assert ends_complete(creation.current, "sentence"), creation.current[-80:]


@pytest.mark.parametrize("platform", ["x"])
async def test_a_real_post_fits_its_platform(services: Services, platform: str) -> None:
    service = services.creation
    request = service.validate(
        "post", "our bakery opens on saturday", {"platform": platform, "variants": 2}
    )
    creation = await service.begin(request, _origin())
    async for _text in creation.write():
        pass
    assert len(creation.variants) == 2
    for variant in creation.variants:
        assert variant.strip()
        assert post_length(variant, platform) <= PLATFORM_LIMITS[platform]  # type: ignore[index]
        assert "#" in variant  # hashtags where the platform uses them


async def test_the_playground_streams_a_real_poem(services: Services) -> None:
    lines = ['/poem form:haiku topic:"first snow"', "r", "p"]

    async def read_line() -> str | None:
        return lines.pop(0) if lines else None

    out = io.StringIO()
    await Playground(services, read_line, out).run()
    printed = out.getvalue()
    assert "[variant 2/2 · r regenerate · n/p flip]" in printed
    assert "[variant 1/2 · r regenerate · n/p flip]" in printed
    assert not [line for line in printed.splitlines() if line.startswith("! ")]


def _origin() -> Origin:
    return Origin(user_id=42)


async def test_a_real_haiku_has_three_lines_and_reports_its_form(services: Services) -> None:
    service = services.creation
    request = service.validate("poem", "first snow", {"form": "haiku"})
    creation = await service.begin(request, _origin())
    async for _text in creation.write():
        pass
    assert len(creation.current.splitlines()) == 3
    assert creation.report is not None
    assert creation.report.startswith("haiku · ")


async def test_a_real_acrostic_spells_its_word(services: Services) -> None:
    service = services.creation
    request = service.validate("poem", "a river at dawn", {"form": "acrostic", "word": "river"})
    creation = await service.begin(request, _origin())
    async for _text in creation.write():
        pass
    initials = "".join(line.lstrip("\"“‘'(")[:1].upper() for line in creation.current.splitlines())
    assert initials == "RIVER"
    assert creation.report == "acrostic · R-I-V-E-R ✓"


async def test_a_real_rewrite_offers_three_distinct_alternatives(services: Services) -> None:
    passage = "The keeper climbed the stairs. The lamp had gone out again, and the sea was loud."
    result = await services.passages.rewrite(passage, _origin(), instruction="darker")
    assert len(result.texts) == 3
    assert all(text.strip() for text in result.texts)
    assert len({" ".join(text.lower().split()) for text in result.texts}) == 3
    passage_words = len(passage.split())
    for text in result.texts:  # near the passage's length, ending on a whole sentence
        assert len(text.split()) <= 2 * passage_words + 10
        assert ends_complete(text, "sentence")


async def test_a_real_describe_gives_one_line_per_sense_and_a_metaphor(
    services: Services,
) -> None:
    result = await services.passages.describe("An old woman sells apples in the snow.", _origin())
    labels = [line.split(":", 1)[0] for line in result.text.split("\n")]
    assert labels == ["Sight", "Sound", "Smell", "Touch", "Taste", "Metaphor"]
    assert all(line.split(":", 1)[1].strip() for line in result.text.split("\n"))


async def test_a_real_feedback_is_what_works_then_one_thing_to_try(services: Services) -> None:
    passage = "The sky was blue. The grass was green. I was happy. It was a good day."
    result = await services.passages.feedback(passage, _origin())
    lines = result.text.split("\n")
    assert [line.split(":", 1)[0] for line in lines] == ["What works", "One thing to try"]
    assert "rewrit" not in result.text.lower()


async def test_a_real_continue_goes_on_in_a_few_whole_sentences(services: Services) -> None:
    passage = "The lighthouse had been dark for a week when the letter arrived."
    result = await services.passages.continue_text(passage, _origin())
    assert ends_complete(result.text, "sentence")
    assert not result.text.startswith(passage)
    assert len(result.text.split()) <= 90
