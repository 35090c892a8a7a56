"""Reading vLLM's Prometheus ``/metrics``: counters summed over their labels."""

from __future__ import annotations

import re
import urllib.request

_SAMPLE = re.compile(r"^(?P<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{[^}]*\})?\s+(?P<value>\S+)")

GENERATION_TOKENS = "vllm:generation_tokens_total"
PROMPT_TOKENS = "vllm:prompt_tokens_total"
PREFIX_HITS = "vllm:prefix_cache_hits_total"
PREFIX_QUERIES = "vllm:prefix_cache_queries_total"


def parse_metrics(text: str) -> dict[str, float]:
    totals: dict[str, float] = {}
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        match = _SAMPLE.match(line)
        if match:
            try:
                value = float(match.group("value"))
            except ValueError:
                continue
            totals[match.group("name")] = totals.get(match.group("name"), 0.0) + value
    return totals


def fetch_metrics_text(root_url: str, timeout: float = 5.0) -> str:
    """``root_url`` is the server root (``http://127.0.0.1:8000``), not the ``/v1`` base."""
    with urllib.request.urlopen(f"{root_url.rstrip('/')}/metrics", timeout=timeout) as response:
        return str(response.read().decode("utf-8"))


def read_metrics(root_url: str, timeout: float = 5.0) -> dict[str, float]:
    return parse_metrics(fetch_metrics_text(root_url, timeout))


_BLOCK_SIZE = re.compile(
    r'^vllm:cache_config_info\{[^}]*\bblock_size="(?P<size>\d+)"', re.MULTILINE
)


def parse_block_size(text: str) -> int | None:
    """The KV-cache block size in tokens from ``vllm:cache_config_info``'s labels, or None
    when the server does not say: prefix-cache hits come in multiples of it."""
    match = _BLOCK_SIZE.search(text)
    return int(match.group("size")) if match else None


def read_block_size(root_url: str, timeout: float = 5.0) -> int | None:
    return parse_block_size(fetch_metrics_text(root_url, timeout))


def delta(before: dict[str, float], after: dict[str, float], name: str) -> float:
    return after.get(name, 0.0) - before.get(name, 0.0)
