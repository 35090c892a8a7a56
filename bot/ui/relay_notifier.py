"""The relay service's notices, posted in the relay's thread.

Only a turn notice (and its reminder) may ping, and only the member whose turn it is:
``allowed_mentions`` names exactly that user. Everything else goes out with
``AllowedMentions.none()``. Sends go through the REST API by thread id (no gateway cache
needed, so timers can fire right after start-up). A thread that is gone or closed to the
bot (404 / 403) becomes :class:`RelayChannelGone`, which ends the relay.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Final

import discord

from inkwell.bot.services.relay import Recap, RelayChannelGone
from inkwell.bot.services.relay.export import MODEL_NAME
from inkwell.bot.services.relay.models import (
    EndReason,
    PauseReason,
    RelayRecord,
    SkipReason,
    TurnRecord,
)
from inkwell.bot.services.relay.words import first_chars
from inkwell.bot.text.cleaning import neutralize_mentions
from inkwell.bot.text.splitting import MESSAGE_LIMIT, split_message
from inkwell.bot.ui.relay_views import relay_view
from inkwell.bot.ui.replies import NO_PINGS

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

    async def turn_started(self, relay: RelayRecord, recap: Recap) -> None:
        assert relay.writer_id is not None
        due = ""
        if relay.turn_deadline is not None:
            due = f", due {_when(relay.turn_deadline)}"
        heading = (
            f"<@{relay.writer_id}> it's your turn: **turn {relay.turn}**, "
            f"up to {relay.max_words} words{due}. Press **Write** or use `/relay write`."
        )
        content = f"{heading}\n\n{recap_text(recap)}"
        await self._send(
            relay,
            first_chars(content, MESSAGE_LIMIT),
            view=relay_view(relay.thread_id, "write"),
            mentions=only(relay.writer_id),
        )

    async def turn_reminder(self, relay: RelayRecord) -> None:
        assert relay.writer_id is not None
        assert relay.turn_deadline is not None
        await self._send(
            relay,
            f"<@{relay.writer_id}> a reminder: turn {relay.turn} is yours until it ends"
            f" {_when(relay.turn_deadline)}.",
            view=relay_view(relay.thread_id, "write"),
            mentions=only(relay.writer_id),
        )

    async def turn_written(self, relay: RelayRecord, turn: TurnRecord) -> None:
        who = f"🤖 {MODEL_NAME}" if turn.by_model else writer(turn.writer_id)
        heading = f"**Turn {turn.number}** · {who} · {turn.words} words"
        chunks = split_message(f"{heading}\n\n{neutralize_mentions(turn.text)}")
        for chunk in chunks:
            await self._send(relay, chunk)

    async def turn_skipped(
        self, relay: RelayRecord, writer_id: int | None, reason: SkipReason
    ) -> None:
        notice = _SKIPPED[reason].format(who=writer(writer_id), turn=relay.turn)
        await self._send(relay, sentence(notice))

    async def turn_undone(self, relay: RelayRecord, turn: TurnRecord) -> None:
        await self._send(
            relay, f"↩️ {writer(turn.writer_id)} took back turn {turn.number} to write it again."
        )

    async def waiting_for_writers(self, relay: RelayRecord) -> None:
        await self._send(
            relay,
            "The relay waits for writers: it goes on once enough have joined.",
            view=relay_view(relay.thread_id, "join", "leave"),
        )

    async def relay_paused(self, relay: RelayRecord, reason: PauseReason) -> None:
        await self._send(relay, _PAUSED[reason])

    async def relay_resumed(self, relay: RelayRecord) -> None:
        await self._send(relay, "▶️ The relay goes on.")

    async def relay_ended(self, relay: RelayRecord, reason: EndReason) -> None:
        await self._send(
            relay,
            f"🏁 **{relay.title}** has ended. Press **Export** for the whole story as a file.",
            view=relay_view(relay.thread_id, "export"),
        )

    async def _send(
        self,
        relay: RelayRecord,
        content: str,
        *,
        view: discord.ui.View | None = None,
        mentions: discord.AllowedMentions = NO_PINGS,
    ) -> None:
        thread = self._client.get_partial_messageable(
            relay.thread_id, guild_id=relay.guild_id, type=discord.ChannelType.public_thread
        )
        try:
            if view is None:
                await thread.send(content, allowed_mentions=mentions)
            else:
                await thread.send(content, view=view, allowed_mentions=mentions)
        except (discord.NotFound, discord.Forbidden) as error:
            raise RelayChannelGone(relay.thread_id) from error


def _when(timestamp: float) -> str:
    """A Discord timestamp: each member's client shows it relative to their own clock."""
    return discord.utils.format_dt(datetime.fromtimestamp(timestamp, tz=UTC), "R")
