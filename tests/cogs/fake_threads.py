"""Discord's REST API for threads and channel posts, offline, for tests of the relay.

The interaction harness covers what members do (commands, clicks, modals). What the bot
posts on its own — creating the thread, notices in it — goes over Discord's REST API, which
:class:`FakeThreadApi` stands in for: it answers thread creation and channel messages the way
Discord would and adds each post to the harness's recorder, so a test can click a button on
a turn notice exactly like one on a command's reply.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import discord
import pytest
from discord.utils import utcnow

from tests.harness import FakeChannel, Harness, RecordedMessage
from tests.harness.failures import http_error
from tests.harness.snowflakes import new_snowflake
from tests.services.relay.recording_notifier import ProcessDied

THREAD_TYPE = discord.ChannelType.public_thread.value


@dataclass
class Post:
    """A message the bot posted in a channel or thread through the REST API."""

    channel_id: int
    payload: dict[str, Any]
    message: RecordedMessage

    @property
    def content(self) -> str:
        return str(self.payload.get("content") or "")

    @property
    def allowed_mentions(self) -> dict[str, Any] | None:
        return self.payload.get("allowed_mentions")

    @property
    def pings(self) -> list[int]:
        """Who this post may ping (users); asserts it can ping no role and not @everyone."""
        mentions = self.allowed_mentions
        assert mentions is not None, "sent without allowed_mentions"
        assert mentions.get("parse") == []
        assert not mentions.get("roles")
        return [int(user) for user in mentions.get("users", [])]

    @property
    def labels(self) -> list[str]:
        return [button.label or "" for button in self.message.buttons]


class FakeThreadApi:
    """Discord's REST endpoints for starting a thread and posting in a channel, offline."""

    def __init__(self, harness: Harness) -> None:
        self.harness = harness
        self.threads: dict[int, FakeChannel] = {}
        self.posts: list[Post] = []
        self.gone: set[int] = set()
        # Set to make the process "die" right after this many more posts reach the thread.
        self.die_after_posts: int | None = None

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(self.harness.bot.http, "request", self.request)

    async def request(self, route: discord.http.Route, **kwargs: Any) -> Any:
        channel_id = int(route.channel_id or 0)
        if channel_id in self.gone:
            raise http_error(404, 10003, "Unknown Channel")
        if (route.method, route.path) == ("POST", "/channels/{channel_id}/threads"):
            return self._start_thread(channel_id, kwargs["json"])
        if (route.method, route.path) == ("POST", "/channels/{channel_id}/messages"):
            return self._post(channel_id, kwargs["json"])
        if (route.method, route.path) == ("GET", "/channels/{channel_id}/messages"):
            return self._history(channel_id, kwargs["params"])
        raise AssertionError(f"unexpected Discord request: {route.method} {route.path}")

    def _start_thread(self, parent_id: int, body: dict[str, Any]) -> dict[str, Any]:
        guild = self.harness.guild
        thread = FakeChannel(new_snowflake(), body["name"], guild.id, type=THREAD_TYPE)
        payload = {
            "id": str(thread.id),
            "type": body["type"],
            "guild_id": str(guild.id),
            "parent_id": str(parent_id),
            "owner_id": str(self.harness.recorder.application_id),
            "name": body["name"],
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "message_count": 0,
            "member_count": 1,
            "flags": 0,
            "thread_metadata": {
                "archived": False,
                "auto_archive_duration": body["auto_archive_duration"],
                "archive_timestamp": utcnow().isoformat(),
                "locked": False,
            },
        }
        # Discord would send THREAD_CREATE over the gateway; the cache learns of it here.
        cached = self.harness.bot.get_guild(guild.id)
        assert cached is not None
        state = self.harness.bot._connection
        cached._add_thread(discord.Thread(guild=cached, state=state, data=payload))  # type: ignore[arg-type]
        self.threads[thread.id] = thread
        return payload

    def _post(self, channel_id: int, body: dict[str, Any]) -> dict[str, Any]:
        message = RecordedMessage(
            id=new_snowflake(),
            channel_id=channel_id,
            guild_id=self.harness.guild.id,
            token=f"rest:{channel_id}",
            is_original=False,
            message_type=0,
            content=body.get("content") or "",
            embeds=list(body.get("embeds") or []),
            components=list(body.get("components") or []),
        )
        self.harness.recorder.messages[message.id] = message
        self.posts.append(Post(channel_id, body, message))
        if self.die_after_posts is not None:
            self.die_after_posts -= 1
            if self.die_after_posts == 0:
                self.die_after_posts = None
                raise ProcessDied  # posted, and nobody heard back
        return self.harness.recorder.message_payload(message.id)

    def _history(self, channel_id: int, params: dict[str, Any]) -> list[dict[str, Any]]:
        """The channel's messages after ``params["after"]``, newest first, as Discord sends them."""
        after = int(params.get("after", 0))
        found = [
            post.message.id
            for post in self.posts
            if post.channel_id == channel_id and post.message.id > after
        ]
        oldest = found[: int(params["limit"])]
        return [self.harness.recorder.message_payload(id_) for id_ in reversed(oldest)]

    def in_thread(self, thread: FakeChannel) -> list[Post]:
        return [post for post in self.posts if post.channel_id == thread.id]
