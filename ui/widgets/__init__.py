"""Touch widgets shared by the kiosk's screens: they show values and emit signals, nothing more."""

from ui.widgets.choices import ChoiceCard, ChoiceCards, YesNo
from ui.widgets.keypad import DigitKeypad
from ui.widgets.pickers import DatePicker, NumberStepper, TimePicker
from ui.widgets.signature import SignaturePad

__all__ = [
    "ChoiceCard",
    "ChoiceCards",
    "DatePicker",
    "DigitKeypad",
    "NumberStepper",
    "SignaturePad",
    "TimePicker",
    "YesNo",
]
