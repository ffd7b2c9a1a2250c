"""Pictures of every kiosk screen, in Chinese and English, to judge the screens by looking at them.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m ui.screenshots [--out docs/screenshots]

A throwaway station (temporary SQLite database, silent speech) with the shipped templates; each
run opens cases and walks them through the real window: taps on its widgets, its footer and its
intents, every step finished in the background as on the kiosk. Officers return and approve
through the engine, as the console would; a second party declines the fast-track. 1920x1080 in
zh and en, 1280x800 in zh. Sizes follow the screen height as `ui.theme.metrics_for` says.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from kiosk import penalty_notice
from kiosk.cases import open_case
from kiosk.models import Case
from kiosk.review import Decision, approve_level, return_case
from kiosk.samples import SAMPLE_NAMES, sample_flat_answers, sample_party
from kiosk.settings import PROJECT_ROOT
from kiosk.station import Station, open_station, with_settings
from kiosk.template_store import get_version, publish_shipped_templates, template_of
from kiosk.users import add_user, get_user
from ui import theme
from ui.app import speech_player
from ui.kiosk.window import KioskWindow

TEMPLATE = "minor-assault"  # its questions use every input type the shipped templates use
SHOTS = [
    "idle", "start-code-error", "language", "terms", "rights", "consent", "identity",
    "question-yes-no", "question-error", "question-multiple-choice", "question-confirmation",
    "question-long-text", "question-date", "question-time", "question-text",
    "question-single-choice", "question-number", "question-phone", "question-group-item",
    "question-officer-comment", "review", "review-returned", "signature", "waiting", "returned",
    "approved", "converted", "staff-pin", "penalty-notice",
]
# Say yes to the interpreter, so the interpreter's phone number (the phone input) is asked.
EXTRA_ANSWERS = {
    "zh": {"needs_interpreter": True, "interpreter_name": "李四",
           "interpreter_employer": "北京市翻译服务中心", "interpreter_contact": "13900139000"},
    "en": {"needs_interpreter": True, "interpreter_name": "Li Si",
           "interpreter_employer": "Beijing Translation Service Centre",
           "interpreter_contact": "13900139000"},
}
COMMENTS = {
    "zh": {"incident_place": "请写明门牌号。", "hit_count": "请与监控录像核对次数。"},
    "en": {"incident_place": "Please give the house number.",
           "hit_count": "Please check the number against the video recording."},
}
DPI = 96.0  # the panels' physical DPI is unknown offscreen; touch targets follow the height


def settle(window: KioskWindow) -> None:
    """Lets background steps report back and the screen redraw, as the event loop would."""
    app = QApplication.instance()
    for _ in range(100):
        window.operations.wait()
        app.processEvents()
        app.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
        if not window.operations.is_busy():
            break
    app.processEvents()


class Walk:
    """One language at one size: a fresh window, cases opened for it, every screen shot."""

    def __init__(self, station: Station, folder: Path, language: str, size: tuple[int, int]):
        self.station, self.folder, self.language = station, folder, language
        self.is_shooting = True
        folder.mkdir(parents=True, exist_ok=True)
        QApplication.instance().setStyleSheet(theme.stylesheet(theme.metrics_for(size[1], DPI)))
        # The walk shows the screens themselves; the recording indicator and its fault screen
        # have their own shots (recording_shots), on the test source.
        self.window = KioskWindow(station, speech_player(station), record=False)
        self.window.setFixedSize(*size)
        self.window.show()
        settle(self.window)

    def shot(self, name: str) -> None:
        settle(self.window)
        if self.is_shooting:
            self.window.grab().save(str(self.folder / f"{SHOTS.index(name) + 1:02d}-{name}.png"))

    def tap(self, button: Any) -> None:
        button.click()
        settle(self.window)

    def next(self) -> None:
        self.tap(self.window.next_button)

    def open(self) -> tuple[str, str]:
        with self.station.database.session() as session:
            case = open_case(session, self.station.settings, TEMPLATE,
                             SAMPLE_NAMES[self.language], arrived_at=datetime.now(UTC),
                             arrival_mode="summoned", actor="duty", today=self.station.today())
            return case.id, case.start_code

    def enter_code(self, code: str) -> None:
        screen = self.window.screens["code"]
        screen.keypad.press("clear")
        for digit in code:
            screen.keypad.press(digit)
        self.next()

    def start(self, start_code: str) -> None:
        """From the idle screen to the consent question."""
        window = self.window
        self.shot("idle")
        self.tap(window.screens["idle"].start)
        self.enter_code("000000" if start_code != "000000" else "111111")
        self.shot("start-code-error")
        self.enter_code(start_code)
        self.shot("language")
        self.tap(window.screens["language"].cards.card(self.language))
        for notice in ("terms", "rights"):
            self.shot(notice)
            bar = window.current.scroll.verticalScrollBar()
            bar.setValue(bar.maximum())
            self.next()
        self.shot("consent")

    def identity(self) -> None:
        screen = self.window.screens["identity"]
        party = sample_party(self.language)
        screen.fields["document_number"].setText(party["document"]["number"])
        for key in ("phone", "address", "household_registration", "employer"):
            screen.fields[key].setText(party[key])
        self.shot("identity")
        self.next()

    def answer_all(self, answers: dict[str, Any]) -> None:
        """Every question, through its input widget; the first of each kind is shot."""
        window, shot_already = self.window, set()
        while window.state.screen is not None:
            screen = window.current
            path, kind = window.state.screen.path, window.state.screen.question.type
            name = "question-group-item" if "[" in path else \
                f"question-{kind.value.replace('_', '-')}"
            if name == "question-yes-no" and name not in shot_already:
                self.shot(name)
                self.next()  # nothing chosen: the message under the question
                self.shot("question-error")
                shot_already.add(name)
            screen.input.set_value(answers[path])
            if name in SHOTS and name not in shot_already:
                self.shot(name)
                shot_already.add(name)
            self.next()
            if window.state.screen is not None and window.state.screen.path == path:
                raise RuntimeError(f"{path}: {screen.error.text()}")

    def sign(self) -> None:
        pad = self.window.screens["signature"].pad
        w, h = pad.width(), pad.height()
        points = [QPoint(int(w * x), int(h * y)) for x, y in
                  ((0.22, 0.62), (0.28, 0.38), (0.33, 0.66), (0.41, 0.42), (0.47, 0.64),
                   (0.55, 0.36), (0.6, 0.6), (0.7, 0.5), (0.78, 0.58))]
        QTest.mousePress(pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, points[0])
        for point in points[1:]:
            QTest.mouseMove(pad, point, 15)
        QTest.mouseRelease(pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                           points[-1])

    def officer_acts(self, case_id: str, act: Any) -> None:
        """An officer changes the case at the console; the waiting screen picks it up."""
        with self.station.database.session() as session:
            act(session, session.get(Case, case_id))
        self.window.render(self.window.session.state())
        settle(self.window)

    def run(self, answers: dict[str, Any]) -> None:
        window, station = self.window, self.station
        case_id, start_code = self.open()
        self.start(start_code)
        self.tap(window.screens["consent"].choice.yes_card())
        self.next()
        self.identity()
        self.answer_all(answers)
        self.shot("review")
        self.next()
        self.sign()
        self.shot("signature")
        self.next()
        self.shot("waiting")
        clock = {"today": station.today(), "now": station.local_now().replace(tzinfo=None)}
        self.officer_acts(case_id, lambda session, case: return_case(
            session, case, get_user(session, "legal"), COMMENTS[self.language], **clock))
        self.shot("returned")
        self.tap(window.screens["status"].action)
        self.shot("review-returned")
        window.on_intent("change", "incident_place")
        self.shot("question-officer-comment")
        window.current.input.set_value(answers["incident_place"] + " 1")
        self.next()
        self.next()  # the statement is right
        self.sign()
        self.next()

        def propose(session: Any, case: Case) -> None:
            approve_level(session, case, get_user(session, "legal"), station.settings)
            penalty_notice.propose(session, case, get_user(session, "head"), station.settings,
                                   Decision("fine", "51", "如实陈述，取得谅解。", amount=200))

        # Called back before the decision (PSAPL Art. 112): the notice, accepted and signed.
        self.officer_acts(case_id, propose)
        notice = window.screens["penalty_notice"]
        notice.choice.set_value("argue")
        notice.grounds.set_value(["penalty"])
        notice.text.setText("我已经赔偿了对方的医药费。" if self.language == "zh"
                            else "I have paid the other person's medical costs.")
        self.shot("penalty-notice")
        notice.choice.set_value("accept")
        self.next()
        self.sign()
        self.next()
        self.officer_acts(case_id, lambda session, case: approve_level(
            session, case, get_user(session, "head"), station.settings))
        self.shot("approved")
        self.tap(window.screens["status"].action)
        _, start_code = self.open()  # a second party, who declines the fast-track
        self.is_shooting = False
        self.start(start_code)
        self.is_shooting = True
        self.tap(window.screens["consent"].choice.no_card())
        self.next()
        self.shot("converted")
        self.tap(window.screens["status"].action)
        window.show_pin()
        self.shot("staff-pin")
        window.on_intent("pin_cancel", None)
        window.may_close = True
        window.close()
        settle(window)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ui.screenshots", description=__doc__)
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)
    started = time.monotonic()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory(prefix="kiosk-shots-") as data_dir:
        # An empty station file: a kiosk.toml of this machine must not lead to a real database.
        empty = Path(data_dir) / "kiosk.toml"
        empty.write_text("", encoding="utf-8")
        station = open_station({"KIOSK_DATA_DIR": data_dir, "KIOSK_KIOSK_SPEECH": "silent"},
                               file=empty)
        # Its cases are entered without the kiosk's recorder: approved as on a station that
        # needs no recording (the recording's own screens have their own shots).
        station = with_settings(station, recording_required=False)
        with station.database.session() as session:
            publish_shipped_templates(session, PROJECT_ROOT / "templates", actor="screenshots")
            template = template_of(get_version(session, TEMPLATE))
            for username, role in (("legal", "reviewer"), ("head", "approver")):
                add_user(session, username, "screenshots-1", ["officer", role],
                         actor="screenshots")
        for language, size, folder in (("zh", (1920, 1080), args.out / "zh"),
                                       ("en", (1920, 1080), args.out / "en"),
                                       ("zh", (1280, 800), args.out / "1280x800")):
            answers = sample_flat_answers(template, language, station.today())
            answers.update(EXTRA_ANSWERS[language])
            Walk(station, folder, language, size).run(answers)
            print(f"{folder}: {len(SHOTS)} screens")
        station.database.dispose()
    app.processEvents()
    print(f"done in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    status = main()
    sys.stdout.flush()
    # PySide6 6.12 can abort while Python finalises after many widgets (see tests/conftest.py).
    os._exit(status)
