"""A piece the token budget stopped ends on a complete sentence or line and says it was cut;
the chatter around a piece and a post's raw JSON never reach the member."""

from __future__ import annotations

from inkwell.bot.services.creation import CUT_AT_LIMIT, CUT_AT_LIMIT_NO_CONTINUE
from inkwell.bot.services.origin import Origin
from inkwell.bot.storage.database import Database
from inkwell.bot.text.post_length import post_length
from tests.fakes import ScriptedBackend
from tests.services.test_creation import collect, make_service

ALICE = Origin(user_id=11, guild_id=500)


async def test_a_story_stopped_at_its_budget_ends_on_its_last_sentence_and_says_so(
    database: Database,
) -> None:
    backend = ScriptedBackend(
        ["The door creaked. ", "He stepped in. ", "He took in"], finish_reason="length"
    )
    service = make_service(database, backend)
    creation = await service.begin(service.validate("story", "a house", {}), ALICE)

    shown = await collect(creation.write())

    assert creation.current == "The door creaked. He stepped in."
    assert shown[-1] == creation.current
    assert creation.cut
    assert creation.cut_notice == CUT_AT_LIMIT
    assert creation.can_continue


async def test_continue_picks_up_from_the_cut_ending_and_a_finished_one_is_no_longer_cut(
    database: Database,
) -> None:
    backend = ScriptedBackend(["It rained. ", "She waited for"], finish_reason="length")
    service = make_service(database, backend)
    creation = await service.begin(service.validate("story", "rain", {}), ALICE)
    await collect(creation.write())
    backend.script = ["The train came."]
    backend.finish_reason = "stop"

    await collect(creation.extend())

    assert backend.requests[1].continue_from == "It rained."
    assert creation.current == "It rained. The train came."
    assert not creation.cut
    assert creation.cut_notice is None


async def test_a_cut_text_without_any_complete_sentence_keeps_its_words(
    database: Database,
) -> None:
    backend = ScriptedBackend(["and then the dragon ", "looked at"], finish_reason="length")
    service = make_service(database, backend)
    creation = await service.begin(service.validate("story", "a dragon", {}), ALICE)
    await collect(creation.write())
    assert creation.current == "and then the dragon looked at"
    assert creation.cut


async def test_a_story_that_ended_by_itself_is_not_cut(database: Database) -> None:
    backend = ScriptedBackend(["It ended ", "mid"])  # finished with "stop": the model's choice
    service = make_service(database, backend)
    creation = await service.begin(service.validate("story", "x", {}), ALICE)
    await collect(creation.write())
    assert creation.current == "It ended mid"
    assert not creation.cut


async def test_one_shot_lyrics_stopped_at_their_budget_end_on_their_last_complete_line(
    database: Database,
) -> None:
    backend = ScriptedBackend(
        ["[Verse 1]\nCity lights ", "are fading\n\n[Chorus]\n", "Hold on to"],
        finish_reason="length",
    )
    service = make_service(database, backend, drafting=False)
    creation = await service.begin(service.validate("lyrics", "a city", {}), ALICE)
    await collect(creation.write())
    assert creation.current == "[Verse 1]\nCity lights are fading"
    assert creation.cut_notice == CUT_AT_LIMIT


async def test_a_cut_post_ends_on_a_sentence_before_its_hashtags(database: Database) -> None:
    backend = ScriptedBackend(
        ["Big news! Our bakery opens Saturday. ", "Come by for the show F"],
        finish_reason="length",
    )
    service = make_service(database, backend)
    creation = await service.begin(service.validate("post", "our bakery", {"platform": "x"}), ALICE)
    await collect(creation.write())
    body, _, tags = creation.current.partition("\n\n")
    assert body == "Big news! Our bakery opens Saturday."
    assert tags.startswith("#")
    assert creation.cut_notice == CUT_AT_LIMIT_NO_CONTINUE


async def test_a_structured_post_cut_inside_its_json_shows_the_text_never_the_json(
    database: Database,
) -> None:
    raw = '{"text": "\\ud83c\\udf1f Gifts for everyone! Join us at the fair this Sat\\u00e'
    backend = ScriptedBackend([raw[:25], raw[25:]], finish_reason="length")
    service = make_service(database, backend, structured_posts=True)
    creation = await service.begin(
        service.validate("post", "holiday fair", {"platform": "x"}), ALICE
    )
    shown = await collect(creation.write())
    assert not any("{" in text or '"text"' in text for text in shown)
    assert creation.current.startswith("🌟 Gifts for everyone!\n\n#")
    assert post_length(creation.current, "x") <= 280
    assert creation.cut


async def test_preambles_and_sign_offs_never_reach_the_member_even_while_streaming(
    database: Database,
) -> None:
    backend = ScriptedBackend(
        ["Sure! ", "Here is your story:\n", "The vault ", "was cold.", "\n\nI hope you enjoy it!"]
    )
    service = make_service(database, backend)
    creation = await service.begin(service.validate("story", "a heist", {}), ALICE)
    shown = await collect(creation.write())
    assert not any("Sure" in text or "Here is" in text for text in shown)
    assert shown[:2] == ["", "The vault "]  # words are coming; the first shown are the story's
    assert creation.current == "The vault was cold."
