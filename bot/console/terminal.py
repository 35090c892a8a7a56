"""The playground on a real terminal: line editing, history, completion and Ctrl-C.

Reading a line uses prompt_toolkit (history kept in a file across runs, Tab completes
commands, option names and choices). Ctrl-C at the prompt clears the line; Ctrl-D ends the
playground. While a command runs, what is typed is neither echoed nor kept for later, and
Ctrl-C is read as a key (not a signal, which would also reach ``make``) and stops the piece.
Scripted input (a pipe) never comes here: :func:`~inkwell.bot.console.playground.stdin_reader`
reads it plainly.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import termios
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from prompt_toolkit import PromptSession
from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document
from prompt_toolkit.history import FileHistory, History, InMemoryHistory

from inkwell.bot.console.completion import completions

PROMPT = "inkwell> "
CTRL_C = b"\x03"


class CommandCompleter(Completer):
    def get_completions(
        self, document: Document, complete_event: CompleteEvent
    ) -> Iterable[Completion]:
        word, candidates = completions(document.text_before_cursor)
        for candidate in candidates:
            yield Completion(candidate, start_position=-len(word))


class Terminal:
    """Reads lines from a terminal and keeps it quiet while a command runs."""

    def __init__(self, history_file: Path | None) -> None:
        history: History = InMemoryHistory()
        if history_file is not None:
            with contextlib.suppress(OSError):
                history_file.parent.mkdir(parents=True, exist_ok=True)
                history_file.touch()
                history = FileHistory(str(history_file))
        self._session: PromptSession[str] = PromptSession(
            history=history, completer=CommandCompleter(), complete_while_typing=False
        )

    async def read_line(self) -> str | None:
        """One line; ``""`` after Ctrl-C (the line is dropped), None after Ctrl-D."""
        try:
            return await self._session.prompt_async(PROMPT)
        except KeyboardInterrupt:
            return ""
        except EOFError:
            return None

    @contextlib.contextmanager
    def busy(self, on_interrupt: Callable[[], None]) -> Iterator[None]:
        """While a command runs: no echo, typed text thrown away, Ctrl-C → ``on_interrupt``."""
        fd = sys.stdin.fileno()
        try:
            saved = termios.tcgetattr(fd)
        except termios.error:
            yield
            return
        quiet = list(saved)
        quiet[3] &= ~(termios.ECHO | termios.ICANON | termios.ISIG)
        termios.tcsetattr(fd, termios.TCSANOW, quiet)
        loop = asyncio.get_running_loop()

        def typed() -> None:
            with contextlib.suppress(OSError):
                if CTRL_C in os.read(fd, 1024):
                    on_interrupt()

        loop.add_reader(fd, typed)
        try:
            yield
        finally:
            loop.remove_reader(fd)
            termios.tcsetattr(fd, termios.TCSAFLUSH, saved)  # drops what was typed meanwhile
