"""A social post from what the model wrote: the schema it is asked to follow, the text
shown while it streams, and the finished post fitted to its platform.

With structured output (vLLM) the model writes JSON. ``max_tokens`` can stop it inside the
``"text"`` string, and then the JSON does not parse: the text written so far is still in
there, and is what the member gets (:func:`partial_post_text`), never the raw JSON.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any, Final

from inkwell.bot.services.forms import CreationRequest
from inkwell.bot.text.endings import cut_to_complete
from inkwell.bot.text.hashtags import suggest_hashtags
from inkwell.bot.text.model_output import strip_chatter
from inkwell.bot.text.platforms import PLATFORM_LIMITS, PLATFORMS, Platform
from inkwell.bot.text.post_fitting import fit_post
from inkwell.bot.text.post_parsing import parse_post, parse_post_json

DEFAULT_PLATFORM: Final[Platform] = "x"


def post_schema(platform: Platform, max_hashtags: int = 3) -> dict[str, Any]:
    """JSON schema for structured post output; the bounds keep a small model from rambling."""
    return {
        "type": "object",
        "properties": {
            "text": {"type": "string", "minLength": 1, "maxLength": PLATFORM_LIMITS[platform]},
            "hashtags": {
                "type": "array",
                "items": {"type": "string", "pattern": "^#[A-Za-z][A-Za-z0-9_]{0,30}$"},
                "maxItems": max_hashtags,
            },
        },
        "required": ["text", "hashtags"],
        "additionalProperties": False,
    }


# The "text" field's string as far as it goes: closed, or cut off by the end of the output.
_TEXT_FIELD: Final = re.compile(r'"text"\s*:\s*"((?:[^"\\]|\\.)*)')
# What an unfinished string may end with that cannot be decoded yet: a lone backslash, a
# \u escape missing digits, or the first half of a surrogate pair whose second never came.
_DANGLING_ESCAPE: Final = re.compile(
    r"(?:\\u[dD][89abAB][0-9a-fA-F]{2}(?:\\u?[0-9a-fA-F]{0,3})?|\\u[0-9a-fA-F]{0,3}|\\)\Z"
)


def partial_post_text(raw: str) -> str:
    """The value of the ``"text"`` field in JSON output that may be cut or malformed.

    JSON escapes are decoded (``\\n``, ``\\"``, ``\\u00e9``, surrogate pairs); a dangling
    escape or half a surrogate pair at the cut is dropped. ``""`` when no text field began.
    """
    match = _TEXT_FIELD.search(raw)
    if not match:
        return ""
    fragment = _DANGLING_ESCAPE.sub("", match.group(1))
    try:
        return str(json.loads(f'"{fragment}"'))
    except json.JSONDecodeError:
        # A raw control character or a broken escape: decode each escape that can be.
        return re.sub(r"\\(.)", lambda escape: _SIMPLE_ESCAPES.get(escape[1], ""), fragment)


_SIMPLE_ESCAPES: Final = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "/": "/", "r": ""}


def looks_like_json(raw: str) -> bool:
    """Whether output is (the start of) a JSON object rather than free text."""
    text = raw.lstrip().removeprefix("```json").removeprefix("```").lstrip()
    return text.startswith("{")


def platform_of(request: CreationRequest) -> Platform:
    value = request.text_option("platform")
    return next((platform for platform in PLATFORMS if platform == value), DEFAULT_PLATFORM)


def finish_post(request: CreationRequest, raw: str, *, structured: bool, cut: bool) -> str:
    """The post as members read it: parsed, cleaned, fitted to its platform.

    ``structured``: the model was asked for JSON; output that is not whole JSON is read for
    its ``"text"`` field. ``cut``: the token budget stopped the model, so the body goes back
    to its last complete sentence (hashtags the model wrote are kept, or suggested).
    """
    post = parse_post_json(raw) if structured else None
    if post is None:
        text = partial_post_text(raw) if looks_like_json(raw) else raw
        post = parse_post(strip_chatter(text, "post"))
    if cut:
        post = replace(post, body=cut_to_complete(post.body, "sentence"))
    platform = platform_of(request)
    if not post.hashtags:
        post = replace(post, hashtags=suggest_hashtags(request.subject, platform))
    return fit_post(post, platform).render()
