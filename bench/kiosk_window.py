"""Kiosk window benchmarks: cold start of `kiosk run`, screen transitions, memory per interview.

Prints one line per figure with its target. Figures go in the session notes, never in tests:
nothing here asserts anything about time. Qt runs offscreen, speech is the silent back-end.

    .venv/bin/python bench/kiosk_window.py                        # all three (about 2 minutes)
    .venv/bin/python bench/kiosk_window.py --profile start        # cProfile the start instead
    .venv/bin/python bench/kiosk_window.py --profile transitions  # cProfile 10 interviews
    .venv/bin/python bench/kiosk_window.py --profile memory       # tracemalloc over 30 interviews
"""

from __future__ import annotations

import argparse
import ast
import cProfile
import gc
import io
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from figures import percentile

# -- settings of the run -------------------------------------------------------------------

START_RUNS = 10
START_WARMUP = 2
START_TIMEOUT_S = 60
INTERVIEWS_TIMED = 10
MEMORY_INTERVIEWS = 100
MEMORY_WARM_AT = 10
MEMORY_CHECKPOINTS = (10, 25, 50, 75, 100)

START_TARGET_S = 2.5
TRANSITION_P95_TARGET_MS = 50.0
MEMORY_GROWTH_TARGET_MB = 20.0

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VENV_PYTHON = PROJECT_ROOT / ".venv" / "bin" / "python"
TEMPLATES_DIR = PROJECT_ROOT / "templates"
READY = "BENCH-READY"
# See bench_memory: PySide6 6.12.0 on Python 3.11 releases references of True (on every signal
# emit) and of None that it does not own; spare ones keep this process alive to the end.
SPARE_TRUE = [True] * 1_000_000 if sys.version_info < (3, 12) else []
SPARE_NONE = [None] * 1_000_000 if sys.version_info < (3, 12) else []

# The child of the cold start: the `kiosk` command's own path (kiosk.cli.main -> ui.cli.run_kiosk
# -> open_station, application, kiosk_window, app.exec), with kiosk_window wrapped so the child
# reports the first paint of the idle screen and leaves. argv[1]: the parent's time.time() at
# spawn; argv[2]: a file for cProfile statistics, or "".
START_CHILD = r"""
import os, sys, time
marks = {}
profile_file = sys.argv[2]
if profile_file:
    import cProfile
    profiler = cProfile.Profile()
    profiler.enable()
import kiosk.cli
marks["cli imported"] = time.time()
import ui.app
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication
marks["Qt imported"] = time.time()

make_application, make_window = ui.app.application, ui.app.kiosk_window

def application(station):
    marks["station opened"] = time.time()
    app = make_application(station)
    marks["QApplication made"] = time.time()
    return app

class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and "idle painted" not in marks:
            marks["idle painted"] = time.time()
            QTimer.singleShot(0, done)
        return False

def done():
    window = windows[0]
    if window.current is not window.screens["idle"] or not window.isVisible():
        print("not on the idle screen", flush=True)
        os._exit(3)
    ready = time.time()
    if profile_file:
        profiler.disable()
        profiler.dump_stats(profile_file)
    marks["painted, events done"] = ready
    print("BENCH-READY", ready, sys.getrefcount(True), repr(marks), flush=True)
    os._exit(0)  # no Qt teardown: the time up to here is what is measured

windows = []
paint_filter = FirstPaint()

def kiosk_window(station, *, windowed=False):
    window = make_window(station, windowed=windowed)
    marks["window shown"] = time.time()
    windows.append(window)
    window.screens["idle"].installEventFilter(paint_filter)
    QTimer.singleShot(30_000, lambda: (print("no paint in 30 s", flush=True), os._exit(4)))
    return window

ui.app.application, ui.app.kiosk_window = application, kiosk_window
sys.exit(kiosk.cli.main(["run", "--windowed"]))
"""

# `kiosk --help`: the interpreter and the CLI with every layer's commands, nothing else.
HELP_CHILD = r"""
import os, sys, time
from kiosk.cli import main
try:
    main(["--help"])
except SystemExit:
    pass
print("BENCH-READY", time.time(), sys.getrefcount(True), "{}", flush=True)
os._exit(0)
"""


# -- helpers -------------------------------------------------------------------------------


def line(label: str, value: float, unit: str, target: float | None = None) -> None:
    if target is None:
        print(f"{label}: {value:.3f} {unit} (no target)")
    else:
        verdict = "met" if value < target else "MISSED"
        print(f"{label}: {value:.3f} {unit} (target < {target:g} {unit}: {verdict})")
    sys.stdout.flush()


def station_env(tmp: Path, name: str) -> dict[str, str]:
    """The environment of a kiosk on a fresh SQLite file: no KIOSK_* of the shell leaks in."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env.update({
        "KIOSK_DATABASE_URL": f"sqlite:///{tmp / name}.db",
        "KIOSK_DATA_DIR": str(tmp / f"{name}-data"),
        "KIOSK_KIOSK_SPEECH": "silent",
        "QT_QPA_PLATFORM": "offscreen",
        "XDG_CONFIG_HOME": str(tmp / "config-home"),
        "XDG_DATA_HOME": str(tmp / "data-home"),
    })
    return env


def drop_offscreen_noise() -> None:
    """Filters Qt's offscreen plugin's "does not support propagateSizeHints()" (printed on
    every window resize) out of stderr, through grep: a crash report still gets through."""
    try:
        noise = subprocess.Popen(["grep", "-v", "--line-buffered", "propagateSizeHints"],
                                 stdin=subprocess.PIPE, stdout=os.dup(2))
    except OSError:
        return
    assert noise.stdin is not None
    os.dup2(noise.stdin.fileno(), 2)


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for row in status:
            if row.startswith("VmRSS:"):
                return int(row.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


# -- 1. cold start -------------------------------------------------------------------------


def spawn_until_ready(code: str, env: dict[str, str],
                      profile_file: str = "") -> tuple[float, dict[str, float], int]:
    """Seconds from spawning `python -c code` until it prints its ready line; its marks (seconds
    from the spawn) and the reference count of True then."""
    python = str(VENV_PYTHON if VENV_PYTHON.exists() else Path(sys.executable))
    start = time.time()
    process = subprocess.Popen([python, "-c", code, repr(start), profile_file],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env=env, cwd=PROJECT_ROOT)
    assert process.stdout is not None
    output = []
    try:
        for row in process.stdout:
            if row.startswith(READY):
                _, stamp, trues, marks = row.split(" ", 3)
                process.wait(timeout=START_TIMEOUT_S)
                return (float(stamp) - start,
                        {k: v - start for k, v in ast.literal_eval(marks).items()}, int(trues))
            output.append(row)
        process.wait(timeout=START_TIMEOUT_S)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    raise RuntimeError(f"the child exited ({process.returncode}) without its ready line:\n"
                       + "".join(output[-30:]))


def bench_start(tmp: Path) -> int:
    """The cold-start figures; returns the reference count of True on a started kiosk."""
    env = station_env(tmp, "start")
    first, _, _ = spawn_until_ready(START_CHILD, env)  # the file does not exist yet: schema made
    for _ in range(START_WARMUP):
        spawn_until_ready(START_CHILD, env)
    runs = [spawn_until_ready(START_CHILD, env) for _ in range(START_RUNS)]
    times = [seconds for seconds, _, _ in runs]
    print(f"# cold start of `kiosk run --windowed` to the painted idle screen: spawn of "
          f"`python -c` (kiosk.cli.main) until the first paint of the idle screen has been "
          f"handled, {START_RUNS} runs after {START_WARMUP} warm-up runs")
    line("cold start median", statistics.median(times), "s", START_TARGET_S)
    line("cold start max", max(times), "s", START_TARGET_S)
    line("cold start, first run (empty database file: schema created)", first, "s")
    phases = list(runs[0][1])
    previous = 0.0
    parts = []
    for phase in phases:
        at = statistics.median(marks[phase] for _, marks, _ in runs)
        parts.append(f"{phase} +{at - previous:.3f}")
        previous = at
    print("  median phases (s): " + ", ".join(parts))

    for _ in range(START_WARMUP):
        spawn_until_ready(HELP_CHILD, env)
    helps = [spawn_until_ready(HELP_CHILD, env)[0] for _ in range(START_RUNS)]
    print(f"# floor: `kiosk --help` (interpreter, CLI and every layer's commands), spawn until "
          f"the help is printed, {START_RUNS} runs after {START_WARMUP} warm-up runs")
    line("kiosk --help median", statistics.median(helps), "s")
    line("kiosk --help max", max(helps), "s")
    return int(statistics.median(trues for _, _, trues in runs))


# -- 2./3. in-process: the window walked through whole interviews --------------------------


class Walk:
    """One kiosk window on a fresh SQLite station, walked through interviews by its intents.

    The window records each party's session as the kiosk does, on the test source (the same
    encoder and store as a camera's; the machine may have none); `record=False` leaves the
    recorder out (bench/kiosk_recording.py compares the two)."""

    def __init__(self, tmp: Path, *, record: bool = True, name: str = "window") -> None:
        env = station_env(tmp, name)
        if record:
            env["KIOSK_RECORDING_SOURCE"] = "test"
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before the QApplication exists

        from PySide6.QtCore import QEvent, QEventLoop, QObject
        from PySide6.QtWidgets import QApplication

        from kiosk.samples import sample_flat_answers, sample_party
        from kiosk.station import open_station
        from kiosk.template_loader import load_template_file, shipped_template_files
        from kiosk.template_store import publish_shipped_templates
        from ui.app import application, kiosk_window

        self.QApplication = QApplication
        self.QEvent = QEvent
        self.QEventLoop = QEventLoop
        self.station = open_station(env)
        with self.station.database.session() as session:
            publish_shipped_templates(session, TEMPLATES_DIR, actor="bench")
        self.app = application(self.station)
        self.window = kiosk_window(self.station, windowed=True, record=record)
        today = self.station.today()
        templates = [load_template_file(p) for p in shipped_template_files(TEMPLATES_DIR)]
        self.answers = {t.id: sample_flat_answers(t, "zh", today) for t in templates}
        self.template_ids = list(self.answers)
        self.party = sample_party("zh")
        self.signature: tuple[bytes, list[Any]] | None = None

        # Paints of any screen: "rendered" means the new screen has been painted.
        self.paints = 0
        walk = self

        class PaintCounter(QObject):
            def eventFilter(self, watched: QObject, event: QEvent) -> bool:
                if event.type() == QEvent.Type.Paint:
                    walk.paints += 1
                return False

        self._counter = PaintCounter()
        for screen in self.window.screens.values():
            screen.installEventFilter(self._counter)

        # Screens shown (window._show): the intent's answer has been put on screen.
        self.shows = 0
        original_show = self.window._show

        def counted_show(key: str, state: Any = None) -> None:
            self.shows += 1
            original_show(key, state)

        self.window._show = counted_show  # type: ignore[method-assign]

        # render(state) alone, as the window calls it when an operation reports back.
        self.render_times: list[float] | None = None
        original_render = self.window.render

        def timed_render(state: Any) -> None:
            start = time.perf_counter()
            original_render(state)
            if self.render_times is not None:
                self.render_times.append(time.perf_counter() - start)

        self.window.render = timed_render  # type: ignore[method-assign]
        self.settle()

    def settle(self) -> None:
        """As the event loop would between two taps: queued events, paints, deferred deletes."""
        self.QApplication.processEvents()
        self.QApplication.sendPostedEvents(None, self.QEvent.Type.DeferredDelete)

    def step(self, action: str, payload: Any = None) -> float:
        """Seconds from the intent until the next screen is shown and painted (the background
        operation with its database write included; work it queues after, e.g. printing the
        submitted statement, is not)."""
        window, process = self.window, self.QApplication.processEvents
        shows, paints = self.shows, self.paints
        window.last_activity = time.monotonic()  # what the party's tap does (idle timeout)
        start = time.perf_counter()
        window.on_intent(action, payload)
        window.operations.wait()
        process()
        deadline = start + 15
        while (self.shows == shows or self.paints == paints) and time.perf_counter() < deadline:
            # Blocks until something arrives: no Python spinning while a pool thread works.
            process(self.QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
        elapsed = time.perf_counter() - start
        if self.shows == shows or self.paints == paints:
            raise RuntimeError(f"{action}: no screen shown and painted in 15 s")
        self.QApplication.sendPostedEvents(None, self.QEvent.Type.DeferredDelete)
        return elapsed

    def drain(self) -> None:
        """Lets background work the last step queued (printing the statement) finish, untimed:
        the party reads the waiting screen meanwhile."""
        while self.window.operations.is_busy():
            self.window.operations.wait()
            self.QApplication.processEvents()
        self.settle()

    def open_case(self, template_id: str) -> str:
        from kiosk.cases import open_case

        with self.station.database.session() as session:
            case = open_case(session, self.station.settings, template_id, "张三",
                             arrived_at=datetime.now(UTC), arrival_mode="summoned",
                             actor="duty", today=self.station.today())
            return case.start_code

    def expect(self, action: str, position: str | None) -> None:
        state = self.window.state
        shown = state.position if state else None
        if shown != position:
            problem = getattr(self.window.current, "error", None)
            raise RuntimeError(f"after {action}: at {shown}, expected {position}"
                               + (f" ({problem.text()})" if problem is not None else ""))

    def interview(self, template_id: str,
                  out: dict[str, list[float]] | None = None) -> None:
        """One party from the idle screen to the submitted statement and back to idle."""
        start_code = self.open_case(template_id)

        def do(action: str, payload: Any = None) -> None:
            elapsed = self.step(action, payload)
            if out is not None:
                out.setdefault(action, []).append(elapsed)

        window = self.window
        do("start")
        if window.current is not window.screens["code"]:
            raise RuntimeError("start: the start-code screen is not shown")
        for action, payload, position in (
                ("code", start_code, "@language"), ("language", "zh", "@terms"),
                ("terms_read", None, "@rights"), ("rights_read", None, "@consent"),
                ("consent", True, "@identity")):
            do(action, payload)
            self.expect(action, position)
        do("identity", self.party)
        answers = self.answers[template_id]
        for _ in range(len(answers) + 1):
            screen = window.state.screen if window.state else None
            if screen is None:
                break
            do("answer", (screen.path, answers[screen.path]))
        self.expect("the last answer", "@review")
        do("review_ok")
        self.expect("review_ok", "@signature")
        do("sign", self.signature or self._sign())
        if window.state is None or window.state.status != "submitted":
            self.expect("sign", "@waiting")
        self.drain()  # the statement is printed while the party waits
        do("finish")
        if window.current is not window.screens["idle"] or window.state is not None:
            raise RuntimeError("finish: not back on the idle screen")

    def _sign(self) -> tuple[bytes, list[Any]]:
        """Draws a signature on the pad once (as the test driver does); reused afterwards."""
        from PySide6.QtCore import QPoint, Qt
        from PySide6.QtTest import QTest

        pad = self.window.screens["signature"].pad  # type: ignore[attr-defined]
        left, none = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
        width, height = pad.width(), pad.height()
        points = [QPoint(int(width * x), int(height * y))
                  for x, y in ((0.2, 0.6), (0.3, 0.4), (0.4, 0.65), (0.55, 0.45), (0.7, 0.6))]
        QTest.mousePress(pad, left, none, points[0])
        for point in points[1:]:
            QTest.mouseMove(pad, point)
        QTest.mouseRelease(pad, left, none, points[-1])
        self.signature = (pad.to_png_bytes(), pad.strokes())
        return self.signature

    def close(self) -> None:
        self.window.may_close = True
        self.window.close()
        self.window.operations.wait()
        self.window.speech.close()
        self.station.database.dispose()


def bench_transitions(walk: Walk) -> None:
    for template_id in walk.template_ids:  # warm-up: one interview per template
        walk.interview(template_id)
    timings: dict[str, list[float]] = {}
    walk.render_times = []
    for i in range(INTERVIEWS_TIMED):
        walk.interview(walk.template_ids[i % len(walk.template_ids)], timings)
    renders = [s * 1000 for s in walk.render_times]
    walk.render_times = None
    values = [s * 1000 for steps in timings.values() for s in steps]
    print(f"# screen transition: window.on_intent(...) until the next screen is painted "
          f"(background operation with its database write, operations.wait(), processEvents), "
          f"{len(values)} transitions of {INTERVIEWS_TIMED} interviews rotating "
          f"{', '.join(walk.template_ids)}, after one warm-up interview each")
    line("transition p50", statistics.median(values), "ms")
    line("transition p95", percentile(values, 95), "ms", TRANSITION_P95_TARGET_MS)
    line("transition max", max(values), "ms")
    line("render only (window.render(state)) p50", statistics.median(renders), "ms")
    line("render only (window.render(state)) p95", percentile(renders, 95), "ms")
    for action, steps in timings.items():
        vals = [s * 1000 for s in steps]
        print(f"  {action} ({len(vals)}): p50 {statistics.median(vals):.1f} ms, "
              f"p95 {percentile(vals, 95):.1f} ms, max {max(vals):.1f} ms")


def bench_memory(walk: Walk, trues_at_start: int) -> None:
    # PySide6 6.12 returns True from SignalInstance.emit() (and .disconnect()) without a
    # reference of its own: every emit takes one reference from True, and on Python 3.11 the
    # interpreter aborts ("bool_dealloc") once none is left, about a hundred interviews in.
    # SPARE_TRUE keeps this process alive to the end; the drain is reported below.
    readings: dict[int, tuple[float, int, int]] = {}
    for i in range(1, MEMORY_INTERVIEWS + 1):
        walk.interview(walk.template_ids[i % len(walk.template_ids)])
        if i in MEMORY_CHECKPOINTS:
            walk.settle()
            gc.collect()
            readings[i] = (rss_mb(), len(walk.QApplication.allWidgets()), sys.getrefcount(True))
    warm, last = readings[MEMORY_WARM_AT], readings[MEMORY_INTERVIEWS]
    print(f"# resident memory (VmRSS after gc.collect()) over {MEMORY_INTERVIEWS} consecutive "
          f"interviews in one window, each opened, walked to submission and back to idle")
    line(f"RSS after interview {MEMORY_WARM_AT}", warm[0], "MB")
    line(f"RSS after interview {MEMORY_INTERVIEWS}", last[0], "MB")
    line(f"RSS growth {MEMORY_WARM_AT} -> {MEMORY_INTERVIEWS}", last[0] - warm[0], "MB",
         MEMORY_GROWTH_TARGET_MB)
    print("  after interview " + ", ".join(f"{i}: {mb:.1f} MB, {widgets} widgets"
                                            for i, (mb, widgets, _) in readings.items()))
    lost = (warm[2] - last[2]) / (MEMORY_INTERVIEWS - MEMORY_WARM_AT)
    print(f"references of True lost per interview: {lost:.1f} (must be 0)")
    if lost >= 1:
        print(f"# warning: a started kiosk holds {trues_at_start} references of True; at "
              f"{lost:.0f} lost per interview its process aborts (Fatal Python error: "
              f"bool_dealloc) after about {trues_at_start / lost:.0f} interviews. This run "
              f"held {len(SPARE_TRUE)} spare references to get through.")
    sys.stdout.flush()


# -- profiling -----------------------------------------------------------------------------


def print_profile(stats: pstats.Stats, title: str) -> None:
    print(title)
    for key in ("cumulative", "tottime"):
        buffer = io.StringIO()
        stats.stream = buffer  # type: ignore[attr-defined]
        stats.strip_dirs().sort_stats(key).print_stats(30)
        print(buffer.getvalue())


def profile_memory(walk: Walk, count: int = 30) -> None:
    """What the Python heap keeps after `count` more interviews (tracemalloc), and which
    object types stay alive; what RSS grows beyond that is held by Qt and the bindings."""
    def object_types() -> Counter[str]:
        return Counter(type(o).__qualname__ for o in gc.get_objects())

    walk.settle()
    gc.collect()
    tracemalloc.start(10)
    rss, types, before = rss_mb(), object_types(), tracemalloc.take_snapshot()
    for i in range(count):
        walk.interview(walk.template_ids[i % len(walk.template_ids)])
    walk.settle()
    gc.collect()
    grown, alive = rss_mb() - rss, object_types()
    diff = tracemalloc.take_snapshot().compare_to(before, "lineno")
    kept = sum(d.size_diff for d in diff) / 2**20
    print(f"# memory over {count} interviews: RSS +{grown:.1f} MB (tracemalloc's own tables "
          f"included), Python heap +{kept:.2f} MB; the rest is held outside Python (Qt, "
          f"the bindings, the allocator)")
    for d in diff[:15]:
        print(f"  {d.size_diff / 1024:+8.0f} KiB {d.count_diff:+6d} blocks  {d.traceback}")
    print("# object types that grew: " + ", ".join(
        f"{name} {alive[name] - types.get(name, 0):+d}"
        for name in sorted(alive, key=lambda n: types.get(n, 0) - alive[n])[:10]
        if alive[name] > types.get(name, 0)))


def profile(name: str, tmp: Path) -> None:
    """cProfile of one workload, top functions by cumulative and by own time (tracemalloc for
    memory)."""
    if name == "start":
        env = station_env(tmp, "start")
        spawn_until_ready(START_CHILD, env)  # schema made, files cached
        stats_file = str(tmp / "start.prof")
        seconds, _, _ = spawn_until_ready(START_CHILD, env, stats_file)
        print_profile(pstats.Stats(stats_file),
                      f"# profile of the cold start: {seconds:.2f} s under cProfile "
                      f"(from the first line of the child)")
        return
    walk = Walk(tmp)
    for template_id in walk.template_ids:
        walk.interview(template_id)
    if name == "memory":
        profile_memory(walk)
        walk.close()
        return

    def work() -> None:
        for i in range(INTERVIEWS_TIMED):
            walk.interview(walk.template_ids[i % len(walk.template_ids)])

    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.runcall(work)
    print_profile(pstats.Stats(profiler), f"# profile of {INTERVIEWS_TIMED} interviews: "
                  f"{time.perf_counter() - start:.1f} s under cProfile (UI thread only: the "
                  f"background operations run on a pool thread cProfile does not see)")
    walk.close()


# -- main ----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", choices=("start", "transitions", "memory"),
                        help="run one workload under cProfile (memory: tracemalloc) instead "
                        "of measuring")
    args = parser.parse_args()
    drop_offscreen_noise()

    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as name:
        tmp = Path(name)
        # No station file of this machine (found through XDG_CONFIG_HOME) leaks in.
        os.environ["XDG_CONFIG_HOME"] = str(tmp / "config-home")
        os.environ["XDG_DATA_HOME"] = str(tmp / "data-home")
        if args.profile:
            profile(args.profile, tmp)
        else:
            began = time.perf_counter()
            load = os.getloadavg()[0]
            from importlib.metadata import version

            print(f"# kiosk window benchmarks, Python {sys.version.split()[0]}, PySide6 "
                  f"{version('PySide6')}, {datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} "
                  f"CPUs, load {load:.2f}")
            if load > (os.cpu_count() or 1) / 2:
                print("# note: the machine is busy; tail figures (p95, max) will be inflated")
            trues_at_start = bench_start(tmp)
            walk = Walk(tmp)
            bench_transitions(walk)
            bench_memory(walk, trues_at_start)
            walk.close()
            print(f"# total {time.perf_counter() - began:.1f} s, load now "
                  f"{os.getloadavg()[0]:.2f}")
    sys.stdout.flush()
    sys.stderr.flush()
    # No interpreter finalisation after Qt: PySide6 6.12 can abort there ("bool_dealloc"), see
    # tests/conftest.py.
    os._exit(0)


if __name__ == "__main__":
    main()
