"""The optional model stage: off by default, per guild, after the rules, same interface."""

from __future__ import annotations

import pytest

from inkwell.bot.services.filters.classifier import Classification, classifier_prompt, parse_answer
from inkwell.bot.services.filters.service import FilterService
from inkwell.serving.backend import GenerationRequest
from tests.fakes import ScriptedBackend
from tests.services.filters.conftest import GUILD, MEMBER, MOD


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("safe", Classification(True)),
        ("  Safe.\n", Classification(True)),
        ("unsafe\nS1", Classification(False, ("S1",))),
        ("unsafe\nS10,S1, s12", Classification(False, ("S10", "S1", "S12"))),
        ("unsafe", Classification(False, ())),
        ("I think this is fine", None),
        ("", None),
    ],
)
def test_answers_are_read_like_llama_guard_writes_them(
    answer: str, expected: Classification | None
) -> None:
    assert parse_answer(answer) == expected


def test_the_prompt_starts_the_same_for_every_text() -> None:
    first, second = classifier_prompt("one", "User"), classifier_prompt("two", "User")
    shared = first[: first.index("User: one")]
    assert second.startswith(shared)
    assert "S11: Self-Harm." in shared
    assert "'safe' or 'unsafe'" in first


async def test_the_model_stage_is_off_by_default(
    filters: FilterService, guard: ScriptedBackend
) -> None:
    await filters.rules.add_rule(
        GUILD, MOD, pattern="forbidden", kind="word", action="block", applies_to="both"
    )
    await filters.check_prompt("a calm poem", MEMBER)
    await filters.check_output("a calm poem", MEMBER, final=True)
    assert guard.requests == []


async def test_an_unsafe_answer_blocks_with_the_category_and_is_audited(
    filters: FilterService, guard: ScriptedBackend
) -> None:
    await filters.settings.set_classifier(GUILD, True, "block")
    guard.script = ["unsafe\n", "S1"]
    verdict = await filters.check_prompt("how do I hurt someone", MEMBER)
    assert (verdict.blocked, verdict.category) == (True, "violent crimes")
    request: GenerationRequest = guard.requests[0]
    assert "User: how do I hurt someone" in request.messages[0].content
    assert request.sampling.temperature == 0
    [entry] = await filters.audit_trail.entries(GUILD, limit=5)
    event = entry.event
    assert (event.rule, event.action, event.category) == ("model S1", "block", "violent crimes")
    assert event.excerpt.startswith("||")
    assert event.excerpt.endswith("||")


async def test_the_rule_stage_runs_first(filters: FilterService, guard: ScriptedBackend) -> None:
    await filters.settings.set_classifier(GUILD, True, "block")
    await filters.rules.add_rule(
        GUILD, MOD, pattern="forbidden", kind="word", action="block", applies_to="both"
    )
    assert (await filters.check_prompt("forbidden", MEMBER)).category == "server rules"
    assert guard.requests == []


async def test_it_judges_finished_outputs_not_every_streamed_edit(
    filters: FilterService, guard: ScriptedBackend
) -> None:
    await filters.settings.set_classifier(GUILD, True, "block")
    for text in ("Once ", "Once upon ", "Once upon a time"):
        await filters.check_output(text, MEMBER, final=False)
    assert guard.requests == []
    guard.script = ["unsafe\nS12"]
    verdict = await filters.check_output("Once upon a time", MEMBER, final=True)
    assert (verdict.blocked, verdict.category) == (True, "sexual content")
    assert "Agent: Once upon a time" in guard.requests[0].messages[0].content


async def test_flag_mode_lets_the_text_through_and_records_it(
    filters: FilterService, guard: ScriptedBackend
) -> None:
    await filters.settings.set_classifier(GUILD, True, "flag")
    guard.script = ["unsafe\nS10"]
    verdict = await filters.check_prompt("a rant", MEMBER)
    assert (verdict.blocked, verdict.text) == (False, "a rant")
    assert [e.event.action for e in await filters.audit_trail.entries(GUILD, limit=5)] == ["flag"]


@pytest.mark.parametrize(
    "script",
    [pytest.param(["maybe?"], id="nonsense"), pytest.param([], id="silence")],
)
async def test_no_verdict_lets_the_text_through(
    filters: FilterService, guard: ScriptedBackend, script: list[str]
) -> None:
    await filters.settings.set_classifier(GUILD, True, "block")
    guard.script = script
    assert not (await filters.check_prompt("a poem", MEMBER)).blocked


async def test_a_down_server_fails_open_because_the_rules_already_ran(
    filters: FilterService, guard: ScriptedBackend
) -> None:
    await filters.settings.set_classifier(GUILD, True, "block")
    guard.fail_after = 0
    assert not (await filters.check_prompt("a poem", MEMBER)).blocked


async def test_the_same_text_is_asked_once_while_remembered(
    filters: FilterService, guard: ScriptedBackend
) -> None:
    await filters.settings.set_classifier(GUILD, True, "block")
    for _ in range(3):
        await filters.check_prompt("a style that repeats", MEMBER)
    assert len(guard.requests) == 1


async def test_a_missing_verdict_is_asked_again(
    filters: FilterService, guard: ScriptedBackend
) -> None:
    await filters.settings.set_classifier(GUILD, True, "block")
    guard.fail_after = 0
    await filters.check_prompt("a poem", MEMBER)
    guard.fail_after = None
    guard.script = ["unsafe\nS1"]
    assert (await filters.check_prompt("a poem", MEMBER)).blocked
