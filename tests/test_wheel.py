"""``pip install`` of Inkwell's wheel gives a working Inkwell, with no source tree in sight.

The wheel is built from a copy of the checkout, installed into a fresh virtual environment
in a temporary folder, and its ``inkwell`` command writes a poem in the playground on the
embedded model. The dependencies (torch, transformers, discord.py…) come from the test's own
environment through a path entry placed after the new environment's site-packages, so the
installed ``inkwell`` is the only one found, and nothing is downloaded.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from tests.conftest import shared_model_cache

pytestmark = pytest.mark.model

ROOT = Path(__file__).resolve().parents[1]
PIP = (sys.executable, "-m", "pip", "-q")
SHIPPED = ("pyproject.toml", "README.md", "LICENSE", "inkwell", "bot", "cogs", "serving", "prompts")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("source")
    for name in SHIPPED:
        origin = ROOT / name
        if origin.is_dir() and not origin.is_symlink():
            shutil.copytree(origin, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(origin, source / name, follow_symlinks=False)
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [*PIP, "wheel", "--no-deps", "--no-build-isolation", "-w", str(dist), str(source)],
        check=True,
    )
    (built,) = dist.glob("inkwell-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv holding the wheel; returns its ``bin`` folder."""
    home = tmp_path_factory.mktemp("venv")
    venv.create(home, with_pip=True)  # its own pip, so `inkwell` runs this venv's python
    python = home / "bin" / "python"
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    # A plain path entry: the .pth files in there (our editable install) are not run.
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
        check=True,
    )
    return home / "bin"


def fresh_environment(home: Path) -> dict[str, str]:
    """What a new user's shell has: no PYTHONPATH, no checkout; the model cache they prepared."""
    return {
        "PATH": os.environ["PATH"],
        "HOME": str(home),
        "HF_HUB_OFFLINE": "1",
        "INKWELL_MODEL_CACHE": str(shared_model_cache().resolve()),
        "INKWELL_DATABASE": str(home / "inkwell.sqlite3"),
    }


def test_the_wheel_holds_the_package_data_and_not_the_tests_or_benchmarks(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "inkwell/prompts/poem.toml" in names
    assert "inkwell/prompts/system.txt" in names
    assert any(name.startswith("inkwell/bot/storage/migrations/0001_") for name in names)
    assert "inkwell/bot/services/filters/presets/profanity.txt" in names
    assert "inkwell/py.typed" in names
    assert not [name for name in names if name.startswith(("tests/", "bench/", "bot/", "cogs/"))]


def test_the_installed_package_is_imported_from_site_packages(
    installed: Path, tmp_path: Path
) -> None:
    result = subprocess.run(
        [str(installed / "python"), "-c", "import inkwell.cogs; print(inkwell.cogs.__file__)"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PATH": os.environ["PATH"]},
        check=True,
    )
    assert "site-packages" in result.stdout
    assert str(ROOT) not in result.stdout


def test_inkwell_play_writes_a_haiku_from_the_installed_wheel(
    installed: Path, tmp_path: Path, prepared_model_path: Path
) -> None:
    result = subprocess.run(
        [str(installed / "inkwell"), "play"],
        input='/poem form:haiku topic:"first snow"\n/quit\n',
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=fresh_environment(tmp_path),
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "Inkwell playground" in result.stdout
    written = result.stdout.split("first snow", 1)[-1]
    assert len([line for line in written.splitlines() if line.strip()]) >= 3, result.stdout
    assert (tmp_path / "inkwell.sqlite3").exists()


HOST_BOT = """
import asyncio

import discord
from discord.ext import commands

import bot  # the host's own packages, named like Inkwell's folders in a checkout
import cogs


class MyBot(commands.Bot):
    async def setup_hook(self) -> None:
        await self.load_extension("cogs.music")
        await self.load_extension("inkwell.cogs")


async def main() -> None:
    host = MyBot(command_prefix="!", intents=discord.Intents.default())
    async with host:
        await host.setup_hook()  # what login does first; Discord itself is out of reach here
        print(bot.NAME, sorted(host.cogs), sorted(c.name for c in host.tree.get_commands()))
    print("closed", sorted(host.extensions))


asyncio.run(main())
"""


def test_a_host_with_its_own_bot_and_cogs_packages_loads_inkwell(
    installed: Path, tmp_path: Path, prepared_model_path: Path
) -> None:
    (tmp_path / "bot").mkdir()
    (tmp_path / "bot" / "__init__.py").write_text('NAME = "my-bot"\n')
    (tmp_path / "cogs").mkdir()
    (tmp_path / "cogs" / "__init__.py").write_text("")
    (tmp_path / "cogs" / "music.py").write_text(
        "from discord.ext import commands\n\n"
        "class Music(commands.Cog):\n    pass\n\n"
        "async def setup(bot):\n    await bot.add_cog(Music())\n"
    )
    (tmp_path / "host.py").write_text(HOST_BOT)

    result = subprocess.run(
        [str(installed / "python"), "host.py"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=fresh_environment(tmp_path),
        timeout=600,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    loaded, closed = result.stdout.strip().splitlines()[-2:]
    assert loaded == (
        "my-bot ['Create', 'Filters', 'Lore', 'Music', 'Passages', 'Relay', 'Style'] "
        "['Continue', 'Describe', 'Give feedback', 'Rewrite in my style', 'continue-text', "
        "'describe', 'feedback', 'filters', 'lore', 'lyrics', 'poem', 'post', 'relay', "
        "'rewrite', 'story', 'style']"
    )
    assert closed == "closed []"
