"""Prompt assembly, laid out for vLLM's prefix cache.

Every prompt is, in this order:

1. the shared system prompt (byte-identical for every member and call),
2. the form's instructions (identical across members),
3. the member's style block,
4. history (relay turns so far, appended in order, never rewritten), then the lore
   entries the request brought in (:mod:`.lore`),
5. the request.

Parts 1–2 form the system message; 3–5 the user message. Nothing in 1–2 varies per member
or per call (no names, times or ids), so requests of one form share their cached prefix.
Sampling options (creativity) appear in no part: they change how the model draws words,
not the prompt.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from importlib.abc import Traversable
from string import Template
from typing import Any, Final

from inkwell.bot.records.styles import StyleRecord
from inkwell.bot.services.forms import FORMS, SAMPLING_OPTIONS, CreationRequest, FormName
from inkwell.serving.backend import ChatMessage

# The templates shipped with Inkwell (package data, found the same way installed or in a checkout).
DEFAULT_PROMPTS_DIR: Final[Traversable] = resources.files("inkwell.prompts")


def fill_lines(template: str, values: Mapping[str, str | None]) -> str:
    """Substitute ``$name`` placeholders; drop each line whose placeholders are all unset."""
    kept: list[str] = []
    for line in template.strip().splitlines():
        names = {
            match.group("named") or match.group("braced")
            for match in Template.pattern.finditer(line)
            if match.group("named") or match.group("braced")
        }
        if names and not any(values.get(name) for name in names):
            continue
        kept.append(Template(line).safe_substitute({k: v or "" for k, v in values.items()}))
    return "\n".join(kept)


@dataclass(frozen=True, slots=True)
class FormPrompt:
    instructions: str
    request: str
    choices: Mapping[str, Mapping[str, str]]
    max_tokens: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class StyleTemplate:
    header: str
    fields: Mapping[str, str]
    ratings: Mapping[str, str]
    pov: Mapping[str, str]


class PromptLibrary:
    """The templates in ``prompts/``, loaded once."""

    def __init__(
        self, system: str, forms: Mapping[FormName, FormPrompt], style: StyleTemplate
    ) -> None:
        self.system = system.strip()
        self.forms = forms
        self.style = style

    @classmethod
    def load(cls, folder: Traversable = DEFAULT_PROMPTS_DIR) -> PromptLibrary:
        def read_toml(name: str) -> dict[str, Any]:
            with (folder / name).open("rb") as handle:
                return tomllib.load(handle)

        forms: dict[FormName, FormPrompt] = {}
        for form in FORMS:
            data = read_toml(f"{form}.toml")
            forms[form] = FormPrompt(
                instructions=data["instructions"].strip(),
                request=data["request"].strip(),
                choices=data.get("choices", {}),
                max_tokens=data.get("max_tokens", {}),
            )
        style = read_toml("style.toml")
        return cls(
            system=(folder / "system.txt").read_text(encoding="utf-8"),
            forms=forms,
            style=StyleTemplate(
                header=style["header"],
                fields=style["fields"],
                ratings=style["ratings"],
                pov=style["pov"],
            ),
        )

    def system_message(self, form: FormName) -> ChatMessage:
        """Parts 1–2: the same bytes for every member asking for this form."""
        return ChatMessage("system", f"{self.system}\n\n{self.forms[form].instructions}")

    def style_block(self, style: StyleRecord) -> str:
        """Part 3: the member's style, one line per preference that is set."""
        lines: list[str] = []
        for name in StyleRecord.field_names():
            value = getattr(style, name)
            if not value or name in SAMPLING_OPTIONS:
                continue
            if name == "rating":
                value = self.style.ratings.get(value, value)
            elif name == "pov":
                value = self.style.pov.get(value, value)
            lines.append(Template(self.style.fields[name]).safe_substitute(value=value))
        return f"{self.style.header}\n" + "\n".join(lines) if lines else ""

    def request_text(self, request: CreationRequest) -> str:
        """Part 5: the request, with each chosen option spelled out for the model."""
        prompt = self.forms[request.form]
        values: dict[str, str | None] = {"subject": request.subject}
        for name, value in request.options.items():
            if isinstance(value, str) and name not in SAMPLING_OPTIONS:
                values[name] = prompt.choices.get(name, {}).get(value, value)
        return fill_lines(prompt.request, values)

    def max_tokens(self, request: CreationRequest) -> int:
        limits = self.forms[request.form].max_tokens
        for name, value in request.options.items():
            # A sampling option's values may share a name with a limit's key
            # (creativity:medium, length:medium) but say nothing about length.
            if name not in SAMPLING_OPTIONS and isinstance(value, str) and value in limits:
                return limits[value]
        return limits.get("default", 400)

    def messages(
        self,
        request: CreationRequest,
        style: StyleRecord,
        history: Sequence[str] = (),
        *,
        lore: str = "",
    ) -> tuple[ChatMessage, ...]:
        """The system message (parts 1–2, shared) and the member's: style, history, the
        lore the request brought in (part 4) and the request."""
        parts = [self.style_block(style), *history, lore, self.request_text(request)]
        user = "\n\n".join(part for part in parts if part)
        return (self.system_message(request.form), ChatMessage("user", user))
