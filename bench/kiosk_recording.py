"""Kiosk screen transitions while the session is recorded, against the same without a recorder.

The recorder encodes 640x480 at 15 fps and the sound on threads of its own while the party
taps through the screens; this measures what that costs the screens (PSAPL Art. 97 asks for the
recording; the kiosk's target for a transition is p95 < 50 ms either way). Same run, same
machine, one window each, alternating: an interview without, an interview with, and so on, so
a change of load hits both. The recording is the test source (a moving picture and a tone
through the same encoder, segments and store as a camera's: the machine has no camera).

Prints figures; asserts nothing (bench/README.md).

    .venv/bin/python bench/kiosk_recording.py            # about 1-2 minutes
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from figures import percentile
from kiosk_window import TRANSITION_P95_TARGET_MS, Walk, drop_offscreen_noise, line

INTERVIEWS_TIMED = 10  # each way


def figures(label: str, timings: dict[str, list[float]]) -> list[float]:
    values = [s * 1000 for steps in timings.values() for s in steps]
    line(f"{label}: transition p50", statistics.median(values), "ms")
    line(f"{label}: transition p95", percentile(values, 95), "ms", TRANSITION_P95_TARGET_MS)
    line(f"{label}: transition max", max(values), "ms")
    for action in ("code", "answer", "sign", "finish"):
        steps = [s * 1000 for s in timings.get(action, [])]
        if steps:
            print(f"  {label} {action} ({len(steps)}): p50 {statistics.median(steps):.1f} ms, "
                  f"p95 {percentile(steps, 95):.1f} ms, max {max(steps):.1f} ms")
    return values


def main() -> None:
    drop_offscreen_noise()
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-recording-") as name:
        tmp = Path(name)
        os.environ["XDG_CONFIG_HOME"] = str(tmp / "config-home")
        os.environ["XDG_DATA_HOME"] = str(tmp / "data-home")
        load = os.getloadavg()[0]
        stamp = f"{datetime.now():%Y-%m-%d %H:%M}"
        print(f"# kiosk transitions with and without recording, {stamp}, {os.cpu_count()} "
              f"CPUs, load {load:.2f}")
        if load > (os.cpu_count() or 1) / 2:
            print("# note: the machine is busy; tail figures (p95, max) will be inflated")
        began = time.perf_counter()
        plain = Walk(tmp, record=False, name="plain")
        recorded = Walk(tmp, record=True, name="recorded")
        for walk in (plain, recorded):  # warm-up: one interview per template each
            for template_id in walk.template_ids:
                walk.interview(template_id)
        without: dict[str, list[float]] = {}
        with_recording: dict[str, list[float]] = {}
        for i in range(INTERVIEWS_TIMED):
            for walk, out in ((plain, without), (recorded, with_recording)):
                walk.interview(walk.template_ids[i % len(walk.template_ids)], out)
        count = sum(len(v) for v in without.values())
        print(f"# screen transition: window.on_intent(...) until the next screen is painted "
              f"(background operation with its database write), {count} transitions of "
              f"{INTERVIEWS_TIMED} interviews each way, alternating, after one warm-up "
              f"interview per template; \"sign\" includes stopping the recorder (the last "
              f"segment closed and stored)")
        base = figures("without recording", without)
        rec = figures("while recording", with_recording)
        print(f"# p95 difference: {percentile(rec, 95) - percentile(base, 95):+.1f} ms; "
              f"total {time.perf_counter() - began:.1f} s, load now {os.getloadavg()[0]:.2f}")
        recorded.close()
        plain.close()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)  # no interpreter finalisation after Qt (tests/conftest.py)


if __name__ == "__main__":
    main()
