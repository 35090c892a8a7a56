"""What the bot sent, as the recorder keeps it: events, messages, components, files.

An :class:`Event` is one call the bot made, with the JSON body Discord would have received;
a :class:`RecordedMessage` is a message as members would see it after every edit so far;
an :class:`InteractionRecord` is what the recorder knows of one interaction. Plain data with
read-only helpers for assertions: :class:`tests.harness.recorder.Recorder` fills them in.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import discord
from discord.utils import utcnow

EPHEMERAL = 1 << 6
LOADING = 1 << 7


def _iso(moment: datetime.datetime) -> str:
    return moment.isoformat()


@dataclass(frozen=True)
class SentFile:
    filename: str
    data: bytes


@dataclass(frozen=True)
class ComponentInfo:
    """One interactive component as sent (buttons, selects, text inputs), layout flattened."""

    type: int
    custom_id: str | None
    label: str | None
    disabled: bool
    style: int | None
    url: str | None
    emoji: str | None
    raw: dict[str, Any] = field(repr=False, compare=False)

    @property
    def is_button(self) -> bool:
        return self.type == discord.ComponentType.button.value


def flatten_components(components: Sequence[dict[str, Any]] | None) -> list[ComponentInfo]:
    """Every component inside action rows, labels, sections and containers, in order."""
    found: list[ComponentInfo] = []

    def walk(items: Sequence[dict[str, Any]]) -> None:
        for item in items:
            children = [*item.get("components", [])]
            for key in ("component", "accessory"):
                if isinstance(item.get(key), dict):
                    children.append(item[key])
            if item.get("type") in (1, 9, 17, 18) or (children and "custom_id" not in item):
                walk(children)
                continue
            emoji = item.get("emoji")
            found.append(
                ComponentInfo(
                    type=int(item.get("type", 0)),
                    custom_id=item.get("custom_id"),
                    label=item.get("label"),
                    disabled=bool(item.get("disabled", False)),
                    style=item.get("style"),
                    url=item.get("url"),
                    emoji=emoji.get("name") if isinstance(emoji, dict) else None,
                    raw=item,
                )
            )

    walk(components or [])
    return found


@dataclass(frozen=True)
class Event:
    """One call the bot made, with the JSON body Discord would have received.

    ``kind`` is one of ``response`` (a message as the interaction's answer), ``defer``
    (thinking…), ``defer_update`` (a component acknowledged, no message), ``update`` (a
    component's message edited as the answer), ``modal``, ``autocomplete``,
    ``edit_original``, ``delete_original``, ``followup``, ``edit_followup``,
    ``delete_followup``. ``payload`` is the message data (for callbacks, the ``data`` part).
    """

    kind: str
    token: str
    interaction_id: int | None
    message_id: int | None
    payload: dict[str, Any]
    files: tuple[SentFile, ...] = ()
    response_type: int | None = None
    # The first followup after a thinking defer lands in the "thinking…" message.
    replaced_loading: bool = False

    @property
    def content(self) -> str | None:
        """The content sent, or ``None`` when the call left the content alone."""
        value = self.payload.get("content")
        return None if value is None else str(value)

    @property
    def sets_content(self) -> bool:
        return "content" in self.payload

    @property
    def embeds(self) -> list[dict[str, Any]] | None:
        return self.payload.get("embeds")

    @property
    def components(self) -> list[ComponentInfo] | None:
        """The components sent (``[]`` removes them), or ``None`` when left alone."""
        if "components" not in self.payload:
            return None
        return flatten_components(self.payload["components"])

    @property
    def buttons(self) -> list[ComponentInfo]:
        return [c for c in self.components or [] if c.is_button]

    @property
    def custom_ids(self) -> list[str]:
        return [c.custom_id for c in self.components or [] if c.custom_id is not None]

    @property
    def labels(self) -> list[str]:
        return [c.label for c in self.components or [] if c.label is not None]

    @property
    def flags(self) -> int:
        return int(self.payload.get("flags") or 0)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def allowed_mentions(self) -> dict[str, Any] | None:
        return self.payload.get("allowed_mentions")

    @property
    def pings_nobody(self) -> bool:
        """Whether allowed_mentions was sent and lets no mention ping anyone."""
        mentions = self.allowed_mentions
        if mentions is None:
            return False
        return (
            mentions.get("parse") == []
            and not mentions.get("users")
            and not mentions.get("roles")
            and not mentions.get("replied_user", False)
        )

    @property
    def modal_title(self) -> str | None:
        return self.payload.get("title") if self.kind == "modal" else None

    @property
    def modal_custom_id(self) -> str | None:
        return self.payload.get("custom_id") if self.kind == "modal" else None


@dataclass
class RecordedMessage:
    """A message as members would see it now, after every edit so far."""

    id: int
    channel_id: int
    guild_id: int | None
    token: str  # the interaction whose response or followup created it
    is_original: bool
    message_type: int
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[dict[str, Any]] = field(default_factory=list)
    files: list[SentFile] = field(default_factory=list)
    flags: int = 0
    deleted: bool = False
    edits: int = 0
    created_at: datetime.datetime = field(default_factory=utcnow)
    edited_at: datetime.datetime | None = None
    history: list[str] = field(default_factory=list)  # every content it showed, in order

    @property
    def loading(self) -> bool:
        return bool(self.flags & LOADING)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def component_infos(self) -> list[ComponentInfo]:
        return flatten_components(self.components)

    @property
    def buttons(self) -> list[ComponentInfo]:
        return [c for c in self.component_infos if c.is_button]

    def component(
        self, custom_id: str | None = None, *, label: str | None = None
    ) -> ComponentInfo | None:
        for info in self.component_infos:
            if custom_id is not None and info.custom_id == custom_id:
                return info
            if label is not None and info.label == label and info.custom_id is not None:
                return info
        return None

    def to_payload(self, author: dict[str, Any], application_id: int) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "id": str(self.id),
            "channel_id": str(self.channel_id),
            "type": self.message_type,
            "content": self.content,
            "author": author,
            "timestamp": _iso(self.created_at),
            "edited_timestamp": _iso(self.edited_at) if self.edited_at else None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": list(self.attachments),
            "embeds": list(self.embeds),
            "pinned": False,
            "flags": self.flags,
            "components": list(self.components),
            "webhook_id": str(application_id),
            "application_id": str(application_id),
        }
        if self.guild_id is not None:
            payload["guild_id"] = str(self.guild_id)
        return payload


@dataclass
class InteractionRecord:
    """What the recorder knows of one interaction (registered before it is dispatched)."""

    id: int
    token: str
    type: int
    channel_id: int
    guild_id: int | None
    source_message_id: int | None = None  # the message a component or modal came from
    response_type: int | None = None
    original_id: int | None = None

    @property
    def responded(self) -> bool:
        return self.response_type is not None


__all__ = [
    "EPHEMERAL",
    "LOADING",
    "ComponentInfo",
    "Event",
    "InteractionRecord",
    "RecordedMessage",
    "SentFile",
    "flatten_components",
]
