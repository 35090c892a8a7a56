"""A story bible's entries (NovelAI's lorebook, KoboldAI's world info) and a prompt's pick of them.

An entry belongs to a server (``relay_id is None``) or to one relay story. Its keys are
the words and aliases that, when they appear in a request or the recent story, bring the
entry's text into the model's context. Fields of an imported lorebook that Inkwell has no
use for are kept, as a JSON object, in ``extra``, so an export gives them back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

LoreScope = Literal["server", "relay"]

# Shown between entry names in a piece's footer: "lore: Captain Mira · The Drowned City".
FOOTER_SEPARATOR: Final = " · "


@dataclass(frozen=True, slots=True)
class LoreEntry:
    id: int
    guild_id: int
    relay_id: int | None  # None: the server's lore
    name: str
    keys: tuple[str, ...]
    text: str
    author_id: int | None  # None once the author asked to be forgotten
    created_at: float
    updated_at: float
    extra: str = "{}"  # the unknown fields of an imported entry, a JSON object

    @property
    def scope(self) -> LoreScope:
        return "server" if self.relay_id is None else "relay"


@dataclass(frozen=True, slots=True)
class LoreSelection:
    """The entries one prompt carries, most recently triggered first, and their text."""

    entries: tuple[LoreEntry, ...] = ()
    block: str = ""  # what goes into the prompt; "" when nothing was triggered

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(entry.name for entry in self.entries)

    @property
    def footer(self) -> str:
        """``lore: Captain Mira · The Drowned City``, or "" when no entry was used."""
        return f"lore: {FOOTER_SEPARATOR.join(self.names)}" if self.entries else ""


NO_LORE: Final = LoreSelection()
