"""What ``/filters`` shows: pages of rules and audit events, the settings, a dry run, and
the log-channel embed (the Discord side of
:class:`~inkwell.bot.services.filters.audit.FilterNotifier`).

Patterns and matched text are shown behind spoilers: moderators see them when they choose
to, nobody reads a slur by scrolling past.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Final

import discord
from discord.utils import escape_markdown

from inkwell.bot.records.filters import AuditEntry, FilterConfig, RuleRecord
from inkwell.bot.services.filters.dry_run import DryOutcome, DryRun
from inkwell.bot.services.filters.presets import PRESETS
from inkwell.bot.services.filters.rules import (
    MAX_ALLOWED,
    MAX_KEYWORDS,
    MAX_REGEXES,
    Rule,
    chosen_options,
)
from inkwell.bot.ui.replies import NO_PINGS

log = logging.getLogger(__name__)

RULES_PER_PAGE: Final = 15
EVENTS_PER_PAGE: Final = 8
COLOUR: Final = discord.Colour.dark_teal()
_ACTION_COLOURS: Final = {"block": discord.Colour.red(), "flag": discord.Colour.orange()}


def hidden(text: str, limit: int = 120) -> str:
    """``text`` as a spoiler, markdown escaped (a ``|`` can't close the spoiler early)."""
    shortened = text if len(text) <= limit else text[: limit - 1] + "…"
    return f"||{escape_markdown(shortened)}||"


def rule_options(record: RuleRecord) -> str:
    """``" · masks · word forms"``: what the rule catches besides its word; empty if nothing."""
    chosen = chosen_options(masks=record.masks, forms=record.forms)
    return "".join(f" · {name}" for name in chosen)


def rule_line(record: RuleRecord) -> str:
    return (
        f"`#{record.id}` **{record.kind}** {hidden(record.pattern)} → {record.action}"
        f" · {record.applies_to} · *{escape_markdown(record.category)}*{rule_options(record)}"
    )


def _chunks(lines: Sequence[str], size: int) -> list[list[str]]:
    return [list(lines[i : i + size]) for i in range(0, len(lines), size)] or [[]]


def rule_pages(config: FilterConfig) -> list[discord.Embed]:
    """The rules, then the allow-list, a page at a time."""
    keywords = sum(1 for rule in config.rules if rule.kind != "regex")
    regexes = len(config.rules) - keywords
    summary = (
        f"{keywords}/{MAX_KEYWORDS} keywords · {regexes}/{MAX_REGEXES} regexes · "
        f"{len(config.allowed)}/{MAX_ALLOWED} allowed · presets: "
        + (", ".join(p.name for p in config.presets) or "none")
    )
    lines = [rule_line(rule) for rule in config.rules]
    if not lines:
        lines = ["No rules yet — add one with `/filters add`, or `/filters preset enable`."]
    pages = _chunks(lines, RULES_PER_PAGE)
    if config.allowed:
        allowed = [f"✓ {escape_markdown(term)}" for term in config.allowed]
        pages += [["**Allow-list** (these always pass)", *chunk] for chunk in _chunks(allowed, 25)]
    embeds = []
    for number, page in enumerate(pages, start=1):
        embed = discord.Embed(
            title="Content filter rules", colour=COLOUR, description="\n".join(page)
        )
        embed.set_footer(text=f"{summary} · page {number}/{len(pages)}")
        embeds.append(embed)
    return embeds


def event_line(entry: AuditEntry) -> str:
    event = entry.event
    where = f" in <#{event.channel_id}>" if event.channel_id else ""
    return (
        f"`{entry.created_at[:16].replace('T', ' ')}` **{event.action}** {event.stage} of "
        f"<@{event.user_id}>{where} · {escape_markdown(event.rule)} · *{event.category}*\n"
        f"> {event.excerpt[:300]}"
    )


def audit_pages(entries: Sequence[AuditEntry], total: int) -> list[discord.Embed]:
    lines = [event_line(entry) for entry in entries] or ["Nothing blocked or flagged yet."]
    pages = _chunks(lines, EVENTS_PER_PAGE)
    embeds = []
    for number, page in enumerate(pages, start=1):
        embed = discord.Embed(
            title="Content filter audit", colour=COLOUR, description="\n".join(page)[:4096]
        )
        embed.set_footer(text=f"newest first · {total} event(s) kept · page {number}/{len(pages)}")
        embeds.append(embed)
    return embeds


def settings_embed(config: FilterConfig) -> discord.Embed:
    embed = discord.Embed(title="Content filter settings", colour=COLOUR)
    presets = [
        f"**{p.name}** → {p.action} · {p.applies_to} ({PRESETS[p.name].description})"
        for p in config.presets
        if p.name in PRESETS
    ]
    embed.add_field(name="Presets", value="\n".join(presets) or "none", inline=False)
    exempt = [f"<@&{role}>" for role in sorted(config.exempt_roles)]
    exempt += [f"<#{channel}>" for channel in sorted(config.exempt_channels)]
    embed.add_field(
        name="Exempt from prompt checks",
        value=(", ".join(exempt) or "nobody") + "\n*What Inkwell writes is always checked.*",
        inline=False,
    )
    ratings = [
        f"<#{channel}> → {rating}" for channel, rating in sorted(config.channel_ratings.items())
    ]
    embed.add_field(
        name="Channel ratings",
        value="\n".join(ratings) or "none (pg13 outside age-restricted channels)",
        inline=False,
    )
    log_channel = f"<#{config.log_channel_id}>" if config.log_channel_id else "off"
    embed.add_field(name="Log channel", value=log_channel)
    model = f"on ({config.classifier_action})" if config.classifier_enabled else "off"
    embed.add_field(name="Model stage", value=model)
    return embed


def _describe(outcome: DryOutcome) -> str:
    if outcome.blocked:
        result = f"**blocked** — the member reads “{outcome.category}”"
    else:
        result = f"passes as: {hidden(outcome.text, 900)}"
    if outcome.flagged:
        result += f"\nflagged by {', '.join(outcome.flagged)}"
    return result


def dry_run_embed(result: DryRun) -> discord.Embed:
    embed = discord.Embed(title="Filter test (nothing was recorded)", colour=COLOUR)

    def line(rule: Rule, matched: str) -> str:
        return (
            f"`{rule.label}` {rule.kind} {hidden(rule.pattern, 60)} matched {hidden(matched, 60)}"
            f" → {rule.action} · {rule.applies_to} · *{escape_markdown(rule.category)}*"
        )

    lines = [line(match.rule, match.matched) for match in result.matches]
    embed.add_field(name="Matching rules", value="\n".join(lines)[:1024] or "none", inline=False)
    if result.allowed:
        allowed = ", ".join(hidden(term, 60) for term in result.allowed)
        embed.add_field(name="Allow-list (wins)", value=allowed[:1024], inline=False)
    embed.add_field(name="As a prompt", value=_describe(result.prompt)[:1024], inline=False)
    embed.add_field(name="As Inkwell's output", value=_describe(result.output)[:1024], inline=False)
    if result.classifier_enabled:
        embed.set_footer(text="The model stage is on: it would judge the text next.")
    return embed


def event_embed(entry: AuditEntry) -> discord.Embed:
    """The log-channel post for one block or flag."""
    event = entry.event
    what = "Blocked" if event.action == "block" else "Flagged"
    stage = "a prompt" if event.stage == "prompt" else "Inkwell's output"
    embed = discord.Embed(
        title=f"{what} {stage}",
        colour=_ACTION_COLOURS.get(event.action, COLOUR),
        description=f"> {event.excerpt[:1000]}" if event.excerpt else None,
    )
    embed.add_field(name="Member", value=f"<@{event.user_id}> (`{event.user_id}`)")
    if event.channel_id:
        embed.add_field(name="Channel", value=f"<#{event.channel_id}>")
    embed.add_field(name="Rule", value=f"{escape_markdown(event.rule)} · *{event.category}*")
    embed.set_footer(text=f"audit #{entry.id} · /filters audit")
    return embed


class DiscordFilterLog:
    """Posts filter events in a guild's log channel; never pings anyone."""

    def __init__(self, client: discord.Client) -> None:
        self.client = client

    async def notify(self, log_channel_id: int, entry: AuditEntry) -> None:
        cached = self.client.get_channel(log_channel_id)
        channel: discord.abc.Messageable = (
            cached
            if isinstance(cached, discord.abc.Messageable)
            else self.client.get_partial_messageable(log_channel_id, guild_id=entry.event.guild_id)
        )
        await channel.send(embed=event_embed(entry), allowed_mentions=NO_PINGS)
