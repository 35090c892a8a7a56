"""The house rules of DESIGN.md, checked: arrows point down only."""

from __future__ import annotations

import ast
import subprocess
import sys
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


def full_imports(path: Path) -> set[str]:
    """Every absolute module name ``path`` imports from, dotted in full."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize(
    "module",
    ["cogs/relay.py", "bot/ui/relay_views.py", "bot/ui/relay_notifier.py", "bot/console_relay.py"],
)
def test_the_relay_front_ends_take_their_records_from_the_service(module: str) -> None:
    storage = sorted(
        name for name in full_imports(ROOT / module) if name.startswith("inkwell.bot.storage")
    )
    assert storage == []


@pytest.mark.parametrize(
    "first", ["inkwell.bot.storage.relay", "inkwell.bot.services.relay.models"]
)
def test_relay_storage_and_its_records_import_in_either_order(first: str) -> None:
    """Storage imports the service's records; the service must not need storage back."""
    imported = subprocess.run(
        [sys.executable, "-c", f"import {first}"], cwd=ROOT, capture_output=True, text=True
    )
    assert imported.returncode == 0, imported.stderr
