"""A filter service on a fresh database, with a recording log channel and a scripted guard."""

from __future__ import annotations

import pytest

from inkwell.bot.records.filters import AuditEntry
from inkwell.bot.services.filters.classifier import SafetyClassifier
from inkwell.bot.services.filters.service import FilterService
from inkwell.bot.services.origin import Origin
from inkwell.bot.storage.database import Database
from inkwell.bot.storage.filters import FilterRepository
from tests.fakes import ScriptedBackend

GUILD = 500
MOD = 7
LOG_CHANNEL = 900
MEMBER = Origin(user_id=11, guild_id=GUILD, channel_id=600, role_ids=frozenset({70}))


class RecordingLog:
    """A FilterNotifier that remembers what it was asked to post."""

    def __init__(self) -> None:
        self.posts: list[tuple[int, AuditEntry]] = []

    async def notify(self, log_channel_id: int, entry: AuditEntry) -> None:
        self.posts.append((log_channel_id, entry))


@pytest.fixture
def log_channel() -> RecordingLog:
    return RecordingLog()


@pytest.fixture
def guard() -> ScriptedBackend:
    """The model server, as the safety classifier sees it: it answers "safe"."""
    return ScriptedBackend(["safe"])


@pytest.fixture
async def filters(
    database: Database, log_channel: RecordingLog, guard: ScriptedBackend
) -> FilterService:
    return FilterService(
        FilterRepository(database), classifier=SafetyClassifier(guard), notifier=log_channel
    )
