"""The relay service's notices, posted in the relay's thread.

Only a turn notice (and its reminder) may ping, and only the member whose turn it is:
``allowed_mentions`` names exactly that user. Everything else goes out with
``AllowedMentions.none()``. Sends go through the REST API by thread id (no gateway cache
needed, so timers can fire right after start-up). A thread that is gone or closed to the
bot (404 / 403) becomes :class:`RelayChannelGone`, which ends the relay.

A notice is never posted twice. Each message goes out with a nonce made from the notice's
outbox id: discord.py 2.7 sends it with ``enforce_nonce``, so a repeat within a few minutes
gets the message Discord already made. When the service says a notice may have gone out
before (a crash after posting, a failed try), the thread's messages since the relay's
previous notice are read first, and a message of the bot's with the same text counts as
posted. Notices are posted in order, so nothing after that mark can be an older notice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Final

import discord
from discord.utils import escape_markdown

from inkwell.bot.records.lore import FOOTER_SEPARATOR
from inkwell.bot.services.relay import Recap, RelayChannelGone
from inkwell.bot.services.relay.export import MODEL_NAME
from inkwell.bot.services.relay.models import (
    EndReason,
    PauseReason,
    RelayRecord,
    SkipReason,
    SteeringKind,
    TurnRecord,
)
from inkwell.bot.services.relay.notifier import NoticeKey
from inkwell.bot.services.relay.steering import STEERING
from inkwell.bot.services.relay.words import first_chars
from inkwell.bot.text.cleaning import neutralize_mentions
from inkwell.bot.text.splitting import MESSAGE_LIMIT, split_message
from inkwell.bot.ui.relay_views import relay_view
from inkwell.bot.ui.replies import NO_PINGS

# How far back a retry reads the thread for a notice it may have posted (one API call).
LOOK_BACK_MESSAGES: Final = 100

_SKIPPED: Final[dict[SkipReason, str]] = {
    "passed": "{who} passed turn {turn}.",
    "timed_out": "Time ran out for {who} on turn {turn}.",
    "left": "{who} left the relay; turn {turn} moves on.",
    "removed": "{who} was removed from the relay; turn {turn} moves on.",
    "model_failed": "The model couldn't write turn {turn}; the story moves on.",
    "model_withheld": "The content filter held back the model's turn {turn}; the story moves on.",
}
_PAUSED: Final[dict[PauseReason, str]] = {
    "by_request": "⏸️ The relay is paused. Its starter or a moderator can `/relay resume` it.",
    "idle": "⏸️ Nobody wrote for a whole round, so the relay is paused. `/relay resume` goes on.",
}


def only(user_id: int) -> discord.AllowedMentions:
    """Mentions that can ping this one member and nobody else."""
    return discord.AllowedMentions(
        everyone=False, users=[discord.Object(id=user_id)], roles=False, replied_user=False
    )


def writer(user_id: int | None) -> str:
    """A member by mention (shown as their name; whether it pings is up to the send)."""
    return f"<@{user_id}>" if user_id is not None else "this turn's writer"


def steering_notice(relay: RelayRecord, kind: SteeringKind, by: int) -> str:
    """ "📌 @Ada set the memory …": who changed what the model writes by, never the text
    itself (``/relay status`` shows it to whoever asks)."""
    name = STEERING[kind].name
    text = relay.memory if kind == "memory" else relay.note
    if not text:
        return f"📌 {writer(by)} cleared the {name}."
    return (
        f"📌 {writer(by)} set the {name}; the model follows it from the next turn on "
        "(`/relay status` shows it)."
    )


def sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def quoted(story: str) -> str:
    """Story text as a block quote, its ping syntax broken (it's prose, not a ping)."""
    return "\n".join(f"> {line}" for line in neutralize_mentions(story).splitlines())


def recap_text(recap: Recap) -> str:
    """The "story so far" under a turn notice: the summary's start and the last turn's end."""
    parts: list[str] = []
    if recap.summary:
        parts.append(f"**The story so far**\n{quoted(recap.summary)}")
    if recap.last is not None and recap.last_excerpt:
        who = MODEL_NAME if recap.last.by_model else writer(recap.last.writer_id)
        parts.append(f"**Last turn** ({who})\n{quoted(recap.last_excerpt)}")
    elif recap.premise:
        parts.append(f"**Premise**\n{quoted(recap.premise)}")
    else:
        parts.append("Nothing is written yet: you set the scene.")
    return "\n\n".join(parts)


class DiscordRelayNotifier:
    def __init__(self, client: discord.Client) -> None:
        self._client = client

    async def turn_started(self, relay: RelayRecord, recap: Recap, *, key: NoticeKey) -> int:
        assert relay.writer_id is not None
        due = ""
        if relay.turn_deadline is not None:
            due = f", due {_when(relay.turn_deadline)}"
        heading = (
            f"<@{relay.writer_id}> it's your turn: **turn {relay.turn}**, "
            f"up to {relay.max_words} words{due}. Press **Write** or use `/relay write`."
        )
        content = f"{heading}\n\n{recap_text(recap)}"
        return await self._send(
            relay,
            key,
            first_chars(content, MESSAGE_LIMIT),
            view=relay_view(relay.thread_id, "write"),
            mentions=only(relay.writer_id),
        )

    async def turn_reminder(self, relay: RelayRecord, *, key: NoticeKey) -> int:
        assert relay.writer_id is not None
        assert relay.turn_deadline is not None
        return await self._send(
            relay,
            key,
            f"<@{relay.writer_id}> a reminder: turn {relay.turn} is yours until it ends"
            f" {_when(relay.turn_deadline)}.",
            view=relay_view(relay.thread_id, "write"),
            mentions=only(relay.writer_id),
        )

    async def turn_written(
        self, relay: RelayRecord, turn: TurnRecord, *, key: NoticeKey, lore: Sequence[str] = ()
    ) -> int:
        who = f"🤖 {MODEL_NAME}" if turn.by_model else writer(turn.writer_id)
        heading = f"**Turn {turn.number}** · {who} · {turn.words} words"
        footer = f"\n-# lore: {escape_markdown(FOOTER_SEPARATOR.join(lore))}" if lore else ""
        chunks = split_message(f"{heading}\n\n{neutralize_mentions(turn.text)}{footer}")
        return await self._send(relay, key, *chunks)

    async def turn_skipped(
        self, relay: RelayRecord, writer_id: int | None, reason: SkipReason, *, key: NoticeKey
    ) -> int:
        notice = _SKIPPED[reason].format(who=writer(writer_id), turn=relay.turn)
        return await self._send(relay, key, sentence(notice))

    async def turn_undone(self, relay: RelayRecord, turn: TurnRecord, *, key: NoticeKey) -> int:
        return await self._send(
            relay,
            key,
            f"↩️ {writer(turn.writer_id)} took back turn {turn.number} to write it again.",
        )

    async def waiting_for_writers(self, relay: RelayRecord, *, key: NoticeKey) -> int:
        return await self._send(
            relay,
            key,
            "The relay waits for writers: it goes on once enough have joined.",
            view=relay_view(relay.thread_id, "join", "leave"),
        )

    async def relay_paused(self, relay: RelayRecord, reason: PauseReason, *, key: NoticeKey) -> int:
        return await self._send(relay, key, _PAUSED[reason])

    async def relay_resumed(self, relay: RelayRecord, *, key: NoticeKey) -> int:
        return await self._send(relay, key, "▶️ The relay goes on.")

    async def steering_changed(
        self, relay: RelayRecord, kind: SteeringKind, by: int, *, key: NoticeKey
    ) -> int:
        return await self._send(relay, key, steering_notice(relay, kind, by))

    async def relay_ended(self, relay: RelayRecord, reason: EndReason, *, key: NoticeKey) -> int:
        return await self._send(
            relay,
            key,
            f"🏁 **{relay.title}** has ended. Press **Export** for the whole story as a file.",
            view=relay_view(relay.thread_id, "export"),
        )

    async def _send(
        self,
        relay: RelayRecord,
        key: NoticeKey,
        *contents: str,
        view: discord.ui.View | None = None,
        mentions: discord.AllowedMentions = NO_PINGS,
    ) -> int:
        """Post the notice's messages in order (the view under the last); the last one's id.

        Parts found in the thread already (``key.maybe_sent``) are not posted again.
        """
        thread = self._client.get_partial_messageable(
            relay.thread_id, guild_id=relay.guild_id, type=discord.ChannelType.public_thread
        )
        try:
            posted = await self._posted_before(thread, key, contents) if key.maybe_sent else []
            message_id = posted[-1] if posted else 0
            for part in range(len(posted), len(contents)):
                content, nonce = contents[part], key.nonce(part)
                if view is not None and part == len(contents) - 1:
                    message = await thread.send(
                        content, nonce=nonce, view=view, allowed_mentions=mentions
                    )
                else:
                    message = await thread.send(content, nonce=nonce, allowed_mentions=mentions)
                message_id = message.id
        except (discord.NotFound, discord.Forbidden) as error:
            raise RelayChannelGone(relay.thread_id) from error
        return message_id

    async def _posted_before(
        self, thread: discord.PartialMessageable, key: NoticeKey, contents: Sequence[str]
    ) -> list[int]:
        """The ids of the notice's first parts that the bot already posted after ``key.after``."""
        me = self._client.user
        after = discord.Object(id=key.after) if key.after is not None else None
        found: list[int] = []
        async for message in thread.history(
            limit=LOOK_BACK_MESSAGES, after=after, oldest_first=True
        ):
            if len(found) == len(contents):
                break
            mine = me is None or message.author.id == me.id
            # Discord trims the ends of what it stores; compare the text as it keeps it.
            if mine and message.content.strip() == contents[len(found)].strip():
                found.append(message.id)
        return found


def _when(timestamp: float) -> str:
    """A Discord timestamp: each member's client shows it relative to their own clock."""
    return discord.utils.format_dt(datetime.fromtimestamp(timestamp, tz=UTC), "R")
