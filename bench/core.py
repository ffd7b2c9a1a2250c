"""Core benchmarks of the kiosk: template validation, one engine step, one case submission.

Prints one line per figure with its target. Figures go in the session notes, never in tests:
nothing here asserts anything about time.

    .venv/bin/python bench/core.py              # SQLite only
    .venv/bin/python bench/core.py --postgres   # also the submission on a throw-away PostgreSQL
    .venv/bin/python bench/core.py --profile engine   # cProfile one workload (validate, engine,
                                                       # submit) instead of measuring
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import os
import pstats
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

from figures import ms, percentile

from kiosk import template_loader
from kiosk.answers_file import parse_answers_file, submit_answers
from kiosk.interview import Interview, Party
from kiosk.samples import SAMPLE_BIRTH_DATE, sample_answers, sample_flat_answers
from kiosk.settings import PROJECT_ROOT
from kiosk.station import Station, open_station
from kiosk.template_loader import load_template_file, shipped_template_files
from kiosk.template_model import Template
from kiosk.template_store import publish_shipped_templates

TEMPLATES_DIR = PROJECT_ROOT / "templates"

VALIDATE_RUNS = 50
VALIDATE_WARMUP = 3
ENGINE_MIN_STEPS = 6000
ENGINE_WARMUP_PASSES = 20  # whole interviews per template before measuring
SUBMISSIONS = 200
SUBMIT_WARMUP = 15

ENGINE_P99_TARGET_MS = 1.0
SUBMIT_P50_TARGET_MS = 20.0


# -- helpers -------------------------------------------------------------------------------




def line(label: str, value_ms: float, target_ms: float | None = None) -> None:
    if target_ms is None:
        print(f"{label}: {value_ms:.3f} ms (no target)")
    else:
        verdict = "met" if value_ms < target_ms else "MISSED"
        print(f"{label}: {value_ms:.3f} ms (target < {target_ms:g} ms: {verdict})")
    sys.stdout.flush()


@contextmanager
def gc_paused() -> Iterator[None]:
    """No collector pauses inside a measured block (collected between samples instead)."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def shipped_templates() -> dict[str, Template]:
    return {t.id: t for t in (load_template_file(p) for p in shipped_template_files(TEMPLATES_DIR))}


def sample_clock() -> tuple[date, datetime]:
    """The today/now that samples.sample_flat_answers uses, so the answers stay valid."""
    today = date.today()
    return today, datetime.combine(today, datetime.min.time()).replace(hour=16)


# -- 1. validating the shipped templates ---------------------------------------------------


def validate_all() -> None:
    """Parses and checks every shipped template from scratch: the loader's cache (which makes
    every later parse of the same text a lookup) is emptied first, so this times the loader."""
    template_loader._parsed.clear()
    for path in shipped_template_files(TEMPLATES_DIR):
        load_template_file(path)


def bench_validate() -> None:
    files = shipped_template_files(TEMPLATES_DIR)
    for _ in range(VALIDATE_WARMUP):
        validate_all()
    samples = []
    for _ in range(VALIDATE_RUNS):
        with gc_paused():
            start = time.perf_counter_ns()
            validate_all()
            samples.append(time.perf_counter_ns() - start)
    values = [ms(s) for s in samples]
    print(f"# validating all {len(files)} shipped templates ({', '.join(p.stem for p in files)}),"
          f" {VALIDATE_RUNS} runs of the whole set")
    line("validate all templates median", statistics.median(values))
    line("validate all templates p99", percentile(values, 99))


# -- 2. one engine step --------------------------------------------------------------------


def answer_order(template: Template, flat: dict[str, Any], party: Party, today: date,
                 now: datetime) -> list[tuple[str, Any]]:
    """The answers in the order the screens ask them (as answers_file._answer_in_order)."""
    interview = Interview(template, {}, party, today, now)
    ordered: list[tuple[str, Any]] = []
    given: set[str] = set()
    while True:
        pending = [s.path for s in interview.screens if s.path in flat and s.path not in given]
        if not pending:
            return ordered
        path = pending[0]
        given.add(path)
        ordered.append((path, flat[path]))
        interview = interview.with_answer(path, flat[path])


def engine_pass(template: Template, ordered: list[tuple[str, Any]], party: Party, today: date,
                now: datetime, out: list[int] | None) -> None:
    """One whole interview, step by step; each step's time is appended to `out`."""
    interview = Interview(template, {}, party, today, now)
    interview.screens  # the kiosk shows the first screen before any answer  # noqa: B018
    clock = time.perf_counter_ns
    for path, value in ordered:
        start = clock()
        interview = interview.with_answer(path, value)
        interview.next_screen(path)  # reads .screens (and the path index)
        hit = interview.exclusion()
        elapsed = clock() - start
        if hit is not None:
            raise RuntimeError(f"{template.id}: sample answer to {path} ends the fast-track")
        if out is not None:
            out.append(elapsed)


def engine_workloads() -> list[tuple[Template, list[tuple[str, Any]], Party, date, datetime]]:
    today, now = sample_clock()
    party = Party(SAMPLE_BIRTH_DATE, "male", "CHN")
    workloads = []
    for template in shipped_templates().values():
        flat = sample_flat_answers(template, "zh", today)
        workloads.append((template, answer_order(template, flat, party, today, now), party,
                          today, now))
    return workloads


def bench_engine() -> None:
    workloads = engine_workloads()
    per_pass = sum(len(w[1]) for w in workloads)
    for _ in range(ENGINE_WARMUP_PASSES):
        for template, ordered, party, today, now in workloads:
            engine_pass(template, ordered, party, today, now, None)
    repetitions = -(-ENGINE_MIN_STEPS // per_pass)
    samples: list[int] = []
    per_template: dict[str, list[int]] = {w[0].id: [] for w in workloads}
    for _ in range(repetitions):
        with gc_paused():
            for template, ordered, party, today, now in workloads:
                steps: list[int] = []
                engine_pass(template, ordered, party, today, now, steps)
                per_template[template.id].extend(steps)
                samples.extend(steps)
    values = [ms(s) for s in samples]
    print(f"# engine step: with_answer + .screens/next_screen + .exclusion(), "
          f"{len(values)} steps ({repetitions} passes over "
          + ", ".join(f"{w[0].id} {len(w[1])} screens" for w in workloads) + ")")
    line("engine step p50", statistics.median(values))
    line("engine step p99", percentile(values, 99), ENGINE_P99_TARGET_MS)
    line("engine step max", max(values))
    for template_id, steps in per_template.items():
        vals = [ms(s) for s in steps]
        print(f"  {template_id}: p50 {statistics.median(vals):.3f} ms, "
              f"p99 {percentile(vals, 99):.3f} ms, max {max(vals):.3f} ms")


# -- 3./4. submitting a whole case ---------------------------------------------------------


def station_env(database_url: str, data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env.update({"KIOSK_DATABASE_URL": database_url, "KIOSK_DATA_DIR": str(data_dir)})
    return env


def submission_texts(station: Station) -> list[str]:
    """One answers file (JSON text) per shipped case-type (offender's) template, for the
    station's today; victims' and witnesses' templates are answered within a case, not opened."""
    today = station.today()
    language = station.settings.languages[0]
    return [json.dumps(sample_answers(t, language, today=today), ensure_ascii=False)
            for t in shipped_templates().values() if t.role == "offender"]


def submit_loop(station: Station, texts: list[str], count: int,
                out: list[int] | None) -> None:
    for i in range(count):
        text = texts[i % len(texts)]
        start = time.perf_counter_ns()
        case = submit_answers(station, parse_answers_file(text), actor="bench")
        elapsed = time.perf_counter_ns() - start
        if case.status != "submitted":
            raise RuntimeError(f"sample case ended as {case.status}, not submitted")
        if out is not None:
            out.append(elapsed)


def bench_submit(station: Station, label: str) -> None:
    texts = submission_texts(station)
    submit_loop(station, texts, SUBMIT_WARMUP, None)
    samples: list[int] = []
    submit_loop(station, texts, SUBMISSIONS, samples)
    values = [ms(s) for s in samples]
    print(f"# submission into {label}: submit_answers(parse_answers_file(...)), {SUBMISSIONS} "
          f"cases rotating {len(texts)} templates, after {SUBMIT_WARMUP} warm-up cases")
    line(f"submit {label} p50", statistics.median(values), SUBMIT_P50_TARGET_MS)
    line(f"submit {label} p99", percentile(values, 99))


@contextmanager
def sqlite_station(tmp: Path) -> Iterator[Station]:
    station = open_station(station_env(f"sqlite:///{tmp / 'kiosk.db'}", tmp / "data"))
    try:
        with station.database.session() as session:
            publish_shipped_templates(session, TEMPLATES_DIR, actor="bench")
        yield station
    finally:
        station.database.dispose()


@contextmanager
def postgres_station(tmp: Path) -> Iterator[Station]:
    sys.path.insert(0, str(PROJECT_ROOT / "tests"))
    from postgres_server import PostgresServer, find_postgres_bin

    bin_dir = find_postgres_bin()
    if bin_dir is None:
        raise SystemExit("--postgres: PostgreSQL server binaries are not installed")
    with PostgresServer(bin_dir) as server:
        url = server.create_database("bench_" + uuid.uuid4().hex[:12])
        station = open_station(station_env(url, tmp / "data"))
        try:
            with station.database.session() as session:
                publish_shipped_templates(session, TEMPLATES_DIR, actor="bench")
            yield station
        finally:
            station.database.dispose()


# -- profiling -----------------------------------------------------------------------------


def profile(name: str, tmp: Path) -> None:
    """cProfile of one workload, top functions by cumulative and by own time."""
    work: Callable[[], None]
    if name == "validate":
        validate_all()

        def work() -> None:
            for _ in range(10):
                validate_all()
    elif name == "engine":
        workloads = engine_workloads()

        def work() -> None:
            for _ in range(30):
                for template, ordered, party, today, now in workloads:
                    engine_pass(template, ordered, party, today, now, None)
    else:
        context = sqlite_station(tmp)
        station = context.__enter__()
        texts = submission_texts(station)
        submit_loop(station, texts, SUBMIT_WARMUP, None)

        def work() -> None:
            submit_loop(station, texts, 60, None)
    profiler = cProfile.Profile()
    start = time.perf_counter_ns()
    profiler.runcall(work)
    print(f"# profile of {name}: {ms(time.perf_counter_ns() - start):.0f} ms under cProfile")
    for key in ("cumulative", "tottime"):
        buffer = io.StringIO()
        pstats.Stats(profiler, stream=buffer).strip_dirs().sort_stats(key).print_stats(30)
        print(buffer.getvalue())
    if name == "submit":
        context.__exit__(None, None, None)


# -- main ----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true",
                        help="also time the submission on a throw-away PostgreSQL server")
    parser.add_argument("--profile", choices=("validate", "engine", "submit"),
                        help="run one workload under cProfile instead of measuring")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as name:
        tmp = Path(name)
        # No station file of this machine (found through XDG_CONFIG_HOME) leaks in.
        os.environ["XDG_CONFIG_HOME"] = str(tmp / "config-home")
        os.environ["XDG_DATA_HOME"] = str(tmp / "data-home")
        if args.profile:
            profile(args.profile, tmp)
            return
        began = time.perf_counter()
        load = os.getloadavg()[0]
        print(f"# kiosk core benchmarks, Python {sys.version.split()[0]}, "
              f"{datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} CPUs, load {load:.2f}")
        if load > (os.cpu_count() or 1) / 2:
            print("# note: the machine is busy; tail figures (p99, max) will be inflated")
        bench_validate()
        bench_engine()
        with sqlite_station(tmp) as station:
            bench_submit(station, "SQLite")
        if args.postgres:
            with postgres_station(tmp) as station:
                bench_submit(station, "PostgreSQL")
        print(f"# total {time.perf_counter() - began:.1f} s")


if __name__ == "__main__":
    main()
