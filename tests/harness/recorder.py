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

What it keeps is plain data in :mod:`tests.harness.records`; the errors it answers with
come from :mod:`tests.harness.failures`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterator, Sequence
from typing import Any, ClassVar

import discord
from discord.utils import utcnow
from discord.webhook.async_ import AsyncWebhookAdapter, async_context

from tests.harness.failures import PlannedFailure, http_error
from tests.harness.records import (
    EPHEMERAL,
    LOADING,
    Event,
    InteractionRecord,
    RecordedMessage,
    SentFile,
)
from tests.harness.snowflakes import new_snowflake

MESSAGE_LIMIT = 2000
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


def _unknown_message() -> discord.HTTPException:
    return http_error(404, 10008, "Unknown Message")


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
        self._failures: list[PlannedFailure] = []
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
        self._failures.append(PlannedFailure(status, code, message, kinds, times))

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


__all__ = ["MESSAGE_LIMIT", "Recorder"]
