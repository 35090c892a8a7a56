"""Who and where an interaction comes from, in the services' terms."""

from __future__ import annotations

import discord

from inkwell.bot.services.origin import Origin


def origin_of(interaction: discord.Interaction) -> Origin:
    user = interaction.user
    roles = frozenset(role.id for role in getattr(user, "roles", ()))
    channel = interaction.channel
    age_restricted = bool(getattr(channel, "is_nsfw", lambda: False)())
    return Origin(
        user_id=user.id,
        guild_id=interaction.guild_id,
        channel_id=interaction.channel_id,
        role_ids=roles,
        age_restricted_channel=age_restricted,
    )
