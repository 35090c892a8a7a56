"""Stopping what is running when the bot stops: every stream ends with what it wrote.

A piece still streaming when ``inkwell run`` gets SIGTERM, or when a host unloads the
Create feature, is stopped the way its Stop button stops it (the text so far is kept and
shown as final), with a note saying why, and the stop waits, up to a limit, for each
piece's last edit: after that the bot can no longer edit it.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Final

from inkwell.bot.ui.open_pieces import OpenCreations

log = logging.getLogger(__name__)

RESTARTING: Final = "the bot is restarting"
# How long a stop waits for the stopped pieces' last edits (inkwell run exits within 10 s).
STREAMS_STOP_SECONDS: Final = 5.0


async def stop_streams(
    creations: OpenCreations, reason: str = RESTARTING, *, wait_up_to: float = STREAMS_STOP_SECONDS
) -> int:
    """Stop every piece streaming now, noting ``reason`` under it; how many were stopped."""
    pieces = creations.streaming()
    showing = {piece.streaming for piece in pieces if piece.streaming is not None}
    for piece in pieces:
        piece.stop_reason = reason
        piece.creation.stop()
    if showing:
        _, late = await asyncio.wait(showing, timeout=wait_up_to)
        if late:
            log.warning("%d stopped pieces did not show their last edit in time", len(late))
    return len(pieces)
