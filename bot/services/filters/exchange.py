"""A guild's whole filter configuration as a JSON file, and back.

``/filters export`` writes :class:`FilterFile`; ``/filters import`` reads one and
validates *everything* (shape, kinds, every pattern compiled, capacity, duplicates) before
anything is stored, so a bad file changes nothing and the moderator reads what is wrong.
Discord ids are written as strings, as Discord's own API does, so tools in languages with
53-bit numbers keep them intact; numbers are accepted too.
"""

from __future__ import annotations

import json
from typing import Annotated, Final, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationError,
    field_validator,
    model_validator,
)

from inkwell.bot.errors import InvalidInput
from inkwell.bot.records.filters import FilterConfig, PresetRecord, RuleRecord
from inkwell.bot.services.filters.presets import PresetName
from inkwell.bot.services.filters.rules import (
    MAX_ALLOWED,
    MAX_KEYWORDS,
    MAX_REGEXES,
    Action,
    AppliesTo,
    Kind,
    check_allowed,
    check_category,
    check_options,
    check_pattern,
    keyword_of,
)
from inkwell.bot.services.forms import Rating

FORMAT: Final = "inkwell-filters"
VERSION: Final = 1
# Largest file /filters import reads: far above 1000 rules, far below anything abusive.
MAX_FILE_BYTES: Final = 512 * 1024
# How many problems an import error lists before "…and N more".
_SHOWN_PROBLEMS: Final = 5


def _snowflake(value: object) -> object:
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return value


Snowflake = Annotated[
    int,
    BeforeValidator(_snowflake),
    Field(gt=0, lt=1 << 64),
    PlainSerializer(str, return_type=str),
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RuleEntry(_Strict):
    kind: Kind
    pattern: str
    action: Action = "block"
    applies_to: AppliesTo = "both"
    category: str | None = None
    # Files from before these options read as a rule without them.
    masks: bool = False
    forms: bool = False

    @model_validator(mode="after")
    def _pattern_works(self) -> RuleEntry:
        try:
            pattern = check_pattern(self.kind, self.pattern)
            category = check_category(self.category)
            check_options(self.kind, masks=self.masks, forms=self.forms)
        except InvalidInput as error:
            raise ValueError(str(error)) from error
        object.__setattr__(self, "pattern", pattern)
        object.__setattr__(self, "category", category)
        return self


class PresetEntry(_Strict):
    name: PresetName
    action: Action
    applies_to: AppliesTo = "both"


class Exemptions(_Strict):
    roles: list[Snowflake] = Field(default_factory=list, max_length=250)
    channels: list[Snowflake] = Field(default_factory=list, max_length=500)


class ChannelRating(_Strict):
    channel_id: Snowflake
    max_rating: Rating


class Classifier(_Strict):
    enabled: bool = False
    action: Literal["block", "flag"] = "block"


class FilterFile(_Strict):
    """The file ``/filters export`` writes and ``/filters import`` reads."""

    format: Literal["inkwell-filters"] = FORMAT
    version: Literal[1] = VERSION
    rules: list[RuleEntry] = Field(default_factory=list)
    allowed: list[str] = Field(default_factory=list, max_length=MAX_ALLOWED)
    presets: list[PresetEntry] = Field(default_factory=list)
    exemptions: Exemptions = Field(default_factory=Exemptions)
    channel_ratings: list[ChannelRating] = Field(default_factory=list, max_length=500)
    log_channel_id: Snowflake | None = None
    classifier: Classifier = Field(default_factory=Classifier)

    @field_validator("allowed")
    @classmethod
    def _allowed_work(cls, terms: list[str]) -> list[str]:
        cleaned: list[str] = []
        for number, term in enumerate(terms, start=1):
            try:
                cleaned.append(check_allowed(term))
            except InvalidInput as error:
                raise ValueError(f"entry {number} (“{term[:40]}”): {error}") from error
        return cleaned

    @model_validator(mode="after")
    def _fits_and_has_no_duplicates(self) -> FilterFile:
        regexes = sum(1 for rule in self.rules if rule.kind == "regex")
        keywords = len(self.rules) - regexes
        if keywords > MAX_KEYWORDS:
            raise ValueError(f"{keywords} keyword rules; a server may have {MAX_KEYWORDS}")
        if regexes > MAX_REGEXES:
            raise ValueError(f"{regexes} regex rules; a server may have {MAX_REGEXES}")
        seen: dict[tuple[str, str], int] = {}
        for number, rule in enumerate(self.rules, start=1):
            key = (rule.kind, rule.pattern if rule.kind == "regex" else _canonical(rule))
            if key in seen:
                raise ValueError(f"rules {seen[key]} and {number} are the same {rule.kind} rule")
            seen[key] = number
        names = [preset.name for preset in self.presets]
        if len(names) != len(set(names)):
            raise ValueError("a preset is listed twice")
        channels = [rating.channel_id for rating in self.channel_ratings]
        if len(channels) != len(set(channels)):
            raise ValueError("a channel has two ratings")
        return self


def _canonical(rule: RuleEntry) -> str:
    keyword = keyword_of(rule.kind, rule.pattern)
    return f"{keyword.open_start}{keyword.core}{keyword.open_end}"


def to_file(config: FilterConfig) -> FilterFile:
    return FilterFile.model_validate(
        {
            "rules": [
                {
                    "kind": rule.kind,
                    "pattern": rule.pattern,
                    "action": rule.action,
                    "applies_to": rule.applies_to,
                    "category": rule.category,
                    "masks": rule.masks,
                    "forms": rule.forms,
                }
                for rule in config.rules
            ],
            "allowed": list(config.allowed),
            "presets": [
                {"name": p.name, "action": p.action, "applies_to": p.applies_to}
                for p in config.presets
            ],
            "exemptions": {
                "roles": sorted(config.exempt_roles),
                "channels": sorted(config.exempt_channels),
            },
            "channel_ratings": [
                {"channel_id": channel, "max_rating": rating}
                for channel, rating in sorted(config.channel_ratings.items())
            ],
            "log_channel_id": config.log_channel_id,
            "classifier": {
                "enabled": config.classifier_enabled,
                "action": config.classifier_action,
            },
        }
    )


def to_config(guild_id: int, file: FilterFile) -> FilterConfig:
    return FilterConfig(
        guild_id=guild_id,
        rules=tuple(
            RuleRecord(
                0,
                r.kind,
                r.pattern,
                r.action,
                r.applies_to,
                r.category or "",
                masks=r.masks,
                forms=r.forms,
            )
            for r in file.rules
        ),
        allowed=tuple(dict.fromkeys(file.allowed)),
        presets=tuple(PresetRecord(p.name, p.action, p.applies_to) for p in file.presets),
        exempt_roles=frozenset(file.exemptions.roles),
        exempt_channels=frozenset(file.exemptions.channels),
        channel_ratings={rating.channel_id: rating.max_rating for rating in file.channel_ratings},
        log_channel_id=file.log_channel_id,
        classifier_enabled=file.classifier.enabled,
        classifier_action=file.classifier.action,
    )


def dump(config: FilterConfig) -> bytes:
    text = to_file(config).model_dump_json(indent=2)
    return (text + "\n").encode("utf-8")


def _where(location: tuple[int | str, ...]) -> str:
    parts: list[str] = []
    for part in location:
        if isinstance(part, int):
            parts.append(f"[{part + 1}]")
        else:
            parts.append(f".{part}" if parts else str(part))
    return "".join(parts) or "the file"


def describe(error: ValidationError) -> str:
    problems = []
    for item in error.errors(include_url=False):
        message = str(item["msg"]).removeprefix("Value error, ")
        problems.append(f"• {_where(tuple(item['loc']))}: {message}")
    shown = problems[:_SHOWN_PROBLEMS]
    if len(problems) > len(shown):
        shown.append(f"…and {len(problems) - len(shown)} more")
    return "\n".join(shown)


def load(data: bytes) -> FilterFile:
    """Parse and validate an uploaded file; :class:`InvalidInput` says what is wrong."""
    if len(data) > MAX_FILE_BYTES:
        raise InvalidInput(
            f"That file is {len(data):,} bytes; an Inkwell filter file is at most "
            f"{MAX_FILE_BYTES:,}. Nothing was changed."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidInput("That file isn't UTF-8 text. Nothing was changed.") from error
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidInput(
            f"That file isn't valid JSON (line {error.lineno}, column {error.colno}: "
            f"{error.msg}). Nothing was changed."
        ) from error
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise InvalidInput(
            'That isn\'t an Inkwell filter file (it needs "format": "inkwell-filters"; '
            "make one with /filters export). Nothing was changed."
        )
    try:
        return FilterFile.model_validate(raw)
    except ValidationError as error:
        raise InvalidInput(
            f"That file has problems, so nothing was changed:\n{describe(error)}"
        ) from error
