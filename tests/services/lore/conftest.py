from __future__ import annotations

import pytest

from inkwell.bot.services.lore import LoreService
from inkwell.bot.storage.database import Database
from inkwell.bot.storage.lore import LoreRepository


@pytest.fixture
def lore(database: Database) -> LoreService:
    return LoreService(LoreRepository(database))
