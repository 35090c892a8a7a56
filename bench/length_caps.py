"""How many pieces reach their token budget (``finish_reason == "length"``) on the embedded
model, and how they end once cut back: ``python -m bench.length_caps [--prompts DIR]``.

Eight fixed requests (four stories, four posts), one piece each, seeded, written through the
real :class:`~inkwell.bot.services.creation_service.CreationService` one after another.
``--prompts`` points at another copy of ``prompts/`` to compare token budgets; ``--forms``
keeps only some requests (``story:short,post``) to keep a comparison short.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from collections.abc import AsyncGenerator, Sequence
from pathlib import Path

from inkwell.bot.services.creation_service import CreationService
from inkwell.bot.services.limits import Cooldowns, GuildConcurrency
from inkwell.bot.services.origin import Origin
from inkwell.bot.services.prompts import PromptLibrary
from inkwell.bot.services.styles import StyleService
from inkwell.bot.storage.database import Database
from inkwell.serving.backend import Backend, Delta, GenerationRequest, Sampling

REQUESTS: tuple[tuple[str, str, dict[str, str]], ...] = (
    ("story", "a lighthouse keeper finds a message in a bottle", {"length": "short"}),
    ("story", "a heist on a night train", {"length": "short"}),
    ("story", "a girl who can hear the city's thoughts", {"length": "medium"}),
    ("story", "the last bakery on the moon", {"length": "medium"}),
    ("post", "our bakery opens on saturday with free samples", {"platform": "x"}),
    ("post", "a holiday craft fair at the library", {"platform": "x"}),
    ("post", "we just released version 2.0 of our app", {"platform": "bluesky"}),
    ("post", "a sunset hike with the photography club", {"platform": "instagram"}),
)


class FinishRecorder:
    """A backend that notes each generation's finish reason on its way through."""

    def __init__(self, inner: Backend) -> None:
        self.inner = inner
        self.name = inner.name
        self.reasons: list[str] = []

    async def start(self) -> None:
        await self.inner.start()

    async def close(self) -> None:
        await self.inner.close()

    async def stream(self, request: GenerationRequest) -> AsyncGenerator[Delta, None]:
        async for delta in self.inner.stream(request):
            if delta.finish_reason is not None:
                self.reasons.append(delta.finish_reason)
            yield delta


def chosen(forms: str | None) -> list[tuple[str, str, dict[str, str]]]:
    """``story:short,post`` → the short stories and every post."""
    if not forms:
        return list(REQUESTS)
    wanted = [name.strip().split(":") for name in forms.split(",") if name.strip()]
    return [
        request
        for request in REQUESTS
        if any(
            parts[0] == request[0] and (len(parts) == 1 or parts[1] in request[2].values())
            for parts in wanted
        )
    ]


async def run(model_dir: Path, prompts: Path | None, forms: str | None) -> list[dict[str, object]]:
    from inkwell.serving.embedded import EmbeddedBackend

    backend = FinishRecorder(EmbeddedBackend(model_dir))
    await backend.start()
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as folder:
        database = Database(Path(folder) / "bench.sqlite3")
        await database.open()
        service = CreationService(
            backend,
            StyleService(database),
            PromptLibrary.load(prompts) if prompts else PromptLibrary.load(),
            Cooldowns(1000, 0.0),
            GuildConcurrency(1),
            sampling=Sampling(seed=7),
        )
        try:
            for form, subject, options in chosen(forms):
                request = service.validate(form, subject, options)
                seen = len(backend.reasons)
                began = time.monotonic()
                creation = await service.begin(request, Origin(user_id=1))
                async for _text in creation.write():
                    pass
                rows.append(
                    {
                        "form": f"{form} {next(iter(options.values()))}",
                        "max_tokens": service.prompts.max_tokens(request),
                        "finish": backend.reasons[seen:],
                        "cut": creation.cut,
                        "chars": len(creation.current),
                        "seconds": round(time.monotonic() - began, 1),
                        "ending": creation.current[-60:],
                    }
                )
                print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
        finally:
            await database.close()
            await backend.close()
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.length_caps", description=__doc__)
    parser.add_argument("--prompts", type=Path, default=None, help="another prompts/ folder")
    parser.add_argument("--forms", default=None, help="e.g. story:short,post (default all)")
    args = parser.parse_args(argv)
    from inkwell.serving.prepare import default_cache_dir

    rows = asyncio.run(run(default_cache_dir() / "SmolLM2-135M-Instruct", args.prompts, args.forms))
    hit = sum(1 for row in rows if row["cut"])  # cut: the budget stopped it, not Stop
    print(f"{hit}/{len(rows)} pieces reached their token budget")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
