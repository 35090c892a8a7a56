"""A story's point of view and tense, read from word counts: light, quick, and honest.

No parser and no model: the narration (:mod:`.narration`, dialogue set aside) is counted
for markers, and each count is weighed as evidence.

Point of view
    first: I, me, my, mine, myself, we, us, our, ours, ourselves (and I'm, we'll, …);
    second: you, your, yours, yourself, yourselves (you're, you'll, …);
    third: he, him, his, she, her, they, them, their, … (he's, they'd, …), and at half
    weight it and its, and the names in the narration (a capitalised word seen
    mid-sentence, then every time it appears), because those are as common beside "I"
    as beside "she".
    A first-person narrator still tells of other people, so "he" and "she" fill first-person
    stories too, while "I" outside dialogue is rare in a third-person one. First-person
    markers therefore weigh three times, second-person ones twice, third-person ones once.

Tense
    past: was, were, had, did (and their negatives), regular -ed forms, and common
    irregular pasts (said, went, saw, …);
    present: is, are, am, has, does (and their negatives, I'm, she's, …), a verb in -s after
    he, she, it or a name ("she walks"), and a plain verb after I, you, we or they ("I walk");
    future: will, shall, won't, the 'll contractions, and "going to" before a verb.
    An -ed word after a form of be or have, a modal or a determiner is a participle or an
    adjective ("has opened", "the cracked window"), not a past; "will" after a determiner
    ("her will") is a noun.

Each reading is the value with the most (weighted) evidence, and its confidence is that
value's share of all the evidence. It is "not sure" rather than a guess when the evidence
is thin (fewer than :data:`MIN_MARKERS` markers: "too short"; "all dialogue" when the
narrator never speaks; "too few pronouns" or "too few verb forms" when the narration is
long but says little) or mixed (no value with :data:`MIN_SHARE` of it: "past and present
mixed"). Thin evidence is no evidence either way, so a story that can't be read is ranked
as half right (:func:`match_voice`), between one that reads as asked and one that does not.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final, Generic, TypeVar, get_args

from inkwell.bot.records.styles import StyleRecord
from inkwell.bot.services.craft.narration import narration
from inkwell.bot.services.craft.report import CHECK, SEPARATOR
from inkwell.bot.services.craft.words import tokens
from inkwell.bot.services.forms import PointOfView, Tense

V = TypeVar("V", bound=str)

MIN_MARKERS: Final = 3
MIN_SHARE: Final = 0.6
# What thin evidence costs a candidate, per thing asked: as likely right as wrong.
UNSURE_DISTANCE: Final = 0.5
TOO_SHORT: Final = "too short"
ALL_DIALOGUE: Final = "all dialogue"
FEW_PRONOUNS: Final = "too few pronouns"
FEW_VERBS: Final = "too few verb forms"
# Narration at least this long is not "too short": thin evidence then means few markers.
SHORT_NARRATION_WORDS: Final = 60

POINTS_OF_VIEW: Final[tuple[PointOfView, ...]] = get_args(PointOfView)
TENSES: Final[tuple[Tense, ...]] = get_args(Tense)


def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


_FIRST: Final = _words(
    "i me my mine myself we us our ours ourselves i'm i've i'd i'll we're we've we'd we'll"
)
_SECOND: Final = _words("you your yours yourself yourselves you're you've you'd you'll")
_THIRD: Final = _words(
    "he him his himself she her hers herself they them their theirs themselves "
    "he's he'd he'll she's she'd she'll they're they've they'd they'll"
)
_THING: Final = _words("it its itself it's it'd it'll")
_WEIGHTS: Final[dict[PointOfView, float]] = {"first": 3.0, "second": 2.0, "third": 1.0}
_HALF: Final = 0.5

_PAST: Final = _words(
    "was were had did wasn't weren't hadn't didn't said went came saw took made knew thought "
    "told felt found gave stood sat ran began held kept heard brought got became wrote spoke "
    "fell rose drew grew threw broke chose drove ate met paid sang sank shook slept stole "
    "struck swam taught tore understood woke wore won caught bought fought sought built sent "
    "spent meant lost led fled hung dug forgot hid bit rode blew flew knelt crept wept swept "
    "froze spun swung"
)
_PRESENT: Final = _words(
    "is are am has does isn't aren't hasn't doesn't don't i'm you're we're they're he's "
    "she's it's that's there's here's what's"
)
_FUTURE: Final = _words("will shall won't shan't i'll you'll he'll she'll we'll they'll it'll")
# Words after which an -ed form is a participle or an adjective, not a past tense.
_BEFORE_PARTICIPLE: Final = _words(
    "is are am be been being was were has have had having get gets got i'm you're we're "
    "they're he's she's it's i've you've we've they've isn't aren't wasn't weren't hasn't "
    "haven't hadn't will would could should might must may can shall won't wouldn't "
    "couldn't shouldn't the a an my your his her its our their this that these those very "
    "so too more most less some no each every"
)
_NOT_PAST_ED: Final = _words(
    "bed seabed riverbed flowerbed deathbed sickbed red wed shed sled shred naked wicked "
    "sacred hundred kindred rugged ragged jagged crooked wretched beloved need feed seed "
    "speed indeed bleed breed greed steed weed reed deed creed tweed heed proceed succeed "
    "exceed"
)
_DETERMINERS: Final = _words(
    "the a an my your his her its our their this that these those some any no every each"
)
# Between a subject and its verb: "she always walks", "they never left".
_ADVERBS: Final = _words(
    "always never often still just only also then now already sometimes soon even almost rarely not"
)
_NOT_VERBS: Final = (
    _BEFORE_PARTICIPLE
    | _ADVERBS
    | _words(
        "and or but if as at by for from in into of on to with all both who which that "
        "there here do did does will would could should might must may can shall"
    )
)
_THIRD_SUBJECTS: Final = _words("he she it")
_PLAIN_SUBJECTS: Final = _words("i you we they")


@dataclass(frozen=True, slots=True)
class Finding(Generic[V]):
    """What the counts say about one thing: a point of view, or a tense.

    ``value`` is ``None`` when not sure, and ``reason`` then says why. ``evidence`` holds
    each value's weighted count, in the order of the choices; ``markers`` how many
    words counted at all.
    """

    value: V | None
    confidence: float
    evidence: tuple[tuple[V, float], ...]
    markers: int
    reason: str | None = None

    def share(self, value: V) -> float:
        """``value``'s part of the evidence, 0–1 (0 when there is none)."""
        total = sum(weight for _, weight in self.evidence)
        found = next((weight for name, weight in self.evidence if name == value), 0.0)
        return found / total if total else 0.0

    @property
    def thin(self) -> bool:
        return self.markers < MIN_MARKERS


@dataclass(frozen=True, slots=True)
class VoiceReading:
    """A story's point of view and tense, and how much narration they were read from."""

    pov: Finding[PointOfView]
    tense: Finding[Tense]
    narration_words: int
    dialogue_words: int


def _decide(counts: dict[V, float], markers: int, thin_reason: str, noun: str = "") -> Finding[V]:
    evidence = tuple(counts.items())
    if markers < MIN_MARKERS:
        return Finding(None, 0.0, evidence, markers, thin_reason)
    total = sum(counts.values())
    ordered = sorted(counts, key=lambda name: -counts[name])
    top, runner_up = ordered[0], ordered[1]
    confidence = round(counts[top] / total, 3)
    if confidence < MIN_SHARE:
        mixed = f"{top} and {runner_up}{noun} mixed"
        return Finding(None, confidence, evidence, markers, mixed)
    return Finding(top, confidence, evidence, markers)


def _names(sentences: Sequence[Sequence[str]]) -> frozenset[str]:
    """Capitalised words seen after a sentence's first word, "I" and its kin aside."""
    return frozenset(
        word
        for sentence in sentences
        for word in sentence[1:]
        if word[:1].isupper() and word.lower() not in _FIRST
    )


def _person_of(word: str, written: str, names: frozenset[str]) -> tuple[PointOfView, float]:
    """The person ``word`` marks and its weight; a weight of 0 marks none."""
    if word in _FIRST:
        return "first", _WEIGHTS["first"]
    if word in _SECOND:
        return "second", _WEIGHTS["second"]
    if word in _THIRD:
        return "third", _WEIGHTS["third"]
    return "third", _HALF if word in _THING or written in names else 0.0


def _present_after(
    written: Sequence[str], lowered: Sequence[str], index: int, names: frozenset[str]
) -> bool:
    """Whether the word at ``index`` is a subject whose verb, next (past an adverb), is in
    the present: "she walks", "Mara opens", "I walk", "they never listen"."""
    subject = written[index] if written[index] in names else lowered[index]
    following = lowered[index + 1 : index + 3]
    if following[:1] and following[0] in _ADVERBS:
        following = following[1:]
    verb = following[0] if following else ""
    if not verb or verb in _NOT_VERBS or verb in _PAST or verb in _PRESENT:
        return False
    if verb.endswith(("ed", "ly", "'s")):
        return False
    if subject in _THIRD_SUBJECTS or subject in names:
        return verb.endswith("s") and not verb.endswith("ss")
    return subject in _PLAIN_SUBJECTS


def read_voice(text: str) -> VoiceReading:
    """The point of view and tense of ``text``'s narration."""
    told = narration(text)
    sentences = [
        [token.text for token in tokens(line) if not token.is_number] for line in told.sentences
    ]
    names = _names(sentences)
    person: dict[PointOfView, float] = dict.fromkeys(POINTS_OF_VIEW, 0.0)
    tense: dict[Tense, float] = dict.fromkeys(TENSES, 0.0)
    person_markers = tense_markers = 0
    for written in sentences:
        lowered = [word.lower() for word in written]
        for index, word in enumerate(lowered):
            pov, weight = _person_of(word, written[index], names)
            if weight:
                person[pov] += weight
                person_markers += 1
            before = lowered[index - 1] if index else ""
            found = _tense_of(word, before, lowered[index + 1 : index + 3])
            if found is None and _present_after(written, lowered, index, names):
                found = "present"
            if found is not None:
                tense[found] += 1
                tense_markers += 1
    if told.dialogue_words and not told.narration_words:
        pov_thin = tense_thin = ALL_DIALOGUE
    elif told.narration_words < SHORT_NARRATION_WORDS:
        pov_thin = tense_thin = TOO_SHORT
    else:
        pov_thin, tense_thin = FEW_PRONOUNS, FEW_VERBS
    return VoiceReading(
        pov=_decide(person, person_markers, pov_thin, " person"),
        tense=_decide(tense, tense_markers, tense_thin),
        narration_words=told.narration_words,
        dialogue_words=told.dialogue_words,
    )


def _tense_of(word: str, before: str, after: Sequence[str]) -> Tense | None:
    """The tense ``word`` marks where it stands, if any."""
    if word in _FUTURE:
        return None if word == "will" and before in _DETERMINERS else "future"
    if word == "going" and after[:1] == ["to"] and before not in ("was", "were"):
        following = after[1] if len(after) > 1 else ""
        return "future" if following and following not in _DETERMINERS else None
    if word in _PRESENT:
        return "present"
    if word in _PAST:
        return "past"
    if len(word) > 3 and word.endswith("ed") and word not in _NOT_PAST_ED:
        return None if before in _BEFORE_PARTICIPLE else "past"
    return None


# --- what was asked ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Voice:
    """The point of view and tense a story is asked for (``None``: not asked)."""

    pov: PointOfView | None = None
    tense: Tense | None = None

    @classmethod
    def asked(cls, options: Mapping[str, object], style: StyleRecord) -> Voice:
        """A call's own ``pov`` option, else the style's; the style's tense. Values that are
        not a point of view or a tense (an old stored value, a typo) count as not asked."""
        pov = options.get("pov") or style.pov
        tense = style.tense
        return cls(
            pov=pov if pov in POINTS_OF_VIEW else None,
            tense=tense if tense in TENSES else None,
        )


NOT_ASKED: Final = Voice()


# --- matching what was asked --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VoiceMatch:
    """A story's voice against the point of view and tense asked for (``None``: not asked).

    ``matched`` counts what was asked and read as asked; ``missed`` what was read as
    something else; ``score`` is a distance, 0 for a story that is all it was asked to be:
    for each thing asked, the share of the evidence against it (:data:`UNSURE_DISTANCE`
    when the evidence is thin). Rank by :attr:`rank_key`, as craft's verdicts are ranked.
    """

    reading: VoiceReading
    pov: PointOfView | None = None
    tense: Tense | None = None
    matched: int = field(init=False)
    missed: int = field(init=False)
    score: float = field(init=False)

    def __post_init__(self) -> None:
        outcomes = [_outcome(self.reading.pov, self.pov), _outcome(self.reading.tense, self.tense)]
        object.__setattr__(self, "matched", sum(outcome == "matched" for outcome, _ in outcomes))
        object.__setattr__(self, "missed", sum(outcome == "missed" for outcome, _ in outcomes))
        object.__setattr__(self, "score", round(sum(distance for _, distance in outcomes), 3))

    @property
    def passed(self) -> bool:
        """Everything asked was read, and read as asked."""
        return self.matched == (self.pov is not None) + (self.tense is not None)

    @property
    def rank_key(self) -> tuple[int, int, float]:
        """Sort ascending: a pass first, then fewer misses, then a smaller distance."""
        return (0 if self.passed else 1, self.missed, self.score)


def _outcome(found: Finding[V], wanted: V | None) -> tuple[str, float]:
    """("matched" | "missed" | "unsure" | "not asked", distance) for one thing asked."""
    if wanted is None:
        return "not asked", 0.0
    distance = UNSURE_DISTANCE if found.thin else 1 - found.share(wanted)
    if found.value is None:
        return "unsure", distance
    return ("matched" if found.value == wanted else "missed"), distance


def match_voice(
    text: str | VoiceReading, *, pov: PointOfView | None = None, tense: Tense | None = None
) -> VoiceMatch:
    """How ``text`` (or a reading of it) compares with the ``pov`` and ``tense`` asked for."""
    reading = read_voice(text) if isinstance(text, str) else text
    return VoiceMatch(reading, pov, tense)


def best_voice(
    candidates: Sequence[str], *, pov: PointOfView | None = None, tense: Tense | None = None
) -> int | None:
    """The index of the candidate closest to what was asked; the first among equals."""
    if not candidates:
        return None
    matches = [match_voice(text, pov=pov, tense=tense) for text in candidates]
    return min(range(len(matches)), key=lambda index: matches[index].rank_key)


# --- the one line under a story -----------------------------------------------------------


def _part(found: Finding[V], wanted: V | None, label: str, topic: str) -> str:
    if found.value is None:
        verb = "not checked" if found.thin else "not sure"
        return f"{topic} {verb}: {found.reason}"
    said = f"{found.value} {label}"
    if wanted is None:
        return said
    return f"{said} {CHECK}" if found.value == wanted else f"{said} (asked {wanted})"


def voice_report(match: VoiceMatch, form: str = "story") -> str:
    """``story · first person ✓ · past tense ✓``, or what differs or could not be read:
    ``story · third person (asked first) · tense not checked: too short``."""
    reading = match.reading
    return SEPARATOR.join(
        (
            form,
            _part(reading.pov, match.pov, "person", "point of view"),
            _part(reading.tense, match.tense, "tense", "tense"),
        )
    )
