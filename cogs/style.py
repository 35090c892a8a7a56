"""/style set|show|reset|forget-me|server-defaults: members' style preferences."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final, Literal

import discord
from discord import app_commands
from discord.ext import commands

from inkwell.bot.plugin import HostBot, add_feature, remove_feature
from inkwell.bot.records.styles import StyleRecord
from inkwell.bot.services.forms import Creativity, PointOfView, Rating, Tense
from inkwell.bot.services.styles import TEXT_LIMITS
from inkwell.bot.ui.confirm import Confirm
from inkwell.bot.ui.context import InkwellContext
from inkwell.bot.ui.errors import AnswersErrors
from inkwell.bot.ui.replies import NO_PINGS

StyleField = Literal[
    "voice", "tone", "pov", "tense", "rating", "creativity", "favourite_forms", "avoid", "sample"
]
# The options /style set and /style server-defaults share, declared once: their types below
# (Discord's length limits; pov, tense, rating and creativity are the choices of
# inkwell.bot.services.forms) and their descriptions in STYLE_OPTIONS. discord.py reads each
# command's options from its callback's signature, so both signatures name them, with these
# types; a test checks that Discord receives the same options from both.
Voice = app_commands.Range[str, 1, TEXT_LIMITS["voice"]]
Tone = app_commands.Range[str, 1, TEXT_LIMITS["tone"]]
Forms = app_commands.Range[str, 1, TEXT_LIMITS["favourite_forms"]]
Avoid = app_commands.Range[str, 1, TEXT_LIMITS["avoid"]]
Sample = app_commands.Range[str, 1, TEXT_LIMITS["sample"]]

# Worded for both commands: a member's own preferences and the server's defaults.
STYLE_OPTIONS: Final[dict[str, str]] = {
    "voice": "Narrative voice, e.g. lyrical, plain-spoken, hard-boiled",
    "tone": "Usual tone, e.g. wry, warm, eerie",
    "pov": "Preferred point of view",
    "tense": "Preferred tense",
    "rating": "The most mature content to write",
    "creativity": "How adventurous the wording is: low, medium (the bot's usual) or high",
    "favourite_forms": "Favourite forms, e.g. sonnets, flash fiction",
    "avoid": "Topics or words to keep out of the pieces",
    "sample": "A few lines of your own writing, so the model can match your voice",
}
# A writing sample is one member's own lines, so a server has no default for it.
SERVER_DEFAULT_OPTIONS: Final = {
    name: description for name, description in STYLE_OPTIONS.items() if name != "sample"
}


def style_embed(title: str, style: StyleRecord, *, note: str | None = None) -> discord.Embed:
    embed = discord.Embed(title=title, colour=discord.Colour.blurple(), description=note)
    for name in StyleRecord.field_names():
        value = getattr(style, name)
        if value:
            embed.add_field(
                name=name.replace("_", " "), value=value[:1024], inline=name != "sample"
            )
    if not embed.fields and note is None:
        embed.description = "Nothing set yet — try `/style set tone:wry pov:first`."
    return embed


def style_changes(
    interaction: discord.Interaction, options: Mapping[str, str]
) -> dict[str, str | None]:
    """The changes a /style command asks the style service for: the options filled in.

    Read from the interaction's namespace, which holds the options the member filled in,
    by the names the command declares. An option left empty means "leave it as it is"; the
    service would store a None as a cleared preference (clearing is what /style reset is
    for), so empty options are left out.
    """
    namespace = interaction.namespace
    return {
        name: value for name in options if (value := getattr(namespace, name, None)) is not None
    }


class Style(
    AnswersErrors, commands.GroupCog, group_name="style", group_description="Your writing style"
):
    def __init__(self, bot: HostBot, inkwell: InkwellContext) -> None:
        self.bot = bot
        self.inkwell = inkwell

    @app_commands.command(
        name="set",
        description="Set your style preferences; they shape everything Inkwell writes for you.",
    )
    @app_commands.describe(**STYLE_OPTIONS)
    async def set_style(
        self,
        interaction: discord.Interaction,
        voice: Voice | None = None,
        tone: Tone | None = None,
        pov: PointOfView | None = None,
        tense: Tense | None = None,
        rating: Rating | None = None,
        creativity: Creativity | None = None,
        favourite_forms: Forms | None = None,
        avoid: Avoid | None = None,
        sample: Sample | None = None,
    ) -> None:
        changes = style_changes(interaction, STYLE_OPTIONS)
        saved = await self.inkwell.services.styles.update(interaction.user.id, changes)
        await interaction.response.send_message(
            embed=style_embed("Saved — your style", saved),
            ephemeral=True,
            allowed_mentions=NO_PINGS,
        )

    @app_commands.command(
        name="show", description="See your style preferences and this server's defaults."
    )
    async def show(self, interaction: discord.Interaction) -> None:
        overview = await self.inkwell.services.styles.overview(
            interaction.user.id, interaction.guild_id
        )
        embeds = [style_embed("Your style", overview.mine)]
        if not overview.guild_defaults.is_empty():
            embeds.append(
                style_embed("This server's defaults (yours win)", overview.guild_defaults)
            )
        await interaction.response.send_message(
            embeds=embeds, ephemeral=True, allowed_mentions=NO_PINGS
        )

    @app_commands.command(name="reset", description="Clear one preference, or all of them.")
    @app_commands.describe(field="The preference to clear (leave empty to clear all)")
    async def reset(
        self, interaction: discord.Interaction, field: StyleField | None = None
    ) -> None:
        changed = await self.inkwell.services.styles.reset(interaction.user.id, field)
        what = f"your {field.replace('_', ' ')}" if field else "your style preferences"
        message = f"Cleared {what}." if changed else f"Nothing to clear: {what} wasn't set."
        await interaction.response.send_message(message, ephemeral=True, allowed_mentions=NO_PINGS)

    @app_commands.command(
        name="forget-me", description="Delete everything Inkwell stores about you."
    )
    async def forget_me(self, interaction: discord.Interaction) -> None:
        confirm = Confirm(interaction.user.id, confirm_label="Delete my data")
        await interaction.response.send_message(
            "This deletes every record Inkwell keeps about you, in every server. Sure?",
            view=confirm,
            ephemeral=True,
            allowed_mentions=NO_PINGS,
        )
        await confirm.wait()
        if confirm.confirmed:
            rows = await self.inkwell.services.styles.forget(interaction.user.id)
            message = (
                f"Done — {rows} record(s) about you deleted."
                if rows
                else "Done — there was nothing stored about you."
            )
        else:
            message = (
                "Kept everything." if confirm.confirmed is False else "No answer — kept everything."
            )
        await interaction.followup.send(message, ephemeral=True, allowed_mentions=NO_PINGS)

    @app_commands.command(
        name="server-defaults",
        description="Set this server's default style (members' own preferences win).",
    )
    @app_commands.describe(reset="Clear all of this server's defaults", **SERVER_DEFAULT_OPTIONS)
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.checks.has_permissions(manage_guild=True)
    async def server_defaults(
        self,
        interaction: discord.Interaction,
        voice: Voice | None = None,
        tone: Tone | None = None,
        pov: PointOfView | None = None,
        tense: Tense | None = None,
        rating: Rating | None = None,
        creativity: Creativity | None = None,
        favourite_forms: Forms | None = None,
        avoid: Avoid | None = None,
        reset: bool = False,
    ) -> None:
        assert interaction.guild_id is not None  # guild_only
        styles = self.inkwell.services.styles
        changes = style_changes(interaction, SERVER_DEFAULT_OPTIONS)
        if reset:
            await styles.reset_guild_defaults(interaction.guild_id)
        if changes or not reset:
            saved = await styles.update_guild_defaults(
                interaction.guild_id, interaction.user.id, changes
            )
        else:
            saved = StyleRecord()
        note = "Cleared the old defaults." if reset else None
        await interaction.response.send_message(
            embed=style_embed("This server's style defaults", saved, note=note),
            ephemeral=True,
            allowed_mentions=NO_PINGS,
        )


async def setup(bot: HostBot) -> None:
    await add_feature(bot, "style", lambda inkwell: Style(bot, inkwell))


async def teardown(bot: HostBot) -> None:
    await remove_feature(bot, "style")
