"""Relay stories: members write a story together, one turn each, the model as co-author.

Discord-free. Cogs and the playground call the methods below; the service answers them and
tells the relay's thread what happened through a :class:`RelayNotifier`.

How a change happens, every time:

1. take the relay's :class:`asyncio.Lock` (one per relay: changes to one relay are
   serialised, different relays never wait for each other);
2. open one SQLite transaction that reloads the relay and, where the caller names the turn
   it saw, checks the turn number is still that one (:class:`StaleTurn` otherwise);
3. commit — a turn is stored before anyone hears of it, so an acknowledged turn survives
   a crash at any later moment;
4. still under the lock, send the notices and re-arm the relay's timer.

Timers are tasks the service owns (see :mod:`inkwell.bot.services.relay.timers`): one per relay,
asleep until the 75 % reminder or the deadline of the member's turn. :meth:`open` loads
every relay still running and re-arms them from their stored deadlines, so a deadline
that passed while the bot was offline is handled at once. The model's turns and summaries
run as background tasks too; a model turn is generated without the lock and committed under
it only if its turn is still current (a pause, an undo or an end simply discards it).
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncIterator, Hashable
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from functools import partial
from typing import TYPE_CHECKING

from inkwell.bot.errors import InvalidInput
from inkwell.bot.services.content_policy import AllowEverything, ContentFilter
from inkwell.bot.services.origin import Origin
from inkwell.bot.services.relay.coauthor import CoAuthor, ModelTurn
from inkwell.bot.services.relay.errors import (
    NotAllowed,
    NotARelay,
    RelayClosed,
    RelayFull,
    StaleTurn,
    TooManyWords,
)
from inkwell.bot.services.relay.export import export_story
from inkwell.bot.services.relay.guards import check_moderator, check_writer
from inkwell.bot.services.relay.models import (
    MIN_RESUMED_SECONDS,
    TURN_TEXT_MAX,
    UNDO_SECONDS,
    Actor,
    ExportedStory,
    JoinResult,
    Person,
    Place,
    Recap,
    RelayDraft,
    RelayOptions,
    RelayRecord,
    RelaySetup,
    RelayStatus,
    SkipReason,
    TurnRecord,
    WriterRecord,
)
from inkwell.bot.services.relay.moves import Effects, Notice, TurnMoves
from inkwell.bot.services.relay.notifier import RelayChannelGone, RelayNotifier
from inkwell.bot.services.relay.options import clean_options
from inkwell.bot.services.relay.prompting import RelayPrompts
from inkwell.bot.services.relay.rotation import (
    OPENING_SLOT,
    Slot,
    begin_turn,
    can_begin,
    ended,
    paused,
    reminder_time,
    wait_for_writers,
    writing,
)
from inkwell.bot.services.relay.summaries import ContextBudget, Summaries
from inkwell.bot.services.relay.timers import BackgroundTasks, TimeSource, sleep_until
from inkwell.bot.services.relay.words import count_words, first_chars, last_words, ordinal
from inkwell.bot.text.cleaning import clean_text
from inkwell.bot.text.durations import exact_duration
from inkwell.serving.backend import Backend, Sampling

if TYPE_CHECKING:
    # Annotations only: storage imports this package for its records, so importing storage
    # here at run time would be a cycle. The runtime builds the repository and hands it in.
    from inkwell.bot.storage.relay import RelayChange, RelayRepository

log = logging.getLogger(__name__)

# How much of the story a turn notice recaps.
RECAP_SUMMARY_CHARS = 600
RECAP_LAST_WORDS = 60


@dataclass(frozen=True, slots=True)
class _Step:
    """One open change to one relay, as :meth:`RelayService._changing` hands it out."""

    change: RelayChange
    effects: Effects
    moves: TurnMoves
    now: float

    @property
    def relay(self) -> RelayRecord:
        return self.change.relay


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
    ) -> None:
        self._repository = repository
        self._time = time or TimeSource()
        self._rng = rng or random.Random()
        self._backend = backend
        self._prompts = prompts
        self._sampling = sampling or Sampling()
        self._budget = budget or ContextBudget()
        self._tasks = BackgroundTasks()
        self._locks: dict[int, asyncio.Lock] = {}
        self._notifier: RelayNotifier | None = None
        self.content_filter = content_filter or AllowEverything()

    @property
    def content_filter(self) -> ContentFilter:
        """Members' turns pass its ``check_prompt``; the model's text its ``check_output``."""
        return self._filter

    @content_filter.setter
    def content_filter(self, content_filter: ContentFilter) -> None:
        self._filter = content_filter
        self._coauthor = CoAuthor(self._backend, self._prompts, self._sampling, content_filter)
        self.summaries = Summaries(
            self._repository,
            self._backend,
            self._prompts,
            self._budget,
            self._time.clock,
            self._sampling,
            content_filter,
        )

    # --- life cycle -----------------------------------------------------------------------

    async def open(self, notifier: RelayNotifier, *, local: bool = False) -> None:
        """Start talking through ``notifier`` and re-arm every relay still running.

        ``local`` picks the playground's relays instead of Discord's, so a playground and
        the bot sharing one database never run each other's timers.
        """
        if self._notifier is not None:
            raise RuntimeError("the relay service is already open")
        self._notifier = notifier
        relays = await self._repository.not_ended(local=local)
        for relay in relays:
            self._schedule(relay)
        log.info("relay service open: %d relays running", len(relays))

    async def close(self) -> None:
        """Stop every timer and background task (state is already stored)."""
        await self._tasks.close()
        self._notifier = None

    def background_tasks(self) -> set[asyncio.Task[None]]:
        """The timers, model turns and summaries running now."""
        return self._tasks.live()

    async def settle(self, thread_id: int | None = None) -> None:
        """Wait for the model's turns and summaries in progress (of one relay, or all).

        Timers are not waited for: they sleep until their moment.
        """
        relay_id = None
        if thread_id is not None:
            relay_id = (await self._find(thread_id)).id
        while True:
            busy = self._tasks.live_where(
                lambda key: (
                    isinstance(key, tuple)
                    and key[0] in {"model", "summary"}
                    and (relay_id is None or key[1] == relay_id)
                )
            )
            if not busy:
                return
            await asyncio.wait(busy)

    # --- starting a relay ------------------------------------------------------------------

    async def prepare(self, options: RelayOptions, origin: Origin) -> RelayDraft:
        """Check /relay start's options: cleaned, in range, allowed by the content filter.

        Nothing is stored yet: the cog creates the thread only for a relay that can start.
        """
        cleaned = clean_options(options)
        for value in (cleaned.title, cleaned.premise, cleaned.genre, cleaned.tone):
            if value:
                (await self._filter.check_prompt(value, origin)).raise_if_blocked()
        return RelayDraft(cleaned)

    async def create(self, draft: RelayDraft, place: Place, starter: Person) -> RelayRecord:
        """Store a new relay with its starter as the first writer.

        The model writes the opening at once if asked; otherwise the first turn starts as
        soon as two can write (see :func:`~inkwell.bot.services.relay.rotation.can_begin`).
        """
        options = draft.options
        now = self._time.clock()
        setup = RelaySetup(
            guild_id=place.guild_id,
            channel_id=place.channel_id,
            thread_id=place.thread_id,
            started_by=starter.user_id,
            title=options.title,
            premise=options.premise,
            genre=options.genre,
            tone=options.tone,
            turn_seconds=options.turn_minutes * 60,
            max_words=options.max_words,
            max_writers=options.max_writers,
            ai_turns=options.ai_turns,
            turn_order=options.order,
        )
        first = WriterRecord(starter.user_id, starter.name, 0, "writing", now)
        relay = await self._repository.create(setup, first, now)
        async with self._lock(relay.id), self._changing(relay.id) as step:
            relay = step.relay
            if options.ai_opening:
                relay = begin_turn(relay, Slot(None, OPENING_SLOT), step.now)
                await step.change.save(relay)
            elif can_begin(relay, await step.change.writers()):
                relay = await step.moves.next_turn(relay, None)
        log.info("relay %d started in thread %d", relay.id, relay.thread_id)
        return relay

    # --- writers ------------------------------------------------------------------------------

    async def join(self, thread_id: int, person: Person) -> JoinResult:
        """Add ``person`` at the end of the order; the first turn starts once two can write."""
        relay = await self._find(thread_id)
        async with self._lock(relay.id), self._changing(relay.id) as step:
            relay = step.relay
            if relay.status == "ended":
                raise RelayClosed("This relay has ended; /relay export has the story.")
            writers = await step.change.writers()
            mine = next((w for w in writers if w.user_id == person.user_id), None)
            members = writing(writers)
            if mine is not None and mine.status == "writing":
                place = members.index(mine) + 1
                raise InvalidInput(f"You're already in: {ordinal(place)} in the order.")
            if mine is not None and mine.status == "removed":
                raise NotAllowed("You were removed from this relay by its starter or a moderator.")
            if len(members) >= relay.max_writers:
                raise RelayFull(relay.max_writers)
            position = max((w.position for w in writers), default=-1) + 1
            await step.change.put_writer(
                WriterRecord(person.user_id, person.name, position, "writing", step.now)
            )
            if relay.status == "gathering":
                relay = await step.moves.next_turn(relay, None)
            members = writing(await step.change.writers())
            place = next(i for i, w in enumerate(members, 1) if w.user_id == person.user_id)
        return JoinResult(place, len(members))

    async def leave(self, thread_id: int, user_id: int) -> None:
        """Take ``user_id`` out of the order; if it was their turn, it passes on."""
        await self._remove_writer(thread_id, user_id, None)

    async def kick(self, thread_id: int, actor: Actor, user_id: int) -> None:
        """The starter or a moderator removes a writer; they can't join this relay again."""
        await self._remove_writer(thread_id, user_id, actor)

    async def _remove_writer(self, thread_id: int, user_id: int, actor: Actor | None) -> None:
        relay = await self._find(thread_id)
        async with self._lock(relay.id), self._changing(relay.id) as step:
            relay = step.relay
            if actor is not None:
                check_moderator(relay, actor, "remove writers")
            if relay.status == "ended":
                raise RelayClosed("This relay has ended.")
            writers = await step.change.writers()
            member = next((w for w in writers if w.user_id == user_id), None)
            if member is None or member.status != "writing":
                who = "You're" if actor is None else f"<@{user_id}> is"
                raise InvalidInput(f"{who} not writing in this relay.")
            await step.change.set_writer_status(user_id, "left" if actor is None else "removed")
            if relay.writer_id == user_id and not relay.model_turn:
                reason: SkipReason = "left" if actor is None else "removed"
                step.effects.notices.append(partial(self._out.turn_skipped, relay, user_id, reason))
                relay = await step.moves.hand_on(relay)
            elif (
                relay.status != "gathering"
                and not relay.model_turn
                and not writing(await step.change.writers())
            ):
                relay = wait_for_writers(relay)
                await step.change.save(relay)
                step.effects.notices.append(partial(self._out.waiting_for_writers, relay))

    # --- turns --------------------------------------------------------------------------------

    async def check_turn(self, thread_id: int, user_id: int) -> RelayRecord:
        """The relay, if ``user_id`` may write its current turn now; the reason why not if not."""
        relay = await self._find(thread_id)
        check_writer(relay, user_id, self._time.clock())
        return relay

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
        (:class:`StaleTurn`). Text over the word limit is refused, never cut
        (:class:`TooManyWords`).
        """
        relay = await self._find(thread_id)
        cleaned = clean_text(text, field="turn", max_chars=TURN_TEXT_MAX)
        words = count_words(cleaned)
        if words > relay.max_words:
            raise TooManyWords(words, relay.max_words)
        asker = origin or Origin(person.user_id, relay.guild_id, relay.thread_id)
        verdict = await self._filter.check_prompt(cleaned, asker)
        verdict.raise_if_blocked()
        cleaned, words = verdict.text, count_words(verdict.text)
        async with self._lock(relay.id):
            now = self._time.clock()
            effects = Effects(wrote=True)
            try:
                async with self._repository.change(relay.id, expected_turn=expected_turn) as change:
                    relay = change.relay
                    moves = self._moves(change, effects, now)
                    check_writer(relay, person.user_id, now)
                    turn = TurnRecord(relay.turn, person.user_id, False, cleaned, words, now)
                    await change.add_turn(turn)
                    await change.rename_writer(person.user_id, person.name)
                    effects.notices.append(partial(self._out.turn_written, relay, turn))
                    relay = replace(relay, idle_turns=0)
                    relay = await moves.next_turn(relay, relay.turn_slot)
            except StaleTurn as stale:
                existing = await self._repository.turn(relay.id, stale.expected)
                if existing and (existing.writer_id, existing.text) == (person.user_id, cleaned):
                    return existing
                raise
            await self._apply(relay, effects)
        return turn

    async def pass_turn(self, thread_id: int, user_id: int) -> None:
        """The writer gives up their turn; it goes to the next writer."""
        relay = await self._find(thread_id)
        async with self._lock(relay.id), self._changing(relay.id) as step:
            relay = step.relay
            check_writer(relay, user_id, step.now)
            step.effects.notices.append(partial(self._out.turn_skipped, relay, user_id, "passed"))
            relay = await step.moves.next_turn(replace(relay, idle_turns=0), relay.turn_slot)

    async def undo(self, thread_id: int, user_id: int) -> TurnRecord:
        """Take back the last turn: only its writer, within five minutes, before another
        turn is written. The turn becomes theirs again, with a fresh timer."""
        relay = await self._find(thread_id)
        async with self._lock(relay.id), self._changing(relay.id, Effects(announce=True)) as step:
            relay = step.relay
            if relay.status != "active":
                raise RelayClosed("Turns can be taken back only while the relay is running.")
            last = await step.change.last_turn()
            if last is None or last.by_model or last.writer_id != user_id:
                raise InvalidInput(
                    "Only the writer of the last turn can take it back, "
                    "and only until the next turn is written."
                )
            if step.now - last.written_at > UNDO_SECONDS:
                raise InvalidInput(
                    f"Turns can be taken back for {exact_duration(UNDO_SECONDS)}; this one stays."
                )
            writers = await step.change.writers()
            mine = next((w for w in writers if w.user_id == user_id), None)
            if mine is None or mine.status != "writing":
                raise InvalidInput("You're no longer writing in this relay.")
            await step.change.remove_turn(last.number)
            relay = begin_turn(replace(relay, idle_turns=0), Slot(user_id, mine.position), step.now)
            await step.change.save(relay)
            step.effects.notices.append(partial(self._out.turn_undone, relay, last))
        return last

    # --- the starter's and moderators' controls -------------------------------------------------

    async def pause(self, thread_id: int, actor: Actor) -> None:
        relay = await self._find(thread_id)
        async with self._lock(relay.id), self._changing(relay.id) as step:
            relay = step.relay
            check_moderator(relay, actor, "pause it")
            if relay.status != "active":
                raise RelayClosed(
                    f"Only a running relay can be paused; this one is {relay.status}."
                )
            relay = paused(relay, step.now)
            await step.change.save(relay)
            step.effects.notices.append(partial(self._out.relay_paused, relay, "by_request"))

    async def resume(self, thread_id: int, actor: Actor) -> None:
        """Carry on where the relay stopped: the same turn, with the time it had left (at
        least :data:`MIN_RESUMED_SECONDS`), announced again."""
        relay = await self._find(thread_id)
        async with self._lock(relay.id), self._changing(relay.id, Effects(announce=True)) as step:
            relay = step.relay
            check_moderator(relay, actor, "resume it")
            if relay.status != "paused":
                raise RelayClosed(
                    f"Only a paused relay can be resumed; this one is {relay.status}."
                )
            relay = replace(relay, status="active", idle_turns=0)
            step.effects.notices.append(partial(self._out.relay_resumed, relay))
            members = writing(await step.change.writers())
            holder_left = relay.writer_id not in {w.user_id for w in members}
            if relay.model_turn:
                relay = replace(relay, paused_remaining=None)
                await step.change.save(relay)
            elif holder_left:
                relay = await step.moves.next_turn(relay, relay.turn_slot)
            else:
                remaining = max(
                    relay.paused_remaining or relay.turn_seconds,
                    min(relay.turn_seconds, MIN_RESUMED_SECONDS),
                )
                relay = replace(relay, turn_deadline=step.now + remaining, paused_remaining=None)
                reminder = reminder_time(relay)
                relay = replace(
                    relay, reminded=relay.reminded or (reminder or step.now) <= step.now
                )
                await step.change.save(relay)

    async def end(self, thread_id: int, actor: Actor) -> RelayRecord:
        relay = await self._find(thread_id)
        async with self._lock(relay.id), self._changing(relay.id) as step:
            relay = step.relay
            check_moderator(relay, actor, "end it")
            if relay.status == "ended":
                raise RelayClosed("This relay has already ended.")
            relay = ended(relay, "by_request", step.now)
            await step.change.save(relay)
            step.effects.notices.append(partial(self._out.relay_ended, relay, "by_request"))
        return relay

    async def thread_gone(self, thread_id: int) -> None:
        """The relay's thread was deleted: end the relay without a word to anyone."""
        relay = await self._repository.by_thread(thread_id)
        if relay is None or not relay.is_open:
            return
        async with self._lock(relay.id):
            await self._end_quietly(relay)

    # --- reading ----------------------------------------------------------------------------

    async def status(self, thread_id: int) -> RelayStatus:
        relay = await self._find(thread_id)
        writers = await self._repository.writers(relay.id)
        turns = await self._repository.turns(relay.id)
        if relay.status == "active" and relay.turn_deadline is not None:
            left: float | None = max(0.0, relay.turn_deadline - self._time.clock())
        else:
            left = relay.paused_remaining if relay.status == "paused" else None
        return RelayStatus(
            relay, tuple(writing(writers)), left, len(turns), sum(t.words for t in turns)
        )

    async def export(self, thread_id: int) -> ExportedStory:
        relay = await self._find(thread_id)
        writers = await self._repository.writers(relay.id)
        turns = await self._repository.turns(relay.id)
        return export_story(relay, writers, turns)

    async def local_relay(self) -> RelayRecord | None:
        """The playground's relay: the newest one, running or not."""
        return await self._repository.latest_local()

    async def next_local_thread_id(self) -> int:
        return await self._repository.next_local_thread_id()

    async def recap(self, relay: RelayRecord) -> Recap:
        """The story so far, from the stored summary and the last turn (no model call)."""
        story = await self.summaries.stored(relay)
        last = story.turns[-1] if story.turns else await self._repository.last_turn(relay.id)
        return Recap(
            premise=relay.premise,
            summary=first_chars(story.summary.text, RECAP_SUMMARY_CHARS) if story.summary else None,
            last=last,
            last_excerpt=last_words(last.text, RECAP_LAST_WORDS) if last else None,
        )

    # --- timers and the model's turns ---------------------------------------------------------

    def _schedule(self, relay: RelayRecord) -> None:
        """Make the background work match the relay's state (called under its lock)."""
        timer_key = ("timer", relay.id)
        model_key = ("model", relay.id, relay.turn)

        def other_model_turns(key: Hashable) -> bool:
            return (
                isinstance(key, tuple)
                and key[:2] == ("model", relay.id)
                and (key != model_key or not relay.model_turn or relay.status != "active")
            )

        self._tasks.cancel_where(other_model_turns)
        if relay.status != "active":
            self._tasks.cancel(timer_key)
        elif relay.model_turn:
            self._tasks.cancel(timer_key)
            if not self._tasks.running(model_key):
                self._tasks.start(model_key, self._model_turn(relay.id, relay.turn))
        elif relay.turn_deadline is not None:
            due = relay.turn_deadline
            reminder = reminder_time(relay)
            if not relay.reminded and reminder is not None and reminder < due:
                due = reminder
            self._tasks.start(timer_key, self._timer(relay.id, relay.turn, due))
        else:
            self._tasks.cancel(timer_key)

    async def _timer(self, relay_id: int, turn: int, due: float) -> None:
        await sleep_until(due, self._time)
        async with self._lock(relay_id):
            relay = await self._repository.get(relay_id)
            if relay is None or relay.status != "active" or relay.turn != turn:
                return
            if relay.model_turn or relay.turn_deadline is None:
                self._schedule(relay)
                return
            async with self._changing(relay_id, expected_turn=turn) as step:
                relay = step.relay
                deadline = relay.turn_deadline or step.now
                if step.now >= deadline or relay.writer_id is None:
                    relay = await step.moves.time_out(relay)
                elif not relay.reminded:
                    relay = replace(relay, reminded=True)
                    await step.change.save(relay)
                    step.effects.notices.append(partial(self._out.turn_reminder, relay))

    async def _model_turn(self, relay_id: int, turn: int) -> None:
        relay = await self._repository.get(relay_id)
        if relay is None or relay.status != "active" or not relay.model_turn or relay.turn != turn:
            return
        try:
            story = await self.summaries.for_prompt(relay)
            written = await self._coauthor.write(relay, story.summary, story.turns)
        except Exception:  # a bug here must not leave the relay stuck on the model's turn
            log.exception("relay %d: the model's turn %d failed", relay_id, turn)
            written = ModelTurn(None, "model_failed")
        async with self._lock(relay_id):
            now = self._time.clock()
            effects = Effects()
            try:
                async with self._repository.change(relay_id, expected_turn=turn) as change:
                    relay = change.relay
                    moves = self._moves(change, effects, now)
                    if relay.status != "active" or not relay.model_turn:
                        return
                    if written.text is None:
                        problem = written.problem or "model_failed"
                        effects.notices.append(
                            partial(self._out.turn_skipped, relay, None, problem)
                        )
                    else:
                        entry = TurnRecord(turn, None, True, written.text, written.words, now)
                        await change.add_turn(entry)
                        effects.notices.append(partial(self._out.turn_written, relay, entry))
                        effects.wrote = True
                    relay = await moves.next_turn(relay, relay.turn_slot)
            except StaleTurn:
                return
            await self._apply(relay, effects)

    async def _summarise(self, relay: RelayRecord) -> None:
        await self.summaries.keep_fitting(relay)

    # --- after a change is committed -----------------------------------------------------------

    async def _apply(self, relay: RelayRecord, effects: Effects) -> None:
        """Send the notices, announce a member's new turn, re-arm the timers (under the lock)."""
        for notice in effects.notices:
            if not await self._deliver(relay, notice):
                return
        if effects.announce and relay.status == "active" and not relay.model_turn:
            recap = await self.recap(relay)
            if not await self._deliver(relay, partial(self._out.turn_started, relay, recap)):
                return
        self._schedule(relay)
        summary_key = ("summary", relay.id)
        if effects.wrote and not self._tasks.running(summary_key):
            self._tasks.start(summary_key, self._summarise(relay))

    async def _deliver(self, relay: RelayRecord, notice: Notice) -> bool:
        """Send one notice; False if the thread is gone (the relay is then ended)."""
        try:
            await notice()
        except RelayChannelGone:
            await self._end_quietly(relay)
            return False
        except Exception:
            log.exception("relay %d: a notice to thread %d failed", relay.id, relay.thread_id)
        return True

    async def _end_quietly(self, relay: RelayRecord) -> None:
        """End a relay whose thread is gone: saved, one log line, no notices, no timers."""
        async with self._repository.change(relay.id) as change:
            if not change.relay.is_open:
                return
            await change.save(ended(change.relay, "thread_gone", self._time.clock()))
        self._tasks.cancel_where(lambda key: isinstance(key, tuple) and key[1] == relay.id)
        log.warning(
            "relay %d ended: its thread %d is gone or the bot may no longer post there",
            relay.id,
            relay.thread_id,
        )

    # --- small helpers ------------------------------------------------------------------------

    @asynccontextmanager
    async def _changing(
        self, relay_id: int, effects: Effects | None = None, *, expected_turn: int | None = None
    ) -> AsyncIterator[_Step]:
        """One change to the relay, committed, then its effects applied.

        The caller holds the relay's lock for the whole block, so the effects are applied
        under it too. A block that raises commits nothing and applies nothing.
        """
        now = self._time.clock()
        effects = Effects() if effects is None else effects
        async with self._repository.change(relay_id, expected_turn=expected_turn) as change:
            yield _Step(change, effects, self._moves(change, effects, now), now)
        # change.relay is the relay as last saved: notices and timers follow what was
        # committed, whatever the block left in its own variables.
        await self._apply(change.relay, effects)

    def _moves(self, change: RelayChange, effects: Effects, now: float) -> TurnMoves:
        return TurnMoves(change, effects, now, self._rng, self._out)

    def _lock(self, relay_id: int) -> asyncio.Lock:
        return self._locks.setdefault(relay_id, asyncio.Lock())

    @property
    def _out(self) -> RelayNotifier:
        """The notifier; notices are ``partial(self._out.event, ...)``, bound when queued and
        sent once the change is committed."""
        if self._notifier is None:
            raise RuntimeError("RelayService.open() has not been called")
        return self._notifier

    async def _find(self, thread_id: int) -> RelayRecord:
        relay = await self._repository.by_thread(thread_id)
        if relay is None:
            raise NotARelay()
        return relay
