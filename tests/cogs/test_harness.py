"""The harness itself: a throwaway cog proves each interaction path runs for real."""

from __future__ import annotations

import io
from typing import Literal

import discord
import pytest
from discord import app_commands
from discord.ext import commands

from tests.harness import Harness, SentFile, UnhandledError

NO_PINGS = discord.AllowedMentions.none()


class CounterView(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=60)
        self.count = 0

    @discord.ui.button(label="Add", style=discord.ButtonStyle.primary)
    async def add(self, interaction: discord.Interaction, button: discord.ui.Button[CounterView]):
        self.count += 1
        await interaction.response.edit_message(content=f"count: {self.count}", view=self)

    @discord.ui.button(label="Done", style=discord.ButtonStyle.secondary)
    async def done(self, interaction: discord.Interaction, button: discord.ui.Button[CounterView]):
        for item in self.children:
            if isinstance(item, discord.ui.Button):
                item.disabled = True
        await interaction.response.edit_message(view=self)
        self.stop()

    @discord.ui.select(
        placeholder="Pick a form",
        options=[discord.SelectOption(label="Haiku"), discord.SelectOption(label="Sonnet")],
    )
    async def pick(self, interaction: discord.Interaction, select: discord.ui.Select[CounterView]):
        await interaction.response.send_message(f"picked {select.values[0]}", ephemeral=True)


class Feedback(discord.ui.Modal, title="Tell us"):
    thoughts: discord.ui.TextInput[Feedback] = discord.ui.TextInput(
        label="Your thoughts", max_length=100
    )
    mood: discord.ui.TextInput[Feedback] = discord.ui.TextInput(label="Mood", required=False)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(
            f"thanks: {self.thoughts.value} ({self.mood.value or 'no mood'})", ephemeral=True
        )


class Confirm(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=60)
        self.value: bool | None = None

    @discord.ui.button(label="Yes")
    async def yes(self, interaction: discord.Interaction, button: discord.ui.Button[Confirm]):
        self.value = True
        await interaction.response.defer()
        self.stop()


class Throwaway(commands.Cog):
    style = app_commands.Group(name="style", description="Your style")

    def __init__(self) -> None:
        self.errors: list[app_commands.AppCommandError] = []
        self.seen: dict[str, object] = {}

    async def cog_app_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        self.errors.append(error)
        if isinstance(error, app_commands.CommandOnCooldown):
            text = f"slow down: {error.retry_after:.0f}s"
        elif isinstance(error, app_commands.MissingPermissions):
            text = "you may not"
        else:
            text = "something broke"
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_PINGS)
        else:
            await interaction.response.send_message(text, ephemeral=True)

    @app_commands.command(description="Write a poem")
    @app_commands.describe(topic="What about", form="Which form", lines="How many lines")
    @app_commands.checks.cooldown(1, 60.0)
    async def poem(
        self,
        interaction: discord.Interaction,
        topic: app_commands.Range[str, 1, 50],
        form: Literal["haiku", "sonnet"],
        lines: app_commands.Range[int, 1, 14] = 3,
    ) -> None:
        await interaction.response.defer(thinking=True)
        await interaction.edit_original_response(
            content=f"a {form} about {topic} in {lines} lines <@1>", allowed_mentions=NO_PINGS
        )
        await interaction.followup.send(
            "the draft",
            file=discord.File(io.BytesIO(b"snow falls"), "draft.txt"),
            ephemeral=True,
            allowed_mentions=NO_PINGS,
        )

    @app_commands.command(description="Only for moderators")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def admin(self, interaction: discord.Interaction) -> None:
        member = interaction.user
        assert isinstance(member, discord.Member)
        self.seen["guild_permissions"] = member.guild_permissions.manage_guild
        await interaction.response.send_message("done", ephemeral=True)

    @app_commands.command(description="Count clicks")
    async def counter(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message("count: 0", view=CounterView())

    @app_commands.command(description="Give feedback")
    async def feedback(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(Feedback())

    @app_commands.command(description="Ask first")
    async def ask(self, interaction: discord.Interaction) -> None:
        view = Confirm()
        await interaction.response.send_message("Sure?", view=view)
        await view.wait()
        await interaction.edit_original_response(content=f"answer: {view.value}", view=None)

    @app_commands.command(description="Thinks, then follows up")
    async def think(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True, ephemeral=True)
        await interaction.followup.send("thought it through")

    @app_commands.command(description="Fails")
    async def boom(self, interaction: discord.Interaction) -> None:
        raise RuntimeError("kaboom")

    @style.command(name="set", description="Set your style")
    @app_commands.choices(
        tone=[
            app_commands.Choice(name="Wry", value="wry"),
            app_commands.Choice(name="Warm", value="warm"),
        ]
    )
    @app_commands.rename(mentor="mentor-user")
    async def style_set(
        self,
        interaction: discord.Interaction,
        tone: app_commands.Choice[str],
        mentor: discord.Member | None = None,
        channel: discord.TextChannel | None = None,
    ) -> None:
        self.seen["tone"] = tone.value
        self.seen["mentor"] = mentor
        self.seen["channel"] = channel
        await interaction.response.send_message(f"tone {tone.name}", ephemeral=True)


@pytest.fixture
async def cog(discord_bot: commands.Bot) -> Throwaway:
    cog = Throwaway()
    await discord_bot.add_cog(cog)
    return cog


async def test_slash_runs_defer_edit_and_followup(harness: Harness, cog: Throwaway):
    events = await harness.run_slash("poem", topic="first snow", form="haiku", lines=5)

    assert events.kinds() == ["defer", "edit_original", "followup"]
    assert events.contents() == ["a haiku about first snow in 5 lines <@1>", "the draft"]
    assert not events.ephemeral()
    followup = events.last("followup")
    assert followup.ephemeral
    assert followup.files == (SentFile("draft.txt", b"snow falls"),)
    assert events.pings_nobody()
    assert events.last("edit_original").allowed_mentions == {"parse": []}
    original, extra = events.messages()
    assert original.content.startswith("a haiku")
    assert not original.loading
    assert extra.ephemeral
    assert extra.attachments[0]["filename"] == "draft.txt"
    assert events.interaction.namespace.topic == "first snow"


async def test_options_are_checked_like_discord_does(harness: Harness, cog: Throwaway):
    with pytest.raises(ValueError, match="must be one of"):
        await harness.run_slash("poem", topic="snow", form="limerick")
    with pytest.raises(ValueError, match=r"within \[1, 14\]"):
        await harness.run_slash("poem", topic="snow", form="haiku", lines=20)
    with pytest.raises(ValueError, match="characters"):
        await harness.run_slash("poem", topic="s" * 51, form="haiku")
    with pytest.raises(TypeError, match="needs"):
        await harness.run_slash("poem", topic="snow")
    with pytest.raises(TypeError, match="no option"):
        await harness.run_slash("poem", topic="snow", form="haiku", rhyme=True)
    assert harness.recorder.events == []


async def test_cooldown_check_failure_reaches_the_error_handler(harness: Harness, cog: Throwaway):
    await harness.run_slash("poem", topic="snow", form="haiku")
    events = await harness.run_slash("poem", topic="rain", form="sonnet")

    assert events.kinds() == ["response"]
    assert events.ephemeral()
    assert events.last_content() == "slow down: 60s"
    assert isinstance(cog.errors[-1], app_commands.CommandOnCooldown)
    assert events.failed


async def test_cooldown_is_per_user(harness: Harness, cog: Throwaway):
    await harness.run_slash("poem", topic="snow", form="haiku")
    other = harness.new_user("other")
    events = await harness.run_slash("poem", topic="snow", form="haiku", user=other)
    assert events.kinds()[0] == "defer"


async def test_permission_check(harness: Harness, cog: Throwaway):
    denied = await harness.run_slash("admin")
    assert denied.last_content() == "you may not"
    assert isinstance(cog.errors[-1], app_commands.MissingPermissions)

    allowed = await harness.run_slash("admin", user=harness.moderator)
    assert allowed.last_content() == "done"
    assert cog.seen["guild_permissions"] is True


async def test_button_callback_edits_its_message(harness: Harness, cog: Throwaway):
    command = await harness.run_slash("counter")
    message = command.original()
    assert [b.label for b in message.buttons] == ["Add", "Done"]

    first = await harness.click(label="Add")
    await harness.click(label="Add", message=message.id)

    assert first.kinds() == ["update"]
    assert harness.message(message.id).content == "count: 2"
    assert harness.message(message.id).history == ["count: 0", "count: 1", "count: 2"]

    await harness.click(label="Done")
    assert all(button.disabled for button in harness.message(message.id).buttons)
    with pytest.raises(ValueError, match="disabled"):
        await harness.click(label="Add")


async def test_select_menu(harness: Harness, cog: Throwaway):
    await harness.run_slash("counter")
    events = await harness.select(values=["Sonnet"], placeholder="Pick a form")
    assert events.last_content() == "picked Sonnet"
    with pytest.raises(ValueError, match="not options"):
        await harness.select(values=["Limerick"], placeholder="Pick a form")


async def test_modal_round_trip(harness: Harness, cog: Throwaway):
    command = await harness.run_slash("feedback")
    assert command.kinds() == ["modal"]
    assert command.modal().modal_title == "Tell us"

    submitted = await harness.submit_modal(fields={"Your thoughts": "lovely"})

    assert submitted.last_content() == "thanks: lovely (no mood)"
    assert submitted.ephemeral()


async def test_modal_fields_are_checked(harness: Harness, cog: Throwaway):
    await harness.run_slash("feedback")
    with pytest.raises(ValueError, match="required"):
        await harness.submit_modal(fields={"Mood": "calm"})
    with pytest.raises(ValueError, match="characters"):
        await harness.submit_modal(fields={"Your thoughts": "x" * 101})
    with pytest.raises(ValueError, match="no field"):
        await harness.submit_modal(fields={"Your thoughts": "ok", "Rating": "5"})


async def test_a_command_waiting_for_a_click(harness: Harness, cog: Throwaway):
    asked = await harness.run_slash("ask", wait=False)
    assert asked.kinds() == ["response"]

    click = await harness.click(label="Yes")
    await harness.settle()

    assert click.kinds() == ["defer_update"]
    assert asked.kinds() == ["response", "edit_original"]
    assert asked.original().content == "answer: True"
    assert asked.original().components == []


async def test_first_followup_after_thinking_replaces_the_thinking_message(
    harness: Harness, cog: Throwaway
):
    events = await harness.run_slash("think")

    assert events.ephemeral()
    followup = events.last("followup")
    assert followup.replaced_loading
    (message,) = events.messages()
    assert message.content == "thought it through"
    assert message.ephemeral
    assert not message.loading


async def test_subcommand_with_choice_member_and_channel(harness: Harness, cog: Throwaway):
    mentor = harness.new_user("mentor", manage_messages=True)
    studio = harness.new_channel("studio")

    # "channel" is also the harness's keyword for where the command runs: options= it is.
    with pytest.raises(TypeError, match="ambiguous"):
        await harness.run_slash("style set", tone="warm", channel=studio)
    events = await harness.run_slash(
        "style set", tone="warm", mentor=mentor, options={"channel": studio}
    )

    assert events.last_content() == "tone Warm"
    assert cog.seen["tone"] == "warm"
    member = cog.seen["mentor"]
    assert isinstance(member, discord.Member)
    assert member.id == mentor.id
    assert member.guild_permissions.manage_messages
    channel = cog.seen["channel"]
    assert isinstance(channel, discord.TextChannel)
    assert channel.name == "studio"


async def test_direct_messages(harness: Harness, cog: Throwaway):
    events = await harness.run_slash("poem", topic="snow", form="haiku", guild=None)
    interaction = events.interaction
    assert interaction.guild is None
    assert isinstance(interaction.user, discord.User)
    assert isinstance(interaction.channel, discord.DMChannel)


async def test_unhandled_errors_fail_the_test(discord_bot: commands.Bot):
    class Bare(commands.Cog):
        @app_commands.command(description="Fails")
        async def crash(self, interaction: discord.Interaction) -> None:
            raise RuntimeError("kaboom")

    await discord_bot.add_cog(Bare())
    async with Harness(discord_bot) as harness:
        with pytest.raises(UnhandledError, match="kaboom"):
            await harness.run_slash("crash")


async def test_handled_errors_do_not(harness: Harness, cog: Throwaway):
    events = await harness.run_slash("boom")
    assert events.last_content() == "something broke"
    assert isinstance(cog.errors[-1], app_commands.CommandInvokeError)


async def test_discord_side_failures_can_be_simulated(harness: Harness, cog: Throwaway):
    harness.recorder.fail_next(404, code=10008, message="Unknown Message", kinds={"edit_original"})

    events = await harness.run_slash("poem", topic="snow", form="haiku")

    error = cog.errors[-1]
    assert isinstance(error, app_commands.CommandInvokeError)
    assert isinstance(error.original, discord.NotFound)
    assert events.last_content() == "something broke"


async def test_discord_rules_are_enforced(harness: Harness):
    interaction = harness.interaction()
    with pytest.raises(discord.HTTPException, match="2000 or fewer"):
        await interaction.response.send_message("x" * 2001)
    await interaction.response.defer()
    with pytest.raises(discord.HTTPException, match="empty message"):
        await interaction.edit_original_response(content="")
    message = await interaction.followup.send("fine", wait=True)
    await message.delete()
    with pytest.raises(discord.NotFound):
        await message.edit(content="gone")
    # A deferred command's first followup *is* its original response.
    assert harness.events(interaction).kinds() == ["defer", "followup", "delete_original"]
    again = await interaction.followup.send("a second one", wait=True)
    await again.delete()
    assert harness.events(interaction).kinds()[-2:] == ["followup", "delete_followup"]
