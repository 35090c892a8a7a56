"""The OpenAI-compatible backend: streams chat completions from a vLLM server (or similar).

One HTTP request per :class:`GenerationRequest`, ``n`` variants included: vLLM batches them
and shares the prompt's KV cache. vLLM-only knobs travel in ``extra_body``. Closing the
stream closes the HTTP response, and vLLM aborts a request whose client has gone.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator
from typing import Any

import openai
from openai import AsyncOpenAI, AsyncStream, Timeout
from openai.types.chat import ChatCompletionChunk, ChatCompletionMessageParam

from serving.backend import BackendError, BackendUnavailable, Delta, GenerationRequest

log = logging.getLogger(__name__)

# vLLM without --api-key accepts any key, but the client insists on one. Passing a
# placeholder also keeps a developer's OPENAI_API_KEY from being sent to a local server.
_PLACEHOLDER_API_KEY = "EMPTY"


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
        stream_interval: int = 1,
    ) -> None:
        self._base_url = base_url.rstrip("/")
        self._model = model
        self._api_key = api_key
        self._connect_timeout = connect_timeout
        self._read_timeout = read_timeout
        self._stream_interval = stream_interval
        self._client: AsyncOpenAI | None = None
        # vLLM refuses a non-zero priority unless started with --scheduling-policy priority.
        # After one such refusal we stop sending it rather than fail every background job.
        self._send_priority = True

    @property
    def name(self) -> str:
        return f"openai:{self._model}@{self._base_url}"

    async def start(self) -> None:
        if self._client is not None:
            return
        client = AsyncOpenAI(
            base_url=self._base_url,
            api_key=self._api_key or _PLACEHOLDER_API_KEY,
            # read: the longest wait for the next piece of text (or for the first one).
            timeout=Timeout(self._read_timeout, connect=self._connect_timeout),
            # Retrying would hide a down server for several seconds; fail fast instead.
            max_retries=0,
        )
        try:
            await self._check_model_served(client)
        except BaseException:
            await client.close()
            raise
        self._client = client

    async def _check_model_served(self, client: AsyncOpenAI) -> None:
        try:
            page = await client.models.list(timeout=Timeout(self._connect_timeout))
        except openai.APIError as error:
            raise self._translate(error, waited=self._connect_timeout) from error
        served = [model.id for model in page.data]
        if self._model not in served:
            listing = ", ".join(served) if served else "none"
            raise BackendUnavailable(
                f"The model server at {self._base_url} does not serve the model "
                f"{self._model!r} (it serves: {listing})."
            )

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.close()

    async def stream(self, request: GenerationRequest) -> AsyncGenerator[Delta, None]:
        if self._client is None:
            raise BackendUnavailable(f"The model server at {self._base_url} is not connected.")
        chunks = await self._open_stream(self._client, request)
        unfinished = set(range(request.sampling.n))
        try:
            while True:
                try:
                    chunk = await chunks.__anext__()
                except StopAsyncIteration:
                    break
                except openai.APIError as error:
                    raise self._translate(error) from error
                for choice in chunk.choices:
                    text = choice.delta.content or ""
                    if choice.finish_reason is not None:
                        unfinished.discard(choice.index)
                    if text or choice.finish_reason is not None:
                        yield Delta(choice.index, text, choice.finish_reason)
        finally:
            # Also on aclose() and cancellation: dropping the connection makes vLLM abort.
            await chunks.close()
        if unfinished:
            raise BackendUnavailable(
                f"The model server at {self._base_url} ended the stream before the text "
                "was finished."
            )

    async def _open_stream(
        self, client: AsyncOpenAI, request: GenerationRequest
    ) -> AsyncStream[ChatCompletionChunk]:
        with_priority = self._send_priority and request.priority != 0
        try:
            return await self._create(client, request, with_priority=with_priority)
        except openai.BadRequestError as error:
            if not (with_priority and _refuses_priority(error)):
                raise self._translate(error) from error
            log.warning(
                "%s has priority scheduling off (vLLM: --scheduling-policy priority); "
                "sending requests without priority from now on",
                self._base_url,
            )
            self._send_priority = False
        except openai.APIError as error:
            raise self._translate(error) from error
        try:
            return await self._create(client, request, with_priority=False)
        except openai.APIError as error:
            raise self._translate(error) from error

    async def _create(
        self, client: AsyncOpenAI, request: GenerationRequest, *, with_priority: bool
    ) -> AsyncStream[ChatCompletionChunk]:
        sampling = request.sampling
        messages: list[ChatCompletionMessageParam] = [
            _message(m.role, m.content) for m in request.messages
        ]
        extra_body: dict[str, Any] = {
            # vLLM: -1 (or 0 in recent versions) means no top-k cut; -1 works everywhere.
            "top_k": sampling.top_k if sampling.top_k > 0 else -1,
            "repetition_penalty": sampling.repetition_penalty,
        }
        if with_priority:
            extra_body["priority"] = request.priority
        if self._stream_interval > 1:
            # vLLM >= 0.11: tokens per streamed chunk; the first and last chunks come at once.
            extra_body["stream_interval"] = self._stream_interval
        if request.json_schema is not None:
            # vLLM >= 0.12 (``guided_json`` before that, since removed).
            extra_body["structured_outputs"] = {"json": dict(request.json_schema)}
        if request.continue_from:
            messages.append({"role": "assistant", "content": request.continue_from})
            extra_body["continue_final_message"] = True
            extra_body["add_generation_prompt"] = False
        return await client.chat.completions.create(
            model=self._model,
            messages=messages,
            stream=True,
            n=sampling.n,
            temperature=sampling.temperature,
            top_p=sampling.top_p,
            max_tokens=sampling.max_tokens,
            stop=list(sampling.stop) if sampling.stop else openai.omit,
            seed=sampling.seed if sampling.seed is not None else openai.omit,
            extra_body=extra_body,
        )

    def _translate(self, error: openai.APIError, *, waited: float | None = None) -> BackendError:
        """Turn a client error into a backend error whose text is fit to show a person."""
        where = f"The model server at {self._base_url}"
        if isinstance(error, openai.APITimeoutError):
            if _is_connect_timeout(error):
                return BackendUnavailable(
                    f"{where} is not reachable (no connection in {self._connect_timeout:g} s)."
                )
            seconds = self._read_timeout if waited is None else waited
            return BackendUnavailable(f"{where} did not answer in {seconds:g} s.")
        if isinstance(error, openai.APIConnectionError):
            return BackendUnavailable(f"{where} is not reachable.")
        if isinstance(error, openai.APIStatusError):
            status = error.status_code
            if status in (401, 403):
                return BackendUnavailable(f"{where} refused the API key (HTTP {status}).")
            if status == 404:
                return BackendUnavailable(
                    f"{where} has no OpenAI-compatible API or model {self._model!r} (HTTP 404)."
                )
            if status >= 500 or status == 429:
                return BackendUnavailable(f"{where} is failing (HTTP {status}); try again later.")
            return BackendError(f"{where} rejected the request (HTTP {status}): {error.message}")
        return BackendUnavailable(f"{where} broke off the answer: {error.message}")


def _message(role: str, content: str) -> ChatCompletionMessageParam:
    if role == "system":
        return {"role": "system", "content": content}
    if role == "assistant":
        return {"role": "assistant", "content": content}
    return {"role": "user", "content": content}


def _is_connect_timeout(error: BaseException) -> bool:
    """Whether the timeout happened while connecting rather than while waiting for text.

    Matched by name: the client raises these from httpx2 or, if given one, a legacy httpx.
    """
    cause = error.__cause__
    while cause is not None:
        if type(cause).__name__ in ("ConnectTimeout", "PoolTimeout"):
            return True
        cause = cause.__cause__
    return False


def _refuses_priority(error: openai.APIStatusError) -> bool:
    text = str(error.message).lower()
    return "priority" in text and "not enabled" in text
