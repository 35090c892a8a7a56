"""Python's cycle collector, set up for a bot that keeps hundreds of streams in flight.

With 200 commands streaming, the young collections find nothing to free (streams make no
reference cycles), yet each promotes every coroutine, future and view alive at that moment
into the middle generation, and collecting that generation every 10 young collections
(CPython's default) and the full collections that follow were the tail of the bot's
overhead. Freezing what lives as long as the process keeps collections from rescanning it,
and collecting the middle generation every 50 young collections makes those pauses rarer.
``python -m bench --gc cpython`` measures the difference (bench/RESULTS.md has both).
"""

from __future__ import annotations

import gc

# Young generation as CPython's default; the middle one every 50 young collections, not 10.
THRESHOLDS = (700, 50, 10)


def tune_for_streaming() -> None:
    """Call once the bot has loaded: freeze what lives as long as the process (modules,
    commands, prompt templates) out of every collection, and collect the middle generation
    less often."""
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
