"""The console playground: Inkwell's commands in a terminal, no Discord needed.

``inkwell play`` uses the same services as the bot (the embedded model by default, the
same SQLite file), so what a person tries here is what members get.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import shutil
import signal
import sys
import textwrap
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AbstractContextManager
from typing import Final, TextIO

from inkwell.bot.console.commands import option_names, subcommand_names
from inkwell.bot.console.filters import FiltersConsole
from inkwell.bot.console.lore import LoreConsole
from inkwell.bot.console.parsing import ConsoleCommand, parse_command_line
from inkwell.bot.console.passages import PASSAGE_COMMANDS, PassagesConsole
from inkwell.bot.console.relay import RelayConsole
from inkwell.bot.errors import InkwellError, InvalidInput
from inkwell.bot.records.styles import StyleRecord
from inkwell.bot.services.bundle import Services
from inkwell.bot.services.creation import Creation
from inkwell.bot.services.forms import FORMS
from inkwell.bot.services.lore.desk import LoreDesk
from inkwell.bot.services.origin import Origin
from inkwell.serving.backend import BackendError, QueueState, for_the_operator

log = logging.getLogger(__name__)

# The playground's one member. Styles set here live in the same SQLite file as the bot's,
# under an id no Discord account can have (snowflakes are far larger).
LOCAL_USER_ID = 1
# The playground's own test server, which its user moderates (/filters).
LOCAL_GUILD_ID = 1

LineReader = Callable[[], Awaitable[str | None]]
Busy = Callable[[Callable[[], None]], AbstractContextManager[None]]
"""While a command runs: calls its argument on Ctrl-C (``Terminal.busy``, or a SIGINT handler)."""

SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
# Colours on a terminal, by how a line starts: errors, form reports, whose turn it is, hints.
_COLOURS = (("! ", "31"), ("· ", "36"), ("— Your turn", "1;33"), ("[variant", "2"))

HELP = """\
Commands (Discord's, for one writer who also moderates a test server):
  /story prompt:"…" [genre:…] [tone:…] [length:short|medium|long] [pov:first|second|third]
  /lyrics topic:"…" [genre:…] [mood:…] [structure:verse-chorus|verse-chorus-bridge|freeform]
  /poem topic:"…" [form:free|haiku|tanka|limerick|sonnet|villanelle|acrostic] [tone:…]
        [word:…] (an acrostic's word)
  /post topic:"…" [platform:x|bluesky|threads|mastodon|instagram|linkedin] [tone:…] [variants:1-3]
    each also takes [creativity:low|medium|high]: how adventurous the wording (else your style's)
  /style set [voice:…] [tone:…] [pov:…] [tense:past|present|future] [rating:g|pg|pg13|mature]
             [creativity:low|medium|high] [favourite_forms:…] [avoid:…] [sample:…]
  /style show · /style reset [tone|field:…] (no field: all) · /style forget-me
  /relay start title:"…" · /relay write … · /relay help   (a story in turns with the model)
  /filters add pattern:"…" · /filters list · /filters test … · /filters help   (your rules)
  /lore add name:"…" keys:"…" text:"…" · /lore list · /lore help   (your story bible)
  /rewrite text:"…" [instruction:"darker"] (three alternatives in your style)
  /continue-text text:"…" · /describe text:"…" (senses, a metaphor) · /feedback text:"…"
After a piece: r regenerate · c continue (story, lyrics) · n / p next / previous variant
Ctrl-C stops a piece as it writes (the text stays) and otherwise clears the line.
Tab completes commands, options and choices; ↑ ↓ recall earlier lines.  /help · /quit (or Ctrl-D)
Tip: words without a name become the topic: /poem first snow form:haiku"""


async def stdin_reader() -> str | None:
    """Read one line from the terminal without blocking the event loop; None at end of input."""
    try:
        return await asyncio.to_thread(input, "inkwell> ")
    except EOFError:
        return None


class Playground:
    def __init__(
        self,
        services: Services,
        read_line: LineReader,
        out: TextIO = sys.stdout,
        *,
        busy: Busy | None = None,
        terminal: bool = False,
        width: int | None = None,
    ) -> None:
        """``terminal``: the output is a terminal (colour, a progress line, lines wrapped to
        ``width``, else the terminal's own); scripted output gets plain lines."""
        self._services = services
        self._read_line = read_line
        self._out = out
        self._busy = busy or _signal_interrupts
        self._terminal = terminal
        self._width = width
        self._author = Origin(LOCAL_USER_ID, guild_id=LOCAL_GUILD_ID)
        self._creation: Creation | None = None
        self._relay = RelayConsole(
            services, self.say, LOCAL_USER_ID, working=self._working if terminal else None
        )
        self._filters = FiltersConsole(services.filters, self.say, LOCAL_GUILD_ID, LOCAL_USER_ID)
        self._lore = LoreConsole(
            LoreDesk(services.lore, services.relay, services.filters),
            self.say,
            LOCAL_GUILD_ID,
            LOCAL_USER_ID,
        )
        self._passages = PassagesConsole(
            services.passages,
            self.say,
            self._author,
            working=self._working if terminal else None,
        )
        self._command_task: asyncio.Future[None] | None = None
        self._progress: _Progress | None = None

    def say(self, text: str = "") -> None:
        if self._progress is not None:
            self._progress.clear()
        if self._terminal:
            text = _wrapped(text, self._width or shutil.get_terminal_size().columns)
            for start, colour in _COLOURS:
                if text.startswith(start):
                    text = f"\x1b[{colour}m{text}\x1b[0m"
                    break
        self._out.write(text + "\n")
        self._out.flush()

    async def run(self) -> None:
        self.say(f"Inkwell playground · model: {self._services.backend.name} · /help for commands")
        while True:
            line = await self._read_line()
            if line is None:
                self.say()
                break
            line = _typed(line).strip()
            if not line:
                continue
            if line.lower() in {"/quit", "/exit", "quit", "exit", "q"}:
                break
            try:
                await self._interruptible(self.handle(line))
            except InkwellError as error:
                # The playground's user runs Inkwell: they get the operator's version (which
                # server, what it said, the fix), not the sentence written for members.
                self.say(f"! {for_the_operator(error)}")
            except Exception:
                log.exception("playground command failed: %r", line)
                self.say("! Something went wrong on our side; the details are in the log.")
        self.say("Bye.")

    async def _interruptible(self, work: Awaitable[None]) -> None:
        """Run one command; Ctrl-C stops a piece being written, or else the command."""
        task = asyncio.ensure_future(work)
        self._command_task = task
        try:
            await task
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if not task.cancelled() or (current is not None and current.cancelling()):
                raise
            self.say("\n(interrupted)")
        finally:
            self._command_task = None

    @contextlib.contextmanager
    def _working(self, what: str) -> Iterator[None]:
        """A progress line with the elapsed time until the work is done."""
        self._progress = _Progress(self._out, what)
        try:
            with _running(self._progress):
                yield
        finally:
            self._progress = None

    def _interrupt(self) -> None:
        creation = self._creation
        if creation is not None and creation.running:
            creation.stop()
        elif self._command_task is not None:
            self._command_task.cancel()

    async def handle(self, line: str) -> None:
        shortcut = line.lower()
        if shortcut in {"r", "regen", "regenerate"}:
            creation = self._require_creation()
            await self._stream(creation.write(), f"writing another {creation.form}")
        elif shortcut in {"c", "continue"}:
            creation = self._require_creation()
            if not FORMS[creation.form].can_continue:
                raise InvalidInput(f"A {creation.form} can't be continued; try r to regenerate.")
            await self._stream(
                creation.extend(),
                f"continuing the {creation.form}",
                on_screen=creation.current.rstrip(),
            )
        elif shortcut in {"n", "next", "p", "prev", "previous"}:
            creation = self._require_creation()
            creation.flip(1 if shortcut.startswith("n") else -1)
            self.say(creation.current)
            self._footer(creation)
        elif shortcut.split(maxsplit=1)[0] == "/relay":
            with self._busy(self._interrupt):
                await self._relay.handle(line)  # the relay parses its own lines (turns are prose)
        elif line.startswith("/"):
            await self._command(
                parse_command_line(line, subcommands=subcommand_names(), option_names=option_names)
            )
        else:
            raise InvalidInput("Commands start with /. Type /help to see them.")

    async def _command(self, command: ConsoleCommand) -> None:
        if command.name == "help":
            self.say(HELP)
        elif command.name == "style":
            await self._style(command)
        elif command.name == "filters":
            await self._filters.handle(command)
        elif command.name == "lore":
            await self._lore.handle(command)
        elif command.name in FORMS:
            await self._create(command)
        elif command.name in PASSAGE_COMMANDS:
            with self._busy(self._interrupt):
                await self._passages.handle(command)
        else:
            raise InvalidInput(f"Unknown command /{command.name}. Type /help to see the commands.")

    async def _create(self, command: ConsoleCommand) -> None:
        spec = FORMS[command.name]  # type: ignore[index]
        options: dict[str, str | int | None] = dict(command.options)
        subject = options.pop(spec.subject.name, None)
        if command.words:
            subject = " ".join(filter(None, [str(subject or ""), *command.words]))
        for option in spec.options:
            value = options.get(option.name)
            if option.integer_range and isinstance(value, str):
                if not value.strip().isdigit():
                    low, high = option.integer_range
                    raise InvalidInput(
                        f"{option.name} must be a whole number from {low} to {high}."
                    )
                options[option.name] = int(value)
        creation_service = self._services.creation
        request = creation_service.validate(spec.name, str(subject or ""), options)
        self._creation = await creation_service.begin(request, self._author)
        count = request.variants
        doing = f"writing {count} {spec.name}s" if count > 1 else f"writing the {spec.name}"
        await self._stream(self._creation.write(), doing)

    async def _stream(self, texts: AsyncIterator[str], doing: str, *, on_screen: str = "") -> None:
        """Print a piece as it grows; ``on_screen`` is what is already shown (Continue)."""
        creation = self._require_creation()
        shown = on_screen
        progress = _Progress(self._out, doing) if self._terminal else None
        if progress is None:
            self.say(f"({doing}…)")
        with self._busy(self._interrupt), _running(progress, creation.queue_state):
            try:
                async for text in texts:
                    if progress is not None:
                        progress.clear()
                        progress.heard = True
                    self._out.write(_new_part(shown, text, creation.form, cut=creation.cut))
                    self._out.flush()
                    shown = text
            except BackendError:
                if progress is not None:
                    progress.clear()
                if shown:  # the words stay on screen; the reason follows on a line of its own
                    self.say("\n(cut short)")
                raise
            if progress is not None:
                progress.clear()
        self.say()
        if creation.stopped:
            self.say("(stopped)")
        self._footer(creation)

    def _footer(self, creation: Creation) -> None:
        if creation.report:
            self.say(f"· {creation.report}")
        if creation.lore_footer:
            self.say(f"· {creation.lore_footer}")
        if creation.cut_notice:
            self.say(f"✂ {creation.cut_notice.replace('Continue', 'c continue')}")
        hints = ["r regenerate"]
        if FORMS[creation.form].can_continue:
            hints.append("c continue")
        if len(creation.variants) > 1:
            hints.append("n/p flip")
        count = f"variant {creation.index + 1}/{len(creation.variants)}"
        self.say(f"[{count} · {' · '.join(hints)}]")

    def _require_creation(self) -> Creation:
        if self._creation is None:
            raise InvalidInput("Nothing written yet. Try /poem first snow form:haiku")
        return self._creation

    async def _style(self, command: ConsoleCommand) -> None:
        styles = self._services.styles
        user = self._author.user_id
        match command.subcommand:
            case "set":
                if command.words:
                    raise InvalidInput(
                        f"/style set takes name:value pairs, not “{command.words[0]}”. "
                        "For example: /style set tone:wry pov:first"
                    )
                options: dict[str, str | None] = dict(command.options)
                await styles.update(user, options)
                self.say("Saved. Your style now:")
                self.say(describe_style((await styles.overview(user, None)).mine))
            case "show" | None:
                overview = await styles.overview(user, None)
                self.say(describe_style(overview.mine))
            case "reset":
                field = _reset_field(command)
                changed = await styles.reset(user, field)
                self.say("Reset." if changed else "Nothing to reset.")
            case "forget-me":
                self.say("This deletes everything Inkwell stores about you. Type yes to confirm.")
                answer = await self._read_line()
                if (answer or "").strip().lower() == "yes":
                    rows = await styles.forget(user)
                    self.say(f"Done: {rows} record(s) deleted.")
                else:
                    self.say("Kept everything.")
            case other:
                raise InvalidInput(f"/style has no “{other}”. Try set, show, reset or forget-me.")


def _reset_field(command: ConsoleCommand) -> str | None:
    """``/style reset tone`` and ``/style reset field:tone`` reset one field; no word, all."""
    named = [command.options["field"]] if "field" in command.options else []
    fields = [*named, *command.words]
    if len(fields) > 1:
        raise InvalidInput("/style reset takes one field at a time, e.g. /style reset tone")
    if not fields:
        return None
    field = fields[0].strip().lower().replace("-", "_").replace(" ", "_")
    if field not in StyleRecord.field_names():
        known = ", ".join(StyleRecord.field_names())
        raise InvalidInput(f"There is no style preference called “{field}”. Try one of: {known}.")
    return field


def describe_style(style: StyleRecord) -> str:
    if style.is_empty():
        return "No preferences set. Try /style set tone:wry pov:first"
    lines = []
    for name in StyleRecord.field_names():
        value = getattr(style, name)
        if value:
            lines.append(f"  {name.replace('_', ' ')}: {value}")
    return "\n".join(lines)


_ESCAPES = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-_]|[\x00-\x08\x0b-\x1f\x7f]")


def _typed(line: str) -> str:
    """The line without the escape codes of keys a plain reader can't edit with (↑, ←…)."""
    return _ESCAPES.sub("", line)


def _wrapped(text: str, width: int) -> str:
    """Each line of ``text`` wrapped to ``width``, continued under its own indent."""
    lines = []
    for line in text.split("\n"):
        if len(line) <= width:
            lines.append(line)
            continue
        indent = " " * (len(line) - len(line.lstrip()) + 2)
        lines.append(textwrap.fill(line, width, subsequent_indent=indent, break_on_hyphens=False))
    return "\n".join(lines)


def _new_part(shown: str, text: str, form: str, *, cut: bool = False) -> str:
    """What to print so the screen, which shows ``shown``, shows ``text``: never all again."""
    if text.startswith(shown):
        return text[len(shown) :]
    if shown.rstrip() == text.rstrip():
        return ""  # only trimmed at the end
    if shown.startswith(text):
        if not cut:
            return ""  # only trimmed at the end
        # Cut back to a complete ending: the fragment on screen is no longer the piece.
        last_line = text.rstrip().rsplit("\n", 1)[-1]
        return "\n— cut back to a complete ending —\n" + last_line
    if form == "post":  # reshaped as a whole: the fitted post is what will be posted
        return "\n\n— fitted to the platform —\n" + text
    common = next(
        (i for i, (a, b) in enumerate(zip(shown, text, strict=False)) if a != b),
        min(len(shown), len(text)),
    )
    line_start = text.rfind("\n", 0, common) + 1
    return "\n— the last lines, tidied —\n" + text[line_start:]


class _Progress:
    """A line saying what is happening and for how long, until the next words come."""

    def __init__(self, out: TextIO, label: str) -> None:
        self._out = out
        self.label = label
        self._started = time.monotonic()
        self._showing = False
        self.heard = False  # whether any words have come

    def show(self, frame: int) -> None:
        seconds = int(time.monotonic() - self._started)
        spin = SPINNER[frame % len(SPINNER)]
        # Saved and restored cursor: the status sits after the text and is erased before more.
        # No line wrap meanwhile: at the screen's edge the status is cut, never scrolls.
        self._out.write(
            f"\x1b7\x1b[?7l\x1b[2m {spin} {self.label} · {seconds} s\x1b[0m\x1b[?7h\x1b8"
        )
        self._out.flush()
        self._showing = True

    def clear(self) -> None:
        if self._showing:
            self._out.write("\x1b[K")
            self._showing = False


QUEUE_QUESTION_FRAMES: Final = 10  # with no word for 2 s, ask the server why (then every 2 s)
_QUEUE_LABELS: Final = {
    QueueState.BUSY: "waiting for the model (the server is busy)",
    QueueState.STUCK: "waiting for the model (the server looks stuck)",
}


@contextlib.contextmanager
def _running(
    progress: _Progress | None, ask: Callable[[], Awaitable[QueueState | None]] | None = None
) -> Iterator[None]:
    if progress is None:
        yield
        return
    doing = progress.label

    async def spin() -> None:
        frame = 0
        while True:
            progress.show(frame)
            frame += 1
            await asyncio.sleep(0.2)
            if ask is not None and not progress.heard and frame % QUEUE_QUESTION_FRAMES == 0:
                state = await ask()
                progress.label = _QUEUE_LABELS.get(state, doing) if state else doing

    task = asyncio.ensure_future(spin())
    try:
        yield
    finally:
        task.cancel()
        progress.clear()


@contextlib.contextmanager
def _signal_interrupts(stop: Callable[[], None]) -> Iterator[None]:
    """While a command runs with scripted input, SIGINT calls ``stop`` instead of quitting."""
    loop = asyncio.get_running_loop()
    try:
        loop.add_signal_handler(signal.SIGINT, stop)
    except (NotImplementedError, RuntimeError, ValueError):  # not the main thread, or Windows
        yield
        return
    try:
        yield
    finally:
        loop.remove_signal_handler(signal.SIGINT)
