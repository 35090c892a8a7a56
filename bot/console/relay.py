"""The playground's /relay: one local writer and the model write a story in turns.

The same :class:`~inkwell.bot.services.relay.RelayService` as in Discord, with a notifier that
prints. Playground relays live in the same SQLite file as the bot's but are kept apart
(no guild, local thread ids), so neither runs the other's timers. The newest playground
relay still running is "the" relay; after a restart of the playground it carries on.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Final, cast, get_args

from inkwell.bot.console.commands import option_names
from inkwell.bot.console.parsing import parse_command_line
from inkwell.bot.errors import InvalidInput
from inkwell.bot.records.lore import FOOTER_SEPARATOR
from inkwell.bot.services.bundle import Services
from inkwell.bot.services.origin import Origin
from inkwell.bot.services.relay import (
    Actor,
    Person,
    Place,
    Recap,
    RelayOptions,
    RelayService,
)
from inkwell.bot.services.relay.export import MODEL_NAME
from inkwell.bot.services.relay.models import (
    AiTurns,
    EndReason,
    PauseReason,
    RelayRecord,
    SkipReason,
    SteeringKind,
    TurnOrder,
    TurnRecord,
)
from inkwell.bot.services.relay.notifier import NoticeKey
from inkwell.bot.services.relay.steering import confirmation
from inkwell.bot.text.durations import rough_duration

Working = Callable[[str], AbstractContextManager[None]]

RELAY_HELP: Final = """\
Relay stories (you and the model take turns):
  /relay start title:"…" [premise:"…"] [genre:…] [tone:…] [max_words:50-1000]
               [turn_minutes:5-10080] [ai_turns:each_round|on_timeout] [ai_opening:yes|no]
  /relay write <your turn> · /relay pass · /relay status · /relay export [file:story.md]
  /relay pause · /relay resume · /relay end (one relay runs at a time)
  /relay undo takes your last turn back before the next is written: with ai_turns:on_timeout
    (with each_round the model writes at once)
  /relay memory <facts the model must always keep> · /relay note <one steering line>
    (clear clears; alone, they show what is set)
  /relay leave · /relay join (back in). Discord's /relay kick and ai_turns:off need other
    writers, so the playground has neither."""

_INTEGER_OPTIONS: Final = ("turn_minutes", "max_words", "max_writers")
# The subcommands whose text is the member's prose, taken as typed.
_PROSE: Final = frozenset({"write", "memory", "note"})
_TEXT_OPTIONS: Final = ("title", "premise", "genre", "tone")
_YES: Final = frozenset({"yes", "y", "true", "on", "1"})
_NO: Final = frozenset({"no", "n", "false", "off", "0"})

_SKIPPED: Final[dict[SkipReason, str]] = {
    "passed": "{Who} passed turn {turn}.",
    "timed_out": "Time ran out for {who} on turn {turn}.",
    "left": "{Who} left; turn {turn} moves on.",
    "removed": "{Who} was removed; turn {turn} moves on.",
    "model_failed": "The model couldn't write turn {turn}; the story moves on.",
    "model_withheld": "The content filter held back the model's turn {turn}.",
}


class ConsoleRelayNotifier:
    """Prints what a Discord thread would show.

    A terminal has no messages to look back at, so a notice an earlier playground may have
    printed just before it stopped is printed again (``key.maybe_sent`` is not checked).
    """

    def __init__(self, say: Callable[[str], None], user_id: int) -> None:
        self._say = say
        self._user_id = user_id

    def _who(self, user_id: int | None, *, by_model: bool = False) -> str:
        if by_model:
            return MODEL_NAME
        return "you" if user_id == self._user_id else "another writer"

    async def turn_started(self, relay: RelayRecord, recap: Recap, *, key: NoticeKey) -> None:
        left = (
            f", {rough_duration(relay.turn_deadline - time.time())}" if relay.turn_deadline else ""
        )
        lines = [f"— Your turn: turn {relay.turn}, up to {relay.max_words} words{left}."]
        if recap.summary:
            lines.append(f"  So far: {recap.summary}")
        if recap.last is not None and recap.last_excerpt:
            who = self._who(recap.last.writer_id, by_model=recap.last.by_model)
            lines.append(f"  Last turn ({who}): {recap.last_excerpt}")
        elif recap.premise:
            lines.append(f"  Premise: {recap.premise}")
        lines.append("  Write it with: /relay write <your text>")
        self._say("\n".join(lines))

    async def turn_reminder(self, relay: RelayRecord, *, key: NoticeKey) -> None:
        self._say(f"— Reminder: turn {relay.turn} is still yours.")

    async def turn_written(
        self, relay: RelayRecord, turn: TurnRecord, *, key: NoticeKey, lore: Sequence[str] = ()
    ) -> None:
        who = self._who(turn.writer_id, by_model=turn.by_model)
        self._say(f"\n── Turn {turn.number} · {who} · {turn.words} words ──\n{turn.text}")
        if lore:
            self._say(f"· lore: {FOOTER_SEPARATOR.join(lore)}")
        self._say("")

    async def turn_skipped(
        self, relay: RelayRecord, writer_id: int | None, reason: SkipReason, *, key: NoticeKey
    ) -> None:
        who = self._who(writer_id)
        self._say(_SKIPPED[reason].format(who=who, Who=who[:1].upper() + who[1:], turn=relay.turn))

    async def turn_undone(self, relay: RelayRecord, turn: TurnRecord, *, key: NoticeKey) -> None:
        self._say(f"↩ Turn {turn.number} taken back; write it again.")

    async def waiting_for_writers(self, relay: RelayRecord, *, key: NoticeKey) -> None:
        self._say("The relay waits for a writer: /relay join to go on.")

    async def relay_paused(
        self, relay: RelayRecord, reason: PauseReason, *, key: NoticeKey
    ) -> None:
        why = "nobody wrote for a whole round" if reason == "idle" else "as asked"
        self._say(f"⏸ Paused ({why}). /relay resume goes on.")

    async def relay_resumed(self, relay: RelayRecord, *, key: NoticeKey) -> None:
        self._say("▶ Resumed.")

    async def steering_changed(
        self, relay: RelayRecord, kind: SteeringKind, by: int, *, key: NoticeKey
    ) -> None:
        """Nothing to add: the playground's one writer set it and was told so."""

    async def relay_ended(self, relay: RelayRecord, reason: EndReason, *, key: NoticeKey) -> None:
        self._say(f"🏁 “{relay.title}” has ended. /relay export shows the whole story.")


class RelayConsole:
    """Runs ``/relay …`` lines for the playground's one local member."""

    def __init__(
        self,
        services: Services,
        say: Callable[[str], None],
        user_id: int,
        *,
        working: Working | None = None,
    ) -> None:
        """``working(what)``: shows what is happening while the model writes (a terminal's
        progress line); by default a line saying so."""
        self._services = services
        self._say = say
        self._working = working or self._said
        self._me = Person(user_id, "you")
        self._actor = Actor(user_id, can_moderate=True)  # the playground is yours
        self._opened = False

    @property
    def _relay(self) -> RelayService:
        return self._services.relay

    async def handle(self, line: str) -> None:
        if not self._opened:
            await self._relay.open(ConsoleRelayNotifier(self._say, self._me.user_id), local=True)
            self._opened = True
        words = line.split(None, 2)
        if len(words) > 1 and words[1].lower() in _PROSE:
            # Prose: its quotes, apostrophes and colons are the writer's, never parsed.
            await self._prose(words[1].lower(), _prose_text(line))
            return
        command = parse_command_line(
            line, subcommands=frozenset({"relay"}), option_names=option_names
        )
        match command.subcommand:
            case "start":
                await self._start(command.options, command.words)
            case "help" | None:
                self._say(RELAY_HELP)
            case "join":
                await self._relay.join(await self._thread(), self._me)
                self._say("You're in.")
            case "leave":
                await self._relay.leave(await self._thread(), self._me.user_id)
                self._say("You've left the relay.")
            case "pass":
                await self._relay.pass_turn(await self._thread(), self._me.user_id)
                await self._model_writes()
            case "undo":
                await self._undo()
            case "status":
                await self._status()
            case "pause":
                await self._relay.pause(await self._thread(), self._actor)
            case "resume":
                await self._relay.resume(await self._thread(), self._actor)
                await self._relay.settle()
            case "end":
                await self._relay.end(await self._thread(), self._actor)
            case "export":
                await self._export(command.options.get("file"))
            case other:
                raise InvalidInput(f"/relay has no “{other}”. Type /relay help.")

    async def _prose(self, subcommand: str, text: str) -> None:
        if subcommand == "write":
            await self._write(text)
            return
        kind: SteeringKind = "memory" if subcommand == "memory" else "note"
        thread = await self._thread()
        if not text:
            self._say(await self._steering_now(thread, kind))
            return
        setter = self._relay.set_memory if kind == "memory" else self._relay.set_note
        self._say(confirmation(kind, await setter(thread, self._actor, text)))

    async def _steering_now(self, thread: int, kind: SteeringKind) -> str:
        relay = (await self._relay.status(thread)).relay
        if kind == "memory":
            if relay.memory:
                return f"Memory:\n{relay.memory}"
            return "No memory yet. Set one: /relay memory Mira keeps the light; she can't swim."
        if relay.note:
            return f"Author's note: {relay.note}"
        return "No author's note yet. Set one: /relay note Keep it light."

    async def _thread(self) -> int:
        relay = await self._relay.local_relay()
        if relay is None:
            raise InvalidInput('No relay yet. Start one: /relay start title:"The Lighthouse"')
        return relay.thread_id

    async def _undo(self) -> None:
        thread = await self._thread()
        relay = await self._relay.local_relay()
        if relay is not None and relay.ai_turns == "each_round":
            raise InvalidInput(
                "Nothing to take back: with ai_turns:each_round the model writes its turn right "
                "after yours. Start a relay with ai_turns:on_timeout to keep time for undo."
            )
        taken_back = await self._relay.undo(thread, self._me.user_id)
        self._say(f"Your text was:\n{taken_back.text}")

    async def _start(self, given: dict[str, str], words: tuple[str, ...]) -> None:
        options = _start_options(given, words)
        if options.ai_turns == "off":
            raise InvalidInput(
                "With ai_turns:off only people write, and in the playground there is only you. "
                "Use ai_turns:each_round (the default) or ai_turns:on_timeout."
            )
        running = await self._relay.local_relay()
        if running is not None and running.is_open:
            raise InvalidInput(
                f"“{running.title}” is still running (/relay status). "
                "End it with /relay end before you start another."
            )
        draft = await self._relay.prepare(options, Origin(self._me.user_id))
        thread_id = await self._relay.next_local_thread_id()
        self._say(f"📖 “{draft.options.title}” begins. You and the model take turns.")
        await self._relay.create(draft, Place(thread_id), self._me)
        await self._relay.settle()

    async def _write(self, text: str) -> None:
        if not text:
            raise InvalidInput("Write your turn after the command: /relay write The lamp went out.")
        thread = await self._thread()
        await self._relay.write_turn(thread, self._me, text)
        self._say("(saved)")
        await self._model_writes()

    async def _model_writes(self) -> None:
        """Say at once when the model takes its turn, then wait for it."""
        relay = await self._relay.local_relay()
        if relay is None or not relay.model_turn:
            await self._relay.settle()
            return
        with self._working(f"the model is writing turn {relay.turn}"):
            await self._relay.settle()

    @contextlib.contextmanager
    def _said(self, what: str) -> Iterator[None]:
        self._say(f"({what}…)")
        yield

    async def _status(self) -> None:
        status = await self._relay.status(await self._thread())
        relay = status.relay
        if relay.model_turn:
            whose = "the model is writing"
        elif relay.writer_id == self._me.user_id:
            left = f", {rough_duration(status.seconds_left)} left" if status.seconds_left else ""
            whose = f"yours{left}"
        else:
            whose = "nobody's"
        lines = [
            f"“{relay.title}”: {relay.status}, turn {relay.turn} ({whose}); "
            f"{status.turns_written} turns, {status.words} words so far."
        ]
        if status.memory is not None:
            cut = " (/relay memory shows it all)" if status.memory != relay.memory else ""
            lines.append(f"  Memory: {status.memory}{cut}")
        if status.note is not None:
            lines.append(f"  Author's note: {status.note}")
        self._say("\n".join(lines))

    async def _export(self, path: str | None) -> None:
        exported = await self._relay.export(await self._thread())
        if path is None:
            self._say(exported.markdown)
            return
        await asyncio.to_thread(Path(path).write_text, exported.markdown, encoding="utf-8")
        self._say(f"Saved the story to {path}.")


def _prose_text(line: str) -> str:
    """Everything after ``/relay write`` (or ``memory``, ``note``), as typed; a ``text:``
    in front, with or without quotes around the rest, is taken off."""
    text = line.split(None, 2)[2] if len(line.split(None, 2)) == 3 else ""
    if text.startswith("text:"):
        text = text.removeprefix("text:").strip()
        if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
            text = text[1:-1]
    return text.strip()


def _start_options(given: dict[str, str], words: tuple[str, ...]) -> RelayOptions:
    """/relay start's options from what was typed; free words become the title. The model
    co-writes by default here (``ai_turns:each_round``): the playground has one member."""
    known = {*_TEXT_OPTIONS, *_INTEGER_OPTIONS, "ai_turns", "order", "ai_opening"}
    unknown = sorted(set(given) - known)
    if unknown:
        raise InvalidInput(f"/relay start has no option {', '.join(unknown)}.")
    title = " ".join(filter(None, [given.get("title", ""), *words]))
    if not title:
        raise InvalidInput('Give the story a title: /relay start title:"The Lighthouse"')
    numbers: dict[str, int] = {}
    for name in _INTEGER_OPTIONS:
        if name in given:
            if not given[name].strip().isdigit():
                raise InvalidInput(f"{name} must be a whole number.")
            numbers[name] = int(given[name])
    ai_turns = _choice(given, "ai_turns", get_args(AiTurns), "each_round")
    order = _choice(given, "order", get_args(TurnOrder), "join")
    opening = given.get("ai_opening", "no").strip().lower()
    if opening not in _YES | _NO:
        raise InvalidInput("ai_opening must be yes or no.")
    defaults = RelayOptions(title)
    return RelayOptions(
        title=title,
        premise=given.get("premise"),
        genre=given.get("genre"),
        tone=given.get("tone"),
        turn_minutes=numbers.get("turn_minutes", defaults.turn_minutes),
        max_words=numbers.get("max_words", defaults.max_words),
        ai_turns=cast(AiTurns, ai_turns),
        order=cast(TurnOrder, order),
        max_writers=numbers.get("max_writers", defaults.max_writers),
        ai_opening=opening in _YES,
    )


def _choice(given: dict[str, str], name: str, allowed: tuple[str, ...], default: str) -> str:
    value = given.get(name, default).strip().lower()
    if value not in allowed:
        raise InvalidInput(f"{name} must be one of: {', '.join(allowed)}.")
    return value
