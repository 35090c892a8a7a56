"""``inkwell prepare``: build the default model directory in the model cache (once).

``inkwell serve`` (the vLLM launcher) lives in :mod:`inkwell.serving.launcher`.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from inkwell.serving.prepare import CACHE_ENV, PrepareError, default_cache_dir, prepare_model


def add_prepare_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--cache",
        type=Path,
        default=None,
        metavar="DIR",
        help=f"model cache directory (default: ${CACHE_ENV} or .cache/models)",
    )


def run_prepare(args: argparse.Namespace) -> int:
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
