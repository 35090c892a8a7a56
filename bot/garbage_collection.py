"""Python's cycle collector, set up for a bot that keeps hundreds of streams in flight.

Opt-in, for ``inkwell run`` only (``INKWELL_TUNE_GC=true``): a plugin must not change a
host's process-wide collector. Streams make no reference cycles, yet every young collection
promotes the coroutines and futures alive at that moment, so the middle and full
collections that follow were the tail of the bot's overhead under load. Freezing what lives
as long as the process keeps collections from rescanning it; a smaller young threshold keeps
each young pause short, and a larger middle one makes the long pauses rarer.
``python -m bench --gc cpython`` measures this against CPython's defaults; bench/RESULTS.md has the
runs and the pause sizes.
"""

from __future__ import annotations

import gc

# Young: 300 net allocations (CPython 700); middle: every 115 young collections (CPython 10).
THRESHOLDS = (300, 115, 10)


def tune_for_streaming() -> None:
    """Call once the bot has loaded: freeze what lives as long as the process (modules,
    commands, prompt templates) out of every collection, and collect the middle generation
    less often."""
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
