"""What a server's filters are before its moderators configure anything.

Two shipped presets, on what Inkwell writes only, blocking: ``slurs`` and ``self-harm``.
Inkwell posts in public under the server's name, so it should not be the one to bring a slur
or a suicide method into a channel nobody asked it to; a small model can wander there from
an innocent prompt (a zine launch post came back about suicide). What members ask for is
left alone: a poem about a friend lost to suicide is a subject, not an attack, and whether
prompts are checked is a moderator's call. The presets are put in place once, as if a
moderator had enabled them, so ``/filters settings`` shows them and ``/filters preset
disable`` takes them away for good.
"""

from __future__ import annotations

from typing import Final

from inkwell.bot.records.filters import PresetRecord

DEFAULT_PRESETS: Final = (
    PresetRecord("self-harm", "block", "outputs"),
    PresetRecord("slurs", "block", "outputs"),
)
