"""The embedded backend: a Hugging Face model run in-process by transformers, on the CPU.

Zero setup for local play and CI; production uses the OpenAI-compatible backend and vLLM.
Importing this module imports torch and transformers (the ``embedded`` extra), so the app
imports it only when this backend is chosen.

Longer than the house's ~400 lines on purpose: both generation paths (one variant streamed
token by token, ``n`` variants in one batch) share this module's loop-side plumbing (the
worker thread, the hand-off to the loop, cancellation, stop-string trimming), kept in one
place so both start, stream and stop alike. What only the batch needs on the worker thread
lives in :mod:`inkwell.serving.embedded_batch`.

Threads: the model runs on one dedicated worker thread (a single-worker executor), and
generating (``model.generate``, and for ``n > 1`` one forward pass over the prompt) is the
only thing that ever runs there after loading. The event loop only moves text: the worker
hands each piece to the loop with ``call_soon_threadsafe`` into an ``asyncio.Queue``, so the
loop never waits on the generating thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import logging
import os
import sys
import threading
from collections.abc import AsyncGenerator, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, TypeVar, cast

import torch
from transformers import (
    AutoModelForCausalLM,
    AutoTokenizer,
    GenerationConfig,
    StoppingCriteria,
    StoppingCriteriaList,
    TextStreamer,
)

from inkwell.serving.backend import (
    MODEL_FAILED,
    NOT_SET_UP,
    PROMPT_TOO_LONG,
    BackendError,
    BackendUnavailable,
    Delta,
    GenerationRequest,
    PromptTooLong,
    QueueState,
    Sampling,
)
from inkwell.serving.embedded_batch import (
    BATCH_KV_BYTES,
    BatchWatcher,
    SharedPrompt,
    VariantText,
    batch_sizes,
    kv_bytes_per_token,
)
from inkwell.serving.prepare import model_is_prepared

log = logging.getLogger(__name__)

PREPARE_HINT: Final = "Run `inkwell prepare` (or `make prepare`) to create it."
# For a member whose request reaches a model that is not (or no longer) loaded.
NOT_LOADED: Final = "The model isn't loaded right now; try again in a minute."

# Decoding settings shared by the streamer and the stop-string check, so both see one text.
_DECODE_KWARGS: Final[dict[str, Any]] = {"skip_special_tokens": True}


def _preferred_dtype() -> torch.dtype:
    """bfloat16 where the CPU computes it natively, float32 elsewhere.

    Measured for SmolLM2-135M on a 2-core AVX512-BF16 machine (greedy, 64 new tokens, best /
    median of 8 alternating runs): bfloat16 24.3 / 17.9 tok/s, float32 15.8 / 12.1 tok/s.
    Without native bf16 instructions torch emulates it and float32 is the faster choice.
    """
    if sys.platform != "linux":
        return torch.float32
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            flags = next((line for line in cpuinfo if line.startswith("flags")), "").split()
    except OSError:
        return torch.float32
    native_bf16 = "avx512_bf16" in flags or "amx_bf16" in flags
    return torch.bfloat16 if native_bf16 else torch.float32


def _default_threads() -> int:
    """All cores but one, which stays free for the event loop (and the Discord gateway).

    Measured on 2 cores with another busy process (a vLLM server) alongside: 2 torch threads
    made 1-6 tok/s because the threads spin waiting for each other, 1 thread 11-18 tok/s.
    """
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, cores - 1)


class EmbeddedBackend:
    """Generates with transformers in-process. One generation runs at a time.

    Concurrent ``stream`` calls queue on an ``asyncio.Lock`` in arrival order: a request
    runs to its end before the next one starts. Its ``n`` variants are decoded together, in
    one batch sharing the prompt's KV cache (:mod:`inkwell.serving.embedded_batch`), and their
    deltas arrive interleaved, each variant finishing on its own; with many variants on a
    long prompt the batch is split to bound its memory. ``n == 1`` streams without any of
    that. ``threads`` is torch's thread count for generation; by default all cores but one.
    ``request.json_schema`` is ignored here (callers validate what comes back), and so is
    ``priority``.
    """

    def __init__(self, model_path: Path, *, threads: int | None = None) -> None:
        self._model_path = model_path
        self._threads = threads if threads is not None else _default_threads()
        self._executor: ThreadPoolExecutor | None = None
        self._model: Any = None
        self._tokenizer: Any = None
        self._eos_ids: frozenset[int] = frozenset()
        # KV cache bytes per token and sequence, and how many bytes one batch may take.
        self._kv_bytes_per_token = 0
        self._batch_kv_bytes = BATCH_KV_BYTES
        self._lock = asyncio.Lock()
        self._dtype = _preferred_dtype()
        # Cancel flags of generations in flight, so close() can stop them.
        self._running: set[threading.Event] = set()

    @property
    def name(self) -> str:
        return f"embedded:{self._model_path.name}"

    async def start(self) -> None:
        if self._model is not None:
            return
        if not model_is_prepared(self._model_path):
            raise BackendUnavailable(
                NOT_SET_UP,
                operator_detail=f"No prepared model at {self._model_path}. {PREPARE_HINT}",
            )
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="inkwell-embedded")
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(executor, self._load)
        except Exception as error:
            executor.shutdown(wait=False)
            raise BackendUnavailable(
                NOT_SET_UP,
                operator_detail=(
                    f"The model at {self._model_path} could not be loaded ({error}). {PREPARE_HINT}"
                ),
            ) from error
        self._executor = executor
        log.info("Loaded %s as %s", self._model_path, self._dtype)

    def _load(self) -> None:
        # Set on the worker thread itself: the intra-op pool it configures is per thread.
        torch.set_num_threads(self._threads)
        tokenizer: Any = AutoTokenizer.from_pretrained(str(self._model_path))
        model: Any = AutoModelForCausalLM.from_pretrained(str(self._model_path), dtype=self._dtype)
        model.eval()
        eos = model.generation_config.eos_token_id
        if eos is None:
            eos = tokenizer.eos_token_id
        eos_ids = [eos] if isinstance(eos, int) else list(eos or ())
        self._tokenizer, self._model, self._eos_ids = tokenizer, model, frozenset(eos_ids)
        self._kv_bytes_per_token = kv_bytes_per_token(model.config, model.dtype)

    async def queue_state(self) -> QueueState | None:
        """None: a request waits only for the one before it here (the lock), never for a
        server that might be stuck, so there is nothing to tell apart."""
        return None

    async def close(self) -> None:
        executor, self._executor = self._executor, None
        for cancel in self._running:
            cancel.set()
        if executor is not None:
            # Waits for a generation to wind down (it stops at its next token).
            await asyncio.get_running_loop().run_in_executor(None, executor.shutdown)
        self._model = None
        self._tokenizer = None
        gc.collect()

    async def stream(self, request: GenerationRequest) -> AsyncGenerator[Delta, None]:
        if self._model is None or self._executor is None:
            raise BackendUnavailable(
                NOT_LOADED, operator_detail="The embedded model is not loaded yet (start() first)."
            )
        prompt_ids = self._encode(request)
        sampling = request.sampling
        max_new_tokens = self._max_new_tokens(len(prompt_ids), sampling.max_tokens)
        async with self._lock:
            if sampling.n == 1:
                part = self._stream_variant(0, prompt_ids, sampling, max_new_tokens, sampling.seed)
            else:
                part = self._stream_batches(prompt_ids, sampling, max_new_tokens)
            # aclosing: if our consumer leaves, the cleanup (stop the worker) must run now,
            # before the lock is released, not whenever the generator is collected.
            async with contextlib.aclosing(part):
                async for delta in part:
                    yield delta

    def _encode(self, request: GenerationRequest) -> list[int]:
        messages = [{"role": m.role, "content": m.content} for m in request.messages]
        prompt: str = self._tokenizer.apply_chat_template(
            messages, add_generation_prompt=True, tokenize=False
        )
        if request.continue_from:
            # The reply starts with this text; only what the model adds is streamed back.
            prompt += request.continue_from
        # The template already wrote every special token; do not add a second BOS.
        ids: list[int] = self._tokenizer.encode(prompt, add_special_tokens=False)
        return ids

    def _max_new_tokens(self, prompt_length: int, wanted: int) -> int:
        limit = getattr(self._model.config, "max_position_embeddings", None)
        if not isinstance(limit, int):
            return wanted
        room = limit - prompt_length
        if room <= 0:
            raise PromptTooLong(
                PROMPT_TOO_LONG,
                operator_detail=(
                    f"The prompt is too long for the embedded model "
                    f"({prompt_length} tokens, limit {limit})."
                ),
            )
        return min(wanted, room)

    def _generation_config(self, sampling: Sampling, max_new_tokens: int) -> GenerationConfig:
        base = self._model.generation_config
        pad = base.pad_token_id if base.pad_token_id is not None else self._tokenizer.pad_token_id
        settings: dict[str, Any] = {
            "max_new_tokens": max_new_tokens,
            "repetition_penalty": sampling.repetition_penalty,
            "eos_token_id": sorted(self._eos_ids) or None,
            "bos_token_id": base.bos_token_id,
            "pad_token_id": pad,
        }
        if sampling.temperature > 0:
            settings.update(
                do_sample=True,
                temperature=sampling.temperature,
                top_p=sampling.top_p,
                top_k=sampling.top_k if sampling.top_k > 0 else None,
            )
        else:
            settings.update(do_sample=False)
        # transformers leaves GenerationConfig.__init__ unannotated.
        config: GenerationConfig = cast(Any, GenerationConfig)(**settings)
        return config

    async def _stream_variant(
        self,
        index: int,
        prompt_ids: list[int],
        sampling: Sampling,
        max_new_tokens: int,
        seed: int | None,
    ) -> AsyncGenerator[Delta, None]:
        executor = self._executor
        if executor is None:
            raise BackendUnavailable(
                NOT_LOADED, operator_detail="The embedded model has been closed."
            )
        loop = asyncio.get_running_loop()
        pieces: asyncio.Queue[str | None] = asyncio.Queue()
        cancel = threading.Event()
        streamer = _LoopStreamer(self._tokenizer, loop, pieces, cancel)
        criteria: list[StoppingCriteria] = [_Cancelled(cancel)]
        if sampling.stop:
            criteria.append(_StopStrings(self._tokenizer, sampling.stop, len(prompt_ids)))
        job = functools.partial(
            self._generate,
            prompt_ids,
            self._generation_config(sampling, max_new_tokens),
            streamer,
            StoppingCriteriaList(criteria),
            seed,
        )
        worker = loop.run_in_executor(executor, job)
        trimmer = _StopTrimmer(sampling.stop)
        self._running.add(cancel)
        try:
            while (piece := await pieces.get()) is not None:
                text = trimmer.feed(piece)
                if text:
                    yield Delta(index, text)
                if trimmer.stopped:
                    cancel.set()
                    break
            outcome = await worker
            if trimmer.stopped or outcome.ended_by_eos or outcome.new_tokens < max_new_tokens:
                finish_reason = "stop"
            else:
                finish_reason = "length"
            yield Delta(index, "" if trimmer.stopped else trimmer.flush(), finish_reason)
        finally:
            # Reached on normal completion, on aclose() and on task cancellation alike: the
            # worker stops at its next token and the lock is only released after it has.
            cancel.set()
            if not worker.done():
                await _wait_quietly(worker)
            self._running.discard(cancel)

    def _generate(
        self,
        prompt_ids: list[int],
        config: GenerationConfig,
        streamer: _LoopStreamer,
        criteria: StoppingCriteriaList,
        seed: int | None,
    ) -> _Outcome:
        try:
            if seed is not None:
                torch.manual_seed(seed)
            input_ids = torch.tensor([prompt_ids], dtype=torch.long)
            try:
                with torch.inference_mode():
                    output = self._model.generate(
                        input_ids=input_ids,
                        attention_mask=torch.ones_like(input_ids),
                        generation_config=config,
                        streamer=streamer,
                        stopping_criteria=criteria,
                    )
            except Exception as error:
                raise BackendError(
                    MODEL_FAILED,
                    operator_detail=f"The embedded model failed while generating: {error}",
                ) from error
            new_tokens: list[int] = output[0, len(prompt_ids) :].tolist()
            ended_by_eos = bool(new_tokens) and new_tokens[-1] in self._eos_ids
            return _Outcome(new_tokens=len(new_tokens), ended_by_eos=ended_by_eos)
        finally:
            streamer.close()

    async def _stream_batches(
        self, prompt_ids: list[int], sampling: Sampling, max_new_tokens: int
    ) -> AsyncGenerator[Delta, None]:
        """All ``sampling.n`` variants, as few batches as the memory budget allows."""
        sizes = batch_sizes(
            sampling.n,
            len(prompt_ids) + max_new_tokens,
            self._kv_bytes_per_token,
            self._batch_kv_bytes,
        )
        prompt = SharedPrompt(self._model, prompt_ids, batches=len(sizes))
        first = 0
        for rows in sizes:
            # Seeding once before the first batch makes the whole set reproducible (the
            # split depends only on the request) while the rows still differ.
            seed = sampling.seed if first == 0 else None
            batch = self._stream_batch(first, rows, prompt, sampling, max_new_tokens, seed)
            async with contextlib.aclosing(batch):
                async for delta in batch:
                    yield delta
            first += rows

    async def _stream_batch(
        self,
        first_index: int,
        rows: int,
        prompt: SharedPrompt,
        sampling: Sampling,
        max_new_tokens: int,
        seed: int | None,
    ) -> AsyncGenerator[Delta, None]:
        executor = self._executor
        if executor is None:
            raise BackendUnavailable("The embedded model has been closed.")
        loop = asyncio.get_running_loop()
        arrivals: asyncio.Queue[list[Delta] | None] = asyncio.Queue()
        cancel = threading.Event()
        send = functools.partial(_send_to_loop, loop, arrivals, cancel)
        variants = [
            VariantText(first_index + row, _StopTrimmer(sampling.stop)) for row in range(rows)
        ]
        watcher = BatchWatcher(
            variants,
            prompt_length=len(prompt.ids),
            decode=functools.partial(self._tokenizer.decode, **_DECODE_KWARGS),
            eos=self._eos_ids,
            send=send,
            cancel=cancel,
        )
        config = self._generation_config(sampling, max_new_tokens)
        job = functools.partial(self._generate_batch, prompt, rows, config, watcher, seed, send)
        worker = loop.run_in_executor(executor, job)
        self._running.add(cancel)
        try:
            # Each item is one step's deltas, a variant's last one carrying its finish.
            while (deltas := await arrivals.get()) is not None:
                for delta in deltas:
                    yield delta
            await worker
        finally:
            # As in _stream_variant: the worker stops at its next step, and the lock is only
            # released after it has.
            cancel.set()
            if not worker.done():
                await _wait_quietly(worker)
            self._running.discard(cancel)

    def _generate_batch(
        self,
        prompt: SharedPrompt,
        rows: int,
        config: GenerationConfig,
        watcher: BatchWatcher,
        seed: int | None,
        send: Callable[[list[Delta] | None], None],
    ) -> None:
        try:
            if watcher.cancelled:
                return  # the consumer left while this batch waited: not even the prefill
            try:
                with torch.inference_mode():
                    inputs = prompt.generate_inputs(rows)
                    if seed is not None:
                        torch.manual_seed(seed)
                    self._model.generate(
                        **inputs,
                        generation_config=config,
                        stopping_criteria=StoppingCriteriaList([watcher]),
                    )
            except Exception as error:
                raise BackendError(
                    f"The embedded model failed while generating: {error}"
                ) from error
            if not watcher.cancelled:
                watcher.close()
        finally:
            send(None)


@dataclass(frozen=True, slots=True)
class _Outcome:
    new_tokens: int
    ended_by_eos: bool


async def _wait_quietly(worker: asyncio.Future[Any]) -> None:
    """Wait for an abandoned generation to stop; its result or error no longer matters."""
    try:
        await asyncio.shield(worker)
    except asyncio.CancelledError:
        raise
    except Exception:
        log.debug("abandoned generation ended with an error", exc_info=True)


_Item = TypeVar("_Item")


def _send_to_loop(
    loop: asyncio.AbstractEventLoop,
    queue: asyncio.Queue[_Item],
    cancel: threading.Event,
    item: _Item,
) -> None:
    """Hand ``item`` from the worker to the loop's queue; stop generating if the loop is gone."""
    try:
        loop.call_soon_threadsafe(queue.put_nowait, item)
    except RuntimeError:
        # The loop is closed: nobody is listening any more.
        cancel.set()


class _LoopStreamer(TextStreamer):
    """A ``TextStreamer`` that hands decoded text to the event loop instead of printing it.

    The loop side reads an ``asyncio.Queue``; ``None`` marks the end of the variant.
    """

    def __init__(
        self,
        tokenizer: Any,
        loop: asyncio.AbstractEventLoop,
        pieces: asyncio.Queue[str | None],
        cancel: threading.Event,
    ) -> None:
        super().__init__(tokenizer, skip_prompt=True, **_DECODE_KWARGS)
        self._loop = loop
        self._pieces = pieces
        self._cancel = cancel
        self._closed = False

    def on_finalized_text(self, text: str, stream_end: bool = False) -> None:
        if text:
            self._send(text)

    def close(self) -> None:
        """Signal the end of the variant (called once the worker is done, success or not)."""
        if not self._closed:
            self._closed = True
            self._send(None)

    def _send(self, item: str | None) -> None:
        _send_to_loop(self._loop, self._pieces, self._cancel, item)


class _Cancelled(StoppingCriteria):
    """Stops generation once the consumer has gone away."""

    def __init__(self, cancel: threading.Event) -> None:
        self._cancel = cancel

    def __call__(self, input_ids: torch.Tensor, scores: Any, **kwargs: Any) -> torch.Tensor:
        return torch.full((input_ids.shape[0],), self._cancel.is_set(), dtype=torch.bool)


class _StopStrings(StoppingCriteria):
    """Stops generation once the decoded reply contains one of the stop strings.

    Only ends the generation early; what reaches the consumer is trimmed by
    :class:`_StopTrimmer` on the loop side.
    """

    def __init__(self, tokenizer: Any, stops: Sequence[str], prompt_length: int) -> None:
        self._tokenizer = tokenizer
        self._stops = tuple(stop for stop in stops if stop)
        self._prompt_length = prompt_length

    def __call__(self, input_ids: torch.Tensor, scores: Any, **kwargs: Any) -> torch.Tensor:
        hits = [
            any(stop in text for stop in self._stops)
            for text in self._tokenizer.batch_decode(
                input_ids[:, self._prompt_length :], **_DECODE_KWARGS
            )
        ]
        return torch.tensor(hits, dtype=torch.bool)


class _StopTrimmer:
    """Cuts streamed text at the first stop string, never letting text past it through.

    Text that could be the start of a stop string is held back until the next piece
    settles it: at most ``len(longest stop) - 1`` characters.
    """

    def __init__(self, stops: Sequence[str]) -> None:
        self._stops = tuple(stop for stop in stops if stop)
        self._held = ""
        self.stopped = False

    def feed(self, piece: str) -> str:
        """Return the part of ``held + piece`` that is safe to show now."""
        if not self._stops:
            return piece
        text = self._held + piece
        hits = [found for stop in self._stops if (found := text.find(stop)) >= 0]
        if hits:
            self.stopped = True
            self._held = ""
            return text[: min(hits)]
        keep = self._longest_stop_prefix_suffix(text)
        self._held = text[len(text) - keep :] if keep else ""
        return text[: len(text) - keep]

    def flush(self) -> str:
        """The held-back tail, once the text has ended without reaching a stop string."""
        held, self._held = self._held, ""
        return held

    def _longest_stop_prefix_suffix(self, text: str) -> int:
        longest = max(len(stop) for stop in self._stops) - 1
        for size in range(min(longest, len(text)), 0, -1):
            tail = text[-size:]
            if any(stop.startswith(tail) for stop in self._stops):
                return size
        return 0
