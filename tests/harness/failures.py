"""Failing like Discord: the HTTP errors discord.py raises, and failures planned ahead.

:func:`http_error` builds the exception discord.py's webhook adapter would raise for a
status and a Discord error code; the recorder raises it where Discord would refuse a call,
and a test may raise it from a fake. :class:`PlannedFailure` is one ``fail_next`` request.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import discord


class _FakeResponse:
    """Just enough of aiohttp's response for discord.HTTPException."""

    def __init__(self, status: int, reason: str) -> None:
        self.status = status
        self.reason = reason
        self.headers: dict[str, str] = {}


_REASONS = {400: "Bad Request", 403: "Forbidden", 404: "Not Found", 429: "Too Many Requests"}


def http_error(status: int, code: int = 0, message: str = "") -> discord.HTTPException:
    """The exception discord.py raises for this status, as its webhook adapter would."""
    response: Any = _FakeResponse(status, _REASONS.get(status, "Server Error"))
    body: dict[str, Any] = {"code": code, "message": message}
    if status == 429:
        body["retry_after"] = 1.0
    if status == 404:
        return discord.NotFound(response, body)
    if status == 403:
        return discord.Forbidden(response, body)
    if status >= 500:
        return discord.DiscordServerError(response, body)
    return discord.HTTPException(response, body)


@dataclass
class PlannedFailure:
    """One ``Recorder.fail_next``: the next ``remaining`` calls of ``kinds`` (or any) fail."""

    status: int
    code: int
    message: str
    kinds: Collection[str] | None
    remaining: int


__all__ = ["PlannedFailure", "http_error"]
