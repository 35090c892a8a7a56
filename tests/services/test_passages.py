"""The passage tools, against models that answer each request with chosen drafts."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Callable, Sequence

import pytest

from inkwell.bot.errors import InvalidInput, OnCooldown, TooBusy
from inkwell.bot.services.limits import Cooldowns, GuildConcurrency
from inkwell.bot.services.origin import Origin
from inkwell.bot.services.passage_judging import DESCRIBE_LABELS
from inkwell.bot.services.passages import (
    REWRITE_DRAFTS,
    UNFINISHED_NOTE,
    PassageService,
)
from inkwell.bot.services.styles import StyleService
from inkwell.bot.storage.database import Database
from inkwell.serving.backend import Delta, GenerationRequest
from tests.fakes import FakeClock, ScriptedBackend


class DraftingModel:
    """A backend whose ``drafts(request)`` are the request's variants, one each (cycled)."""

    name = "drafting"

    def __init__(self, drafts: Callable[[GenerationRequest], Sequence[str]]) -> None:
        self.drafts = drafts
        self.requests: list[GenerationRequest] = []

    async def start(self) -> None:
        pass

    async def close(self) -> None:
        pass

    async def stream(self, request: GenerationRequest) -> AsyncGenerator[Delta, None]:
        self.requests.append(request)
        texts = list(self.drafts(request))
        for index in range(request.sampling.n):
            yield Delta(index, texts[index % len(texts)], "stop")


def service(database: Database, backend: ScriptedBackend | DraftingModel) -> PassageService:
    return PassageService(backend, StyleService(database), system="You help writers.")


def label_of(request: GenerationRequest) -> str:
    """The label the reply was started with: "Sight" for a reply ending "…\\nSight:"."""
    return (request.continue_from or "").rsplit("\n", 1)[-1].removesuffix(":")


# --- Rewrite --------------------------------------------------------------------------------


async def test_rewrite_keeps_the_three_best_distinct_drafts_near_the_passages_length(
    database: Database,
) -> None:
    passage = "The rain came down on the harbour. Mira watched the boats knock together."
    drafts = [
        "Sure! Here's a rewrite:\nRain hammered the harbour. Mira watched the boats collide.",
        "Rain hammered the harbour. Mira watched the boats collide.",  # the same, once cleaned
        "Magma, Magma,\nPerches, Precious,\nSparks, Sparcish,\nDust, Dazzling,",  # no prose
        "The harbour drowned in rain while Mira counted the boats striking each other.",
        " ".join(["Rain fell on a town far away, and nobody there knew any boats."] * 8),
        "Mira stood in the rain at the harbour as the boats knocked, hull on hull.",
        "Rain. The harbour. Mira and the knocking boats, and then",  # cut back to a sentence
    ]
    model = DraftingModel(lambda request: drafts)

    result = await service(database, model).rewrite(passage, Origin(1))

    assert len(result.texts) == 3
    assert len({text.casefold() for text in result.texts}) == 3
    assert "Rain hammered the harbour. Mira watched the boats collide." in result.texts
    for text in result.texts:
        assert "Sure!" not in text
        assert "Magma" not in text
        assert "far away" not in text
        assert text.endswith(".")
    (request,) = model.requests  # six drafts in one request gave three good ones
    assert request.sampling.n == REWRITE_DRAFTS
    assert request.sampling.max_tokens < 100  # about the passage's length, not 400 tokens


async def test_rewrite_draws_again_when_too_few_drafts_are_usable(database: Database) -> None:
    rounds = iter([["Rain fell on the harbour."], ["Mira saw the boats.", "Boats knocked."]])
    model = DraftingModel(lambda request: next(rounds))

    result = await service(database, model).rewrite("Rain. Mira. Boats knocking.", Origin(1))

    assert len(model.requests) == 2
    assert set(result.texts) == {
        "Rain fell on the harbour.",
        "Mira saw the boats.",
        "Boats knocked.",
    }


# --- Continue -------------------------------------------------------------------------------


async def test_continue_goes_on_from_the_passage_and_keeps_the_draft_that_stays_with_it(
    database: Database,
) -> None:
    passage = "The lighthouse had been dark for a week when the letter arrived."
    drafts = [
        " This was in November 2024. The following year, I went to New Zealand.",
        " Mara tore the letter open by the dark lighthouse door. Inside was a key. "
        "She climbed the stairs to the lamp.",
        " This paragraph ends the story of the letter.",
    ]
    model = DraftingModel(lambda request: drafts)

    result = await service(database, model).continue_text(passage, Origin(1))

    assert result.text.startswith("Mara tore the letter open")
    assert result.text.endswith("to the lamp.")
    (request,) = model.requests
    assert request.continue_from == passage  # its last paragraph starts the model's reply
    assert result.notes == ()


async def test_continue_on_an_unfinished_passage_finishes_the_sentence_first(
    database: Database,
) -> None:
    model = DraftingModel(lambda request: [" the drawer and found a key. She kept it."])

    result = await service(database, model).continue_text("She opened", Origin(1))

    assert UNFINISHED_NOTE in result.notes
    assert "mid-sentence" in model.requests[0].messages[1].content
    assert model.requests[0].continue_from == "She opened"
    assert result.text == "the drawer and found a key. She kept it."


async def test_continue_stops_after_a_few_sentences(database: Database) -> None:
    long = " ".join(f"The tide rose {n} times." for n in range(1, 30))
    model = DraftingModel(lambda request: [long])

    result = await service(database, model).continue_text("The tide rose.", Origin(1))

    assert result.text == " ".join(f"The tide rose {n} times." for n in range(1, 6))


async def test_continue_hands_the_model_only_the_last_paragraph(database: Database) -> None:
    model = DraftingModel(lambda request: [" She went on."])
    passage = "First part, long ago.\n\nThe second part begins here."

    await service(database, model).continue_text(passage, Origin(1))

    assert model.requests[0].continue_from == "The second part begins here."
    assert passage in model.requests[0].messages[1].content  # the whole passage is read


# --- Describe -------------------------------------------------------------------------------

SENSE_LINES = {
    "Sight": [" Red apples glow against the grey snow.", " She sells apples."],
    "Sound": [" She sells apples.", " Her cart creaks and the coins clink in the cold."],
    "Smell": [" The scent of baked apples and smoke drifts past.", " Snow."],
    "Touch": [" Her fingers are numb and rough from the frost.", " It was a day."],
    "Taste": [" Each apple bites sweet and tart, like cider.", " Taste: more."],
    "Metaphor": [" She is a lamp left burning in the market's winter.", " Apples."],
}


async def test_describe_writes_one_labelled_line_per_sense_and_a_metaphor(
    database: Database,
) -> None:
    model = DraftingModel(lambda request: SENSE_LINES[label_of(request)])

    result = await service(database, model).describe("An old woman sells apples.", Origin(1))

    assert result.text.split("\n") == [
        "Sight: Red apples glow against the grey snow.",
        "Sound: Her cart creaks and the coins clink in the cold.",
        "Smell: The scent of baked apples and smoke drifts past.",
        "Touch: Her fingers are numb and rough from the frost.",
        "Taste: Each apple bites sweet and tart, like cider.",
        "Metaphor: She is a lamp left burning in the market's winter.",
    ]
    # Each line is asked for after the lines chosen before it, its label already written.
    assert [label_of(request) for request in model.requests] == list(DESCRIBE_LABELS)
    assert model.requests[1].continue_from == (
        "Sight: Red apples glow against the grey snow.\nSound:"
    )


async def test_a_describe_line_that_misses_its_sense_gets_a_second_round(
    database: Database,
) -> None:
    sound_rounds = iter([[" She sells apples."], [" Bells ring over the stalls."]])

    def drafts(request: GenerationRequest) -> Sequence[str]:
        label = label_of(request)
        return next(sound_rounds) if label == "Sound" else SENSE_LINES[label]

    model = DraftingModel(drafts)

    result = await service(database, model).describe("An old woman sells apples.", Origin(1))

    assert "Sound: Bells ring over the stalls." in result.text.split("\n")
    assert [label_of(request) for request in model.requests].count("Sound") == 2


async def test_a_describe_line_ends_where_the_model_starts_a_label_of_its_own(
    database: Database,
) -> None:
    def drafts(request: GenerationRequest) -> Sequence[str]:
        if label_of(request) == "Taste":
            return [" Sweet apples melt on the tongue. Taste again: more apples and more."]
        return SENSE_LINES[label_of(request)]

    result = await service(database, DraftingModel(drafts)).describe("Apples.", Origin(1))

    assert "Taste: Sweet apples melt on the tongue." in result.text.split("\n")


# --- Give feedback --------------------------------------------------------------------------


async def test_feedback_is_what_works_and_one_thing_to_try_never_a_rewrite(
    database: Database,
) -> None:
    passage = "The sky was blue. The grass was green. I was happy."
    parts = {
        "What works": [
            " It reads like a lazy, boring list written by a child.",
            " The short sentences give it a calm, clear rhythm that suits a happy day.",
        ],
        "One thing to try": [
            " Here's a rewritten version: The sky blazed blue over green grass.",
            " Add one sound or smell so the reader stands in the field with you.",
        ],
    }
    model = DraftingModel(lambda request: parts[label_of(request)])

    result = await service(database, model).feedback(passage, Origin(1))

    assert result.text == (
        "What works: The short sentences give it a calm, clear rhythm that suits a happy day.\n"
        "One thing to try: Add one sound or smell so the reader stands in the field with you."
    )
    assert model.requests[1].continue_from == (
        "What works: The short sentences give it a calm, clear rhythm that suits a happy day.\n"
        "One thing to try:"
    )


async def test_feedback_that_is_only_a_rewrite_is_not_shown(database: Database) -> None:
    model = DraftingModel(lambda request: [" Here's my take on it: the sky blazed over the grass."])

    with pytest.raises(InvalidInput, match="nothing usable"):
        await service(database, model).feedback("The sky was blue.", Origin(1))


# --- for every tool -------------------------------------------------------------------------


async def test_what_the_filter_blocks_in_a_draft_is_never_chosen(database: Database) -> None:
    from inkwell.bot.services.content_policy import Verdict

    class NoKeys:
        async def check_prompt(self, text: str, origin: Origin) -> Verdict:
            return Verdict(text)

        async def check_output(self, text: str, origin: Origin, *, final: bool) -> Verdict:
            return Verdict(text, blocked="key" in text)

    drafts = [" She found the key under the mat.", " She found a note under the mat."]
    passages = PassageService(
        DraftingModel(lambda request: drafts),
        StyleService(database),
        system="…",
        content_filter=NoKeys(),
    )

    result = await passages.continue_text("She looked under the mat.", Origin(1))

    assert result.text == "She found a note under the mat."


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
