"""Pictures of every officer console screen, in Chinese and English, to judge them by looking.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m ui.officer.screenshots [--out docs/screenshots]

A throwaway station (temporary SQLite database) with the demo officers and a realistic morning:
cases submitted hours ago and just now, one being answered at the kiosk right now, one waiting
for the party to start, one claimed by a colleague. The real window is driven through its
widgets; forms are pictured with their in-place errors. 1920x1080 in zh and en, 1280x800 in zh,
into `<out>/officer/<zh|en|1280x800>/`.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from kiosk.cases import find_case
from kiosk.cli.demo import DEMO_PASSWORD, seed_demo
from kiosk.evidence import add_evidence
from kiosk.review import approve_level, claim_case
from kiosk.sample_cases import open_sample_case, submitted_sample_case, walk_sample_party
from kiosk.settings import PROJECT_ROOT
from kiosk.station import open_station, with_settings
from kiosk.users import add_user, get_user
from ui.officer.dialogs import DecisionDialog, NewCaseDialog, ReasonDialog, StartCodeDialog
from ui.officer.window import OfficerWindow
from ui.shots import ShotWalk, settle_for

NAMES = {"zh": ["张三", "李四", "王五", "赵六", "钱七"],
         "en": ["Zhang San", "Li Si", "Wang Wu", "Zhao Liu", "Qian Qi"]}
SHOTS = ["login", "login-refused", "queue", "queue-new-arrival", "case-overview",
         "case-statement-live", "case-answers-comment", "case-documents", "case-audit",
         "claimed-by-colleague", "conflict", "decision-form-errors", "convert-form",
         "new-case-form", "start-code", "case-detention-possible", "locked",
         "case-evidence"]


def injury_photo(language: str) -> bytes:
    """A stand-in for a photo of an injury, drawn here (the walk has no camera)."""
    image = QImage(640, 480, QImage.Format.Format_RGB32)
    image.fill(QColor("#d9b99b"))
    painter = QPainter(image)
    painter.setBrush(QColor("#7b4a6e"))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawEllipse(220, 170, 200, 130)
    painter.setPen(QColor("black"))
    painter.drawText(20, 40, "右前臂淤青 5 cm" if language == "zh" else "Bruise, right forearm")
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "JPEG")
    return bytes(data.data())


def settle(window: OfficerWindow, seconds: float = 0.4) -> None:
    """Lets background reads finish and the screen catch up."""
    settle_for(seconds, window.operations.wait,
               lambda ms: window.feed is not None and window.feed.operations.wait(ms))


class Walk(ShotWalk):
    shots = SHOTS

    def run(self) -> None:
        station, lang = self.station, self.language
        names = NAMES[lang]
        now = datetime.now(UTC)
        early = submitted_sample_case(station, "petty-theft", name=names[1], language=lang,
                                      arrived_at=now - timedelta(hours=41))
        main = submitted_sample_case(station, name=names[0], language=lang,
                                     arrived_at=now - timedelta(hours=2, minutes=10))
        live = open_sample_case(station, "property-damage", name=names[2], language=lang,
                                arrived_at=now - timedelta(minutes=35))
        party = walk_sample_party(station, live.start_code, language=lang, questions=9,
                                  name=names[2])
        open_sample_case(station, name=names[3], language=lang,
                         arrived_at=now - timedelta(hours=7, minutes=15))
        colleague = submitted_sample_case(station, name=names[4], language=lang,
                                          arrived_at=now - timedelta(hours=5))
        with station.database.session() as session:
            claim_case(session, find_case(session, colleague.id), get_user(session, "legal2"))
            add_evidence(session, find_case(session, main.id), get_user(session, "head"),
                         injury_photo(lang), kind="photo", settings=station.settings,
                         name="injury.jpg")

        window = OfficerWindow(station)
        window.setFixedSize(*self.size)
        window.show()
        index = window.login_page.language.findData(lang)
        window.login_page.language.setCurrentIndex(index)
        settle(window)
        self.shot(window, "login")
        window.login_page.username.setText("ghost")
        window.login_page.password.setText("wrong-password")
        window.log_in()
        settle(window, 0.8)
        self.shot(window, "login-refused")
        window.log_in("legal", DEMO_PASSWORD)
        settle(window, 1.2)
        assert window.console is not None and window.model is not None
        self.shot(window, "queue")

        arriving = submitted_sample_case(station, "petty-theft", name="Sun Ba" if lang == "en"
                                         else "孙八", language=lang,
                                         arrived_at=now - timedelta(minutes=50))
        settle(window, 1.0)
        self.shot(window, "queue-new-arrival")

        console = window.console
        console.queue.group.setCurrentIndex(3)
        console.queue.select(main.id)
        settle(window, 1.0)
        self.shot(window, "case-overview")

        console.queue.select(live.id)
        settle(window, 0.8)
        console.case_view.tabs.setCurrentIndex(1)
        flat_position = party.state().position
        from kiosk.sample_cases import sample_flat_for

        flat = sample_flat_for(station, live.id, lang)
        party.answer(flat_position, flat[flat_position])
        settle(window, 1.0)
        self.shot(window, "case-statement-live")

        console.queue.select(main.id)
        settle(window, 0.8)
        view = console.case_view
        view.tabs.setCurrentIndex(2)
        tree = view.answers
        for i in range(tree.topLevelItemCount()):
            if tree.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole) == "incident_place":
                tree.setCurrentItem(tree.topLevelItem(i))
        view.comment.setText("请写明门牌号。" if lang == "zh" else "Please give the house number.")
        view.add_comment()
        view.comment.setText("请与监控录像核对次数。" if lang == "zh"
                             else "Check the number against the video")
        settle(window)
        self.shot(window, "case-answers-comment")

        view.tabs.setCurrentWidget(view.documents_page)
        settle(window, 0.5)
        for row in range(view.document_list.count()):
            if "笔录" in view.document_list.item(row).text() or \
                    "Statement" in view.document_list.item(row).text():
                view.document_list.setCurrentRow(row)
        settle(window, 1.5)
        self.shot(window, "case-documents")
        view.tabs.setCurrentWidget(view.audit)
        settle(window)
        self.shot(window, "case-audit")

        console.queue.select(colleague.id)
        settle(window, 0.8)
        view.tabs.setCurrentIndex(0)
        self.shot(window, "claimed-by-colleague")

        console.queue.select(early.id)
        settle(window, 0.8)
        with station.database.session() as session:
            approve_level(session, find_case(session, early.id), get_user(session, "legal2"),
                          station.settings)
        window.approve()
        settle(window, 1.0)
        self.shot(window, "conflict")

        decision = DecisionDialog(station.settings, lang, offence="assault", parent=window)
        decision.show()
        decision.kind.setCurrentIndex(decision.kind.findData("fine"))
        decision.amount.setValue(1500)  # over Art. 51's minor tier: refused, naming the article
        decision.circumstances.setPlainText("如实陈述" if lang == "zh" else "Truthful account")
        QTest.mouseClick(decision.ok, Qt.MouseButton.LeftButton)
        settle(window, 0.2)
        self.shot(decision, "decision-form-errors")
        decision.reject()
        reason = ReasonDialog(lang, parent=window)
        reason.show()
        reason.reason.setPlainText("当事人不再承认违法事实。" if lang == "zh"
                                   else "The party no longer admits the facts.")
        settle(window, 0.2)
        self.shot(reason, "convert-form")
        reason.reject()
        opening = NewCaseDialog([("minor-assault", "殴打他人（情节较轻）" if lang == "zh"
                                  else "Assault (minor)")], station.settings.languages, lang,
                                datetime.now(UTC), parent=window)
        opening.show()
        QTest.mouseClick(opening.ok, Qt.MouseButton.LeftButton)
        settle(window, 0.2)
        self.shot(opening, "new-case-form")
        opening.reject()
        code = StartCodeDialog(arriving.start_code, arriving.code, lang, parent=window)
        code.show()
        settle(window, 0.2)
        self.shot(code, "start-code")
        code.accept()

        # The party being answered: questioning may last 24 hours once detention is possible.
        console.queue.select(live.id)
        settle(window, 0.8)
        view.tabs.setCurrentIndex(0)
        window.set_detention_possible(True)
        settle(window, 1.2)
        self.shot(window, "case-detention-possible")

        window.lock()  # left alone: the cases hidden, the counts and the countdown shown
        settle(window, 0.3)
        self.shot(window, "locked")

        # The officer comes back: the evidence of the main case, a photo shown.
        window.unlock(DEMO_PASSWORD)
        settle(window, 1.0)
        console.queue.select(main.id)
        settle(window, 0.8)
        view.tabs.setCurrentWidget(view.evidence)
        view.evidence.table.selectRow(0)
        settle(window, 1.0)
        self.shot(window, "case-evidence")
        window.close()
        settle(window, 0.3)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ui.officer.screenshots", description=__doc__)
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)
    started = time.monotonic()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    for language, size, folder in (("zh", (1920, 1080), "zh"), ("en", (1920, 1080), "en"),
                                   ("zh", (1280, 800), "1280x800")):
        with tempfile.TemporaryDirectory(prefix="kiosk-shots-") as data_dir:
            empty = Path(data_dir) / "kiosk.toml"
            empty.write_text("", encoding="utf-8")
            station = open_station({"KIOSK_DATA_DIR": data_dir, "KIOSK_KIOSK_SPEECH": "silent"},
                                   file=empty)
            # Its cases are entered without the kiosk's recorder: approved as on a station that
            # needs no recording (the recording's own screens have their own shots).
            station = with_settings(station, recording_required=False)
            seed_demo(station)
            with station.database.session() as session:
                add_user(session, "legal2", DEMO_PASSWORD, ["officer", "reviewer"],
                         actor="screenshots", display_name="法制员 Legal officer 2")
            target = args.out / "officer" / folder
            Walk(station, target, language, size).run()
            station.database.dispose()
            print(f"{target}: {len(SHOTS)} screens")
    app.processEvents()
    print(f"done in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    status = main()
    sys.stdout.flush()
    os._exit(status)  # PySide6 can abort while Python finalises (see tests/conftest.py)
