"""A guild's filter configuration, as moderators set it: rules, allow-list, presets, settings.

These are the filter feature's domain types: the repository reads and writes them as they
are (a rule's and a preset's fields are their table's columns), the service compiles them,
and ``/filters`` shows them. Their text fields hold what the database holds; the service parses
them (:func:`~inkwell.bot.services.filters.rules.parse_kind` and its neighbours) when it
compiles a guild's rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


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
