"""SQLite storage: one connection owner, numbered migrations, repositories. No Discord here."""

from bot.storage.database import Database
from bot.storage.styles import StyleRepository

__all__ = ["Database", "StyleRepository"]
