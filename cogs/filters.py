"""/filters …: moderators configure what members may ask for and what Inkwell may write.

Every subcommand needs Manage Server, works only in a server and answers ephemerally. The
work happens in :class:`~inkwell.bot.services.filters.service.FilterService`; this cog parses,
calls, and renders with :mod:`inkwell.bot.ui.filter_views`.
"""

from __future__ import annotations

import io
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from inkwell.bot.errors import InvalidInput
from inkwell.bot.plugin import HostBot, add_feature, remove_feature
from inkwell.bot.services.filters.exchange import MAX_FILE_BYTES
from inkwell.bot.services.filters.guild_settings import ExemptionTarget
from inkwell.bot.services.filters.presets import PRESETS, PresetName
from inkwell.bot.services.filters.rules import (
    MAX_CATEGORY_CHARS,
    MAX_KEYWORD_CHARS,
    MAX_REGEX_CHARS,
    Action,
    AppliesTo,
    Kind,
)
from inkwell.bot.services.filters.service import FilterService
from inkwell.bot.ui.context import InkwellContext
from inkwell.bot.ui.errors import AnswersErrors
from inkwell.bot.ui.filter_views import (
    DiscordFilterLog,
    audit_pages,
    dry_run_embed,
    hidden,
    rule_options,
    rule_pages,
    settings_embed,
)
from inkwell.bot.ui.pages import send_pages
from inkwell.bot.ui.replies import NO_PINGS, reply_privately

RatingChoice = Literal["g", "pg", "pg13", "mature", "none"]
Pattern = app_commands.Range[str, 1, MAX_REGEX_CHARS]
Term = app_commands.Range[str, 1, MAX_KEYWORD_CHARS]
Category = app_commands.Range[str, 1, MAX_CATEGORY_CHARS]
# The newest events /filters audit pages through.
AUDIT_SHOWN = 200


def guild_of(interaction: discord.Interaction) -> int:
    if interaction.guild_id is None:  # guild_only; the check below says so politely
        raise app_commands.NoPrivateMessage()
    return interaction.guild_id


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class Filters(
    AnswersErrors,
    commands.GroupCog,
    group_name="filters",
    group_description="Content filters for what members ask and what Inkwell writes",
):
    preset = app_commands.Group(name="preset", description="Word lists Inkwell ships")

    def __init__(self, bot: HostBot, inkwell: InkwellContext) -> None:
        self.bot = bot
        self.inkwell = inkwell

    @property
    def filters(self) -> FilterService:
        return self.inkwell.services.filters

    async def cog_load(self) -> None:
        self.filters.set_notifier(DiscordFilterLog(self.bot))

    async def cog_unload(self) -> None:
        self.filters.set_notifier(None)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        # default_permissions hides /filters from members; this refuses anyone who still
        # reaches it (a server can override who sees a command).
        guild_of(interaction)
        if not interaction.permissions.manage_guild:
            raise app_commands.MissingPermissions(["manage_guild"])
        return True

    # -- rules --

    @app_commands.command(name="add", description="Add a rule: a word, phrase, wildcard or regex")
    @app_commands.describe(
        pattern="What to match. Wildcards: *cat, cat*, *cat*. Regexes use RE2 syntax.",
        kind="word/phrase: whole words only · wildcard: inside words · regex",
        action="block the text, redact the match (███), or flag it to the log channel",
        applies_to="What members ask for, what Inkwell writes, or both",
        category="What a blocked member reads, e.g. spoilers (default: server rules)",
        masks="Word rules: also catch f**k-style masks (* # @) of it (may catch innocent words)",
        forms="Word rules: also catch plurals, -ed/-ing/-er/-y and compounds such as dumbass",
    )
    async def add(
        self,
        interaction: discord.Interaction,
        pattern: Pattern,
        kind: Kind = "word",
        action: Action = "block",
        applies_to: AppliesTo = "both",
        category: Category | None = None,
        masks: bool = False,
        forms: bool = False,
    ) -> None:
        record = await self.filters.rules.add_rule(
            guild_of(interaction),
            interaction.user.id,
            pattern=pattern,
            kind=kind,
            action=action,
            applies_to=applies_to,
            category=category,
            masks=masks,
            forms=forms,
        )
        await reply_privately(
            interaction,
            f"Added rule `#{record.id}`: {kind} {hidden(record.pattern)}{rule_options(record)}"
            f" → {action} on {applies_to}; a blocked member reads “{record.category}”.",
        )

    @app_commands.command(name="remove", description="Remove a rule")
    @app_commands.describe(rule="The rule's number from /filters list (#12), or its pattern")
    async def remove(self, interaction: discord.Interaction, rule: Pattern) -> None:
        removed = await self.filters.rules.remove_rule(guild_of(interaction), rule)
        await reply_privately(
            interaction, f"Removed rule `#{removed.id}` ({removed.kind} {hidden(removed.pattern)})."
        )

    @remove.autocomplete("rule")
    async def _rules_matching(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None or not interaction.permissions.manage_guild:
            return []
        rules = await self.filters.rules.rule_choices(interaction.guild_id, current)
        return [
            app_commands.Choice(name=f"#{r.id} {r.kind}: {r.pattern}"[:100], value=f"#{r.id}")
            for r in rules
        ]

    @app_commands.command(name="list", description="See the rules and the allow-list")
    async def list_rules(self, interaction: discord.Interaction) -> None:
        config = await self.filters.config(guild_of(interaction))
        await send_pages(interaction, rule_pages(config))

    # -- allow-list --

    @app_commands.command(name="allow", description="Let a word or phrase through every rule")
    @app_commands.describe(word="e.g. a town whose name contains a blocked word")
    async def allow(self, interaction: discord.Interaction, word: Term) -> None:
        term = await self.filters.rules.allow(guild_of(interaction), interaction.user.id, word)
        await reply_privately(
            interaction, f"“{discord.utils.escape_markdown(term)}” now always passes."
        )

    @app_commands.command(name="disallow", description="Take a word or phrase off the allow-list")
    @app_commands.describe(word="The allowed word or phrase to remove")
    async def disallow(self, interaction: discord.Interaction, word: Term) -> None:
        term = await self.filters.rules.disallow(guild_of(interaction), word)
        await reply_privately(
            interaction, f"“{discord.utils.escape_markdown(term)}” is off the allow-list."
        )

    # -- presets --

    @preset.command(name="enable", description="Switch on a word list Inkwell ships")
    @app_commands.describe(
        name="Which list",
        action="What a match does (default: redact for profanity, block for the rest)",
        applies_to="What members ask for, what Inkwell writes, or both",
    )
    async def preset_enable(
        self,
        interaction: discord.Interaction,
        name: PresetName,
        action: Action | None = None,
        applies_to: AppliesTo = "both",
    ) -> None:
        record = await self.filters.settings.enable_preset(
            guild_of(interaction), name, action=action, applies_to=applies_to
        )
        await reply_privately(
            interaction,
            f"Preset **{name}** is on: {PRESETS[name].description.lower()} → "
            f"{record.action} on {record.applies_to}.",
        )

    @preset.command(name="disable", description="Switch off a shipped word list")
    @app_commands.describe(name="Which list")
    async def preset_disable(self, interaction: discord.Interaction, name: PresetName) -> None:
        removed = await self.filters.settings.disable_preset(guild_of(interaction), name)
        await reply_privately(
            interaction,
            f"Preset **{name}** is off." if removed else f"Preset **{name}** wasn't on.",
        )

    # -- exemptions, ratings, log channel, model stage --

    @app_commands.command(
        name="exempt",
        description="Let a role or channel skip prompt checks (outputs still checked)",
    )
    @app_commands.describe(role="A trusted role", channel="A channel")
    async def exempt(
        self,
        interaction: discord.Interaction,
        role: discord.Role | None = None,
        channel: discord.TextChannel | None = None,
    ) -> None:
        await self._exemption(interaction, role, channel, exempt=True)

    @app_commands.command(name="unexempt", description="Check a role's or channel's prompts again")
    @app_commands.describe(role="The role", channel="The channel")
    async def unexempt(
        self,
        interaction: discord.Interaction,
        role: discord.Role | None = None,
        channel: discord.TextChannel | None = None,
    ) -> None:
        await self._exemption(interaction, role, channel, exempt=False)

    async def _exemption(
        self,
        interaction: discord.Interaction,
        role: discord.Role | None,
        channel: discord.TextChannel | None,
        *,
        exempt: bool,
    ) -> None:
        if role is None and channel is None:
            raise InvalidInput("Name a role, a channel, or both.")
        guild_id = guild_of(interaction)
        change = self.filters.settings.exempt if exempt else self.filters.settings.unexempt
        targets: list[tuple[ExemptionTarget, str, int]] = []
        if role is not None:
            targets.append(("role", role.mention, role.id))
        if channel is not None:
            targets.append(("channel", channel.mention, channel.id))
        lines = []
        for target, mention, target_id in targets:
            changed = await change(guild_id, target, target_id)
            if exempt:
                done = "prompts now skip the filters." if changed else "was exempt already."
            else:
                done = "prompts are checked again." if changed else "wasn't exempt."
            lines.append(f"{mention}: {done}" if changed else f"{mention} {done}")
        if exempt:
            lines.append("What Inkwell writes is always checked.")
        await reply_privately(interaction, "\n".join(lines))

    @app_commands.command(name="rating", description="Cap the content rating in a channel")
    @app_commands.describe(
        channel="The channel",
        max_rating="The most mature content there (mature needs an age-restricted channel)",
    )
    async def rating(
        self,
        interaction: discord.Interaction,
        channel: discord.TextChannel,
        max_rating: RatingChoice,
    ) -> None:
        rating = None if max_rating == "none" else max_rating
        await self.filters.settings.set_channel_rating(
            guild_of(interaction), channel.id, rating, age_restricted=channel.is_nsfw()
        )
        if rating is None:
            message = f"{channel.mention} has no rating cap now (pg13 unless age-restricted)."
        else:
            message = f"In {channel.mention}, Inkwell now writes at most {rating}."
        await reply_privately(interaction, message)

    @app_commands.command(name="log-channel", description="Where blocks and flags are posted")
    @app_commands.describe(channel="The channel (leave empty to stop posting)")
    async def log_channel(
        self, interaction: discord.Interaction, channel: discord.TextChannel | None = None
    ) -> None:
        await self.filters.settings.set_log_channel(
            guild_of(interaction), channel.id if channel else None
        )
        await reply_privately(
            interaction,
            f"Blocks and flags will be posted in {channel.mention}."
            if channel
            else "Blocks and flags are no longer posted (they are still in /filters audit).",
        )

    @app_commands.command(
        name="classifier", description="The optional model stage, after the rules (off by default)"
    )
    @app_commands.describe(
        enabled="Ask the model whether prompts and finished texts are safe",
        action="block unsafe text, or only flag it",
    )
    async def classifier(
        self,
        interaction: discord.Interaction,
        enabled: bool,
        action: Literal["block", "flag"] = "block",
    ) -> None:
        await self.filters.settings.set_classifier(guild_of(interaction), enabled, action)
        await reply_privately(
            interaction,
            f"The model stage is on ({action}); it runs after the rules, on prompts and "
            "finished texts."
            if enabled
            else "The model stage is off; the rules still apply.",
        )

    @app_commands.command(name="settings", description="Presets, exemptions, ratings, log channel")
    async def settings(self, interaction: discord.Interaction) -> None:
        config = await self.filters.config(guild_of(interaction))
        await interaction.response.send_message(
            embed=settings_embed(config), ephemeral=True, allowed_mentions=NO_PINGS
        )

    # -- looking at it --

    @app_commands.command(name="audit", description="Recent blocks and flags")
    async def audit(self, interaction: discord.Interaction) -> None:
        guild_id = guild_of(interaction)
        events = await self.filters.audit_trail.entries(guild_id, limit=AUDIT_SHOWN)
        total = await self.filters.audit_trail.count(guild_id)
        await send_pages(interaction, audit_pages(events, total))

    @app_commands.command(
        name="test", description="Dry run: which rules match a text, and what happens"
    )
    @app_commands.describe(text="Any text; nothing is recorded or posted")
    async def test(
        self, interaction: discord.Interaction, text: app_commands.Range[str, 1, 1000]
    ) -> None:
        result = await self.filters.dry_run(guild_of(interaction), text)
        await interaction.response.send_message(
            embed=dry_run_embed(result), ephemeral=True, allowed_mentions=NO_PINGS
        )

    @app_commands.command(name="export", description="The whole configuration as a JSON file")
    async def export(self, interaction: discord.Interaction) -> None:
        guild_id = guild_of(interaction)
        data = await self.filters.transfer.export(guild_id)
        await interaction.response.send_message(
            "This server's filter configuration; load it anywhere with `/filters import`.",
            file=discord.File(io.BytesIO(data), filename=f"inkwell-filters-{guild_id}.json"),
            ephemeral=True,
            allowed_mentions=NO_PINGS,
        )

    @app_commands.command(name="import", description="Replace the configuration with a JSON file")
    @app_commands.describe(
        file="A file from /filters export; it is checked before anything changes"
    )
    async def import_file(self, interaction: discord.Interaction, file: discord.Attachment) -> None:
        guild_id = guild_of(interaction)
        if file.size > MAX_FILE_BYTES:
            raise InvalidInput(
                f"That file is {file.size:,} bytes; a filter file is at most {MAX_FILE_BYTES:,}. "
                "Nothing was changed."
            )
        await interaction.response.defer(ephemeral=True, thinking=True)
        summary = await self.filters.transfer.import_file(
            guild_id, interaction.user.id, await file.read()
        )
        await interaction.followup.send(
            f"Imported {summary.rules} rule(s), {summary.allowed} allowed word(s) and "
            f"{summary.presets} preset(s); the old configuration is attached in case you want "
            "it back.",
            file=discord.File(
                io.BytesIO(summary.previous), filename=f"previous-filters-{guild_id}.json"
            ),
            ephemeral=True,
            allowed_mentions=NO_PINGS,
        )


async def setup(bot: HostBot) -> None:
    await add_feature(bot, "filters", lambda inkwell: Filters(bot, inkwell))


async def teardown(bot: HostBot) -> None:
    await remove_feature(bot, "filters")
