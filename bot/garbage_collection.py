"""Python's cycle collector, set up for a bot that keeps hundreds of streams in flight.

Measured with ``python -m bench`` (200 commands streaming, bench/RESULTS.md): the young
collections find nothing to free, since streams make no reference cycles, yet they promote
every coroutine, future and view that happens to be alive into the middle generation, and
collecting that generation every 10 young collections (CPython's default) paused the event
loop 5-11 ms about every 3 seconds, and each full collection 50-75 ms: the tail of the bot's
overhead. Every 50 young collections, the middle collections come about every 15 s (15-30
ms each) and full ones rarely. Freezing the startup objects keeps full collections from
rescanning them (one took ~50 ms instead of ~25 ms before the freeze).
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
