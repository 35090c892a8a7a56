"""Running one vLLM server: start it, wait for ``/health``, stop its whole process group.

:class:`VllmServer` owns the child process. The child gets its own session (so a terminal's
Ctrl-C reaches only the launcher, which then stops the group in order), its niceness and
scheduling policy and, on Linux, a parent-death signal; a thread copies its output to the log
file. Tests and benchmarks use :class:`VllmServer` directly as a context manager, and
:func:`free_port` to pick a port for it.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import IO

from inkwell.serving.launcher.arguments import DEFAULT_HOST
from inkwell.serving.launcher.spec import LaunchError, ServerSpec


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
