"""An ephemeral answer that pages through embeds with ‹ ›, for the member who asked."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import discord

from inkwell.bot.ui.errors import report_error
from inkwell.bot.ui.replies import NO_PINGS

PAGES_LIFETIME: Final = 10 * 60


class Pages(discord.ui.View):
    """‹ › through a list of embeds; only the member who asked can turn them."""

    def __init__(self, owner_id: int, pages: Sequence[discord.Embed]) -> None:
        super().__init__(timeout=PAGES_LIFETIME)
        self.owner_id = owner_id
        self.pages = list(pages)
        self.index = 0
        self._update_buttons()

    @property
    def current(self) -> discord.Embed:
        return self.pages[self.index]

    def _update_buttons(self) -> None:
        self.previous_page.disabled = self.index == 0
        self.next_page.disabled = self.index >= len(self.pages) - 1

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return interaction.user.id == self.owner_id

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Pages]
    ) -> None:
        await report_error(interaction, error)

    async def _turn(self, interaction: discord.Interaction, step: int) -> None:
        self.index = max(0, min(len(self.pages) - 1, self.index + step))
        self._update_buttons()
        await interaction.response.edit_message(
            embed=self.current, view=self, allowed_mentions=NO_PINGS
        )

    @discord.ui.button(label="‹", style=discord.ButtonStyle.secondary)
    async def previous_page(
        self, interaction: discord.Interaction, button: discord.ui.Button[Pages]
    ) -> None:
        await self._turn(interaction, -1)

    @discord.ui.button(label="›", style=discord.ButtonStyle.secondary)
    async def next_page(
        self, interaction: discord.Interaction, button: discord.ui.Button[Pages]
    ) -> None:
        await self._turn(interaction, 1)


async def send_pages(interaction: discord.Interaction, pages: Sequence[discord.Embed]) -> None:
    """An ephemeral answer with the first page, and arrows if there are more."""
    if len(pages) <= 1:
        await interaction.response.send_message(
            embed=pages[0], ephemeral=True, allowed_mentions=NO_PINGS
        )
        return
    view = Pages(interaction.user.id, pages)
    await interaction.response.send_message(
        embed=view.current, view=view, ephemeral=True, allowed_mentions=NO_PINGS
    )
