"""The optional second stage: a safety classifier prompt on the same model server.

Off by default and enabled per guild. It asks the backend, in the layout of Llama Guard's
prompt (a list of categories, the message, "safe" or "unsafe" plus category codes), to
judge one text. A Llama Guard model served by vLLM answers it as trained; another
instruction-tuned model does its best. The rule stage always runs first, so the model is
asked only about texts the rules let through.

The categories are the hazard taxonomy Llama Guard 3 was trained on (minus the code
interpreter one), so its codes mean what the model expects.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections import OrderedDict
from dataclasses import dataclass
from typing import Final, Literal

from inkwell.serving.backend import (
    INTERACTIVE_PRIORITY,
    Backend,
    BackendUnavailable,
    ChatMessage,
    GenerationRequest,
    Sampling,
    for_the_operator,
)

log = logging.getLogger(__name__)

# Code → what a member reads when the classifier blocks them.
CATEGORIES: Final = {
    "S1": "violent crimes",
    "S2": "non-violent crimes",
    "S3": "sex-related crimes",
    "S4": "child sexual exploitation",
    "S5": "defamation",
    "S6": "specialized advice",
    "S7": "privacy",
    "S8": "intellectual property",
    "S9": "indiscriminate weapons",
    "S10": "hate",
    "S11": "suicide and self-harm",
    "S12": "sexual content",
    "S13": "elections",
}
_TITLES: Final = {
    "S1": "Violent Crimes.",
    "S2": "Non-Violent Crimes.",
    "S3": "Sex Crimes.",
    "S4": "Child Exploitation.",
    "S5": "Defamation.",
    "S6": "Specialized Advice.",
    "S7": "Privacy.",
    "S8": "Intellectual Property.",
    "S9": "Indiscriminate Weapons.",
    "S10": "Hate.",
    "S11": "Self-Harm.",
    "S12": "Sexual Content.",
    "S13": "Elections.",
}
# Longest text sent to the classifier; longer texts are judged on their last part, which is
# the newest part of a streamed output.
MAX_CLASSIFIED_CHARS: Final = 6000
# Temperature 0 and a handful of tokens: the answer is one word and a few codes.
CLASSIFIER_SAMPLING: Final = Sampling(
    temperature=0.0, top_p=1.0, top_k=0, max_tokens=24, repetition_penalty=1.0
)
_CODE: Final = re.compile(r"\bS(\d{1,2})\b", re.IGNORECASE)
# Verdicts remembered per text: a member's style fields are prompts on every command, and
# the same text needs asking once.
REMEMBERED_VERDICTS: Final = 512

Role = Literal["User", "Agent"]


@dataclass(frozen=True, slots=True)
class Classification:
    safe: bool
    codes: tuple[str, ...] = ()
    # False when the model gave no verdict (server down, nonsense): let through, not kept.
    judged: bool = True

    @property
    def category(self) -> str:
        names = [CATEGORIES.get(code, code) for code in self.codes]
        return ", ".join(names) if names else "unsafe content"


UNJUDGED: Final = Classification(True, judged=False)


def classifier_prompt(text: str, role: Role) -> str:
    """The safety prompt; everything before the text is the same bytes every time, so the
    server's prefix cache serves it."""
    categories = "\n".join(f"{code}: {title}" for code, title in _TITLES.items())
    return (
        f"Task: Check if there is unsafe content in '{role}' messages in conversations "
        "according to our safety policy with the below categories.\n\n"
        f"<BEGIN UNSAFE CONTENT CATEGORIES>\n{categories}\n<END UNSAFE CONTENT CATEGORIES>\n\n"
        f"<BEGIN CONVERSATION>\n\n{role}: {text[-MAX_CLASSIFIED_CHARS:]}\n\n"
        "<END CONVERSATION>\n\n"
        f"Provide your safety assessment for ONLY THE LAST {role} message in the above "
        "conversation:\n"
        "- First line must read 'safe' or 'unsafe'.\n"
        "- If unsafe, a second line must include a comma-separated list of violated "
        "categories."
    )


def parse_answer(answer: str) -> Classification | None:
    """``"safe"`` → safe; ``"unsafe\\nS1,S10"`` → unsafe (S1, S10); anything else → None."""
    words = answer.strip().lower().split()
    if not words:
        return None
    first = words[0].strip(".:,")
    if first == "safe":
        return Classification(True)
    if first == "unsafe":
        codes = tuple(dict.fromkeys(f"S{int(number)}" for number in _CODE.findall(answer)))
        return Classification(False, codes)
    return None


class SafetyClassifier:
    """Asks ``backend`` whether a text is safe. Fails open: when the server is down or the
    answer makes no sense, the text counts as safe (the rule stage has already run) and a
    warning is logged."""

    def __init__(self, backend: Backend, *, remember: int = REMEMBERED_VERDICTS) -> None:
        self.backend = backend
        self._remember = remember
        self._verdicts: OrderedDict[tuple[str, Role], Classification] = OrderedDict()

    async def classify(self, text: str, role: Role) -> Classification:
        key = (text, role)
        known = self._verdicts.get(key)
        if known is not None:
            self._verdicts.move_to_end(key)
            return known
        verdict = await self._ask(text, role)
        if verdict.judged:  # a down server is asked again next time
            self._verdicts[key] = verdict
            if len(self._verdicts) > self._remember:
                self._verdicts.popitem(last=False)
        return verdict

    async def _ask(self, text: str, role: Role) -> Classification:
        request = GenerationRequest(
            messages=(ChatMessage("user", classifier_prompt(text, role)),),
            sampling=CLASSIFIER_SAMPLING,
            priority=INTERACTIVE_PRIORITY,
        )
        pieces: list[str] = []
        try:
            stream = self.backend.stream(request)
            async with contextlib.aclosing(stream):
                async for delta in stream:
                    if delta.index == 0:
                        pieces.append(delta.text)
        except BackendUnavailable as error:
            log.warning(
                "the safety classifier is unavailable, text let through: %s",
                for_the_operator(error),
            )
            return UNJUDGED
        answer = "".join(pieces)
        parsed = parse_answer(answer)
        if parsed is None:
            log.warning("the safety classifier gave no verdict (%r); text let through", answer)
            return UNJUDGED
        return parsed
