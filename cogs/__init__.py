"""Inkwell's Discord features, one extension per module; this package loads them all.

``await bot.load_extension("inkwell.cogs")`` loads every feature not loaded yet, and
unloading it unloads them. Each module is a thin adapter over :mod:`inkwell.bot.services`
and can be loaded alone (``inkwell.cogs.create``, ``.style``, ``.filters``, ``.relay``,
``.lore``, ``.passages``).
"""

from __future__ import annotations

from inkwell.bot.plugin import FEATURES, HostBot


def _extensions() -> list[str]:
    return [f"{__name__}.{feature}" for feature in FEATURES]


async def setup(bot: HostBot) -> None:
    for extension in _extensions():
        if extension not in bot.extensions:
            await bot.load_extension(extension)


async def teardown(bot: HostBot) -> None:
    for extension in reversed(_extensions()):
        if extension in bot.extensions:
            await bot.unload_extension(extension)
