"""The buttons under a generated piece (Stop · Regenerate · Continue · ‹ ›), and the loop that
streams a piece into Discord.

The buttons are :class:`discord.ui.DynamicItem` s: the custom id holds the action and the
piece's id, which is the id of the command's interaction (``creation:regenerate:<id>``). The
bot keeps each open piece (its :class:`~inkwell.bot.services.creation.Creation` and the editor that
shows it) in one :class:`OpenCreations` registry while the buttons work, and the Create
cog retires expired pieces in one periodic sweep. There is no ``View`` object per message,
and no timeout task per message either. Keeping those for 14 minutes per piece (about a
hundred objects in reference cycles, two tasks, their timers) was a large part of the
bot's garbage-collection work under load; bench/RESULTS.md has the measurements. A click
after a restart now gets an answer, where Discord used to show "interaction failed".
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Final, Literal, cast

import discord
from discord.ui import View

from inkwell.bot.services.creation import STILL_WRITING, Creation
from inkwell.bot.text.cleaning import neutralize_mentions
from inkwell.bot.ui.context import context_of
from inkwell.bot.ui.errors import answering_errors
from inkwell.bot.ui.open_pieces import OpenCreation
from inkwell.bot.ui.replies import reply_privately
from inkwell.bot.ui.streaming import StreamingEditor
from inkwell.serving.backend import BackendError, QueueState

log = logging.getLogger(__name__)

CreationAction = Literal["stop", "regenerate", "continue", "previous", "next"]

NOT_YOURS: Final = (
    "These buttons belong to the member who ran the command — "
    "run it yourself to get your own piece."
)
GONE: Final = (
    "These buttons no longer work: a piece can be changed for 14 minutes, and not after the "
    "bot restarts. Run the command again for a new one."
)


# A piece still without words after this many seconds is waiting: in the model server's
# queue, or for one of the guild's generation slots. The member is told, and can Stop.
WAIT_NOTICE_AFTER: Final = 3.0
WAITING: Final = "⏳ *The model is busy with other requests; yours is waiting its turn…*"
# …unless the server says it isn't busy, or doesn't answer at all: then it looks stuck.
NOT_RESPONDING: Final = "⚠️ *The model server isn't responding; press Stop to give up, or wait.*"
# Under the words of a piece whose model stopped while writing them; the reason is told
# to the member privately.
CUT_SHORT: Final = "*(cut short: the model stopped writing)*"
# Before the note under a piece the length limit cut (the words are the service's).
CUT_MARK: Final = "✂️"


def displayed(text: str) -> str:
    return neutralize_mentions(text) if text.strip() else "…"


def with_report(creation: Creation) -> str:
    """The shown variant, with its form report (``haiku · 5-7-5 ✓``), the lore its prompt
    carried and, if the length limit cut it, a note saying so, in small text under it."""
    notes = [note for note in (creation.report, creation.lore_footer, _cut_note(creation)) if note]
    return "\n".join([creation.current, *(f"-# {note}" for note in notes)])


def _cut_note(creation: Creation) -> str | None:
    notice = creation.cut_notice
    return f"{CUT_MARK} {notice}" if notice else None


# --- the buttons --------------------------------------------------------------------------------

_LOOKS: Final[dict[CreationAction, tuple[str, str | None, discord.ButtonStyle]]] = {
    "stop": ("Stop", "⏹", discord.ButtonStyle.danger),
    "regenerate": ("Regenerate", "🔄", discord.ButtonStyle.primary),
    "continue": ("Continue", "➕", discord.ButtonStyle.secondary),
    "previous": ("‹", None, discord.ButtonStyle.secondary),
    "next": ("›", None, discord.ButtonStyle.secondary),
}


class CreationButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=r"creation:(?P<action>stop|regenerate|continue|previous|next):(?P<id>[0-9]+)",
):
    """One of a piece's buttons; which one, and for which piece, is in its custom id."""

    def __init__(self, action: CreationAction, piece_id: int, *, label: str | None = None) -> None:
        default_label, emoji, style = _LOOKS[action]
        super().__init__(
            discord.ui.Button(
                label=label or default_label,
                emoji=emoji,
                style=style,
                custom_id=f"creation:{action}:{piece_id}",
            )
        )
        self.action: CreationAction = action
        self.piece_id = piece_id

    @classmethod
    async def from_custom_id(  # type: ignore[override]
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Button[discord.ui.View],
        match: re.Match[str],
        /,
    ) -> CreationButton:
        return cls(cast(CreationAction, match["action"]), int(match["id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await answering_errors(interaction, press(interaction, self.action, self.piece_id))


def _buttons_now(piece: OpenCreation, running: bool) -> list[CreationButton]:
    """Only the buttons that can act now: Stop while writing; afterwards Regenerate, Continue
    (forms that continue, once there is text) and ‹ › (once there are several variants)."""
    if piece.retired:
        return []
    if running:
        return [CreationButton("stop", piece.id)]
    creation = piece.creation
    buttons = [CreationButton("regenerate", piece.id)]
    if creation.can_continue:
        buttons.append(CreationButton("continue", piece.id))
    if len(creation.variants) > 1:
        position = f"{creation.index + 1}/{len(creation.variants)} ›"
        buttons.append(CreationButton("previous", piece.id))
        buttons.append(CreationButton("next", piece.id, label=position))
    return buttons


@contextlib.contextmanager
def creation_buttons(piece: OpenCreation, *, running: bool | None = None) -> Iterator[View | None]:
    """The buttons as they should look now (``None``: none at all, once the piece retired).

    Made afresh for each use and never stored by discord.py (every item is dynamic), so
    nothing stays alive per message. A view and its items refer to each other; the view is
    emptied after use so it is freed at once rather than left to the cycle collector.
    """
    buttons = _buttons_now(piece, piece.creation.running if running is None else running)
    if not buttons:
        yield None
        return
    view = View(timeout=None)
    for button in buttons:
        view.add_item(button)
    try:
        yield view
    finally:
        view.clear_items()


# --- what they do ---------------------------------------------------------------------------


async def stream_into(piece: OpenCreation, texts: AsyncIterator[str]) -> None:
    """Show ``texts`` as they grow, then the final piece with the buttons under it."""
    piece.streaming = asyncio.current_task()
    try:
        await _stream_into(piece, texts)
    finally:
        piece.streaming = None


async def _stream_into(piece: OpenCreation, texts: AsyncIterator[str]) -> None:
    editor, creation = piece.editor, piece.creation
    written: str | None = None  # the text of this stream shown so far
    try:
        with creation_buttons(piece, running=True) as streaming:
            editor.attach(streaming)
            notice = _WaitNotice(editor, WAIT_NOTICE_AFTER, creation.queue_state)
            try:
                async for text in texts:
                    notice.cancel()
                    await editor.update(displayed(text))
                    written = text
            finally:
                await notice.close()
                editor.attach(None)
    except BackendError:  # unavailable, or a request the server refused
        if written is not None:
            # The words the member read stay (as shown: the content filter passed them).
            await show(piece, f"{written.rstrip()}\n\n{CUT_SHORT}", final=True)
        elif creation.variants:  # the variant shown before
            await show(piece, with_report(creation), final=True)
        else:
            await editor.withdraw()  # a waiting notice; the error is told privately
        raise
    text = with_report(creation)
    if creation.stopped:
        why = f": {piece.stop_reason}" if piece.stop_reason else ""
        text = (
            f"{text}\n\n*(stopped{why})*" if text.strip() else f"*(stopped before any text{why})*"
        )
    await show(piece, text, final=True)


class _WaitNotice:
    """Puts a notice up (with the streaming buttons) unless text comes in time: that the
    piece waits its turn (:data:`WAITING`), or that the model server looks stuck, when it
    says so (:data:`NOT_RESPONDING`)."""

    def __init__(
        self,
        editor: StreamingEditor,
        after: float,
        queue_state: Callable[[], Awaitable[QueueState | None]],
    ) -> None:
        self._editor = editor
        self._queue_state = queue_state
        self._cancelled = False
        self._showing: asyncio.Task[None] | None = None
        self._timer = asyncio.get_running_loop().call_later(after, self._show)

    def _show(self) -> None:
        self._showing = asyncio.create_task(self._announce())

    async def _announce(self) -> None:
        try:
            state = await self._queue_state()  # a short question to the server
        except Exception:
            log.warning("could not ask why a piece is waiting", exc_info=True)
            state = None
        if not self._cancelled:  # words that came meanwhile win
            await self._editor.hold(NOT_RESPONDING if state is QueueState.STUCK else WAITING)

    def cancel(self) -> None:
        self._cancelled = True
        self._timer.cancel()

    async def close(self) -> None:
        """Cancel it; a notice already going up is waited for (the question to the server
        included, a couple of seconds at most), so the streaming buttons it shows are still
        intact while it is sent."""
        self._timer.cancel()
        if self._showing is None:
            return
        try:
            await self._showing
        except discord.HTTPException:
            log.warning("could not show that a piece is waiting for the model", exc_info=True)


async def show(piece: OpenCreation, text: str, *, final: bool = False) -> None:
    """Show ``text`` as the piece now, with its buttons; ``final`` ends a stream."""
    with creation_buttons(piece) as buttons:
        if final:
            await piece.editor.finish(displayed(text), view=buttons)
        else:
            await piece.editor.show(displayed(text), view=buttons)


async def press(interaction: discord.Interaction, action: CreationAction, piece_id: int) -> None:
    """A member pressed one of a piece's buttons."""
    piece = context_of(interaction.client).creations.get(piece_id)
    if piece is None:
        await reply_privately(interaction, GONE)
        return
    if interaction.user.id != piece.owner_id:
        await reply_privately(interaction, NOT_YOURS)
        return
    creation = piece.creation
    if action == "stop":
        creation.stop()
        await interaction.response.defer()
        return
    await interaction.response.defer()
    # Checked after the await, so that two quick clicks cannot both start a stream: only a
    # client showing an older state of the message offers these while writing, and a second
    # stream must not take over the running one's editor.
    if creation.running:
        await reply_privately(interaction, STILL_WRITING)
        return
    if action == "regenerate":
        await stream_into(piece, creation.write())
    elif action == "continue":
        await stream_into(piece, creation.extend())
    else:
        creation.flip(-1 if action == "previous" else 1)
        await show(piece, with_report(creation))


async def retire(piece: OpenCreation) -> None:
    """Show an expired piece without its buttons, while its token still works.

    A piece still writing is stopped: its token will not outlive the next minute, and the
    end of its stream shows it without buttons."""
    if piece.creation.running:
        piece.creation.stop()
        return
    try:
        await show(piece, with_report(piece.creation))
    except discord.HTTPException:
        log.debug("could not turn off the buttons of an expired piece", exc_info=True)
