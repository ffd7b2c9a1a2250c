"""Realtime benchmarks: a submission's way to another machine's queue, and opening a big queue.

Prints one line per figure with its target. Figures go in the session notes, never in tests:
nothing here asserts anything about time. Qt runs offscreen.

    .venv/bin/python bench/realtime.py                     # both parts, SQLite and PostgreSQL
    .venv/bin/python bench/realtime.py --only latency      # or: --only open
    .venv/bin/python bench/realtime.py --backend sqlite    # or: --backend postgresql

PostgreSQL is a throw-away server started from the installed binaries (tests/postgres_server.py).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from figures import ms, percentile

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT / "tests"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from postgres_server import PostgresServer, find_postgres_bin  # noqa: E402

from kiosk.station import Station, open_station  # noqa: E402
from kiosk.template_store import publish_shipped_templates  # noqa: E402

TEMPLATES_DIR = PROJECT_ROOT / "templates"
CONSOLE = PROJECT_ROOT / "tests" / "realtime_console.py"

SUBMITTERS = 20
CASES_PER_SUBMITTER = 10   # timed; each submitter first submits one warm-up case
PAUSE_S = (0.2, 1.0)       # a submitter's pause before each submission, uniformly drawn
WAIT_S = 300               # bounds a hang, nothing else

BIG_QUEUE = 100_000
BIG_ACTIVE = 300           # not decided: opened, in progress, submitted, in review, returned
BIG_RECENT = 100           # decided in the last 24 hours (still in the queue)
OPEN_RUNS = 10
OPEN_WARMUP = 2

LATENCY_P99_TARGET_MS = {"SQLite": 1000.0, "PostgreSQL": 300.0}
OPEN_TARGET_MS = 200.0


def line(label: str, value_ms: float, target_ms: float | None = None) -> None:
    if target_ms is None:
        print(f"{label}: {value_ms:.1f} ms (no target)")
    else:
        verdict = "met" if value_ms < target_ms else "MISSED"
        print(f"{label}: {value_ms:.1f} ms (target < {target_ms:g} ms: {verdict})")
    sys.stdout.flush()


# -- stations ------------------------------------------------------------------------------


def station_env(database_url: str, tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env.update({"KIOSK_DATABASE_URL": database_url, "KIOSK_DATA_DIR": str(tmp / "data"),
                "XDG_CONFIG_HOME": str(tmp / "config-home"),
                "XDG_DATA_HOME": str(tmp / "data-home")})
    return env


@contextmanager
def fresh_station(backend: str, tmp: Path,
                  server: PostgresServer | None) -> Iterator[tuple[Station, dict[str, str]]]:
    """A new database (an SQLite file or a PostgreSQL database) with the templates published."""
    name = "bench_" + uuid.uuid4().hex[:12]
    if backend == "SQLite":
        url = f"sqlite:///{tmp / (name + '.db')}"
    else:
        assert server is not None
        url = server.create_database(name)
    env = station_env(url, tmp)
    station = open_station(env)
    try:
        with station.database.session() as session:
            publish_shipped_templates(session, TEMPLATES_DIR, actor="bench")
        yield station, env
    finally:
        station.database.dispose()


# -- 1. from a submission's commit to another process's queue ------------------------------

# A kiosk: prepares its cases up to the signature (as `submit_answers` does, in one
# transaction each, but stopping before the submission), says so, waits for the go file, then
# signs each case (PartySession.sign: the kiosk's own submission) after a random pause and
# prints the code with time.time() taken right after the commit.
SUBMITTER = r"""
import os, random, sys, time
from sqlalchemy import event
from sqlalchemy.orm import Session
from kiosk.answers_file import parse_answers_file
from kiosk.cases import (acknowledge_rights, open_case, record_consent, record_identity,
                         save_answers, set_language, start_interview)
from kiosk.interview import flatten_answers
from kiosk.notices import RIGHTS, TERMS, load_notice
from kiosk.party import SIGNATURE, PartySession
from kiosk.station import open_station
from kiosk.template_store import template_of
from datetime import UTC, datetime

go, answers_text, count, low, high, seed = sys.argv[1:7]
random.seed(int(seed))
station = open_station(upgrade=False)
answers = parse_answers_file(answers_text)
settings = station.settings
templates_dir = settings.resolved_templates_dir
notices = {TERMS: load_notice(templates_dir, TERMS).version,
           RIGHTS: load_notice(templates_dir, RIGHTS).version}

def prepare():
    today, now = station.today(), station.local_now().replace(tzinfo=None)
    with station.database.session() as session:
        case = open_case(session, settings, answers.template, answers.party["name"],
                         arrived_at=datetime.now(UTC), arrival_mode="came_in", actor="bench",
                         today=today, language=answers.language)
        start_interview(session, case)
        set_language(session, case, answers.language, settings)
        record_consent(session, case, consents=True)
        acknowledge_rights(session, case)
        case.notices = dict(notices)
        record_identity(session, case, answers.party, today=today)
        flat = flatten_answers(template_of(case.template_version), answers.answers)
        save_answers(session, case, flat, today=today, now=now)
        case.current_path = SIGNATURE
        return case.id, case.code

cases = [prepare() for _ in range(int(count))]
committed = []
event.listen(Session, "after_commit", lambda session: committed.append(time.time()))
png = b"\x89PNG\r\n\x1a\n" + b"0" * 64
strokes = [[(10.0, 20.0, 0), (30.0, 25.0, 40), (50.0, 22.0, 90)]]
print("prepared", file=sys.stderr, flush=True)
while not os.path.exists(go):
    time.sleep(0.002)
for case_id, code in cases:
    time.sleep(random.uniform(float(low), float(high)))
    state = PartySession(station, case_id).sign(png, strokes)
    if state.status != "submitted":
        raise SystemExit(f"{code} ended as {state.status}")
    print(code, f"{committed[-1]:.6f}", flush=True)
"""


class Process:
    """A child whose output lines are collected as they come."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.process = subprocess.Popen(argv, env=env, cwd=PROJECT_ROOT, stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True, bufsize=1)
        self.out: list[str] = []
        self.err: list[str] = []
        self._cond = threading.Condition()
        for stream, into in ((self.process.stdout, self.out), (self.process.stderr, self.err)):
            threading.Thread(target=self._collect, args=(stream, into), daemon=True).start()

    def _collect(self, stream: Any, into: list[str]) -> None:
        for text in stream:
            with self._cond:
                into.append(text.rstrip("\n"))
                self._cond.notify_all()
        with self._cond:
            self._cond.notify_all()

    def wait_for(self, test: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + WAIT_S
        with self._cond:
            while not test():
                if time.monotonic() > deadline or self.process.poll() is not None:
                    tail = "\n".join(self.err[-30:])
                    raise SystemExit(f"a child never showed {what}:\n{tail}")
                self._cond.wait(0.5)

    def close(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.close()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def answers_text(station: Station) -> str:
    from kiosk.audit import canonical_json
    from kiosk.samples import sample_answers
    from kiosk.template_store import get_version, template_of

    with station.database.session() as session:
        template = template_of(get_version(session, "minor-assault"))
    return canonical_json(sample_answers(template, "zh", today=station.today()))


def bench_latency(backend: str, tmp: Path, server: PostgresServer | None) -> None:
    with fresh_station(backend, tmp, server) as (station, env):
        text = answers_text(station)
        console = Process([sys.executable, str(CONSOLE)], env)
        submitters: list[Process] = []
        try:
            console.wait_for(lambda: any(t.startswith("ready ") for t in console.out),
                             "the console's first read")
            go = tmp / f"go-{uuid.uuid4().hex}"
            began = time.perf_counter()
            submitters = [
                Process([sys.executable, "-c", SUBMITTER, str(go), text,
                         str(CASES_PER_SUBMITTER + 1), str(PAUSE_S[0]), str(PAUSE_S[1]), str(i)],
                        env) for i in range(SUBMITTERS)]
            for submitter in submitters:
                submitter.wait_for(lambda s=submitter: "prepared" in s.err, "its cases prepared")
            prepared_s = time.perf_counter() - began
            go.touch()
            began = time.perf_counter()
            committed: dict[str, float] = {}
            warmup: set[str] = set()
            for submitter in submitters:
                submitter.process.wait(WAIT_S)
                if submitter.process.returncode != 0:
                    raise SystemExit("a submitter failed:\n" + "\n".join(submitter.err[-30:]))
                for number, text_line in enumerate(submitter.out):
                    code, at = text_line.split()
                    committed[code] = float(at)
                    if number == 0:
                        warmup.add(code)
            submitting_s = time.perf_counter() - began

            def arrived() -> dict[str, float]:
                found = {}
                for text_line in console.out:
                    words = text_line.split()
                    if words[0] == "case" and words[2] == "submitted":
                        found[words[1]] = float(words[3])
                return found

            console.wait_for(lambda: set(committed) <= set(arrived()), "every submission")
            arrivals = arrived()
        finally:
            for submitter in submitters:
                submitter.close()
            console.close()
    values = [(arrivals[code] - at) * 1000 for code, at in committed.items() if code not in warmup]
    print(f"# {backend}: {SUBMITTERS} kiosk processes, each {CASES_PER_SUBMITTER} timed "
          f"submissions after 1 warm-up, a random {PAUSE_S[0]:g}-{PAUSE_S[1]:g} s pause before "
          f"each; {len(values)} samples; commit (time.time() after it, in the kiosk) to the "
          f"console process's QueueFeed.updated carrying the case as submitted "
          f"(cases prepared in {prepared_s:.1f} s, submitted over {submitting_s:.1f} s)")
    line(f"submission to console {backend} p50", statistics.median(values))
    line(f"submission to console {backend} p99", percentile(values, 99),
         LATENCY_P99_TARGET_MS[backend])
    line(f"submission to console {backend} max", max(values))


# -- 2. opening the queue on a big database ------------------------------------------------


def fill_big_database(station: Station) -> dict[str, int]:
    """BIG_QUEUE cases by bulk insert: most decided long ago, a few hundred active."""
    from sqlalchemy import insert, select

    from kiosk.models import Case, TemplateVersion

    rng = random.Random(7)
    now = datetime.now(UTC)
    active = ["opened", "in_progress", "submitted", "in_review", "returned"]
    with station.database.session() as session:
        versions = session.execute(select(TemplateVersion.id)).scalars().all()
    counts: dict[str, int] = {}
    rows: list[dict[str, Any]] = []

    def flush() -> None:
        with station.database.session() as session:
            session.execute(insert(Case), rows)
        rows.clear()

    for number in range(BIG_QUEUE):
        if number < BIG_ACTIVE:
            status = active[number % len(active)]
            arrived = now - timedelta(minutes=rng.randint(5, 600))
            decided = None
        elif number < BIG_ACTIVE + BIG_RECENT:
            status = "approved"
            arrived = now - timedelta(hours=rng.uniform(3, 20))
            decided = arrived + timedelta(hours=2)
        else:
            status = "approved" if rng.random() < 0.9 else "converted"
            arrived = now - timedelta(days=rng.uniform(2, 1500))
            decided = arrived + timedelta(hours=rng.uniform(1, 40))
        counts[status] = counts.get(status, 0) + 1
        answering = status in ("opened", "in_progress", "returned")
        submitted = None if status in ("opened", "in_progress") else arrived + timedelta(hours=1)
        rows.append({
            "id": str(uuid.uuid4()), "code": f"01110105001{number:016d}",
            "start_code": f"{rng.randrange(10**6):06d}", "audit_secret": uuid.uuid4().hex,
            "template_version_id": versions[number % len(versions)], "status": status,
            "language": "zh", "notices": {"terms": 1, "rights": 1},
            "party_name": rng.choice("张王李赵刘陈杨黄") + rng.choice(["三", "小明", "建国", "丽"]),
            "party": {"document": {"type": "resident_id", "number": f"110105199001{number:06d}"},
                      "phone": "13800000000", "address": "北京市朝阳区某街道1号"},
            "arrived_at": arrived, "arrival_mode": rng.choice(["summoned", "came_in", "brought"]),
            "opened_at": arrived, "opened_by": "duty", "consent_at": arrived,
            "rights_acknowledged_at": arrived, "interview_started_at": arrived,
            "interview_ended_at": submitted, "current_path": "@review" if answering else None,
            "submitted_at": submitted, "submission_count": 0 if submitted is None else 1,
            "review_level": 1 if status == "in_review" else (2 if decided else 0),
            "claimed_by": "legal" if status == "in_review" else None,
            "claimed_at": arrived if status == "in_review" else None,
            "decision": {"penalty_type": "fine", "amount": 200} if status == "approved" else None,
            "decided_at": decided,
            "conversion_reason": "当事人不同意" if status == "converted" else None,
            "lock_version": 1,
        })
        if len(rows) == 5000:
            flush()
    if rows:
        flush()
    return counts


def bench_open(backend: str, tmp: Path, server: PostgresServer | None) -> None:
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication, QTableView

    from ui.officer.feed import FeedUpdate, QueueFeed

    app = QApplication.instance() or QApplication([])
    with fresh_station(backend, tmp, server) as (station, _env):
        began = time.perf_counter()
        counts = fill_big_database(station)
        filled_s = time.perf_counter() - began
        if backend == "PostgreSQL":
            with station.database.engine.connect() as connection:
                connection.exec_driver_sql("ANALYZE")

        def open_once() -> tuple[int, FeedUpdate]:
            feed = QueueFeed(station)
            got: list[FeedUpdate] = []
            loop = QEventLoop()
            feed.updated.connect(lambda update: (got.append(update), loop.quit()))
            QTimer.singleShot(WAIT_S * 1000, loop.quit)
            start = time.perf_counter_ns()
            feed.start()
            if not got:
                loop.exec()
            elapsed = time.perf_counter_ns() - start
            feed.stop()
            feed.deleteLater()
            if not got:
                raise SystemExit("the feed never read the queue")
            return elapsed, got[0]

        for _ in range(OPEN_WARMUP):
            open_once()
        samples = []
        update = None
        for _ in range(OPEN_RUNS):
            elapsed, update = open_once()
            samples.append(ms(elapsed))
        assert update is not None
        mix = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
        print(f"# {backend}: {BIG_QUEUE} cases ({mix}; "
              f"bulk-inserted in {filled_s:.1f} s); the queue holds {len(update.rows)} rows; "
              f"QueueFeed.start() until its first updated signal, {OPEN_RUNS} runs after "
              f"{OPEN_WARMUP} warm-up")
        line(f"open queue {backend} median", statistics.median(samples), OPEN_TARGET_MS)
        line(f"open queue {backend} max", max(samples))

        model_class = queue_model_class()
        if model_class is None:
            print("# ui/officer/queue.py has no QueueModel with apply(update) yet: "
                  "the model and view are not timed")
            return
        paints = []
        for run in range(OPEN_WARMUP + OPEN_RUNS):
            model = model_class(station.settings, station.settings.languages[0])
            view = QTableView()
            view.setModel(model)
            view.resize(1280, 800)
            view.show()
            app.processEvents()
            start = time.perf_counter_ns()
            model.apply(update)
            view.grab()
            elapsed = time.perf_counter_ns() - start
            if run >= OPEN_WARMUP:
                paints.append(ms(elapsed))
            view.close()
            view.deleteLater()
            model.deleteLater()
            app.processEvents()
        print(f"# {backend}: QueueModel.apply(the first full update, {len(update.rows)} rows) "
              f"into an empty model shown in a 1280x800 QTableView, until view.grab() has "
              f"painted it; {OPEN_RUNS} runs after {OPEN_WARMUP} warm-up")
        line(f"apply and paint {backend} median", statistics.median(paints))
        line(f"apply and paint {backend} max", max(paints))
        totals = [a + b for a, b in zip(samples, paints, strict=True)]
        line(f"open queue + paint {backend} median", statistics.median(totals), OPEN_TARGET_MS)


def queue_model_class() -> Any:
    try:
        from ui.officer.queue import QueueModel
    except ImportError:
        return None
    return QueueModel if callable(getattr(QueueModel, "apply", None)) else None


# -- main ----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=("latency", "open"), help="run one part only")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"),
                        help="one database only (default: both)")
    args = parser.parse_args()
    backends = {"sqlite": ["SQLite"], "postgresql": ["PostgreSQL"]}.get(
        args.backend or "", ["SQLite", "PostgreSQL"])

    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as name:
        tmp = Path(name)
        # No station file of this machine (found through XDG_CONFIG_HOME) leaks in.
        os.environ["XDG_CONFIG_HOME"] = str(tmp / "config-home")
        os.environ["XDG_DATA_HOME"] = str(tmp / "data-home")
        began = time.perf_counter()
        load = os.getloadavg()[0]
        print(f"# kiosk realtime benchmarks, Python {sys.version.split()[0]}, "
              f"{datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} CPUs, load {load:.2f}")
        if load > (os.cpu_count() or 1) / 2:
            print("# note: the machine is busy; tail figures (p99, max) will be inflated")
        server: PostgresServer | None = None
        if "PostgreSQL" in backends:
            bin_dir = find_postgres_bin()
            if bin_dir is None:
                raise SystemExit("PostgreSQL server binaries are not installed "
                                 "(use --backend sqlite)")
            server = PostgresServer(bin_dir)
            server.start()
        try:
            if args.only in (None, "latency"):
                for backend in backends:
                    bench_latency(backend, tmp, server)
            if args.only in (None, "open"):
                for backend in backends:
                    bench_open(backend, tmp, server)
        finally:
            if server is not None:
                server.cleanup()
        print(f"# total {time.perf_counter() - began:.1f} s")
    sys.stdout.flush()
    os._exit(0)  # no Qt teardown at exit (see tests/conftest.py, pytest_unconfigure)


if __name__ == "__main__":
    main()
