"""Ephemeral replies that work whether or not the interaction was already answered."""

from __future__ import annotations

import contextlib

import discord

NO_PINGS = discord.AllowedMentions.none()


async def reply_privately(interaction: discord.Interaction, content: str) -> None:
    """Tell only this member, whatever state the interaction is in.

    After a public ``defer(thinking=True)`` Discord turns the first follow-up into the
    deferred ("thinking…") message and keeps it public, so that message is deleted first;
    the follow-up then arrives as a message of its own, visible only to the member.
    """
    if not interaction.response.is_done():
        await interaction.response.send_message(content, ephemeral=True, allowed_mentions=NO_PINGS)
        return
    if interaction.response.type == discord.InteractionResponseType.deferred_channel_message:
        try:
            original = await interaction.original_response()
        except discord.HTTPException:
            original = None
        if original is not None and not original.flags.ephemeral and not original.content:
            with contextlib.suppress(discord.HTTPException):
                await interaction.delete_original_response()
    await interaction.followup.send(content, ephemeral=True, allowed_mentions=NO_PINGS)
