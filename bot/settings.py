"""Inkwell's configuration: environment variables prefixed ``INKWELL_``, or a ``.env`` file.

Nested sections use ``__``: ``INKWELL_LLM__BACKEND=openai``, ``INKWELL_STREAM__EDIT_INTERVAL=1.5``.
Tests build ``Settings(_env_file=None, ...)`` so a developer's ``.env`` never leaks in.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from inkwell.bot.errors import InkwellError

DEFAULT_MODEL_DIR_NAME = "SmolLM2-135M-Instruct"


class LLMSettings(BaseModel):
    backend: Literal["embedded", "openai"] = "embedded"
    # openai backend: an OpenAI-compatible server such as vLLM.
    base_url: str = "http://127.0.0.1:8000/v1"
    model: str = "SmolLM2-135M-Instruct"
    api_key: SecretStr | None = None
    connect_timeout: float = Field(default=5.0, gt=0)
    # Longest wait for the next piece of text before the member is told the server is slow.
    read_timeout: float = Field(default=60.0, gt=0)
    # Longest wait for the server to start on a request. A busy vLLM queues requests, and a
    # member keeps their place rather than being sent to the back; an interaction can be
    # edited for 15 minutes, so this leaves the text time to arrive.
    queue_timeout: float = Field(default=300.0, gt=0, le=600)
    # vLLM sends streamed text in chunks of this many tokens (the first and last at once).
    # Messages are edited about once a second, so per-token chunks only cost CPU on both sides.
    stream_interval: int = Field(default=8, ge=1)
    # embedded backend: a Hugging Face model directory; empty means the prepared default model.
    model_path: Path | None = None
    # Sampling defaults.
    temperature: float = Field(default=0.8, ge=0, le=2)
    top_p: float = Field(default=0.95, gt=0, le=1)
    top_k: int = Field(default=50, ge=0)
    repetition_penalty: float = Field(default=1.1, gt=0)


class StreamSettings(BaseModel):
    edit_interval: float = Field(default=1.0, ge=0.2)


class LimitSettings(BaseModel):
    cooldown_rate: int = Field(default=1, ge=1)
    cooldown_seconds: float = Field(default=10.0, ge=0)
    guild_concurrency: int = Field(default=4, ge=1)
    max_prompt_chars: int = Field(default=1000, ge=1, le=4000)


class RelaySettings(BaseModel):
    # The model's context window in tokens (SmolLM2: 8192). Half of it may hold the story;
    # older turns are summarised beyond that.
    context_tokens: int = Field(default=8192, ge=512)
    # Characters per token, for estimating sizes without a tokenizer.
    chars_per_token: float = Field(default=4.0, gt=0)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="INKWELL_",
        env_nested_delimiter="__",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        # `KEY=` lines in .env (as in .env.example) mean "use the default".
        env_ignore_empty=True,
    )

    discord_token: SecretStr | None = None
    dev_guild_id: int | None = None
    database: Path = Path("data/inkwell.sqlite3")
    model_cache: Path = Path(".cache/models")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # `inkwell run` only: tune the garbage collector for many concurrent streams
    # (bot/garbage_collection.py; measured in bench/RESULTS.md). The plugin never does.
    tune_gc: bool = False

    llm: LLMSettings = LLMSettings()
    stream: StreamSettings = StreamSettings()
    limits: LimitSettings = LimitSettings()
    relay: RelaySettings = RelaySettings()

    @property
    def embedded_model_path(self) -> Path:
        return self.llm.model_path or self.model_cache / DEFAULT_MODEL_DIR_NAME


def load_settings() -> Settings:
    """Settings from the environment and ``.env``; a bad value names its variable."""
    try:
        return Settings()
    except ValidationError as error:
        problems = "; ".join(
            f"INKWELL_{'__'.join(str(part) for part in e['loc']).upper()}: {e['msg']}"
            for e in error.errors()
        )
        raise InkwellError(f"The configuration is not valid: {problems}") from error
