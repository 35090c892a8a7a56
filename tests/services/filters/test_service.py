"""The filter service: the checks members meet, and what moderators configure."""

from __future__ import annotations

from dataclasses import replace

import pytest

from inkwell.bot.errors import Blocked, InvalidInput, NotFound
from inkwell.bot.records.filters import FilterConfig
from inkwell.bot.services.filters.rules import MAX_KEYWORDS, MAX_REGEXES, Action, AppliesTo, Kind
from inkwell.bot.services.filters.service import FilterService
from inkwell.bot.services.forms import Rating
from inkwell.bot.services.origin import Origin
from inkwell.bot.storage.database import Database
from inkwell.bot.storage.forget import forget_member
from tests.services.filters.conftest import GUILD, LOG_CHANNEL, MEMBER, MOD, RecordingLog


async def add(
    filters: FilterService,
    pattern: str,
    *,
    kind: Kind = "word",
    action: Action = "block",
    applies_to: AppliesTo = "both",
    category: str | None = None,
    masks: bool = False,
    forms: bool = False,
) -> int:
    record = await filters.rules.add_rule(
        GUILD,
        MOD,
        pattern=pattern,
        kind=kind,
        action=action,
        applies_to=applies_to,
        category=category,
        masks=masks,
        forms=forms,
    )
    return record.id


# -- what members meet ------------------------------------------------------------------


async def test_dms_and_unconfigured_guilds_pass_untouched(filters: FilterService) -> None:
    await add(filters, "forbidden")
    in_dm = Origin(user_id=11)
    elsewhere = replace(MEMBER, guild_id=GUILD + 1)
    for origin in (in_dm, elsewhere):
        verdict = await filters.check_prompt("forbidden words", origin)
        assert (verdict.text, verdict.blocked) == ("forbidden words", False)
    assert await filters.audit_trail.count(GUILD + 1) == 0


async def test_a_blocked_prompt_names_the_category_never_the_pattern(
    filters: FilterService,
) -> None:
    await add(filters, "grimoire", category="spoilers")
    verdict = await filters.check_prompt("tell me about the G R I M O I R E", MEMBER)
    assert verdict.blocked
    with pytest.raises(Blocked) as raised:
        verdict.raise_if_blocked()
    assert "(spoilers)" in str(raised.value)
    assert "grimoire" not in str(raised.value).lower()


async def test_redact_masks_the_match_in_a_prompt(filters: FilterService) -> None:
    await add(filters, "heck", action="redact")
    verdict = await filters.check_prompt("what the h.e.c.k is this", MEMBER)
    assert (verdict.text, verdict.blocked) == ("what the ███ is this", False)


async def test_blocks_and_flags_are_audited_and_posted_with_the_match_masked(
    filters: FilterService, log_channel: RecordingLog
) -> None:
    await filters.settings.set_log_channel(GUILD, LOG_CHANNEL)
    await add(filters, "sneaky", action="flag", category="watch list")
    await add(filters, "forbidden")
    assert not (await filters.check_prompt("a sneaky plan", MEMBER)).blocked
    assert (await filters.check_output("forbidden lore", MEMBER, final=True)).blocked
    await filters.flush()

    entries = await filters.audit_trail.entries(GUILD, limit=10)
    events = [entry.event for entry in entries]
    assert [(e.action, e.stage, e.category) for e in events] == [
        ("block", "output", "server rules"),
        ("flag", "prompt", "watch list"),
    ]
    assert [e.excerpt for e in events] == ["███ lore", "a ███ plan"]
    assert all(e.user_id == MEMBER.user_id and e.channel_id == MEMBER.channel_id for e in events)
    # The log channel is told of each entry as the audit trail keeps it (oldest first).
    assert log_channel.posts == [(LOG_CHANNEL, entry) for entry in reversed(entries)]


async def test_without_a_log_channel_events_are_only_audited(
    filters: FilterService, log_channel: RecordingLog
) -> None:
    await add(filters, "forbidden")
    await filters.check_prompt("forbidden", MEMBER)
    await filters.flush()
    assert log_channel.posts == []
    assert await filters.audit_trail.count(GUILD) == 1


@pytest.mark.parametrize(
    "origin",
    [
        pytest.param(replace(MEMBER, role_ids=frozenset({70})), id="exempt-role"),
        pytest.param(replace(MEMBER, channel_id=601), id="exempt-channel"),
    ],
)
async def test_exemptions_skip_the_prompt_stage_only(
    filters: FilterService, origin: Origin
) -> None:
    await add(filters, "forbidden")
    await filters.settings.exempt(GUILD, "role", 70)
    await filters.settings.exempt(GUILD, "channel", 601)
    assert not (await filters.check_prompt("forbidden", origin)).blocked
    assert (await filters.check_output("forbidden", origin, final=True)).blocked
    assert (await filters.check_prompt("forbidden", replace(MEMBER, role_ids=frozenset()))).blocked


async def test_a_change_applies_at_once_and_the_compiled_rules_are_cached(
    filters: FilterService, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads = 0
    config = filters.repository.config

    async def counting(guild_id: int) -> FilterConfig:
        nonlocal reads
        reads += 1
        return await config(guild_id)

    monkeypatch.setattr(filters.repository, "config", counting)
    assert not (await filters.check_prompt("forbidden", MEMBER)).blocked
    rule_id = await add(filters, "forbidden")
    assert (await filters.check_prompt("forbidden", MEMBER)).blocked
    for _ in range(5):
        await filters.check_prompt("forbidden", MEMBER)
    # Once before the rule (and once more after the defaults went in, on first use), once after.
    assert reads == 3
    await filters.rules.remove_rule(GUILD, str(rule_id))
    assert not (await filters.check_prompt("forbidden", MEMBER)).blocked


# -- streaming --------------------------------------------------------------------------

SPLIT_OUTPUTS = [
    pytest.param(["The elf said sh", "it and left."], id="word-split"),
    pytest.param(["The elf said s", "h", "i", "t", " and left."], id="letter-by-letter"),
    pytest.param(["The elf said s.h", ".i.t and left."], id="dotted"),
    pytest.param(["The elf said ||sh", "it|| and left."], id="spoiler"),
    pytest.param(["The elf said s h i", " t and left."], id="spaced"),
    pytest.param(["The elf said ", "ＳＨＩＴ", " and left."], id="fullwidth"),
]


def snapshots(chunks: list[str]) -> list[str]:
    return ["".join(chunks[: i + 1]) for i in range(len(chunks))]


@pytest.mark.parametrize("chunks", SPLIT_OUTPUTS)
async def test_a_blocked_word_split_across_chunks_is_never_shown(
    filters: FilterService, chunks: list[str]
) -> None:
    await add(filters, "shit", applies_to="outputs")
    for text in snapshots(chunks):
        verdict = await filters.check_output(text, MEMBER, final=False)
        if verdict.blocked:
            break
        scan = (await filters.filters(GUILD)).matcher.scan(verdict.text)
        assert scan.matches == (), f"{verdict.text!r} shows a blocked word"
    else:
        verdict = await filters.check_output("".join(chunks), MEMBER, final=True)
    assert verdict.blocked


@pytest.mark.parametrize("chunks", SPLIT_OUTPUTS)
async def test_redaction_while_streaming_never_shows_the_word_either(
    filters: FilterService, chunks: list[str]
) -> None:
    await add(filters, "shit", action="redact", applies_to="outputs")
    for text in snapshots(chunks):
        verdict = await filters.check_output(text, MEMBER, final=False)
        assert not (await filters.filters(GUILD)).matcher.scan(verdict.text).matches
    final = await filters.check_output("".join(chunks), MEMBER, final=True)
    assert final.text.startswith("The elf said ")
    assert "███" in final.text
    assert final.text.endswith(" and left.")


async def test_spaced_letters_that_may_still_grow_are_held_back_not_blocked(
    filters: FilterService,
) -> None:
    await add(filters, "bad", applies_to="outputs")
    for text in snapshots(["the badge read ", "B A D ", "G E"]):
        verdict = await filters.check_output(text, MEMBER, final=False)
        assert (verdict.blocked, verdict.text) == (False, "the badge read ")
    done = await filters.check_output("the badge read B A D G E", MEMBER, final=True)
    assert (done.blocked, done.text) == (False, "the badge read B A D G E")
    assert (await filters.check_output("it read B A D", MEMBER, final=True)).blocked


async def test_a_streamed_text_may_still_become_an_allowed_phrase(filters: FilterService) -> None:
    await add(filters, "hell")
    await filters.rules.allow(GUILD, MOD, "Hell Creek")
    shown = await filters.check_output("We camped at Hell ", MEMBER, final=False)
    assert (shown.blocked, shown.text) == (False, "We camped at ")
    done = await filters.check_output("We camped at Hell Creek.", MEMBER, final=True)
    assert (done.blocked, done.text) == (False, "We camped at Hell Creek.")
    assert (await filters.check_output("Go to hell.", MEMBER, final=True)).blocked


async def test_flags_are_recorded_once_when_the_text_is_final(filters: FilterService) -> None:
    await add(filters, "dragon", action="flag")
    for text in snapshots(["A dragon ", "appears, ", "the dragon ", "sleeps."]):
        await filters.check_output(text, MEMBER, final=False)
    await filters.check_output("A dragon appears, the dragon sleeps.", MEMBER, final=True)
    assert await filters.audit_trail.count(GUILD) == 1


# -- ratings ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("age_restricted", "channel_rating", "cap"),
    [
        pytest.param(False, None, "pg13", id="ordinary-channel"),
        pytest.param(True, None, None, id="age-restricted-channel"),
        pytest.param(False, "g", "g", id="rated-g"),
        pytest.param(True, "mature", "mature", id="mature-where-allowed"),
        pytest.param(True, "pg", "pg", id="age-restricted-but-rated-pg"),
    ],
)
async def test_the_rating_cap_of_a_channel(
    filters: FilterService, age_restricted: bool, channel_rating: Rating | None, cap: str | None
) -> None:
    origin = replace(MEMBER, age_restricted_channel=age_restricted)
    if channel_rating:
        await filters.settings.set_channel_rating(
            GUILD, MEMBER.channel_id or 0, channel_rating, age_restricted=age_restricted
        )
    assert await filters.max_rating(origin) == cap
    assert await filters.max_rating(Origin(user_id=1)) is None


async def test_mature_needs_an_age_restricted_channel(filters: FilterService) -> None:
    with pytest.raises(InvalidInput, match="age-restricted"):
        await filters.settings.set_channel_rating(GUILD, 600, "mature", age_restricted=False)


# -- what moderators configure ----------------------------------------------------------


async def test_the_same_rule_twice_is_refused_however_it_is_spelled(
    filters: FilterService,
) -> None:
    rule_id = await add(filters, "Grimoire")
    with pytest.raises(InvalidInput, match=f"#{rule_id}"):
        await add(filters, "g.r.i.m.o.i.r.e")
    await add(filters, "grimoire", kind="wildcard")  # another kind is another rule


async def test_rules_are_removed_by_number_or_pattern(filters: FilterService) -> None:
    first = await add(filters, "alpha")
    await add(filters, "beta")
    assert (await filters.rules.remove_rule(GUILD, f"#{first}")).pattern == "alpha"
    assert (await filters.rules.remove_rule(GUILD, "BETA")).pattern == "beta"
    with pytest.raises(NotFound):
        await filters.rules.remove_rule(GUILD, "#999")
    with pytest.raises(NotFound):
        await filters.rules.remove_rule(GUILD, "gamma")


async def test_masks_and_word_forms_are_choices_of_a_word_rule(filters: FilterService) -> None:
    await add(filters, "shit", masks=True)
    await add(filters, "dumb", forms=True)
    assert (await filters.check_prompt("oh sh*t", MEMBER)).blocked
    assert (await filters.check_prompt("oh sh@t", MEMBER)).blocked
    assert (await filters.check_prompt("what a dumbass", MEMBER)).blocked
    assert not (await filters.check_prompt("oh d*mb", MEMBER)).blocked  # forms only
    assert not (await filters.check_prompt("shitty", MEMBER)).blocked  # masks only
    rules = (await filters.config(GUILD)).rules
    assert [(r.pattern, r.masks, r.forms) for r in rules] == [
        ("shit", True, False),
        ("dumb", False, True),
    ]


@pytest.mark.parametrize(
    ("kind", "pattern", "options", "message"),
    [
        pytest.param(
            "regex", r"\bsh.t\b", {"masks": True}, "Only a word rule can catch masks", id="regex"
        ),
        pytest.param(
            "phrase",
            "bad day",
            {"forms": True},
            "Only a word rule can catch word forms; this is a phrase rule.",
            id="phrase",
        ),
        pytest.param(
            "wildcard",
            "bad*",
            {"masks": True, "forms": True},
            "Only a word rule can catch masks and word forms; this is a wildcard rule.",
            id="wildcard",
        ),
    ],
)
async def test_masks_and_forms_on_another_kind_are_refused_with_a_sentence(
    filters: FilterService, kind: Kind, pattern: str, options: dict[str, bool], message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        await add(filters, pattern, kind=kind, **options)
    assert (await filters.config(GUILD)).rules == ()


async def test_capacity_is_1000_keywords_and_10_regexes(filters: FilterService) -> None:
    rules = [{"kind": "word", "pattern": f"kw{n:04d}"} for n in range(MAX_KEYWORDS)]
    rules += [{"kind": "regex", "pattern": f"re{n}\\d"} for n in range(MAX_REGEXES)]
    await filters.transfer.import_file(GUILD, MOD, _file(rules=rules))
    with pytest.raises(InvalidInput, match="1000 keyword rules, the most it can have"):
        await add(filters, "onemore")
    with pytest.raises(InvalidInput, match="10 regex rules, the most it can have"):
        await add(filters, r"one\d+more", kind="regex")
    assert not (await filters.check_prompt("kw1000 and re9 x", MEMBER)).blocked
    assert (await filters.check_prompt("say KW0999", MEMBER)).blocked
    assert (await filters.check_prompt("say RE97", MEMBER)).blocked


async def test_the_allow_list(filters: FilterService) -> None:
    await add(filters, "*cunt*", kind="wildcard")
    assert (await filters.check_prompt("I live in Scunthorpe", MEMBER)).blocked
    assert await filters.rules.allow(GUILD, MOD, "  Scunthorpe ") == "Scunthorpe"
    assert not (await filters.check_prompt("I live in SCUNTHORPE", MEMBER)).blocked
    with pytest.raises(InvalidInput, match="already"):
        await filters.rules.allow(GUILD, MOD, "scunthorpe")
    assert await filters.rules.disallow(GUILD, "scunthorpe") == "Scunthorpe"
    with pytest.raises(NotFound):
        await filters.rules.disallow(GUILD, "scunthorpe")


async def test_presets_switch_on_with_their_default_action(filters: FilterService) -> None:
    record = await filters.settings.enable_preset(GUILD, "profanity")
    assert record.action == "redact"
    assert (await filters.check_prompt("what the f u c k", MEMBER)).text == "what the ███"
    await filters.settings.enable_preset(GUILD, "profanity", action="block", applies_to="outputs")
    assert not (await filters.check_prompt("what the fuck", MEMBER)).blocked
    assert (await filters.check_output("what the fuck", MEMBER, final=True)).blocked
    assert await filters.settings.disable_preset(GUILD, "profanity")
    assert not (await filters.check_output("what the fuck", MEMBER, final=True)).blocked


async def test_a_dry_run_shows_matches_and_outcomes_and_records_nothing(
    filters: FilterService,
) -> None:
    await add(filters, "grimoire", category="spoilers", applies_to="prompts")
    await add(filters, "heck", action="redact")
    result = await filters.dry_run(GUILD, "the GRIMOIRE, heck")
    assert [(m.rule.pattern, m.matched) for m in result.matches] == [
        ("grimoire", "GRIMOIRE"),
        ("heck", "heck"),
    ]
    assert (result.prompt.blocked, result.prompt.category) == (True, "spoilers")
    assert (result.output.blocked, result.output.text) == (False, "the GRIMOIRE, ███")
    assert await filters.audit_trail.count(GUILD) == 0


async def test_forgetting_a_member_removes_their_audit_rows(
    filters: FilterService, database: Database
) -> None:
    await add(filters, "forbidden")
    await filters.check_prompt("forbidden", MEMBER)
    await filters.check_prompt("forbidden", replace(MEMBER, user_id=12))
    await forget_member(database, MEMBER.user_id)
    assert [e.event.user_id for e in await filters.audit_trail.entries(GUILD, limit=10)] == [12]
    assert (await filters.config(GUILD)).rules[0].created_by == MOD


# -- export and import --------------------------------------------------------------------


def _file(**parts: object) -> bytes:
    import json

    return json.dumps({"format": "inkwell-filters", "version": 1, **parts}).encode()


async def test_export_then_import_restores_everything(filters: FilterService) -> None:
    await add(filters, "grimoire", category="spoilers", applies_to="prompts")
    await add(filters, r"\bcode\d{3}\b", kind="regex", action="flag")
    await filters.rules.allow(GUILD, MOD, "Hell Creek")
    await filters.settings.enable_preset(GUILD, "slurs")
    await filters.settings.exempt(GUILD, "role", 70)
    await filters.settings.exempt(GUILD, "channel", 601)
    await filters.settings.set_channel_rating(GUILD, 600, "pg", age_restricted=False)
    await filters.settings.set_log_channel(GUILD, LOG_CHANNEL)
    await filters.settings.set_classifier(GUILD, True, "flag")
    before = await filters.config(GUILD)
    exported = await filters.transfer.export(GUILD)

    other = GUILD + 1
    summary = await filters.transfer.import_file(other, MOD, exported)
    after = await filters.config(other)

    # Two presets: slurs as enabled, and the self-harm default every new server starts with.
    assert (summary.rules, summary.allowed, summary.presets) == (2, 1, 2)
    assert [(r.kind, r.pattern, r.action, r.applies_to, r.category) for r in after.rules] == [
        (r.kind, r.pattern, r.action, r.applies_to, r.category) for r in before.rules
    ]
    assert replace(after, guild_id=GUILD, rules=before.rules) == before
    assert await filters.transfer.export(other) == exported
    assert b'"log_channel_id": "900"' in exported  # ids as strings, like Discord's API


async def test_masks_and_forms_travel_in_the_file(filters: FilterService) -> None:
    await add(filters, "shit", masks=True, forms=True)
    await add(filters, "heck")
    exported = await filters.transfer.export(GUILD)
    await filters.transfer.import_file(GUILD + 1, MOD, exported)
    rules = (await filters.config(GUILD + 1)).rules
    assert [(r.pattern, r.masks, r.forms) for r in rules] == [
        ("shit", True, True),
        ("heck", False, False),
    ]


async def test_a_file_from_before_masks_and_forms_imports_without_them(
    filters: FilterService,
) -> None:
    await filters.transfer.import_file(
        GUILD, MOD, _file(rules=[{"kind": "word", "pattern": "shit"}])
    )
    (rule,) = (await filters.config(GUILD)).rules
    assert (rule.masks, rule.forms) == (False, False)
    assert (await filters.check_prompt("oh shit", MEMBER)).blocked
    assert not (await filters.check_prompt("oh sh*t", MEMBER)).blocked


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(b"\xff\xfe", "isn't UTF-8", id="binary"),
        pytest.param(b"{not json", "isn't valid JSON (line 1", id="not-json"),
        pytest.param(b"[]", "isn't an Inkwell filter file", id="not-an-object"),
        pytest.param(b'{"format": "other"}', "isn't an Inkwell filter file", id="wrong-format"),
        pytest.param(_file(version=2), "version", id="future-version"),
        pytest.param(
            _file(rules=[{"kind": "regex", "pattern": "(a"}]), "rules[1]: ", id="bad-regex"
        ),
        pytest.param(
            _file(rules=[{"kind": "glob", "pattern": "x"}]), "rules[1].kind", id="bad-kind"
        ),
        pytest.param(
            _file(rules=[{"kind": "regex", "pattern": "b.d", "masks": True}]),
            "rules[1]: Only a word rule can catch masks",
            id="masks-on-a-regex",
        ),
        pytest.param(
            _file(rules=[{"kind": "word", "pattern": "bad", "forms": "maybe"}]),
            "rules[1].forms",
            id="forms-not-a-boolean",
        ),
        pytest.param(
            _file(rules=[{"kind": "word", "pattern": "same"}, {"kind": "word", "pattern": "SAME"}]),
            "rules 1 and 2 are the same",
            id="duplicate-rule",
        ),
        pytest.param(
            _file(rules=[{"kind": "regex", "pattern": f"r{n}x"} for n in range(11)]),
            "11 regex rules",
            id="too-many-regexes",
        ),
        pytest.param(
            _file(presets=[{"name": "spam", "action": "block"}]),
            "presets[1].name",
            id="unknown-preset",
        ),
        pytest.param(_file(log_channel_id="general"), "log_channel_id", id="bad-id"),
        pytest.param(_file(surprise=True), "surprise", id="unknown-field"),
        pytest.param(_file(allowed=["!"]), "allowed", id="bad-allowed-term"),
        pytest.param(b" " * (600 * 1024), "at most 524,288", id="too-big"),
    ],
)
async def test_a_bad_import_changes_nothing_and_says_what_is_wrong(
    filters: FilterService, data: bytes, message: str
) -> None:
    await add(filters, "grimoire")
    await filters.settings.enable_preset(GUILD, "slurs")
    before = await filters.transfer.export(GUILD)
    with pytest.raises(InvalidInput) as raised:
        await filters.transfer.import_file(GUILD, MOD, data)
    assert message in str(raised.value)
    assert "Nothing was changed" in str(raised.value) or "nothing was changed" in str(raised.value)
    assert await filters.transfer.export(GUILD) == before
