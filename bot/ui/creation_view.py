"""The buttons under a generated piece, and the loop that streams it into Discord."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Callable

import discord

from bot.services.creation import Creation
from bot.text.cleaning import neutralize_mentions
from bot.ui.errors import report_error
from bot.ui.replies import reply_privately
from bot.ui.streaming import StreamingEditor
from serving.backend import BackendUnavailable

log = logging.getLogger(__name__)

# An interaction's token lives 15 minutes and every edit of the piece goes through it,
# so the buttons stop a little before that.
BUTTON_LIFETIME = 14 * 60


def displayed(text: str) -> str:
    return neutralize_mentions(text) if text.strip() else "…"


async def stream_into(
    editor: StreamingEditor, creation: Creation, texts: AsyncIterator[str], view: CreationView
) -> None:
    """Show ``texts`` as they grow, then the final piece with the buttons under it."""
    view.refresh()
    editor.attach(view)
    try:
        async for text in texts:
            view.refresh()  # running now: Stop on, the rest off
            await editor.update(displayed(text))
    except BackendUnavailable:
        view.refresh()
        if creation.current.strip():
            await editor.finish(displayed(creation.current), view=view)
        raise
    view.refresh()
    text = creation.current
    if creation.stopped:
        text = f"{text}\n\n*(stopped)*" if text.strip() else "*(stopped before any text)*"
    await editor.finish(displayed(text), view=view)


class CreationView(discord.ui.View):
    """Stop · Regenerate · Continue · ‹ › — answering only the member who asked."""

    def __init__(
        self,
        creation: Creation,
        editor: StreamingEditor,
        *,
        owner_id: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(timeout=BUTTON_LIFETIME)
        self.creation = creation
        self.editor = editor
        self.owner_id = owner_id
        self._clock = clock
        self._deadline = clock() + BUTTON_LIFETIME
        self.refresh()

    def refresh(self) -> None:
        """Enable the buttons that make sense right now."""
        creation = self.creation
        running = creation.running
        many = len(creation.variants) > 1
        self.stop_button.disabled = not running
        self.regenerate_button.disabled = running
        self.continue_button.disabled = running or not creation.can_continue
        self.previous_button.disabled = running or not many
        self.next_button.disabled = running or not many
        self.next_button.label = f"{creation.index + 1}/{len(creation.variants)} ›" if many else "›"

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id != self.owner_id:
            await reply_privately(
                interaction,
                "These buttons belong to the member who ran the command — "
                "run it yourself to get your own piece.",
            )
            return False
        # Clicking must not push the buttons' life past the interaction token's.
        self.timeout = max(self._deadline - self._clock(), 1.0)
        return True

    async def on_error(
        self,
        interaction: discord.Interaction,
        error: Exception,
        item: discord.ui.Item[CreationView],
    ) -> None:
        await report_error(interaction, error)

    async def on_timeout(self) -> None:
        for item in self.children:
            if isinstance(item, discord.ui.Button):
                item.disabled = True
        try:
            await self.editor.show(displayed(self.creation.current), view=self)
        except discord.HTTPException:
            log.debug("could not disable the buttons of an expired piece", exc_info=True)

    async def _run(self, interaction: discord.Interaction, texts: AsyncIterator[str]) -> None:
        await interaction.response.defer()
        await stream_into(self.editor, self.creation, texts, self)

    @discord.ui.button(label="Stop", emoji="⏹", style=discord.ButtonStyle.danger, row=0)
    async def stop_button(
        self, interaction: discord.Interaction, button: discord.ui.Button[CreationView]
    ) -> None:
        self.creation.stop()
        await interaction.response.defer()

    @discord.ui.button(label="Regenerate", emoji="🔄", style=discord.ButtonStyle.primary, row=0)
    async def regenerate_button(
        self, interaction: discord.Interaction, button: discord.ui.Button[CreationView]
    ) -> None:
        await self._run(interaction, self.creation.write())

    @discord.ui.button(label="Continue", emoji="➕", style=discord.ButtonStyle.secondary, row=0)
    async def continue_button(
        self, interaction: discord.Interaction, button: discord.ui.Button[CreationView]
    ) -> None:
        await self._run(interaction, self.creation.extend())

    @discord.ui.button(label="‹", style=discord.ButtonStyle.secondary, row=0)
    async def previous_button(
        self, interaction: discord.Interaction, button: discord.ui.Button[CreationView]
    ) -> None:
        await self._flip(interaction, -1)

    @discord.ui.button(label="›", style=discord.ButtonStyle.secondary, row=0)
    async def next_button(
        self, interaction: discord.Interaction, button: discord.ui.Button[CreationView]
    ) -> None:
        await self._flip(interaction, 1)

    async def _flip(self, interaction: discord.Interaction, step: int) -> None:
        await interaction.response.defer()
        self.creation.flip(step)
        self.refresh()
        await self.editor.show(displayed(self.creation.current), view=self)
