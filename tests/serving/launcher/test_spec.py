"""How ``inkwell serve`` builds vLLM's command line: the server's priority per profile."""

from __future__ import annotations

from pathlib import Path

from inkwell.serving.launcher.arguments import parse_up_args
from inkwell.serving.launcher.spec import build_spec


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
