"""Discord ids for everything a test makes up: users, guilds, interactions, messages.

Every layer of the harness mints ids (the fakes, the payloads, the recorder's messages), so
the one counter lives here, below all of them: ids stay unique and increasing across layers.
"""

from __future__ import annotations

from discord.utils import time_snowflake, utcnow

_last_snowflake = 0


def new_snowflake() -> int:
    """A fresh Discord id, increasing, with the current time in it (so tokens look fresh)."""
    global _last_snowflake
    _last_snowflake = max(time_snowflake(utcnow()), _last_snowflake + 1)
    return _last_snowflake


__all__ = ["new_snowflake"]
