"""A Yes/Cancel confirmation for one member."""

from __future__ import annotations

import discord

from inkwell.bot.ui.replies import NO_PINGS


class Confirm(discord.ui.View):
    """Two buttons; :attr:`confirmed` is True, False, or None if the member never answered."""

    def __init__(self, owner_id: int, *, confirm_label: str, timeout: float = 120) -> None:
        super().__init__(timeout=timeout)
        self.owner_id = owner_id
        self.confirmed: bool | None = None
        self.yes.label = confirm_label

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return interaction.user.id == self.owner_id

    async def _answer(self, interaction: discord.Interaction, confirmed: bool) -> None:
        self.confirmed = confirmed
        for item in self.children:
            if isinstance(item, discord.ui.Button):
                item.disabled = True
        await interaction.response.edit_message(view=self, allowed_mentions=NO_PINGS)
        self.stop()

    @discord.ui.button(label="Yes", style=discord.ButtonStyle.danger)
    async def yes(
        self, interaction: discord.Interaction, button: discord.ui.Button[Confirm]
    ) -> None:
        await self._answer(interaction, True)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(
        self, interaction: discord.Interaction, button: discord.ui.Button[Confirm]
    ) -> None:
        await self._answer(interaction, False)
