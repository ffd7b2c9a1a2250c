"""Pictures of the admin window's login, accounts and station settings, in Chinese and English.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m ui.admin.screenshots [--out docs/screenshots]

A throwaway station (temporary SQLite database) with the demo accounts and a few more in every
state (locked, disabled, waiting for their first password change), and a station file that
overrides the printer on this machine. The real window is driven through its widgets; forms are
pictured with their in-place errors. 1920x1080 in zh and en, 1280x800 in zh, into
`<out>/admin/<zh|en|1280x800>/`. The template editor's tab is pictured by its own script.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from kiosk.cli.demo import DEMO_PASSWORD, seed_demo
from kiosk.settings import PROJECT_ROOT
from kiosk.station import Station, open_station
from kiosk.template_model import QuestionType
from kiosk.users import LoginFailed, LoginPolicy, add_user, authenticate, disable_user
from ui.admin.window import AdminWindow
from ui.shots import ShotWalk, settle_for

SHOTS = ["login", "login-not-admin", "accounts", "accounts-new-form-errors",
         "accounts-last-admin", "accounts-locked", "accounts-reset-done", "settings",
         "settings-refused", "settings-saved", "templates-draft-problems",
         "templates-preview", "templates-statement-preview", "templates-calculated",
         "templates-statement-wording", "templates-exclusion", "templates-publish-ask",
         "templates-diff"]

PEOPLE = {
    "zh": [("wang.wu", "法制员 王五", ["officer", "reviewer"]),
           ("zhao.liu", "民警 赵六", ["officer"]),
           ("sun.qi", "民警 孙七", ["officer"])],
    "en": [("wang.wu", "Legal officer Wang Wu", ["officer", "reviewer"]),
           ("zhao.liu", "Officer Zhao Liu", ["officer"]),
           ("sun.qi", "Officer Sun Qi", ["officer"])],
}


def settle(window: AdminWindow, seconds: float = 0.4) -> None:
    """Lets background work finish and the screen catch up."""
    settle_for(seconds, window.operations.wait)


def people(station: Station, language: str) -> None:
    """Accounts in each state: new (must change its password), locked, disabled."""
    with station.database.session() as session:
        for username, name, roles in PEOPLE[language]:
            add_user(session, username, DEMO_PASSWORD, roles, actor="admin", display_name=name,
                     must_change_password=username == "sun.qi")
        disable_user(session, "zhao.liu", actor="admin")
    for _ in range(station.settings.login_max_failures):
        with contextlib.suppress(LoginFailed):
            authenticate(station.database, "wang.wu", "not-the-password",
                         policy=LoginPolicy.of(station.settings))


class Walk(ShotWalk):
    shots = SHOTS

    def run(self) -> None:
        lang = self.language
        window = AdminWindow(self.station)
        window.setFixedSize(*self.size)
        window.show()
        window.login_page.language.setCurrentIndex(window.login_page.language.findData(lang))
        settle(window)
        self.shot(window, "login")
        window.login_page.username.setText("legal")
        window.login_page.password.setText(DEMO_PASSWORD)
        window.log_in()
        settle(window, 1.0)
        self.shot(window, "login-not-admin")
        window.log_in("admin", DEMO_PASSWORD)
        settle(window, 1.0)
        admin = window.admin
        assert admin is not None
        admin.tabs.setCurrentWidget(admin.accounts)
        accounts = admin.accounts
        settle(window, 0.5)
        accounts.select("legal")
        settle(window, 0.3)
        self.shot(window, "accounts")

        accounts.open_create()
        dialog = accounts.create_dialog
        assert dialog is not None
        dialog.username.setText("Li Si")
        dialog.display_name.setText("民警 李四" if lang == "zh" else "Officer Li Si")
        dialog.password.setText("short")
        dialog.repeat.setText("short")
        dialog.roles.boxes["officer"].setChecked(True)
        QTest.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
        settle(window, 0.6)
        self.shot(dialog, "accounts-new-form-errors")
        dialog.reject()

        accounts.select("admin")
        settle(window, 0.3)
        accounts.panel.roles.boxes["admin"].setChecked(False)
        accounts.panel.roles.boxes["officer"].setChecked(True)
        QTest.mouseClick(accounts.panel.save_roles, Qt.MouseButton.LeftButton)
        settle(window, 0.6)
        self.shot(window, "accounts-last-admin")

        accounts.select("wang.wu")
        settle(window, 0.3)
        self.shot(window, "accounts-locked")
        accounts.panel.first.setText("temporary-2026")
        accounts.panel.second.setText("temporary-2026")
        QTest.mouseClick(accounts.panel.reset, Qt.MouseButton.LeftButton)
        settle(window, 1.0)
        self.shot(window, "accounts-reset-done")

        admin.tabs.setCurrentWidget(admin.settings)
        settings = admin.settings
        settle(window, 0.6)
        self.shot(window, "settings")
        settings.rows["station_name"].field.line.setText(  # type: ignore[attr-defined]
            "朝阳分局某某派出所" if lang == "zh" else "Chaoyang Sub-bureau, Moumou Station")
        settings.rows["department_code"].field.line.setText("11010A001")  # type: ignore
        settings.rows["department_code"].field.on_edit()
        pin = settings.rows["admin_pin"].field
        pin.first.setText("739152")  # type: ignore[attr-defined]
        pin.second.setText("739153")  # type: ignore[attr-defined]
        pin.on_edit()
        QTest.mouseClick(settings.save, Qt.MouseButton.LeftButton)
        settle(window, 0.8)
        settings.scroll.verticalScrollBar().setValue(0)
        settle(window, 0.2)
        self.shot(window, "settings-refused")
        settings.rows["department_code"].field.line.setText("110105002")  # type: ignore
        pin.second.setText("739152")  # type: ignore[attr-defined]
        pin.on_edit()
        QTest.mouseClick(settings.save, Qt.MouseButton.LeftButton)
        settle(window, 1.0)
        settings.scroll.verticalScrollBar().setValue(
            settings.scroll.verticalScrollBar().maximum())
        settle(window, 0.2)
        self.shot(window, "settings-saved")
        self.templates(window)
        window.close()
        settle(window, 0.3)

    def templates(self, window: AdminWindow) -> None:
        """The template editor: a draft with problems shown in place, the kiosk preview, a diff."""
        from PySide6.QtWidgets import QAbstractButton, QLineEdit

        from ui.admin.editor.strings import tr

        page = window.admin.templates
        window.admin.tabs.setCurrentWidget(page)
        page.refresh_versions()
        settle(window, 0.6)
        page._choose_version("minor-assault", 1)
        page.start_draft()
        settle(window, 1.2)

        def choose(question_id: str) -> None:
            assert page.document is not None
            path = page.document.path_of(question_id)
            for i in range(page.outline.topLevelItemCount()):
                item = page._find(page.outline.topLevelItem(i), path)
                if item is not None:
                    page.outline.setCurrentItem(item)
                    return

        choose("hit_count")
        settle(window, 0.3)
        assert page.form is not None
        page.form.findChild(QLineEdit, "field-show_if").setText("no_such_question > 1")
        page.form.findChild(QLineEdit, "field-prompt-en").setText("")
        page.check()
        settle(window, 0.5)
        self.shot(window, "templates-draft-problems")
        page.form.findChild(QLineEdit, "field-show_if").setText("")
        page.form.findChild(QLineEdit, "field-prompt-en").setText(
            "How many times did you hit the other person?")
        page.form.findChild(QLineEdit, "field-prompt-zh").setText(
            "你一共打了对方几下？请如实填写。")
        page.check()
        choose("other_party_relationship")
        settle(window, 0.6)
        self.shot(window, "templates-preview")
        page.preview.mode.setCurrentIndex(page.preview.mode.findData("statement"))
        settle(window, 0.6)
        self.shot(window, "templates-statement-preview")
        page.preview.mode.setCurrentIndex(page.preview.mode.findData("question"))
        choose("hit_count")
        page.add_question("many_hits", QuestionType.CALCULATE)
        choose("many_hits")
        settle(window, 0.3)
        names = {"zh": "打了三下以上", "en": "Hit more than three times"}
        for lang, name in names.items():
            page.form.findChild(QLineEdit, f"field-prompt-{lang}").setText(name)
        page.form.findChild(QLineEdit, "field-calculation").setText("hit_count > 3")
        page.check()
        settle(window, 0.6)
        self.shot(window, "templates-calculated")

        # A yes/no question as added: its statement wording is there, with the default.
        page.add_question("apologized", QuestionType.YES_NO)
        words = {"zh": "你是否已向对方道歉？", "en": "Have you apologised to the other person?"}
        for lang, prompt in words.items():
            page.form.findChild(QLineEdit, f"field-prompt-{lang}").setText(prompt)
        page.check()
        page._node_chosen(page.outline.currentItem(), None)  # the form as it opens again
        settle(window, 0.6)
        self.shot(window, "templates-statement-wording")

        page.outline.setCurrentItem(page._item_at(("exclusions",)))
        page.add_exclusion("many_hits")
        settle(window, 0.3)
        page.form.findChild(QLineEdit, "field-when").setText("hit_count > 10")
        reasons = {"zh": "殴打次数较多，不属于情节较轻。",
                   "en": "Many blows: not a minor case."}
        for lang, reason in reasons.items():
            page.form.findChild(QLineEdit, f"field-reason-{lang}").setText(reason)
        page.check()
        settle(window, 0.6)
        self.shot(window, "templates-exclusion")

        def publish_asked() -> None:
            box = QApplication.activeModalWidget()
            if box is None:
                QTimer.singleShot(50, publish_asked)
                return
            self.shot(box, "templates-publish-ask")
            yes = next(b for b in box.findChildren(QAbstractButton)
                       if b.text() == tr("publish_yes", self.language))
            QTest.mouseClick(yes, Qt.MouseButton.LeftButton)

        QTimer.singleShot(50, publish_asked)
        QTest.mouseClick(page.publish_button, Qt.MouseButton.LeftButton)
        settle(window, 1.0)
        page._choose_version("minor-assault", 2)
        page.show_diff((1, 2))
        settle(window, 0.6)
        self.shot(page.diff_dialog, "templates-diff")
        page.diff_dialog.accept()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ui.admin.screenshots", description=__doc__)
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)
    started = time.monotonic()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    for language, size, folder in (("zh", (1920, 1080), "zh"), ("en", (1920, 1080), "en"),
                                   ("zh", (1280, 800), "1280x800")):
        with tempfile.TemporaryDirectory(prefix="kiosk-shots-") as data_dir:
            machine = Path(data_dir) / "kiosk.toml"
            machine.write_text('printer_backend = "cups"\nprinter_target = "duty-office"\n',
                               encoding="utf-8")
            station = open_station({"KIOSK_DATA_DIR": data_dir, "KIOSK_KIOSK_SPEECH": "silent"},
                                   file=machine)
            seed_demo(station)
            people(station, language)
            target = args.out / "admin" / folder
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
