"""The console playground, driven with scripted input as a person would type it."""

from __future__ import annotations

import asyncio
import io
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from inkwell.bot.console.playground import LOCAL_GUILD_ID, LOCAL_USER_ID, Playground, _new_part
from inkwell.bot.runtime import open_services
from inkwell.bot.services.bundle import Services
from inkwell.bot.services.passages import UNFINISHED_NOTE
from inkwell.bot.settings import Settings
from inkwell.serving.backend import SERVER_REFUSED, BackendError, GenerationRequest, QueueState
from tests.fakes import DOWN_DETAIL, ScriptedBackend


@pytest.fixture
async def services(tmp_path: Path) -> AsyncIterator[Services]:
    settings = Settings(_env_file=None, database=tmp_path / "inkwell.sqlite3")  # type: ignore[call-arg]
    backend = ScriptedBackend(["Snow ", "on ", "the ", "pine."])
    services = await open_services(settings, backend=backend, apply_cooldowns=False)
    # The server's default filters are written and compiled on its first check; done here,
    # so that timed tests measure the piece, not that first setup.
    await services.filters.config(LOCAL_GUILD_ID)
    yield services
    await services.close()


async def play(services: Services, *lines: str) -> str:
    """Type ``lines`` into the playground, then end the input; return what it printed."""
    pending = list(lines)

    async def read_line() -> str | None:
        return pending.pop(0) if pending else None

    out = io.StringIO()
    await Playground(services, read_line, out).run()
    return out.getvalue()


async def test_a_poem_streams_into_the_terminal(services: Services) -> None:
    output = await play(services, '/poem form:haiku topic:"first snow"')
    assert "Snow on the pine." in output
    assert "[variant 1/1 · r regenerate]" in output
    backend = services.backend
    assert isinstance(backend, ScriptedBackend)
    assert "5, 7 and 5 syllables" in backend.requests[0].messages[1].content
    assert "first snow" in backend.requests[0].messages[1].content


async def test_a_poem_ends_with_its_form_report(services: Services) -> None:
    backend = services.backend
    assert isinstance(backend, ScriptedBackend)
    haiku = ("An old silent pond", "A frog jumps into the pond", "Splash! Silence again.")
    backend.script = lambda request: [haiku[min((request.continue_from or "").count("\n"), 2)]]

    output = await play(services, "/poem a pond form:haiku")

    assert "\n".join(haiku) in output
    assert "· haiku · 5-7-5 ✓\n[variant 1/1 · r regenerate]" in output


async def test_free_words_become_the_topic(services: Services) -> None:
    await play(services, "/poem first snow form:haiku")
    backend = services.backend
    assert isinstance(backend, ScriptedBackend)
    assert "Write a poem about: first snow" in backend.requests[0].messages[1].content


async def test_regenerate_continue_and_flip(services: Services) -> None:
    output = await play(services, "/story a lighthouse", "r", "c", "p", "n")
    assert "[variant 2/2 · r regenerate · c continue · n/p flip]" in output
    assert "[variant 1/2 · r regenerate · c continue · n/p flip]" in output


async def test_style_set_shapes_later_commands_and_is_stored(services: Services) -> None:
    output = await play(services, "/style set tone:wry voice:lyrical", "/style show", "/poem snow")
    assert "tone: wry" in output
    backend = services.backend
    assert isinstance(backend, ScriptedBackend)
    assert "Tone: wry" in backend.requests[0].messages[1].content
    stored = await services.styles.overview(LOCAL_USER_ID, None)
    assert stored.mine.voice == "lyrical"


async def test_creativity_from_the_command_or_the_style_reaches_the_model(
    services: Services,
) -> None:
    lines = ("/poem snow creativity:high", "/style set creativity:low", "/style show", "/poem rain")
    output = await play(services, *lines)
    assert "creativity: low" in output
    backend = services.backend
    assert isinstance(backend, ScriptedBackend)
    sent = [(request.sampling.temperature, request.sampling.top_p) for request in backend.requests]
    assert sent == [(1.05, 0.98), (0.5, 0.85)]


async def test_forget_me_asks_first(services: Services) -> None:
    await services.styles.update(LOCAL_USER_ID, {"tone": "wry"})
    output = await play(services, "/style forget-me", "no", "/style forget-me", "yes")
    assert "Kept everything." in output
    assert "Done: 1 record(s) deleted." in output
    assert (await services.styles.overview(LOCAL_USER_ID, None)).mine.is_empty()


@pytest.mark.parametrize(
    ("line", "answer"),
    [
        pytest.param("/dance", "Unknown command /dance", id="unknown-command"),
        pytest.param("/poem", "The topic is empty", id="missing-topic"),
        pytest.param("/poem snow form:ballad", "form must be one of", id="bad-choice"),
        pytest.param("/post launch variants:lots", "variants must be a whole number", id="bad-int"),
        pytest.param('/poem "unclosed', "Check your quotes", id="bad-quotes"),
        pytest.param("r", "Nothing written yet", id="regenerate-first"),
        pytest.param("hello", "Commands start with /", id="no-slash"),
        pytest.param("/describe", "There is no text to work with", id="no-passage"),
        pytest.param("/style set pov:fourth", "pov must be one of", id="bad-style"),
        pytest.param(
            "/story a door creativity:wild",
            "creativity must be one of: low, medium, high",
            id="bad-creativity",
        ),
        pytest.param(
            "/style set creativity:max",
            "creativity must be one of: low, medium, high",
            id="bad-style-creativity",
        ),
    ],
)
async def test_bad_input_gets_one_line_not_a_traceback(
    services: Services, line: str, answer: str
) -> None:
    output = await play(services, line)
    complaint = [text for text in output.splitlines() if text.startswith("! ")]
    assert len(complaint) == 1
    assert answer in complaint[0]
    assert "Traceback" not in output


REFUSED_DETAIL = (
    "The model server at http://10.0.0.5:8000/v1 refused the request (HTTP 400): "
    "Grammar error: Invalid type: nonsense"
)


def refuse(request: GenerationRequest) -> list[str]:
    raise BackendError(SERVER_REFUSED, operator_detail=REFUSED_DETAIL)


@pytest.mark.parametrize(
    ("failure", "answer"),
    [
        pytest.param({"fail_after": 0}, DOWN_DETAIL, id="down"),
        pytest.param({"script": refuse}, REFUSED_DETAIL, id="refused"),
    ],
)
async def test_a_failing_model_gets_one_line_for_the_operator_not_a_traceback(
    services: Services, failure: dict[str, object], answer: str
) -> None:
    backend = services.backend
    assert isinstance(backend, ScriptedBackend)
    for name, value in failure.items():
        setattr(backend, name, value)
    output = await play(services, "/poem snow")
    complaint = [text for text in output.splitlines() if text.startswith("! ")]
    # The playground's user runs Inkwell: they read the server's address and its words.
    assert complaint == [f"! {answer}"]
    assert "on our side" not in output


async def test_a_piece_cut_short_keeps_its_words_and_says_why_on_a_line_of_its_own(
    services: Services,
) -> None:
    backend = services.backend
    assert isinstance(backend, ScriptedBackend)
    backend.fail_after = 2  # "Snow on " written, then the model server stops

    output = await play(services, "/poem snow")

    # What was shown stays ("Snow ": text is shown once per interval), then why it ended.
    assert f"Snow \n(cut short)\n! {DOWN_DETAIL}\n" in output


async def test_help_lists_every_command(services: Services) -> None:
    output = await play(services, "/help")
    for command in ("/story", "/lyrics", "/poem", "/post", "/style set", "/style forget-me"):
        assert command in output


async def test_a_story_cut_at_the_length_limit_says_so_and_how_to_go_on(
    services: Services,
) -> None:
    backend = services.backend
    assert isinstance(backend, ScriptedBackend)
    backend.script = ["The lamp went out. ", "She climbed the st"]
    backend.finish_reason = "length"

    output = await play(services, '/story prompt:"a lighthouse"')

    assert "She climbed the st" not in output  # the fragment never stays on screen
    assert (
        "The lamp went out. \n✂ cut at the length limit — c continue picks up from here\n"
    ) in output
    assert "[variant 1/1 · r regenerate · c continue]" in output


@pytest.mark.parametrize("line", ["/style reset tone", "/style reset field:tone"])
async def test_style_reset_with_a_field_resets_only_that_field(
    services: Services, line: str
) -> None:
    await services.styles.update(LOCAL_USER_ID, {"tone": "wry", "voice": "lyrical"})

    output = await play(services, line)

    assert "Reset." in output
    stored = (await services.styles.overview(LOCAL_USER_ID, None)).mine
    assert (stored.tone, stored.voice) == (None, "lyrical")


async def test_style_reset_refuses_a_word_that_is_no_field(services: Services) -> None:
    await services.styles.update(LOCAL_USER_ID, {"tone": "wry"})

    output = await play(services, "/style reset colour")

    assert "! There is no style preference called “colour”" in output
    assert (await services.styles.overview(LOCAL_USER_ID, None)).mine.tone == "wry"


@pytest.mark.parametrize(
    ("line", "topic"),
    [
        pytest.param("/story meet me at 10:30 by the pier", "meet me at 10:30 by the pier"),
        pytest.param("/post see https://example.org/launch", "see https://example.org/launch"),
        pytest.param("/poem note: the sea form:haiku", "note: the sea"),
    ],
)
async def test_only_real_option_names_are_options_the_rest_is_the_topic(
    services: Services, line: str, topic: str
) -> None:
    output = await play(services, line)

    assert "! " not in output
    backend = services.backend
    assert isinstance(backend, ScriptedBackend)
    assert topic in backend.requests[0].messages[1].content


async def test_continue_prints_only_the_new_words(services: Services) -> None:
    output = await play(services, "/story a lighthouse", "c")
    # The story once, then the continuation after it: never the whole story again.
    assert output.count("Snow on the pine.") == 2
    assert "(continuing the story…)\n Snow on the pine.\n" in output


async def test_a_piece_without_a_platform_is_never_said_to_be_fitted_to_one(
    services: Services,
) -> None:
    backend = services.backend
    assert isinstance(backend, ScriptedBackend)
    backend.script = ["A tale   ", "of  two\n\n\n\n", "towns.   "]

    output = await play(services, "/story two towns")

    assert "fitted to the platform" not in output
    assert output.count("A tale") == 1


async def test_colour_only_on_a_terminal(services: Services) -> None:
    out = io.StringIO()
    lines = ["/dance"]

    async def read_line() -> str | None:
        return lines.pop(0) if lines else None

    await Playground(services, read_line, out, terminal=True).run()
    assert "\x1b[31m! Unknown command /dance" in out.getvalue()
    assert "\x1b[" not in await play(services, "/dance", "/poem snow")


async def test_the_playground_says_at_once_that_it_is_writing(services: Services) -> None:
    output = await play(services, "/poem snow")
    assert output.index("(writing the poem…)") < output.index("Snow on the pine.")


async def test_filters_added_in_the_playground_apply_to_what_the_model_writes(
    services: Services,
) -> None:
    output = await play(
        services,
        "/filters add pattern:pine action:redact applies_to:outputs",
        "/filters list",
        "/filters test text:snow on the pine",
        "/poem snow",
    )

    assert "Added rule #1: word “pine” → redact on outputs" in output
    assert "#1 word “pine” → redact on outputs" in output
    assert "As the model's text: snow on the ███" in output
    assert "Snow on the ███." in output
    assert "! " not in output


async def test_playground_rules_may_catch_masks_and_word_forms(services: Services) -> None:
    output = await play(
        services,
        "/filters add pattern:pine action:redact masks:yes forms:yes",
        "/filters add pattern:snow masks:maybe",
        "/filters add pattern:snow on kind:phrase forms:yes",
        "/filters list",
        "/filters test text:p*ne and p@ne needles, pinecones",
    )

    assert "Added rule #1: word “pine” · masks · word forms → redact on both" in output
    assert "! masks must be yes or no, not “maybe”." in output
    assert "! Only a word rule can catch word forms; this is a phrase rule." in output
    assert "#1 word “pine” · masks · word forms → redact on both" in output
    assert "As the model's text: ███ and ███ needles, ███" in output
    assert "#2" not in output


async def test_help_lists_exactly_the_commands_that_work(services: Services) -> None:
    output = await play(services, "/help")
    from inkwell.bot.console.commands import COMMANDS

    for name in COMMANDS:
        assert f"/{name}" in output
    for missing in ("/relay kick", "/filters exempt"):
        assert missing not in output


async def test_on_a_narrow_terminal_help_is_wrapped_to_its_width(services: Services) -> None:
    out = io.StringIO()
    lines = ["/help", "/relay help", "/filters help"]

    async def read_line() -> str | None:
        return lines.pop(0) if lines else None

    await Playground(services, read_line, out, terminal=True, width=60).run()

    printed = out.getvalue().replace("\x1b[2m", "").replace("\x1b[0m", "")
    assert max(len(line) for line in printed.splitlines()) <= 60
    assert "/filters add" in printed


async def test_arrow_keys_in_scripted_input_are_not_read_or_echoed(services: Services) -> None:
    output = await play(services, "/poem snow\x1b[A\x1b[D", "/dance\x1b[C")

    assert "\x1b" not in output
    assert "! Unknown command /dance." in output
    backend = services.backend
    assert isinstance(backend, ScriptedBackend)
    sent = backend.requests[0].messages[1].content
    assert "Write a poem about: snow" in sent
    assert "\x1b" not in sent


async def test_on_a_terminal_a_busy_server_is_said_to_be_the_wait(services: Services) -> None:
    backend = services.backend
    assert isinstance(backend, ScriptedBackend)
    backend.queued = asyncio.Event()
    backend.queue = QueueState.BUSY
    asyncio.get_running_loop().call_later(3.5, backend.queued.set)
    lines = ["/poem snow"]

    async def read_line() -> str | None:
        return lines.pop(0) if lines else None

    out = io.StringIO()
    await Playground(services, read_line, out, terminal=True, width=100).run()
    printed = out.getvalue()

    assert "writing the poem · 0 s" in printed
    # The progress line ticks each second; a busy machine may skip a tick, not the label.
    assert re.search(r"waiting for the model \(the server is busy\) · [23] s", printed)
    assert "Snow on the pine." in printed


def test_a_fragment_already_on_screen_is_followed_by_the_line_the_piece_was_cut_back_to() -> None:
    shown = "The lamp went out.\nShe climbed the st"
    cut_to = "The lamp went out."

    assert _new_part(shown, cut_to, "story", cut=True) == (
        "\n— cut back to a complete ending —\nThe lamp went out."
    )
    assert _new_part(shown, cut_to, "story", cut=False) == ""  # trimmed only


async def test_a_story_says_which_lore_its_prompt_carried(services: Services) -> None:
    await services.lore.add(
        LOCAL_GUILD_ID, None, LOCAL_USER_ID, "Captain Mira", "Mira", "A captain."
    )
    output = await play(services, "/story Mira at sea")
    assert "Snow on the pine.\n· lore: Captain Mira\n" in output


async def test_lore_added_in_the_playground_reaches_a_story_that_names_it(
    services: Services,
) -> None:
    output = await play(
        services,
        '/lore add name:"Captain Mira" keys:"Mira, the captain" text:"She commands the Gull."',
        "/lore list",
        '/lore show name:"captain mira"',
        "/story Mira at sea",
    )

    assert "Added “Captain Mira” to this server's lore (keys: Mira, the captain)." in output
    assert "This server's lore, 1 entry:\n  Captain Mira · keys: Mira, the captain" in output
    assert "Captain Mira (keys: Mira, the captain)\nShe commands the Gull." in output
    assert "· lore: Captain Mira" in output
    assert "She commands the Gull." in services.backend.requests[-1].messages[1].content  # type: ignore[attr-defined]
    assert "! " not in output


async def test_lore_files_round_trip_through_the_playground(
    services: Services, tmp_path: Path
) -> None:
    book = tmp_path / "lore.json"
    output = await play(
        services,
        '/lore add name:"Saltmere" keys:"Saltmere" text:"It sank a century ago."',
        f"/lore export format:sillytavern file:{book}",
        '/lore remove name:"Saltmere"',
        f"/lore import file:{book}",
        f"/lore import file:{tmp_path / 'missing.json'}",
    )

    assert f"Wrote this server's lore to {book} (sillytavern)." in output
    assert "Removed “Saltmere” from this server's lore." in output
    assert "Imported a sillytavern lorebook into this server's lore: 1 new, 0 updated." in output
    assert "! Can't read" in output
    (entry,) = await services.lore.entries(LOCAL_GUILD_ID, None)
    assert entry.text == "It sank a century ago."


async def test_lore_bad_input_gets_one_line(services: Services) -> None:
    output = await play(services, '/lore add name:"Mira" keys:"M" text:"x"', "/lore frob")

    assert "! The key 'M' is too short" in output
    assert "! /lore has no “frob”. Type /lore help." in output
    assert "Traceback" not in output


async def test_rewrite_prints_its_three_alternatives_numbered(services: Services) -> None:
    output = await play(services, '/rewrite text:"It rained all day." instruction:darker')

    assert (
        "(rewriting the passage three ways…)\n"
        "1. Snow on the pine.\n\n2. v1 Snow on the pine.\n\n3. v2 Snow on the pine.\n"
    ) in output
    backend = services.backend
    assert isinstance(backend, ScriptedBackend)
    (request,) = backend.requests
    assert "It rained all day." in request.messages[1].content
    assert "darker" in request.messages[1].content


@pytest.mark.parametrize("name", ["continue-text", "describe", "feedback"])
async def test_the_other_passage_tools_print_their_one_result(
    services: Services, name: str
) -> None:
    output = await play(services, f"/{name} The tide came in.")  # free words are the text

    opening = {"continue-text": "", "describe": "Sight: ", "feedback": "What works: "}[name]
    assert f"…)\n{opening}" in output  # the answer follows the progress line
    assert "Snow on the pine.\n" in output
    assert "1. " not in output
    backend = services.backend
    assert isinstance(backend, ScriptedBackend)
    assert "The tide came in." in backend.requests[0].messages[1].content


async def test_continue_text_on_an_unfinished_passage_says_it_finished_the_sentence(
    services: Services,
) -> None:
    output = await play(services, '/continue-text text:"She opened the"')
    assert f"Snow on the pine.\n· {UNFINISHED_NOTE}\n" in output


async def test_a_passage_tool_says_which_lore_it_used(services: Services) -> None:
    await services.lore.add(
        LOCAL_GUILD_ID, None, LOCAL_USER_ID, "Captain Mira", "Mira", "A captain."
    )
    output = await play(services, "/feedback Mira looked out to sea.")
    assert "Snow on the pine.\n· lore: Captain Mira\n" in output
