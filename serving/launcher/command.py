"""The ``inkwell serve`` command: build, start, report the settings, serve until a signal.

:func:`run_up` is the command's handler. It turns every :class:`LaunchError` into one
``error:`` line on stderr and exit status 1, and turns Ctrl-C, SIGTERM and SIGHUP into an
orderly stop of the server's whole process group (exit status 0). What to put in ``.env`` goes
to stdout; progress goes to stderr, so ``inkwell serve > vllm.env`` keeps only the settings.
"""

from __future__ import annotations

import argparse
import contextlib
import shlex
import signal
import sys
from collections.abc import Iterator
from types import FrameType

from inkwell.serving.launcher.process import VllmServer
from inkwell.serving.launcher.spec import LaunchError, build_spec, check_interpreter
from inkwell.serving.vllm_env import VllmEnvError, ensure_vllm_venv


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
