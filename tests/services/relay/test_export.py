"""/relay export: the story as Markdown, checked against tests/services/relay/expected_export.md."""

from __future__ import annotations

from pathlib import Path

from inkwell.bot.services.relay import Person
from inkwell.bot.storage.forget import forget_member
from tests.services.relay.conftest import ALICE, CLEO, RelayWorld

EXPECTED = Path(__file__).with_name("expected_export.md")
BOB_WITH_MARKDOWN_IN_HIS_NAME = Person(102, "bob_writes")


async def test_the_export_matches_the_expected_markdown(world: RelayWorld) -> None:
    await world.start(
        title="The Lighthouse",
        premise="A keeper finds a letter in a bottle.\nNobody has lit the lamp in years.",
        genre="mystery",
        tone="eerie",
        ai_turns="each_round",
    )
    await world.join(BOB_WITH_MARKDOWN_IN_HIS_NAME, CLEO)
    await world.write(ALICE, "The bottle was warm, as if someone had just let go of it.")
    await world.write(BOB_WITH_MARKDOWN_IN_HIS_NAME, "Inside, the letter was addressed to her.")
    await world.write(CLEO, "She read it twice.")  # the model writes after Cleo
    await world.write(ALICE, "Then she climbed the stairs.")
    await forget_member(world.database, CLEO.user_id)

    exported = await world.service.export(world.thread_id)

    assert exported.filename == "the-lighthouse.md"
    assert exported.markdown == EXPECTED.read_text(encoding="utf-8")


async def test_a_story_with_nothing_written_says_so(world: RelayWorld) -> None:
    await world.start(title="Empty *page*")
    exported = await world.service.export(world.thread_id)
    assert exported.filename == "empty-page.md"
    assert exported.markdown.startswith("# Empty \\*page\\*\n")
    assert "*Nothing written yet.*" in exported.markdown
