"""/story /lyrics /poem /post through real discord.py interactions."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any, cast

import pytest
from discord import app_commands

from inkwell.bot.services.bundle import Services
from inkwell.bot.services.forms import FORMS
from inkwell.bot.text.post_length import post_length
from inkwell.bot.ui import creation_buttons
from inkwell.bot.ui.context import InkwellContext, context_of
from inkwell.bot.ui.creation_buttons import CUT_SHORT, NOT_RESPONDING, WAITING
from inkwell.bot.ui.open_pieces import OpenCreations
from inkwell.cogs.create import Create
from inkwell.serving.backend import (
    PROMPT_TOO_LONG,
    SERVER_DOWN,
    GenerationRequest,
    PromptTooLong,
    QueueState,
)
from tests.fakes import DOWN_DETAIL, FakeClock, ScriptedBackend
from tests.harness import Harness

HAIKU = ("An old silent pond", "A frog jumps into the pond", "Splash! Silence again.")


def haiku_lines(request: GenerationRequest) -> list[str]:
    """Each request's candidates: the haiku's next line (a scripted model drafting it)."""
    written = (request.continue_from or "").count("\n")
    return [HAIKU[min(written, 2)]]


async def test_a_poem_defers_streams_and_ends_with_the_buttons(
    inkwell: Harness, backend: ScriptedBackend
) -> None:
    events = await inkwell.run_slash("poem", topic="first snow", form="free")
    assert events.kinds()[0] == "defer"
    assert events.last_content() == "Snow on the pine."  # free verse has no form to report
    final = events.messages()[-1]
    assert [button.label for button in final.buttons] == ["Regenerate"]  # a poem can't continue
    assert events.pings_nobody()


async def test_a_haiku_is_drafted_line_by_line_and_shows_its_form(
    inkwell: Harness, backend: ScriptedBackend
) -> None:
    backend.script = haiku_lines
    events = await inkwell.run_slash("poem", topic="a pond", form="haiku")

    assert events.last_content() == "\n".join(HAIKU) + "\n-# haiku · 5-7-5 ✓"
    assert [request.sampling.n for request in backend.requests] == [8, 8, 8]
    assert "5, 7 and 5 syllables" in backend.requests[0].messages[1].content


async def test_only_the_author_may_press_the_buttons(inkwell: Harness) -> None:
    await inkwell.run_slash("poem", topic="first snow")
    stranger = inkwell.new_user("stranger")
    events = await inkwell.click(label="Regenerate", user=stranger)
    assert events.ephemeral()
    assert "belong to the member who ran the command" in events.last_content()


async def test_regenerate_adds_a_variant_and_the_arrows_flip(inkwell: Harness) -> None:
    events = await inkwell.run_slash("story", prompt="a lighthouse")
    assert [button.label for button in events.messages()[-1].buttons] == ["Regenerate", "Continue"]
    await inkwell.click(label="Regenerate")
    shown = inkwell.recorder.visible_messages()[-1]
    assert [button.label for button in shown.buttons] == ["Regenerate", "Continue", "‹", "2/2 ›"]
    await inkwell.click(label="‹")
    assert inkwell.recorder.visible_messages()[-1].content == "Snow on the pine."


async def test_continue_extends_a_story(inkwell: Harness, backend: ScriptedBackend) -> None:
    await inkwell.run_slash("story", prompt="a lighthouse")
    await inkwell.click(label="Continue")
    assert backend.requests[-1].continue_from == "Snow on the pine."
    assert inkwell.recorder.visible_messages()[-1].content.startswith("Snow on the pine. Snow")


async def test_a_story_cut_at_the_length_limit_ends_on_a_sentence_and_says_continue_helps(
    inkwell: Harness, backend: ScriptedBackend
) -> None:
    backend.script = ["The lamp went out. ", "She climbed the st"]
    backend.finish_reason = "length"
    events = await inkwell.run_slash("story", prompt="a lighthouse")

    assert events.last_content() == (
        "The lamp went out.\n-# ✂️ cut at the length limit — Continue picks up from here"
    )
    assert [button.label for button in events.messages()[-1].buttons] == ["Regenerate", "Continue"]

    backend.script = ["She climbed the stairs."]
    backend.finish_reason = "stop"
    await inkwell.click(label="Continue")
    assert backend.requests[-1].continue_from == "The lamp went out."
    assert inkwell.recorder.visible_messages()[-1].content == (
        "The lamp went out. She climbed the stairs."
    )


async def test_a_preamble_never_shows_not_even_for_a_moment(
    inkwell: Harness, backend: ScriptedBackend
) -> None:
    backend.script = ["Sure! ", "Here's your story:\n\n", "The lamp ", "went out."]
    events = await inkwell.run_slash("story", prompt="a lighthouse")
    assert events.contents()
    assert not any("Sure" in text or "Here's" in text for text in events.contents())
    assert events.last_content() == "The lamp went out."


async def test_stop_keeps_what_was_written(inkwell: Harness, backend: ScriptedBackend) -> None:
    backend.pause = asyncio.Event()
    events = await inkwell.run_slash("story", prompt="a door", wait=False)
    await inkwell.click(label="Stop")
    await inkwell.settle()
    assert "Snow" in events.last_content()
    assert "(stopped)" in events.last_content()
    assert backend.closed_streams == 1


async def test_a_post_fits_its_platform(inkwell: Harness, backend: ScriptedBackend) -> None:
    backend.script = ["Launch day is here! " * 30 + "#launch #news"]
    events = await inkwell.run_slash("post", topic="our launch", platform="x", variants=2)
    text = events.last_content()
    assert post_length(text, "x") <= 280
    assert backend.requests[0].sampling.n == 2


async def test_long_text_continues_in_follow_up_messages(
    inkwell: Harness, backend: ScriptedBackend
) -> None:
    backend.script = ["word " * 300, "\n\n", "more " * 300]
    events = await inkwell.run_slash("story", prompt="a long one", length="long")
    messages = events.messages()
    assert len(messages) >= 2
    assert all(len(message.content) <= 2000 for message in messages)
    assert [button.label for button in messages[-1].buttons][:1] == ["Regenerate"]
    assert all(not message.buttons for message in messages[:-1])


async def test_mentions_in_the_output_never_ping(
    inkwell: Harness, backend: ScriptedBackend
) -> None:
    backend.script = ["Hey @everyone and <@123>!"]
    events = await inkwell.run_slash("poem", topic="a party")
    assert events.pings_nobody()
    assert "@everyone" not in events.last_content().replace("@\u200beveryone", "")


@pytest.mark.parametrize(
    ("command", "values", "message"),
    [
        pytest.param("poem", {"topic": "   "}, "topic is empty", id="blank"),
        pytest.param("poem", {"topic": "\u200b\u200d"}, "topic is empty", id="zero-width"),
    ],
)
async def test_bad_input_gets_an_ephemeral_answer_and_no_generation(
    inkwell: Harness, backend: ScriptedBackend, command: str, values: dict[str, str], message: str
) -> None:
    events = await inkwell.run_slash(command, **values)
    assert events.ephemeral()
    assert message in events.last_content()
    assert backend.requests == []


async def test_a_down_backend_tells_the_member_to_wait_and_the_log_where_and_why(
    inkwell: Harness, backend: ScriptedBackend, caplog: pytest.LogCaptureFixture
) -> None:
    backend.fail_after = 0
    events = await inkwell.run_slash("poem", topic="snow")
    assert events.kinds()[0] == "defer"
    assert events.kinds() == ["defer", "delete_original", "followup"]
    assert events.last("followup").ephemeral
    assert events.last_content() == SERVER_DOWN
    assert "10.0.0.5" not in events.last_content()
    assert DOWN_DETAIL in caplog.text


SERVERS_WORDS = (
    "The model server at http://10.0.0.5:8000/v1 refused the request (HTTP 400): This model's "
    "maximum context length is 8192 tokens. However, your request has 9000 input tokens."
)


def refuse(request: GenerationRequest) -> list[str]:
    raise PromptTooLong(PROMPT_TOO_LONG, operator_detail=SERVERS_WORDS)


async def test_a_refused_request_is_told_in_plain_words_and_the_servers_go_to_the_log(
    inkwell: Harness, backend: ScriptedBackend, caplog: pytest.LogCaptureFixture
) -> None:
    backend.script = refuse
    events = await inkwell.run_slash("poem", topic="snow")
    assert events.last("followup").ephemeral
    assert events.last_content() == PROMPT_TOO_LONG
    assert "10.0.0.5" not in events.last_content()
    assert f"the model server refused a request: {SERVERS_WORDS}" in caplog.text


async def test_the_cooldown_answers_with_the_wait(inkwell: Harness, services: object) -> None:
    from inkwell.bot.services.bundle import Services

    assert isinstance(services, Services)
    services.creation.cooldowns = type(services.creation.cooldowns)(1, 10)
    await inkwell.run_slash("poem", topic="snow")
    events = await inkwell.run_slash("poem", topic="rain")
    assert events.ephemeral()
    assert "Try again in 10 s" in events.last_content()


async def test_the_model_starts_during_the_defer_and_stops_if_the_defer_fails(
    inkwell: Harness, backend: ScriptedBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Discord's acknowledgement takes a round trip; the model request leaves meanwhile,
    and is closed again when the interaction turns out to have expired."""
    import discord

    from tests.harness import UnhandledError, http_error

    backend.pause = asyncio.Event()

    async def slow_expired_defer(self: discord.InteractionResponse, **kwargs: object) -> None:
        await asyncio.sleep(0.05)  # the round trip
        raise http_error(404, 10062, "Unknown interaction")

    monkeypatch.setattr(discord.InteractionResponse, "defer", slow_expired_defer)
    with contextlib.suppress(UnhandledError):
        await inkwell.run_slash("story", prompt="too late")
    assert len(backend.requests) == 1  # it left before the defer came back
    assert backend.closed_streams == 1  # and was closed when the defer failed


# --- the buttons: dynamic items, one registry, one sweep -----------------------------------


def context(inkwell: Harness) -> InkwellContext:
    return context_of(inkwell.bot)


def short_lived(inkwell: Harness, clock: FakeClock) -> InkwellContext:
    """Inkwell's state in the bot, with pieces that expire after 60 s on ``clock``."""
    loaded = context(inkwell)
    loaded.creations = OpenCreations(lifetime=60, clock=clock)
    return loaded


async def test_the_buttons_name_their_action_and_the_piece(inkwell: Harness) -> None:
    events = await inkwell.run_slash("post", topic="our launch", variants=2)
    piece_id = events.interaction.id
    assert [button.custom_id for button in events.messages()[-1].buttons] == [
        f"creation:{action}:{piece_id}" for action in ("regenerate", "previous", "next")
    ]


async def test_while_writing_only_stop_shows(inkwell: Harness, backend: ScriptedBackend) -> None:
    backend.pause = asyncio.Event()
    events = await inkwell.run_slash("story", prompt="a door", wait=False)
    assert [button.label for button in events.messages()[-1].buttons] == ["Stop"]
    backend.pause.set()
    await inkwell.settle()


async def test_regenerate_shows_stop_at_once(inkwell: Harness, backend: ScriptedBackend) -> None:
    events = await inkwell.run_slash("story", prompt="a door")
    backend.pause = asyncio.Event()
    await inkwell.click(label="Regenerate", wait=False)
    assert [button.label for button in events.messages()[-1].buttons] == ["Stop"]
    backend.pause.set()
    await inkwell.settle()


@pytest.fixture
def notice_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A piece says it is waiting as soon as its request is out, rather than seconds later."""
    monkeypatch.setattr(creation_buttons, "WAIT_NOTICE_AFTER", 0)


@pytest.mark.usefixtures("notice_at_once")
async def test_a_piece_waiting_for_a_busy_model_says_so_until_its_text_comes(
    inkwell: Harness, backend: ScriptedBackend
) -> None:
    backend.queued = asyncio.Event()
    events = await inkwell.run_slash("story", prompt="a door", wait=False)
    waiting = events.messages()[-1]
    assert waiting.content == WAITING
    assert [button.label for button in waiting.buttons] == ["Stop"]

    backend.queued.set()
    await inkwell.settle()

    assert events.last_content() == "Snow on the pine."
    assert [button.label for button in events.messages()[-1].buttons] == ["Regenerate", "Continue"]


@pytest.mark.usefixtures("notice_at_once")
@pytest.mark.parametrize(
    ("queue", "notice"),
    [
        pytest.param(QueueState.BUSY, WAITING, id="busy"),
        pytest.param(QueueState.STUCK, NOT_RESPONDING, id="stuck"),
        pytest.param(None, WAITING, id="cannot-tell"),
    ],
)
async def test_a_waiting_piece_says_whether_the_model_is_busy_or_looks_stuck(
    inkwell: Harness, backend: ScriptedBackend, queue: QueueState | None, notice: str
) -> None:
    backend.queued = asyncio.Event()
    backend.queue = queue
    events = await inkwell.run_slash("story", prompt="a door", wait=False)
    await inkwell.idle()  # the model server was asked why, and the notice went up

    waiting = events.messages()[-1]
    assert waiting.content == notice
    assert [button.label for button in waiting.buttons] == ["Stop"]
    backend.queued.set()
    await inkwell.settle()
    assert events.last_content() == "Snow on the pine."


@pytest.mark.usefixtures("notice_at_once")
async def test_words_that_come_while_the_server_is_asked_why_win_over_the_notice(
    inkwell: Harness, backend: ScriptedBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    answer = asyncio.Event()

    async def slow_to_say_why() -> QueueState:
        await answer.wait()
        return QueueState.STUCK

    monkeypatch.setattr(backend, "queue_state", slow_to_say_why)
    backend.queued = asyncio.Event()
    events = await inkwell.run_slash("story", prompt="a door", wait=False)
    await inkwell.idle()  # the server is being asked

    backend.queued.set()  # the words come first
    await inkwell.idle()
    answer.set()
    await inkwell.settle()

    assert NOT_RESPONDING not in events.contents()
    assert events.last_content() == "Snow on the pine."


@pytest.mark.usefixtures("notice_at_once")
async def test_stop_while_waiting_gives_up_the_place_in_the_queue(
    inkwell: Harness, backend: ScriptedBackend
) -> None:
    backend.queued = asyncio.Event()
    events = await inkwell.run_slash("story", prompt="a door", wait=False)

    await inkwell.click(label="Stop")
    await inkwell.settle()

    assert backend.closed_streams == 1
    assert events.last_content() == "*(stopped before any text)*"


@pytest.mark.usefixtures("notice_at_once")
async def test_a_request_the_model_never_starts_is_withdrawn_and_told_privately(
    inkwell: Harness, backend: ScriptedBackend
) -> None:
    backend.queued = asyncio.Event()
    backend.fail_after = 0
    events = await inkwell.run_slash("poem", topic="snow", wait=False)
    assert events.last_content() == WAITING

    backend.queued.set()
    await inkwell.settle()

    assert events.kinds() == ["defer", "edit_original", "delete_original", "followup"]
    assert [message.ephemeral for message in events.messages()] == [True]
    assert events.last_content() == SERVER_DOWN


async def test_a_piece_cut_short_keeps_the_words_shown_with_a_note_and_says_why_privately(
    inkwell: Harness, backend: ScriptedBackend
) -> None:
    backend.fail_after = 2  # "Snow on " written, then the model server stops
    events = await inkwell.run_slash("story", prompt="a door")

    (piece, told) = events.messages()
    # What the member saw (one edit per interval: "Snow"), and why it ends there.
    assert piece.content == f"Snow\n\n{CUT_SHORT}"
    assert [button.label for button in piece.buttons] == ["Regenerate", "Continue"]
    assert told.ephemeral
    assert told.content == "The model server stopped while writing; what was written is kept."


async def test_a_regenerate_failing_before_any_word_leaves_the_piece_as_it_was(
    inkwell: Harness, backend: ScriptedBackend
) -> None:
    piece = await inkwell.run_slash("story", prompt="a lighthouse")
    backend.fail_after = 0

    refused = await inkwell.click(label="Regenerate")

    assert refused.last("followup").ephemeral
    assert refused.last_content() == SERVER_DOWN
    shown = piece.messages()[-1]
    assert shown.content == "Snow on the pine."
    assert [button.label for button in shown.buttons] == ["Regenerate", "Continue"]
    backend.fail_after = None
    await inkwell.click(label="Regenerate")
    labels = [button.label for button in piece.messages()[-1].buttons]
    assert labels[-2:] == ["‹", "2/2 ›"]  # the failed attempt left no empty variant


async def test_a_finished_piece_leaves_no_view_or_task_behind(inkwell: Harness) -> None:
    before = set(asyncio.all_tasks())
    await inkwell.run_slash("story", prompt="a lighthouse")
    await inkwell.click(label="Regenerate")
    await inkwell.settle()
    store = inkwell.bot._connection._view_store
    assert store._synced_message_views == {}
    assert store._views == {}
    assert set(asyncio.all_tasks()) - before == set()
    assert len(context(inkwell).creations) == 1


async def test_a_click_after_a_restart_gets_an_answer(inkwell: Harness) -> None:
    await inkwell.run_slash("poem", topic="first snow")
    context(inkwell).creations = OpenCreations()  # what a restart forgets
    events = await inkwell.click(label="Regenerate")
    assert events.ephemeral()
    assert "no longer work" in events.last_content()


async def test_expired_pieces_lose_their_buttons(inkwell: Harness) -> None:
    clock = FakeClock(0)
    pieces = short_lived(inkwell, clock).creations
    await inkwell.run_slash("poem", topic="first snow")
    regenerate = inkwell.recorder.visible_messages()[-1].buttons[0]
    cog = cast(Create, inkwell.bot.get_cog("Create"))
    await cog.retire_expired()
    assert inkwell.recorder.visible_messages()[-1].buttons == [regenerate]
    clock.advance(61)
    await cog.retire_expired()
    shown = inkwell.recorder.visible_messages()[-1]
    assert shown.content == "Snow on the pine."
    assert shown.buttons == []
    assert len(pieces) == 0


async def test_one_piece_failing_to_retire_does_not_stop_the_others(
    inkwell: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FakeClock(0)
    pieces = short_lived(inkwell, clock).creations
    broken = await inkwell.run_slash("poem", topic="first snow")
    fine = await inkwell.run_slash("poem", topic="rain")
    broken_piece = pieces.get(broken.interaction.id)
    assert broken_piece is not None

    async def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug in one piece")

    monkeypatch.setattr(broken_piece.editor, "show", fail)
    clock.advance(61)
    await cast(Create, inkwell.bot.get_cog("Create")).retire_expired()
    assert fine.messages()[-1].buttons == []
    assert len(pieces) == 0


async def test_a_piece_still_writing_at_expiry_is_stopped(
    inkwell: Harness, backend: ScriptedBackend
) -> None:
    clock = FakeClock(0)
    short_lived(inkwell, clock)
    backend.pause = asyncio.Event()
    events = await inkwell.run_slash("story", prompt="a door", wait=False)
    clock.advance(61)
    await cast(Create, inkwell.bot.get_cog("Create")).retire_expired()
    await inkwell.settle()
    assert "(stopped)" in events.last_content()
    assert events.messages()[-1].buttons == []


def slow_acknowledgements(monkeypatch: pytest.MonkeyPatch) -> None:
    """Acknowledging an interaction takes a round trip, during which other clicks run."""
    import discord

    acknowledge = discord.InteractionResponse.defer

    async def over_the_network(self: discord.InteractionResponse, **kwargs: Any) -> Any:
        await asyncio.sleep(0.01)
        return await acknowledge(self, **kwargs)

    monkeypatch.setattr(discord.InteractionResponse, "defer", over_the_network)


@pytest.mark.parametrize("second", ["Regenerate", "‹"])
async def test_a_click_arriving_with_a_regenerate_is_refused(
    inkwell: Harness, backend: ScriptedBackend, monkeypatch: pytest.MonkeyPatch, second: str
) -> None:
    slow_acknowledgements(monkeypatch)
    await inkwell.run_slash("story", prompt="a lighthouse")
    await inkwell.click(label="Regenerate")  # two variants: the arrows show
    message = inkwell.recorder.visible_messages()[-1]
    buttons = [message.component(label="Regenerate"), message.component(label=second)]
    backend.pause = asyncio.Event()
    clicks = [inkwell.click_payload(button, message=message) for button in buttons if button]
    inkwell.inject(clicks)
    await inkwell.idle()
    refused = inkwell.events(clicks[1]["token"])
    assert refused.last("followup").ephemeral
    assert "Still writing" in refused.last_content()
    backend.pause.set()
    await inkwell.settle()
    assert len(backend.requests) == 3  # one stream started, nothing flipped
    assert [button.label for button in inkwell.recorder.messages[message.id].buttons] == [
        "Regenerate",
        "Continue",
        "‹",
        "3/3 ›",
    ]


@pytest.mark.parametrize("form", list(FORMS))
async def test_discord_offers_the_options_the_console_offers(inkwell: Harness, form: str) -> None:
    """The cog's signatures and FORMS, which the console and the service read, agree: the
    same options, in the same order, with the same choices."""
    command = inkwell.tree.get_command(form)
    assert isinstance(command, app_commands.Command)
    sent = command.to_dict(inkwell.tree)["options"]
    spec = FORMS[form]
    expected = [(option.name, list(option.choices)) for option in (spec.subject, *spec.options)]
    assert [
        (option["name"], [choice["value"] for choice in option.get("choices", [])])
        for option in sent
    ] == expected


async def test_a_story_names_the_lore_its_prompt_carried_under_it(
    inkwell: Harness, services: Services, backend: ScriptedBackend
) -> None:
    await services.lore.add(inkwell.guild.id, None, 7, "Captain Mira", "Mira", "A captain.")
    events = await inkwell.run_slash("story", prompt="Mira's last voyage")
    assert events.last_content() == "Snow on the pine.\n-# lore: Captain Mira"
    assert "A captain." in backend.requests[0].messages[1].content
