"""Rewrite, Continue, Describe and Give feedback, from the Apps menu on a message and as
slash commands, through real discord.py interactions."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from discord import AppCommandType

from inkwell.bot.services.bundle import Services
from inkwell.bot.services.passages import (
    CUT_NOTE,
    NO_TEXT,
    REWRITE_DRAFTS,
    UNFINISHED_NOTE,
)
from inkwell.bot.ui import passage_views
from inkwell.bot.ui.passage_views import NOT_YOURS, POST_FAILED
from tests.fakes import ScriptedBackend
from tests.harness import Harness, InteractionEvents, RecordedMessage, member_message

MENUS = ("Rewrite in my style", "Continue", "Describe", "Give feedback")
# The scripted model writes "Snow on the pine."; its variant i > 0 starts with "v{i} ".
FIRST, SECOND, THIRD = "Snow on the pine.", "v1 Snow on the pine.", "v2 Snow on the pine."
# How each tool's answer begins: Describe and Give feedback are labelled by the code.
OPENING = {"continue-text": "", "describe": "Sight: ", "feedback": "What works: "}


def draft(inkwell: Harness, content: str = "It rained all day.", **extra: Any) -> dict[str, Any]:
    """A message the member wrote in the channel, the target of a message command."""
    return member_message(inkwell.user, content, channel=inkwell.channel, **extra)


async def rewrite(inkwell: Harness, content: str, instruction: str = "") -> InteractionEvents:
    """Rewrite in my style on a message, then the modal submitted with ``instruction``."""
    opened = await inkwell.run_message_command("Rewrite in my style", draft(inkwell, content))
    assert opened.modal().modal_title == "Rewrite in my style"
    return await inkwell.submit_modal(fields={"How? (optional)": instruction})


def labels(message: RecordedMessage) -> list[str | None]:
    return [button.label for button in message.buttons]


def answer_of(events: InteractionEvents) -> RecordedMessage:
    (message,) = events.messages()
    return message


async def test_rewrite_asks_how_then_shows_three_alternatives_privately(
    inkwell: Harness, backend: ScriptedBackend
) -> None:
    events = await rewrite(inkwell, "It rained all day.", "darker")

    assert events.kinds()[0] == "defer"
    answer = answer_of(events)
    assert answer.ephemeral
    assert answer.content == FIRST
    assert labels(answer) == ["‹", "1/3 ›", "Post"]
    (request,) = backend.requests
    assert request.sampling.n == REWRITE_DRAFTS  # the three best of them are shown
    assert "It rained all day." in request.messages[1].content
    assert "darker" in request.messages[1].content


async def test_the_arrows_flip_through_the_alternatives_and_wrap(inkwell: Harness) -> None:
    await rewrite(inkwell, "It rained all day.")

    await inkwell.click(label="1/3 ›")
    await inkwell.click(label="2/3 ›")
    shown = inkwell.recorder.visible_messages()[-1]
    assert (shown.content, labels(shown)[1]) == (THIRD, "3/3 ›")
    await inkwell.click(label="3/3 ›")
    assert inkwell.recorder.visible_messages()[-1].content == FIRST
    await inkwell.click(label="‹")
    assert inkwell.recorder.visible_messages()[-1].content == THIRD


async def test_post_shares_the_shown_alternative_under_the_members_name_without_a_ping(
    inkwell: Harness,
) -> None:
    await rewrite(inkwell, "It rained all day.")
    await inkwell.click(label="1/3 ›")

    posted = await inkwell.click(label="Post")

    (public,) = posted.followups()
    assert not public.ephemeral
    assert public.content == f"-# Rewritten by Inkwell for {inkwell.user.mention}\n{SECOND}"
    assert posted.pings_nobody()
    answer = inkwell.recorder.visible_messages()[-2]
    post = answer.component(label="Posted")
    assert post is not None
    assert post.disabled, "the same alternative is posted once"
    await inkwell.click(label="2/3 ›")
    assert inkwell.recorder.visible_messages()[-2].component(label="Post") is not None


async def test_a_post_discord_refuses_leaves_post_working_and_says_so(inkwell: Harness) -> None:
    await rewrite(inkwell, "It rained all day.")
    answer = inkwell.recorder.visible_messages()[-1]
    inkwell.recorder.fail_next(500, kinds={"followup"})

    failed = await inkwell.click(label="Post")

    assert failed.last_content() == POST_FAILED
    assert inkwell.message(answer.id).component(label="Post") is not None
    (public,) = (await inkwell.click(label="Post", message=answer.id)).followups()
    assert public.content.endswith(FIRST)


async def test_the_buttons_go_away_before_discord_would_stop_taking_them(
    inkwell: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(passage_views, "VIEW_TIMEOUT_SECONDS", 0.05)
    events = await inkwell.run_slash("feedback", text="The lamp went out.")
    shown = answer_of(events).content

    await asyncio.sleep(0.2)
    await inkwell.idle()

    answer = inkwell.message(answer_of(events).id)
    assert answer.buttons == []
    assert answer.content == shown


async def test_another_member_cannot_press_the_buttons(inkwell: Harness) -> None:
    await rewrite(inkwell, "It rained all day.")
    answer = inkwell.recorder.visible_messages()[-1]

    refused = await inkwell.click(label="Post", user=inkwell.new_user("bob"))
    flipped = await inkwell.click(label="1/3 ›", user=inkwell.new_user("carol"))

    for events in (refused, flipped):
        assert events.ephemeral()
        assert events.last_content() == NOT_YOURS.format(member=inkwell.user.mention)
    assert inkwell.recorder.visible_messages()[-1].id != answer.id  # only the refusals are new
    assert inkwell.message(answer.id).content == FIRST
    assert not any(
        message.content.startswith("-# Rewritten")
        for message in inkwell.recorder.visible_messages()
    )


@pytest.mark.parametrize(
    ("menu", "header"),
    [
        ("Continue", "Continued by Inkwell for"),
        ("Describe", "Described by Inkwell for"),
        ("Give feedback", "Feedback by Inkwell for"),
    ],
)
async def test_the_other_tools_answer_with_one_result_and_post(
    inkwell: Harness, backend: ScriptedBackend, menu: str, header: str
) -> None:
    events = await inkwell.run_message_command(menu, draft(inkwell, "The tide came in."))

    assert events.kinds()[0] == "defer"
    answer = answer_of(events)
    assert answer.ephemeral
    assert labels(answer) == ["Post"]
    assert "The tide came in." in backend.requests[0].messages[1].content
    posted = await inkwell.click(label="Post")
    (public,) = posted.followups()
    assert public.content.startswith(f"-# {header} {inkwell.user.mention}\n")
    assert posted.pings_nobody()


async def test_continue_on_a_message_ending_mid_sentence_finishes_it_first(
    inkwell: Harness, backend: ScriptedBackend
) -> None:
    events = await inkwell.run_message_command("Continue", draft(inkwell, "She opened the"))

    assert (answer_of(events).content or "").endswith(f"pine.\n-# {UNFINISHED_NOTE}")
    assert "mid-sentence" in backend.requests[0].messages[1].content
    # The model goes on from the passage's own last words, as the start of its reply.
    assert backend.requests[0].continue_from == "She opened the"


@pytest.mark.parametrize("menu", MENUS)
@pytest.mark.parametrize(
    "extra",
    [
        pytest.param({"embeds": [{"type": "rich", "title": "A map"}]}, id="embed"),
        pytest.param(
            {
                "attachments": [
                    {
                        "id": "1",
                        "filename": "map.png",
                        "size": 10,
                        "url": "https://cdn.discordapp.com/attachments/1/1/map.png",
                        "proxy_url": "https://media.discordapp.net/attachments/1/1/map.png",
                    }
                ]
            },
            id="image",
        ),
    ],
)
async def test_a_message_without_text_is_told_so_and_nothing_is_generated(
    inkwell: Harness, backend: ScriptedBackend, menu: str, extra: dict[str, Any]
) -> None:
    events = await inkwell.run_message_command(menu, draft(inkwell, "", **extra))

    assert events.kinds() == ["response"]
    assert events.ephemeral()
    assert events.last_content() == NO_TEXT
    assert backend.requests == []


async def test_a_message_the_filter_blocks_is_refused_before_the_model(
    inkwell: Harness, backend: ScriptedBackend
) -> None:
    mod = inkwell.new_user("mod", manage_guild=True)
    await inkwell.run_slash("filters add", user=mod, pattern="grimoire", category="spoilers")

    events = await inkwell.run_message_command("Describe", draft(inkwell, "The grimoire opened."))

    assert events.ephemeral()
    assert "spoilers" in (events.last_content() or "")
    assert backend.requests == []


async def test_a_message_longer_than_the_context_is_cut_at_a_sentence_with_a_note(
    inkwell: Harness, backend: ScriptedBackend
) -> None:
    long = "The sea rose. " * 400  # 5600 characters: more than a passage may be

    events = await inkwell.run_message_command("Give feedback", draft(inkwell, long.strip()))

    sent = backend.requests[0].messages[1].content
    assert "The sea rose." in sent
    assert long.strip() not in sent
    assert CUT_NOTE.split("{")[0] in (answer_of(events).content or "")


async def test_slash_rewrite_takes_the_text_and_an_instruction(
    inkwell: Harness, backend: ScriptedBackend
) -> None:
    events = await inkwell.run_slash(
        "rewrite", text="The lamp went out.", instruction="in present tense"
    )

    answer = answer_of(events)
    assert answer.ephemeral
    assert labels(answer) == ["‹", "1/3 ›", "Post"]
    user_message = backend.requests[0].messages[1].content
    assert "The lamp went out." in user_message
    assert "in present tense" in user_message
    (public,) = (await inkwell.click(label="Post")).followups()
    assert public.content == f"-# Rewritten by Inkwell for {inkwell.user.mention}\n{FIRST}"


@pytest.mark.parametrize("name", ["continue-text", "describe", "feedback"])
async def test_the_other_slash_twins_answer_privately_with_post(
    inkwell: Harness, name: str
) -> None:
    events = await inkwell.run_slash(name, text="The lamp went out.")

    answer = answer_of(events)
    assert answer.ephemeral
    assert labels(answer) == ["Post"]
    assert (answer.content or "").startswith(OPENING[name])
    assert "Snow on the pine." in (answer.content or "")


async def test_a_blank_slash_text_gets_one_sentence(
    inkwell: Harness, backend: ScriptedBackend
) -> None:
    events = await inkwell.run_slash("describe", text="   ")

    assert events.ephemeral()
    assert events.last_content() == "There is no text to work with: give me a passage."
    assert backend.requests == []


async def test_the_lore_a_passage_names_is_used_and_named_under_the_answer_and_the_post(
    inkwell: Harness, services: Services, backend: ScriptedBackend
) -> None:
    guild = inkwell.guild.id
    await services.lore.add(guild, None, inkwell.user.id, "Captain Mira", "Mira", "A captain.")

    events = await inkwell.run_message_command("Describe", draft(inkwell, "Mira looked out."))

    assert "A captain." in backend.requests[0].messages[1].content
    answer = answer_of(events).content or ""
    described = answer.removesuffix("\n-# lore: Captain Mira")
    assert described != answer
    assert described.startswith("Sight: ")
    (public,) = (await inkwell.click(label="Post")).followups()
    assert public.content.endswith(f"{described}\n-# lore: Captain Mira")


async def test_every_passage_command_is_documented(inkwell: Harness) -> None:
    slash = {command.name for command in inkwell.tree.get_commands(type=AppCommandType.chat_input)}
    menus = {command.name for command in inkwell.tree.get_commands(type=AppCommandType.message)}
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")

    assert {"rewrite", "continue-text", "describe", "feedback"} <= slash
    assert menus == set(MENUS)
    for name in ("rewrite", "continue-text", "describe", "feedback"):
        assert f"`/{name} text" in readme
    for menu in MENUS:
        assert f"**{menu}**" in readme
