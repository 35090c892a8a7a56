"""The evasion set of ``python -m bench filters``: texts a filter with five rules must
block, every technique of issue 14 applied to each rule, and ordinary texts it must pass.

    python -m bench.evasion_set        # rewrites bench/evasions.tsv from the lists below

The set is generated so each technique covers every rule alike, then kept as a file
(``bench/evasions.tsv``: technique, expected verdict, text with Python escapes) so a run
measures the same rows whatever changes here. Masks (``sh*t``) and word forms are left
out: they are per-rule choices a moderator makes, not what these five rules say.
"""

from __future__ import annotations

import codecs
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from inkwell.bot.services.filters.rules import Kind

PATH = Path(__file__).with_name("evasions.tsv")
# The five rules, as (Inkwell kind, pattern); the other filters get the patterns.
RULES: tuple[tuple[Kind, str], ...] = (
    ("word", "shit"),
    ("word", "fuck"),
    ("word", "bitch"),
    ("word", "bastard"),
    ("phrase", "kill yourself"),
)
TEMPLATES = {
    "shit": "oh {}, I forgot the keys",
    "fuck": "what the {} is this",
    "bitch": "she called me a {} today",
    "bastard": "you lucky {}",
    "kill yourself": "just go {} already",
}


class Row(NamedTuple):
    technique: str
    blocked: bool
    text: str


def _letters(mapping: dict[str, str]) -> Callable[[str], str]:
    return lambda word: "".join(mapping.get(char, char) for char in word)


def _offset(base: int, skip: str = "") -> Callable[[str], str]:
    """Letters of a Unicode block laid out a…z from ``base``."""

    def apply(word: str) -> str:
        return "".join(
            chr(base + ord(char) - ord("a")) if char.isalpha() and char not in skip else char
            for char in word
        )

    return apply


def _named(pattern: str) -> Callable[[str], str]:
    def apply(word: str) -> str:
        out = []
        for char in word:
            try:
                out.append(
                    unicodedata.lookup(pattern.format(char.upper())) if char.isalpha() else char
                )
            except KeyError:
                out.append(char)
        return "".join(out)

    return apply


def _between(separator: str) -> Callable[[str], str]:
    return lambda word: separator.join(word)


def _break_at(separator: str, at: int) -> Callable[[str], str]:
    return lambda word: word[:at] + separator + word[at:] if len(word) > at else word


ZALGO = "\u0336\u0489\u0337"
TECHNIQUES: dict[str, Callable[[str], str]] = {
    "plain": lambda w: w,
    "capitals": str.upper,
    "spaced letters": _between(" "),
    "dotted letters": _between("."),
    "dashed letters": _between("-"),
    "zero-width spaces": _between("\u200b"),
    "soft hyphen": _break_at("\u00ad", 2),
    "hangul filler": _break_at("\u3164", 1),
    "halfwidth hangul filler": _break_at("\uffa0", 2),
    "word joiners": _between("\u2060"),
    "zalgo": lambda w: "".join(char + ZALGO for char in w),
    "right-to-left override": lambda w: "\u202e" + w[::-1] + "\u202c",
    "apostrophe inside": _break_at("'", 2),
    "hyphen inside": _break_at("-", 2),
    "space after first letter": _break_at(" ", 1),
    "space before last letter": lambda w: w[:-1] + " " + w[-1],
    "line break inside": _break_at("\n", 2),
    "digit leet": _letters({"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7"}),
    "symbol leet": _letters({"s": "$", "i": "!", "a": "@"}),
    "drawn letters": _letters({"b": "|3", "h": "|-|", "u": "|_|", "c": "(", "d": "|)", "k": "|<"}),
    "cyrillic look-alikes": _letters(
        {"a": "а", "c": "с", "e": "е", "o": "о", "i": "і", "s": "ѕ", "h": "һ", "k": "к", "y": "у"}
    ),
    "greek look-alikes": _letters({"a": "α", "i": "ι", "t": "τ", "o": "ο", "k": "κ", "u": "υ"}),
    "cherokee, lisu, syllabics": _letters(
        {"s": "ꓢ", "h": "Ꮋ", "t": "Ꭲ", "b": "Ᏼ", "a": "ꓮ", "d": "ꓓ", "c": "Ꮯ", "k": "Ꮶ"}
    ),
    "mathematical bold": _offset(0x1D41A),
    "mathematical fraktur": _offset(0x1D586),
    "circled letters": _offset(0x24D0),
    "negative squared": _named("NEGATIVE SQUARED LATIN CAPITAL LETTER {}"),
    "negative circled": _named("NEGATIVE CIRCLED LATIN CAPITAL LETTER {}"),
    "regional indicators": lambda w: "\u200b".join(_offset(0x1F1E6)(c) for c in w),
    "small capitals": _named("LATIN LETTER SMALL CAPITAL {}"),
    "fullwidth": _offset(0xFF41),
    "repeated letters": lambda w: "".join(c * (3 if i == 1 else 1) for i, c in enumerate(w)),
    "spoiler inside": lambda w: w[:2] + "||" + w[2:-1] + "||" + w[-1],
    "bold inside": lambda w: w[:1] + "**" + w[1:3] + "**" + w[3:],
    "spaced look-alikes": lambda w: " ".join(_letters({"s": "ѕ", "i": "і", "a": "а", "o": "о"})(w)),
    "letters one a line": _between("\n"),
    "letters one a windows line": _between("\r\n"),
    "cut twice": lambda w: f"{w[:1]} {w[1:2]} {w[2:]}",
    "cut twice with dashes": lambda w: f"{w[:1]}-{w[1:3]}-{w[3:]}",
    "split spoilers": lambda w: f"||{w[:2]}|| ||{w[2:]}||",
    "spaced leet": lambda w: " ".join(_letters({"a": "4", "i": "1", "s": "5", "t": "7"})(w)),
    "dotted symbol leet": lambda w: ".".join(_letters({"s": "$", "i": "!", "a": "@"})(w)),
    "more drawn letters": _letters({"a": "/\\", "c": "<", "h": "]-[", "k": "|{"}),
    "respellings": _letters({"f": "ph", "u": "v", "b": "8", "i": "!", "s": "5"}),
    "fancy syllabics": _letters(
        {"s": "ᔕ", "h": "ᕼ", "i": "ᓰ", "t": "ᖶ", "f": "ᖴ", "u": "ᑌ", "c": "ᑕ", "k": "ᛕ"}
        | {"b": "ᗷ", "a": "ᗩ", "r": "ᖇ", "d": "ᗪ", "l": "ᒪ", "y": "ᖻ", "o": "ᝪ", "e": "ᗴ"}
    ),
    "hooked letters": _letters(
        {"s": "ʂ", "h": "ɦ", "i": "ɨ", "t": "ƭ", "f": "ʄ", "u": "ʊ", "c": "ƈ", "k": "ƙ"}
        | {"b": "ɓ", "a": "ą", "r": "ŗ", "d": "ɖ", "l": "ɬ", "y": "ყ", "o": "σ", "e": "ɛ"}
    ),
    "currency signs": _letters(
        {"s": "₴", "h": "Ⱨ", "t": "₮", "f": "₣", "u": "Ʉ", "c": "₵", "k": "₭", "b": "฿"}
        | {"a": "₳", "r": "Ɽ", "d": "Đ", "l": "Ⱡ", "y": "Ɏ", "o": "Ø", "e": "Ɇ"}
    ),
    "cjk strokes": _letters(
        {"s": "丂", "h": "卄", "i": "丨", "t": "ㄒ", "f": "千", "u": "ㄩ", "c": "匚", "k": "Ҝ"}
        | {"b": "乃", "a": "卂", "r": "尺", "d": "ᗪ", "l": "ㄥ", "y": "ㄚ", "o": "ㄖ", "e": "乇"}
    ),
    "mixed fancy letters": _letters(
        {"f": "ƒ", "c": "¢", "d": "∂", "t": "т", "i": "ι", "s": "ѕ", "a": "α", "h": "н"}
        | {"b": "в", "u": "υ", "k": "к", "r": "я", "l": "ℓ", "y": "у", "o": "σ", "e": "є"}
    ),
}
PHRASE_TECHNIQUES: dict[str, Callable[[str], str]] = {
    "phrase without its space": lambda p: p.replace(" ", ""),
    "phrase with a doubled space": lambda p: p.replace(" ", "  "),
    "phrase with an invisible space": lambda p: p.replace(" ", "\u200b"),
    "phrase with a hangul filler": lambda p: p.replace(" ", "\u3164"),
    "phrase in CamelCase": lambda p: p.title().replace(" ", ""),
    "phrase as a hashtag": lambda p: "#" + p.title().replace(" ", ""),
    "phrase a word a line": lambda p: p.replace(" ", "\n"),
    "phrase with a dot": lambda p: p.replace(" ", "."),
    "phrase with an underscore": lambda p: p.replace(" ", "_"),
}
INNOCENT = [
    "I grew up in Scunthorpe, near the river.",
    "The assassin waited in the classic theatre.",
    "Shiitake mushrooms and a shift at the shirt shop.",
    "Bitter coffee, a bit childish, and bitcoin news.",
    "The bastion held; the recipe was bastardised by critics.",
    "Fuchsia and fucus grow by the harbour.",
    "He'll be late, we'd better start, it's fine.",
    "She'd said they'll come and I'd wait; it'd be fine.",
    "The B.A.S.S. fishing tour visits the U.S.A. in May.",
    "F.B.I. agents met S.H.I.E.L.D. fans downtown.",
    "Type H E L L O on the sign, then S H I F T.",
    "Kill your darlings, the editor said.",
    "Skill yourself up before the exam.",
    "Привет, как дела? Всё хорошо, спасибо.",
    "Καλημέρα, τι κάνεις; Είμαι καλά, ευχαριστώ.",
    "Բարեւ, ինչպես ես, ընկեր",
    "Добрий день, як справи у вас?",
    "Ça va, Zoë? Déjà vu at the café, naïve as ever.",
    "Grüße aus München, schönes Wetter heute.",
    "#ThrowbackThursday with my iPhone at McDonald's",
    "#ShiftHappens and #BitByBit we grow",
    "Save it to C:\\temp\\notes and smile :) (really)",
    "Rate it 10/10, a | b | c, <3 and R2-D2.",
    "It costs $5, about 100% worth it, in 2024.",
    "The hitchhiker's guide is a fun book.",
    "The shitake-style stir fry was sold out.".replace("shitake", "teriyaki"),
    "We shipped the kit yesterday.",
    "A bass player and a bassoonist walked in.",
    "The Dickens novel sat on the cocktail table.",
    "Go to the hills and kill time with a yo-yo.",
    "A tuck shop sold fudge and buck-toothed toys.",
    "Bash the drum, batch the cookies, botch nothing.",
    "The baste and the bistro were busy.",
    "Mix the shiny shells with bits of chalk.",
    "Kill the lights, then tell yourself a story.",
    "First class passage on the mass transit.",
    "Hit the shift key, then hit enter.",
    "She's a witch in the play; the pitch was great.",
    "Fork the repo and duck the question.",
    "The mustard and custard were bland.",
    "I'll pass the bass; she'll pass the glass.",
    "The lucky bastion of hope, a starry night.".replace("bastion", "lantern"),
    "Sit, hit, knit, spit: verbs for the class.",
    "The fox ate the peach in the beach hut.",
    "Batch, hutch, Dutch, clutch: words that rhyme.",
    "Sh, it is late; shh. It was a long day.",
    "Sh. It was late, she said.",
    "The list:\nA\nB\nC\nand the answer was B.",
    "The poem spells\nS\nH\nI\nP\ndown its side.",
    "Vote 1 2 3, pay $ 5 0, at 3 a.m. on the 4th.",
    "gr8 m8, h8 that 8ball, see you l8r.",
    "A fvnky phase with phat beats.",
    "In code a<b and c{d} and x]-[y are fine.",
    "สวัสดีครับ ผมชื่อสมชาย ยินดีที่ได้รู้จัก",
    "我不知道，你好吗？今天天气很好。",
    "שלום עולם, מה שלומך היום",
    "Grüße aus der Straße, sagte sie.",
    "It costs 10¢ each, and ∂f/∂x is a derivative.",
    "Type F U N, then B I T E, then S H I P.",
    "Ｓｈｉｐ ｔｈｅ ｂｏｘ ｔｏｄａｙ",
]
INNOCENT_VARIANTS: dict[str, Callable[[str], str]] = {
    "innocent": lambda t: t,
    "innocent, capitals": str.upper,
    "innocent, mathematical bold": _offset(0x1D41A),
}


def rows() -> list[Row]:
    found: list[Row] = []
    for _, pattern in RULES:
        template = TEMPLATES[pattern]
        for name, technique in TECHNIQUES.items():
            evaded = " ".join(technique(word) for word in pattern.split())
            found.append(Row(name, True, template.format(evaded)))
        if " " in pattern:
            for name, technique in PHRASE_TECHNIQUES.items():
                found.append(Row(name, True, template.format(technique(pattern))))
    for text in INNOCENT:
        for name, variant in INNOCENT_VARIANTS.items():
            found.append(Row(name, False, variant(text)))
    return found


def _escape(text: str) -> str:
    return text.encode("unicode_escape").decode("ascii").replace("\t", "\\t")


def load(path: Path = PATH) -> list[Row]:
    loaded = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        technique, verdict, text = line.split("\t")
        loaded.append(Row(technique, verdict == "block", codecs.decode(text, "unicode_escape")))
    return loaded


def main() -> int:
    generated = rows()
    lines = ["# technique\tverdict\ttext (Python escapes); generated by bench/evasion_set.py"]
    lines += [
        f"{r.technique}\t{'block' if r.blocked else 'pass'}\t{_escape(r.text)}" for r in generated
    ]
    PATH.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(generated)} rows written to {PATH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
