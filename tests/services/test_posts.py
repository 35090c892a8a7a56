"""A post's JSON cut by the token budget still gives its text, never the raw JSON."""

from __future__ import annotations

import pytest

from inkwell.bot.services.forms import CreationRequest
from inkwell.bot.services.posts import finish_post, partial_post_text


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        pytest.param('{"text": "Morning light.", "hashtags": []}', "Morning light.", id="whole"),
        pytest.param('{"text":"🌟🎁 Gifts for all', "🌟🎁 Gifts for all", id="cut-in-the-text"),
        pytest.param('{"text": "Line one\\nLine \\"two', 'Line one\nLine "two', id="escapes"),
        pytest.param('{"text": "Caf\\u00e9 time\\', "Café time", id="dangling-backslash"),
        pytest.param('{"text": "Caf\\u00e', "Caf", id="unfinished-unicode-escape"),
        pytest.param('{"text": "Go \\ud83c', "Go ", id="half-a-surrogate-pair"),
        pytest.param('{"text": "Go \\ud83c\\udf1', "Go ", id="half-of-the-second-half"),
        pytest.param('{"text": "Go \\ud83c\\udf1f!', "Go 🌟!", id="a-whole-surrogate-pair"),
        pytest.param('{"text": "tab\there', "tab\there", id="a-raw-control-character"),
        pytest.param('{"hashtags": ["#a"', "", id="no-text-field-yet"),
    ],
)
def test_the_text_field_is_read_from_json_however_it_was_cut(raw: str, text: str) -> None:
    assert partial_post_text(raw) == text


def test_a_malformed_json_post_is_shown_as_its_text_fitted_with_hashtags() -> None:
    request = CreationRequest("post", "holiday fair", {"platform": "x"})
    raw = '{"text": "Join us at the fair! Bring a friend and", "hashtags": ["#Fair'
    shown = finish_post(request, raw, structured=True, cut=True)
    assert shown.startswith("Join us at the fair!\n\n#")
    assert "{" not in shown
    assert '"' not in shown


def test_free_text_that_opens_a_json_object_is_read_as_json_too() -> None:
    request = CreationRequest("post", "launch", {"platform": "bluesky"})
    shown = finish_post(request, '{"text": "We launched.', structured=False, cut=False)
    assert shown.startswith("We launched.")
