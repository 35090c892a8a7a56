"""How the launcher sets up vLLM's process: its priority, checked in a real child process."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from inkwell.serving.launcher.process import _make_child_setup


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
