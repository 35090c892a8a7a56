"""``python -m tests.console.pty_playground DATABASE``: the playground as ``inkwell play``
builds it for this terminal, on a scripted backend that holds each piece after its first
words until it is stopped (so a test can press Ctrl-C mid-stream)."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from inkwell.bot.runtime import open_services
from inkwell.bot.settings import Settings
from inkwell.bot.startup import console_playground
from tests.fakes import ScriptedBackend


async def main(database: Path) -> int:
    settings = Settings(_env_file=None, database=database)  # type: ignore[call-arg]
    backend = ScriptedBackend(["Snow ", "on ", "the ", "pine."], pause=asyncio.Event())
    services = await open_services(settings, backend=backend, apply_cooldowns=False)
    try:
        await console_playground(services, settings).run()
    finally:
        await services.close()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(Path(sys.argv[1]))))
