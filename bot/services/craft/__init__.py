"""Craft: checking (and constraining) the form of poems and lyrics, and the voice of stories,
with no Discord in sight.

SmolLM2-135M writes weakly, so form is checked in code rather than hoped for:

- :mod:`.syllables` counts syllables from the CMU Pronouncing Dictionary (every valid
  pronunciation, so a line has a set of possible totals), :mod:`.estimate` from spelling
  when a word is unknown, and :mod:`.language` declines to count what is not English;
- :mod:`.rhyme` decides whether two line endings rhyme;
- :mod:`.poems` (with :mod:`.rhymed` and :mod:`.villanelle`) checks each poem form and
  :mod:`.lyrics` the song structures, each answering a frozen :class:`.verdict.Verdict`
  with per-line facts, problems naming their lines, and a score for ranking candidates;
- :mod:`.report` turns a verdict into the one line shown under a piece
  (``haiku · 5-7-5 ✓``);
- :mod:`.constraints` builds the regular expressions a vLLM server enforces while it
  generates, so some of the form cannot go wrong in the first place;
- :mod:`.voice` reads a story's point of view and tense from its narration (:mod:`.narration`
  sets the dialogue aside), scores candidates against what was asked and reports it in one
  line (``story · first person ✓ · past tense ✓``), or says it is not sure.

The dictionary loads once, lazily, on first use (:func:`.syllables.preload` to load it at
start-up instead).
"""

from __future__ import annotations

from inkwell.bot.services.craft.constraints import (
    lyrics_regex,
    poem_regex,
    structured_outputs,
)
from inkwell.bot.services.craft.lyrics import check_lyrics
from inkwell.bot.services.craft.poems import (
    check_acrostic,
    check_free_verse,
    check_haiku,
    check_limerick,
    check_poem,
    check_sonnet,
    check_tanka,
    check_villanelle,
)
from inkwell.bot.services.craft.report import report_line
from inkwell.bot.services.craft.rhyme import rhymes
from inkwell.bot.services.craft.syllables import line_syllables, preload, word_syllables
from inkwell.bot.services.craft.verdict import LineFact, Problem, Verdict, best, ranked
from inkwell.bot.services.craft.voice import (
    Finding,
    VoiceMatch,
    VoiceReading,
    best_voice,
    match_voice,
    read_voice,
    voice_report,
)

__all__ = [
    "Finding",
    "LineFact",
    "Problem",
    "Verdict",
    "VoiceMatch",
    "VoiceReading",
    "best",
    "best_voice",
    "check_acrostic",
    "check_free_verse",
    "check_haiku",
    "check_limerick",
    "check_lyrics",
    "check_poem",
    "check_sonnet",
    "check_tanka",
    "check_villanelle",
    "line_syllables",
    "lyrics_regex",
    "match_voice",
    "poem_regex",
    "preload",
    "ranked",
    "read_voice",
    "report_line",
    "rhymes",
    "structured_outputs",
    "voice_report",
    "word_syllables",
]
