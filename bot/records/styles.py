"""One layer of style preferences, and how layers combine.

A member's own preferences lie over their server's defaults, which lie over Inkwell's
built-in style: :meth:`StyleRecord.over` combines two layers. Storage reads and writes these
records; the services, the cogs and the playground speak of them.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace


@dataclass(frozen=True, slots=True)
class StyleRecord:
    """One layer of style preferences; ``None`` means "not set at this layer"."""

    voice: str | None = None
    tone: str | None = None
    pov: str | None = None
    tense: str | None = None
    rating: str | None = None
    # How adventurous the sampling is (low, medium, high): it shapes how the model draws
    # words, not what it is told, so it never reaches the prompt's style block.
    creativity: str | None = None
    favourite_forms: str | None = None
    avoid: str | None = None
    sample: str | None = None

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        return _FIELD_NAMES

    def is_empty(self) -> bool:
        return all(getattr(self, name) is None for name in _FIELD_NAMES)

    def over(self, fallback: StyleRecord) -> StyleRecord:
        """This layer's values, falling back to ``fallback`` where this one is unset."""
        values = {
            name: getattr(self, name)
            if getattr(self, name) is not None
            else getattr(fallback, name)
            for name in self.field_names()
        }
        return StyleRecord(**values)

    def with_changes(self, **changes: str | None) -> StyleRecord:
        return replace(self, **changes)


# Read once: every command layers styles, and dataclasses.fields() is slow to call each time.
_FIELD_NAMES: tuple[str, ...] = tuple(field.name for field in fields(StyleRecord))
