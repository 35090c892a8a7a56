"""The playground's /lore: the story bible of its own test server, which its user edits.

Entries added here reach the playground's /story exactly as a Discord server's reach the
bot's (``LOCAL_GUILD_ID`` is that server); the rules are the same
:class:`~inkwell.bot.services.lore.desk.LoreDesk`'s, with the user as the server's moderator.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Final

from inkwell.bot.console.parsing import ConsoleCommand
from inkwell.bot.errors import InvalidInput
from inkwell.bot.records.lore import LoreEntry
from inkwell.bot.services.lore import LORE_FORMATS, LoreFormat
from inkwell.bot.services.lore.desk import Asker, LoreDesk
from inkwell.bot.services.origin import Origin

LORE_HELP: Final = """\
Lore (the story bible of the playground's server; a /story naming a key carries its entry):
  /lore add name:"Captain Mira" keys:"Mira, the captain" text:"…"   (text: up to 150 words)
  /lore edit name:"…" [new_name:"…"] [keys:"…"] [text:"…"] · /lore remove name:"…"
  /lore list · /lore show name:"…"
  /lore export [format:novelai|sillytavern] [file:lore.json] · /lore import file:lore.json"""


class LoreConsole:
    def __init__(
        self, desk: LoreDesk, say: Callable[[str], None], guild_id: int, user_id: int
    ) -> None:
        self._desk = desk
        self._say = say
        self._asker = Asker(Origin(user_id, guild_id=guild_id), manages_server=True)

    async def handle(self, command: ConsoleCommand) -> None:
        given = dict(command.options)
        free = " ".join(command.words)
        match command.subcommand:
            case "add":
                place, entry = await self._desk.add(
                    self._asker,
                    _needed(given, "name", free),
                    _needed(given, "keys"),
                    _needed(given, "text"),
                )
                self._say(f"Added “{entry.name}” to {place.label} (keys: {', '.join(entry.keys)}).")
            case "edit":
                place, entry = await self._desk.edit(
                    self._asker,
                    _needed(given, "name", free),
                    new_name=given.get("new_name"),
                    keys=given.get("keys"),
                    text=given.get("text"),
                )
                self._say(f"Saved “{entry.name}” in {place.label}.")
            case "remove":
                place, entry = await self._desk.remove(self._asker, _needed(given, "name", free))
                self._say(f"Removed “{entry.name}” from {place.label}.")
            case "list":
                await self._list()
            case "show":
                _, entry = await self._desk.entry(self._asker, _needed(given, "name", free))
                self._say(_shown(entry))
            case "export":
                await self._export(given.get("format", "novelai"), given.get("file"))
            case "import":
                await self._import(_needed(given, "file", free))
            case "help" | None:
                self._say(LORE_HELP)
            case other:
                raise InvalidInput(f"/lore has no “{other}”. Type /lore help.")

    async def _list(self) -> None:
        place, entries = await self._desk.entries(self._asker)
        if not entries:
            self._say(
                'No lore yet. Try: /lore add name:"Captain Mira" keys:"Mira" '
                'text:"She commands the Gull."'
            )
            return
        count = f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'}"
        self._say(f"{place.label.capitalize()}, {count}:")
        for entry in entries:
            self._say(f"  {entry.name} · keys: {', '.join(entry.keys)}")

    async def _export(self, format: str, path: str | None) -> None:
        if format not in LORE_FORMATS:
            raise InvalidInput(f"format must be one of: {', '.join(LORE_FORMATS)}.")
        chosen: LoreFormat = "novelai" if format == "novelai" else "sillytavern"
        place, data = await self._desk.export_json(self._asker, chosen)
        if path is None:
            self._say(data)
            return
        await asyncio.to_thread(Path(path).write_text, data, encoding="utf-8")
        self._say(f"Wrote {place.label} to {path} ({chosen}).")

    async def _import(self, path: str) -> None:
        try:
            data = await asyncio.to_thread(Path(path).read_bytes)
        except OSError as error:
            raise InvalidInput(f"Can't read {path}: {error.strerror or error}.") from None
        place, report = await self._desk.import_json(self._asker, data)
        self._say(
            f"Imported a {report.format} lorebook into {place.label}: {report.added} new, "
            f"{report.updated} updated."
        )


def _shown(entry: LoreEntry) -> str:
    return f"{entry.name} (keys: {', '.join(entry.keys)})\n{entry.text}"


def _needed(given: dict[str, str], name: str, free: str = "") -> str:
    value = " ".join(filter(None, [given.get(name), free])).strip()
    if not value:
        raise InvalidInput(f'Say the {name.replace("_", " ")}, e.g. {name}:"…"')
    return value
