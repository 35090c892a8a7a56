"""What Inkwell's cogs and buttons share inside one bot, and how a button finds it.

:mod:`inkwell.bot.plugin` makes one :class:`InkwellContext` for each bot Inkwell is loaded
into and hands it to every cog. A dynamic button is built by discord.py from its custom id,
not by a cog, so it finds the context of the bot that received the click with
:func:`context_of`. Nothing is stored on the host's bot object.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field

import discord

from inkwell.bot.services.bundle import Services
from inkwell.bot.ui.open_pieces import OpenCreations


@dataclass(eq=False)
class InkwellContext:
    """Inkwell's state in one bot: its services, its open pieces, how often pieces are edited."""

    services: Services
    edit_interval: float
    creations: OpenCreations = field(default_factory=OpenCreations)


_contexts: weakref.WeakKeyDictionary[discord.Client, InkwellContext] = weakref.WeakKeyDictionary()


class NotLoaded(RuntimeError):
    """A click or command reached a bot that Inkwell is not (or no longer) loaded into."""


def bind(client: discord.Client, context: InkwellContext) -> None:
    if client in _contexts:
        raise RuntimeError("Inkwell is already loaded into this bot")
    _contexts[client] = context


def unbind(client: discord.Client) -> None:
    _contexts.pop(client, None)


def context_of(client: discord.Client) -> InkwellContext:
    try:
        return _contexts[client]
    except KeyError:
        raise NotLoaded("Inkwell's features are not loaded into this bot") from None
