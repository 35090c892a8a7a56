"""SQLite storage: one connection owner, numbered migrations, repositories. No Discord here."""

from inkwell.bot.storage.database import Database
from inkwell.bot.storage.styles import StyleRepository

__all__ = ["Database", "StyleRepository"]
