"""Prefix-cache hit rate over a realistic mix: Inkwell's prompt layout versus a naive one.

Inkwell puts the byte-identical system prompt and form instructions first and the member's
style after them; the naive layout puts the style first, so no two members share a prefix.
The hit rate is vLLM's own: cached prompt tokens over prompt tokens looked up.
"""

from __future__ import annotations

import asyncio
import contextlib
import urllib.request
from typing import Any

from bench.metrics import PREFIX_HITS, PREFIX_QUERIES, delta, read_metrics
from bench.throughput import Server, inkwell_backend
from bench.workload import Command, command_mix, member_styles
from inkwell.bot.records.styles import StyleRecord
from inkwell.bot.services.forms import CreationRequest
from inkwell.bot.services.prompts import PromptLibrary
from inkwell.serving.backend import ChatMessage, GenerationRequest, Sampling


def inkwell_layout(
    prompts: PromptLibrary, command: Command, style: StyleRecord
) -> tuple[ChatMessage, ...]:
    request = CreationRequest(command.form, command.subject, dict(command.options))  # type: ignore[arg-type]
    return prompts.messages(request, style)


def naive_layout(
    prompts: PromptLibrary, command: Command, style: StyleRecord
) -> tuple[ChatMessage, ...]:
    """The same words, style first: what a prompt written without the cache in mind does."""
    request = CreationRequest(command.form, command.subject, dict(command.options))  # type: ignore[arg-type]
    system = prompts.system_message(request.form).content
    return (
        ChatMessage("system", f"{prompts.style_block(style)}\n\n{system}"),
        ChatMessage("user", prompts.request_text(request)),
    )


def _reset_prefix_cache(root_url: str) -> None:
    """Empty the server's prefix cache between layouts, where the server allows it."""
    with contextlib.suppress(OSError):
        urllib.request.urlopen(
            urllib.request.Request(f"{root_url}/reset_prefix_cache", method="POST"), timeout=10
        ).close()


async def hit_rate(
    server: Server, layout: str, *, members: int = 20, commands: int = 100, concurrency: int = 4
) -> dict[str, Any]:
    prompts = PromptLibrary.load()
    styles = member_styles(members)
    mix = command_mix(list(styles), commands)
    build = inkwell_layout if layout == "inkwell" else naive_layout
    backend = inkwell_backend(server)
    await backend.start()
    _reset_prefix_cache(server.root_url)
    before = read_metrics(server.root_url)
    gate = asyncio.Semaphore(concurrency)

    async def send(command: Command) -> None:
        request = GenerationRequest(
            build(prompts, command, styles[command.user_id]),
            Sampling(temperature=0.0, max_tokens=8),
        )
        async with gate:
            async for _delta in backend.stream(request):
                pass

    await asyncio.gather(*(send(command) for command in mix))
    after = read_metrics(server.root_url)
    await backend.close()
    queries = delta(before, after, PREFIX_QUERIES)
    hits = delta(before, after, PREFIX_HITS)
    return {
        "layout": layout,
        "hit_rate": round(hits / queries, 3) if queries else 0.0,
        "hit_tokens": hits,
        "query_tokens": queries,
    }
