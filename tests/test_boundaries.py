"""The house rules of DESIGN.md, checked: arrows point down only."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def imported_modules(folder: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / folder).rglob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(ROOT))] = names
    return found


@pytest.mark.parametrize(
    ("folder", "forbidden"),
    [
        pytest.param(
            "bot/services", {"discord", "openai", "transformers", "torch", "cogs"}, id="services"
        ),
        pytest.param(
            "bot/storage", {"discord", "openai", "transformers", "torch", "cogs"}, id="storage"
        ),
        pytest.param("bot/text", {"discord", "openai", "transformers", "torch", "cogs"}, id="text"),
        pytest.param("serving", {"discord", "aiosqlite", "bot", "cogs"}, id="serving"),
    ],
)
def test_lower_layers_never_import_upper_ones(folder: str, forbidden: set[str]) -> None:
    offenders = {
        module: sorted(names & forbidden)
        for module, names in imported_modules(folder).items()
        if names & forbidden
    }
    assert offenders == {}


def test_cogs_never_touch_sql_or_backends_directly() -> None:
    offenders = {
        module: sorted(names & {"aiosqlite", "sqlite3", "openai", "transformers", "torch"})
        for module, names in imported_modules("cogs").items()
        if names & {"aiosqlite", "sqlite3", "openai", "transformers", "torch"}
    }
    assert offenders == {}
