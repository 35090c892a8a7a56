"""A post renders as the text a member pastes."""

from __future__ import annotations

import pytest

from inkwell.bot.text.post import Post


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
