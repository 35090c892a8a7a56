"""Everything that turns a prompt into tokens. Knows nothing of Discord or SQLite."""

from inkwell.serving.backend import (
    Backend,
    BackendError,
    BackendUnavailable,
    ChatMessage,
    Delta,
    GenerationRequest,
    Sampling,
)

__all__ = [
    "Backend",
    "BackendError",
    "BackendUnavailable",
    "ChatMessage",
    "Delta",
    "GenerationRequest",
    "Sampling",
]
