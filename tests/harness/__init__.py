"""Offline Discord for cog tests: real discord.py interactions in, recorded traffic out.

``Harness`` (tests/harness/harness.py) dispatches INTERACTION_CREATE payloads through the
bot's own connection state and command tree; ``Recorder`` (tests/harness/recorder.py)
stands in for Discord's interaction endpoints. The ``harness`` fixture in tests/conftest.py
gives a test both, around a bot that never connects.

Layers, bottom up:

* ``snowflakes``: ids for everything a test makes up.
* ``people``: fake users, guilds, channels and roles, and their builders.
* ``payloads``: the INTERACTION_CREATE dicts (``slash``, ``message_command``, ``component``,
  ``modal_submit``) and a member's message (``member_message``).
* ``records``, ``failures``, ``recorder``: what the bot sent, Discord's errors, and the
  stand-in endpoints that record the one and raise the other.
* ``offline``: ``prepare_offline``, for a bot that never logs in.
* ``client_side``: what a member's client checks and encodes before sending.
* ``world``, ``handler_tasks``, ``interaction_events``: the fakes in the bot's cache, the
  handler tasks to wait for, what one interaction did.
* ``harness``: ``Harness``, which ties them together.
"""

from tests.harness.failures import http_error
from tests.harness.handler_tasks import HarnessTimeout, UnhandledError
from tests.harness.harness import Harness
from tests.harness.interaction_events import InteractionEvents
from tests.harness.offline import prepare_offline
from tests.harness.payloads import (
    APPLICATION_ID,
    component,
    member_message,
    message_command,
    modal_submit,
    option,
    slash,
)
from tests.harness.people import (
    BOT_PERMISSIONS,
    MEMBER_PERMISSIONS,
    FakeChannel,
    FakeGuild,
    FakeRole,
    FakeUser,
    dm_channel,
    make_guild,
    make_user,
)
from tests.harness.recorder import Recorder
from tests.harness.records import ComponentInfo, Event, RecordedMessage, SentFile
from tests.harness.world import DEFAULT_GUILD

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
    "member_message",
    "message_command",
    "modal_submit",
    "option",
    "prepare_offline",
    "slash",
]
