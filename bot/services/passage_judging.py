"""Choosing among the model's candidates for the passage tools: what makes one better.

The small model rarely gives each tool what it asks for in one go: a "Sound:" line about a
smell, feedback that turns into a rewrite, a continuation that wanders off to another
country, a "rewrite" four times the passage's length or a list of invented words. So each
answer (or each line of one) is drawn as several candidates and the one that scores best
here is kept. Every score is "higher is better" and compares candidates for one slot only.

The sense words below were written for Inkwell: common English words that name or evoke
what each sense perceives, enough to tell a line about sound from one about smell.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Final

from inkwell.bot.services.craft.language import is_english
from inkwell.bot.services.craft.words import words
from inkwell.bot.text.endings import ends_complete, sentence_ends


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


SENSES: Final[dict[str, frozenset[str]]] = {
    "Sight": _wordset(
        """see saw seen sees look looks looked watch glint gleam gleams gleaming glow glows
        glowing shine shines shining shimmer light lights dark darkness shadow shadows
        bright dim pale colour color colours colors red gold golden grey gray white black
        blue green silver amber flicker flickers sparkle sparkles eyes glance glimpse
        lamp lamps shape shapes window"""
    ),
    "Sound": _wordset(
        """hear heard hears sound sounds noise noises hum hums humming creak creaks creaking
        whisper whispers whispered rustle rustles rustling ring rings ringing rattle rattles
        crackle crackles crunch crunches echo echoes echoed hiss hisses murmur murmurs song
        sings sang singing voice voices call calls calling shout shouts cry cries laugh
        laughter clatter clink thud thump tap taps drum drums silence quiet loud bell bells
        footsteps chatter rumble roar roars"""
    ),
    "Smell": _wordset(
        """smell smells smelled smelt scent scents scented aroma aromas fragrance fragrant
        odour odor perfume perfumed smoke smoky musty stink stench whiff nose nostrils
        breathe breathed breath reek reeks"""
    ),
    "Touch": _wordset(
        """touch touches touched feel feels felt cold colder warm warmth hot cool rough
        smooth soft softly hard sharp damp wet dry sticky chill chilled icy frost frozen
        numb skin fingers fingertips hands palm palms grip grips brush brushes texture
        weight heavy press presses pressed"""
    ),
    "Taste": _wordset(
        """taste tastes tasted tasting flavour flavor sweet sweetness sour bitter bitterness
        salt salty tang tangy tart crisp juicy juice tongue mouth lips bite bites bit
        sip sips swallow honey sugar spice spicy ripe"""
    ),
    # A metaphor says one thing is another: "like", "as", "is a".
    "Metaphor": _wordset("like as if though is was were are"),
}
DESCRIBE_LABELS: Final[tuple[str, ...]] = tuple(SENSES)

# Function words: what two texts share without being about the same thing.
_COMMON: Final = _wordset(
    """a an the and or but if then so of in on at to for from by with without into onto
    out up down over under about after before again all any are as be been being both can
    could did do does doing each few he her hers herself him himself his how i is it its
    itself just me more most my myself no nor not now off once only other our ours
    ourselves own same she should some such than that their theirs them themselves there
    these they this those through too very was we were what when where which while who
    whom why will would you your yours yourself yourselves had has have having here am
    one ever never also still yet much many like one's it's i'm"""
)
# What feedback must never be: a rewrite of the passage, or talk about giving one.
_REWRITE_TALK: Final = re.compile(
    r"\b(rewrit\w*|re-?word\w*|revised version|here(?:'s| is) (?:a|an|my|the|your)\b)",
    re.IGNORECASE,
)
# A line that talks about the answer instead of being it.
_META_TALK: Final = re.compile(
    r"\b(this (?:passage|paragraph|continuation|story|line|list)|the passage (?:above|below)|"
    r"as an ai|i hope|let me know|in conclusion|ending this|(?:the )?new version|"
    r"rewritten|rewlined|revised|the (?:writer|author|narrator) (?:says|said|spoke|wrote)|"
    r"the following sentence)\b",
    re.IGNORECASE,
)
# Prose that talks about writing instead of being the story: not a rewrite, not a going-on.
_ABOUT_THE_WRITING: Final = re.compile(
    r"\b(sentences?|version|passage|paragraph|rewrit\w*|reorgani[sz]\w*|the user|"
    r"in your style|your style notes|in the voice|the (?:writer|speaker|author)|"
    r"what a (?:wonderful|great|lovely|beautiful) (?:piece|passage|poem|story)|"
    r"no more than \d+ words|this is a continuation|i(?:'ve| have) (?:kept|made|"
    r"changed|added|written))\b",
    re.IGNORECASE,
)
# What feedback talks about when it talks about the writing.
_CRAFT: Final = _wordset(
    """image images imagery detail details rhythm pace pacing voice tone mood dialogue verb
    verbs sentence sentences line lines opening ending word words scene contrast sound
    senses sensory repetition character characters tension picture"""
)
# A line that lists fragments with dashes ("Lights - floating lights - Lumini").
_DASH_LIST: Final = re.compile(r"\s[-–—]\s")
# A label of the model's own inside a part ("Taste again:", "Mold:"): the part ends there.
_INNER_LABEL: Final = re.compile(r"(?<=\s)[A-Z][a-z]+(?: [a-z]+)?:(?=\s)")
# Feedback that is not kind, and the words a concrete suggestion starts from.
_UNKIND: Final = _wordset(
    """boring bad dull lazy weak terrible awful poor poorly nothing childish amateur
    amateurish clumsy overly difficult confusing cliche clichéd wrong fails failed"""
)
_SUGGESTING: Final = _wordset(
    """try add adding use using show showing give giving let replace cut describe
    consider vary varying name naming trade swap end start open"""
)


def content_words(text: str) -> set[str]:
    """The words of ``text`` that carry its meaning: no function words, none under 3 letters."""
    return {word for word in words(text) if len(word) > 2 and word not in _COMMON}


def first_paragraph(text: str) -> str:
    """The first non-empty paragraph of ``text``, its lines joined: one part of an answer."""
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        if paragraph.strip():
            return " ".join(line.strip() for line in paragraph.splitlines() if line.strip())
    return ""


# A list's numbering or bullet at the start of a part: "1. ", "- ", "* ".
_BULLET: Final = re.compile(r"^\s*(?:\d{1,2}[.)]|[-*•])\s+")
# A line wholly in brackets: the model's aside ("(This time I will keep it short)").
_ASIDE: Final = re.compile(r"^\s*[(\[][^()\[\]]*[)\]]\s*$")


def without_asides(text: str) -> str:
    """``text`` without lines that are only an aside in brackets."""
    kept = [line for line in text.split("\n") if not _ASIDE.match(line)]
    return "\n".join(kept).strip()


def one_part(text: str) -> str:
    """A labelled part as the model wrote it, without a bullet before it or what follows
    a label of its own."""
    part = _BULLET.sub("", first_paragraph(text).lstrip(" :"))
    inner = _INNER_LABEL.search(part)
    return part[: inner.start()].rstrip() if inner else part


def sentences_within(
    text: str, max_words: int, *, max_sentences: int | None = None, prose: bool = False
) -> str:
    """``text`` up to its last complete sentence within ``max_words`` words (and at most
    ``max_sentences``), its line breaks kept. When even the first sentence is longer, a line
    (not ``prose``) is cut at its last comma or word within the limit, so something is always
    left; prose keeps its first sentence whole instead."""
    body = text.strip()
    ends = sentence_ends(body)
    kept = [end for end in ends if len(body[:end].split()) <= max_words]
    if max_sentences is not None:
        kept = kept[:max_sentences]
    if kept:
        return body[: kept[-1]].rstrip()
    if prose and ends:
        return body[: ends[0]].rstrip()
    head = " ".join(body.split()[:max_words])
    comma = head.rfind(",")
    if comma > len(head) // 2:
        head = head[:comma]
    return head.rstrip(" ,;:-—–")


def _shared_run(text: str, others: Iterable[str], length: int = 4) -> bool:
    """Whether ``text`` repeats ``length`` words in a row from any of ``others``."""
    mine = words(text)
    grams = {tuple(mine[i : i + length]) for i in range(len(mine) - length + 1)}
    for other in others:
        theirs = words(other)
        if any(tuple(theirs[i : i + length]) in grams for i in range(len(theirs) - length + 1)):
            return True
    return False


def _length_fit(count: int, low: int, high: int) -> float:
    """0 inside ``low..high`` words, falling off outside it."""
    if count < low:
        return -(low - count) / max(low, 1) * 3
    if count > high:
        return -(count - high) / max(high, 1) * 3
    return 0.0


def _basics(text: str) -> float | None:
    """None for what can never be kept (empty, not English, meta-talk); else a small bonus
    for ending on a complete sentence."""
    if not text.strip() or not is_english(text) or _META_TALK.search(text):
        return None
    return 1.0 if ends_complete(text, "sentence") else 0.0


def names_its_sense(label: str, text: str) -> bool:
    """Whether a Describe line says a word of its own sense ("Sound:" … "hum", "creak")."""
    return bool(set(words(text)) & SENSES[label])


def score_sense_line(label: str, text: str, passage: str, earlier: Sequence[str]) -> float:
    """A "Sight:" … "Metaphor:" line: about its own sense, not another's; about the passage;
    short; not a repeat of an earlier line."""
    basics = _basics(text)
    if basics is None:
        return float("-inf")
    said = set(words(text))
    own = len(said & SENSES[label])
    # "was" and "like" are in every kind of line: only the five senses count against it.
    others = sum(
        len(said & lexicon) for name, lexicon in SENSES.items() if name not in (label, "Metaphor")
    )
    score = basics + min(own, 3) * 2.0
    if label != "Metaphor":
        score -= min(others, 3) * 0.5
    score += min(len(content_words(text) & content_words(passage)), 2) * 1.0
    score += _length_fit(len(text.split()), 5, 22)
    if _shared_run(text, earlier):
        score -= 4.0
    return score - _fragments(text)


def _fragments(text: str) -> float:
    """What a line loses for being a heap of fragments: dashes between bits, a word said
    three times over."""
    cost = 3.0 if len(_DASH_LIST.findall(text)) >= 2 else 0.0
    counted = words(text)
    if any(counted.count(word) >= 3 for word in content_words(text)):
        cost += 2.0
    return cost


def score_feedback_part(
    text: str, passage: str, earlier: Sequence[str], *, suggestion: bool = False
) -> float:
    """One part of the feedback, a sentence or two, never a rewrite or a copy of the
    passage: what works (kind: no put-downs), or one thing to try (``suggestion``: a
    concrete move, "add", "try", "show" …)."""
    basics = _basics(text)
    if basics is None or _REWRITE_TALK.search(text):
        return float("-inf")
    said = set(words(text))
    score = basics * 2 + _length_fit(len(text.split()), 8, 45)
    if suggestion:
        score += 2.0 if said & _SUGGESTING else 0.0
    else:
        score -= min(len(said & _UNKIND), 2) * 2.0
    if said & _CRAFT or content_words(text) & content_words(passage):
        score += 1.5  # about this passage, or about the writing in it
    if text.lstrip()[:1] in "\"“'‘":
        score -= 3.0  # a quotation the model made up, not feedback
    if _shared_run(text, [passage], length=6):
        score -= 4.0  # quoting the passage at length is rewriting it
    if _shared_run(text, earlier):
        score -= 4.0
    return score


def score_prose(text: str, passage: str, *, low: int, high: int) -> float:
    """A rewrite or a continuation: prose of about ``low..high`` words that stays with the
    passage's people, places and things and ends on a complete sentence."""
    basics = _basics(text)
    if basics is None or _ABOUT_THE_WRITING.search(text):
        return float("-inf")
    score = basics * 2 + _length_fit(len(text.split()), low, high)
    passage_words = content_words(passage)
    if passage_words:
        shared = len(content_words(text) & passage_words) / len(passage_words)
        score += min(shared, 0.6) * 5
    lines = [line for line in text.splitlines() if line.strip()]
    if lines and sum(len(line.split()) <= 3 for line in lines) > len(lines) / 2:
        score -= 6.0  # a list of words, not prose
    elif "\n" not in passage.strip() and len(lines) > 3:
        short = sum(len(line.split()) < 9 for line in lines)
        if short > len(lines) / 2:
            score -= 4.0  # verse, for a passage in prose
    return score
