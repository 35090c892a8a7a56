"""Inkwell: a Discord plugin for creator communities, and the model serving behind it.

The repository keeps its layers at the top (``bot/``, ``cogs/``, ``serving/``, ``prompts/``);
installed, they are ``inkwell.bot``, ``inkwell.cogs``, ``inkwell.serving`` and
``inkwell.prompts``, so a host bot's own ``bot`` or ``cogs`` packages never clash with them
(docs/ARCHITECTURE.md, "One import name"). In a checkout, this folder links to those four.

Add every feature to a discord.py bot with ``await bot.load_extension("inkwell.cogs")``.
"""

__version__ = "0.1.0"
