"""Show text that grows — a model streaming — in one or more Discord messages.

The first message is the interaction's original response (deferred by the caller, or sent
here if it was not); text past Discord's 2000-character limit continues in followup
messages, cut by :func:`~inkwell.bot.text.splitting.split_message`. Edits are throttled to one per
``edit_interval`` seconds: Discord rate-limits message edits, and discord.py already waits
out a 429, so the editor simply edits less often and never sleeps itself. The clock is
injectable so tests can step time.

Every send and edit passes ``AllowedMentions.none()``: generated text never pings.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

import discord
from discord.utils import MISSING

from inkwell.bot.text.splitting import MESSAGE_LIMIT, split_message

# Discord refuses an empty message; this stands in for text not written yet.
PLACEHOLDER: Final = "…"
NO_PINGS: Final = discord.AllowedMentions.none()


@dataclass(slots=True)
class _Shown:
    """One message of the piece, as last sent."""

    message: discord.WebhookMessage | None  # None: the interaction's original response
    content: str
    # The view, only if discord.py must be handed this very object to dispatch its clicks;
    # views of dynamic items alone are known by their components.
    listener: discord.ui.View | None
    components: str | None  # the view's components as sent, as text


def _listener(view: discord.ui.View | None) -> discord.ui.View | None:
    """``view`` if its clicks are dispatched to the view object itself; ``None`` for no view
    or one made only of :class:`discord.ui.DynamicItem` s, which discord.py finds by
    custom id without storing the view, so the editor need not keep it either."""
    if view is None or all(
        isinstance(item, discord.ui.DynamicItem) or not item.is_dispatchable()
        for item in view.walk_children()
    ):
        return None
    return view


def _fingerprint(view: discord.ui.View | None) -> str | None:
    return None if view is None else repr(view.to_components())


class StreamingEditor:
    """Keeps one piece of text on screen across as many messages as it needs.

    ``update`` during streaming (throttled), ``finish`` at the end (always edits, puts the
    view — the buttons — under the last message), ``show`` to swap in other text at once (a
    different variant) reusing the same messages. Messages no longer needed are deleted, and
    only messages whose content or buttons changed are edited.
    """

    def __init__(
        self,
        interaction: discord.Interaction,
        *,
        edit_interval: float,
        clock: Callable[[], float] = time.monotonic,
        limit: int = MESSAGE_LIMIT,
        placeholder: str = PLACEHOLDER,
    ) -> None:
        self._interaction = interaction
        self._edit_interval = edit_interval
        self._clock = clock
        self._limit = limit
        self._placeholder = placeholder
        self._shown: list[_Shown] = []
        self._view: discord.ui.View | None = None
        self._last_edit: float | None = None
        self._latest: str | None = None
        # Attached a view and no text given since: a notice may hold the place (see hold()).
        self._awaiting_text = False
        # Continuations of an ephemeral answer must be ephemeral too (learnt from its edit).
        self._ephemeral = False
        # Renders must not interleave: a button's show() can race the stream's update().
        self._lock = asyncio.Lock()

    @property
    def text(self) -> str | None:
        """The latest text given, shown or still waiting for the next edit."""
        return self._latest

    @property
    def shown(self) -> list[str]:
        """The content of each message, as last sent."""
        return [shown.content for shown in self._shown]

    @property
    def message_ids(self) -> list[int | None]:
        """Ids of the followup messages in order; ``None`` stands for the original response."""
        return [shown.message.id if shown.message else None for shown in self._shown]

    def attach(self, view: discord.ui.View | None) -> None:
        """Show ``view`` under the last message in the streaming updates that follow (e.g. a
        Stop button while streaming). The next update shows it at once, unthrottled: a
        member who pressed a button sees it take effect."""
        self._view = view
        self._awaiting_text = view is not None
        if view is not None:
            self._last_edit = None

    async def hold(self, notice: str) -> None:
        """Show ``notice`` with the attached view while the text is slow to come (the model
        is busy: the member sees why, and Stop). Does nothing once text was given after
        :meth:`attach`; the first text after the notice shows at once, unthrottled."""
        if not self._awaiting_text:
            return
        await self._render(notice, self._view, force_last=False)
        self._last_edit = None

    async def withdraw(self) -> None:
        """Delete every message shown so far (a notice for text that never came), so that
        the interaction can be answered privately instead. Best effort: a message someone
        already deleted is gone all the same."""
        async with self._lock:
            for shown in reversed(self._shown):
                with contextlib.suppress(discord.HTTPException):
                    if shown.message is None:
                        await self._interaction.delete_original_response()
                    else:
                        await shown.message.delete()
            self._shown.clear()

    async def update(self, text: str) -> None:
        """Show ``text`` if ``edit_interval`` has passed since the last edit; else keep it
        for the next one (or for :meth:`finish`)."""
        self._latest = text
        self._awaiting_text = False
        if self._last_edit is not None and self._clock() - self._last_edit < self._edit_interval:
            return
        await self._render(text, self._view, force_last=False)

    async def finish(self, text: str, view: discord.ui.View | None = None) -> None:
        """Show the final ``text`` with ``view`` under its last message, whatever was shown
        before: the last message is always edited, so the end state is certain. The
        streaming view is detached: a finished piece keeps no view object alive."""
        self._view = None
        self._awaiting_text = False
        self._latest = text
        await self._render(text, view, force_last=True)

    async def show(self, text: str, view: discord.ui.View | None = None) -> None:
        """Replace the whole piece now (no throttling), e.g. to flip to another variant; like
        :meth:`finish`, with ``view`` under the last message and nothing attached after."""
        self._view = None
        self._awaiting_text = False
        self._latest = text
        await self._render(text, view, force_last=False)

    async def _render(self, text: str, view: discord.ui.View | None, *, force_last: bool) -> None:
        async with self._lock:
            chunks = split_message(text, self._limit) or [self._placeholder]
            listener = _listener(view)
            components = _fingerprint(view)
            last = len(chunks) - 1
            for index, chunk in enumerate(chunks):
                wanted_view = view if index == last else None
                wanted_listener = listener if index == last else None
                wanted_components = components if index == last else None
                if index == len(self._shown):
                    message = await self._send(index, chunk, wanted_view)
                    self._shown.append(_Shown(message, chunk, wanted_listener, wanted_components))
                    continue
                shown = self._shown[index]
                content_changed = shown.content != chunk
                view_changed = (
                    shown.listener is not wanted_listener or shown.components != wanted_components
                )
                forced = force_last and index == last
                if not (content_changed or view_changed or forced):
                    continue
                await self._edit(
                    shown,
                    content=chunk if content_changed or forced else MISSING,
                    view=wanted_view if view_changed or (forced and view is not None) else MISSING,
                )
                shown.content = chunk
                shown.listener, shown.components = wanted_listener, wanted_components
            for extra in reversed(self._shown[len(chunks) :]):
                if extra.message is not None:
                    await extra.message.delete()
            del self._shown[len(chunks) :]
            self._last_edit = self._clock()

    async def _send(
        self, index: int, content: str, view: discord.ui.View | None
    ) -> discord.WebhookMessage | None:
        """Put up message ``index``: the original response first, then followups."""
        interaction = self._interaction
        extra_view: Any = view if view is not None else MISSING
        if index > 0:
            return await interaction.followup.send(
                content,
                view=extra_view,
                wait=True,
                ephemeral=self._ephemeral,
                allowed_mentions=NO_PINGS,
            )
        if interaction.response.is_done():
            original = await interaction.edit_original_response(
                content=content, view=extra_view, allowed_mentions=NO_PINGS
            )
            self._ephemeral = original.flags.ephemeral
        else:
            await interaction.response.send_message(
                content, view=extra_view, allowed_mentions=NO_PINGS
            )
        return None

    async def _edit(self, shown: _Shown, *, content: Any, view: Any) -> None:
        if shown.message is None:
            original = await self._interaction.edit_original_response(
                content=content, view=view, allowed_mentions=NO_PINGS
            )
            self._ephemeral = original.flags.ephemeral
        else:
            await shown.message.edit(content=content, view=view, allowed_mentions=NO_PINGS)
