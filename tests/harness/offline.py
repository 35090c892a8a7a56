"""A bot that never connects: the little of login and READY that interactions need.

discord.py builds an ``Interaction`` from the connection state's user and application id
and runs its handlers on the bot's loop; :func:`prepare_offline` supplies those three, so a
test (or a benchmark) can dispatch payloads without a gateway or a token.
"""

from __future__ import annotations

from typing import Any, cast

import discord
from discord.utils import MISSING

from tests.harness.payloads import APPLICATION_ID


def bot_user_payload(application_id: int = APPLICATION_ID) -> dict[str, Any]:
    return {
        "id": str(application_id),
        "username": "Inkwell",
        "global_name": "Inkwell",
        "discriminator": "0",
        "avatar": None,
        "bot": True,
        "verified": True,
        "mfa_enabled": True,
        "flags": 0,
    }


async def prepare_offline(bot: discord.Client, *, application_id: int = APPLICATION_ID) -> None:
    """Give ``bot`` what login and READY would: the running loop, its user, an application id.

    Safe to call twice. Does not run ``setup_hook`` (that is the test's choice: a real one
    would open storage and sync commands over HTTP).
    """
    if bot._ready is MISSING:
        await bot._async_setup_hook()
    state = bot._connection
    if state.user is None:
        state.user = discord.ClientUser(
            state=state, data=cast(Any, bot_user_payload(application_id))
        )
    if state.application_id is None:
        state.application_id = application_id
    bot._ready.set()


def client_user_payload(user: discord.ClientUser) -> dict[str, Any]:
    """The bot user as message authors carry it, from whatever user the bot really has."""
    return {
        "id": str(user.id),
        "username": user.name,
        "global_name": user.global_name,
        "discriminator": user.discriminator,
        "avatar": None,
        "bot": True,
    }


__all__ = ["bot_user_payload", "client_user_payload", "prepare_offline"]
