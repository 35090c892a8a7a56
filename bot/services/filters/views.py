"""The two views of a text the filters match on, each character mapped back to the
original (built by :mod:`~inkwell.bot.services.filters.normalize`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Folded:
    """The folded view; character ``i`` came from ``original[starts[i]:ends[i]]``."""

    text: str
    starts: Sequence[int]
    ends: Sequence[int]
    # Some characters are in display order (a right-to-left override): offsets of a stretch
    # no longer grow monotonically, so a span takes the least start and the greatest end.
    reordered: bool = False
    # Where an override that is still open began: text appended later is displayed before
    # what follows it, so nothing from here on is settled while the text streams.
    open_override: int | None = None
    # Folded positions of capitals right after a small letter: "So|Bad", "Kill|Yourself".
    humps: Sequence[int] = ()


@dataclass(frozen=True, slots=True)
class Skeleton:
    """The keyword view: words of collapsed letters between single spaces, padded with one
    space at each end. Character ``i`` stands for ``runs[i]`` repeats of itself and came
    from ``original[starts[i]:ends[i]]``."""

    text: str
    runs: list[int]
    starts: list[int]
    ends: list[int]
    reordered: bool = False
    # The original offset from which text appended later could still change how this text
    # reads (a trailing run of single letters may join the next letters, an open override
    # reorders what follows); ``None`` if nothing can.
    unsettled: int | None = None
    # A run of spaced letters starts or ends with a one-letter word ("a b i t c h"): the
    # matcher also reads the text with that word apart (``skeleton(..., trim=True)``).
    trimmable: bool = False

    def span(self, first: int, last: int) -> tuple[int, int]:
        """The original span of skeleton characters ``first..last`` (inclusive)."""
        if not self.reordered:
            return self.starts[first], self.ends[last]
        return min(self.starts[first : last + 1]), max(self.ends[first : last + 1])
