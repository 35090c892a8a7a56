"""Prompts are laid out for the prefix cache: fixed parts first, per-member parts after."""

from __future__ import annotations

import pytest

from inkwell.bot.records.styles import StyleRecord
from inkwell.bot.services.forms import FORMS, SAMPLING_OPTIONS, CreationRequest
from inkwell.bot.services.prompts import PromptLibrary, fill_lines


@pytest.fixture(scope="module")
def prompts() -> PromptLibrary:
    return PromptLibrary.load()


def test_every_form_has_a_template(prompts: PromptLibrary) -> None:
    assert set(prompts.forms) == set(FORMS)


def test_the_system_message_is_identical_for_every_member_and_call(prompts: PromptLibrary) -> None:
    alice = prompts.messages(
        CreationRequest("poem", "first snow", {"form": "haiku"}), StyleRecord(tone="wry")
    )
    bob = prompts.messages(
        CreationRequest("poem", "the sea", {"tone": "dark"}),
        StyleRecord(voice="lyrical", rating="g"),
    )
    assert alice[0] == bob[0]
    assert alice[0].role == "system"


def test_forms_differ_only_after_the_shared_system_prompt(prompts: PromptLibrary) -> None:
    story = prompts.system_message("story").content
    poem = prompts.system_message("poem").content
    assert story.startswith(prompts.system)
    assert poem.startswith(prompts.system)
    assert story != poem


def test_the_user_message_puts_style_before_history_before_the_request(
    prompts: PromptLibrary,
) -> None:
    messages = prompts.messages(
        CreationRequest("story", "a lighthouse keeper", {"length": "short"}),
        StyleRecord(voice="hard-boiled", avoid="spiders"),
        history=["Turn 1: The lamp went out."],
    )
    user = messages[1].content
    assert user.index("hard-boiled") < user.index("Turn 1") < user.index("a lighthouse keeper")
    assert "Avoid: spiders" in user


def test_choices_are_spelled_out_for_the_model(prompts: PromptLibrary) -> None:
    text = prompts.request_text(CreationRequest("poem", "first snow", {"form": "haiku"}))
    assert "5, 7 and 5 syllables" in text


def test_unset_options_leave_no_empty_lines(prompts: PromptLibrary) -> None:
    text = prompts.request_text(CreationRequest("story", "a heist", {}))
    assert "Genre:" not in text
    assert "Tone:" not in text
    assert text == "Write a story from this prompt: a heist"


def test_no_style_means_no_style_block(prompts: PromptLibrary) -> None:
    messages = prompts.messages(CreationRequest("post", "launch day", {}), StyleRecord())
    assert "style notes" not in messages[1].content


def test_ratings_are_defined_in_the_shared_prefix_and_only_named_per_member(
    prompts: PromptLibrary,
) -> None:
    assert "G: suitable for all ages" in prompts.system
    assert prompts.style_block(StyleRecord(rating="pg13")).endswith("Content rating: PG-13")


@pytest.mark.parametrize("form", ["story", "lyrics", "poem", "post"])
def test_every_choice_is_defined_in_the_form_instructions(
    prompts: PromptLibrary, form: str
) -> None:
    """Option-dependent guidance lives in the cached prefix; the request only names it.

    Sampling options (creativity) are no guidance at all: the prompt never names them."""
    instructions = prompts.forms[form].instructions  # type: ignore[index]
    for option in FORMS[form].options:  # type: ignore[index]
        if option.name in SAMPLING_OPTIONS:
            assert option.name not in instructions.lower()
            continue
        for choice in option.choices:
            assert f"- {choice}:" in instructions, f"{form}: {option.name}={choice} is undefined"


@pytest.mark.parametrize(
    ("options", "expected"),
    [({"form": "haiku"}, 60), ({"form": "sonnet"}, 260), ({}, 300)],
    ids=["haiku", "sonnet", "default"],
)
def test_max_tokens_follow_the_form(
    prompts: PromptLibrary, options: dict[str, str | int], expected: int
) -> None:
    assert prompts.max_tokens(CreationRequest("poem", "x", options)) == expected


def test_fill_lines_drops_only_lines_whose_values_are_missing() -> None:
    assert fill_lines("A: $a\nB: $b\nfixed", {"a": "1", "b": None}) == "A: 1\nfixed"
