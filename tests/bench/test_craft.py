"""The craft benchmark's own measuring: its detectors, distinct-2, its request set, a run."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bench.craft import (
    PROMPTS,
    CraftRequest,
    Piece,
    load_requests,
    render,
    run_backend,
    select,
    summarize,
    totals,
)
from bench.craft_checks import (
    artefacts,
    budget_cut_lines,
    distinct_2,
    ending_problem,
    lyrics_labelled,
    words,
)
from inkwell.bot.services.forms import FORMS
from inkwell.bot.text.platforms import PLATFORMS
from inkwell.serving.backend import GenerationRequest
from tests.fakes import ScriptedBackend

PROMPT = "Write a poem about: first snow over the harbour\nForm: haiku\nTone: quiet and still"
SUBJECT = "first snow over the harbour"


def found(text: str) -> list[str]:
    return list(artefacts(text, prompt=PROMPT, subject=SUBJECT))


# --- artefacts -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Sure! Here is a haiku:\nSnow on the harbour",
        "Certainly, a poem for you.\nSnow falls",
        "Here's a haiku about snow:\nWhite roofs",
        "Snow falls on the boats\nI hope you enjoy this poem!",
        "As an AI, I cannot feel the cold.",
        "Snow on the harbour\nThis poem captures the silence of winter.",
        "Note: the syllables are 5-7-5.",
    ],
)
def test_preamble_and_meta_talk_are_found(text: str) -> None:
    assert "preamble" in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "Snow settles softly\nthe harbour holds its breath now\ngulls fold their white wings",
        '"Sure," she said, and closed the door behind her.',
        '"Here is the key," the keeper said.',
        "Of course the tide came in again that night.",
    ],
)
def test_verse_and_dialogue_are_not_preamble(text: str) -> None:
    assert found(text) == []


def test_an_echoed_request_is_found_but_the_subject_alone_is_not() -> None:
    assert "echo" in found("Form: haiku\nSnow on the water")
    assert "echo" in found("Write a poem about the harbour at night")
    assert "echo" in found("snow over the harbour form haiku tone")
    # The member's own words are the piece's to use.
    assert "echo" not in found("First snow over the harbour\nboats sleep under white")


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ('{"text": "Our bakery opens Saturday!", "hashtags": ["#Bread"]}', "json"),
        ('Opening Saturday!\n"hashtags": ["#Bread"]', "json"),
        ("Fish &amp; chips on the pier", "html"),
        ("It&#39;s snowing", "html"),
        ("It&#x27;s snowing", "html"),
        ("# Snow\nWhite roofs", "markdown"),
        ("### A Haiku\nWhite roofs", "markdown"),
        ("```\nWhite roofs\n```", "markdown"),
    ],
)
def test_json_entities_and_markdown_are_found(text: str, kind: str) -> None:
    assert kind in found(text)


def test_hashtags_labels_and_ampersands_are_not_artefacts() -> None:
    assert found("Fresh bread this Saturday! Come early.\n\n#Bakery #FreshBread") == []
    assert found("[Verse 1]\nWe drove all night\n[Chorus]\nOh the road") == []
    assert found("Salt & pepper skies") == []


# --- endings -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "The door closed.",
        "Was it ever there?",
        'She smiled. "Goodbye."',
        "And then… nothing…",
        "(It was over.)",
        "Fresh bread on Saturday! See you there.\n\n#Bakery #Bread",
        "Come visit us 🥐",
        "The end!** ",
    ],
)
def test_prose_that_ends_a_sentence(text: str) -> None:
    assert ending_problem(text, prose=True) is None


@pytest.mark.parametrize(
    "text",
    ["The door closed and she", "It was the best of", "He said,", "Come by at 9", ""],
)
def test_prose_cut_mid_sentence_or_mid_word(text: str) -> None:
    assert ending_problem(text, prose=True) is not None


def test_a_poem_may_end_on_a_word_but_not_running_on() -> None:
    assert ending_problem("Snow settles softly\nthe harbour sleeps", prose=False) is None
    assert ending_problem("Snow settles softly\nthe harbour sleeps,", prose=False) is not None
    assert ending_problem("white wings —", prose=False) is not None
    assert ending_problem("the gulls and the", prose=False) is None  # only the budget tells
    assert ending_problem("  \n", prose=False) == "empty"


def test_budget_cut_lines_are_the_lines_that_end_with_a_cut_generation() -> None:
    piece = "Rivers run to sea\nIce holds the\nVast and grey"
    assert budget_cut_lines(piece, ["holds   the"]) == ["Ice holds the"]
    assert budget_cut_lines(piece, ["the sea at"]) == []
    assert budget_cut_lines(piece, ["", "  "]) == []
    # A one-shot reply: its last words, wherever the line ends.
    reply = "Snow falls on boats\nthe harbour sleeps and the gulls\nwait for the"
    assert budget_cut_lines(reply + "\n\n#Snow", [reply]) == ["wait for the"]
    # Text the service trimmed away is not in the piece any more.
    assert budget_cut_lines("Snow falls on boats.", [reply]) == []


# --- distinct-2 and labels -----------------------------------------------------------------


def test_distinct_2_counts_unique_bigrams_over_all_variants() -> None:
    assert distinct_2(["the cat sat", "the cat ran"]) == pytest.approx(3 / 4)
    assert distinct_2(["a b c", "a b c"]) == pytest.approx(2 / 4)
    assert distinct_2(["one two", "three four"]) == 1.0
    # Bigrams do not cross from one variant to the next, and words are case-folded.
    assert distinct_2(["Snow", "snow"]) is None
    assert distinct_2(["It's snow", "it’s SNOW"]) == pytest.approx(1 / 2)
    assert words("Don't stop—the night!") == ["don't", "stop", "the", "night"]


def test_lyrics_are_labelled_only_when_every_section_is() -> None:
    song = "[Verse 1]\nWe drove\n\n[Chorus]\nOh the road\n\n[Verse 2]\nWe came back"
    assert lyrics_labelled(song)
    assert lyrics_labelled("Road Song\n" + song)  # a lone title line
    assert not lyrics_labelled("We drove all night\nand sang\n" + song)
    assert not lyrics_labelled(song.replace("[Chorus]", "Chorus:"))
    assert not lyrics_labelled(song.replace("[Verse 2]", "**Verse 2**"))
    assert not lyrics_labelled("[Verse 1]\n[Chorus]\nOh the road")  # an empty section
    assert not lyrics_labelled("[Verse 1]\nWe drove all night")  # one section


# --- the request set -----------------------------------------------------------------------


def test_the_request_set_covers_every_form_structure_platform_and_length() -> None:
    requests = load_requests(PROMPTS)
    assert len(requests) >= 40
    keys = {request.key for request in requests}
    poem_forms = FORMS["poem"].option("form")
    structures = FORMS["lyrics"].option("structure")
    assert poem_forms is not None
    assert structures is not None
    assert set(poem_forms.choices) <= keys
    assert {f"lyrics {name}" for name in structures.choices} <= keys
    assert {f"post {name}" for name in PLATFORMS} <= keys
    assert {"story short", "story medium"} <= keys
    stories = [request for request in requests if request.form == "story"]
    assert {request.options.get("pov") for request in stories} >= {"first", "second", "third"}
    assert {request.style.get("tense") for request in stories} >= {"past", "present"}
    acrostics = [request for request in requests if request.key == "acrostic"]
    assert acrostics
    assert all(isinstance(request.options.get("word"), str) for request in acrostics)


def test_select_keeps_the_first_n_of_each_form_and_the_forms_named() -> None:
    requests = [
        CraftRequest("poem", "a", {"form": "haiku"}),
        CraftRequest("poem", "b", {"form": "haiku"}),
        CraftRequest("post", "c", {"platform": "x"}),
        CraftRequest("post", "d", {"platform": "linkedin"}),
    ]
    assert [r.subject for r in select(requests, limit=1, forms=None)] == ["a", "c", "d"]
    assert [r.subject for r in select(requests, limit=None, forms=["post"])] == ["c", "d"]
    assert [r.subject for r in select(requests, limit=None, forms=["post x"])] == ["c"]


# --- a run, against a scripted backend -----------------------------------------------------


def scripted(request: GenerationRequest) -> list[str]:
    if request.sampling.stop:  # a drafted line
        return ["Snow on quiet boats"]
    if "Form: social-media post" in request.messages[0].content:
        return ["Fresh bread on Saturday! ", "Come early."]
    return ['{"piece": "snow\n', "white snow falls,"]


async def test_a_run_writes_each_piece_with_both_pipelines_and_summarizes(tmp_path: Path) -> None:
    requests = [
        CraftRequest("poem", "first snow", {"form": "haiku"}),
        CraftRequest("post", "our bakery", {"platform": "x"}),
    ]
    pieces = await run_backend(
        "fake",
        ScriptedBackend(scripted),
        requests,
        variants=2,
        count_tokens=lambda text: len(text.split()),
        progress=False,
    )
    assert [(p.key, p.pipeline) for p in pieces] == [
        ("haiku", "drafted"),
        ("haiku", "one-shot"),
        ("haiku", "one-shot"),
        ("haiku", "drafted"),
        ("post x", "same"),
        ("post x", "same"),
    ]
    one_shot = next(p for p in pieces if p.pipeline == "one-shot")
    assert one_shot.artefacts == ["json"]
    assert one_shot.cut_ending is not None
    assert one_shot.passed is False
    drafted = next(p for p in pieces if p.pipeline == "drafted")
    assert drafted.requests >= 3
    assert drafted.tokens > one_shot.tokens
    assert all(p.error is None and p.ttft_s is not None for p in pieces)
    rows = summarize(pieces)
    haiku = {row["pipeline"]: row for row in rows if row["form"] == "haiku"}
    assert haiku["one-shot"]["artefacts"] == 1.0
    assert haiku["one-shot"]["distinct_2"] == 7 / 14
    assert "haiku" in render(rows, "fake")
    assert "same" in render(rows, "fake")
    assert {"fake poems drafted", "fake poems one-shot", "fake prose same"} <= set(
        totals(rows, pieces)
    )


def test_a_piece_is_cut_by_its_ending_or_its_budget() -> None:
    piece = Piece(
        "b", "one-shot", "haiku", 0, 0, "snow", True, True, [], [], None, [], 0.1, 1.0, 3, 1
    )
    assert not piece.cut
    assert replace(piece, cut_budget=["whole reply"]).cut
    assert replace(piece, cut_ending="ends on ','").cut


def test_totals_pool_pieces_and_compare_the_drafted_time_with_the_one_shot() -> None:
    base = Piece(
        "b", "one-shot", "haiku", 0, 0, "snow", True, True, [], [], None, [], 0.1, 2.0, 3, 1
    )
    pieces = [
        base,
        replace(base, key="sonnet", total_s=4.0),
        replace(base, pipeline="drafted", total_s=6.0, artefacts=["json"]),
        replace(base, pipeline="drafted", key="sonnet", total_s=12.0),
    ]
    found = totals(summarize(pieces), pieces)
    assert found["b poems drafted"]["time_vs_one_shot"] == pytest.approx(3.0)
    assert found["b poems drafted"]["json_or_preamble"] == 0.5
    assert "3.0×" in render(summarize(pieces), "b")
