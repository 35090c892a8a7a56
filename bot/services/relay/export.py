"""A relay as a Markdown file: title, premise, contributors with word counts, every turn.

Each turn is headed by its writer; the model's turns say so. A member who asked Inkwell to
forget them appears as "a former writer": their words stay part of the story, their name
and id do not.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Final

from inkwell.bot.services.relay.models import ExportedStory, RelayRecord, TurnRecord, WriterRecord

MODEL_NAME: Final = "Inkwell (the model)"
FORMER_WRITER: Final = "a former writer"

_MARKDOWN_SPECIALS: Final = re.compile(r"([\\`*_\[\]<>#|~])")
_NOT_SLUG: Final = re.compile(r"[^a-z0-9]+")


def escape(text: str) -> str:
    """Names and titles shown as written, not as Markdown."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", text)


def filename_for(title: str) -> str:
    slug = _NOT_SLUG.sub("-", title.lower()).strip("-")[:60].strip("-")
    return f"{slug or 'relay'}.md"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def author_of(turn: TurnRecord, names: dict[int, str]) -> str:
    if turn.by_model:
        return MODEL_NAME
    if turn.writer_id is None:
        return FORMER_WRITER
    return names.get(turn.writer_id, FORMER_WRITER)


def render_markdown(
    relay: RelayRecord, writers: Sequence[WriterRecord], turns: Sequence[TurnRecord]
) -> str:
    names = {writer.user_id: writer.name for writer in writers}
    lines = [f"# {escape(relay.title)}", ""]
    if relay.premise:
        lines += [f"> {line}" if line else ">" for line in relay.premise.splitlines()]
        lines.append("")
    details = [
        f"**{label}:** {escape(value)}"
        for label, value in (("Genre", relay.genre), ("Tone", relay.tone))
        if value
    ]
    if details:
        lines += [" · ".join(details), ""]

    contributions: dict[str, list[int]] = {}
    for turn in turns:
        contributions.setdefault(author_of(turn, names), []).append(turn.words)
    lines += ["## Contributors", ""]
    if contributions:
        for author, counts in contributions.items():
            lines.append(
                f"- {escape(author)} — {_plural(sum(counts), 'word')}"
                f" in {_plural(len(counts), 'turn')}"
            )
    else:
        lines.append("*Nobody has written yet.*")
    lines += ["", "## The story", ""]
    for turn in turns:  # numbered as the thread announced them (a passed turn keeps its number)
        lines += [f"### {turn.number}. {escape(author_of(turn, names))}", "", turn.text, ""]
    if not turns:
        lines += ["*Nothing written yet.*", ""]
    begun = datetime.fromtimestamp(relay.created_at, tz=UTC).strftime("%Y-%m-%d")
    total = sum(turn.words for turn in turns)
    lines += [
        "---",
        "",
        f"*A relay story written with Inkwell: {_plural(len(turns), 'turn')},"
        f" {_plural(total, 'word')}, begun {begun}.*",
    ]
    return "\n".join(lines) + "\n"


def export_story(
    relay: RelayRecord, writers: Sequence[WriterRecord], turns: Sequence[TurnRecord]
) -> ExportedStory:
    return ExportedStory(filename_for(relay.title), render_markdown(relay, writers, turns))
