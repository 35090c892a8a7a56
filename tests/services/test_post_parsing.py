"""The model's output, free or structured, is taken apart into a post."""

from __future__ import annotations

import pytest

from inkwell.bot.text.post import Post
from inkwell.bot.text.post_parsing import parse_post, parse_post_json

# --- parsing free text --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "post"),
    [
        pytest.param("Morning light.", Post("Morning light."), id="plain-text"),
        pytest.param(
            "Morning light. #nature #photo",
            Post("Morning light.", ("#nature", "#photo")),
            id="trailing-tags",
        ),
        pytest.param(
            "Morning light.\n\n#nature #photo",
            Post("Morning light.", ("#nature", "#photo")),
            id="tags-on-their-own-line",
        ),
        pytest.param(
            "Hashtags: #nature, #photo\nMorning light.",
            Post("Morning light.", ("#nature", "#photo")),
            id="labelled-tag-line",
        ),
        pytest.param(
            "Loving #poetry today.",
            Post("Loving poetry today.", ("#poetry",)),
            id="inline-tag-keeps-its-word",
        ),
        pytest.param(
            "I love #poetry #amwriting",
            Post("I love poetry", ("#poetry", "#amwriting")),
            id="trailing-run-after-a-word-keeps-the-first-as-a-word",
        ),
        pytest.param(
            "Sun! #Poetry #poetry #POETRY #haiku",
            Post("Sun!", ("#Poetry", "#haiku")),
            id="dedupes-case-insensitively-keeping-order",
        ),
        pytest.param(
            "C# is fun, #1 and &#39; stay. #2024",
            Post("C# is fun, #1 and &#39; stay. #2024"),
            id="not-hashtags",
        ),
        pytest.param("# Heading", Post("# Heading"), id="markdown-heading-is-no-tag"),
        pytest.param(
            "Caf\u00e9 time. #caf\u00e9_2024",
            Post("Caf\u00e9 time.", ("#caf\u00e9_2024",)),
            id="unicode-tag",
        ),
        pytest.param("Post: Morning light.", Post("Morning light."), id="post-label"),
        pytest.param("**Tweet:** Morning light.", Post("Morning light."), id="bold-tweet-label"),
        pytest.param("Tweet (X): Morning light.", Post("Morning light."), id="label-with-platform"),
        pytest.param(
            "## LinkedIn post\nMorning light.", Post("Morning light."), id="heading-label"
        ),
        pytest.param(
            'Sure! Here\'s your tweet:\n\n**Tweet:**\n"Morning light." #dawn',
            Post("Morning light.", ("#dawn",)),
            id="preamble-label-quotes-and-tag",
        ),
        pytest.param("\u201cMorning light.\u201d", Post("Morning light."), id="curly-quotes"),
        pytest.param(
            '"Hi," she said, "bye."',
            Post('"Hi," she said, "bye."'),
            id="quotes-that-do-not-wrap-the-whole-text-stay",
        ),
        pytest.param("```\nMorning light.\n```", Post("Morning light."), id="code-fence"),
        pytest.param(
            "Morning light.\n(Character count: 14)", Post("Morning light."), id="count-note-line"
        ),
        pytest.param(
            "Morning light. (14 characters)", Post("Morning light."), id="count-note-inline"
        ),
        pytest.param(
            "Fox in snow. #wildlife\nAlt text: A red fox curled up in fresh snow.",
            Post("Fox in snow.", ("#wildlife",), "A red fox curled up in fresh snow."),
            id="alt-text-line",
        ),
        pytest.param(
            "  Morning   light.\n\n\n\nSecond   line.  ",
            Post("Morning light.\n\nSecond line."),
            id="whitespace-tidied",
        ),
        pytest.param("Post:", Post("Post:"), id="a-bare-label-is-left-alone"),
        pytest.param(
            "Update: the book is out!",
            Post("Update: the book is out!"),
            id="update-is-the-members-word-not-a-label",
        ),
    ],
)
def test_parse_post(raw: str, post: Post) -> None:
    assert parse_post(raw) == post


# --- parsing structured output ------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "post"),
    [
        pytest.param(
            '{"text": "Morning light.", "hashtags": ["#dawn", "lake"], "alt_text": "A lake."}',
            Post("Morning light.", ("#dawn", "#lake"), "A lake."),
            id="full-shape-tags-with-and-without-hash",
        ),
        pytest.param('{"text": "Hi."}', Post("Hi."), id="only-text"),
        pytest.param(
            '{"text": "Hi.", "hashtags": null, "alt_text": null}', Post("Hi."), id="nulls"
        ),
        pytest.param(
            '{"text": "Hi. #one", "hashtags": ["two", "ONE"]}',
            Post("Hi.", ("#one", "#two")),
            id="tags-in-text-merged-and-deduped",
        ),
        pytest.param(
            '{"text": "Hi.", "hashtags": ["two words", "1", "", "ok"]}',
            Post("Hi.", ("#ok",)),
            id="invalid-tags-skipped",
        ),
        pytest.param('```json\n{"text": "Hi."}\n```', Post("Hi."), id="code-fenced-json"),
        pytest.param('{"text": "Hi.", "extra": 1}', Post("Hi."), id="extra-keys-ignored"),
    ],
)
def test_parse_post_json_reads_the_shape(raw: str, post: Post) -> None:
    assert parse_post_json(raw) == post


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("Morning light.", id="not-json"),
        pytest.param('{"text": "unterminated', id="broken-json"),
        pytest.param('["Hi."]', id="a-list"),
        pytest.param('{"body": "Hi."}', id="no-text"),
        pytest.param('{"text": 3}', id="text-not-a-string"),
        pytest.param('{"text": "Hi.", "hashtags": "#a"}', id="hashtags-not-a-list"),
        pytest.param('{"text": "Hi.", "hashtags": [1]}', id="hashtag-not-a-string"),
        pytest.param('{"text": "Hi.", "alt_text": 5}', id="alt-text-not-a-string"),
    ],
)
def test_parse_post_json_is_none_for_other_shapes(raw: str) -> None:
    assert parse_post_json(raw) is None
