"""split_message: Discord-sized chunks, cut at the nicest break, markdown kept whole."""

from __future__ import annotations

import random
import re

import pytest

from inkwell.bot.text.splitting import MESSAGE_LIMIT, split_message

WORDS = [
    "quill",
    "ink",
    "margin",
    "stanza",
    "verse",
    "chapter",
    "draft",
    "ember",
    "lantern",
    "harbour",
]


def prose(n_words: int, *, offset: int = 0) -> str:
    return " ".join(WORDS[(i + offset) % len(WORDS)] for i in range(n_words))


def paragraphs(n: int, words_each: int) -> str:
    return "\n\n".join(prose(words_each, offset=k) for k in range(n))


LONG_CODE = (
    "Here is the script:\n\n```python\n"
    + "\n".join(f"    value_{i} = compute({i})  # step {i}" for i in range(120))
    + "\n```\nThat is all."
)
BOLD_ACROSS = prose(300) + " **" + prose(40) + "** " + prose(20)
HUGE_WORD = "a" * 5000
UNICODE = "Schnee fällt leise 🌨️ über den Hügel — 雪が静かに降る。 " * 60
NO_SPACES_CJK = "雪が静かに降る夜に言葉が灯る" * 300


def normalized_words(text: str) -> list[str]:
    """The words of ``text`` with every markdown marker (added or original) removed."""
    text = re.sub(r"```[\w+#.\-]*", " ", text)
    return re.sub(r"[*_~|`]", "", text).split()


CASES = [
    pytest.param(prose(1200), MESSAGE_LIMIT, 4, id="plain-long-text"),
    pytest.param(paragraphs(12, 60), MESSAGE_LIMIT, 3, id="paragraphs"),
    pytest.param(LONG_CODE, MESSAGE_LIMIT, 3, id="code-block-across-limit"),
    pytest.param(BOLD_ACROSS, MESSAGE_LIMIT, 2, id="bold-across-boundary"),
    pytest.param(HUGE_WORD, MESSAGE_LIMIT, 3, id="5000-char-word"),
    pytest.param("y" * MESSAGE_LIMIT, MESSAGE_LIMIT, 1, id="exactly-2000"),
    pytest.param("y" * (MESSAGE_LIMIT + 1), MESSAGE_LIMIT, 2, id="2001"),
    pytest.param(UNICODE, MESSAGE_LIMIT, 2, id="unicode"),
    pytest.param(NO_SPACES_CJK, MESSAGE_LIMIT, 3, id="unicode-no-spaces"),
    pytest.param("short and sweet", MESSAGE_LIMIT, 1, id="short"),
    pytest.param("  \n\n  padded  \n ", MESSAGE_LIMIT, 1, id="padded-short"),
    pytest.param(paragraphs(5, 30), 300, 5, id="small-limit"),
]


@pytest.mark.parametrize(("text", "limit", "expected_chunks"), CASES)
def test_chunks_fit_are_trimmed_and_lose_nothing(text: str, limit: int, expected_chunks: int):
    chunks = split_message(text, limit)

    assert len(chunks) == expected_chunks
    for chunk in chunks:
        assert 0 < len(chunk) <= limit
        assert chunk == chunk.strip()
    if any(c.isspace() for c in text.strip()):
        assert normalized_words(" ".join(chunks)) == normalized_words(text)
    else:  # one long "word": cut in the middle, every character kept
        assert "".join(chunks) == text.strip()


@pytest.mark.parametrize("text", ["", "   ", "\n\n\t"])
def test_blank_text_gives_no_chunks(text: str):
    assert split_message(text) == []


def test_prefers_paragraph_break():
    first, second = prose(170), prose(170, offset=3)
    text = f"{first}\n\n{second}"
    assert len(text) > MESSAGE_LIMIT

    assert split_message(text) == [first, second]


def test_prefers_line_break_over_space():
    lines = [prose(12, offset=k) for k in range(40)]
    text = "\n".join(lines)

    chunks = split_message(text)

    assert len(chunks) > 1
    for chunk in chunks:
        # Every chunk is made of whole lines.
        assert all(line in lines for line in chunk.split("\n"))


def test_cuts_at_a_space_never_mid_word():
    text = prose(1000)
    chunks = split_message(text)
    assert all(chunk.split(" ")[-1] in WORDS for chunk in chunks)
    assert all(chunk.split(" ")[0] in WORDS for chunk in chunks)


def test_a_short_break_does_not_make_a_tiny_chunk():
    text = "Hi!\n\n" + prose(600)
    chunks = split_message(text)
    assert len(chunks[0]) > MESSAGE_LIMIT // 2


def test_code_fence_is_closed_and_reopened_with_its_language():
    chunks = split_message(LONG_CODE)

    assert chunks[0].startswith("Here is the script:\n\n```python\n")
    for chunk in chunks[:-1]:
        assert chunk.endswith("\n```")
    for chunk in chunks[1:]:
        assert chunk.startswith("```python\n    value_")  # indentation kept
    for chunk in chunks:
        assert chunk.count("```") % 2 == 0
    assert chunks[-1].endswith("```\nThat is all.")


def test_unfinished_code_fence_is_still_closed_at_the_cut():
    text = "```js\n" + "console.log(1);\n" * 300  # a model halfway through its code
    chunks = split_message(text)

    assert chunks[0].endswith("\n```")
    assert chunks[1].startswith("```js\n")
    assert chunks[-1].count("```") == 1  # as unfinished as the text itself


def test_no_empty_code_block_when_the_cut_falls_on_the_closing_fence():
    body = "\n".join(["x = 1"] * 330)  # just under the limit with its fence
    text = f"```py\n{body}\n```\n\n" + prose(100)
    chunks = split_message(text)

    assert chunks[0] == f"```py\n{body}\n```"
    assert not chunks[1].startswith("```")


def test_bold_open_at_the_cut_is_closed_and_reopened():
    text = "**" + prose(500) + "**"
    chunks = split_message(text)

    assert len(chunks) == 2
    assert chunks[0].startswith("**")
    assert chunks[0].endswith("**")
    assert chunks[1].startswith("**")
    assert chunks[1].endswith("**")


def test_cut_outside_a_span_is_preferred_when_it_keeps_most_of_the_chunk():
    chunks = split_message(BOLD_ACROSS)
    assert chunks[0] == prose(300)
    assert chunks[1].startswith("**")


@pytest.mark.parametrize("marker", ["*", "__", "~~", "||", "`"])
def test_every_inline_span_survives_the_cut(marker: str):
    text = f"{marker}{prose(450)}{marker} and the rest"
    chunks = split_message(text)

    assert len(chunks) == 2
    assert chunks[0].startswith(marker)
    assert chunks[0].endswith(marker)
    assert chunks[1].startswith(marker)
    assert chunks[1].endswith("and the rest")


def test_markers_count_towards_the_limit():
    text = "**" + "b" * 4000 + "**"
    chunks = split_message(text)

    assert all(len(chunk) <= MESSAGE_LIMIT for chunk in chunks)
    assert all(chunk.startswith("**") and chunk.endswith("**") for chunk in chunks)
    assert "".join(chunk.strip("*") for chunk in chunks) == "b" * 4000


def test_stray_asterisks_are_not_markdown():
    text = "5 * 3 = 15 and * bullets " * 120
    chunks = split_message(text)
    assert " ".join(chunks).split() == text.split()


def test_hard_cut_keeps_emoji_with_their_modifiers():
    text = "x" + "👍🏽" * 1500
    chunks = split_message(text)

    assert "".join(chunks) == text.strip()
    assert all(not chunk.startswith("🏽") for chunk in chunks)


def test_limit_too_small_is_refused():
    with pytest.raises(ValueError, match="at least"):
        split_message("hello", limit=10)


FUZZ_PIECES = ["**", "*", "__", "~~", "||", "`", "```py\n", "```", "\n", "\n\n", "  ", "\t"]
FUZZ_PIECES += ["émoji🌨️", "x" * 300, "\\*", "5 * 3", "lorem ", "ipsum ", "dolor;\n", "sit "]


def markup_free(text: str) -> str:
    """Every character but whitespace and markdown markers (a fence's tag is always "py")."""
    return re.sub(r"[*_~|`]", "", "".join(text.split())).replace("py", "")


@pytest.mark.parametrize("seed", range(300))
def test_random_markdown_soup_keeps_every_character_within_the_limit(seed: int):
    rng = random.Random(seed)
    text = "".join(rng.choice(FUZZ_PIECES) for _ in range(rng.randint(10, 900)))
    limit = rng.choice([100, 500, MESSAGE_LIMIT])

    chunks = split_message(text, limit)

    assert all(0 < len(chunk) <= limit and chunk == chunk.strip() for chunk in chunks)
    assert markup_free(" ".join(chunks)) == markup_free(text)
