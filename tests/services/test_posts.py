"""Social posts fit their platform, counted the way each platform counts."""

from __future__ import annotations

import random

import pytest

from inkwell.bot.text.posts import (
    ELLIPSIS,
    MAX_HASHTAGS,
    PLATFORM_LIMITS,
    PLATFORMS,
    Platform,
    Post,
    fit_post,
    fits,
    graphemes,
    parse_post,
    parse_post_json,
    post_length,
    suggest_hashtags,
)

WOMAN_TECHNOLOGIST = "\U0001f469\u200d\U0001f4bb"
FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
THUMBS_UP_MEDIUM = "\U0001f44d\U0001f3fd"
FLAG_FR = "\U0001f1eb\U0001f1f7"
FLAG_DE = "\U0001f1e9\U0001f1ea"
KEYCAP_ONE = "1\ufe0f\u20e3"
LONG_URL = "https://example.com/a/very/long/path/that/goes/on/and/on"


# --- counting -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "platform", "length"),
    [
        pytest.param("hello", "x", 5, id="x-latin-weighs-1"),
        pytest.param("caf\u00e9", "x", 4, id="x-accented-latin-weighs-1"),
        pytest.param("cafe\u0301", "x", 4, id="x-normalizes-to-nfc-first"),
        pytest.param("\u65e5\u672c\u8a9e", "x", 6, id="x-cjk-weighs-2"),
        pytest.param("\u201cquoted\u201d", "x", 8, id="x-curly-quotes-weigh-1"),
        pytest.param("\u2026", "x", 2, id="x-ellipsis-weighs-2"),
        pytest.param("\U0001f44d", "x", 2, id="x-emoji-weighs-2"),
        pytest.param(THUMBS_UP_MEDIUM, "x", 2, id="x-skin-tone-sequence-weighs-2"),
        pytest.param(WOMAN_TECHNOLOGIST, "x", 2, id="x-zwj-sequence-weighs-2"),
        pytest.param(FAMILY, "x", 2, id="x-family-weighs-2"),
        pytest.param(FLAG_FR + FLAG_DE, "x", 4, id="x-two-flags-weigh-4"),
        pytest.param(KEYCAP_ONE, "x", 2, id="x-keycap-weighs-2"),
        pytest.param(LONG_URL, "x", 23, id="x-url-weighs-23"),
        pytest.param("https://t.co", "x", 23, id="x-short-url-weighs-23-too"),
        pytest.param(f"Read {LONG_URL}.", "x", 5 + 23 + 1, id="x-url-excludes-final-period"),
        pytest.param("see example.com now", "x", 4 + 23 + 4, id="x-bare-domain-is-a-url"),
        pytest.param("t.co/abc", "x", 23, id="x-short-domain-with-path-is-a-url"),
        pytest.param("one sentence.No space", "x", 21, id="x-typo-is-not-a-url"),
        pytest.param("me@example.com", "x", 14, id="x-email-is-not-a-url"),
        pytest.param("a\nb", "x", 3, id="x-newline-weighs-1"),
        pytest.param("hello", "bluesky", 5, id="bluesky-latin"),
        pytest.param("cafe\u0301", "bluesky", 4, id="bluesky-combining-accent-joins"),
        pytest.param(WOMAN_TECHNOLOGIST, "bluesky", 1, id="bluesky-zwj-sequence-is-one"),
        pytest.param(FAMILY, "bluesky", 1, id="bluesky-family-is-one"),
        pytest.param(THUMBS_UP_MEDIUM, "bluesky", 1, id="bluesky-skin-tone-is-one"),
        pytest.param(FLAG_FR + FLAG_DE, "bluesky", 2, id="bluesky-flags-pair-up"),
        pytest.param(KEYCAP_ONE, "bluesky", 1, id="bluesky-keycap-is-one"),
        pytest.param("\u1100\u1161\u11a8", "bluesky", 1, id="bluesky-hangul-jamo-make-one"),
        pytest.param(LONG_URL, "bluesky", len(LONG_URL), id="bluesky-url-counts-in-full"),
        pytest.param(LONG_URL, "mastodon", 23, id="mastodon-url-weighs-23"),
        pytest.param("see example.com", "mastodon", 15, id="mastodon-needs-a-scheme"),
        pytest.param(WOMAN_TECHNOLOGIST, "mastodon", 3, id="mastodon-code-points"),
        pytest.param(WOMAN_TECHNOLOGIST, "threads", 3, id="threads-code-points"),
        pytest.param(LONG_URL, "instagram", len(LONG_URL), id="instagram-code-points"),
        pytest.param("\u65e5\u672c\u8a9e", "linkedin", 3, id="linkedin-code-points"),
    ],
)
def test_post_length_counts_like_the_platform(text: str, platform: Platform, length: int) -> None:
    assert post_length(text, platform) == length


@pytest.mark.parametrize(
    ("text", "clusters"),
    [
        pytest.param("abc", ["a", "b", "c"], id="plain"),
        pytest.param("e\u0301x", ["e\u0301", "x"], id="combining-mark"),
        pytest.param("\u2764\ufe0f!", ["\u2764\ufe0f", "!"], id="variation-selector"),
        pytest.param(FLAG_FR + FLAG_DE, [FLAG_FR, FLAG_DE], id="flags"),
        pytest.param("a\r\nb", ["a", "\r\n", "b"], id="crlf-is-one"),
        pytest.param(
            "\u0915\u200d\u0937", ["\u0915\u200d", "\u0937"], id="zwj-between-letters-does-not-join"
        ),
    ],
)
def test_graphemes(text: str, clusters: list[str]) -> None:
    assert graphemes(text) == clusters


@pytest.mark.parametrize(
    ("post", "rendered"),
    [
        pytest.param(Post("Hello."), "Hello.", id="body-only"),
        pytest.param(Post("Hello.", ("#a", "#b")), "Hello.\n\n#a #b", id="body-and-tags"),
        pytest.param(Post("", ("#a",)), "#a", id="tags-only"),
        pytest.param(Post("Hi", alt_text="a fox"), "Hi", id="alt-text-is-not-rendered"),
    ],
)
def test_render(post: Post, rendered: str) -> None:
    assert post.render() == rendered


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


# --- fitting ------------------------------------------------------------------------------


def words(count: int, word: str = "word") -> str:
    return " ".join([word] * count)


def sentence(length: int) -> str:
    """A sentence of exactly ``length`` characters: "aaaa aaaa … aa."."""
    body = " ".join(["aaaa"] * (length // 5 + 1))[: length - 1].rstrip()
    body = body.ljust(length - 1, "a")
    return body + "."


@pytest.mark.parametrize(
    ("post", "platform", "fitted"),
    [
        pytest.param(Post("x" * 280), "x", Post("x" * 280), id="exactly-at-the-limit-is-untouched"),
        pytest.param(
            Post("x" * 270, ("#abcdefg",)),
            "x",
            Post("x" * 270, ("#abcdefg",)),
            id="exactly-at-the-limit-with-a-tag",
        ),
        pytest.param(
            Post("Hi.", ("#a", "#b", "#c")),
            "threads",
            Post("Hi.", ("#a",)),
            id="threads-keeps-one-tag",
        ),
        pytest.param(
            Post("Hi.", tuple(f"#t{n}" for n in range(8))),
            "instagram",
            Post("Hi.", ("#t0", "#t1", "#t2", "#t3", "#t4")),
            id="instagram-keeps-five-tags",
        ),
        pytest.param(
            Post("x" * 273, ("#ab", "#cd")),
            "x",
            Post("x" * 273, ("#ab",)),
            id="hashtags-go-before-the-body-is-cut",
        ),
        pytest.param(
            Post(sentence(100) + " " + sentence(100) + " " + sentence(100)),
            "x",
            Post(sentence(100) + " " + sentence(100)),
            id="cut-at-a-sentence-boundary",
        ),
        pytest.param(
            Post(words(100, "word")),
            "x",
            Post(words(55, "word") + ELLIPSIS),
            id="cut-after-a-word-with-an-ellipsis-counted",
        ),
        pytest.param(
            Post(words(60, "seven,")),
            "x",
            Post(words(39, "seven,") + " seven" + ELLIPSIS),
            id="dangling-comma-gives-way-to-the-ellipsis",
        ),
        pytest.param(
            Post(words(100, "word"), alt_text="A lake."),
            "x",
            Post(words(55, "word") + ELLIPSIS, alt_text="A lake."),
            id="alt-text-is-kept",
        ),
    ],
)
def test_fit_post(post: Post, platform: Platform, fitted: Post) -> None:
    assert fit_post(post, platform) == fitted


def test_a_short_first_sentence_gives_way_to_a_longer_word_cut() -> None:
    post = Post("Dawn. " + words(100, "word"))
    fitted = fit_post(post, "x")
    assert fitted.body == "Dawn. " + words(54, "word") + ELLIPSIS


def test_one_hashtag_stays_while_the_body_is_cut() -> None:
    fitted = fit_post(Post(words(100), ("#amwriting", "#poetry")), "x")
    assert fitted.hashtags == ("#amwriting",)
    assert fitted.body.endswith(ELLIPSIS)
    assert post_length(fitted.render(), "x") <= 280


def test_a_word_longer_than_the_limit_is_cut_hard() -> None:
    fitted = fit_post(Post("x" * 400, ("#tag",)), "x")
    assert fitted == Post("x" * 278 + ELLIPSIS)


@pytest.mark.parametrize(
    ("body", "platform"),
    [
        pytest.param("\U0001f30a " * 200, "x", id="x-emoji-words"),
        pytest.param(f"{WOMAN_TECHNOLOGIST} " * 200, "bluesky", id="bluesky-zwj-words"),
        pytest.param(
            "\u6625\u306e\u671d\u3001\u6e56\u306f\u9759\u304b" * 40, "x", id="x-cjk-no-spaces"
        ),
        pytest.param(f"Look {LONG_URL} " * 20, "x", id="x-urls-are-never-split"),
        pytest.param(f"Look {LONG_URL} " * 30, "mastodon", id="mastodon-urls"),
    ],
)
def test_fitted_posts_fit_and_keep_whole_units(body: str, platform: Platform) -> None:
    fitted = fit_post(Post(body, ("#tag",)), platform)
    assert post_length(fitted.render(), platform) <= PLATFORM_LIMITS[platform]
    assert fitted.body.endswith(ELLIPSIS)
    kept = fitted.body.removesuffix(ELLIPSIS)
    assert body.startswith(kept)
    assert graphemes(kept) == graphemes(body)[: len(graphemes(kept))]
    after = body[len(kept)]
    assert after.isspace() or "\u3040" <= after <= "\u9fff", "the cut is between words"


def test_cjk_is_cut_at_a_sentence_mark() -> None:
    body = "\u6625\u306e\u671d\u3002" * 100  # "Spring morning." a hundred times, no spaces
    fitted = fit_post(Post(body), "x")
    assert fitted.body == "\u6625\u306e\u671d\u3002" * 35


@pytest.mark.parametrize(
    ("post", "platform", "expected"),
    [
        pytest.param(Post("x" * 280), "x", True, id="at-the-limit"),
        pytest.param(Post("x" * 281), "x", False, id="one-over"),
        pytest.param(Post("\u65e5" * 140), "x", True, id="cjk-at-the-weighted-limit"),
        pytest.param(Post("\u65e5" * 141), "x", False, id="cjk-over-the-weighted-limit"),
        pytest.param(Post("\u65e5" * 300), "bluesky", True, id="bluesky-counts-graphemes"),
        pytest.param(Post("Hi.", ("#a", "#b")), "threads", False, id="too-many-tags"),
        pytest.param(Post("Hi.", ("#a", "#b")), "x", True, id="allowed-tags"),
        pytest.param(Post("x" * 3000), "linkedin", True, id="linkedin-limit"),
    ],
)
def test_fits(post: Post, platform: Platform, expected: bool) -> None:
    assert fits(post, platform) is expected


@pytest.mark.parametrize("platform", PLATFORMS)
def test_fit_post_leaves_a_fitting_post_alone_and_is_idempotent(platform: Platform) -> None:
    post = Post("A short post.", ("#one",))
    assert fit_post(post, platform) == post
    long_post = Post(words(800), ("#one", "#two", "#three"))
    once = fit_post(long_post, platform)
    assert fits(once, platform)
    assert fit_post(once, platform) == once


# --- properties over random texts ---------------------------------------------------------

VOCABULARY = [
    "the", "lake", "was", "still", "herons", "waited,", "dawn.", "Why?", "reflection",
    "\U0001f30a", THUMBS_UP_MEDIUM, FLAG_FR, "\u6e56", "caf\u00e9", "na\u00efve", "\u2014",
    "https://example.com/x", "example.org", "extraordinarily", "light!", "\u201cquiet\u201d",
    "end.\n\nNew", "line\nbreak",
]  # fmt: skip
TAGS = ["#poetry", "#amwriting", "#nature", "#haiku", "#photography", "#dawn"]


@pytest.mark.parametrize("seed", range(5), ids=lambda seed: f"seed-{seed}")
def test_every_fitted_post_fits_and_never_ends_in_part_of_a_word(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(150):
        platform = rng.choice(PLATFORMS)
        body = " ".join(rng.choices(VOCABULARY, k=rng.randint(1, 900)))
        post = Post(body, tuple(rng.sample(TAGS, rng.randint(0, len(TAGS)))))

        fitted = fit_post(post, platform)

        assert post_length(fitted.render(), platform) <= PLATFORM_LIMITS[platform]
        assert fitted.hashtags == post.hashtags[: len(fitted.hashtags)]
        assert len(fitted.hashtags) <= MAX_HASHTAGS[platform]
        if fitted.body == body:
            continue
        kept = fitted.body.removesuffix(ELLIPSIS).split()
        original = body.split()
        assert kept[:-1] == original[: len(kept) - 1]
        last, whole = kept[-1], original[len(kept) - 1]
        assert whole.startswith(last)
        assert all(not char.isalnum() for char in whole[len(last) :]), (last, whole)


@pytest.mark.parametrize(
    ("topic", "platform", "expected"),
    [
        pytest.param("our bakery opens saturday", "x", ("#bakery",), id="one-for-x"),
        pytest.param(
            "the new poetry zine", "mastodon", ("#poetry", "#zine"), id="two-for-mastodon"
        ),
        pytest.param("a an the", "x", (), id="nothing-distinctive"),
    ],
)
def test_hashtags_are_suggested_from_the_topic(
    topic: str, platform: Platform, expected: tuple[str, ...]
) -> None:
    assert suggest_hashtags(topic, platform) == expected
