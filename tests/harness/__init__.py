"""Offline Discord for cog tests: real discord.py interactions in, recorded traffic out.

``Harness`` (tests/harness/interactions.py) dispatches INTERACTION_CREATE payloads through
the bot's own connection state and command tree; ``Recorder`` (tests/harness/recorder.py)
stands in for Discord's interaction endpoints. The ``harness`` fixture in tests/conftest.py
gives a test both, around a bot that never connects.
"""

from tests.harness.interactions import (
    APPLICATION_ID,
    BOT_PERMISSIONS,
    DEFAULT_GUILD,
    MEMBER_PERMISSIONS,
    FakeChannel,
    FakeGuild,
    FakeRole,
    FakeUser,
    Harness,
    HarnessTimeout,
    InteractionEvents,
    UnhandledError,
    component,
    dm_channel,
    make_guild,
    make_user,
    modal_submit,
    option,
    prepare_offline,
    slash,
)
from tests.harness.recorder import (
    ComponentInfo,
    Event,
    RecordedMessage,
    Recorder,
    SentFile,
    http_error,
)

__all__ = [
    "APPLICATION_ID",
    "BOT_PERMISSIONS",
    "DEFAULT_GUILD",
    "MEMBER_PERMISSIONS",
    "ComponentInfo",
    "Event",
    "FakeChannel",
    "FakeGuild",
    "FakeRole",
    "FakeUser",
    "Harness",
    "HarnessTimeout",
    "InteractionEvents",
    "RecordedMessage",
    "Recorder",
    "SentFile",
    "UnhandledError",
    "component",
    "dm_channel",
    "http_error",
    "make_guild",
    "make_user",
    "modal_submit",
    "option",
    "prepare_offline",
    "slash",
]
