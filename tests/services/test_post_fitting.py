"""Posts are made to fit their platform without cutting inside a word."""

from __future__ import annotations

import random

import pytest

from inkwell.bot.text.graphemes import graphemes
from inkwell.bot.text.platforms import MAX_HASHTAGS, PLATFORM_LIMITS, PLATFORMS, Platform
from inkwell.bot.text.post import Post
from inkwell.bot.text.post_fitting import ELLIPSIS, fit_post, fits
from inkwell.bot.text.post_length import post_length
from tests.services.text_samples import FLAG_FR, LONG_URL, THUMBS_UP_MEDIUM, WOMAN_TECHNOLOGIST


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
