"""Poems and songs drafted line by line against their form, through a scripted model."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable, Sequence

import pytest

from inkwell.bot.errors import InvalidInput
from inkwell.bot.services.craft.drafting import (
    LineDrafter,
    closed,
    judge_line,
    without_cut_word,
)
from inkwell.bot.services.craft.plans import LinePlan, lyrics_plan, poem_plan
from inkwell.bot.services.creation_service import CreationService
from inkwell.bot.services.limits import Cooldowns, GuildConcurrency
from inkwell.bot.services.origin import Origin
from inkwell.bot.services.prompts import PromptLibrary
from inkwell.bot.services.styles import StyleService
from inkwell.bot.storage.database import Database
from inkwell.serving.backend import (
    BackendError,
    ChatMessage,
    Delta,
    GenerationRequest,
    Sampling,
)

ALICE = Origin(user_id=11, guild_id=500)
PROMPT = (ChatMessage("system", "You write poems."), ChatMessage("user", "A pond."))


class LineModel:
    """A model that offers, for the next line, the candidates ``offer`` picks for it."""

    name = "lines"

    def __init__(self, offer: Callable[[int, GenerationRequest], Sequence[str]]) -> None:
        self.offer = offer
        self.requests: list[GenerationRequest] = []
        self.refuse_regex = False
        # Candidates that end where their token budget stopped them, not where they chose.
        self.stopped_by_budget: set[str] = set()

    async def start(self) -> None: ...

    async def close(self) -> None: ...

    async def stream(self, request: GenerationRequest) -> AsyncIterator[Delta]:
        self.requests.append(request)
        if self.refuse_regex and request.regex is not None:
            raise BackendError("The model server refused the request (HTTP 400).")
        written = (request.continue_from or "").count("\n")
        for index, text in enumerate(self.offer(written, request)[: request.sampling.n]):
            yield Delta(index, text, "length" if text in self.stopped_by_budget else "stop")


HAIKU = ("An old silent pond", "A frog jumps into the pond", "Splash! Silence again.")


def haiku_among_misses(written: int, request: GenerationRequest) -> list[str]:
    """The right line hidden among lines of the wrong length and talk about the poem."""
    return [
        "Sure! Here is a haiku:",
        "A pond",
        HAIKU[min(written, 2)],
        "The pond is very deep and old",
    ]


async def draft(model: LineModel, plan_form: str = "haiku", **kwargs: object) -> list[str]:
    plan = poem_plan(plan_form, **kwargs)  # type: ignore[arg-type]
    assert plan is not None
    drafter = LineDrafter(model, priority=0, constrain=False)  # type: ignore[arg-type]
    return [text async for text in drafter.draft(plan, PROMPT, Sampling())]


async def test_each_line_is_the_candidate_that_holds_the_form() -> None:
    model = LineModel(haiku_among_misses)

    shown = await draft(model)

    assert shown == [HAIKU[0], "\n".join(HAIKU[:2]), "\n".join(HAIKU)]
    assert all(request.sampling.stop == ("\n",) for request in model.requests)
    # Each line is asked for after the poem so far, as the start of the model's reply.
    assert [request.continue_from for request in model.requests] == [
        None,
        HAIKU[0] + "\n",
        "\n".join(HAIKU[:2]) + "\n",
    ]


async def test_a_line_that_misses_gets_one_more_round_of_candidates() -> None:
    rounds: list[int] = []

    def late_hit(written: int, request: GenerationRequest) -> list[str]:
        rounds.append(written)
        if written == 1 and rounds.count(1) == 1:
            return ["A frog jumps"]  # 3 syllables where 7 are wanted
        return [HAIKU[min(written, 2)]]

    shown = await draft(LineModel(late_hit))

    assert shown[-1] == "\n".join(HAIKU)
    assert rounds == [0, 1, 1, 2]


async def test_a_model_that_only_talks_about_the_poem_has_its_preamble_kept_out() -> None:
    def preamble_first(written: int, request: GenerationRequest) -> list[str]:
        context = request.continue_from or ""
        if not context:
            return ["Here is a haiku about a pond:"]
        return [HAIKU[min(written - 1, 2)]]

    shown = await draft(LineModel(preamble_first))

    assert shown[-1] == "\n".join(HAIKU)


async def test_acrostic_lines_begin_with_the_letters_even_without_a_server_to_enforce_them() -> (
    None
):
    def continue_word(written: int, request: GenerationRequest) -> list[str]:
        # The reply was begun with the line's letter; the model goes on from it.
        begun = (request.continue_from or "")[-1]
        return {"R": ["ain on the roof"], "U": ["ntil the morning"]}[begun]

    shown = await draft(LineModel(continue_word), "acrostic", word="RU")

    assert shown[-1] == "Rain on the roof\nUntil the morning"


async def test_a_server_that_refuses_regexes_is_drafted_without_them() -> None:
    model = LineModel(lambda written, request: [HAIKU[min(written, 2)]])
    model.refuse_regex = True
    plan = poem_plan("haiku")
    assert plan is not None
    drafter = LineDrafter(model, priority=0, constrain=True)  # type: ignore[arg-type]

    shown = [text async for text in drafter.draft(plan, PROMPT, Sampling())]

    assert shown[-1] == "\n".join(HAIKU)
    assert [request.regex is not None for request in model.requests] == [True, False, False, False]


async def test_each_constrained_line_may_end_where_the_model_ends_it() -> None:
    model = LineModel(lambda written, request: [HAIKU[min(written, 2)]])
    plan = poem_plan("haiku")
    assert plan is not None
    drafter = LineDrafter(model, priority=0, constrain=True)  # type: ignore[arg-type]

    [text async for text in drafter.draft(plan, PROMPT, Sampling())]

    first = model.requests[0]
    assert first.regex is not None
    assert first.sampling.stop == ("\n",)
    assert re.fullmatch(first.regex, HAIKU[0] + "\n")  # the newline the stop string ends on


async def test_a_line_its_budget_stopped_loses_the_word_it_stopped_inside() -> None:
    offered = ("An old silent pond sti", HAIKU[1], HAIKU[2])
    model = LineModel(lambda written, request: [offered[min(written, 2)]])
    model.stopped_by_budget = {offered[0]}

    shown = await draft(model)

    assert shown[-1] == "\n".join(HAIKU)


def test_a_cut_word_goes_with_the_punctuation_left_hanging_before_it() -> None:
    assert without_cut_word("the pond, its sti") == "the pond, its"
    assert without_cut_word("the pond — sti") == "the pond"
    assert without_cut_word("Riv") == ""


async def test_a_constrained_limericks_rhyme_lines_must_end_on_a_rhyme() -> None:
    limerick = (
        "There once was a poet from Bray",
        "Who wrote every line the same way",
        "She rhymed in her sleep",
        "With a bird and a sheep",
        "And she rhymed until dawn of the day",
    )
    model = LineModel(lambda written, request: [limerick[min(written, 4)]])
    plan = poem_plan("limerick")
    assert plan is not None
    drafter = LineDrafter(model, priority=0, constrain=True)  # type: ignore[arg-type]

    [text async for text in drafter.draft(plan, PROMPT, Sampling())]

    patterns = [request.regex or "" for request in model.requests]
    assert re.fullmatch(patterns[1], "Who wrote every line the same way")
    assert not re.fullmatch(patterns[1], "Who wrote every line the same night")
    assert re.fullmatch(patterns[3], "With a bird and a sheep")  # rhymes with line 3
    assert not re.fullmatch(patterns[3], "With a bird and a cow")
    assert re.fullmatch(patterns[2], "She rhymed in her sleep")  # free to set a rhyme


async def test_the_last_line_ends_as_a_last_line_does() -> None:
    offered = (HAIKU[0] + ",", HAIKU[1] + " —", "Splash! Silence again,")
    model = LineModel(lambda written, request: [offered[min(written, 2)]])

    shown = await draft(model)

    assert shown[-1] == f"{HAIKU[0]},\n{HAIKU[1]} —\nSplash! Silence again."


def test_a_last_line_keeps_its_own_ending() -> None:
    assert closed("Splash!") == "Splash!"
    assert closed("and the frog is gone") == "and the frog is gone"
    assert closed("the pond —") == "the pond."


async def test_a_last_line_that_leaves_the_sentence_hanging_loses_to_one_that_ends() -> None:
    def offer(written: int, request: GenerationRequest) -> list[str]:
        # Both last lines have five syllables; only one of them ends.
        return [HAIKU[written]] if written < 2 else ["I was happy to", "Splash! Silence again."]

    shown = await draft(LineModel(offer))

    assert shown[-1].endswith("Splash! Silence again.")


def test_only_the_last_line_is_held_to_an_ending() -> None:
    plan = LinePlan(syllables=5)
    assert judge_line("I was happy to", plan, []).on_target
    assert not judge_line("I was happy to", plan, [], last=True).on_target


def test_a_villanelle_plan_repeats_its_refrains_and_writes_the_rest() -> None:
    plan = poem_plan("villanelle")
    assert plan is not None
    copies = {
        index: line.copy_of for index, line in enumerate(plan.lines) if line.copy_of is not None
    }
    assert len(plan.lines) == 19
    assert copies == {5: 0, 8: 2, 11: 0, 14: 2, 17: 0, 18: 2}


def test_a_song_plan_labels_its_sections_and_sings_the_chorus_again() -> None:
    plan = lyrics_plan("verse-chorus")
    labels = [line.fixed for line in plan.lines if line.fixed]
    assert labels == ["[Verse 1]", "[Chorus]", "[Verse 2]", "[Chorus]"]
    second_chorus = plan.lines[-4:]
    assert [line.copy_of for line in second_chorus] == [6, 7, 8, 9]


async def test_the_chorus_sung_last_ends_the_song_on_a_full_stop() -> None:
    model = LineModel(lambda written, request: [f"We sang the river home number {written},"])
    plan = lyrics_plan("verse-chorus")
    drafter = LineDrafter(model, priority=0, constrain=False)  # type: ignore[arg-type]

    shown = [text async for text in drafter.draft(plan, PROMPT, Sampling())]

    song = shown[-1].splitlines()
    first_chorus = song[song.index("[Chorus]") + 1 : song.index("[Verse 2]") - 1]
    assert song[-4:-1] == first_chorus[:-1]  # sung again as it was
    assert song[-1] == first_chorus[-1].removesuffix(",") + "."


@pytest.mark.parametrize(
    ("line", "why"),
    [
        pytest.param("Sure! Here's a haiku about snow:", "meta-talk", id="preamble"),
        pytest.param("[Chorus]", "label", id="a-label-is-not-a-line"),
        pytest.param("**Snow**", "markup", id="markdown"),
        pytest.param("   ", "empty", id="empty"),
    ],
)
def test_what_is_not_a_line_of_the_poem_is_refused(line: str, why: str) -> None:
    assert judge_line(line, LinePlan(syllables=5), []).penalty >= 100, why


def test_a_line_that_rhymes_is_preferred_where_a_rhyme_is_asked() -> None:
    plan = LinePlan(rhyme_with=0)
    rhyming = judge_line("A cat sat on a mat", plan, ["There once was a cat"])
    not_rhyming = judge_line("A cat sat on a chair", plan, ["There once was a cat"])
    assert rhyming.penalty < not_rhyming.penalty


# --- through the creation service -----------------------------------------------------------


def service_with(database: Database, model: LineModel) -> CreationService:
    return CreationService(
        model,  # type: ignore[arg-type]
        StyleService(database),
        PromptLibrary.load(),
        Cooldowns(1, 0),
        GuildConcurrency(4),
    )


async def test_a_drafted_haiku_is_kept_with_its_report(database: Database) -> None:
    service = service_with(database, LineModel(haiku_among_misses))
    creation = await service.begin(service.validate("poem", "a pond", {"form": "haiku"}), ALICE)

    shown = [text async for text in creation.write()]

    assert shown[-1] == "\n".join(HAIKU)
    assert creation.variants == ["\n".join(HAIKU)]
    assert creation.report == "haiku · 5-7-5 ✓"


async def test_an_acrostic_spells_the_topics_word_unless_given_one(database: Database) -> None:
    service = service_with(database, LineModel(lambda written, request: ["ain falls"]))
    assert service.validate("poem", "the river", {"form": "acrostic"}).options["word"] == "river"
    assert (
        service.validate("poem", "x", {"form": "acrostic", "word": "Élan"}).options["word"]
        == "Élan"
    )


@pytest.mark.parametrize(
    ("word", "answer"),
    [
        pytest.param("2024", "letters only", id="digits"),
        pytest.param("🌧️rain", "letters only", id="emoji"),
        pytest.param("a" * 21, "limit is 20", id="too-long"),
    ],
)
def test_an_acrostic_word_it_cannot_spell_gets_a_clear_answer(
    database: Database, word: str, answer: str
) -> None:
    service = service_with(database, LineModel(lambda written, request: []))
    with pytest.raises(InvalidInput, match=answer):
        service.validate("poem", "rain", {"form": "acrostic", "word": word})


def test_a_topic_whose_word_is_too_long_to_spell_asks_for_one(database: Database) -> None:
    service = service_with(database, LineModel(lambda written, request: []))
    with pytest.raises(InvalidInput, match="34 letters"):
        service.validate("poem", "supercalifragilisticexpialidocious", {"form": "acrostic"})


def test_a_word_for_another_form_is_refused(database: Database) -> None:
    service = service_with(database, LineModel(lambda written, request: []))
    with pytest.raises(InvalidInput, match="form:acrostic"):
        service.validate("poem", "rain", {"form": "haiku", "word": "rain"})
