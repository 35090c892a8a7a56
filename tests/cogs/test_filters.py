"""/filters … through real discord.py interactions, and the filters meeting /story and /poem."""

from __future__ import annotations

import json
import sys
from collections.abc import Awaitable, Callable
from typing import Any

import discord
import pytest
from discord.enums import AppCommandOptionType

from inkwell.bot.services.bundle import Services
from inkwell.bot.ui.streaming import StreamingEditor
from tests.fakes import ScriptedBackend
from tests.harness import FakeUser, Harness, InteractionEvents, option, slash
from tests.harness.offline import bot_user_payload
from tests.harness.snowflakes import new_snowflake

Upload = Callable[..., Awaitable[InteractionEvents]]


@pytest.fixture
def mod(inkwell: Harness) -> FakeUser:
    return inkwell.new_user("mod", manage_guild=True)


@pytest.fixture
def upload(inkwell: Harness, monkeypatch: pytest.MonkeyPatch) -> Upload:
    """Run /filters import with a file attached, as Discord's client would send it."""
    stored: dict[str, bytes] = {}

    async def from_cdn(url: str) -> bytes:
        return stored[url]

    monkeypatch.setattr(inkwell.bot.http, "get_from_cdn", from_cdn)

    async def run(
        data: bytes, *, user: FakeUser, filename: str = "filters.json"
    ) -> InteractionEvents:
        attachment_id = str(new_snowflake())
        url = f"https://cdn.discordapp.com/attachments/1/{attachment_id}/{filename}"
        stored[url] = data
        payload = slash(
            "filters",
            subcommand="import",
            options=[option("file", AppCommandOptionType.attachment, attachment_id)],
            user=user,
            guild=inkwell.guild,
            resolved={
                "attachments": {
                    attachment_id: {
                        "id": attachment_id,
                        "filename": filename,
                        "size": len(data),
                        "url": url,
                        "proxy_url": url,
                        "content_type": "application/json",
                    }
                }
            },
        )
        return await inkwell.dispatch(payload)

    return run


@pytest.fixture
def log_posts(
    inkwell: Harness, monkeypatch: pytest.MonkeyPatch
) -> list[tuple[int, dict[str, Any]]]:
    """Messages the bot posts in channels (the log channel), recorded instead of sent."""
    posts: list[tuple[int, dict[str, Any]]] = []

    async def send_message(channel_id: int, *, params: Any) -> dict[str, Any]:
        posts.append((int(channel_id), params.payload))
        return {
            "id": str(new_snowflake()),
            "channel_id": str(channel_id),
            "type": 0,
            "content": "",
            "author": bot_user_payload(),
            "timestamp": discord.utils.utcnow().isoformat(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": params.payload.get("embeds", []),
            "pinned": False,
            "flags": 0,
            "components": [],
        }

    monkeypatch.setattr(inkwell.bot.http, "send_message", send_message)
    return posts


@pytest.fixture
def every_edit(inkwell: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    """Stream with no edit throttling, so every snapshot the bot shows is recorded."""

    class EveryEdit(StreamingEditor):
        def __init__(self, interaction: discord.Interaction, **options: Any) -> None:
            super().__init__(interaction, **{**options, "edit_interval": 0})

    # The extension as discord.py loaded it (it is not an attribute of the cogs package).
    monkeypatch.setattr(sys.modules["inkwell.cogs.create"], "StreamingEditor", EveryEdit)


def everything_shown(events: InteractionEvents) -> list[str]:
    """Every content the interaction's messages ever showed, each edit included."""
    messages = events.messages()
    assert messages
    return [text for message in messages for text in message.history]


# -- who may use it ---------------------------------------------------------------------

EVERY_SUBCOMMAND = [
    ("filters add", {"pattern": "grimoire"}),
    ("filters remove", {"rule": "#1"}),
    ("filters list", {}),
    ("filters allow", {"word": "Scunthorpe"}),
    ("filters disallow", {"word": "Scunthorpe"}),
    ("filters preset enable", {"name": "profanity"}),
    ("filters preset disable", {"name": "profanity"}),
    ("filters exempt", {}),
    ("filters unexempt", {}),
    ("filters rating", {"max_rating": "g"}),
    ("filters log-channel", {}),
    ("filters classifier", {"enabled": True}),
    ("filters settings", {}),
    ("filters audit", {}),
    ("filters test", {"text": "hello"}),
    ("filters export", {}),
]


@pytest.mark.parametrize(
    ("command", "values"), EVERY_SUBCOMMAND, ids=[c for c, _ in EVERY_SUBCOMMAND]
)
async def test_members_without_manage_server_are_refused_every_subcommand(
    inkwell: Harness, services: Services, command: str, values: dict[str, Any]
) -> None:
    options = {"channel": inkwell.channel} if command == "filters rating" else {}
    before = await services.filters.transfer.export(inkwell.guild.id)
    events = await inkwell.run_slash(command, user=inkwell.user, options=options, **values)
    assert events.ephemeral()
    assert "manage guild permission" in (events.last_content() or "")
    assert await services.filters.transfer.export(inkwell.guild.id) == before


async def test_import_is_refused_too(inkwell: Harness, services: Services, upload: Upload) -> None:
    before = await services.filters.transfer.export(inkwell.guild.id)
    events = await upload(b'{"format": "inkwell-filters", "version": 1}', user=inkwell.user)
    assert "manage guild permission" in (events.last_content() or "")
    assert await services.filters.transfer.export(inkwell.guild.id) == before


async def test_members_and_dms_never_see_filters(inkwell: Harness) -> None:
    group = inkwell.tree.get_command("filters")
    assert isinstance(group, discord.app_commands.Group)
    assert group.guild_only
    assert group.default_permissions is not None
    assert group.default_permissions.manage_guild
    names = {command.qualified_name for command in group.walk_commands()}
    assert {f"filters {name}" for name in ("add", "import", "preset enable")} <= names


# -- what moderators do -----------------------------------------------------------------


async def test_add_list_and_remove_a_rule(
    inkwell: Harness, services: Services, mod: FakeUser
) -> None:
    events = await inkwell.run_slash(
        "filters add", user=mod, pattern="grimoire", action="redact", category="spoilers"
    )
    assert events.ephemeral()
    assert "Added rule `#" in (events.last_content() or "")
    assert "||grimoire||" in (events.last_content() or "")
    listed = await inkwell.run_slash("filters list", user=mod)
    assert listed.ephemeral()
    description = listed.first("response").embeds[0]["description"]
    assert "**word** ||grimoire|| → redact · both · *spoilers*" in description
    removed = await inkwell.run_slash("filters remove", user=mod, rule="grimoire")
    assert "Removed rule" in (removed.last_content() or "")
    assert (await services.filters.config(inkwell.guild.id)).rules == ()


async def test_masks_and_word_forms_are_options_of_add(
    inkwell: Harness, services: Services, mod: FakeUser
) -> None:
    events = await inkwell.run_slash("filters add", user=mod, pattern="shit", masks=True)
    assert "||shit|| · masks → block on both" in (events.last_content() or "")
    both = await inkwell.run_slash("filters add", user=mod, pattern="dumb", masks=True, forms=True)
    assert "||dumb|| · masks · word forms → block" in (both.last_content() or "")
    await inkwell.run_slash("filters add", user=mod, pattern="heck")
    listed = await inkwell.run_slash("filters list", user=mod)
    description = listed.first("response").embeds[0]["description"]
    assert "**word** ||shit|| → block · both · *server rules* · masks\n" in description
    assert "*server rules* · masks · word forms\n" in description
    assert description.rstrip().endswith("||heck|| → block · both · *server rules*")
    rules = (await services.filters.config(inkwell.guild.id)).rules
    assert [(r.masks, r.forms) for r in rules] == [(True, False), (True, True), (False, False)]


async def test_masks_on_a_regex_are_refused_with_a_sentence(
    inkwell: Harness, services: Services, mod: FakeUser
) -> None:
    events = await inkwell.run_slash(
        "filters add", user=mod, pattern=r"sh.t", kind="regex", masks=True
    )
    assert events.ephemeral()
    assert "Only a word rule can catch masks; this is a regex rule." in (
        events.last_content() or ""
    )
    assert (await services.filters.config(inkwell.guild.id)).rules == ()


async def test_a_bad_pattern_is_shown_its_error(inkwell: Harness, mod: FakeUser) -> None:
    events = await inkwell.run_slash("filters add", user=mod, pattern="(unclosed", kind="regex")
    assert events.ephemeral()
    assert "That regex doesn't compile: missing )" in (events.last_content() or "")


async def test_the_list_pages_through_many_rules(
    inkwell: Harness, services: Services, mod: FakeUser
) -> None:
    rules = [{"kind": "word", "pattern": f"word{n:02d}"} for n in range(40)]
    data = json.dumps({"format": "inkwell-filters", "version": 1, "rules": rules}).encode()
    await services.filters.transfer.import_file(inkwell.guild.id, mod.id, data)
    events = await inkwell.run_slash("filters list", user=mod)
    first = events.original()
    assert "page 1/3" in first.embeds[0]["footer"]["text"]
    assert [b.label for b in first.buttons] == ["‹", "›"]
    assert first.buttons[0].disabled
    await inkwell.click(label="›", user=mod)
    assert "page 2/3" in events.original().embeds[0]["footer"]["text"]
    assert "word15" in events.original().embeds[0]["description"]
    stranger = await inkwell.click(label="›", user=inkwell.user)
    assert "page 2/3" in events.original().embeds[0]["footer"]["text"]
    assert stranger.kinds() == []  # discord.py answers nothing to a failed view check


async def test_remove_offers_the_rules_as_you_type(
    inkwell: Harness, services: Services, mod: FakeUser
) -> None:
    for word in ("grimoire", "gremlin", "dragon"):
        await services.filters.rules.add_rule(
            inkwell.guild.id, mod.id, pattern=word, kind="word", action="block", applies_to="both"
        )
    cog: Any = inkwell.bot.get_cog("Filters")
    choices = await cog._rules_matching(inkwell.interaction(user=mod), "gr")
    assert [choice.name for choice in choices] == ["#1 word: grimoire", "#2 word: gremlin"]
    assert await cog._rules_matching(inkwell.interaction(user=inkwell.user), "gr") == []


async def test_allow_and_disallow(inkwell: Harness, services: Services, mod: FakeUser) -> None:
    events = await inkwell.run_slash("filters allow", user=mod, word="Scunthorpe")
    assert events.last_content() == "“Scunthorpe” now always passes."
    again = await inkwell.run_slash("filters allow", user=mod, word="scunthorpe")
    assert "already" in (again.last_content() or "")
    gone = await inkwell.run_slash("filters disallow", user=mod, word="SCUNTHORPE")
    assert "off the allow-list" in (gone.last_content() or "")
    assert (await services.filters.config(inkwell.guild.id)).allowed == ()


async def test_presets_and_what_members_then_see(
    inkwell: Harness, backend: ScriptedBackend, mod: FakeUser
) -> None:
    events = await inkwell.run_slash("filters preset enable", user=mod, name="profanity")
    assert "Preset **profanity** is on" in (events.last_content() or "")
    assert "redact on both" in (events.last_content() or "")
    backend.script = ["What ", "the ", "f.u.c.k ", "happened?"]
    story = await inkwell.run_slash("story", prompt="a surprise")
    assert story.last_content() == "What the ███ happened?"
    off = await inkwell.run_slash("filters preset disable", user=mod, name="profanity")
    assert "is off" in (off.last_content() or "")


async def test_exempt_roles_and_channels_skip_prompt_checks_only(
    inkwell: Harness, services: Services, backend: ScriptedBackend, mod: FakeUser
) -> None:
    trusted = inkwell.new_role("trusted")
    lounge = inkwell.new_channel("lounge")
    await inkwell.run_slash("filters add", user=mod, pattern="grimoire")
    events = await inkwell.run_slash(
        "filters exempt", user=mod, role=trusted, options={"channel": lounge}
    )
    assert trusted.mention in (events.last_content() or "")
    assert "What Inkwell writes is always checked." in (events.last_content() or "")
    config = await services.filters.config(inkwell.guild.id)
    assert (config.exempt_roles, config.exempt_channels) == (
        frozenset({trusted.id}),
        frozenset({lounge.id}),
    )

    backend.script = ["The ", "grimoire ", "opened."]
    writer = inkwell.new_user("writer", roles=[trusted.id])
    poem = await inkwell.run_slash("poem", topic="the grimoire", user=writer)
    assert backend.requests, "an exempt role's prompt is generated"
    assert "withheld by the server's content filter" in (poem.last_content() or "")

    await inkwell.run_slash("filters unexempt", user=mod, role=trusted, options={"channel": lounge})
    config = await services.filters.config(inkwell.guild.id)
    assert (config.exempt_roles, config.exempt_channels) == (frozenset(), frozenset())


async def test_exempt_needs_a_role_or_a_channel(inkwell: Harness, mod: FakeUser) -> None:
    events = await inkwell.run_slash("filters exempt", user=mod)
    assert events.last_content() == "Name a role, a channel, or both."


async def test_ratings_and_mature_only_in_age_restricted_channels(
    inkwell: Harness, services: Services, mod: FakeUser
) -> None:
    refused = await inkwell.run_slash(
        "filters rating", user=mod, options={"channel": inkwell.channel}, max_rating="mature"
    )
    assert "only for age-restricted channels" in (refused.last_content() or "")
    after_dark = inkwell.new_channel("after-dark")
    cached = inkwell.bot.get_channel(after_dark.id)
    assert isinstance(cached, discord.TextChannel)
    cached.nsfw = True
    events = await inkwell.run_slash(
        "filters rating", user=mod, options={"channel": after_dark}, max_rating="mature"
    )
    assert "at most mature" in (events.last_content() or "")
    await inkwell.run_slash(
        "filters rating", user=mod, options={"channel": inkwell.channel}, max_rating="g"
    )
    config = await services.filters.config(inkwell.guild.id)
    assert config.channel_ratings == {after_dark.id: "mature", inkwell.channel.id: "g"}
    cleared = await inkwell.run_slash(
        "filters rating", user=mod, options={"channel": inkwell.channel}, max_rating="none"
    )
    assert "no rating cap" in (cleared.last_content() or "")


async def test_a_rated_channel_steers_the_prompt(
    inkwell: Harness, services: Services, backend: ScriptedBackend, mod: FakeUser
) -> None:
    await inkwell.run_slash(
        "filters rating", user=mod, options={"channel": inkwell.channel}, max_rating="g"
    )
    await inkwell.run_slash("style set", rating="mature")
    await inkwell.run_slash("poem", topic="a storm")
    label = services.creation.prompts.style.ratings["g"]
    assert f"Content rating: {label}\n" in backend.requests[0].messages[1].content


async def test_a_blocked_prompt_is_explained_privately_logged_and_never_generated(
    inkwell: Harness,
    services: Services,
    backend: ScriptedBackend,
    mod: FakeUser,
    log_posts: list[tuple[int, dict[str, Any]]],
) -> None:
    mod_log = inkwell.new_channel("mod-log")
    await inkwell.run_slash("filters log-channel", user=mod, options={"channel": mod_log})
    await inkwell.run_slash("filters preset enable", user=mod, name="self-harm")

    events = await inkwell.run_slash("poem", topic="why you should k1ll y0urself")
    await services.filters.flush()

    assert events.ephemeral()
    assert events.last_content() == "This server's content filter doesn't allow that (self-harm)."
    assert backend.requests == []
    [(channel_id, post)] = log_posts
    assert channel_id == mod_log.id
    assert post["allowed_mentions"] == {"parse": []} or post["allowed_mentions"]["parse"] == []
    embed = post["embeds"][0]
    assert embed["title"] == "Blocked a prompt"
    assert "███" in embed["description"]
    assert "k1ll" not in embed["description"]
    fields = {field["name"]: field["value"] for field in embed["fields"]}
    assert fields["Member"].startswith(f"<@{inkwell.user.id}>")
    assert fields["Channel"] == f"<#{inkwell.channel.id}>"
    assert fields["Rule"] == "preset self-harm · *self-harm*"
    assert embed["footer"]["text"] == "audit #1 · /filters audit"  # the audit entry it saved

    audit = await inkwell.run_slash("filters audit", user=mod)
    description = audit.first("response").embeds[0]["description"]
    assert "**block** prompt of" in description
    assert "preset self-harm" in description


async def test_a_blocked_word_split_across_chunks_never_reaches_any_edit(
    inkwell: Harness,
    backend: ScriptedBackend,
    mod: FakeUser,
    every_edit: None,
) -> None:
    await inkwell.run_slash(
        "filters add", user=mod, pattern="*fuck*", kind="wildcard", applies_to="outputs"
    )
    backend.script = ["The ", "troll ", "said ", "f", "u", "c", "k", "ing ", "words."]
    events = await inkwell.run_slash("story", prompt="a troll")
    shown = everything_shown(events)
    assert len(shown) >= 3, "every snapshot was recorded"
    assert not any("fuck" in text.lower() or "fuc" in text.lower() for text in shown)
    assert "withheld by the server's content filter (server rules)" in (events.last_content() or "")
    assert backend.closed_streams == 1


async def test_redaction_while_streaming_never_shows_the_word(
    inkwell: Harness, backend: ScriptedBackend, mod: FakeUser, every_edit: None
) -> None:
    await inkwell.run_slash("filters add", user=mod, pattern="grimoire", action="redact")
    backend.script = ["The ", "gri", "moi", "re ", "opened ", "and the ", "GRIM", "OIRE ", "sang."]
    events = await inkwell.run_slash("story", prompt="a book")
    assert not any("grim" in text.lower() for text in everything_shown(events))
    assert events.last_content() == "The ███ opened and the ███ sang."


async def test_test_is_a_dry_run(inkwell: Harness, services: Services, mod: FakeUser) -> None:
    await inkwell.run_slash("filters add", user=mod, pattern="grimoire", category="spoilers")
    events = await inkwell.run_slash("filters test", user=mod, text="the G.R.I.M.O.I.R.E opens")
    embed = events.first("response").embeds[0]
    fields = {field["name"]: field["value"] for field in embed["fields"]}
    assert "matched ||G.R.I.M.O.I.R.E||" in fields["Matching rules"]
    assert "**blocked** — the member reads “spoilers”" in fields["As a prompt"]
    assert await services.filters.audit_trail.count(inkwell.guild.id) == 0


@pytest.mark.parametrize(
    ("masks", "shown"),
    [
        pytest.param(True, "“Oh ███,” said the knight, “a ███ dragon.”", id="masks-on"),
        pytest.param(False, "“Oh sh*t,” said the knight, “a sh@t dragon.”", id="masks-off"),
    ],
)
async def test_a_rule_with_masks_redacts_them_in_a_story(
    inkwell: Harness, backend: ScriptedBackend, mod: FakeUser, masks: bool, shown: str
) -> None:
    await inkwell.run_slash("filters add", user=mod, pattern="shit", action="redact", masks=masks)
    backend.script = ["“Oh sh", "*t,” said ", "the knight, ", "“a sh@", "t dragon.”"]
    events = await inkwell.run_slash("story", prompt="a knight")
    assert events.last_content() == shown


async def test_a_rule_with_masks_blocks_a_story_and_never_shows_the_mask(
    inkwell: Harness, backend: ScriptedBackend, mod: FakeUser, every_edit: None
) -> None:
    await inkwell.run_slash("filters add", user=mod, pattern="fuck", masks=True)
    backend.script = ["The ", "troll ", "said ", "f", "*", "*", "k ", "twice."]
    events = await inkwell.run_slash("story", prompt="a troll")
    assert not any("f**k" in text or "f*" in text for text in everything_shown(events))
    assert "withheld by the server's content filter (server rules)" in (events.last_content() or "")


async def test_test_honours_masks_and_word_forms(inkwell: Harness, mod: FakeUser) -> None:
    await inkwell.run_slash("filters add", user=mod, pattern="dumb", forms=True)
    await inkwell.run_slash("filters add", user=mod, pattern="shit", masks=True)
    events = await inkwell.run_slash("filters test", user=mod, text="what a dumbass, oh sh#t")
    fields = {f["name"]: f["value"] for f in events.first("response").embeds[0]["fields"]}
    assert "matched ||dumbass||" in fields["Matching rules"]
    assert "matched ||sh#t||" in fields["Matching rules"]
    plain = await inkwell.run_slash("filters test", user=mod, text="dumb luck, d*mb luck")
    plain_fields = {f["name"]: f["value"] for f in plain.first("response").embeds[0]["fields"]}
    assert "matched ||dumb||" in plain_fields["Matching rules"]
    assert "d*mb" not in plain_fields["Matching rules"]


async def test_settings_and_the_model_stage(inkwell: Harness, mod: FakeUser) -> None:
    events = await inkwell.run_slash("filters classifier", user=mod, enabled=True, action="flag")
    assert "The model stage is on (flag)" in (events.last_content() or "")
    await inkwell.run_slash("filters log-channel", user=mod, options={"channel": inkwell.channel})
    shown = await inkwell.run_slash("filters settings", user=mod)
    fields = {f["name"]: f["value"] for f in shown.first("response").embeds[0]["fields"]}
    assert fields["Model stage"] == "on (flag)"
    assert fields["Log channel"] == f"<#{inkwell.channel.id}>"
    off = await inkwell.run_slash("filters log-channel", user=mod)
    assert "no longer posted" in (off.last_content() or "")


async def test_export_then_import_round_trips(
    inkwell: Harness, services: Services, mod: FakeUser, upload: Upload
) -> None:
    await inkwell.run_slash("filters add", user=mod, pattern="grimoire", category="spoilers")
    await inkwell.run_slash("filters allow", user=mod, word="Hell Creek")
    await inkwell.run_slash("filters preset enable", user=mod, name="slurs")
    exported = await inkwell.run_slash("filters export", user=mod)
    assert exported.ephemeral()
    [file] = exported.first("response").files
    assert file.filename == f"inkwell-filters-{inkwell.guild.id}.json"
    data = json.loads(file.data)
    assert data["rules"][0]["pattern"] == "grimoire"

    await inkwell.run_slash("filters remove", user=mod, rule="grimoire")
    data["rules"].append({"kind": "phrase", "pattern": "dark lord"})
    events = await upload(json.dumps(data).encode(), user=mod)
    assert events.kinds()[0] == "defer"
    followup = events.last("followup")
    assert followup.ephemeral
    # slurs, and the self-harm default the server started with
    assert "Imported 2 rule(s), 1 allowed word(s) and 2 preset(s)" in (followup.content or "")
    [previous] = followup.files
    assert json.loads(previous.data)["rules"] == []
    config = await services.filters.config(inkwell.guild.id)
    assert [rule.pattern for rule in config.rules] == ["grimoire", "dark lord"]


async def test_a_malformed_import_changes_nothing_and_says_why(
    inkwell: Harness, services: Services, mod: FakeUser, upload: Upload
) -> None:
    await inkwell.run_slash("filters add", user=mod, pattern="grimoire")
    before = await services.filters.transfer.export(inkwell.guild.id)
    bad = {
        "format": "inkwell-filters",
        "version": 1,
        "rules": [{"kind": "regex", "pattern": "(a"}, {"kind": "word", "pattern": "ok"}],
    }
    events = await upload(json.dumps(bad).encode(), user=mod)
    assert events.last("followup").ephemeral
    message = events.last_content() or ""
    assert "nothing was changed" in message
    assert "rules[1]: That regex doesn't compile" in message
    assert await services.filters.transfer.export(inkwell.guild.id) == before
