"""The house rules of docs/ARCHITECTURE.md, checked module by module: arrows point down only.

Every import of every module counts, including those under ``TYPE_CHECKING`` and inside
functions: an arrow is an arrow. Relative imports are resolved to the module they name.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The folders that are the inkwell package, by the name they are imported as.
PACKAGE_FOLDERS = {"bot": "inkwell.bot", "cogs": "inkwell.cogs", "serving": "inkwell.serving"}
MODEL_LIBRARIES = ("openai", "transformers", "torch", "accelerate", "gguf", "safetensors")
SQL = ("aiosqlite", "sqlite3")
# What only the top of the house may know: the Discord side and the wiring.
DISCORD_SIDE = ("discord", "inkwell.cogs", "inkwell.bot.ui")
WIRING = ("inkwell.bot.app", "inkwell.bot.plugin", "inkwell.bot.runtime", "inkwell.bot.startup")
CONSOLE = ("inkwell.bot.console",)
BACKENDS = ("inkwell.serving.openai_backend", "inkwell.serving.embedded")


def module_name(path: Path) -> str:
    relative = path.relative_to(ROOT).with_suffix("")
    parts = list(relative.parts)
    parts[0] = PACKAGE_FOLDERS.get(parts[0], parts[0])
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, name: str | None = None) -> set[str]:
    """Every module ``path`` (the module ``name``) imports, by full dotted name."""
    name = name or module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            found.add(target)
            # ``from inkwell.bot import plugin`` imports the module inkwell.bot.plugin.
            found |= {f"{target}.{alias.name}" for alias in node.names}
    return found


def modules(*folders: str) -> Iterator[tuple[str, set[str]]]:
    for folder in folders:
        place = ROOT / folder
        for path in [place] if place.is_file() else sorted(place.rglob("*.py")):
            yield module_name(path), imports_of(path)


def reaches(imported: str, forbidden: tuple[str, ...]) -> bool:
    return any(imported == name or imported.startswith(f"{name}.") for name in forbidden)


def offenders(folders: tuple[str, ...], forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for module, imported in modules(*folders):
        bad = sorted(name for name in imported if reaches(name, forbidden))
        if bad:
            found[module] = bad
    return found


RULES = [
    pytest.param(
        ("bot", "cogs", "serving", "tests", "bench", "inkwell"),
        ("bot", "cogs", "serving", "prompts"),
        id="everything-imports-the-inkwell-names-never-the-checkout-folders",
    ),
    pytest.param(
        ("bot/services",),
        (
            *DISCORD_SIDE,
            *WIRING,
            *CONSOLE,
            *MODEL_LIBRARIES,
            *SQL,
            *BACKENDS,
            "inkwell.bot.storage.rows",
        ),
        id="services-know-no-discord-ui-cogs-or-storage-internals",
    ),
    pytest.param(
        ("bot/storage",),
        (*DISCORD_SIDE, *WIRING, *CONSOLE, *MODEL_LIBRARIES, *BACKENDS, "inkwell.bot.services"),
        id="storage-knows-the-records-never-the-services-above-it",
    ),
    pytest.param(
        ("bot/records",),
        (
            *DISCORD_SIDE,
            *WIRING,
            *CONSOLE,
            *MODEL_LIBRARIES,
            *SQL,
            "inkwell.serving",
            "inkwell.bot.services",
            "inkwell.bot.storage",
            "inkwell.bot.text",
        ),
        id="records-are-plain-values",
    ),
    pytest.param(
        ("bot/text",),
        (
            *DISCORD_SIDE,
            *WIRING,
            *CONSOLE,
            *MODEL_LIBRARIES,
            *SQL,
            "inkwell.bot.services",
            "inkwell.bot.storage",
        ),
        id="text-helpers-depend-on-nothing-of-inkwells",
    ),
    pytest.param(
        ("bot/ui",),
        (
            *WIRING,
            *CONSOLE,
            *MODEL_LIBRARIES,
            *SQL,
            *BACKENDS,
            "inkwell.cogs",
            "inkwell.bot.settings",
            "inkwell.bot.storage",
        ),
        id="ui-knows-services-never-the-runtime-settings-or-storage",
    ),
    pytest.param(
        ("cogs",),
        (
            *CONSOLE,
            *MODEL_LIBRARIES,
            *SQL,
            *BACKENDS,
            "inkwell.bot.app",
            "inkwell.bot.runtime",
            "inkwell.bot.storage",
        ),
        id="cogs-are-thin-no-storage-or-backends",
    ),
    pytest.param(
        ("bot/console",),
        (*DISCORD_SIDE, *MODEL_LIBRARIES, *SQL, "inkwell.bot.storage"),
        id="the-playground-uses-the-services-without-discord",
    ),
    pytest.param(
        ("serving",),
        ("discord", *SQL, "inkwell.bot", "inkwell.cogs"),
        id="serving-knows-nothing-of-discord-or-the-bot",
    ),
]


@pytest.mark.parametrize(("folders", "forbidden"), RULES)
def test_arrows_point_down_only(folders: tuple[str, ...], forbidden: tuple[str, ...]) -> None:
    assert offenders(folders, forbidden) == {}


def test_settings_depend_only_on_the_error_types() -> None:
    (imported,) = [found for name, found in modules("bot") if name == "inkwell.bot.settings"]
    ours = {name for name in imported if name.startswith("inkwell.")}
    assert ours <= {"inkwell.bot.errors", "inkwell.bot.errors.InkwellError", "inkwell.errors"}


def test_the_checker_sees_relative_and_type_checking_imports(tmp_path: Path) -> None:
    sample = tmp_path / "probe.py"
    sample.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from ..runtime import open_services\n"
        "def later():\n"
        "    from inkwell.bot import plugin\n"
    )
    imported = imports_of(sample, "inkwell.bot.ui.probe")
    assert "inkwell.bot.runtime" in imported
    assert "inkwell.bot.plugin" in imported


def test_the_root_error_type_imports_no_layer() -> None:
    """Every layer imports ``inkwell.errors``; it imports none of them back."""
    imported = imports_of(ROOT / "inkwell" / "errors.py")
    assert sorted(name for name in imported if reaches(name, ("inkwell",))) == []


def test_creation_and_relay_depend_on_the_content_policy_not_the_filters() -> None:
    """They check text through the protocols; the moderators' filters are one implementation."""
    found = dict(modules("bot/services/relay"))
    for name in ("creation", "creation_service"):
        found[f"inkwell.bot.services.{name}"] = imports_of(ROOT / "bot" / "services" / f"{name}.py")
    assert "inkwell.bot.services.content_policy" in found["inkwell.bot.services.creation_service"]
    filters = ("inkwell.bot.services.filters",)
    reached = {
        module: sorted(name for name in names if reaches(name, filters))
        for module, names in found.items()
    }
    assert {module: names for module, names in reached.items() if names} == {}
