"""What ``inkwell serve`` prints when it has nothing to start: a dry run, a refused option."""

from __future__ import annotations

from pathlib import Path

import pytest

from inkwell.serving.launcher.arguments import parse_up_args
from inkwell.serving.launcher.command import run_up


def test_a_dry_run_prints_the_environment_command_line_and_base_url(
    prepared_model_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run_up(
        parse_up_args(["--model", str(prepared_model_path), "--port", "8011", "--dry-run"])
    )

    printed = capsys.readouterr().out.splitlines()
    assert code == 0
    assert "VLLM_CPU_KVCACHE_SPACE=1" in printed
    assert any("vllm.entrypoints.openai.api_server" in line for line in printed)
    assert printed[-1] == "INKWELL_LLM__BASE_URL=http://127.0.0.1:8011/v1"


def test_a_refused_option_is_one_error_line_and_status_1(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = run_up(parse_up_args(["--profile", "gpu", "--lora", "poet"]))

    assert code == 1
    assert capsys.readouterr().err == "error: --lora expects NAME=PATH, got 'poet'\n"
