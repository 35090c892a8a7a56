"""/relay through real discord.py interactions: the thread, buttons, the modal, refusals.

The interaction harness covers what members do (commands, clicks, modals); what the bot
posts on its own goes through :class:`~tests.cogs.fake_threads.FakeThreadApi`.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import discord
import pytest

from inkwell.bot.runtime import open_services
from inkwell.bot.services.bundle import Services
from inkwell.bot.services.relay import RelayRecord, TurnRecord
from inkwell.bot.services.relay.notifier import NoticeKey
from inkwell.bot.settings import Settings
from inkwell.bot.ui.relay_notifier import DiscordRelayNotifier
from tests.cogs.fake_threads import FakeThreadApi
from tests.fakes import ScriptedBackend
from tests.harness import FakeChannel, FakeUser, Harness, InteractionEvents
from tests.services.relay.fake_time import FakeTime
from tests.services.relay.recording_notifier import ProcessDied


@pytest.fixture
def clock() -> FakeTime:
    return FakeTime()


@pytest.fixture
async def services(
    settings: Settings, backend: ScriptedBackend, clock: FakeTime
) -> AsyncIterator[Services]:
    services = await open_services(settings, backend=backend, relay_time=clock.source)
    clock.tasks = services.relay.background_tasks
    yield services
    await services.close()


@pytest.fixture
def alice(inkwell: Harness) -> FakeUser:
    return inkwell.user  # runs the commands unless a test says otherwise


@pytest.fixture
def bob(inkwell: Harness) -> FakeUser:
    return inkwell.new_user("bob")


@pytest.fixture
async def api(inkwell: Harness, monkeypatch: pytest.MonkeyPatch) -> FakeThreadApi:
    fake = FakeThreadApi(inkwell)
    fake.install(monkeypatch)
    return fake


async def start_relay(inkwell: Harness, api: FakeThreadApi, **options: Any) -> FakeChannel:
    options.setdefault("title", "The Lighthouse")
    events = await inkwell.run_slash("relay start", **options)
    assert not events.failed, events
    (thread,) = api.threads.values()
    return thread


async def in_thread(
    inkwell: Harness, thread: FakeChannel, command: str, user: FakeUser, **values: Any
) -> InteractionEvents:
    return await inkwell.run_slash(f"relay {command}", channel=thread, user=user, **values)


async def write_with_the_modal(
    inkwell: Harness, clock: FakeTime, user: FakeUser, text: str
) -> InteractionEvents:
    opened = await inkwell.click(label="Write", user=user)
    assert opened.kinds() == ["modal"], opened
    events = await inkwell.submit_modal(fields={text_box(opened)["custom_id"]: text}, user=user)
    await clock.settle()
    return events


def text_box(opened: InteractionEvents) -> dict[str, Any]:
    """The Write modal's one text input, as the bot sent it."""
    box: dict[str, Any] = opened.modal().payload["components"][0]["components"][0]
    return box


async def test_start_opens_a_thread_with_the_premise_and_join_buttons(
    inkwell: Harness, api: FakeThreadApi
) -> None:
    events = await inkwell.run_slash(
        "relay start", title="The Lighthouse", premise="A letter in a bottle.", genre="mystery"
    )

    (thread,) = api.threads.values()
    assert thread.name == "The Lighthouse"
    (premise,) = api.in_thread(thread)
    assert premise.payload["embeds"][0]["title"] == "The Lighthouse"
    assert premise.payload["embeds"][0]["description"] == "A letter in a bottle."
    assert premise.labels == ["Join", "Leave"]
    assert premise.pings == []
    assert events.kinds() == ["defer", "followup"]
    assert f"<#{thread.id}>" in events.last_content()
    assert [button.label for button in events.messages()[-1].buttons] == ["Join", "Leave"]
    assert events.pings_nobody()


async def test_start_inside_a_thread_is_refused(inkwell: Harness, api: FakeThreadApi) -> None:
    thread = await start_relay(inkwell, api)
    events = await in_thread(inkwell, thread, "start", inkwell.user, title="Another")
    assert events.ephemeral()
    assert "text channel" in events.last_content()
    assert len(api.threads) == 1


async def test_joining_starts_the_first_turn_and_pings_only_that_writer(
    inkwell: Harness, api: FakeThreadApi, alice: FakeUser, bob: FakeUser
) -> None:
    thread = await start_relay(inkwell, api)

    events = await inkwell.click(label="Join", user=bob)

    assert events.ephemeral()
    assert events.last_content().startswith("You're in: 2nd of 2")
    notice = api.in_thread(thread)[-1]
    assert notice.content.startswith(f"<@{alice.id}> it's your turn: **turn 1**")
    assert notice.pings == [alice.id]
    assert notice.labels == ["Write"]


async def test_the_writer_writes_with_the_modal_and_the_next_writer_is_pinged(
    inkwell: Harness, api: FakeThreadApi, clock: FakeTime, alice: FakeUser, bob: FakeUser
) -> None:
    thread = await start_relay(inkwell, api)
    await inkwell.click(label="Join", user=bob)

    events = await write_with_the_modal(inkwell, clock, alice, "The lamp went out.")

    assert events.ephemeral()
    assert events.last_content() == "Saved: turn 1, 4 words. It's in the thread."
    written, notice = api.in_thread(thread)[-2:]
    assert written.content == f"**Turn 1** · <@{alice.id}> · 4 words\n\nThe lamp went out."
    assert written.pings == []
    assert notice.pings == [bob.id]
    assert "The lamp went out." in notice.content  # the recap


async def test_anyone_else_pressing_write_hears_whose_turn_it_is(
    inkwell: Harness, api: FakeThreadApi, clock: FakeTime, alice: FakeUser, bob: FakeUser
) -> None:
    await start_relay(inkwell, api, turn_minutes=60)
    await inkwell.click(label="Join", user=bob)
    await clock.advance(minutes=15)

    events = await inkwell.click(label="Write", user=bob)

    assert events.kinds() == ["response"]
    assert events.ephemeral()
    assert events.last_content() == f"It's <@{alice.id}>'s turn, about 45 minutes left."
    assert events.pings_nobody()


async def test_too_many_words_keeps_the_text_for_trimming(
    inkwell: Harness, api: FakeThreadApi, clock: FakeTime, alice: FakeUser, bob: FakeUser
) -> None:
    thread = await start_relay(inkwell, api, max_words=50)
    await inkwell.click(label="Join", user=bob)
    too_long = "word " * 55

    events = await write_with_the_modal(inkwell, clock, alice, too_long)

    assert events.last("followup").ephemeral
    assert "55 words; this relay allows 50" in events.last_content()
    reopened = await inkwell.click(label="Edit my text", user=alice)
    assert text_box(reopened)["value"] == too_long
    assert all("Turn 1 ·" not in post.content for post in api.in_thread(thread))


async def test_two_modals_for_one_turn_store_one_turn(
    inkwell: Harness, api: FakeThreadApi, clock: FakeTime, alice: FakeUser, bob: FakeUser
) -> None:
    thread = await start_relay(inkwell, api)
    await inkwell.click(label="Join", user=bob)
    first = await inkwell.click(label="Write", user=alice)
    second = await inkwell.click(label="Write", user=alice)

    saved = await inkwell.submit_modal(
        first.modal().modal_custom_id,
        fields={text_box(first)["custom_id"]: "From the phone."},
        user=alice,
    )
    refused = await inkwell.submit_modal(
        second.modal().modal_custom_id,
        fields={text_box(second)["custom_id"]: "From the laptop."},
        user=alice,
    )
    await clock.settle()

    assert saved.last_content().startswith("Saved: turn 1")
    assert "already over" in refused.last_content()
    written = [post for post in api.in_thread(thread) if post.content.startswith("**Turn")]
    assert len(written) == 1


@pytest.mark.parametrize("how", ["command", "modal"])
async def test_the_same_turn_sent_twice_is_saved_once_and_answered_saved_both_times(
    inkwell: Harness,
    api: FakeThreadApi,
    clock: FakeTime,
    alice: FakeUser,
    bob: FakeUser,
    how: str,
) -> None:
    thread = await start_relay(inkwell, api)
    await inkwell.click(label="Join", user=bob)
    if how == "modal":
        first_modal = await inkwell.click(label="Write", user=alice)
        second_modal = await inkwell.click(label="Write", user=alice)

    answers: list[InteractionEvents] = []
    for modal in (first_modal, second_modal) if how == "modal" else (None, None):
        if modal is None:
            events = await in_thread(inkwell, thread, "write", alice, text="The lamp went out.")
        else:
            events = await inkwell.submit_modal(
                modal.modal().modal_custom_id,
                fields={text_box(modal)["custom_id"]: "The lamp went out."},
                user=alice,
            )
        await clock.settle()
        answers.append(events)

    saved = "Saved: turn 1, 4 words. It's in the thread."
    assert [events.last_content() for events in answers] == [saved, saved]
    assert all(events.ephemeral() for events in answers)
    written = [post for post in api.in_thread(thread) if post.content.startswith("**Turn")]
    assert len(written) == 1
    assert api.in_thread(thread)[-1].pings == [bob.id]  # Bob was told once, and it's his turn


async def test_other_text_by_command_after_writing_hears_whose_turn_it_is(
    inkwell: Harness, api: FakeThreadApi, clock: FakeTime, alice: FakeUser, bob: FakeUser
) -> None:
    thread = await start_relay(inkwell, api)
    await inkwell.click(label="Join", user=bob)
    await in_thread(inkwell, thread, "write", alice, text="The lamp went out.")
    await clock.settle()

    events = await in_thread(inkwell, thread, "write", alice, text="And then it lit again.")

    assert events.ephemeral()
    assert events.last_content().startswith(f"It's <@{bob.id}>'s turn")


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        pytest.param("starter", True, id="the-starter"),
        pytest.param("moderator", True, id="manage-threads"),
        pytest.param("writer", False, id="another-writer"),
    ],
)
async def test_pause_is_for_the_starter_and_thread_managers(
    inkwell: Harness, api: FakeThreadApi, bob: FakeUser, who: str, allowed: bool
) -> None:
    thread = await start_relay(inkwell, api)
    await inkwell.click(label="Join", user=bob)
    user = {
        "starter": inkwell.user,
        "moderator": inkwell.new_user("mod", manage_threads=True),
        "writer": bob,
    }[who]

    events = await in_thread(inkwell, thread, "pause", user)

    assert events.ephemeral()
    if allowed:
        assert events.last_content() == "Paused."
        assert api.in_thread(thread)[-1].content.startswith("⏸️ The relay is paused.")
    else:
        assert "Only the relay's starter or someone who can manage threads" in (
            events.last_content()
        )


async def test_kick_removes_a_writer_from_the_order(
    inkwell: Harness, api: FakeThreadApi, alice: FakeUser, bob: FakeUser
) -> None:
    thread = await start_relay(inkwell, api)
    cleo = inkwell.new_user("cleo")
    await inkwell.click(label="Join", user=bob)
    await inkwell.click(label="Join", user=cleo)

    events = await in_thread(inkwell, thread, "kick", alice, member=cleo)
    status = await in_thread(inkwell, thread, "status", bob)

    assert events.last_content() == f"Removed <@{cleo.id}> from the order."
    order = status.first("response").embeds[0]["fields"][0]["value"]
    assert order == f"1. <@{alice.id}>\n2. <@{bob.id}>"


async def test_status_shows_whose_turn_and_the_time_left(
    inkwell: Harness, api: FakeThreadApi, clock: FakeTime, alice: FakeUser, bob: FakeUser
) -> None:
    thread = await start_relay(inkwell, api, turn_minutes=120)
    await inkwell.click(label="Join", user=bob)
    await clock.advance(minutes=30)

    events = await in_thread(inkwell, thread, "status", bob)

    assert events.ephemeral()
    embed = events.first("response").embeds[0]
    fields = {item["name"]: item["value"] for item in embed["fields"]}
    assert fields["Whose turn"] == f"Turn 1: <@{alice.id}>, about 90 minutes left."
    assert fields["So far"] == "0 turns, 0 words"


async def test_write_by_command_and_export_as_a_file(
    inkwell: Harness, api: FakeThreadApi, clock: FakeTime, alice: FakeUser, bob: FakeUser
) -> None:
    thread = await start_relay(inkwell, api)
    await inkwell.click(label="Join", user=bob)
    saved = await in_thread(inkwell, thread, "write", alice, text="The lamp went out.")
    await clock.settle()

    exported = await in_thread(inkwell, thread, "export", bob)

    assert saved.last_content().startswith("Saved: turn 1")
    (attachment,) = exported.first("response").files
    assert attachment.filename == "the-lighthouse.md"
    markdown = attachment.data.decode()
    assert markdown.startswith("# The Lighthouse\n")
    assert "### 1. member\n\nThe lamp went out." in markdown


async def test_ending_offers_the_export(
    inkwell: Harness, api: FakeThreadApi, alice: FakeUser, bob: FakeUser
) -> None:
    thread = await start_relay(inkwell, api)
    await inkwell.click(label="Join", user=bob)

    await in_thread(inkwell, thread, "end", alice)
    ended = api.in_thread(thread)[-1]
    assert ended.labels == ["Export"]
    assert ended.pings == []

    exported = await inkwell.click(label="Export", user=bob)
    assert exported.first("response").files[0].filename == "the-lighthouse.md"


async def test_the_reminder_pings_only_the_writer_at_three_quarters(
    inkwell: Harness, api: FakeThreadApi, clock: FakeTime, alice: FakeUser, bob: FakeUser
) -> None:
    thread = await start_relay(inkwell, api, turn_minutes=60)
    await inkwell.click(label="Join", user=bob)

    await clock.advance(minutes=45)

    reminder = api.in_thread(thread)[-1]
    assert reminder.content.startswith(f"<@{alice.id}> a reminder: turn 1 is yours")
    assert reminder.pings == [alice.id]


async def test_the_models_turn_is_posted_as_the_models(
    inkwell: Harness,
    api: FakeThreadApi,
    clock: FakeTime,
    backend: ScriptedBackend,
    alice: FakeUser,
) -> None:
    backend.script = ["The fog ", "rolled in."]
    thread = await start_relay(inkwell, api, ai_turns="each_round", genre="gothic")

    await write_with_the_modal(inkwell, clock, alice, "The lamp went out.")

    posted = [post for post in api.in_thread(thread) if post.content.startswith("**Turn")]
    assert [post.content.split("\n")[0] for post in posted] == [
        f"**Turn 1** · <@{alice.id}> · 4 words",
        "**Turn 2** · 🤖 Inkwell (the model) · 4 words",
    ]
    assert posted[1].content.endswith("The fog rolled in.")
    assert all(post.pings == [] for post in posted)
    assert "Genre: gothic" in backend.requests[-1].messages[1].content
    assert api.in_thread(thread)[-1].pings == [alice.id]  # and it's Alice's turn again


async def test_the_turn_notice_recaps_the_last_turn_and_who_wrote_it(
    inkwell: Harness, api: FakeThreadApi, clock: FakeTime, alice: FakeUser, bob: FakeUser
) -> None:
    thread = await start_relay(inkwell, api)
    await inkwell.click(label="Join", user=bob)
    await write_with_the_modal(inkwell, clock, alice, "Ask <@123> about the lamp.")

    notice = api.in_thread(thread)[-1]
    assert f"**Last turn** (<@{alice.id}>)" in notice.content
    assert "> Ask <@\u200b123> about the lamp." in notice.content  # quoted, not a mention
    assert notice.pings == [bob.id]


async def test_undo_gives_the_text_back_to_rewrite(
    inkwell: Harness, api: FakeThreadApi, clock: FakeTime, alice: FakeUser, bob: FakeUser
) -> None:
    thread = await start_relay(inkwell, api)
    await inkwell.click(label="Join", user=bob)
    await write_with_the_modal(inkwell, clock, alice, "The lamp went out.")

    events = await in_thread(inkwell, thread, "undo", alice)
    rewrite = await inkwell.click(label="Write", message=events.original(), user=alice)

    assert events.ephemeral()
    assert events.last_content().startswith("Took back turn 1")
    assert text_box(rewrite)["value"] == "The lamp went out."
    assert api.in_thread(thread)[-2].content.startswith(f"↩️ <@{alice.id}> took back turn 1")
    assert api.in_thread(thread)[-1].pings == [alice.id]


@pytest.mark.parametrize(
    ("command", "values", "refusal"),
    [
        pytest.param("pass", {}, "It's <@{alice}>'s turn", id="pass-out-of-turn"),
        pytest.param("write", {"text": "Me first."}, "It's <@{alice}>'s turn", id="write"),
        pytest.param("undo", {}, "Only the writer of the last turn", id="undo-nothing"),
        pytest.param("resume", {}, "Only the relay's starter", id="resume-not-allowed"),
        pytest.param("join", {}, "You're already in: 2nd in the order", id="join-twice"),
    ],
)
async def test_refusals_are_ephemeral_and_ping_nobody(
    inkwell: Harness,
    api: FakeThreadApi,
    alice: FakeUser,
    bob: FakeUser,
    command: str,
    values: dict[str, Any],
    refusal: str,
) -> None:
    thread = await start_relay(inkwell, api)
    await inkwell.click(label="Join", user=bob)
    posts_before = len(api.posts)

    events = await in_thread(inkwell, thread, command, bob, **values)

    assert events.ephemeral()
    assert refusal.format(alice=alice.id) in events.last_content()
    assert events.pings_nobody()
    assert len(api.posts) == posts_before  # nothing happened in the thread


async def test_two_relays_in_one_server_keep_to_their_threads(
    inkwell: Harness, api: FakeThreadApi, alice: FakeUser, bob: FakeUser
) -> None:
    await inkwell.run_slash("relay start", title="The Lighthouse")
    await inkwell.run_slash("relay start", title="The Orchard", user=bob)
    lighthouse, orchard = api.threads.values()

    await in_thread(inkwell, orchard, "join", alice)
    await in_thread(inkwell, lighthouse, "status", alice)

    assert api.in_thread(orchard)[-1].pings == [bob.id]
    assert all(post.pings == [] for post in api.in_thread(lighthouse))


async def test_a_thread_deleted_in_discord_ends_its_relay(
    inkwell: Harness, api: FakeThreadApi, services: Services, bob: FakeUser
) -> None:
    thread = await start_relay(inkwell, api)
    await inkwell.click(label="Join", user=bob)
    cog = inkwell.bot.get_cog("Relay")  # loaded as an extension: its own copy of the class
    assert cog is not None
    event = discord.RawThreadDeleteEvent(
        {"id": str(thread.id), "guild_id": str(inkwell.guild.id), "parent_id": "1", "type": 11}
    )

    await cog.on_raw_thread_delete(event)  # type: ignore[attr-defined]

    assert (await services.relay.status(thread.id)).relay.status == "ended"


async def test_relay_commands_outside_a_relay_thread_say_so(
    inkwell: Harness, api: FakeThreadApi
) -> None:
    events = await inkwell.run_slash("relay join")
    assert events.ephemeral()
    assert "There's no relay here" in events.last_content()


async def test_a_deleted_thread_ends_the_relay_with_one_log_line(
    inkwell: Harness,
    api: FakeThreadApi,
    services: Services,
    clock: FakeTime,
    alice: FakeUser,
    bob: FakeUser,
    caplog: pytest.LogCaptureFixture,
) -> None:
    thread = await start_relay(inkwell, api, turn_minutes=60)
    await inkwell.click(label="Join", user=bob)
    api.gone.add(thread.id)

    with caplog.at_level(logging.WARNING):
        saved = await in_thread(inkwell, thread, "write", alice, text="Nobody will see this.")
        await clock.advance(minutes=300)

    assert saved.last_content().startswith("Saved: turn 1")  # stored before it was posted
    status = await services.relay.status(thread.id)
    assert status.relay.status == "ended"
    assert [record.getMessage() for record in caplog.records if "relay" in record.name] == [
        f"relay {status.relay.id} ended: its thread {thread.id} is gone"
        " or the bot may no longer post there"
    ]


async def test_every_relay_command_is_documented(inkwell: Harness, api: FakeThreadApi) -> None:
    group = inkwell.tree.get_command("relay")
    assert isinstance(group, discord.app_commands.Group)
    names = sorted(command.name for command in group.commands)
    assert names == sorted(
        [
            "start", "join", "leave", "write", "pass", "status", "undo",
            "pause", "resume", "end", "kick", "export", "memory", "note",
        ]
    )  # fmt: skip
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    for name in names:
        assert f"/relay {name}" in readme


# --- notices that may have gone out already ------------------------------------------------


async def relay_of(services: Services, thread: FakeChannel) -> RelayRecord:
    return (await services.relay.status(thread.id)).relay


async def test_each_notice_goes_out_with_a_nonce_discord_enforces(
    inkwell: Harness, api: FakeThreadApi, services: Services, bob: FakeUser
) -> None:
    thread = await start_relay(inkwell, api)
    relay = await relay_of(services, thread)

    await DiscordRelayNotifier(inkwell.bot).relay_resumed(relay, key=NoticeKey(41, relay.id))

    posted = api.in_thread(thread)[-1]
    assert posted.payload["nonce"] == f"r{relay.id}n41p0"
    assert posted.payload["enforce_nonce"] is True  # a repeat gets the message already made


async def test_a_retry_finds_its_notice_in_the_thread_and_does_not_post_it_again(
    inkwell: Harness, api: FakeThreadApi, services: Services, bob: FakeUser
) -> None:
    thread = await start_relay(inkwell, api)
    await inkwell.click(label="Join", user=bob)
    relay = await relay_of(services, thread)
    notifier = DiscordRelayNotifier(inkwell.bot)
    previous = api.in_thread(thread)[-1].message.id  # the relay's last recorded notice
    posted = await notifier.relay_resumed(relay, key=NoticeKey(7, relay.id))
    count = len(api.in_thread(thread))

    retried = await notifier.relay_resumed(
        relay, key=NoticeKey(7, relay.id, maybe_sent=True, after=previous)
    )

    assert retried == posted
    assert len(api.in_thread(thread)) == count
    # The same words before the mark belong to an older notice: this one is posted.
    later = await notifier.relay_resumed(
        relay, key=NoticeKey(8, relay.id, maybe_sent=True, after=posted)
    )
    assert later != posted
    assert len(api.in_thread(thread)) == count + 1


async def test_a_long_turn_cut_off_half_posted_is_finished_not_repeated(
    inkwell: Harness, api: FakeThreadApi, services: Services, bob: FakeUser
) -> None:
    thread = await start_relay(inkwell, api)
    relay = await relay_of(services, thread)
    long_turn = TurnRecord(
        1, bob.id, False, "\n\n".join(f"{name} " * 300 for name in ("one", "two", "six")), 900, 0.0
    )
    notifier = DiscordRelayNotifier(inkwell.bot)
    previous = api.in_thread(thread)[-1].message.id
    api.die_after_posts = 1

    with pytest.raises(ProcessDied):
        await notifier.turn_written(relay, long_turn, key=NoticeKey(9, relay.id))
    (first_part,) = api.in_thread(thread)[1:]
    await notifier.turn_written(
        relay, long_turn, key=NoticeKey(9, relay.id, maybe_sent=True, after=previous)
    )

    parts = [post.content for post in api.in_thread(thread)[1:]]
    assert parts[0] == first_part.content
    assert parts[0].startswith("**Turn 1**")
    assert len(parts) == len(set(parts)) > 1  # every part once
    assert [post.payload["nonce"] for post in api.in_thread(thread)[1:]] == [
        f"r{relay.id}n9p{part}" for part in range(len(parts))
    ]


async def test_the_models_turn_names_its_lore_under_the_story_without_a_ping(
    inkwell: Harness, api: FakeThreadApi, services: Services
) -> None:
    thread = await start_relay(inkwell, api)
    relay = await relay_of(services, thread)
    turn = TurnRecord(2, None, True, "Mira rowed out.", 3, 0.0)

    await DiscordRelayNotifier(inkwell.bot).turn_written(
        relay, turn, key=NoticeKey(11, relay.id), lore=("Captain Mira", "*The* Gull")
    )

    post = api.in_thread(thread)[-1]
    assert post.content == (
        "**Turn 2** · 🤖 Inkwell (the model) · 3 words\n\nMira rowed out.\n"
        "-# lore: Captain Mira · \\*The\\* Gull"
    )
    assert post.payload["allowed_mentions"] == {"parse": []}


# --- /relay memory and /relay note ---------------------------------------------------------


def status_fields(events: InteractionEvents) -> dict[str, str]:
    embed = events.first("response").embeds[0]
    return {item["name"]: item["value"] for item in embed["fields"]}


async def test_the_starter_sets_the_memory_and_note_and_status_shows_them(
    inkwell: Harness, api: FakeThreadApi, alice: FakeUser, bob: FakeUser
) -> None:
    thread = await start_relay(inkwell, api)
    await inkwell.click(label="Join", user=bob)
    posted = len(api.in_thread(thread))

    memory = await in_thread(
        inkwell, thread, "memory", alice, text="Mira, <@42>'s aunt, keeps the light."
    )
    note = await in_thread(inkwell, thread, "note", bob, text="Keep it eerie.")
    status = await in_thread(inkwell, thread, "status", bob)

    assert memory.ephemeral()
    assert note.ephemeral()
    assert memory.last_content() == "Memory set (36/1000 characters)."
    assert note.last_content() == "Author's note set (14/200 characters)."
    fields = status_fields(status)
    assert fields["Memory"] == "Mira, <@42>'s aunt, keeps the light."
    assert fields["Author's note"] == "Keep it eerie."
    assert memory.pings_nobody()
    assert status.pings_nobody()
    # The thread hears who changed what the model writes by, never the text, and no one is pinged.
    notices = api.in_thread(thread)[posted:]
    assert [post.content for post in notices] == [
        f"📌 <@{alice.id}> set the memory; the model follows it from the next turn on "
        "(`/relay status` shows it).",
        f"📌 <@{bob.id}> set the author's note; the model follows it from the next turn on "
        "(`/relay status` shows it).",
    ]
    assert all(post.payload["allowed_mentions"] == {"parse": []} for post in notices)


async def test_clearing_the_note_says_so_in_the_thread(
    inkwell: Harness, api: FakeThreadApi, alice: FakeUser
) -> None:
    thread = await start_relay(inkwell, api)
    await in_thread(inkwell, thread, "note", alice, text="Keep it light.")

    cleared = await in_thread(inkwell, thread, "note", alice, text="clear")

    assert cleared.last_content() == "Author's note cleared."
    assert api.in_thread(thread)[-1].content == f"📌 <@{alice.id}> cleared the author's note."


async def test_someone_not_writing_in_the_relay_may_not_set_its_memory(
    inkwell: Harness, services: Services, api: FakeThreadApi
) -> None:
    thread = await start_relay(inkwell, api)
    cleo = inkwell.new_user("cleo")

    events = await in_thread(inkwell, thread, "memory", cleo, text="Everyone dies.")

    assert events.ephemeral()
    assert events.last_content() == (
        "Only the relay's starter, its writers or someone who can manage threads "
        "can set its memory."
    )
    assert (await services.relay.status(thread.id)).relay.memory == ""


async def test_the_memory_option_takes_no_more_than_the_limit(
    inkwell: Harness, api: FakeThreadApi, alice: FakeUser
) -> None:
    thread = await start_relay(inkwell, api)

    with pytest.raises(ValueError, match=r"within \[1, 1000\]"):
        await in_thread(inkwell, thread, "memory", alice, text="x" * 1001)
    with pytest.raises(ValueError, match=r"within \[1, 200\]"):
        await in_thread(inkwell, thread, "note", alice, text="x" * 201)
    exactly = await in_thread(inkwell, thread, "memory", alice, text="x" * 1000)
    assert exactly.last_content() == "Memory set (1000/1000 characters)."


async def test_text_over_the_limit_once_cleaned_comes_back_to_edit(
    inkwell: Harness, services: Services, api: FakeThreadApi, alice: FakeUser
) -> None:
    """Discord counts "क़" (U+0958) as one character; in its normal form it is two."""
    thread = await start_relay(inkwell, api)
    await in_thread(inkwell, thread, "note", alice, text="Keep it light.")
    typed = "\u0958" * 150

    events = await in_thread(inkwell, thread, "note", alice, text=typed)
    reopened = await inkwell.click(label="Edit my text", user=alice)

    assert events.ephemeral()
    assert events.last_content().startswith(
        "The author's note is 300 characters; the limit is 200."
    )
    assert "nothing you wrote is lost" in events.last_content()
    assert text_box(reopened)["value"] == typed
    assert (await services.relay.status(thread.id)).relay.note == "Keep it light."


async def test_clear_clears_the_memory_and_status_no_longer_shows_it(
    inkwell: Harness, api: FakeThreadApi, alice: FakeUser
) -> None:
    thread = await start_relay(inkwell, api)
    await in_thread(inkwell, thread, "memory", alice, text="Mira keeps the light.")

    cleared = await in_thread(inkwell, thread, "memory", alice, text="clear")
    status = await in_thread(inkwell, thread, "status", alice)

    assert cleared.last_content() == "Memory cleared."
    assert "Memory" not in status_fields(status)


async def test_without_text_the_memory_opens_in_a_box_to_edit(
    inkwell: Harness, services: Services, api: FakeThreadApi, alice: FakeUser
) -> None:
    thread = await start_relay(inkwell, api)
    await in_thread(inkwell, thread, "memory", alice, text="Mira keeps the light.")

    opened = await in_thread(inkwell, thread, "memory", alice)
    assert opened.kinds() == ["modal"]
    box = text_box(opened)
    assert box["value"] == "Mira keeps the light."
    assert box["max_length"] == 1000
    edited = await inkwell.submit_modal(
        fields={box["custom_id"]: "Mira keeps the light.\nHer brother drowned."}, user=alice
    )

    assert edited.ephemeral()
    assert edited.last_content() == "Memory set (42/1000 characters)."
    stored = (await services.relay.status(thread.id)).relay.memory
    assert stored == "Mira keeps the light.\nHer brother drowned."

    await in_thread(inkwell, thread, "memory", alice)
    emptied = await inkwell.submit_modal(fields={box["label"]: ""}, user=alice)
    assert emptied.last_content() == "Memory cleared."


async def test_the_box_is_not_offered_to_someone_who_may_not_set_it(
    inkwell: Harness, api: FakeThreadApi
) -> None:
    thread = await start_relay(inkwell, api)

    events = await in_thread(inkwell, thread, "note", inkwell.new_user("cleo"))

    assert events.kinds() == ["response"]
    assert events.ephemeral()
    assert "can set its memory and author's note" in events.last_content()


async def test_the_content_filter_checks_the_memory_and_gives_refused_text_back(
    inkwell: Harness, services: Services, api: FakeThreadApi, alice: FakeUser
) -> None:
    await inkwell.run_slash(
        "filters add", user=inkwell.new_user("mod", manage_guild=True), pattern="grimoire"
    )
    thread = await start_relay(inkwell, api)

    events = await in_thread(inkwell, thread, "memory", alice, text="The grimoire is real.")
    reopened = await inkwell.click(label="Edit my text", user=alice)

    assert events.last_content().startswith("This server's content filter doesn't allow that")
    assert text_box(reopened)["value"] == "The grimoire is real."
    assert (await services.relay.status(thread.id)).relay.memory == ""


async def test_the_models_turn_is_written_with_the_memory_and_note(
    inkwell: Harness,
    api: FakeThreadApi,
    clock: FakeTime,
    backend: ScriptedBackend,
    alice: FakeUser,
) -> None:
    backend.script = ["The fog ", "rolled in."]
    thread = await start_relay(inkwell, api, ai_turns="each_round")
    await in_thread(inkwell, thread, "memory", alice, text="Mira keeps the light.")
    await in_thread(inkwell, thread, "note", alice, text="Keep it eerie.")

    await write_with_the_modal(inkwell, clock, alice, "The lamp went out.")

    system, user = backend.requests[-1].messages
    assert "Mira" not in system.content
    assert "Memory (always true in this story):\nMira keeps the light." in user.content
    assert user.content.index("The lamp went out.") < user.content.index(
        "Author's note: Keep it eerie."
    )
