"""The playground's passage tools: /rewrite, /continue-text, /describe and /feedback.

The same service as the Discord commands, on text typed in ``text:"…"`` (or as free words);
the results are printed, Rewrite's three alternatives numbered.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Final

from inkwell.bot.console.parsing import ConsoleCommand
from inkwell.bot.errors import InvalidInput
from inkwell.bot.services.origin import Origin
from inkwell.bot.services.passages import PassageResult, PassageService, Tool

# Console command → the tool it runs, and what the playground says while it works.
PASSAGE_COMMANDS: Final[dict[str, Tool]] = {
    "rewrite": "rewrite",
    "continue-text": "continue",
    "describe": "describe",
    "feedback": "feedback",
}
DOING: Final[dict[Tool, str]] = {
    "rewrite": "rewriting the passage three ways",
    "continue": "continuing the passage",
    "describe": "describing the passage",
    "feedback": "reading the passage",
}

Working = Callable[[str], AbstractContextManager[None]]


class PassagesConsole:
    def __init__(
        self,
        passages: PassageService,
        say: Callable[[str], None],
        author: Origin,
        *,
        working: Working | None = None,
    ) -> None:
        """``working(what)``: shows what is happening while the model writes (a terminal's
        progress line); by default a line saying so."""
        self._passages = passages
        self._say = say
        self._author = author
        self._working = working or self._said

    async def handle(self, command: ConsoleCommand) -> None:
        tool = PASSAGE_COMMANDS[command.name]
        text = " ".join(filter(None, [command.options.get("text", ""), *command.words]))
        if not text.strip():
            raise InvalidInput(f'There is no text to work with: /{command.name} text:"…"')
        with self._working(DOING[tool]):
            result = await self._run(tool, text, command.options.get("instruction"))
        self._print(result)

    async def _run(self, tool: Tool, text: str, instruction: str | None) -> PassageResult:
        if tool == "rewrite":
            return await self._passages.rewrite(text, self._author, instruction=instruction)
        if tool == "continue":
            return await self._passages.continue_text(text, self._author)
        if tool == "describe":
            return await self._passages.describe(text, self._author)
        return await self._passages.feedback(text, self._author)

    @contextlib.contextmanager
    def _said(self, what: str) -> Iterator[None]:
        self._say(f"({what}…)")
        yield

    def _print(self, result: PassageResult) -> None:
        if len(result.texts) > 1:
            for number, text in enumerate(result.texts, 1):
                self._say(f"{number}. {text}\n")
        else:
            self._say(result.text)
        for note in (*result.notes, result.footer):
            if note:
                self._say(f"· {note}")
