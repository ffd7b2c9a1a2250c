"""The console: open a recorded case and start playback (the issue's target: <= 500 ms).

A case is answered at the kiosk while the test source is recorded (a moving picture and a tone
through the real encoder and store: the machine has no camera), for `--seconds` of recording.
Then the officer console, logged in, opens that case on its answers tab, again and again
(another case in between): timed from `select_case` until the player is playing and has drawn
its first picture. "cold": the session's file is written anew from the stored segments each
time (this console's copy removed before); "warm": the console's copy is reused. Qt runs
offscreen; the sound goes to no device.

Prints figures; asserts nothing (bench/README.md).

    .venv/bin/python bench/console_player.py [--seconds 30] [--runs 10]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from figures import percentile
from kiosk_window import TEMPLATES_DIR, drop_offscreen_noise, line, station_env

TARGET_MS = 500.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30, help="length of the recording")
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    drop_offscreen_noise()
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-player-") as name:
        tmp = Path(name)
        os.environ["XDG_CONFIG_HOME"] = str(tmp / "config-home")
        os.environ["XDG_DATA_HOME"] = str(tmp / "data-home")
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        env = station_env(tmp, "player")

        from PySide6.QtMultimedia import QMediaPlayer

        from kiosk.cli.demo import DEMO_PASSWORD, seed_demo
        from kiosk.recording import recorder_for
        from kiosk.sample_cases import submitted_sample_case
        from kiosk.station import open_station, with_settings
        from kiosk.template_store import publish_shipped_templates
        from ui.app import application
        from ui.officer.window import OfficerWindow

        station = open_station(env)
        with station.database.session() as session:
            publish_shipped_templates(session, TEMPLATES_DIR, actor="bench")
        seed_demo(station)
        load = os.getloadavg()[0]
        stamp = f"{datetime.now():%Y-%m-%d %H:%M}"
        print(f"# console: open a recorded case and start playback, {stamp}, "
              f"{os.cpu_count()} CPUs, load {load:.2f}")
        recording = with_settings(station, recording_source="test")
        began = time.perf_counter()
        case = submitted_sample_case(station, recorder=recorder_for(recording),
                                     pause_s=args.seconds / 33)
        other = submitted_sample_case(station)
        print(f"# recorded {time.perf_counter() - began:.1f} s of kiosk session "
              f"(segments of {station.settings.recording_segment_seconds} s)")

        app = application(station, virtual_keyboard=False)
        window = OfficerWindow(station)
        window.resize(1600, 900)
        window.show()
        window.log_in("legal", DEMO_PASSWORD)

        def wait(condition, seconds: float = 30) -> None:  # type: ignore[no-untyped-def]
            deadline = time.perf_counter() + seconds
            while not condition():
                if time.perf_counter() > deadline:
                    raise RuntimeError("timed out")
                app.processEvents()
                time.sleep(0.001)

        wait(lambda: window.console is not None and window.model is not None
             and window.model.row_of(case.id) is not None)
        assert window.console is not None
        window.console.queue.group.setCurrentIndex(3)  # all states
        view = window.console.case_view
        panel = view.recording

        def open_and_play(cold: bool) -> float:
            window.select_case(other.id)
            wait(lambda: window.detail is not None and window.detail.case_id == other.id)
            view.tabs.setCurrentIndex(2)
            app.processEvents()
            if cold:
                for copy in panel._folder.glob("*.mkv"):
                    copy.unlink()
            frames = panel.video.frames
            start = time.perf_counter()
            window.select_case(case.id)
            wait(lambda: panel.player.mediaStatus() in (QMediaPlayer.MediaStatus.LoadedMedia,
                                                        QMediaPlayer.MediaStatus.BufferedMedia))
            panel.player.play()  # the officer's Play
            wait(lambda: panel.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState
                 and panel.video.frames > frames)
            elapsed = (time.perf_counter() - start) * 1000
            panel.player.stop()
            return elapsed

        open_and_play(True)  # warm-up
        results = {}
        for cold in (True, False):
            results[cold] = [open_and_play(cold) for _ in range(args.runs)]
        print(f"# select_case(recorded case) on the answers tab until playing with its first "
              f"picture drawn; {args.runs} runs each after one warm-up, another case opened "
              f"in between")
        for cold, label in ((True, "cold (session file written)"), (False, "warm (copy reused)")):
            values = results[cold]
            line(f"open and play, {label}, median", statistics.median(values), "ms", TARGET_MS)
            line(f"open and play, {label}, p95", percentile(values, 95), "ms", TARGET_MS)
        print(f"# load now {os.getloadavg()[0]:.2f}")
        window.close()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)  # no interpreter finalisation after Qt (tests/conftest.py)


if __name__ == "__main__":
    main()
