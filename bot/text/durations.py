"""Lengths of time in words, the two ways members read them.

* :func:`exact_duration` — a length someone chose, such as a relay's turn: "1 day",
  "3 hours", "90 minutes". Nothing is rounded; it is said in the largest unit that
  divides it.
* :func:`rough_duration` — time still left on a running clock: "about 12 minutes",
  "about 3 hours". The clock moves on while the member reads, so a precise figure would be
  wrong by then anyway; minutes round up, so the last seconds still read "about 1 minute".
"""

from __future__ import annotations

import math
from typing import Final

_MINUTE: Final = 60
_HOUR: Final = 60 * _MINUTE
_DAY: Final = 24 * _HOUR


def _count(number: int, unit: str) -> str:
    return f"{number} {unit}{'' if number == 1 else 's'}"


def exact_duration(seconds: int) -> str:
    """``1 day``, ``3 hours``, ``90 minutes``: ``seconds`` in the largest unit that divides it."""
    for size, unit in ((_DAY, "day"), (_HOUR, "hour"), (_MINUTE, "minute")):
        if seconds and seconds % size == 0:
            return _count(seconds // size, unit)
    return _count(seconds, "second")


def rough_duration(seconds: float) -> str:
    """``about 12 minutes``, ``about 3 hours``, ``about 2 days``: time left, roughly.

    Minutes up to two hours, hours up to two days, then days; never less than a minute.
    """
    minutes = max(1, math.ceil(seconds / _MINUTE))
    if minutes < 120:
        return f"about {_count(minutes, 'minute')}"
    hours = round(minutes / 60)
    if hours < 48:
        return f"about {_count(hours, 'hour')}"
    return f"about {_count(round(hours / 24), 'day')}"
