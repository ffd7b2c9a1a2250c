"""The decision form counts the days already held against the detention (PSAPL Art. 110): the
field is prefilled with the whole days held, the officer confirms or lowers it, and more than
the detention or the days held is refused under the field, in words naming the article."""

from __future__ import annotations

from pathlib import Path

from kiosk.settings import load_settings
from ui.officer.dialogs import DecisionDialog


def test_the_days_held_are_prefilled_for_detention_and_bounded(qtbot, tmp_path: Path) -> None:
    dialog = DecisionDialog(load_settings({}, env={}), "zh", offence="assault", held=1)
    qtbot.addWidget(dialog)
    assert not dialog.offset.isEnabled()  # nothing to count against without detention
    dialog.kind.setCurrentIndex(dialog.kind.findData("detention"))
    assert dialog.offset.isEnabled() and dialog.offset.value() == 1  # prefilled, to confirm
    dialog.days.setValue(3)
    dialog.circumstances.setPlainText("情节较轻")
    assert dialog.problems() == {}
    assert dialog.decision().offset_days == 1
    dialog.offset.setValue(2)  # more than the party was held
    problems = dialog.problems()
    assert "第一百一十条" in problems[dialog.offset] and "1 整日" in problems[dialog.offset]
    dialog.offset.setValue(1)
    dialog.show()
    # Looked at; kept as docs/screenshots/officer/zh/decision-offset.png.
    assert dialog.grab().save(str(tmp_path / "decision-offset.png"))
    dialog.kind.setCurrentIndex(dialog.kind.findData("fine"))
    assert dialog.offset.value() == 0 and not dialog.offset.isEnabled()
