"""Relay stories: members write a story together, one turn each, the model as co-author.

Discord-free. Cogs and the playground call :class:`RelayService`; it answers them and tells
the relay's thread what happened through a :class:`RelayNotifier`. The service itself is
the front door and the life cycle (open, close, settle); the work is done by its parts,
each a set of functions over one shared :class:`~inkwell.bot.services.relay.changes.RelayChanges`:

- ``changes.py``: how every change happens (the relay's lock, one transaction, then the
  notices and the re-armed background work), and the state the parts share;
- ``starting.py``: /relay start checked, then the relay stored;
- ``writers.py``: joining, leaving, being removed;
- ``turns.py``: a member writing, passing or taking back their turn;
- ``moderation.py``: pause, resume, end, and a deleted thread;
- ``steering.py``: the memory and the author's note the model is given;
- ``deadlines.py``: the reminder and the deadline of a member's turn;
- ``model_turns.py``: the model writing its turn in the background;
- ``reading.py``: status, export and recaps, which change nothing.

Timers are tasks the service owns (see :mod:`inkwell.bot.services.relay.timers`): one per
relay, asleep until the 75 % reminder or the deadline of the member's turn. :meth:`open`
loads every relay still running and re-arms them from their stored deadlines, so a deadline
that passed while the bot was offline is handled at once; it also posts every notice an
earlier process committed but did not live to post (``outbox.py``).
"""

from __future__ import annotations

import asyncio
import logging
import random

from inkwell.bot.services.content_policy import AllowEverything, ContentFilter
from inkwell.bot.services.lore.source import LoreSource
from inkwell.bot.services.origin import Origin
from inkwell.bot.services.relay import moderation, reading, starting, turns, writers
from inkwell.bot.services.relay.changes import RelayChanges
from inkwell.bot.services.relay.coauthor import CoAuthor
from inkwell.bot.services.relay.deadlines import run_timer
from inkwell.bot.services.relay.model_turns import run_model_turn
from inkwell.bot.services.relay.models import (
    Actor,
    ExportedStory,
    JoinResult,
    Person,
    Place,
    Recap,
    RelayDraft,
    RelayOptions,
    RelayRecord,
    RelayStatus,
    TurnRecord,
    WriterRecord,
)
from inkwell.bot.services.relay.notifier import RelayNotifier
from inkwell.bot.services.relay.prompting import RelayPrompts
from inkwell.bot.services.relay.steering import MEMORY, NOTE, check_steering, set_steering
from inkwell.bot.services.relay.summaries import ContextBudget, Summaries
from inkwell.bot.services.relay.timers import TimeSource
from inkwell.bot.storage.relay import RelayRepository
from inkwell.serving.backend import Backend, Sampling

log = logging.getLogger(__name__)


class RelayService:
    def __init__(
        self,
        repository: RelayRepository,
        backend: Backend,
        prompts: RelayPrompts,
        *,
        content_filter: ContentFilter | None = None,
        time: TimeSource | None = None,
        rng: random.Random | None = None,
        sampling: Sampling | None = None,
        budget: ContextBudget | None = None,
        lore: LoreSource | None = None,
    ) -> None:
        self._repository = repository
        self._lore = lore
        self._time = time or TimeSource()
        self._backend = backend
        self._prompts = prompts
        self._sampling = sampling or Sampling()
        self._budget = budget or ContextBudget()
        self._filter = content_filter or AllowEverything()
        self._local = False
        coauthor, summaries = self._model_work(self._filter)
        self._changes = RelayChanges(
            repository,
            self._time,
            rng or random.Random(),
            coauthor,
            summaries,
            run_timer=run_timer,
            run_model_turn=run_model_turn,
        )

    @property
    def content_filter(self) -> ContentFilter:
        """Members' turns pass its ``check_prompt``; the model's text its ``check_output``."""
        return self._filter

    @content_filter.setter
    def content_filter(self, content_filter: ContentFilter) -> None:
        self._filter = content_filter
        self._changes.coauthor, self._changes.summaries = self._model_work(content_filter)

    @property
    def summaries(self) -> Summaries:
        """How the story is kept inside the model's context window."""
        return self._changes.summaries

    def _model_work(self, content_filter: ContentFilter) -> tuple[CoAuthor, Summaries]:
        """The model's two jobs, its turns and the summaries, screened by ``content_filter``."""
        coauthor = CoAuthor(
            self._backend, self._prompts, self._sampling, content_filter, lore=self._lore
        )
        summaries = Summaries(
            self._repository,
            self._backend,
            self._prompts,
            self._budget,
            self._time.clock,
            self._sampling,
            content_filter,
            lore=self._lore,
        )
        return coauthor, summaries

    # --- life cycle -----------------------------------------------------------------------

    async def open(self, notifier: RelayNotifier, *, local: bool = False) -> None:
        """Start talking through ``notifier``, post what threads are still owed, and re-arm
        every relay still running.

        ``local`` picks the playground's relays instead of Discord's, so a playground and
        the bot sharing one database never run each other's timers or notices.
        """
        if self._changes.notifier is not None:
            raise RuntimeError("the relay service is already open")
        self._changes.notifier = notifier
        self._local = local
        changes = self._changes
        changes.earlier_notices = await self._repository.last_notice_id()
        owed = await self._repository.relays_owed_notices(local=local)
        for relay in owed:
            # In the background, in each relay's order: a timer due at once takes the same
            # lock and posts what is owed first.
            changes.tasks.start(("outbox", relay.id), changes.deliver_owed(relay.id))
        relays = await self._repository.not_ended(local=local)
        for relay in relays:
            changes.arm(relay)
        log.info("relay service open: %d relays running, %d owed notices", len(relays), len(owed))

    async def flush(self) -> None:
        """Post every notice still owed now, rather than at a later try (for a clean stop)."""
        if self._changes.notifier is None:
            return
        for relay in await self._repository.relays_owed_notices(local=self._local):
            async with self._changes.lock(relay.id):
                await self._changes.flush(relay)

    async def close(self) -> None:
        """Stop every timer and background task (state, and every notice owed, is stored)."""
        await self._changes.tasks.close()
        self._changes.notifier = None

    def background_tasks(self) -> set[asyncio.Task[None]]:
        """The timers, model turns and summaries running now."""
        return self._changes.tasks.live()

    async def settle(self, thread_id: int | None = None) -> None:
        """Wait for the model's turns and summaries in progress (of one relay, or all).

        Timers are not waited for: they sleep until their moment.
        """
        relay_id = None
        if thread_id is not None:
            relay_id = (await self._changes.find(thread_id)).id
        # A finished model turn may start a summary (or the next model turn): look again.
        while busy := self._changes.model_work(relay_id):
            await asyncio.wait(busy)

    # --- starting a relay ------------------------------------------------------------------

    async def prepare(self, options: RelayOptions, origin: Origin) -> RelayDraft:
        """Check /relay start's options: cleaned, in range, allowed by the content filter.

        Nothing is stored yet: the cog creates the thread only for a relay that can start.
        """
        return await starting.prepare(self._filter, options, origin)

    async def create(self, draft: RelayDraft, place: Place, starter: Person) -> RelayRecord:
        """Store a new relay with its starter as the first writer.

        The model writes the opening at once if asked; otherwise the first turn starts as
        soon as two can write (see :func:`~inkwell.bot.services.relay.rotation.can_begin`).
        """
        return await starting.create(self._changes, draft, place, starter)

    # --- writers ------------------------------------------------------------------------------

    async def join(self, thread_id: int, person: Person) -> JoinResult:
        """Add ``person`` at the end of the order; the first turn starts once two can write."""
        return await writers.join(self._changes, thread_id, person)

    async def leave(self, thread_id: int, user_id: int) -> None:
        """Take ``user_id`` out of the order; if it was their turn, it passes on."""
        await writers.remove_writer(self._changes, thread_id, user_id, None)

    async def kick(self, thread_id: int, actor: Actor, user_id: int) -> None:
        """The starter or a moderator removes a writer; they can't join this relay again."""
        await writers.remove_writer(self._changes, thread_id, user_id, actor)

    # --- turns --------------------------------------------------------------------------------

    async def check_turn(self, thread_id: int, user_id: int) -> RelayRecord:
        """The relay, if ``user_id`` may write its current turn now; the reason why not if not."""
        return await turns.check_turn(self._changes, thread_id, user_id)

    async def write_turn(
        self,
        thread_id: int,
        person: Person,
        text: str,
        *,
        origin: Origin | None = None,
        expected_turn: int | None = None,
    ) -> TurnRecord:
        """Store ``person``'s turn, then pass the turn on.

        ``expected_turn`` is the turn the writer was shown (the Write modal knows it): a
        second submission of the same turn finds the turn moved on. Sent twice with the same
        text it returns the stored turn again; with other text it is refused
        (:class:`StaleTurn`). Without ``expected_turn`` (``/relay write``) the same holds
        for a repeat of the writer's last turn within a few minutes; other text hears whose
        turn it is (:class:`NotYourTurn`). Text over the word limit is refused, never cut
        (:class:`TooManyWords`).
        """
        return await turns.write_turn(
            self._changes,
            self._filter,
            thread_id,
            person,
            text,
            origin=origin,
            expected_turn=expected_turn,
        )

    async def pass_turn(self, thread_id: int, user_id: int) -> None:
        """The writer gives up their turn; it goes to the next writer."""
        await turns.pass_turn(self._changes, thread_id, user_id)

    async def undo(self, thread_id: int, user_id: int) -> TurnRecord:
        """Take back the last turn: only its writer, within five minutes, before another
        turn is written. The turn becomes theirs again, with a fresh timer."""
        return await turns.undo(self._changes, thread_id, user_id)

    # --- what steers the model ------------------------------------------------------------------

    async def check_steering(self, thread_id: int, actor: Actor) -> RelayRecord:
        """The relay, if ``actor`` may set its memory and author's note; why not if not."""
        return await check_steering(self._changes, thread_id, actor)

    async def set_memory(
        self, thread_id: int, actor: Actor, text: str, *, origin: Origin | None = None
    ) -> str:
        """Set what the model must always know about the story (at most
        :data:`MEMORY_MAX` characters): the starter, a writer or a moderator may. Empty
        text or "clear" clears it. Returns the memory as stored ("" once cleared)."""
        return await set_steering(
            self._changes, self._filter, thread_id, actor, MEMORY, text, origin=origin
        )

    async def set_note(
        self, thread_id: int, actor: Actor, text: str, *, origin: Origin | None = None
    ) -> str:
        """Set the author's note, one line that steers the model's next turns (at most
        :data:`NOTE_MAX` characters), as :meth:`set_memory` sets the memory."""
        return await set_steering(
            self._changes, self._filter, thread_id, actor, NOTE, text, origin=origin
        )

    # --- the starter's and moderators' controls -------------------------------------------------

    async def pause(self, thread_id: int, actor: Actor) -> None:
        await moderation.pause(self._changes, thread_id, actor)

    async def resume(self, thread_id: int, actor: Actor) -> None:
        """Carry on where the relay stopped: the same turn, with the time it had left (at
        least :data:`MIN_RESUMED_SECONDS`), announced again."""
        await moderation.resume(self._changes, thread_id, actor)

    async def end(self, thread_id: int, actor: Actor) -> RelayRecord:
        return await moderation.end(self._changes, thread_id, actor)

    async def thread_gone(self, thread_id: int) -> None:
        """The relay's thread was deleted: end the relay without a word to anyone."""
        await moderation.thread_gone(self._changes, thread_id)

    # --- reading ----------------------------------------------------------------------------

    async def status(self, thread_id: int) -> RelayStatus:
        relay = await self._changes.find(thread_id)
        return await reading.status(self._repository, self._time.clock, relay)

    async def export(self, thread_id: int) -> ExportedStory:
        relay = await self._changes.find(thread_id)
        return await reading.export(self._repository, relay)

    async def in_thread(self, thread_id: int) -> RelayRecord | None:
        """The relay whose thread this is, running or ended; None when it is no relay's."""
        return await self._repository.by_thread(thread_id)

    async def writers_of(self, relay: RelayRecord) -> tuple[WriterRecord, ...]:
        """Everyone who joined ``relay``, in turn order, including those who left."""
        return tuple(await self._repository.writers(relay.id))

    async def local_relay(self) -> RelayRecord | None:
        """The playground's relay: the newest one, running or not."""
        return await self._repository.latest_local()

    async def next_local_thread_id(self) -> int:
        return await self._repository.next_local_thread_id()

    async def recap(self, relay: RelayRecord) -> Recap:
        """The story so far, from the stored summary and the last turn (no model call)."""
        return await reading.recap(self._repository, self._changes.summaries, relay)
