"""One relay played through the playground: a local writer and the model take turns."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from inkwell.bot.console.playground import LOCAL_USER_ID, Playground
from inkwell.bot.runtime import open_services
from inkwell.bot.services.bundle import Services
from inkwell.bot.settings import Settings
from tests.fakes import ScriptedBackend

MODEL_TURN = "The keeper heard a knock from below."


async def open_playground_services(database: Path) -> Services:
    settings = Settings(_env_file=None, database=database)  # type: ignore[call-arg]
    backend = ScriptedBackend(["The keeper ", "heard a knock ", "from below."])
    return await open_services(settings, backend=backend, apply_cooldowns=False)


@pytest.fixture
async def services(tmp_path: Path) -> AsyncIterator[Services]:
    services = await open_playground_services(tmp_path / "inkwell.sqlite3")
    yield services
    await services.close()


async def play(services: Services, *lines: str) -> str:
    pending = list(lines)

    async def read_line() -> str | None:
        return pending.pop(0) if pending else None

    out = io.StringIO()
    await Playground(services, read_line, out).run()
    return out.getvalue()


async def test_a_relay_with_the_model_from_start_to_export(
    services: Services, tmp_path: Path
) -> None:
    story_file = tmp_path / "story.md"
    output = await play(
        services,
        '/relay start title:"The Lighthouse" premise:"A letter in a bottle." max_words:50',
        "/relay write The lamp went out: someone had cut the wire.",
        "/relay status",
        "/relay write She took the stairs down.",
        "/relay end",
        f"/relay export file:{story_file}",
    )

    assert "📖 “The Lighthouse” begins." in output
    assert "— Your turn: turn 1, up to 50 words" in output
    assert "Premise: A letter in a bottle." in output
    assert "── Turn 1 · you · 9 words ──\nThe lamp went out: someone had cut the wire." in output
    assert f"── Turn 2 · Inkwell (the model) · 7 words ──\n{MODEL_TURN}" in output
    assert f"Last turn (Inkwell (the model)): {MODEL_TURN}" in output
    assert "turn 3 (yours" in output
    assert "🏁 “The Lighthouse” has ended." in output
    markdown = story_file.read_text(encoding="utf-8")
    assert markdown.startswith("# The Lighthouse\n")
    assert "- you — 14 words in 2 turns" in markdown
    assert f"### 2. Inkwell (the model)\n\n{MODEL_TURN}" in markdown
    assert "Traceback" not in output


async def test_the_relay_goes_on_after_the_playground_restarts(tmp_path: Path) -> None:
    database = tmp_path / "inkwell.sqlite3"
    first = await open_playground_services(database)
    await play(first, "/relay start The Lighthouse")
    await first.close()

    again = await open_playground_services(database)
    try:
        output = await play(again, "/relay write The lamp went out.")
        relay = await again.relay.local_relay()
    finally:
        await again.close()

    assert "── Turn 1 · you" in output
    assert relay is not None
    assert relay.started_by == LOCAL_USER_ID


@pytest.mark.parametrize(
    ("line", "answer"),
    [
        pytest.param("/relay write Hello", "No relay yet", id="no-relay"),
        pytest.param("/relay start", "Give the story a title", id="no-title"),
        pytest.param("/relay start t max_words:lots", "max_words must be a whole", id="bad-int"),
        pytest.param(
            "/relay start t max_words:5", "max_words must be a whole number from 50", id="range"
        ),
        pytest.param("/relay start t ai_turns:always", "ai_turns must be one of", id="bad-choice"),
        pytest.param("/relay dance", "/relay has no “dance”", id="unknown"),
    ],
)
async def test_bad_relay_input_gets_one_line(services: Services, line: str, answer: str) -> None:
    output = await play(services, line)
    complaints = [text for text in output.splitlines() if text.startswith("! ")]
    assert len(complaints) == 1
    assert answer in complaints[0]


async def test_help_mentions_the_relay(services: Services) -> None:
    assert "/relay start" in await play(services, "/help")
    assert "/relay write <your turn>" in await play(services, "/relay help")


async def test_ai_turns_off_is_refused_before_the_relay_begins(services: Services) -> None:
    output = await play(services, "/relay start The Lighthouse ai_turns:off")

    assert "! With ai_turns:off only people write" in output
    assert "begins" not in output
    assert await services.relay.local_relay() is None


async def test_a_second_start_is_refused_while_a_relay_runs(services: Services) -> None:
    output = await play(services, "/relay start The Lighthouse", "/relay start The Mill")

    assert "! “The Lighthouse” is still running" in output
    relay = await services.relay.local_relay()
    assert relay is not None
    assert relay.title == "The Lighthouse"


async def test_undo_says_why_it_cannot_work_when_the_model_writes_at_once(
    services: Services,
) -> None:
    output = await play(services, "/relay start The Lighthouse", "/relay write Hi.", "/relay undo")

    assert "! Nothing to take back: with ai_turns:each_round the model writes" in output


async def test_a_pass_is_told_in_a_sentence_and_the_export_numbers_turns_as_announced(
    services: Services,
) -> None:
    output = await play(
        services,
        "/relay start The Lighthouse",
        "/relay write The lamp went out.",
        "/relay pass",
        "/relay export",
    )

    assert "You passed turn 3." in output
    assert "── Turn 4 · Inkwell (the model)" in output
    assert "### 4. Inkwell (the model)" in output
    assert "### 3." not in output


async def test_the_playground_says_at_once_that_the_model_takes_its_turn(
    services: Services,
) -> None:
    output = await play(services, "/relay start The Lighthouse", "/relay write The lamp went out.")

    saved = output.index("(saved)")
    assert saved < output.index("(the model is writing turn 2…)") < output.index("── Turn 2")


async def test_on_a_terminal_the_models_turn_shows_a_progress_line_with_the_time(
    services: Services,
) -> None:
    lines = ["/relay start The Lighthouse", "/relay write The lamp went out."]

    async def read_line() -> str | None:
        return lines.pop(0) if lines else None

    out = io.StringIO()
    await Playground(services, read_line, out, terminal=True, width=100).run()
    printed = out.getvalue()

    assert "the model is writing turn 2 · 0 s" in printed
    assert printed.index("(saved)") < printed.index("the model is writing turn 2")
    assert printed.index("the model is writing turn 2") < printed.index("── Turn 2")


async def test_memory_and_note_are_set_and_shown_apostrophes_and_all(
    services: Services,
) -> None:
    output = await play(
        services,
        "/relay start The Lighthouse",
        "/relay memory Mira keeps the light; she can't swim.",
        '/relay note text:"Keep it eerie."',
        "/relay status",
        "/relay memory",
        "/relay write The lamp went out.",
    )

    assert "Memory set (37/1000 characters)." in output
    assert "Author's note set (14/200 characters)." in output
    assert "  Memory: Mira keeps the light; she can't swim.\n  Author's note: Keep it eerie." in (
        output
    )
    assert "Memory:\nMira keeps the light; she can't swim." in output
    relay = await services.relay.local_relay()
    assert relay is not None
    assert (relay.memory, relay.note) == ("Mira keeps the light; she can't swim.", "Keep it eerie.")
    assert "Traceback" not in output


async def test_a_memory_over_the_limit_is_refused_and_clear_clears(services: Services) -> None:
    output = await play(
        services,
        "/relay start The Lighthouse",
        "/relay note Keep it light.",
        "/relay note " + "x" * 201,
        "/relay note clear",
        "/relay note",
    )

    complaints = [text for text in output.splitlines() if text.startswith("! ")]
    assert complaints == [
        "! The author's note is 201 characters; the limit is 200. Shorten it and try again."
    ]
    assert "Author's note cleared." in output
    assert "No author's note yet." in output
