"""Candidate lines from the embedded backend, batched versus one after another: a number,
not a test.

    python -m bench.candidates [--n 8] [--runs 5] [--max-tokens 20] [--strategies]

The request is the one a line-by-line poem draft makes: the poem prompt, the poem so far
as ``continue_from``, ``n`` candidates of one line each (``stop=("\\n",)``). Timed, in
alternating order, with the same seeds on both sides:

* batched: one request with ``n`` (one prompt pass, one ``generate`` call);
* sequential: ``n`` requests with ``n=1``, which is what the backend did for ``n`` before
  it batched (each variant ran the whole single-variant path in turn).

``--strategies`` adds plain ``model.generate(num_return_sequences=n)`` with transformers'
own stop strings, which repeats the prompt before its prefill, to show why the backend
shares the prompt's cache instead.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import replace

from bench.stats import table
from inkwell.bot.records.styles import StyleRecord
from inkwell.bot.services.forms import CreationRequest
from inkwell.bot.services.prompts import PromptLibrary
from inkwell.serving.backend import GenerationRequest, Sampling
from inkwell.serving.embedded import EmbeddedBackend
from inkwell.serving.prepare import default_cache_dir

POEM_SO_FAR = "The harbour lamps are burning low,\nThe tide comes in without a sound,\n"


def candidates_request(n: int, max_tokens: int, seed: int) -> GenerationRequest:
    prompts = PromptLibrary.load()
    messages = prompts.messages(
        CreationRequest("poem", "the sea at night", {"form": "sonnet"}), StyleRecord()
    )
    sampling = Sampling(n=n, stop=("\n",), max_tokens=max_tokens, seed=seed)
    return GenerationRequest(messages, sampling, continue_from=POEM_SO_FAR)


async def _texts(backend: EmbeddedBackend, request: GenerationRequest) -> list[str]:
    pieces: dict[int, list[str]] = {}
    async for delta in backend.stream(request):
        pieces.setdefault(delta.index, []).append(delta.text)
    return ["".join(pieces[index]) for index in sorted(pieces)]


async def batched(backend: EmbeddedBackend, request: GenerationRequest) -> list[str]:
    return await _texts(backend, request)


async def sequential(backend: EmbeddedBackend, request: GenerationRequest) -> list[str]:
    texts: list[str] = []
    for index in range(request.sampling.n):
        # The old loop seeded only before the first variant; the others went on from there.
        seed = request.sampling.seed if index == 0 else None
        sampling = replace(request.sampling, n=1, seed=seed)
        one = GenerationRequest(request.messages, sampling, continue_from=request.continue_from)
        texts += await _texts(backend, one)
    return texts


async def num_return_sequences(backend: EmbeddedBackend, request: GenerationRequest) -> list[str]:
    """transformers' own way, run on the backend's worker thread like a real generation."""
    sampling = request.sampling
    prompt_ids = backend._encode(request)
    config = backend._generation_config(sampling, sampling.max_tokens)
    config.num_return_sequences = sampling.n
    config.stop_strings = list(sampling.stop)

    def run() -> list[str]:
        import torch

        if sampling.seed is not None:
            torch.manual_seed(sampling.seed)
        ids = torch.tensor([prompt_ids])
        with torch.inference_mode():
            output = backend._model.generate(
                input_ids=ids,
                attention_mask=torch.ones_like(ids),
                generation_config=config,
                tokenizer=backend._tokenizer,
            )
        texts: list[str] = backend._tokenizer.batch_decode(
            output[:, len(prompt_ids) :], skip_special_tokens=True
        )
        return [text.split("\n")[0] for text in texts]

    return await asyncio.get_running_loop().run_in_executor(backend._executor, run)


async def measure(args: argparse.Namespace) -> int:
    backend = EmbeddedBackend(default_cache_dir() / "SmolLM2-135M-Instruct")
    await backend.start()
    modes = {"batched": batched, "sequential": sequential}
    if args.strategies:
        modes["num_return_sequences"] = num_return_sequences
    seconds: dict[str, list[float]] = {mode: [] for mode in modes}
    try:
        first = candidates_request(args.n, args.max_tokens, seed=0)
        print(
            f"prompt: {len(backend._encode(first))} tokens, n={args.n}, "
            f"max_tokens={args.max_tokens}, stop='\\n', {backend._threads} torch thread(s), "
            f"{backend._dtype}",
            flush=True,
        )
        # One untimed pass each: first calls pay for lazy initialisation.
        for run in modes.values():
            await run(backend, first)
        for attempt in range(args.runs):
            request = candidates_request(args.n, args.max_tokens, seed=1000 + attempt)
            # Alternate the order so neither side always runs on a warmer machine.
            order = list(modes.items())
            if attempt % 2:
                order.reverse()
            for mode, run in order:
                started = time.perf_counter()
                lines = await run(backend, request)
                seconds[mode].append(time.perf_counter() - started)
                if attempt == 0:
                    print(f"  {mode}: {lines}", flush=True)
    finally:
        await backend.close()
    base = statistics.median(seconds["sequential"])
    print(
        table(
            ["mode", "median s", "min s", "max s", "× faster than sequential (median)"],
            [
                [
                    mode,
                    round(statistics.median(times), 2),
                    round(min(times), 2),
                    round(max(times), 2),
                    round(base / statistics.median(times), 2),
                ]
                for mode, times in seconds.items()
            ],
        )
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.candidates",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--n", type=int, default=8, help="candidates per request (default 8)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per mode (default 5)")
    parser.add_argument("--max-tokens", type=int, default=20, help="per candidate (default 20)")
    parser.add_argument(
        "--strategies", action="store_true", help="also time plain num_return_sequences"
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TQDM_DISABLE", "1")
    return asyncio.run(measure(args))


if __name__ == "__main__":
    sys.exit(main())
