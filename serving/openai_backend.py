"""The OpenAI-compatible backend: streams chat completions from a vLLM server (or similar).

One HTTP request per :class:`GenerationRequest`, ``n`` variants included: vLLM batches them
and shares the prompt's KV cache. vLLM's own knobs (``priority``, ``structured_outputs``,
``stream_interval``…) go in the same JSON body. Closing the stream closes the connection,
and vLLM aborts a request whose client has gone.

Two waits are bounded separately. vLLM answers with headers at once and sends the first
event when the request is scheduled, so a busy server keeps a request silent while it waits
in the queue: that wait gets ``queue_timeout`` (minutes; giving up would only send the member
to the back of the queue). Once the server has started, silence longer than
``read_timeout`` means it is stuck. Within either wait, a stream silent for ``silence_check``
seconds asks whether the server still accepts connections: one shutting down stops at once
but can hold its open streams, silent, until it is killed, and those end there and then.
A connection dropped mid-answer fails at once; the text already yielded is the caller's.

The client is aiohttp (already here for discord.py) speaking the chat-completions protocol
directly, as vLLM's own benchmark client does. The ``openai`` SDK turned every request's
parameters into typed models, built a typed object per chunk, and its connection pool
rescanned every open connection for each new request. Measured with ``python -m bench``
against a paced server in another process (bench/RESULTS.md): with the SDK, p99 overhead at
200 concurrent commands was 12–46 ms and 200 simultaneous commands took ~1 ms more each.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Any

import aiohttp

from inkwell.serving.backend import (
    NOT_SET_UP,
    PROMPT_TOO_LONG,
    SERVER_BUSY,
    SERVER_DOWN,
    SERVER_REFUSED,
    STOPPED_WRITING,
    BackendError,
    BackendUnavailable,
    Delta,
    GenerationRequest,
    PromptTooLong,
    QueueState,
)
from inkwell.serving.server_probe import (
    SharedQuestion,
    probe_session,
    queue_state_from_metrics,
    still_listening,
)

log = logging.getLogger(__name__)

# vLLM without --api-key accepts any key. Sending a placeholder also keeps a developer's
# OPENAI_API_KEY from being sent to a local server.
_PLACEHOLDER_API_KEY = "EMPTY"
_DATA = b"data:"
_DONE = b"[DONE]"
# For the operator, with every "not reachable": the two usual causes.
_START_HINT = (
    "Is it running? Start one with `inkwell serve`, or point INKWELL_LLM__BASE_URL at yours."
)


class OpenAIBackend:
    """Generates through an OpenAI-compatible ``/v1/chat/completions`` endpoint."""

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str | None = None,
        connect_timeout: float = 5.0,
        read_timeout: float = 60.0,
        queue_timeout: float = 300.0,
        stream_interval: int = 1,
        silence_check: float = 5.0,
        probe_timeout: float = 2.0,
    ) -> None:
        self._base_url = base_url.rstrip("/")
        self._model = model
        self._api_key = api_key
        self._connect_timeout = connect_timeout
        self._read_timeout = read_timeout
        self._queue_timeout = queue_timeout
        self._stream_interval = stream_interval
        self._silence_check = silence_check
        self._probe_timeout = probe_timeout
        self._session: aiohttp.ClientSession | None = None
        # Questions about the server while a stream is silent: on connections of their own,
        # each asked once for all the streams that wonder at the same time.
        self._probes: aiohttp.ClientSession | None = None
        self._still_listening = SharedQuestion(self._ask_if_listening, fresh_for=silence_check)
        # Every piece silent after the same few seconds asks at once; one question answers all.
        self._ask_queue = SharedQuestion(self._ask_about_the_queue, fresh_for=1.0)
        # vLLM refuses a non-zero priority unless started with --scheduling-policy priority.
        # After one such refusal we stop sending it rather than fail every background job.
        self._send_priority = True

    @property
    def name(self) -> str:
        return f"openai:{self._model}@{self._base_url}"

    @property
    def _where(self) -> str:
        """How the operator's texts name the server: by its address, which members never see."""
        return f"The model server at {self._base_url}"

    def _down(self, detail: str) -> BackendUnavailable:
        return BackendUnavailable(SERVER_DOWN, operator_detail=f"{self._where} {detail}")

    async def start(self) -> None:
        if self._session is not None:
            return
        session = aiohttp.ClientSession(
            headers={"Authorization": f"Bearer {self._api_key or _PLACEHOLDER_API_KEY}"},
            # Reads are bounded by stream(): the queue and the stream have different limits.
            timeout=aiohttp.ClientTimeout(total=None, sock_connect=self._connect_timeout),
            # No client-side cap on connections: the server queues and schedules requests
            # (vLLM by priority); a cap here would hold them back where nobody sees them.
            connector=aiohttp.TCPConnector(limit=0),
        )
        try:
            await self._check_model_served(session)
        except BaseException:
            await session.close()
            raise
        self._session = session
        self._probes = probe_session()

    async def _check_model_served(self, session: aiohttp.ClientSession) -> None:
        try:
            async with session.get(
                self._models_url,
                timeout=aiohttp.ClientTimeout(total=self._connect_timeout),
            ) as response:
                if response.status != 200:
                    raise self._status_error(response.status, await response.text())
                page = await response.json()
        except (aiohttp.ClientError, TimeoutError, json.JSONDecodeError) as error:
            raise self._translate(error, waited=self._connect_timeout) from error
        served = [model.get("id") for model in page.get("data", [])]
        if self._model not in served:
            listing = ", ".join(str(name) for name in served) if served else "none"
            raise BackendUnavailable(
                NOT_SET_UP,
                operator_detail=(
                    f"{self._where} does not serve the model {self._model!r} "
                    f"(it serves: {listing}); set INKWELL_LLM__MODEL to one of those."
                ),
            )

    async def close(self) -> None:
        for session in (self._session, self._probes):
            if session is not None:
                await session.close()
        self._session = self._probes = None

    @property
    def _models_url(self) -> str:
        return f"{self._base_url}/models"

    async def queue_state(self) -> QueueState | None:
        """Why our requests are silent, from vLLM's ``/metrics``: others queued or running
        (busy), or nothing at all, or no answer (stuck). ``None`` from a server without
        those metrics (not vLLM, or served under another path)."""
        return await self._ask_queue()

    async def _ask_about_the_queue(self) -> QueueState | None:
        if self._probes is None:
            return None
        # vLLM serves /metrics beside /v1, at the server's root.
        metrics_url = f"{self._base_url.removesuffix('/v1')}/metrics"
        state = await queue_state_from_metrics(self._probes, metrics_url, self._probe_timeout)
        if state is QueueState.STUCK:
            log.warning("%s has had no word for a request and looks stuck", self._base_url)
        return state

    async def _ask_if_listening(self) -> bool:
        if self._probes is None:  # closed meanwhile: nobody is waiting for this answer
            return True
        return await still_listening(self._probes, self._models_url, self._probe_timeout)

    async def stream(self, request: GenerationRequest) -> AsyncGenerator[Delta, None]:
        if self._session is None or self._probes is None:
            raise self._down("is not connected: stream() was called before start().")
        response = await self._open_stream(self._session, request)
        unfinished = set(range(request.sampling.n))
        done = started = wrote = False
        watch = _SilenceWatch(self._silence_check, self._still_listening, hang_up=response.close)
        try:
            while line := await self._next_line(response.content, started=started):
                watch.heard()
                if not line.startswith(_DATA):
                    continue  # blank separators, comments, other SSE fields
                started = True
                data = line[len(_DATA) :].strip()
                if data == _DONE:
                    done = True
                    break
                event = json.loads(data)
                if "error" in event:
                    status = _status_of(event)
                    if status is not None and not wrote:
                        # vLLM refuses some requests only once streaming (an output schema it
                        # can't compile: HTTP 200, then an error event with code 400).
                        raise self._status_error(status, data.decode("utf-8", "replace"))
                    raise self._broke_off(f"broke off the answer: {_message_of(event)}", wrote)
                for choice in event.get("choices", ()):
                    text = (choice.get("delta") or {}).get("content") or ""
                    finish_reason = choice.get("finish_reason")
                    if finish_reason is not None:
                        unfinished.discard(choice["index"])
                    if text or finish_reason is not None:
                        wrote = wrote or bool(text)
                        yield Delta(choice["index"], text, finish_reason)
        except (aiohttp.ClientError, TimeoutError, json.JSONDecodeError) as error:
            # The connection dropped (the server stopped or was killed, a proxy gave up),
            # or it went silent, or it sent nonsense: whatever arrived was already yielded.
            if watch.gone:
                detail = "stopped accepting connections (shutting down?) during the answer."
            else:
                detail = self._what_happened(error)
            raise self._broke_off(detail, wrote) from error
        finally:
            watch.close()
            if done:
                response.release()  # the connection goes back to the pool
            else:
                # Stop, an error or cancellation: dropping the connection makes vLLM abort.
                response.close()
        if unfinished:
            raise self._broke_off("ended the stream before the text was finished.", wrote)

    def _broke_off(self, detail: str, wrote: bool) -> BackendUnavailable:
        """The stream ended early. A member who has read some of the text already is told it
        stays; one who read nothing, that the server isn't answering."""
        if not wrote:
            return self._down(detail)
        return BackendUnavailable(STOPPED_WRITING, operator_detail=f"{self._where} {detail}")

    async def _open_stream(
        self, session: aiohttp.ClientSession, request: GenerationRequest
    ) -> aiohttp.ClientResponse:
        with_priority = self._send_priority and request.priority != 0
        response = await self._post(session, self._body(request, with_priority=with_priority))
        if response.status == 200:
            return response
        status, text = await self._refusal(response)
        if not (with_priority and status == 400 and _refuses_priority(text)):
            raise self._status_error(status, text)
        log.warning(
            "%s has priority scheduling off (vLLM: --scheduling-policy priority); "
            "sending requests without priority from now on",
            self._base_url,
        )
        self._send_priority = False
        response = await self._post(session, self._body(request, with_priority=False))
        if response.status == 200:
            return response
        raise self._status_error(*await self._refusal(response))

    async def _refusal(self, response: aiohttp.ClientResponse) -> tuple[int, str]:
        """The status and body of a non-200 answer; the connection goes back to the pool."""
        try:
            async with asyncio.timeout(self._read_timeout):
                return response.status, await response.text()
        except (aiohttp.ClientError, TimeoutError) as error:
            raise self._translate(error) from error
        finally:
            response.release()

    async def _post(
        self, session: aiohttp.ClientSession, body: dict[str, Any]
    ) -> aiohttp.ClientResponse:
        try:
            async with asyncio.timeout(self._read_timeout):  # vLLM sends headers at once
                return await session.post(f"{self._base_url}/chat/completions", json=body)
        except (aiohttp.ClientError, TimeoutError) as error:
            raise self._translate(error) from error

    async def _next_line(self, content: aiohttp.StreamReader, *, started: bool) -> bytes:
        """The stream's next line (``b""`` at its end). Before the first event the request
        may be waiting in the server's queue; after it, the server should keep talking."""
        try:
            async with asyncio.timeout(self._read_timeout if started else self._queue_timeout):
                return await content.readline()
        except TimeoutError:
            if started:
                raise
            raise BackendUnavailable(
                SERVER_BUSY,
                operator_detail=(
                    f"{self._where} did not start on the request in {self._queue_timeout:g} s; "
                    "it is busy with others. It needs more capacity, or a longer "
                    "INKWELL_LLM__QUEUE_TIMEOUT."
                ),
            ) from None

    def _body(self, request: GenerationRequest, *, with_priority: bool) -> dict[str, Any]:
        sampling = request.sampling
        messages = [{"role": m.role, "content": m.content} for m in request.messages]
        body: dict[str, Any] = {
            "model": self._model,
            "messages": messages,
            "stream": True,
            "n": sampling.n,
            "temperature": sampling.temperature,
            "top_p": sampling.top_p,
            "max_tokens": sampling.max_tokens,
            # vLLM: -1 (or 0 in recent versions) means no top-k cut; -1 works everywhere.
            "top_k": sampling.top_k if sampling.top_k > 0 else -1,
            "repetition_penalty": sampling.repetition_penalty,
        }
        if sampling.stop:
            body["stop"] = list(sampling.stop)
        if sampling.seed is not None:
            body["seed"] = sampling.seed
        if with_priority:
            body["priority"] = request.priority
        if self._stream_interval > 1:
            # vLLM >= 0.11: tokens per streamed chunk; the first and last chunks come at once.
            body["stream_interval"] = self._stream_interval
        if request.json_schema is not None:
            # vLLM >= 0.12 (``guided_json`` before that, since removed).
            body["structured_outputs"] = {"json": dict(request.json_schema)}
        elif request.regex is not None:
            # vLLM 0.32 enforces it; the older ``guided_regex`` is accepted and ignored.
            body["structured_outputs"] = {"regex": request.regex}
        if request.continue_from:
            messages.append({"role": "assistant", "content": request.continue_from})
            body["continue_final_message"] = True
            body["add_generation_prompt"] = False
        return body

    def _status_error(self, status: int, text: str) -> BackendError:
        """An HTTP error answer, as a backend error: a sentence for the member, the status,
        the server's words and the fix for the operator."""
        where = self._where
        if status in (401, 403):
            return BackendUnavailable(
                NOT_SET_UP,
                operator_detail=(
                    f"{where} refused the API key (HTTP {status}); check INKWELL_LLM__API_KEY."
                ),
            )
        if status == 404:
            return BackendUnavailable(
                NOT_SET_UP,
                operator_detail=(
                    f"{where} has no OpenAI-compatible API or model {self._model!r} (HTTP 404); "
                    "check INKWELL_LLM__BASE_URL (it ends in /v1) and INKWELL_LLM__MODEL."
                ),
            )
        if status == 429:
            return BackendUnavailable(
                SERVER_BUSY,
                operator_detail=f"{where} is turning requests away (HTTP 429): {_message_in(text)}",
            )
        if status >= 500:
            return self._down(f"is failing (HTTP {status}): {_message_in(text)}")
        # A refusal of this request: the member gets a sentence to act on, the operator (in
        # the log) the server's own words, which name tokens, limits and parameters.
        detail = f"{where} refused the request (HTTP {status}): {_message_in(text)}"
        if status == 413 or _says_context_is_exceeded(text):
            return PromptTooLong(PROMPT_TOO_LONG, operator_detail=detail)
        return BackendError(SERVER_REFUSED, operator_detail=detail)

    def _translate(self, error: Exception, *, waited: float | None = None) -> BackendError:
        """Turn a client error into a backend error: the member is told the server isn't
        answering, the operator which server, what happened and what to check."""
        return self._down(self._what_happened(error, waited=waited))

    def _what_happened(self, error: Exception, *, waited: float | None = None) -> str:
        """A client error, for the operator, as the end of a sentence about the server."""
        if isinstance(error, aiohttp.ConnectionTimeoutError):
            return f"is not reachable (no connection in {self._connect_timeout:g} s). {_START_HINT}"
        if isinstance(error, TimeoutError):
            seconds = self._read_timeout if waited is None else waited
            return f"did not answer in {seconds:g} s; its own log may say why."
        if isinstance(error, aiohttp.ClientConnectorError):
            return f"is not reachable ({error.os_error}). {_START_HINT}"
        if isinstance(error, json.JSONDecodeError):
            return f"sent something that is not JSON ({error})."
        if isinstance(error, aiohttp.ClientPayloadError | aiohttp.ServerDisconnectedError):
            return f"dropped the connection during the answer ({error})."
        return f"broke off the answer: {error}"


class _SilenceWatch:
    """While a stream is silent, asks now and then whether its server is still there, and
    hangs the stream up when it is not, so the wait for the next line ends at once rather
    than when the server is finally killed or the read timeout runs out.

    One timer per stream, every ``every`` seconds, whatever the number of lines: a line only
    bumps a counter. The question is asked after between one and two periods of silence.
    """

    def __init__(
        self,
        every: float,
        still_there: Callable[[], Awaitable[bool]],
        *,
        hang_up: Callable[[], None],
    ) -> None:
        self.gone = False
        self._every = every
        self._still_there = still_there
        self._hang_up = hang_up
        self._lines = self._lines_at_last_look = 0
        self._asking: asyncio.Task[None] | None = None
        self._loop = asyncio.get_running_loop()
        self._timer = self._loop.call_later(every, self._look)

    def heard(self) -> None:
        self._lines += 1

    def close(self) -> None:
        self._timer.cancel()
        if self._asking is not None:
            self._asking.cancel()

    def _look(self) -> None:
        silent = self._lines == self._lines_at_last_look
        self._lines_at_last_look = self._lines
        if silent and self._asking is None:
            self._asking = asyncio.create_task(self._ask())
        self._timer = self._loop.call_later(self._every, self._look)

    async def _ask(self) -> None:
        try:
            if not await self._still_there():
                log.warning("the model server stopped accepting connections during a stream")
                self.gone = True
                self._hang_up()  # the pending read fails now, with a connection error
        finally:
            self._asking = None


def _message_of(event: dict[str, Any]) -> str:
    """The message of an error body: ``{"error": {"message": …}}`` or vLLM's older
    ``{"object": "error", "message": …}``."""
    error = event.get("error")
    if isinstance(error, dict):
        return str(error.get("message", error))
    return str(event.get("message", error if error is not None else event))


def _status_of(event: dict[str, Any]) -> int | None:
    """The HTTP status an error event carries (vLLM: ``{"error": {"code": 400, …}}``)."""
    error = event.get("error")
    code = error.get("code") if isinstance(error, dict) else None
    return code if isinstance(code, int) and 400 <= code < 600 else None


def _message_in(text: str) -> str:
    try:
        event = json.loads(text)
    except json.JSONDecodeError:
        return text.strip()[:300]
    return _message_of(event) if isinstance(event, dict) else text.strip()[:300]


# How servers say a request does not fit the context window. vLLM's wording has changed
# between versions, and other OpenAI-compatible servers word it their own way, so this
# matches loosely. vLLM's (seen in its source and in reports of its errors):
#   "This model's maximum context length is 8192 tokens. However, you requested 9000 tokens
#    (8600 in the messages, 400 in the completion). …"                    (older versions)
#   "This model's maximum context length is 8192 tokens. However, your request has 9000
#    input tokens. Please reduce the length of the input messages."       (newer versions)
#   "'max_tokens' or 'max_completion_tokens' is too large: 400. This model's maximum context
#    length is 8192 tokens and your request has 7900 input tokens (400 > 8192 - 7900)."
#   "The decoder prompt (length 9000) is longer than the maximum model length of 8192. …"
# OpenAI itself answers with the code "context_length_exceeded".
_CONTEXT_EXCEEDED = ("context length", "maximum model length", "context_length_exceeded")


def _says_context_is_exceeded(text: str) -> bool:
    said = text.lower()  # the whole body: the phrase may be in the message or the code
    return any(phrase in said for phrase in _CONTEXT_EXCEEDED)


def _refuses_priority(text: str) -> bool:
    message = _message_in(text).lower()
    return "priority" in message and "not enabled" in message
