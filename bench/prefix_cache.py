"""Prefix-cache hit rate over a realistic mix: Inkwell's prompt layout versus a naive one.

Inkwell puts the byte-identical system prompt and form instructions first and the member's
style after them; the naive layout puts the style first, so no two members share a prefix.
The hit rate is vLLM's own: cached prompt tokens over prompt tokens looked up.

``inkwell+lore`` is Inkwell's layout over the same mix with a server story bible: every
story names one or two of its entries, so its prompt carries their lore block after the
style (as ``/story`` does), and the shared prefix must stay as warm as without lore.
"""

from __future__ import annotations

import asyncio
import random
import urllib.request
from dataclasses import replace
from typing import Any

from bench.metrics import PREFIX_HITS, PREFIX_QUERIES, delta, read_block_size, read_metrics
from bench.throughput import Server, inkwell_backend
from bench.workload import Command, command_mix, member_styles
from inkwell.bot.records.lore import LoreEntry
from inkwell.bot.records.styles import StyleRecord
from inkwell.bot.services.forms import CreationRequest
from inkwell.bot.services.lore import DEFAULT_LORE_BUDGET
from inkwell.bot.services.lore.triggering import LoreMatcher
from inkwell.bot.services.prompts import PromptLibrary
from inkwell.serving.backend import ChatMessage, GenerationRequest, Sampling


def inkwell_layout(
    prompts: PromptLibrary, command: Command, style: StyleRecord, lore: str = ""
) -> tuple[ChatMessage, ...]:
    request = CreationRequest(command.form, command.subject, dict(command.options))  # type: ignore[arg-type]
    return prompts.messages(request, style, lore=lore)


def story_bible() -> LoreMatcher:
    """Eight entries of a server's world, shaped like the ones members write."""
    entries = [
        ("Captain Mira", ("Mira", "the captain"), "Mira commands the Gull, a salt-stained "
         "schooner; she lost her left eye to the Drowned City and never speaks of it."),
        ("The Drowned City", ("Saltmere", "the drowned city"), "Saltmere sank a century ago; "
         "its bells still ring at low tide and the fishermen will not anchor over it."),
        ("The Gull", ("the Gull", "schooner"), "A two-masted schooner with a patched red "
         "mainsail and a figurehead of a heron."),
        ("Old Tomas", ("Tomas", "the lighthouse keeper"), "Tomas has kept the north light for "
         "forty years and writes letters he never sends."),
        ("The Night Market", ("night market", "lantern stalls"), "Held on the quay at each "
         "new moon; everything is paid for with a secret or a song."),
        ("Brother Fen", ("Fen", "the monk"), "A monk who keeps bees on the cliff and reads "
         "the weather in their humming."),
        ("The Ember Road", ("Ember Road",), "The only road inland, lined with burnt-out "
         "waystations nobody rebuilt."),
        ("Ada Quill", ("Ada", "the cartographer"), "She draws maps of places that do not "
         "exist yet, and sometimes they appear."),
    ]  # fmt: skip
    return LoreMatcher(
        [
            LoreEntry(index, 1, None, name, keys, text, 7, 0.0, 0.0)
            for index, (name, keys, text) in enumerate(entries, start=1)
        ]
    )


def with_lore(mix: list[Command], bible: LoreMatcher, seed: int = 5) -> list[tuple[Command, str]]:
    """The mix, each story naming one or two entries, with the lore block it brings in."""
    rng = random.Random(seed)
    carried: list[tuple[Command, str]] = []
    for command in mix:
        if command.form != "story":
            carried.append((command, ""))
            continue
        named = rng.sample(bible.entries, rng.randint(1, 2))
        subject = f"{command.subject}, with {' and '.join(entry.keys[0] for entry in named)}"
        story = replace(command, subject=subject)
        carried.append((story, bible.select([subject], DEFAULT_LORE_BUDGET).block))
    return carried


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


def _reset_prefix_cache(root_url: str) -> bool:
    """Empty the server's prefix cache between layouts; False if the server has no way to
    (it runs without ``VLLM_SERVER_DEV_MODE=1``), and the layout is then measured warm."""
    try:
        urllib.request.urlopen(
            urllib.request.Request(f"{root_url}/reset_prefix_cache", method="POST"), timeout=10
        ).close()
    except OSError:
        return False
    return True


async def hit_rate(
    server: Server, layout: str, *, members: int = 20, commands: int = 100, concurrency: int = 4
) -> dict[str, Any]:
    prompts = PromptLibrary.load()
    styles = member_styles(members)
    mix = command_mix(list(styles), commands)
    carried = with_lore(mix, story_bible()) if layout == "inkwell+lore" else [(c, "") for c in mix]
    backend = inkwell_backend(server)
    await backend.start()
    reset = _reset_prefix_cache(server.root_url)
    if not reset:
        print(
            f"warning: could not reset the prefix cache before '{layout}'; its hit rate "
            "includes what the layouts before it cached",
            flush=True,
        )
    before = read_metrics(server.root_url)
    gate = asyncio.Semaphore(concurrency)

    async def send(command: Command, lore: str) -> None:
        style = styles[command.user_id]
        messages = (
            naive_layout(prompts, command, style)
            if layout == "naive"
            else inkwell_layout(prompts, command, style, lore)
        )
        request = GenerationRequest(messages, Sampling(temperature=0.0, max_tokens=8))
        async with gate:
            async for _delta in backend.stream(request):
                pass

    await asyncio.gather(*(send(command, lore) for command, lore in carried))
    after = read_metrics(server.root_url)
    await backend.close()
    queries = delta(before, after, PREFIX_QUERIES)
    hits = delta(before, after, PREFIX_HITS)
    return {
        "layout": layout,
        "hit_rate": round(hits / queries, 3) if queries else 0.0,
        "hit_tokens": hits,
        "query_tokens": queries,
        "cache_reset": reset,
        "block_size": read_block_size(server.root_url),
        "with_lore": sum(1 for _, lore in carried if lore),
        "requests": len(carried),
    }
