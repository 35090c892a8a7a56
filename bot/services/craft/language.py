"""Is this English? Syllables and rhymes are checked only when it is.

An English dictionary counts Spanish or Japanese wrongly, and a wrong count reported as a
fact is worse than none: "haiku · not checked: not English" is the honest answer. A text is
judged not English when any of these holds:

1. fewer than half of its letters are Latin ("古池や蛙飛び込む水の音", "Тихий пруд");
2. more than half of its words (at least three) are unknown to the dictionary, even by
   their plain variants ("Sobre el agua duerme silencio" — though see 3);
3. it has at least two common function words of Spanish, French, German, Italian,
   Portuguese or Dutch and more of them than of English ones. CMUdict lists thousands of
   names, so foreign words are often "known" ("la", "luna", "le", "vent", "die", "stille"):
   rule 2 alone misses them. Words that are also English ("a", "in", "no", "son", "die",
   "me", "come") are in neither list.

A text with no letters at all has nothing to count and is reported the same way.
"""

from __future__ import annotations

import unicodedata
from typing import Final

from inkwell.bot.services.craft.syllables import is_known
from inkwell.bot.services.craft.words import tokens

NOT_ENGLISH: Final = "not English"


def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


_ENGLISH_FUNCTION_WORDS: Final = _words(
    "the an and of to is are was were be been it its this that these those with for from "
    "by at as not but or if my your his her our their we you they he she i am what when "
    "where who how all there here so just into upon"
)
_SPANISH_PORTUGUESE: Final = _words(
    "el la los las del y que en un una por para con sin sobre es está estaba pero muy "
    "mi tu su sus al lo como cuando donde o um uma os não com é da do das dos na nas no"
)
_FRENCH: Final = _words(
    "le les des du et est une je tu il elle nous vous ils sont dans sur avec pour pas qui "
    "au aux ce cette mon ton son ses mais où"
)
_GERMAN_DUTCH: Final = _words(
    "der die das und ist ein eine nicht ich du er sie wir mit auf für von zu dem den im "
    "het een en ik je wij niet zijn op van"
)
_ITALIAN: Final = _words("il lo gli della di che è sono una nel nella per non ma con come")
# Also English words (or a poet's "O" and "lo"): never evidence either way.
_SHARED: Final = _words(
    "a in no son die me come is on as so or do o lo ma per den op van um da sin con ton sus im er"
)
_FOREIGN_FUNCTION_WORDS: Final = (
    _SPANISH_PORTUGUESE | _FRENCH | _GERMAN_DUTCH | _ITALIAN
) - _SHARED


def _latin_share(text: str) -> float | None:
    letters = [char for char in text if char.isalpha()]
    if not letters:
        return None
    latin = sum(1 for char in letters if unicodedata.name(char, "").startswith("LATIN"))
    return latin / len(letters)


def not_english_reason(text: str) -> str | None:
    """``NOT_ENGLISH`` when syllables and rhymes of ``text`` should not be counted, else None."""
    share = _latin_share(text)
    if share is None or share < 0.5:
        return NOT_ENGLISH
    words = [token.readings[0][0] for token in tokens(text) if not token.is_number]
    if len(words) >= 3 and sum(not is_known(word) for word in words) * 2 > len(words):
        return NOT_ENGLISH
    english = sum(word in _ENGLISH_FUNCTION_WORDS for word in words)
    foreign = sum(word in _FOREIGN_FUNCTION_WORDS for word in words)
    if foreign >= 2 and foreign > english:
        return NOT_ENGLISH
    return None


def is_english(text: str) -> bool:
    return not_english_reason(text) is None
