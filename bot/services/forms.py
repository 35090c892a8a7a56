"""The four creative forms and their options: one source of truth for cogs and the console.

Cogs annotate their parameters with these ``Literal`` types, so Discord shows the same
choices the console accepts and the services understand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, get_args

from inkwell.bot.text.platforms import Platform

FormName = Literal["story", "lyrics", "poem", "post"]
StoryLength = Literal["short", "medium", "long"]
PointOfView = Literal["first", "second", "third"]
Tense = Literal["past", "present", "future"]
Rating = Literal["g", "pg", "pg13", "mature"]
LyricsStructure = Literal["verse-chorus", "verse-chorus-bridge", "freeform"]
PoemForm = Literal["free", "haiku", "tanka", "limerick", "sonnet", "villanelle", "acrostic"]
Creativity = Literal["low", "medium", "high"]

# Free-text limits (characters). The subject of a request may be long; the rest are short.
SUBJECT_MAX = 1000
SHORT_TEXT_MAX = 100
MAX_POST_VARIANTS = 3
# An acrostic is one line per letter: past twenty, a poem becomes a list.
ACROSTIC_WORD_MAX = 20

# Options that steer how the model samples, not what it is told. The prompt never names
# them (nor the style preferences of the same names), so two pieces that differ only in
# them send the same bytes and share every cached token of the prompt.
SAMPLING_OPTIONS: frozenset[str] = frozenset({"creativity"})


@dataclass(frozen=True, slots=True)
class OptionSpec:
    """One option of a command, as both Discord and the console see it."""

    name: str
    description: str
    choices: tuple[str, ...] = ()
    max_length: int = SHORT_TEXT_MAX
    integer_range: tuple[int, int] | None = None
    required: bool = False


@dataclass(frozen=True, slots=True)
class FormSpec:
    name: FormName
    description: str
    subject: OptionSpec
    options: tuple[OptionSpec, ...] = field(default=())
    can_continue: bool = False

    def option(self, name: str) -> OptionSpec | None:
        for spec in (self.subject, *self.options):
            if spec.name == name:
                return spec
        return None


def _choices(literal: object) -> tuple[str, ...]:
    return tuple(str(value) for value in get_args(literal))


# Every form offers it, worded once for Discord and the console alike.
CREATIVITY_OPTION = OptionSpec(
    "creativity",
    "How adventurous the wording is (overrides your style for this piece)",
    choices=_choices(Creativity),
)


FORMS: dict[FormName, FormSpec] = {
    "story": FormSpec(
        name="story",
        description="Write a short story from your prompt.",
        subject=OptionSpec(
            "prompt", "What the story is about", max_length=SUBJECT_MAX, required=True
        ),
        options=(
            OptionSpec("genre", "Genre, e.g. fantasy, noir, cosy mystery"),
            OptionSpec("tone", "Tone, e.g. wry, hopeful, eerie"),
            OptionSpec("length", "How long", choices=_choices(StoryLength)),
            OptionSpec("pov", "Point of view", choices=_choices(PointOfView)),
            CREATIVITY_OPTION,
        ),
        can_continue=True,
    ),
    "lyrics": FormSpec(
        name="lyrics",
        description="Write song lyrics about a topic.",
        subject=OptionSpec(
            "topic", "What the song is about", max_length=SUBJECT_MAX, required=True
        ),
        options=(
            OptionSpec("genre", "Musical genre, e.g. folk, synth-pop"),
            OptionSpec("mood", "Mood, e.g. bittersweet, defiant"),
            OptionSpec("structure", "Song structure", choices=_choices(LyricsStructure)),
            CREATIVITY_OPTION,
        ),
        can_continue=True,
    ),
    "poem": FormSpec(
        name="poem",
        description="Write a poem about a topic.",
        subject=OptionSpec(
            "topic", "What the poem is about", max_length=SUBJECT_MAX, required=True
        ),
        options=(
            OptionSpec("form", "Poetic form", choices=_choices(PoemForm)),
            OptionSpec("tone", "Tone, e.g. tender, playful"),
            OptionSpec(
                "word",
                "For an acrostic: the word its lines spell (default: the topic's main word)",
                max_length=ACROSTIC_WORD_MAX,
            ),
            CREATIVITY_OPTION,
        ),
    ),
    "post": FormSpec(
        name="post",
        description="Write a social-media post that fits its platform.",
        subject=OptionSpec(
            "topic", "What the post is about", max_length=SUBJECT_MAX, required=True
        ),
        options=(
            OptionSpec("platform", "Where it will be posted", choices=_choices(Platform)),
            OptionSpec("tone", "Tone, e.g. upbeat, professional"),
            OptionSpec(
                "variants", "How many versions to write", integer_range=(1, MAX_POST_VARIANTS)
            ),
            CREATIVITY_OPTION,
        ),
    ),
}


@dataclass(frozen=True, slots=True)
class CreationRequest:
    """What a member asked for: a form, its subject and its options (already validated)."""

    form: FormName
    subject: str
    options: dict[str, str | int] = field(default_factory=dict)

    def text_option(self, name: str) -> str | None:
        value = self.options.get(name)
        return value if isinstance(value, str) else None

    @property
    def variants(self) -> int:
        value = self.options.get("variants", 1)
        return value if isinstance(value, int) else 1
