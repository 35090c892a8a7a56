"""The one interface every model backend speaks.

A backend turns a :class:`GenerationRequest` into an async stream of :class:`Delta` s.
Cancellation is the consumer's business: it stops iterating and closes the stream
(``await stream.aclose()``, or leaving an ``async with contextlib.aclosing(...)`` block);
the backend then stops generating (the embedded backend stops its worker thread, the
OpenAI-compatible backend closes the HTTP stream so vLLM aborts the request).

This module imports nothing heavy: services and tests depend on it freely.
"""

from __future__ import annotations

import enum
from collections.abc import AsyncGenerator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

from inkwell.errors import InkwellError

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True, slots=True)
class ChatMessage:
    role: Role
    content: str


@dataclass(frozen=True, slots=True)
class Sampling:
    """Sampling knobs shared by every backend (vLLM names and meanings)."""

    temperature: float = 0.8
    top_p: float = 0.95
    top_k: int = 50
    max_tokens: int = 400
    repetition_penalty: float = 1.1
    stop: tuple[str, ...] = ()
    n: int = 1
    seed: int | None = None


@dataclass(frozen=True, slots=True)
class GenerationRequest:
    messages: tuple[ChatMessage, ...]
    sampling: Sampling = field(default_factory=Sampling)
    # vLLM's priority scheduling: lower values are served first. Interactive commands use
    # INTERACTIVE_PRIORITY, background work (relay AI turns, summaries) BACKGROUND_PRIORITY.
    priority: int = 0
    # A JSON schema the output must follow (structured output). Backends that cannot
    # enforce one ignore it; callers always validate what comes back.
    json_schema: Mapping[str, Any] | None = None
    # A regular expression the whole output must match (structured output), in the basic
    # subset every engine accepts: no look-arounds, back-references or lazy quantifiers.
    # Backends that cannot enforce one ignore it, as for json_schema.
    regex: str | None = None
    # If set, the model's reply is continued from this text (assistant prefill).
    continue_from: str | None = None


INTERACTIVE_PRIORITY = 0
BACKGROUND_PRIORITY = 10


@dataclass(frozen=True, slots=True)
class Delta:
    """A piece of text for variant ``index``; ``finish_reason`` is set on its last piece."""

    index: int
    text: str
    finish_reason: str | None = None


class BackendError(InkwellError):
    """A backend failed, or refused the request.

    Two readers, two texts. ``str(error)`` is for the member (the
    :class:`~inkwell.errors.InkwellError` promise): a plain sentence about what they can do.
    :attr:`operator_detail` is for whoever runs Inkwell: the server's address, its own words,
    the fix. It goes to the log and to the terminal (the playground, start-up), never to a
    member; without one it is the member's sentence.
    """

    def __init__(self, message: str, *, operator_detail: str | None = None) -> None:
        super().__init__(message)
        self.operator_detail = operator_detail or message


class BackendUnavailable(BackendError):
    """The backend cannot serve: server down, too slow, or model missing."""


class PromptTooLong(BackendError):
    """The request does not fit the model's context window (prompt plus the text asked for).

    Not :class:`BackendUnavailable`: the server is fine, and asking again unchanged fails again.
    """


# What members are told. Each names something they can do; the operator's version of the
# same failure (which server, what it said, what to fix) is the error's operator_detail.
PROMPT_TOO_LONG = "That's too long for the model's context; try a shorter prompt."
SERVER_REFUSED = "The model server refused this request."
SERVER_DOWN = "The model server isn't answering right now; try again in a minute."
SERVER_BUSY = (
    "The model is busy with other requests and yours didn't get its turn; "
    "try again in a few minutes."
)
NOT_SET_UP = "The model isn't set up to answer the bot; the operator can see why in the log."
MODEL_FAILED = "The model failed while writing; try again."
STOPPED_WRITING = "The model server stopped while writing; what was written is kept."


def for_the_operator(error: InkwellError) -> str:
    """What the person running Inkwell should read about ``error``: a backend error's
    :attr:`~BackendError.operator_detail`, any other error's own sentence."""
    return error.operator_detail if isinstance(error, BackendError) else str(error)


class QueueState(enum.Enum):
    """What a model server says of itself while a request of ours has had no word yet."""

    # Requests are waiting, or running (a long prompt of ours may be being read): ours is
    # waiting its turn.
    BUSY = "busy"
    # No answer to the question, or nothing running and nothing waiting although ours has
    # had no word: the server looks stuck.
    STUCK = "stuck"


@runtime_checkable
class Backend(Protocol):
    """A source of generated text.

    A backend that can tell why a request is silent also has ``queue_state`` (see
    :class:`KnowsItsQueue`); callers ask through :func:`queue_state_of`, which answers
    ``None`` for backends that can't tell.
    """

    @property
    def name(self) -> str:
        """A short label for logs and the playground banner, e.g. ``embedded:SmolLM2``."""
        ...

    async def start(self) -> None:
        """Load the model or check the server; raise :class:`BackendUnavailable` if not possible."""
        ...

    def stream(self, request: GenerationRequest) -> AsyncGenerator[Delta, None]:
        """Generate ``request.sampling.n`` variants, yielding their text as it is made."""
        ...

    async def close(self) -> None:
        """Release the model or the HTTP client."""
        ...


@runtime_checkable
class KnowsItsQueue(Protocol):
    """A backend that can say why a request has had no word yet.

    Optional, so that a backend (or a test double) without a queue to ask needs nothing.
    """

    async def queue_state(self) -> QueueState | None:
        """What the server says now (a short question); ``None``: it can't tell."""
        ...


async def queue_state_of(backend: Backend) -> QueueState | None:
    """Why ``backend`` is silent, as far as it can tell; ``None`` when it can't."""
    if isinstance(backend, KnowsItsQueue):
        return await backend.queue_state()
    return None
