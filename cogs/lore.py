"""/lore …: the story bible, a server's or a relay's, that Inkwell keeps to when it writes.

In a relay's thread every subcommand is about that relay's lore; anywhere else in the
server, about the server's. Reading is open to members; who may change lore is decided by
:class:`~inkwell.bot.services.lore.desk.LoreDesk` (Manage Server or the chosen role for the
server's lore, the writers for a relay's). Answers are ephemeral.
"""

from __future__ import annotations

import io

import discord
from discord import app_commands
from discord.ext import commands
from discord.utils import escape_markdown

from inkwell.bot.plugin import HostBot, add_feature, remove_feature
from inkwell.bot.services.lore import LoreFormat
from inkwell.bot.services.lore.desk import Asker, LoreDesk
from inkwell.bot.services.lore.formats import MAX_FILE_BYTES
from inkwell.bot.services.lore.validation import MAX_NAME_CHARS
from inkwell.bot.ui.context import InkwellContext
from inkwell.bot.ui.errors import AnswersErrors
from inkwell.bot.ui.lore_views import (
    KEYS_INPUT_MAX,
    TEXT_INPUT_MAX,
    LoreEditModal,
    entry_embed,
    keys_line,
    lore_pages,
)
from inkwell.bot.ui.origin import origin_of
from inkwell.bot.ui.pages import send_pages
from inkwell.bot.ui.replies import NO_PINGS, reply_privately

Name = app_commands.Range[str, 1, MAX_NAME_CHARS]
Keys = app_commands.Range[str, 1, KEYS_INPUT_MAX]
Text = app_commands.Range[str, 1, TEXT_INPUT_MAX]


def asker_of(interaction: discord.Interaction) -> Asker:
    return Asker(origin_of(interaction), manages_server=interaction.permissions.manage_guild)


def bold(name: str) -> str:
    return f"**{escape_markdown(name)}**"


@app_commands.guild_only()
class Lore(
    AnswersErrors,
    commands.GroupCog,
    group_name="lore",
    group_description="The story bible: people, places and facts Inkwell keeps to",
):
    def __init__(self, bot: HostBot, inkwell: InkwellContext) -> None:
        self.bot = bot
        services = inkwell.services
        self.desk = LoreDesk(services.lore, services.relay, services.filters)

    @app_commands.command(name="add", description="Add an entry: a character, place or fact")
    @app_commands.describe(
        name="What the entry is called, e.g. Captain Mira",
        keys="Comma-separated words that bring it into a prompt, e.g. Mira, the captain",
        text="What is true about it in the story (at most 150 words)",
    )
    async def add(
        self, interaction: discord.Interaction, name: Name, keys: Keys, text: Text
    ) -> None:
        place, entry = await self.desk.add(asker_of(interaction), name, keys, text)
        await reply_privately(
            interaction,
            f"Added {bold(entry.name)} to {place.label}. It goes into a prompt that mentions "
            f"{keys_line(entry)}.",
        )

    @app_commands.command(name="edit", description="Change an entry's name, keys or text")
    @app_commands.describe(name="The entry to change")
    async def edit(self, interaction: discord.Interaction, name: Name) -> None:
        asker = asker_of(interaction)
        await self.desk.check_may_edit(asker)
        _, entry = await self.desk.entry(asker, name)

        async def submitted(
            modal_interaction: discord.Interaction,
            new_name: str | None,
            keys: str | None,
            text: str | None,
        ) -> None:
            if new_name is None and keys is None and text is None:
                await reply_privately(modal_interaction, f"Nothing changed in {bold(entry.name)}.")
                return
            place, changed = await self.desk.edit(
                asker_of(modal_interaction), entry.name, new_name=new_name, keys=keys, text=text
            )
            await reply_privately(
                modal_interaction, f"Saved {bold(changed.name)} in {place.label}."
            )

        await interaction.response.send_modal(LoreEditModal(entry, submitted))

    @app_commands.command(name="remove", description="Remove an entry")
    @app_commands.describe(name="The entry to remove")
    async def remove(self, interaction: discord.Interaction, name: Name) -> None:
        place, entry = await self.desk.remove(asker_of(interaction), name)
        await reply_privately(interaction, f"Removed {bold(entry.name)} from {place.label}.")

    @app_commands.command(name="list", description="See the entries, a page at a time")
    async def list_entries(self, interaction: discord.Interaction) -> None:
        place, entries = await self.desk.entries(asker_of(interaction))
        await send_pages(interaction, lore_pages(place, entries))

    @app_commands.command(name="show", description="Read one entry in full")
    @app_commands.describe(name="The entry to read")
    async def show(self, interaction: discord.Interaction, name: Name) -> None:
        place, entry = await self.desk.entry(asker_of(interaction), name)
        await interaction.response.send_message(
            embed=entry_embed(place, entry), ephemeral=True, allowed_mentions=NO_PINGS
        )

    @edit.autocomplete("name")
    @remove.autocomplete("name")
    @show.autocomplete("name")
    async def _names(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        names = await self.desk.names(asker_of(interaction), current)
        return [app_commands.Choice(name=name, value=name) for name in names]

    @app_commands.command(name="export", description="The entries as a lorebook file")
    @app_commands.describe(format="NovelAI's lorebook or SillyTavern's World Info")
    async def export(
        self, interaction: discord.Interaction, format: LoreFormat = "novelai"
    ) -> None:
        place, data = await self.desk.export_json(asker_of(interaction), format)
        scope = "server" if place.relay is None else f"relay-{place.relay.id}"
        await interaction.response.send_message(
            f"{place.label.capitalize()} as a {format} lorebook; load it with `/lore import`.",
            file=discord.File(
                io.BytesIO(data.encode()), filename=f"inkwell-lore-{scope}-{format}.json"
            ),
            ephemeral=True,
            allowed_mentions=NO_PINGS,
        )

    @app_commands.command(name="import", description="Add the entries of a lorebook file")
    @app_commands.describe(
        file="A NovelAI lorebook or SillyTavern World Info (.json); entries with a name "
        "already here are updated"
    )
    async def import_file(self, interaction: discord.Interaction, file: discord.Attachment) -> None:
        asker = asker_of(interaction)
        await self.desk.check_may_edit(asker)
        if file.size > MAX_FILE_BYTES:
            await reply_privately(
                interaction,
                f"That file is {file.size:,} bytes; a lorebook may be at most "
                f"{MAX_FILE_BYTES:,}. Nothing was changed.",
            )
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        place, report = await self.desk.import_json(asker, await file.read())
        await interaction.followup.send(
            f"Imported a {report.format} lorebook into {place.label}: {report.added} new "
            f"entr{'y' if report.added == 1 else 'ies'}, {report.updated} updated.",
            ephemeral=True,
            allowed_mentions=NO_PINGS,
        )

    @app_commands.command(
        name="editor-role", description="Let a role edit this server's lore (Manage Server)"
    )
    @app_commands.describe(role="The role (leave empty: only Manage Server edits)")
    async def editor_role(
        self, interaction: discord.Interaction, role: discord.Role | None = None
    ) -> None:
        await self.desk.set_editor_role(asker_of(interaction), role.id if role else None)
        await reply_privately(
            interaction,
            f"Members with {role.mention} can now edit this server's lore."
            if role
            else "Only members with Manage Server can edit this server's lore now.",
        )


async def setup(bot: HostBot) -> None:
    await add_feature(bot, "lore", lambda inkwell: Lore(bot, inkwell))


async def teardown(bot: HostBot) -> None:
    await remove_feature(bot, "lore")
