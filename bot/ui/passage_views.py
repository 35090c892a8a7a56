"""The passage tools' answers in Discord: the Rewrite modal, the private result with its
buttons (‹ › through Rewrite's alternatives, Post), and the public post.

Shared by the message commands and their slash twins in :mod:`inkwell.cogs.passages`. An
answer is ephemeral, so its buttons are a plain :class:`discord.ui.View` that lives as
long as the interaction's token can edit it; Post shares the shown text in the channel
under the member's name, without pinging anyone.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
from typing import Any, Final

import discord

from inkwell.bot.errors import InvalidInput
from inkwell.bot.services.passages import (
    MAX_INSTRUCTION_CHARS,
    NO_TEXT,
    PassageResult,
    PassageService,
    Tool,
    cut_passage,
)
from inkwell.bot.text.cleaning import neutralize_mentions
from inkwell.bot.ui.context import context_of
from inkwell.bot.ui.errors import report_error
from inkwell.bot.ui.origin import origin_of
from inkwell.bot.ui.replies import NO_PINGS, reply_privately

log = logging.getLogger(__name__)

# Discord's longest message from a bot.
MESSAGE_LIMIT: Final = 2000
# The buttons stop a minute before the interaction's token (15 minutes) can no longer
# take them off the answer.
VIEW_TIMEOUT_SECONDS: Final = 14 * 60
MODAL_TIMEOUT_SECONDS: Final = 15 * 60

POSTED_BY: Final[dict[Tool, str]] = {
    "rewrite": "Rewritten by Inkwell for {member}",
    "continue": "Continued by Inkwell for {member}",
    "describe": "Described by Inkwell for {member}",
    "feedback": "Feedback by Inkwell for {member}",
}
NOT_YOURS: Final = "These buttons are for {member}: run the command yourself for your own."
POSTED: Final = "Posted"
POST_FAILED: Final = "Discord didn't take that post just now; press Post to try again."


def passage_of(message: discord.Message) -> str:
    """The text of a message a command was run on (never its images, files or embeds)."""
    if not message.content.strip():
        raise InvalidInput(NO_TEXT)
    return message.content


def _service(interaction: discord.Interaction) -> PassageService:
    return context_of(interaction.client).services.passages


async def answer(
    interaction: discord.Interaction, tool: Tool, text: str, *, instruction: str | None = None
) -> None:
    """Run ``tool`` on ``text`` and show the result to the member alone, with its buttons.

    The interaction is acknowledged first (privately, "thinking…"): the model takes longer
    than Discord's three seconds.
    """
    await interaction.response.defer(ephemeral=True, thinking=True)
    service = _service(interaction)
    origin = origin_of(interaction)
    if tool == "rewrite":
        result = await service.rewrite(text, origin, instruction=instruction)
    elif tool == "continue":
        result = await service.continue_text(text, origin)
    elif tool == "describe":
        result = await service.describe(text, origin)
    else:
        result = await service.feedback(text, origin)
    view = PassageView(interaction.user, result)
    view.message = await interaction.followup.send(
        view.private_text(), view=view, ephemeral=True, allowed_mentions=NO_PINGS, wait=True
    )


def _fitted(text: str, notes: list[str]) -> str:
    """``text`` and its small-print ``notes`` in one message, the text cut at a sentence
    if together they would be too long for Discord."""
    small = [f"-# {note}" for note in notes if note]
    room = MESSAGE_LIMIT - sum(len(line) + 1 for line in small)
    body = neutralize_mentions(text)
    if len(body) > room:
        body = cut_passage(body, room - 1).rstrip() + "…"
    return "\n".join([body, *small])


class PassageView(discord.ui.View):
    """‹ › through the alternatives (Rewrite) and Post, for the member who asked only."""

    message: discord.WebhookMessage | None = None

    def __init__(self, owner: discord.User | discord.Member, result: PassageResult) -> None:
        super().__init__(timeout=VIEW_TIMEOUT_SECONDS)
        self.owner_id = owner.id
        self.owner_mention = owner.mention
        self.result = result
        self.index = 0
        self.posted: set[int] = set()
        if len(result.texts) < 2:
            self.remove_item(self.previous)
            self.remove_item(self.next)
        self._relabel()

    @property
    def shown(self) -> str:
        return self.result.texts[self.index]

    def private_text(self) -> str:
        notes = [*self.result.notes, self.result.footer]
        return _fitted(self.shown, notes)

    def public_text(self) -> str:
        header = POSTED_BY[self.result.tool].format(member=self.owner_mention)
        return f"-# {header}\n" + _fitted(self.shown, [self.result.footer])

    def _relabel(self) -> None:
        self.next.label = f"{self.index + 1}/{len(self.result.texts)} ›"
        done = self.index in self.posted
        self.post.disabled = done
        self.post.label = POSTED if done else "Post"

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id == self.owner_id:
            return True
        await reply_privately(interaction, NOT_YOURS.format(member=self.owner_mention))
        return False

    async def _flip(self, interaction: discord.Interaction, step: int) -> None:
        self.index = (self.index + step) % len(self.result.texts)
        self._relabel()
        await interaction.response.edit_message(
            content=self.private_text(), view=self, allowed_mentions=NO_PINGS
        )

    @discord.ui.button(label="‹", style=discord.ButtonStyle.secondary)
    async def previous(
        self, interaction: discord.Interaction, button: discord.ui.Button[PassageView]
    ) -> None:
        await self._flip(interaction, -1)

    @discord.ui.button(label="›", style=discord.ButtonStyle.secondary)
    async def next(
        self, interaction: discord.Interaction, button: discord.ui.Button[PassageView]
    ) -> None:
        await self._flip(interaction, 1)

    @discord.ui.button(label="Post", emoji="📣", style=discord.ButtonStyle.primary)
    async def post(
        self, interaction: discord.Interaction, button: discord.ui.Button[PassageView]
    ) -> None:
        index = self.index
        self.posted.add(index)
        self._relabel()
        await interaction.response.edit_message(view=self, allowed_mentions=NO_PINGS)
        try:
            await interaction.followup.send(self.public_text(), allowed_mentions=NO_PINGS)
        except discord.HTTPException:
            log.warning("could not post a passage tool's result", exc_info=True)
            self.posted.discard(index)  # Post works again
            self._relabel()
            with contextlib.suppress(discord.HTTPException):
                await interaction.edit_original_response(view=self, allowed_mentions=NO_PINGS)
            await reply_privately(interaction, POST_FAILED)

    async def on_timeout(self) -> None:
        if self.message is not None:
            with contextlib.suppress(discord.HTTPException):
                await self.message.edit(view=None, allowed_mentions=NO_PINGS)

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any], /
    ) -> None:
        await report_error(interaction, error)


class RewriteModal(discord.ui.Modal):
    """Rewrite's optional instruction ("darker", "half as long", "in present tense")."""

    def __init__(self, passage: str) -> None:
        super().__init__(
            title="Rewrite in my style",
            timeout=MODAL_TIMEOUT_SECONDS,
            custom_id=f"passage-rewrite:{secrets.token_hex(4)}",
        )
        self.passage = passage
        self.instruction: discord.ui.TextInput[RewriteModal] = discord.ui.TextInput(
            label="How? (optional)",
            placeholder="darker · half as long · in present tense",
            required=False,
            max_length=MAX_INSTRUCTION_CHARS,
        )
        self.add_item(self.instruction)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await answer(interaction, "rewrite", self.passage, instruction=self.instruction.value)

    async def on_error(  # type: ignore[override]
        self, interaction: discord.Interaction, error: Exception, /
    ) -> None:
        await report_error(interaction, error)
