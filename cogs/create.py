"""/story /lyrics /poem /post: parse the options, start a Creation, stream it in."""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands, tasks

from inkwell.bot.plugin import HostBot, add_feature, remove_feature
from inkwell.bot.services.forms import (
    ACROSTIC_WORD_MAX,
    CREATIVITY_OPTION,
    MAX_POST_VARIANTS,
    SHORT_TEXT_MAX,
    SUBJECT_MAX,
    Creativity,
    LyricsStructure,
    PoemForm,
    PointOfView,
    StoryLength,
)
from inkwell.bot.text.platforms import Platform
from inkwell.bot.ui.context import InkwellContext
from inkwell.bot.ui.creation_buttons import CreationButton, retire, stream_into
from inkwell.bot.ui.errors import AnswersErrors
from inkwell.bot.ui.origin import origin_of
from inkwell.bot.ui.prefetch import EarlyStart
from inkwell.bot.ui.stopping import stop_streams
from inkwell.bot.ui.streaming import StreamingEditor

log = logging.getLogger(__name__)

# Expired pieces lose their buttons within this many seconds (the buttons stop at 14
# minutes; the interaction token that edits them lasts 15).
RETIRE_EVERY = 30.0

Subject = app_commands.Range[str, 1, SUBJECT_MAX]
ShortText = app_commands.Range[str, 1, SHORT_TEXT_MAX]
AcrosticWord = app_commands.Range[str, 1, ACROSTIC_WORD_MAX]


class Create(AnswersErrors, commands.Cog):
    """The four creative commands."""

    def __init__(self, bot: HostBot, inkwell: InkwellContext) -> None:
        self.bot = bot
        self.inkwell = inkwell

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(CreationButton)
        self.retire_expired.start()

    async def cog_unload(self) -> None:
        self.retire_expired.cancel()
        # While the bot can still edit them: each piece keeps its text, with a note why.
        await stop_streams(self.inkwell.creations)
        self.bot.remove_dynamic_items(CreationButton)

    @tasks.loop(seconds=RETIRE_EVERY)
    async def retire_expired(self) -> None:
        """Turn off the buttons of pieces past their lifetime: one sweep for all of them."""
        for piece in self.inkwell.creations.expire():
            try:
                await retire(piece)
            except Exception:  # one piece's failure must not end the sweep for all the others
                log.exception("could not retire piece %s", piece.id)

    async def _create(
        self,
        interaction: discord.Interaction,
        form_name: str,
        subject: str,
        /,
        **options: str | int | None,
    ) -> None:
        service = self.inkwell.services.creation
        request = service.validate(form_name, subject, options)
        creation = await service.begin(request, origin_of(interaction))
        # The request leaves for the model while Discord acknowledges the defer.
        texts = EarlyStart(creation.write())
        try:
            await interaction.response.defer(thinking=True)
        except BaseException:
            await texts.cancel()
            raise
        editor = StreamingEditor(interaction, edit_interval=self.inkwell.edit_interval)
        piece = self.inkwell.creations.open(
            interaction.id, creation, editor, owner_id=interaction.user.id
        )
        await stream_into(piece, texts.items())

    @app_commands.command(description="Write a short story from your prompt.")
    @app_commands.describe(
        prompt="What the story is about",
        genre="Genre, e.g. fantasy, noir, cosy mystery",
        tone="Tone, e.g. wry, hopeful, eerie (overrides your style for this story)",
        length="How long the story should be",
        pov="Point of view (overrides your style for this story)",
        creativity=CREATIVITY_OPTION.description,
    )
    async def story(
        self,
        interaction: discord.Interaction,
        prompt: Subject,
        genre: ShortText | None = None,
        tone: ShortText | None = None,
        length: StoryLength | None = None,
        pov: PointOfView | None = None,
        creativity: Creativity | None = None,
    ) -> None:
        await self._create(
            interaction,
            "story",
            prompt,
            genre=genre,
            tone=tone,
            length=length,
            pov=pov,
            creativity=creativity,
        )

    @app_commands.command(description="Write song lyrics about a topic.")
    @app_commands.describe(
        topic="What the song is about",
        genre="Musical genre, e.g. folk, synth-pop",
        mood="Mood, e.g. bittersweet, defiant",
        structure="How the song is built",
        creativity=CREATIVITY_OPTION.description,
    )
    async def lyrics(
        self,
        interaction: discord.Interaction,
        topic: Subject,
        genre: ShortText | None = None,
        mood: ShortText | None = None,
        structure: LyricsStructure | None = None,
        creativity: Creativity | None = None,
    ) -> None:
        await self._create(
            interaction,
            "lyrics",
            topic,
            genre=genre,
            mood=mood,
            structure=structure,
            creativity=creativity,
        )

    @app_commands.command(description="Write a poem about a topic.")
    @app_commands.describe(
        topic="What the poem is about",
        form="Poetic form",
        tone="Tone, e.g. tender, playful (overrides your style for this poem)",
        word="For an acrostic: the word its lines spell (default: the topic's main word)",
        creativity=CREATIVITY_OPTION.description,
    )
    async def poem(
        self,
        interaction: discord.Interaction,
        topic: Subject,
        form: PoemForm | None = None,
        tone: ShortText | None = None,
        word: AcrosticWord | None = None,
        creativity: Creativity | None = None,
    ) -> None:
        await self._create(
            interaction, "poem", topic, form=form, tone=tone, word=word, creativity=creativity
        )

    @app_commands.command(description="Write a social-media post that fits its platform.")
    @app_commands.describe(
        topic="What the post is about",
        platform="Where it will be posted (sets the length limit and hashtags)",
        tone="Tone, e.g. upbeat, professional",
        variants="How many versions to write (flip between them with ‹ ›)",
        creativity=CREATIVITY_OPTION.description,
    )
    async def post(
        self,
        interaction: discord.Interaction,
        topic: Subject,
        platform: Platform = "x",
        tone: ShortText | None = None,
        variants: app_commands.Range[int, 1, MAX_POST_VARIANTS] = 1,
        creativity: Creativity | None = None,
    ) -> None:
        await self._create(
            interaction,
            "post",
            topic,
            platform=platform,
            tone=tone,
            variants=variants,
            creativity=creativity,
        )


async def setup(bot: HostBot) -> None:
    await add_feature(bot, "create", lambda inkwell: Create(bot, inkwell))


async def teardown(bot: HostBot) -> None:
    await remove_feature(bot, "create")
