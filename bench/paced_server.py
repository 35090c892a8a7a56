"""An OpenAI-compatible server that streams canned text at a GPU server's pace, in a
process of its own: ``python -m bench.paced_server --port N``.

The paced stub (:mod:`bench.paced`) measures the bot without a model competing for its
CPU but skips the HTTP client; behind this server the bot's real openai backend (httpx,
SSE parsing, response objects) runs as it would against a vLLM on a GPU host. Pieces follow
:class:`~bench.paced.PacedBackend`: 20 tokens/s, chunked by the request's ``stream_interval``.
It serves one model per mean piece length, named ``paced-<tokens>``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from aiohttp import web

from bench.paced import PacedBackend

LENGTHS = (10, 40, 200)


def model_name(tokens: int) -> str:
    return f"paced-{tokens}"


def _chunk(model: str, index: int, text: str, finish_reason: str | None) -> bytes:
    choice = {"index": index, "delta": {"content": text}, "finish_reason": finish_reason}
    body = {
        "id": "chatcmpl-paced",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": model,
        "choices": [choice],
    }
    return b"data: " + json.dumps(body).encode() + b"\n\n"


def build_app() -> web.Application:
    pacers = {model_name(tokens): PacedBackend(tokens=tokens) for tokens in LENGTHS}

    async def models(request: web.Request) -> web.Response:
        data = [{"id": name, "object": "model", "owned_by": "bench"} for name in pacers]
        return web.json_response({"object": "list", "data": data})

    async def chat(request: web.Request) -> web.StreamResponse:
        body = await request.json()
        model = body["model"]
        pacer = pacers[model]
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        chunk = int(body.get("stream_interval") or 1)
        async for delta in pacer.deltas(int(body.get("n") or 1), chunk):
            await response.write(_chunk(model, delta.index, delta.text, delta.finish_reason))
        await response.write(b"data: [DONE]\n\n")
        return response

    app = web.Application()
    app.router.add_get("/v1/models", models)
    app.router.add_post("/v1/chat/completions", chat)
    return app


@contextmanager
def paced_server(port: int) -> Iterator[str]:
    """Run the server in a child process; yields its base URL (``.../v1``)."""
    process = subprocess.Popen([sys.executable, "-m", "bench.paced_server", "--port", str(port)])
    base_url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base_url}/models", timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the paced server did not start") from None
                time.sleep(0.1)
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=10)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.paced_server", description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    web.run_app(build_app(), host="127.0.0.1", port=args.port, print=None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
