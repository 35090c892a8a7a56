"""A stand-in for Discord's interaction endpoints that records what the bot sends.

discord.py sends every interaction response, original-response edit and followup through
the webhook adapter found in ``discord.webhook.async_.async_context``. ``Recorder``
subclasses that adapter: each call becomes an :class:`Event` (what was sent, as Discord
would receive it) and updates a :class:`RecordedMessage` (what members would now see), and
the answer is the JSON Discord would give, so discord.py builds real ``InteractionMessage``
and ``WebhookMessage`` objects whose ``.edit()`` and ``.delete()`` come back here.

It also answers like Discord where a bot can go wrong: a second response to one interaction
is a 400 (40060), content over 2000 characters or an empty message a 400, an edit of a
deleted message a 404, and the first followup after ``defer(thinking=True)`` replaces the
"thinking…" message instead of posting a new one. ``fail_next`` makes the next call fail
on purpose (a 404, a 429, a 500).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import discord
from discord.utils import time_snowflake, utcnow
from discord.webhook.async_ import AsyncWebhookAdapter, async_context

MESSAGE_LIMIT = 2000
EPHEMERAL = 1 << 6
LOADING = 1 << 7
# Flags a bot may set when it sends a message: suppress embeds, ephemeral, silent, components v2.
_SENDABLE_FLAGS = (1 << 2) | EPHEMERAL | (1 << 12) | (1 << 15)

# Interaction callback types (discord.InteractionResponseType values).
PONG, MESSAGE, DEFER, DEFER_UPDATE, UPDATE, AUTOCOMPLETE, MODAL = 1, 4, 5, 6, 7, 8, 9
_CALLBACK_KINDS = {
    PONG: "pong",
    MESSAGE: "response",
    DEFER: "defer",
    DEFER_UPDATE: "defer_update",
    UPDATE: "update",
    AUTOCOMPLETE: "autocomplete",
    MODAL: "modal",
    12: "launch_activity",
}

_last_snowflake = 0


def new_snowflake() -> int:
    """A fresh Discord id, increasing, with the current time in it (so tokens look fresh)."""
    global _last_snowflake
    _last_snowflake = max(time_snowflake(utcnow()), _last_snowflake + 1)
    return _last_snowflake


def _iso(moment: datetime.datetime) -> str:
    return moment.isoformat()


# --- what was sent ----------------------------------------------------------------------


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


# --- failing on purpose -----------------------------------------------------------------


class _FakeResponse:
    """Just enough of aiohttp's response for discord.HTTPException."""

    def __init__(self, status: int, reason: str) -> None:
        self.status = status
        self.reason = reason
        self.headers: dict[str, str] = {}


_REASONS = {400: "Bad Request", 403: "Forbidden", 404: "Not Found", 429: "Too Many Requests"}


def http_error(status: int, code: int = 0, message: str = "") -> discord.HTTPException:
    """The exception discord.py raises for this status, as its webhook adapter would."""
    response: Any = _FakeResponse(status, _REASONS.get(status, "Server Error"))
    body: dict[str, Any] = {"code": code, "message": message}
    if status == 429:
        body["retry_after"] = 1.0
    if status == 404:
        return discord.NotFound(response, body)
    if status == 403:
        return discord.Forbidden(response, body)
    if status >= 500:
        return discord.DiscordServerError(response, body)
    return discord.HTTPException(response, body)


def _unknown_message() -> discord.HTTPException:
    return http_error(404, 10008, "Unknown Message")


@dataclass
class _PlannedFailure:
    status: int
    code: int
    message: str
    kinds: Collection[str] | None
    remaining: int


# --- the adapter --------------------------------------------------------------------------


class Recorder(AsyncWebhookAdapter):
    """Records interaction traffic instead of sending it; see the module docstring."""

    MESSAGE_KINDS: ClassVar[frozenset[str]] = frozenset(
        {"response", "update", "edit_original", "followup", "edit_followup"}
    )

    def __init__(
        self, *, application_id: int, bot_user: dict[str, Any], keep_history: bool = True
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.application_id = application_id
        self.bot_user = bot_user
        # Load runs turn this off: a recorder that kept every edit's payload would grow
        # the heap (and Python's collection pauses) far past what the bot itself keeps.
        self.keep_history = keep_history
        self.events: list[Event] = []
        self.messages: dict[int, RecordedMessage] = {}
        self.interactions: dict[str, InteractionRecord] = {}
        self._failures: list[_PlannedFailure] = []
        self._listeners: list[Callable[[Event], None]] = []

    def install(self) -> None:
        """Make discord.py send through this recorder from the current context on."""
        async_context.set(self)

    # -- registration and queries --

    def register(self, payload: dict[str, Any]) -> InteractionRecord:
        """Remember an INTERACTION_CREATE payload before discord.py sees it."""
        message = payload.get("message")
        record = InteractionRecord(
            id=int(payload["id"]),
            token=payload["token"],
            type=int(payload["type"]),
            channel_id=int(payload["channel"]["id"]),
            guild_id=int(payload["guild_id"]) if payload.get("guild_id") else None,
            source_message_id=int(message["id"]) if message else None,
        )
        self.interactions[record.token] = record
        return record

    def events_for(self, token: str) -> list[Event]:
        return [event for event in self.events if event.token == token]

    def messages_for(self, token: str, *, include_deleted: bool = False) -> list[RecordedMessage]:
        """Messages created by this interaction's response and followups, oldest first."""
        return [
            message
            for message in self.messages.values()
            if message.token == token and (include_deleted or not message.deleted)
        ]

    def visible_messages(self) -> list[RecordedMessage]:
        return [message for message in self.messages.values() if not message.deleted]

    def message_payload(self, message_id: int) -> dict[str, Any]:
        return self.messages[message_id].to_payload(self.bot_user, self.application_id)

    def on_event(self, listener: Callable[[Event], None]) -> None:
        self._listeners.append(listener)

    def __iter__(self) -> Iterator[Event]:
        return iter(self.events)

    def fail_next(
        self,
        status: int = 500,
        *,
        code: int = 0,
        message: str = "",
        kinds: Collection[str] | None = None,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` calls (of these event ``kinds``, or any) fail with ``status``.

        discord.py retries a 429 only when Discord's proxy sent it; a bare 429 (Cloudflare)
        surfaces as an HTTPException, which is what this raises.
        """
        self._failures.append(_PlannedFailure(status, code, message, kinds, times))

    # -- the endpoints interactions use --
    # (They answer with plain JSON dicts, as Discord does, and take the HTTP session and
    # proxy arguments as ``**_``: hence the override ignores.)

    async def request(self, route: Any, session: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"unexpected webhook request in a test: {route.method} {route.url}")

    async def create_interaction_response(  # type: ignore[override]
        self, interaction_id: int, token: str, *, params: Any, **_: Any
    ) -> dict[str, Any]:
        body = _body(params.payload, params.multipart)
        response_type = int(body["type"])
        data: dict[str, Any] = body.get("data") or {}
        kind = _CALLBACK_KINDS.get(response_type, f"callback_{response_type}")
        self._maybe_fail(kind)
        record = self.interactions.get(token)
        if record is None or record.id != interaction_id:
            raise http_error(404, 10062, "Unknown interaction")
        if record.responded:
            raise http_error(400, 40060, "Interaction has already been acknowledged.")

        files = _read_files(params.files)
        message: RecordedMessage | None = None
        if response_type == MESSAGE:
            message = self._new_message(record, data, files, is_original=True)
        elif response_type == DEFER:
            message = self._new_message(
                record, {"flags": (data.get("flags") or 0) | LOADING}, (), is_original=True
            )
        elif response_type in (DEFER_UPDATE, UPDATE):
            if record.source_message_id is None or record.source_message_id not in self.messages:
                raise http_error(400, 40004, "This interaction has no message to update")
            message = self.messages[record.source_message_id]
            if response_type == UPDATE:
                self._apply_edit(message, data, files)

        record.response_type = response_type
        if message is not None:
            record.original_id = message.id
        self._record(
            Event(
                kind,
                token,
                interaction_id,
                message.id if message else None,
                data,
                files,
                response_type=response_type,
            )
        )

        answer: dict[str, Any] = {
            "interaction": {
                "id": str(interaction_id),
                "type": record.type,
                "response_message_loading": response_type == DEFER,
                "response_message_ephemeral": bool(message and message.ephemeral),
            },
            "resource": {"type": response_type},
        }
        if message is not None:
            answer["interaction"]["response_message_id"] = str(message.id)
            if response_type in (MESSAGE, DEFER, UPDATE):
                answer["resource"]["message"] = self._payload(message)
        return answer

    async def get_original_interaction_response(  # type: ignore[override]
        self, application_id: int, token: str, **_: Any
    ) -> dict[str, Any]:
        return self._payload(self._original(token))

    async def edit_original_interaction_response(  # type: ignore[override]
        self,
        application_id: int,
        token: str,
        *,
        payload: dict[str, Any] | None = None,
        multipart: list[dict[str, Any]] | None = None,
        files: Sequence[discord.File] | None = None,
        **_: Any,
    ) -> dict[str, Any]:
        self._maybe_fail("edit_original")
        message = self._original(token)
        data = _body(payload, multipart)
        sent = _read_files(files)
        self._apply_edit(message, data, sent)
        self._record(Event("edit_original", token, self._id_of(token), message.id, data, sent))
        return self._payload(message)

    async def delete_original_interaction_response(
        self, application_id: int, token: str, **_: Any
    ) -> None:
        self._maybe_fail("delete_original")
        message = self._original(token)
        message.deleted = True
        self._record(Event("delete_original", token, self._id_of(token), message.id, {}))

    async def execute_webhook(  # type: ignore[override]
        self,
        webhook_id: int,
        token: str,
        *,
        payload: dict[str, Any] | None = None,
        multipart: list[dict[str, Any]] | None = None,
        files: Sequence[discord.File] | None = None,
        wait: bool = False,
        **_: Any,
    ) -> dict[str, Any] | None:
        self._maybe_fail("followup")
        record = self.interactions.get(token)
        if record is None or not record.responded:
            raise http_error(404, 10015, "Unknown Webhook")
        data = _body(payload, multipart)
        sent = _read_files(files)
        original = self.messages.get(record.original_id) if record.original_id else None
        if original is not None and original.loading and not original.deleted:
            # Discord's rule: after a thinking defer the first followup *is* the deferred
            # message, public or ephemeral as the defer was, whatever the followup asked.
            self._apply_edit(original, {**data, "flags": original.flags & ~LOADING}, sent)
            message, replaced = original, True
        else:
            self._validate_new(data, sent)
            message = self._new_message(record, data, sent, is_original=False)
            replaced = False
        event = Event("followup", token, record.id, message.id, data, sent)
        self._record(_with_replaced(event, replaced))
        return self._payload(message) if wait else None

    async def get_webhook_message(  # type: ignore[override]
        self, webhook_id: int, token: str, message_id: int, **_: Any
    ) -> dict[str, Any]:
        return self._payload(self._existing(message_id))

    async def edit_webhook_message(  # type: ignore[override]
        self,
        webhook_id: int,
        token: str,
        message_id: int,
        *,
        payload: dict[str, Any] | None = None,
        multipart: list[dict[str, Any]] | None = None,
        files: Sequence[discord.File] | None = None,
        **_: Any,
    ) -> dict[str, Any]:
        kind = "edit_original" if self._is_original(token, message_id) else "edit_followup"
        self._maybe_fail(kind)
        message = self._existing(message_id)
        data = _body(payload, multipart)
        sent = _read_files(files)
        self._apply_edit(message, data, sent)
        self._record(Event(kind, token, self._id_of(token), message_id, data, sent))
        return self._payload(message)

    async def delete_webhook_message(
        self, webhook_id: int, token: str, message_id: int, **_: Any
    ) -> None:
        kind = "delete_original" if self._is_original(token, message_id) else "delete_followup"
        self._maybe_fail(kind)
        message = self._existing(message_id)
        message.deleted = True
        self._record(Event(kind, token, self._id_of(token), message_id, {}))

    # -- helpers --

    def _record(self, event: Event) -> None:
        if self.keep_history:
            self.events.append(event)
        for listener in self._listeners:
            listener(event)

    def _maybe_fail(self, kind: str) -> None:
        for planned in self._failures:
            if planned.kinds is None or kind in planned.kinds:
                planned.remaining -= 1
                if planned.remaining <= 0:
                    self._failures.remove(planned)
                raise http_error(planned.status, planned.code, planned.message)

    def _id_of(self, token: str) -> int | None:
        record = self.interactions.get(token)
        return record.id if record else None

    def _is_original(self, token: str, message_id: int) -> bool:
        record = self.interactions.get(token)
        return record is not None and record.original_id == message_id

    def _original(self, token: str) -> RecordedMessage:
        record = self.interactions.get(token)
        if record is None:
            raise http_error(404, 10015, "Unknown Webhook")
        if record.original_id is None:
            raise _unknown_message()
        return self._existing(record.original_id)

    def _existing(self, message_id: int) -> RecordedMessage:
        message = self.messages.get(message_id)
        if message is None or message.deleted:
            raise _unknown_message()
        return message

    def _payload(self, message: RecordedMessage) -> dict[str, Any]:
        return message.to_payload(self.bot_user, self.application_id)

    def _new_message(
        self,
        record: InteractionRecord,
        data: dict[str, Any],
        files: Sequence[SentFile],
        *,
        is_original: bool,
    ) -> RecordedMessage:
        flags = int(data.get("flags") or 0)
        if not flags & LOADING:
            self._validate_new(data, files)
        message = RecordedMessage(
            id=new_snowflake(),
            channel_id=record.channel_id,
            guild_id=record.guild_id,
            token=record.token,
            is_original=is_original,
            # A chat-input command's answer is a "chat input command" message (type 20).
            message_type=20 if is_original and record.type == 2 else 0,
            flags=flags & (_SENDABLE_FLAGS | LOADING),
        )
        self._fill(message, data, files)
        self.messages[message.id] = message
        return message

    def _validate_new(self, data: dict[str, Any], files: Sequence[SentFile]) -> None:
        _check_content(data.get("content"))
        if not (
            data.get("content")
            or data.get("embeds")
            or data.get("components")
            or files
            or data.get("poll")
            or data.get("sticker_ids")
        ):
            raise http_error(400, 50006, "Cannot send an empty message")

    def _apply_edit(
        self, message: RecordedMessage, data: dict[str, Any], files: Sequence[SentFile]
    ) -> None:
        _check_content(data.get("content"))
        was_loading = message.loading
        trial = RecordedMessage(**{**message.__dict__, "history": list(message.history)})
        self._fill(trial, data, files)
        if was_loading:
            trial.flags &= ~LOADING
        if not (trial.content or trial.embeds or trial.components or trial.attachments):
            raise http_error(400, 50006, "Cannot send an empty message")
        trial.edits += 1
        trial.edited_at = utcnow()
        message.__dict__.update(trial.__dict__)

    def _fill(
        self, message: RecordedMessage, data: dict[str, Any], files: Sequence[SentFile]
    ) -> None:
        if "content" in data:
            message.content = data["content"] or ""
            if self.keep_history:
                message.history.append(message.content)
        if "embeds" in data:
            message.embeds = list(data["embeds"] or [])
        if "components" in data:
            message.components = list(data["components"] or [])
        if "flags" in data and data["flags"] is not None:
            keep = message.flags & (EPHEMERAL | LOADING)
            message.flags = keep | (int(data["flags"]) & _SENDABLE_FLAGS & ~EPHEMERAL)
        if "attachments" in data or files:
            kept = [
                attachment
                for attachment in message.attachments
                if any(
                    str(sent.get("id")) == attachment["id"] for sent in data.get("attachments", [])
                )
            ]
            if "attachments" not in data:
                kept = list(message.attachments)
            new = [self._attachment(message, sent) for sent in files]
            message.attachments = kept + new
            message.files = [*message.files, *files]

    def _attachment(self, message: RecordedMessage, sent: SentFile) -> dict[str, Any]:
        attachment_id = new_snowflake()
        url = (
            f"https://cdn.discordapp.com/attachments/{message.channel_id}/"
            f"{attachment_id}/{sent.filename}"
        )
        return {
            "id": str(attachment_id),
            "filename": sent.filename,
            "size": len(sent.data),
            "url": url,
            "proxy_url": url,
        }


def _with_replaced(event: Event, replaced: bool) -> Event:
    if not replaced:
        return event
    return Event(
        event.kind,
        event.token,
        event.interaction_id,
        event.message_id,
        event.payload,
        event.files,
        replaced_loading=True,
    )


def _check_content(content: Any) -> None:
    if content is not None and len(str(content)) > MESSAGE_LIMIT:
        raise http_error(
            400,
            50035,
            f"Invalid Form Body: content must be {MESSAGE_LIMIT} or fewer in length "
            f"(got {len(str(content))})",
        )


def _body(payload: dict[str, Any] | None, multipart: list[dict[str, Any]] | None) -> dict[str, Any]:
    """The JSON part of a request, sent plain or as ``payload_json`` beside files."""
    if payload is not None:
        return payload
    for part in multipart or []:
        if part.get("name") == "payload_json":
            decoded: dict[str, Any] = json.loads(part["value"])
            return decoded
    return {}


def _read_files(files: Sequence[discord.File] | None) -> tuple[SentFile, ...]:
    sent = []
    for file in files or ():
        file.reset()
        sent.append(SentFile(file.filename or "untitled", file.fp.read()))
        file.reset()
    return tuple(sent)


__all__ = [
    "EPHEMERAL",
    "LOADING",
    "ComponentInfo",
    "Event",
    "InteractionRecord",
    "RecordedMessage",
    "Recorder",
    "SentFile",
    "flatten_components",
    "http_error",
    "new_snowflake",
]
