"""How ``inkwell serve`` starts vLLM: the parts that need no server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from inkwell.serving.launcher import _make_child_setup, build_spec, parse_up_args


def test_the_cpu_profile_server_runs_nicer_than_a_bot_on_the_same_cores(
    prepared_model_path: Path,
) -> None:
    spec = build_spec(parse_up_args(["--model", str(prepared_model_path)]))

    assert spec.nice == 10
    assert spec.idle
    assert "nice -n 10 chrt --idle 0 " in spec.shell_line()


def test_a_gpu_host_server_keeps_normal_priority() -> None:
    spec = build_spec(parse_up_args(["--profile", "gpu"]))

    assert spec.nice == 0
    assert not spec.idle
    assert "nice" not in spec.shell_line()
    assert "chrt" not in spec.shell_line()


def test_nice_flag_overrides_the_profile(prepared_model_path: Path) -> None:
    spec = build_spec(parse_up_args(["--model", str(prepared_model_path), "--nice", "0"]))

    assert spec.nice == 0


def test_idle_flag_overrides_the_profile(prepared_model_path: Path) -> None:
    spec = build_spec(parse_up_args(["--model", str(prepared_model_path), "--no-idle"]))

    assert not spec.idle


@pytest.mark.skipif(not hasattr(os, "SCHED_IDLE"), reason="SCHED_IDLE is Linux-only")
def test_the_server_process_really_runs_under_sched_idle() -> None:
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.sched_getscheduler(0))"],
        preexec_fn=_make_child_setup(idle=True),
        capture_output=True,
        text=True,
        check=True,
    )

    assert int(child.stdout) == os.SCHED_IDLE


def test_the_server_process_really_runs_that_much_nicer() -> None:
    ours = os.nice(0)
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.nice(0))"],
        preexec_fn=_make_child_setup(5),
        capture_output=True,
        text=True,
        check=True,
    )

    assert int(child.stdout) == min(ours + 5, 19)
