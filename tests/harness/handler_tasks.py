"""Waiting for the bot's handlers: the tasks an interaction started, and what they logged.

discord.py runs each command, view and modal callback in a task of its own and only logs an
exception nobody handled. :class:`HandlerTasks` collects those tasks (:func:`spawned_tasks`
sees each one as the loop creates it), waits for them to finish (:meth:`~HandlerTasks.settle`)
or to go quiet (:meth:`~HandlerTasks.idle`), and turns a logged error into a failed test
(:class:`UnhandledError`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable, Iterator
from typing import Any, cast

from tests.harness.recorder import Recorder


class HarnessTimeout(AssertionError):
    """Handlers still running when the harness stopped waiting."""


class UnhandledError(AssertionError):
    """discord.py logged an exception nobody handled (command, view, modal or event)."""


class _ErrorLog(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextlib.contextmanager
def spawned_tasks() -> Iterator[set[asyncio.Task[Any]]]:
    """Collect the tasks created on the running loop inside the block (discord.py starts one
    per handler). A task factory sees each as it is made, whatever else is running."""
    loop = asyncio.get_running_loop()
    previous = loop.get_task_factory()
    spawned: set[asyncio.Task[Any]] = set()

    def factory(loop: asyncio.AbstractEventLoop, coro: Any, **kwargs: Any) -> asyncio.Task[Any]:
        if previous is not None:
            task = cast("asyncio.Task[Any]", previous(loop, coro, **kwargs))
        else:
            task = asyncio.Task(coro, loop=loop, **kwargs)
        spawned.add(task)
        return task

    loop.set_task_factory(factory)
    try:
        yield spawned
    finally:
        loop.set_task_factory(previous)


class HandlerTasks:
    """The handler tasks of the interactions a harness ran, and discord.py's logged errors.

    ``recorder`` tells :meth:`idle` whether the bot is still sending; ``timeout`` bounds
    :meth:`settle`; ``raise_unhandled=False`` only collects logged errors.
    """

    def __init__(self, recorder: Recorder, *, timeout: float, raise_unhandled: bool) -> None:
        self.recorder = recorder
        self.timeout = timeout
        self.raise_unhandled = raise_unhandled
        self._tasks: set[asyncio.Task[Any]] = set()
        self._errors = _ErrorLog()
        self._errors_seen = 0

    def listen(self) -> None:
        """Start collecting the ERROR records of discord.py's loggers."""
        logging.getLogger("discord").addHandler(self._errors)

    def stop_listening(self) -> None:
        logging.getLogger("discord").removeHandler(self._errors)

    def track(self, task: asyncio.Task[Any]) -> None:
        self._tasks.add(task)

    def adopt(self, tasks: Iterable[asyncio.Task[Any]], *, forget_when_fine: bool = False) -> None:
        """Wait for ``tasks`` too. ``forget_when_fine`` lets go of each that ends well, so a
        load run does not keep every finished task; :meth:`settle` still sees failures."""
        tasks = set(tasks)
        self._tasks.update(tasks)
        if forget_when_fine:
            for task in tasks:
                task.add_done_callback(self._forget_if_fine)

    def _forget_if_fine(self, task: asyncio.Task[Any]) -> None:
        if task.cancelled() or task.exception() is None:
            self._tasks.discard(task)

    async def cancel_all(self) -> None:
        """Cancel whatever is still running and wait (up to ``timeout``) for it to stop."""
        for task in self._tasks:
            task.cancel()
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=self.timeout)
        self._tasks.clear()

    async def settle(self, within: float | None = None) -> None:
        """Wait until every tracked handler has finished.

        Re-raises an exception a handler task died with, and (``raise_unhandled``) an
        exception discord.py caught and only logged: a failing view callback must fail the test.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + (self.timeout if within is None else within)
        while pending := {task for task in self._tasks if not task.done()}:
            remaining = deadline - loop.time()
            if remaining <= 0:
                names = sorted(task.get_name() for task in pending)
                raise HarnessTimeout(
                    f"handlers still running after {self.timeout}s: {names}. A handler waiting "
                    "for a click or a modal? Dispatch it with wait=False, then click."
                )
            await asyncio.wait(pending, timeout=remaining)
        finished, self._tasks = self._tasks, set()
        for task in finished:
            if not task.cancelled() and task.exception() is not None:
                raise task.exception()  # type: ignore[misc]
        self.raise_logged_errors()

    async def idle(self, quiet_rounds: int = 20, quiet_time: float = 0.1) -> None:
        """Let every handler run until it waits on something only the test can provide.

        Quiet means no new traffic and no task finishing for ``quiet_rounds`` loop turns and
        then for ``quiet_time`` seconds more: work handed to threads (aiosqlite, a model)
        finishes outside the loop and would look idle to loop turns alone on a busy machine.
        """
        loop = asyncio.get_running_loop()

        def progress() -> tuple[int, int]:
            return (len(self.recorder.events), sum(1 for task in self._tasks if task.done()))

        last = progress()
        quiet = 0
        quiet_since = loop.time()
        for _ in range(100_000):
            await asyncio.sleep(0 if quiet < quiet_rounds else 0.005)
            now = progress()
            if now != last:
                quiet, quiet_since, last = 0, loop.time(), now
                continue
            quiet += 1
            if quiet >= quiet_rounds and loop.time() - quiet_since >= quiet_time:
                break
        self.raise_logged_errors()

    def unhandled_errors(self) -> list[logging.LogRecord]:
        """ERROR records discord.py logged so far (unhandled exceptions in handlers)."""
        return list(self._errors.records)

    def raise_logged_errors(self) -> None:
        new = self._errors.records[self._errors_seen :]
        self._errors_seen = len(self._errors.records)
        if not new or not self.raise_unhandled:
            return
        record = new[0]
        cause = record.exc_info[1] if record.exc_info else None
        raise UnhandledError(f"discord.py logged: {record.getMessage()} ({cause!r})") from cause


__all__ = ["HandlerTasks", "HarnessTimeout", "UnhandledError", "spawned_tasks"]
