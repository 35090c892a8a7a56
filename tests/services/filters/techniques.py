"""The evasion techniques of issue 14, each with texts a rule must catch and ordinary texts
it must let through, side by side. One rule set for all of them, so that a fix for one
technique that breaks another shows up here."""

from __future__ import annotations

from typing import NamedTuple

from inkwell.bot.services.filters.rules import Action, Kind, Rule


def _rule(kind: Kind, pattern: str, action: Action = "block") -> Rule:
    return Rule(f"{kind}:{pattern}", kind, pattern, action, "both", "test")


RULES = (
    _rule("word", "bad"),
    _rule("word", "shit"),
    _rule("word", "hell"),
    _rule("word", "ass"),
    _rule("wildcard", "*fuck*"),
    _rule("phrase", "kill yourself"),
    _rule("word", "damn", "redact"),
)
ALLOWED = ("Hell Creek",)


class Case(NamedTuple):
    technique: str
    text: str
    blocked: bool


def _cases(technique: str, blocked: list[str], innocent: list[str]) -> list[Case]:
    return [Case(technique, text, True) for text in blocked] + [
        Case(technique, text, False) for text in innocent
    ]


CASES = [
    *_cases(
        "plain",
        ["that was bad", "BAD!", "oh shit", "go to hell", "what the fuck", "kill yourself"],
        ["that was good", "a badge", "the badger", "Hell Creek is lovely", "assassin"],
    ),
    *_cases(
        "spaced letters",
        [
            "it was b a d",
            "B.A.D.",
            "s-h-i-t happens",
            "so b . a . d",
            "oh s\nh\ni\nt",  # one letter a line
            "it was b\r\na\r\nd",
            "oh 5 h 1 7",  # leet among the letters
            "oh $.h.!.t",
            "it was b 4 d",
        ],
        [
            "the badge read B A D G E",
            "H E L L O there",
            "the B.A.S.S. fishing tour",
            "a b c",
            "I am a cat",
            "b\n\na\n\nd",  # a paragraph apart
            "the badge read\nB\nA\nD\nG\nE",
            "1 2 3 4, $ 5 0",
            "at 3 a.m.",
        ],
    ),
    *_cases(
        "render as nothing",
        [
            "b\u3164ad",  # Hangul filler
            "ba\uffa0d",  # halfwidth Hangul filler
            "b\u115fa\u1160d",  # Hangul choseong and jungseong fillers
            "b\u2060a\u2060d",  # word joiners
            "sh\u00adit",  # soft hyphen
            "b\u0336\u0337a\u0489\u0335d\u0338\u0334",  # zalgo
            "s\u200bh\u200ci\u200dt",  # zero-width space, non-joiner, joiner
            "b\ufe0fa\ufe0fd",  # variation selectors
        ],
        ["ba\u00addge", "he\u2060llo", "a\u3164b", "ca\u0301fe\u0301"],
    ),
    *_cases(
        "display order",
        [
            "it is \u202edab\u202c now",  # right-to-left override, shows "bad"
            "\u202etihs",  # the override runs to the end of the text
            "line one\nhe said \u202edab",
        ],
        ["\u202ebad\u202c", "it is \u202egood\u202c", "\u202eolleh\u202c, a shell"],
    ),
    *_cases(
        "words broken up",
        [
            "that was ba'd",
            "that was ba-d",
            "that was b ad",
            "that was ba d",
            "what a sh it show",
            "oh s hit",
            "that was ba\nd",
            "killyourself",
            "kill  yourself",
            "kill\u200byourself",
            "#KillYourself",
            "#SoBad",
            "ThatIsSoBad!",
            "GoToHell",
            "ＳｏＢａｄ",
            "go to hel l",
            "just ki'll yo'urself",
            "just k ill yourse lf",
            "oh s h i t, I forgot",
            "you are a b a d one",
            "what a s h it show",  # cut twice
            "oh sh i t",
            "oh s-hi-t",
            "oh sh'i't",
            "oh ||sh|| ||it||",  # markdown is not distance
        ],
        [
            "he'll be fine",
            "we'd rather not",
            "the band's hit song",
            "don't, won't, can't",
            "it's a hit",
            "Shh, it is late",
            "I ate a bad- no, a good apple".replace("bad-", "bat-"),
            "as s-shaped as possible".replace("as s-", "an s-"),
            "kill your darlings",
            "skill yourself up",
            "I a m here",
            "#BadgeDay at the BadgerSett",
            "iPhone, McDonald, YouTube",
            "we camped at #HellCreek",
            "ba\n\n\nd",
            "sh, it is late",  # the end of a clause separates
            "Sh. It was late.",
            "I said sh; it woke her",
        ],
    ),
    *_cases(
        "drawn letters",
        [
            "that was |3ad",
            "that was ba|)",
            "oh s|-|it",
            "what the f|_|(k",
            "go to hel|",
            "oh \\/\\/ell, |3/\\|)",
            "oh s]-[it",
            "what the fu<k",
            "what the fu{k",
            "what the fuc|{",
        ],
        [
            "a | b | c",
            "smile :) (really)",
            "C:\\temp\\good_files",
            "either/or and/\\or",
            "(ad) news",
            "hello (world)",
            "he said || nothing",
            "if a<b and c{d} then",
            "<3 you, a < b",
        ],
    ),
    *_cases(
        "leet and respellings",
        ["that was 8ad", "oh 5h17", "what the fvck", "what the phuck", "you @ss"],
        ["gr8 m8, h8 it", "8ball and the 4th", "a fvnky phase", "it was 2024", "$5 and 10%"],
    ),
    *_cases(
        "look-alikes",
        [
            "that was 🅑🅐🅓",  # negative circled
            "that was 🅱🅰🅳",  # negative squared
            "that was 🅱\ufe0f🅰\ufe0f🅳\ufe0f",  # with emoji variation selectors
            "that was ⒷⒶⒹ",  # circled
            "that was 🄱🄰🄳",  # squared
            "that was ⒝⒜⒟",  # parenthesized
            "that was 🇧🇦🇩",  # regional indicators
            "that was 𝐛𝐚𝐝 𝖇𝖆𝖉",  # mathematical
            "that was ʙᴀᴅ",  # small capitals
            "that was вαԁ",  # Cyrillic and Greek
            "that was Ᏼᗅᗞ",  # Cherokee and Canadian syllabics
            "that was ꓐꓮꓓ",  # Lisu
            "oh ѕһіт",  # Cyrillic only, in an English sentence
            "that was bаd",  # one Cyrillic a
            "go to ｈｅｌｌ",  # fullwidth
            "oh ᔕᕼᓰᖶ",  # Canadian syllabics of fancy-text generators
            "that was ᗷᗩᗪ",
            "oh 丂卄丨ㄒ",  # CJK strokes
            "oh ʂɦɨƭ",  # hooked letters
            "oh ₴Ⱨ丨₮",  # currency signs
            "go to ɦɛɬɬ",
            "what the ƒυ¢к",  # f with a hook, the cent sign
            "that was ß4∂",  # an eszett beginning a word
            "oh ꮪꮋꮖꮦ",  # Cherokee small letters
            "оһ ѕһіт",  # wholly Cyrillic, every letter a look-alike
            "ΒΑΔ ΒΑΔ".replace("Δ", "D"),  # Greek capitals with a Latin D
        ],
        [
            "Привет, как дела? Всё хорошо.",
            "Καλημέρα, τι κάνεις; Είμαι καλά.",
            "Բարեւ, ինչպես ես",
            "naïve café déjà vu",
            "ⓗⓔⓛⓛⓞ friend",
            "สวัสดีครับ ผมชื่อสมชาย",
            "我不知道，你好吗？",
            "שלום עולם, מה שלומך",
            "Grüße aus der Straße",
            "вот это да, кот тут",  # Russian words of look-alikes only, beside real ones
            "Я не знаю, что сказать",
            "10¢ each and ∂f/∂x",
        ],
    ),
]
