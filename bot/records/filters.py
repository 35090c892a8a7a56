"""A guild's filter configuration and its audit trail, as Inkwell keeps them.

The configuration is what moderators set (rules, allow-list, presets, settings); the events
are the blocks and flags. Storage reads and writes these as they are (their fields are
their tables' columns), the filter service compiles and records them, and ``/filters``
shows them. Text fields hold what the database holds; the service parses them
(:func:`~inkwell.bot.services.filters.rules.parse_kind` and its neighbours) when it
compiles a guild's rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

# Where a text is checked: what a member asks for, or what the model wrote.
Stage = Literal["prompt", "output"]


@dataclass(frozen=True, slots=True)
class RuleRecord:
    """One moderator's rule as kept; ``#id`` names it in ``/filters``."""

    id: int
    kind: str
    pattern: str
    action: str
    applies_to: str
    category: str
    created_by: int | None = None
    created_at: str = ""
    # Also catch ``sh*t``-style masks / plurals, suffixes and compounds (word rules only).
    masks: bool = False
    forms: bool = False


@dataclass(frozen=True, slots=True)
class PresetRecord:
    """A built-in word list a guild enabled, and what its matches do."""

    name: str
    action: str
    applies_to: str


@dataclass(frozen=True, slots=True)
class FilterConfig:
    """Everything a guild configured; the defaults are a guild that configured nothing."""

    guild_id: int
    rules: tuple[RuleRecord, ...] = ()
    allowed: tuple[str, ...] = ()
    presets: tuple[PresetRecord, ...] = ()
    exempt_roles: frozenset[int] = frozenset()
    exempt_channels: frozenset[int] = frozenset()
    channel_ratings: Mapping[int, str] = field(default_factory=dict)
    log_channel_id: int | None = None
    classifier_enabled: bool = False
    classifier_action: str = "block"
    # Inkwell's default presets were put in place once; from then on moderators decide.
    defaults_applied: bool = False


# What the audit trail records; a redaction is only shown, never recorded.
EventAction = Literal["block", "flag"]


@dataclass(frozen=True, slots=True)
class FilterEvent:
    """One block or flag; ``excerpt`` has every match already masked.

    The fields are the audit table's columns, so storage reads and writes this type as it is.
    """

    guild_id: int
    user_id: int
    channel_id: int | None
    stage: Stage
    action: EventAction
    rule: str
    category: str
    excerpt: str


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """A :class:`FilterEvent` as the audit trail keeps it, with what saving it assigned."""

    id: int
    created_at: str  # ISO 8601, UTC
    event: FilterEvent
