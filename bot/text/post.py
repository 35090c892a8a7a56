"""The social post itself: body, hashtags and alt text, and the text a member pastes.

Parsing (:mod:`inkwell.bot.text.post_parsing`) makes these and fitting
(:mod:`inkwell.bot.text.post_fitting`) reshapes them; both agree on the rendered form
through :func:`render_post`, which is what the platforms count.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Post:
    """A social post. Hashtags carry their ``#`` ("#amwriting"); alt text is not counted."""

    body: str
    hashtags: tuple[str, ...] = ()
    alt_text: str | None = None

    def render(self) -> str:
        """The text to paste: the body, a blank line, the hashtags separated by spaces."""
        return render_post(self.body, self.hashtags)


def render_post(body: str, hashtags: tuple[str, ...]) -> str:
    """What :meth:`Post.render` gives for ``body`` and ``hashtags``.

    A function as well as the method so fitting can measure candidate bodies without
    building a :class:`Post` for each one.
    """
    tags = " ".join(hashtags)
    if not tags:
        return body
    if not body:
        return tags
    return f"{body}\n\n{tags}"
