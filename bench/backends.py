"""The embedded backend versus the vLLM server on the same model: tokens/s and time to
first token, one request at a time, the same greedy prompt."""

from __future__ import annotations

import time
from pathlib import Path

from bench.stats import percentile
from inkwell.serving.backend import Backend, ChatMessage, GenerationRequest, Sampling

PROMPT = GenerationRequest(
    (
        ChatMessage("system", "You are a helpful writer."),
        ChatMessage("user", "Write a short story about a lighthouse keeper who finds a letter."),
    ),
    Sampling(temperature=0.0, max_tokens=128, repetition_penalty=1.1),
)


async def measure(backend: Backend, runs: int, count_tokens: TokenCounter) -> dict[str, float]:
    await backend.start()
    firsts: list[float] = []
    rates: list[float] = []
    try:
        for _ in range(runs):
            started = time.perf_counter()
            first: float | None = None
            text = ""
            async for delta in backend.stream(PROMPT):
                if first is None and delta.text:
                    first = time.perf_counter()
                text += delta.text
            finished = time.perf_counter()
            if first is None:
                continue
            firsts.append((first - started) * 1000)
            tokens = count_tokens(text)
            if finished > first and tokens > 1:
                rates.append((tokens - 1) / (finished - first))
    finally:
        await backend.close()
    return {
        "ttft_ms_p50": round(percentile(firsts, 0.5), 1),
        "tok_s_p50": round(percentile(rates, 0.5), 1),
        "runs": len(rates),
    }


class TokenCounter:
    """Counts tokens with the model's own tokenizer, so both backends are measured alike."""

    def __init__(self, model_dir: Path) -> None:
        from transformers import AutoTokenizer

        self._tokenizer = AutoTokenizer.from_pretrained(model_dir)

    def __call__(self, text: str) -> int:
        return len(self._tokenizer.encode(text, add_special_tokens=False))
