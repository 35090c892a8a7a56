"""What ``/lore`` shows: an entry, pages of entries, and the modal that edits one."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable, Sequence
from typing import Final

import discord
from discord.utils import escape_markdown

from inkwell.bot.records.lore import LoreEntry
from inkwell.bot.services.lore.access import LorePlace
from inkwell.bot.services.lore.validation import MAX_ENTRIES, MAX_NAME_CHARS, MAX_TEXT_WORDS
from inkwell.bot.ui.errors import report_error

ENTRIES_PER_PAGE: Final = 8
COLOUR: Final = discord.Colour.dark_gold()
SNIPPET_CHARS: Final = 90
# A lore text of MAX_TEXT_WORDS words fits; the service counts the words.
TEXT_INPUT_MAX: Final = 1500
KEYS_INPUT_MAX: Final = 300
MODAL_TIMEOUT_SECONDS: Final = 30 * 60


def keys_line(entry: LoreEntry) -> str:
    return ", ".join(escape_markdown(key) for key in entry.keys)


def _snippet(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= SNIPPET_CHARS else flat[: SNIPPET_CHARS - 1] + "…"


def entry_line(entry: LoreEntry) -> str:
    name = escape_markdown(entry.name)
    return f"**{name}** · keys: {keys_line(entry)}\n{escape_markdown(_snippet(entry.text))}"


def entry_embed(place: LorePlace, entry: LoreEntry) -> discord.Embed:
    embed = discord.Embed(
        title=entry.name[:256], description=escape_markdown(entry.text), colour=COLOUR
    )
    embed.add_field(name="Keys", value=keys_line(entry)[:1024], inline=False)
    words = len(entry.text.split())
    embed.set_footer(text=f"{place.label.capitalize()} · {words}/{MAX_TEXT_WORDS} words")
    return embed


def lore_pages(place: LorePlace, entries: Sequence[LoreEntry]) -> list[discord.Embed]:
    """The entries, a page at a time: name, keys and the start of the text."""
    title = f"Story bible: {place.label}"
    if not entries:
        empty = discord.Embed(
            title=title,
            colour=COLOUR,
            description="No entries yet. Add one with `/lore add name keys text`, or load a "
            "NovelAI or SillyTavern lorebook with `/lore import`.",
        )
        return [empty]
    lines = [entry_line(entry) for entry in entries]
    pages = [lines[i : i + ENTRIES_PER_PAGE] for i in range(0, len(lines), ENTRIES_PER_PAGE)]
    embeds = []
    for number, page in enumerate(pages, start=1):
        embed = discord.Embed(title=title, colour=COLOUR, description="\n\n".join(page))
        embed.set_footer(text=f"{len(entries)}/{MAX_ENTRIES} entries · page {number}/{len(pages)}")
        embeds.append(embed)
    return embeds


# What the edit modal hands back: the changed name, keys and text (None when unchanged).
EditSubmitted = Callable[[discord.Interaction, str | None, str | None, str | None], Awaitable[None]]


class LoreEditModal(discord.ui.Modal):
    """An entry's name, keys and text, filled in, to change in place."""

    def __init__(self, entry: LoreEntry, submitted: EditSubmitted) -> None:
        title = f"Edit {entry.name}"
        super().__init__(
            title=title if len(title) <= 45 else title[:44] + "…",
            timeout=MODAL_TIMEOUT_SECONDS,
            custom_id=f"lore-edit:{entry.id}:{secrets.token_hex(4)}",
        )
        self.entry = entry
        self._submitted = submitted
        self.name: discord.ui.TextInput[LoreEditModal] = discord.ui.TextInput(
            label="Name", default=entry.name, min_length=1, max_length=MAX_NAME_CHARS
        )
        self.keys: discord.ui.TextInput[LoreEditModal] = discord.ui.TextInput(
            label="Keys, comma-separated",
            default=", ".join(entry.keys),
            min_length=1,
            max_length=KEYS_INPUT_MAX,
        )
        self.text: discord.ui.TextInput[LoreEditModal] = discord.ui.TextInput(
            label=f"Text, up to {MAX_TEXT_WORDS} words",
            style=discord.TextStyle.paragraph,
            default=entry.text,
            min_length=1,
            max_length=TEXT_INPUT_MAX,
        )
        for item in (self.name, self.keys, self.text):
            self.add_item(item)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        name = self.name.value if self.name.value.strip() != self.entry.name else None
        keys = self.keys.value if self.keys.value.strip() != ", ".join(self.entry.keys) else None
        text = self.text.value if self.text.value.strip() != self.entry.text else None
        await self._submitted(interaction, name, keys, text)

    async def on_error(  # type: ignore[override]
        self, interaction: discord.Interaction, error: Exception, /
    ) -> None:
        await report_error(interaction, error)
