"""Python's cycle collector, set up for a bot that keeps hundreds of streams in flight.

With 200 commands streaming, the young collections find nothing to free (streams make no
reference cycles), yet each promotes every coroutine, future and view alive at that moment
into the middle generation, and collecting that generation every 10 young collections
(CPython's default) and the full collections that follow were the tail of the bot's
overhead. Freezing what lives as long as the process keeps collections from rescanning it,
and collecting the middle generation less often makes those pauses rarer.

The young generation is collected after 300 net allocations instead of CPython's 700. The
count is allocations minus frees of any generation, so every old object freed (a finished
stream's) lets the young list grow past the threshold: at 700 it held up to ~5,700 objects
and a young collection took up to 3–4.6 ms. At 300 those pauses stay under ~2.6 ms; the
middle generation, every 115 young collections, keeps about the same cadence in time.
``python -m bench --gc cpython`` measures the tuning against CPython's defaults
(bench/RESULTS.md has the runs).
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
