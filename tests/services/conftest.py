"""What the service tests share: a fresh database in a temporary folder."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from inkwell.bot.storage.database import Database


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(tmp_path / "inkwell.sqlite3")
    await database.open()
    yield database
    await database.close()
