"""The embedded backend's batched path: the ``n`` variants of one request decoded together.

Everything here runs on the backend's worker thread; :mod:`inkwell.serving.embedded` starts
it and moves the text to the event loop.

Why not plain ``generate(num_return_sequences=n)``: transformers repeats the prompt ``n``
times *before* the prefill, so the prompt's forward pass is computed ``n`` times. Eight
one-line candidates on an 832-token poem prompt took 20.7 s that way against 24.3 s for
eight generations in a row (``python -m bench.candidates --strategies``, bench/RESULTS.md).
Here the prompt is run once at batch size 1, its KV cache is repeated for the batch's
rows, and one ``generate`` call continues every row from it: 7.5 s. The prompt is paid for
once per request, and each step decodes all unfinished rows at once.
"""

from __future__ import annotations

import copy
import inspect
import threading
from collections.abc import Callable, Collection, Sequence
from typing import Any, Final, Protocol

import torch
from transformers import StoppingCriteria

from inkwell.serving.backend import Delta

# The most one batch's KV cache may take: rows × (prompt + new tokens) × the model's bytes
# per token. 512 MiB is ~23,000 token-rows for SmolLM2-135M in bf16 (22.5 KiB a token):
# twelve candidate lines on a 1,835-token prompt ran as one batch with the process peaking
# at 1.2 GiB. Past this the rows are split into several batches (the prompt is still
# computed only once). Bigger batches would buy little: every row attends over its own
# copy of the prompt's cache, so on a 2-core CPU a decode step of 8 rows on an 830-token
# prompt cost about as much per row as one of 4 (~40-90 ms, the machine being shared).
BATCH_KV_BYTES: Final = 512 * 2**20


def kv_bytes_per_token(config: Any, dtype: torch.dtype) -> int:
    """Bytes of KV cache one token of one sequence takes: keys and values in every layer."""
    heads = getattr(config, "num_key_value_heads", None) or config.num_attention_heads
    head_dim = getattr(config, "head_dim", None) or config.hidden_size // config.num_attention_heads
    return 2 * int(config.num_hidden_layers) * int(heads) * int(head_dim) * dtype.itemsize


def batch_sizes(n: int, row_tokens: int, token_bytes: int, budget: int) -> list[int]:
    """``n`` rows of ``row_tokens`` tokens each, split into the fewest batches within budget.

    The split is even (12 rows at most 8 a batch: 6 and 6, not 8 and 4): as many batches
    either way, and a lower memory peak. A single row over budget still gets a batch.
    """
    if n <= 0:
        return []
    fit = max(1, budget // max(1, row_tokens * token_bytes))
    count = -(-n // fit)
    size, bigger = divmod(n, count)
    return [size + 1 if batch < bigger else size for batch in range(count)]


def cache_argument(model: Any) -> str:
    """The name the model's ``forward`` (and ``generate``) takes a KV cache under.

    ``cache`` since transformers 5, ``past_key_values`` before. Read from the class, so a
    wrapper set on the instance (as tests do to count calls) does not hide it.
    """
    parameters = inspect.signature(type(model).forward).parameters
    return "cache" if "cache" in parameters else "past_key_values"


class SharedPrompt:
    """A request's prompt: its KV cache is computed once and copied into each batch.

    The cache covers every prompt token but the last, which ``generate`` feeds itself for
    each row: it needs at least one uncached input token to produce the first logits.
    """

    def __init__(self, model: Any, ids: Sequence[int], batches: int) -> None:
        self.ids = list(ids)
        self._model = model
        self._batches_left = batches
        self._cache: Any = None

    def generate_inputs(self, rows: int) -> dict[str, Any]:
        """``generate``'s inputs for a batch of ``rows`` copies of the prompt, cache included."""
        input_ids = torch.tensor([self.ids] * rows, dtype=torch.long)
        inputs: dict[str, Any] = {
            "input_ids": input_ids,
            "attention_mask": torch.ones_like(input_ids),
        }
        if len(self.ids) > 1:
            inputs[cache_argument(self._model)] = self._cache_for(rows)
        return inputs

    def _cache_for(self, rows: int) -> Any:
        if self._cache is None:
            self._cache = self._prefill()
        self._batches_left -= 1
        # generate() appends to the cache it is given, so every batch but the last gets a
        # copy, and the last one the original (nothing is left to need it).
        if self._batches_left > 0:
            cache = copy.deepcopy(self._cache)
        else:
            cache, self._cache = self._cache, None
        cache.batch_repeat_interleave(rows)
        return cache

    def _prefill(self) -> Any:
        name = cache_argument(self._model)
        options: dict[str, Any] = {"use_cache": True}
        if "logits_to_keep" in inspect.signature(type(self._model).forward).parameters:
            # Only the cache is wanted: without this the head would compute logits for every
            # prompt token (800 × 49,152 floats for a poem prompt on SmolLM2).
            options["logits_to_keep"] = 1
        prefix = torch.tensor([self.ids[:-1]], dtype=torch.long)
        output = self._model(input_ids=prefix, attention_mask=torch.ones_like(prefix), **options)
        return output[name]


class Trimmer(Protocol):
    """Cuts streamed text at its first stop string (``embedded._StopTrimmer``)."""

    stopped: bool

    def feed(self, piece: str) -> str: ...

    def flush(self) -> str: ...


class VariantText:
    """One row of a batch: its tokens so far, and how much of their text has gone out."""

    def __init__(self, index: int, trimmer: Trimmer) -> None:
        self.index = index
        self.tokens: list[int] = []
        self.finish_reason: str | None = None
        self._trimmer = trimmer
        # Characters of the decoded text handed to the trimmer so far.
        self._fed = 0

    def advance(
        self, tokens: Sequence[int], decode: Callable[[list[int]], str], eos: Collection[int]
    ) -> Delta | None:
        """Take this step's tokens; the text now safe to show, with the finish if it ended."""
        ended = False
        for token in tokens:
            if token in eos:
                ended = True
                break
            self.tokens.append(token)
        piece = self._new_text(decode, final=ended)
        if ended or self._trimmer.stopped:
            return self._finish(piece, "stop")
        return Delta(self.index, piece) if piece else None

    def close(self, decode: Callable[[list[int]], str]) -> Delta:
        """The row ran out of new tokens before any stop: release what was held back."""
        piece = self._new_text(decode, final=True)
        return self._finish(piece, "stop" if self._trimmer.stopped else "length")

    def _new_text(self, decode: Callable[[list[int]], str], *, final: bool) -> str:
        text = decode(self.tokens)
        # A character split over several tokens decodes as U+FFFD until its last byte is
        # there; it is held back, unless the text is over and nothing more will come.
        settled = len(text) if final else len(text.rstrip("\ufffd"))
        piece = self._trimmer.feed(text[self._fed : settled]) if settled > self._fed else ""
        self._fed = max(self._fed, settled)
        return piece

    def _finish(self, piece: str, reason: str) -> Delta:
        if not self._trimmer.stopped:
            # Text held back as a possible start of a stop string turned out not to be one.
            # (Once stopped, the stop text and everything after it stay out.)
            piece += self._trimmer.flush()
        self.finish_reason = reason
        return Delta(self.index, piece, reason)


class BatchWatcher(StoppingCriteria):
    """Follows every row of a batch, step by step: hands out its new text and ends the row at
    its stop string or EOS, while the other rows go on.

    A stopping criterion rather than a streamer because a criterion is called once per step
    with every row's tokens, and what it returns ends those rows before the next step. A
    streamer is called on the other side of the criteria (after them in transformers 5,
    before in 4), so a finish decided there would be a step late or depend on the version.
    ``generate`` stops when every row has finished, at ``max_new_tokens``, or once
    ``cancel`` is set (every row then counts as finished).
    """

    def __init__(
        self,
        variants: Sequence[VariantText],
        prompt_length: int,
        decode: Callable[[list[int]], str],
        eos: Collection[int],
        send: Callable[[list[Delta]], None],
        cancel: threading.Event,
    ) -> None:
        self._variants = variants
        self._prompt_length = prompt_length
        self._decode = decode
        self._eos = eos
        self._send = send
        self._cancel = cancel
        # New tokens per row already looked at (the same for every row).
        self._seen = 0

    def __call__(self, input_ids: torch.Tensor, scores: Any, **kwargs: Any) -> torch.Tensor:
        start = self._prompt_length + self._seen
        new_tokens: list[list[int]] = input_ids[:, start:].tolist()
        self._seen = input_ids.shape[1] - self._prompt_length
        deltas: list[Delta] = []
        for variant, tokens in zip(self._variants, new_tokens, strict=True):
            # A finished row is only padding from here on.
            if variant.finish_reason is None:
                delta = variant.advance(tokens, self._decode, self._eos)
                if delta is not None:
                    deltas.append(delta)
        if deltas:
            self._send(deltas)
        cancelled = self._cancel.is_set()
        done = [cancelled or variant.finish_reason is not None for variant in self._variants]
        return torch.tensor(done, dtype=torch.bool, device=input_ids.device)

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def close(self) -> None:
        """After ``generate`` returned on its own: the rows still open reached max_new_tokens."""
        deltas = [v.close(self._decode) for v in self._variants if v.finish_reason is None]
        if deltas:
            self._send(deltas)
