"""Recording benchmarks: the encoder's CPU share at 640x480@15 fps, MB per minute, and the time
from a segment's close to its audit event.

Prints figures; asserts nothing about time (see bench/README.md). The source is the synthetic
test source (kiosk/recording/sources.py) through the real recorder, encoder and store, on a
fresh SQLite station in a temp directory.

    .venv/bin/python bench/recording.py                    # 20 s of the test picture
    .venv/bin/python bench/recording.py --seconds 60 --noisy
        # --noisy: sensor-like noise over the picture, a harder case than a real camera
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime

import numpy as np
from sqlalchemy import select

from kiosk.cases import open_case
from kiosk.models import AuditEvent
from kiosk.recording import TestSource, spool_dir
from kiosk.recording.recorder import Recorder
from kiosk.recording.store import case_sessions
from kiosk.settings import PROJECT_ROOT
from kiosk.station import open_station, with_settings
from kiosk.template_store import publish_shipped_templates

CPU_TARGET = 0.35      # of the whole machine (issue 11)
LATENCY_TARGET_S = 1.0


class NoisySource(TestSource):
    """The test picture with noise on every pixel, changing every frame (what a camera's
    sensor adds in a dim room): the encoder's hard case."""

    def __init__(self) -> None:
        super().__init__()
        self._rng = np.random.default_rng(1)
        self._noise = [self._rng.integers(0, 24, (480, 640, 3), np.uint8) for _ in range(8)]

    def _picture(self, n: int) -> np.ndarray:
        return super()._picture(n) + self._noise[n % len(self._noise)]


class TimedRecorder(Recorder):
    """Notes when each segment's closing began (wall clock), to compare with its event."""

    closing: dict[int, datetime]

    def _close(self, writer, n, seg_start):  # type: ignore[no-untyped-def]
        self.closing[n] = datetime.now(UTC)
        super()._close(writer, n, seg_start)


def source_only_cpu(source: TestSource, seconds: float) -> float:
    """CPU seconds the source alone spends making `seconds` of pictures and sound."""
    source.open()
    start_cpu, start = time.process_time(), time.monotonic()
    while time.monotonic() - start < seconds:
        source.read(0.2)
    return time.process_time() - start_cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--segment", type=int, default=10, help="segment length in seconds")
    parser.add_argument("--noisy", action="store_true")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {cores} CPUs, load "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}, "
          f"picture: {'noisy' if args.noisy else 'test bars'}")
    with tempfile.TemporaryDirectory(prefix="bench-recording-") as folder:
        env = {"KIOSK_DATABASE_URL": f"sqlite:///{folder}/kiosk.db",
               "KIOSK_DATA_DIR": f"{folder}/data", "XDG_CONFIG_HOME": f"{folder}/config"}
        station = with_settings(open_station(env), recording_source="test",
                                recording_segment_seconds=args.segment)
        with station.database.session() as session:
            publish_shipped_templates(session, PROJECT_ROOT / "templates", actor="bench")
            case = open_case(session, station.settings, "minor-assault", "张三",
                             arrived_at=datetime.now(UTC), arrival_mode="summoned",
                             actor="bench", today=station.today())
            case_id = case.id
        source = NoisySource() if args.noisy else TestSource()
        recorder = TimedRecorder(station.database, source, spool_dir=spool_dir(station),
                                 segment_seconds=args.segment)
        recorder.closing = {}
        start_cpu, start = time.process_time(), time.monotonic()
        recorder.start(case_id)
        time.sleep(args.seconds)
        recorder.stop()
        cpu, wall = time.process_time() - start_cpu, time.monotonic() - start
        source_cpu = source_only_cpu(NoisySource() if args.noisy else TestSource(),
                                     min(args.seconds, 10)) * args.seconds / min(args.seconds, 10)
        with station.database.session(readonly=True) as session:
            [summary] = case_sessions(session, case_id)
            events = session.execute(select(AuditEvent).where(
                AuditEvent.action == "recording.segment")).scalars().all()
            sizes = [e.payload["size"] for e in events]
            latencies = [(e.at - recorder.closing[e.payload["index"]]).total_seconds()
                         for e in events]
        station.database.dispose()
    encoder_cpu = cpu - source_cpu
    share = encoder_cpu / wall / cores
    print(f"recorded {summary.recorded_ms / 1000:.1f} s in {summary.segments} segments of "
          f"{args.segment} s, wall {wall:.1f} s")
    print(f"process CPU while recording: {cpu:.2f} s = {cpu / wall:.1%} of one core "
          f"({cpu / wall / cores:.1%} of the machine)")
    print(f"  of which the test source itself: {source_cpu:.2f} s (a camera costs the reading)")
    print(f"encoder + store CPU share: {share:.1%} of the {cores}-core machine "
          f"(target <= {CPU_TARGET:.0%}: {'met' if share <= CPU_TARGET else 'NOT met'})")
    mb_per_min = sum(sizes) / 1e6 / (summary.recorded_ms / 60000)
    print(f"size: {sum(sizes) / 1e6:.2f} MB, {mb_per_min:.2f} MB per minute, "
          f"{mb_per_min * 60:.0f} MB per hour")
    worst = max(latencies)
    print(f"segment close -> audit event: median {statistics.median(latencies) * 1000:.0f} ms, "
          f"max {worst * 1000:.0f} ms (target <= {LATENCY_TARGET_S:.0f} s: "
          f"{'met' if worst <= LATENCY_TARGET_S else 'NOT met'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
