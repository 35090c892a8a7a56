"""StreamingEditor against the harness: real discord.py calls, a clock the test steps."""

from __future__ import annotations

import discord
import pytest
from discord import app_commands
from discord.ext import commands

from inkwell.bot.text.splitting import split_message
from inkwell.bot.ui.streaming import PLACEHOLDER, StreamingEditor
from tests.harness import Harness

MESSAGE_KINDS = {"response", "edit_original", "followup", "edit_followup"}


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class Buttons(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=60)

    @discord.ui.button(label="Again", custom_id="again")
    async def again(self, interaction: discord.Interaction, button: discord.ui.Button[Buttons]):
        await interaction.response.defer()


def words(n: int, word: str = "ink") -> str:
    return " ".join(f"{word}{i}" for i in range(n))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def deferred(harness: Harness) -> discord.Interaction:
    interaction = harness.interaction("story")
    await interaction.response.defer(thinking=True)
    return interaction


def editor_for(interaction: discord.Interaction, clock: FakeClock) -> StreamingEditor:
    return StreamingEditor(interaction, edit_interval=1.0, clock=clock)


async def test_edits_are_throttled_to_one_per_interval(
    harness: Harness, deferred: discord.Interaction, clock: FakeClock
):
    editor = editor_for(deferred, clock)
    events = harness.events(deferred)

    await editor.update("Once")  # the first text shows at once
    for text in ("Once upon", "Once upon a", "Once upon a time"):
        clock.advance(0.25)
        await editor.update(text)
    assert events.contents() == ["Once"]

    clock.advance(0.25)  # a full second since the last edit
    await editor.update("Once upon a time,")
    clock.advance(0.5)
    await editor.update("Once upon a time, there")

    assert events.contents() == ["Once", "Once upon a time,"]
    assert editor.text == "Once upon a time, there"


async def test_finish_always_makes_the_final_edit(
    harness: Harness, deferred: discord.Interaction, clock: FakeClock
):
    editor = editor_for(deferred, clock)
    events = harness.events(deferred)

    await editor.update("The end")
    await editor.finish("The end")  # same text, no time passed: still edited

    assert events.kinds() == ["defer", "edit_original", "edit_original"]
    assert events.original().content == "The end"


async def test_finish_shows_text_the_throttle_held_back(
    harness: Harness, deferred: discord.Interaction, clock: FakeClock
):
    editor = editor_for(deferred, clock)
    await editor.update("Once")
    clock.advance(0.2)
    await editor.update("Once upon")  # held back

    await editor.finish("Once upon a time.")

    assert harness.events(deferred).original().content == "Once upon a time."


async def test_long_text_continues_in_followups(
    harness: Harness, deferred: discord.Interaction, clock: FakeClock
):
    editor = editor_for(deferred, clock)
    text = words(900)

    await editor.finish(text)

    messages = harness.events(deferred).messages()
    assert len(messages) == len(split_message(text)) == 4
    assert messages[0].is_original
    assert all(len(m.content) <= 2000 for m in messages)
    assert " ".join(m.content for m in messages) == text
    assert editor.shown == [m.content for m in messages]


async def test_growing_text_only_edits_the_messages_that_changed(
    harness: Harness, deferred: discord.Interaction, clock: FakeClock
):
    editor = editor_for(deferred, clock)
    events = harness.events(deferred)
    text = words(250)  # under one message
    await editor.update(text)
    for more in (150, 50, 50):  # past the limit, then growing in the second message
        clock.advance(1.0)
        text = f"{text} {words(more, 'quill')}"
        await editor.update(text)

    first, second = events.messages()
    assert events.kinds() == [
        "defer",
        "edit_original",
        "edit_original",  # the first message fills up...
        "followup",  # ...and the rest starts a second one
        "edit_followup",
        "edit_followup",
    ]
    assert " ".join([first.content, second.content]) == text
    assert first.edits == 2


async def test_unchanged_text_is_not_sent_again(
    harness: Harness, deferred: discord.Interaction, clock: FakeClock
):
    editor = editor_for(deferred, clock)
    await editor.show(words(500))
    count = len(harness.events(deferred))

    await editor.show(words(500))
    clock.advance(5)
    await editor.update(words(500))

    assert len(harness.events(deferred)) == count


async def test_view_goes_under_the_last_message_only(
    harness: Harness, deferred: discord.Interaction, clock: FakeClock
):
    editor = editor_for(deferred, clock)
    view = Buttons()

    await editor.finish(words(900), view=view)

    *earlier, last = harness.events(deferred).messages()
    assert [b.custom_id for b in last.buttons] == ["again"]
    assert all(m.components == [] for m in earlier)
    # The view listens on the message that shows it: clicking reaches the callback.
    clicked = await harness.click("again")
    assert clicked.kinds() == ["defer_update"]


async def test_shrinking_deletes_extra_followups_and_moves_the_view(
    harness: Harness, deferred: discord.Interaction, clock: FakeClock
):
    editor = editor_for(deferred, clock)
    view = Buttons()
    events = harness.events(deferred)
    await editor.finish(words(900), view=view)
    assert len(events.messages()) == 4

    await editor.show("A short variant.", view=view)

    (only,) = events.messages()
    assert only.is_original
    assert only.content == "A short variant."
    assert [b.custom_id for b in only.buttons] == ["again"]
    assert events.kinds()[-3:] == ["delete_followup"] * 3
    assert len(events.followups()) == 0


async def test_view_follows_the_text_into_a_new_message(
    harness: Harness, deferred: discord.Interaction, clock: FakeClock
):
    editor = editor_for(deferred, clock)
    editor.attach(Buttons())
    await editor.update("Short.")

    clock.advance(1)
    await editor.update(words(500))

    first, second = harness.events(deferred).messages()
    assert first.components == []
    assert [b.custom_id for b in second.buttons] == ["again"]


async def test_updates_after_finish_show_no_view_until_one_is_attached(
    harness: Harness, deferred: discord.Interaction, clock: FakeClock
):
    """A finished piece keeps no view object alive; the next stream attaches its own."""
    editor = editor_for(deferred, clock)
    editor.attach(Buttons())
    await editor.finish("Done.", view=Buttons())

    clock.advance(1)
    await editor.update("Written again.")

    assert harness.events(deferred).original().components == []


async def test_a_held_place_shows_the_notice_with_the_view_and_gives_way_to_the_text(
    harness: Harness, deferred: discord.Interaction, clock: FakeClock
):
    editor = editor_for(deferred, clock)
    editor.attach(Buttons())
    events = harness.events(deferred)

    await editor.hold("Waiting…")
    assert events.contents() == ["Waiting…"]
    assert [b.custom_id for b in events.original().buttons] == ["again"]

    await editor.update("Once")  # at once, though the notice went up this very instant
    assert events.contents() == ["Waiting…", "Once"]


async def test_hold_does_nothing_once_text_has_come(
    harness: Harness, deferred: discord.Interaction, clock: FakeClock
):
    editor = editor_for(deferred, clock)
    editor.attach(Buttons())
    await editor.update("Once")

    clock.advance(1)
    await editor.hold("Waiting…")

    assert harness.events(deferred).contents() == ["Once"]


async def test_withdraw_deletes_every_message_shown(
    harness: Harness, deferred: discord.Interaction, clock: FakeClock
):
    editor = editor_for(deferred, clock)
    await editor.show(words(500))
    events = harness.events(deferred)

    await editor.withdraw()

    assert [event.kind for event in events.of_kind("delete_original", "delete_followup")] == [
        "delete_followup",
        "delete_original",
    ]
    assert events.messages() == []
    assert editor.shown == []


async def test_finish_without_view_removes_the_buttons(
    harness: Harness, deferred: discord.Interaction, clock: FakeClock
):
    editor = editor_for(deferred, clock)
    await editor.show("Draft.", view=Buttons())

    await editor.finish("Draft.")

    assert harness.events(deferred).original().components == []


async def test_nobody_is_ever_pinged(
    harness: Harness, deferred: discord.Interaction, clock: FakeClock
):
    editor = editor_for(deferred, clock)
    await editor.update("Hello <@123> and @everyone")
    clock.advance(1)
    await editor.update(words(600) + " <@&456>")
    await editor.finish("Bye <@123>", view=Buttons())

    sent = [e for e in harness.events(deferred) if e.kind in MESSAGE_KINDS]
    assert len(sent) >= 4
    assert all(event.allowed_mentions == {"parse": []} for event in sent)


async def test_empty_text_shows_a_placeholder(
    harness: Harness, deferred: discord.Interaction, clock: FakeClock
):
    editor = editor_for(deferred, clock)
    await editor.update("   ")
    assert harness.events(deferred).original().content == PLACEHOLDER


async def test_continuations_of_an_ephemeral_answer_stay_ephemeral(
    harness: Harness, clock: FakeClock
):
    interaction = harness.interaction()
    await interaction.response.defer(thinking=True, ephemeral=True)

    await editor_for(interaction, clock).finish(words(400))

    messages = harness.events(interaction).messages()
    assert len(messages) == 2
    assert all(message.ephemeral for message in messages)


async def test_answers_an_interaction_that_was_not_deferred(harness: Harness, clock: FakeClock):
    interaction = harness.interaction()
    editor = editor_for(interaction, clock)

    await editor.finish("Straight away.")

    assert harness.events(interaction).kinds() == ["response"]


class Stream(commands.Cog):
    """A command streaming through the editor, with a button that flips the variant."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock

    @app_commands.command(description="Stream a story")
    async def story(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True)
        editor = StreamingEditor(interaction, edit_interval=1.0, clock=self.clock)
        text = ""
        for piece in ("Once", " upon", " a", " time."):
            text += piece
            await editor.update(text)
            self.clock.advance(0.4)
        view = Flip(editor)
        await editor.finish(text, view=view)


class Flip(discord.ui.View):
    def __init__(self, editor: StreamingEditor) -> None:
        super().__init__(timeout=60)
        self.editor = editor

    @discord.ui.button(label="Other")
    async def other(self, interaction: discord.Interaction, button: discord.ui.Button[Flip]):
        await interaction.response.defer()
        await self.editor.show("Another tale.", view=self)


async def test_a_command_streams_and_a_button_flips_the_variant(
    harness: Harness, discord_bot: commands.Bot, clock: FakeClock
):
    await discord_bot.add_cog(Stream(clock))

    command = await harness.run_slash("story")

    # t=0 "Once" shows; " upon" and " a" wait; " time." comes a full second later.
    assert command.contents() == ["Once", "Once upon a time.", "Once upon a time."]
    assert command.original().buttons[0].label == "Other"

    click = await harness.click(label="Other")

    assert click.kinds() == ["defer_update"]
    assert command.original().content == "Another tale."
    assert command.last("edit_original").content == "Another tale."
