"""Inkwell as a discord.py extension: what loading and unloading its features opens and closes.

A bot owner loads every feature with ``await bot.load_extension("inkwell.cogs")``, or one at
a time (``inkwell.cogs.create``, ``.style``, ``.relay``, ``.filters``, ``.lore``,
``.passages``). Each feature's ``setup`` calls :func:`add_feature` and its ``teardown``
:func:`remove_feature`:

* the first feature loaded into a bot opens Inkwell's services: the ones the host passed to
  :func:`configure`, else new ones from the settings it passed, else from the environment
  and ``.env`` (``INKWELL_*``), and shares them with later features as an
  :class:`~inkwell.bot.ui.context.InkwellContext`;
* the last feature unloaded closes what was opened here (the database, the backend, the
  relay timers). Services the host passed in are the host's to close.

Nothing global changes in the host: no attributes on its bot, no tree error handler, no
``allowed_mentions`` or intents, no garbage-collector settings.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field

from discord.ext import commands

from inkwell.bot.runtime import open_services
from inkwell.bot.services.bundle import Services
from inkwell.bot.settings import Settings, load_settings
from inkwell.bot.ui.context import InkwellContext, bind, unbind

# Any discord.py bot with extensions: Bot, AutoShardedBot, and subclasses such as Red's.
HostBot = commands.Bot | commands.AutoShardedBot

# Every feature, in the order ``inkwell.cogs`` loads them.
FEATURES = ("create", "style", "filters", "relay", "lore", "passages")


@dataclass(frozen=True)
class _Configuration:
    settings: Settings | None
    services: Services | None


@dataclass(eq=False)
class _Loaded:
    context: InkwellContext
    owns_services: bool
    features: set[str] = field(default_factory=set)


_configured: weakref.WeakKeyDictionary[HostBot, _Configuration] = weakref.WeakKeyDictionary()
_loaded: weakref.WeakKeyDictionary[HostBot, _Loaded] = weakref.WeakKeyDictionary()
# Features loading at once (asyncio.gather of load_extension) open one set of services.
_opening: weakref.WeakKeyDictionary[HostBot, asyncio.Lock] = weakref.WeakKeyDictionary()


def configure(
    bot: HostBot, *, settings: Settings | None = None, services: Services | None = None
) -> None:
    """Choose what Inkwell runs on in ``bot``, before its first feature is loaded.

    ``settings`` replace the environment and ``.env``; ``services`` (already open, from
    :func:`inkwell.bot.runtime.open_services`) are used as they are and never closed here.
    """
    if bot in _loaded:
        raise RuntimeError("configure Inkwell before loading its features, or unload them first")
    _configured[bot] = _Configuration(settings, services)


async def _open(bot: HostBot) -> _Loaded:
    configuration = _configured.get(bot, _Configuration(None, None))
    settings = configuration.settings or load_settings()
    services = configuration.services
    owns_services = services is None
    if services is None:
        services = await open_services(settings)
    context = InkwellContext(services, edit_interval=settings.stream.edit_interval)
    bind(bot, context)
    return _Loaded(context, owns_services)


async def attach(bot: HostBot, feature: str) -> InkwellContext:
    """Count ``feature`` as loaded in ``bot``; the first one opens the services."""
    async with _opening.setdefault(bot, asyncio.Lock()):
        loaded = _loaded.get(bot)
        if loaded is None:
            loaded = _loaded[bot] = await _open(bot)
        loaded.features.add(feature)
        return loaded.context


async def detach(bot: HostBot, feature: str) -> None:
    """Count ``feature`` as unloaded; after the last one, close what :func:`attach` opened."""
    loaded = _loaded.get(bot)
    if loaded is None:
        return
    loaded.features.discard(feature)
    if loaded.features:
        return
    del _loaded[bot]
    unbind(bot)
    if loaded.owns_services:
        await loaded.context.services.close()


async def add_feature(
    bot: HostBot, feature: str, make_cog: Callable[[InkwellContext], commands.Cog]
) -> None:
    """A feature module's ``setup``: attach, then add its cog (detaching if that fails)."""
    context = await attach(bot, feature)
    try:
        await bot.add_cog(make_cog(context))
    except BaseException:
        await detach(bot, feature)
        raise


async def remove_feature(bot: HostBot, feature: str) -> None:
    """A feature module's ``teardown``: discord.py has removed its cog already."""
    await detach(bot, feature)
