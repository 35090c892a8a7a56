"""Creativity: the member's say in how the model samples, as three plain levels.

A member picks ``low``, ``medium`` or ``high`` (on the command, or once in their style); the
level moves two sampling knobs together. Temperature reshapes the whole distribution of the
next token; top-p decides how much of its unlikely tail may be drawn at all. They move in
step because each alone does half the job: a hotter temperature with the tail still cut
only reshuffles the words already allowed, and a wider top-p at a cool temperature admits
words that almost never come up. Creativity is sampling, never instructions: the prompt
does not mention it (see ``SAMPLING_OPTIONS`` in :mod:`.forms`).

The values are chosen for SmolLM2-135M, the smallest model Inkwell runs (larger models
usually stay coherent over a wider range, so values safe for it are safe for them):

- ``medium`` is the configured sampling itself (``llm.temperature`` / ``llm.top_p``, 0.8 /
  0.95 unless the bot owner changed them), so an owner who tuned them keeps that tuning as
  what members get by default;
- ``low`` is temperature 0.5, top-p 0.85: the likelier wording, and the rarest 15 % of the
  probability mass, where a small model's odd words come from, never drawn. Not lower: at
  0.3 the model starts repeating its own sentences within 150 words ("She had always loved
  …" twice), and different seeds open with the same sentence, so Regenerate offers little;
- ``high`` is temperature 1.05, top-p 0.98: the model's own distribution slightly
  flattened, with almost all of the tail allowed, for less expected word choices that
  still read as sentences. Not higher: at 1.3 sentences run on and lose their thread.

Those observations come from a small trial, not a benchmark (three 160-token stories per
setting, seeds 1–3, the embedded model, one /story prompt); the benchmarks measure speed,
not prose. ``low`` is never wilder than the configured default and ``high`` never tamer, so
the three levels keep their order even when an owner configures an unusual default
(greedy decoding for a demonstration, say).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Final, get_args

from inkwell.bot.errors import InvalidInput
from inkwell.bot.records.styles import StyleRecord
from inkwell.bot.services.forms import CreationRequest, Creativity
from inkwell.serving.backend import Sampling

CREATIVITY_LEVELS: Final[tuple[Creativity, ...]] = get_args(Creativity)
LOW_TEMPERATURE: Final = 0.5
LOW_TOP_P: Final = 0.85
HIGH_TEMPERATURE: Final = 1.05
HIGH_TOP_P: Final = 0.98


def creative_sampling(configured: Sampling, creativity: str | None) -> Sampling:
    """``configured`` (which is ``medium``) moved to ``creativity``; unset means medium.

    Raises :class:`InvalidInput` for a level that does not exist: commands and styles check
    their values before this, so only a caller's mistake gets here, and it gets a sentence.
    """
    if creativity is None or creativity == "medium":
        return configured
    if creativity == "low":
        return replace(
            configured,
            temperature=min(configured.temperature, LOW_TEMPERATURE),
            top_p=min(configured.top_p, LOW_TOP_P),
        )
    if creativity == "high":
        return replace(
            configured,
            temperature=max(configured.temperature, HIGH_TEMPERATURE),
            top_p=max(configured.top_p, HIGH_TOP_P),
        )
    raise InvalidInput(f"creativity must be one of: {', '.join(CREATIVITY_LEVELS)}.")


def sampling_for_call(
    configured: Sampling, request: CreationRequest, style: StyleRecord
) -> Sampling:
    """The sampling of one command: the creativity it names, else its style's.

    ``style`` is the layered style of the call (the member's own, else the server's
    default), so a member who never chose gets the server's choice, and then medium.
    """
    return creative_sampling(configured, request.text_option("creativity") or style.creativity)
