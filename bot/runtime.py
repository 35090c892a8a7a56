"""Builds Inkwell's services from settings; shared by the Discord bot and the console."""

from __future__ import annotations

import logging

from inkwell.bot.services.bundle import Services
from inkwell.bot.services.creation_service import CreationService
from inkwell.bot.services.filters.classifier import SafetyClassifier
from inkwell.bot.services.filters.service import FilterService
from inkwell.bot.services.limits import Cooldowns, GuildConcurrency
from inkwell.bot.services.lore import LoreService
from inkwell.bot.services.lore.access import PlacedLore
from inkwell.bot.services.passages import MAX_PASSAGE_CHARS, PassageService
from inkwell.bot.services.prompts import PromptLibrary
from inkwell.bot.services.relay import ContextBudget, RelayPrompts, RelayService, TimeSource
from inkwell.bot.services.styles import StyleService
from inkwell.bot.settings import Settings
from inkwell.bot.storage.database import Database
from inkwell.bot.storage.filters import FilterRepository
from inkwell.bot.storage.lore import LoreRepository
from inkwell.bot.storage.relay import RelayRepository
from inkwell.serving.backend import Backend, Sampling

log = logging.getLogger(__name__)


def build_backend(settings: Settings) -> Backend:
    """The backend ``INKWELL_LLM__BACKEND`` names; heavy imports happen only here."""
    llm = settings.llm
    if llm.backend == "openai":
        from inkwell.serving.openai_backend import OpenAIBackend

        return OpenAIBackend(
            llm.base_url,
            llm.model,
            api_key=llm.api_key.get_secret_value() if llm.api_key else None,
            connect_timeout=llm.connect_timeout,
            read_timeout=llm.read_timeout,
            queue_timeout=llm.queue_timeout,
            stream_interval=llm.stream_interval,
        )
    from inkwell.serving.embedded import EmbeddedBackend

    return EmbeddedBackend(settings.embedded_model_path)


async def open_services(
    settings: Settings,
    *,
    backend: Backend | None = None,
    prompts: PromptLibrary | None = None,
    apply_cooldowns: bool = True,
    snapshot_interval: float | None = None,
    relay_time: TimeSource | None = None,
) -> Services:
    """Open the database, start the backend and wire the services together.

    Raises :class:`~inkwell.bot.errors.StorageUnavailable` or
    :class:`~inkwell.serving.backend.BackendUnavailable` with a sentence for the person starting it.
    """
    database = Database(settings.database)
    await database.open()
    backend = backend or build_backend(settings)
    try:
        await backend.start()
    except BaseException:
        await database.close()
        raise
    limits = settings.limits
    llm = settings.llm
    styles = StyleService(database)
    # One service is both the content filter and the rating policy of every creation.
    filters = FilterService(FilterRepository(database), classifier=SafetyClassifier(backend))
    lore = LoreService(LoreRepository(database))
    library = prompts or PromptLibrary.load()
    creation = CreationService(
        backend,
        styles,
        library,
        Cooldowns(limits.cooldown_rate, limits.cooldown_seconds if apply_cooldowns else 0),
        GuildConcurrency(limits.guild_concurrency),
        snapshot_interval=(
            settings.stream.edit_interval if snapshot_interval is None else snapshot_interval
        ),
        sampling=Sampling(
            temperature=llm.temperature,
            top_p=llm.top_p,
            top_k=llm.top_k,
            repetition_penalty=llm.repetition_penalty,
        ),
        structured_posts=llm.backend == "openai",
        # A vLLM server holds each drafted line to its form with a regular expression.
        regex_constraints=llm.backend == "openai",
        max_subject_chars=limits.max_prompt_chars,
        content_filter=filters,
        rating_policy=filters,
        lore=lore,
    )
    relay = RelayService(
        RelayRepository(database),
        backend,
        RelayPrompts.load(),
        content_filter=creation.content_filter,
        time=relay_time,
        sampling=creation.sampling,
        budget=ContextBudget(settings.relay.context_tokens, settings.relay.chars_per_token),
        lore=lore,
    )
    passages = PassageService(
        backend,
        styles,
        system=library.system,
        style_block=library.style_block,
        sampling=creation.sampling,
        content_filter=filters,
        lore=PlacedLore(lore, relay),
        cooldowns=creation.cooldowns,
        concurrency=creation.concurrency,
        # Half the model's context may hold the passage; the rest is the prompt and the answer.
        max_passage_chars=min(
            MAX_PASSAGE_CHARS,
            int(settings.relay.context_tokens * settings.relay.chars_per_token / 2),
        ),
    )
    return Services(database, backend, styles, creation, filters, relay, lore, passages)
