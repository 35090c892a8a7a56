"""Settings come from INKWELL_* variables and .env; .env.example documents every one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import BaseModel

from inkwell.bot.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


def setting_names(model: type[BaseModel], prefix: str = "INKWELL_") -> set[str]:
    names: set[str] = set()
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            names |= setting_names(annotation, f"{prefix}{name.upper()}__")
        else:
            names.add(f"{prefix}{name.upper()}")
    return names


def test_env_example_lists_every_setting_with_a_comment() -> None:
    text = (ROOT / ".env.example").read_text()
    listed = re.findall(r"^(INKWELL_[A-Z_]+)=", text, flags=re.MULTILINE)
    assert set(listed) == setting_names(Settings)
    for name in listed:
        before = text[: text.index(f"\n{name}=")].rstrip().splitlines()[-1]
        assert before.startswith("#"), f"{name} has no comment above it"


def test_the_example_file_loads_as_is(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in setting_names(Settings):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(_env_file=ROOT / ".env.example")  # type: ignore[call-arg]
    assert settings.discord_token is None
    assert settings.llm.backend == "embedded"


def test_nested_settings_use_a_double_underscore(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INKWELL_LLM__BACKEND", "openai")
    monkeypatch.setenv("INKWELL_STREAM__EDIT_INTERVAL", "2.5")
    monkeypatch.setenv("INKWELL_DISCORD_TOKEN", "secret-token")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.llm.backend == "openai"
    assert settings.stream.edit_interval == 2.5
    assert "secret-token" not in repr(settings)
    assert settings.discord_token is not None
    assert settings.discord_token.get_secret_value() == "secret-token"
