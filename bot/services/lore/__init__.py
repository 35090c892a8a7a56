"""The story bible: lore entries of a server or a relay, picked by their keys for prompts."""

from inkwell.bot.services.lore.formats import LORE_FORMATS, LoreFormat
from inkwell.bot.services.lore.service import ImportReport, LoreService
from inkwell.bot.services.lore.source import LoreSource
from inkwell.bot.services.lore.triggering import DEFAULT_LORE_BUDGET
from inkwell.bot.services.lore.validation import LoreError

__all__ = [
    "DEFAULT_LORE_BUDGET",
    "LORE_FORMATS",
    "ImportReport",
    "LoreError",
    "LoreFormat",
    "LoreService",
    "LoreSource",
]
