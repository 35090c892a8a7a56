"""The social platforms a post can be written for, and what each one allows.

Vocabulary only — no counting, parsing or fitting — so that option lists
(:mod:`inkwell.bot.services.forms`, the cogs) can name platforms without depending on the
post machinery, which builds on these limits.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final, Literal, get_args

Platform = Literal["x", "bluesky", "threads", "mastodon", "instagram", "linkedin"]
PLATFORMS: Final[tuple[Platform, ...]] = get_args(Platform)

# Each platform's hard limit, in the unit that platform counts (see post_length).
PLATFORM_LIMITS: Final[Mapping[Platform, int]] = MappingProxyType(
    {"x": 280, "bluesky": 300, "threads": 500, "mastodon": 500, "instagram": 2200, "linkedin": 3000}
)

# How many hashtags a post keeps on each platform. Not the platforms' hard caps (Instagram
# allows 30) but what works there:
#   x 2         — X's own advice is one or two; more reads as spam and costs scarce room.
#   bluesky 2   — tags are clickable feeds, but 300 graphemes leave little room.
#   threads 1   — Threads turns exactly one tag per post into a topic.
#   mastodon 3  — tags are how posts are found (there is no algorithm), so a few help.
#   instagram 5 — Instagram's guidance is 3 to 5 relevant tags, and it has been tightening.
#   linkedin 3  — LinkedIn suggests about three.
MAX_HASHTAGS: Final[Mapping[Platform, int]] = MappingProxyType(
    {"x": 2, "bluesky": 2, "threads": 1, "mastodon": 3, "instagram": 5, "linkedin": 3}
)
