"""Lorebook files: NovelAI's lorebooks and SillyTavern's World Info, read and written.

NovelAI: ``{"lorebookVersion": 5, "entries": [{"displayName", "keys": [...], "text", ...}],
"settings": {...}, "categories": [...]}``. SillyTavern: ``{"entries": {"0": {"uid": 0,
"key": [...], "keysecondary": [...], "comment", "content", ...}}}``. Each entry's fields
Inkwell has no use for are kept in ``LoreEntry.extra`` under the format's name, so an export
to the same format gives them back and an export to the other never carries them across.
A file is read whole before anything is saved: the first problem found is reported with
the entry and field it is in, and nothing changes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

from inkwell.bot.records.lore import LoreEntry
from inkwell.bot.services.lore.validation import LoreError, clean_keys, clean_name, clean_text

LoreFormat = Literal["novelai", "sillytavern"]
LORE_FORMATS: Final[tuple[LoreFormat, ...]] = ("novelai", "sillytavern")
NOVELAI_VERSION: Final = 5
# A lorebook of the most entries a scope holds, each at the longest, is well under this.
MAX_FILE_BYTES: Final = 1024 * 1024


@dataclass(frozen=True, slots=True)
class ParsedEntry:
    name: str
    keys: tuple[str, ...]
    text: str
    extra: dict[str, Any]  # this format's unknown fields


def _parse(data: str | bytes) -> Any:
    try:
        return json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise LoreError(f"That file is not JSON a lorebook could be read from: {error}.") from None


def detect(document: Any) -> LoreFormat:
    if isinstance(document, dict):
        entries = document.get("entries")
        if "lorebookVersion" in document or isinstance(entries, list):
            return "novelai"
        if isinstance(entries, dict):
            return "sillytavern"
    raise LoreError(
        "That file is neither a NovelAI lorebook (with lorebookVersion and a list of entries) "
        "nor a SillyTavern World Info file (with an object of entries)."
    )


def _labelled(label: str, raw: object, name_field: str) -> tuple[dict[str, Any], str]:
    """The entry as an object, and how an error names it: "Entry 3 ('Captain Mira')"."""
    if not isinstance(raw, dict):
        raise LoreError(f"{label} is not an object.")
    name = raw.get(name_field)
    if isinstance(name, str) and name.strip():
        label = f"{label} ('{name.strip()[:100]}')"
    return raw, label


def _field(raw: Mapping[str, Any], field: str, where: str, kind: type[Any]) -> Any:
    if field not in raw:
        raise LoreError(f"{where} has no '{field}' field.")
    value = raw[field]
    if not isinstance(value, kind) or (kind is list and not all(isinstance(v, str) for v in value)):
        wanted = "a list of words" if kind is list else "text"
        raise LoreError(f"{where}: the field '{field}' should be {wanted}.")
    return value


def _checked(
    where: str, name: str, keys: list[str], text: str, extra: dict[str, Any]
) -> ParsedEntry:
    try:
        return ParsedEntry(clean_name(name), clean_keys(keys), clean_text(text), extra)
    except LoreError as error:
        raise LoreError(f"{where}: {error}") from None


def read(data: str | bytes) -> tuple[LoreFormat, tuple[ParsedEntry, ...]]:
    size = len(data.encode() if isinstance(data, str) else data)
    if size > MAX_FILE_BYTES:
        raise LoreError(
            f"That file is {size:,} bytes; a lorebook may be at most {MAX_FILE_BYTES:,}. "
            "Nothing was changed."
        )
    document = _parse(data)
    format = detect(document)
    parsed: list[ParsedEntry] = []
    if format == "novelai":
        raw_entries = document.get("entries")
        if not isinstance(raw_entries, list):
            raise LoreError("The lorebook's 'entries' should be a list.")
        for number, raw in enumerate(raw_entries, start=1):
            raw, where = _labelled(f"Entry {number}", raw, "displayName")
            name = _field(raw, "displayName", where, str)
            keys = _field(raw, "keys", where, list)
            text = _field(raw, "text", where, str)
            extra = {k: v for k, v in raw.items() if k not in ("displayName", "keys", "text")}
            parsed.append(_checked(where, name, keys, text, extra))
    else:
        for uid, raw in document["entries"].items():
            raw, where = _labelled(f"Entry {uid}", raw, "comment")
            keys = _field(raw, "key", where, list)
            text = _field(raw, "content", where, str)
            name = raw.get("comment") if isinstance(raw.get("comment"), str) else ""
            name = name or (keys[0] if keys else "")
            extra = {k: v for k, v in raw.items() if k not in ("key", "comment", "content", "uid")}
            parsed.append(_checked(where, name, keys, text, extra))
    seen: set[str] = set()
    for entry in parsed:
        if entry.name.casefold() in seen:
            raise LoreError(f"The file has two entries named '{entry.name}'; names must differ.")
        seen.add(entry.name.casefold())
    return format, tuple(parsed)


def extra_for(entry: LoreEntry, format: LoreFormat) -> dict[str, Any]:
    try:
        stored = json.loads(entry.extra)
    except json.JSONDecodeError:
        return {}
    kept = stored.get(format, {}) if isinstance(stored, dict) else {}
    return dict(kept) if isinstance(kept, dict) else {}


def merged_extra(existing: str, format: LoreFormat, fields: dict[str, Any]) -> str:
    try:
        stored = json.loads(existing)
    except json.JSONDecodeError:
        stored = {}
    if not isinstance(stored, dict):
        stored = {}
    stored[format] = fields
    return json.dumps(stored, ensure_ascii=False, sort_keys=True)


def write(entries: tuple[LoreEntry, ...], format: LoreFormat) -> str:
    if format == "novelai":
        document: dict[str, Any] = {
            "lorebookVersion": NOVELAI_VERSION,
            "entries": [
                {
                    **extra_for(entry, format),
                    "displayName": entry.name,
                    "keys": list(entry.keys),
                    "text": entry.text,
                }
                for entry in entries
            ],
        }
    else:
        document = {
            "entries": {
                str(uid): {
                    "keysecondary": [],
                    **extra_for(entry, format),
                    "uid": uid,
                    "key": list(entry.keys),
                    "comment": entry.name,
                    "content": entry.text,
                }
                for uid, entry in enumerate(entries)
            }
        }
    return json.dumps(document, ensure_ascii=False, indent=2)
