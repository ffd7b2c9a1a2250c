"""Messages the engine gives the party, in each language the kiosk speaks."""

from __future__ import annotations

from collections.abc import Mapping

Message = Mapping[str, str]

REQUIRED: Message = {"zh": "请回答这个问题。", "en": "Please answer this question."}
NOT_TEXT: Message = {"zh": "请输入文字。", "en": "Please type your answer."}
TOO_SHORT: Message = {
    "zh": "请至少输入 {min} 个字。",
    "en": "Please enter at least {min} characters.",
}
TOO_LONG: Message = {
    "zh": "最多只能输入 {max} 个字。",
    "en": "Please enter at most {max} characters.",
}
ONE_LINE: Message = {"zh": "这里只能输入一行文字。", "en": "Please keep this answer to one line."}
CHOOSE_ONE: Message = {"zh": "请选择一项。", "en": "Please choose one of the options."}
CHOOSE_SOME: Message = {"zh": "请选择一项或多项。", "en": "Please choose one or more options."}
CHOOSE_AT_LEAST: Message = {"zh": "请至少选择 {min} 项。", "en": "Please choose at least {min}."}
CHOOSE_AT_MOST: Message = {"zh": "最多选择 {max} 项。", "en": "Please choose at most {max}."}
YES_OR_NO: Message = {"zh": "请选择“是”或“否”。", "en": "Please choose Yes or No."}
NUMBER: Message = {"zh": "请输入一个数字。", "en": "Please enter a number."}
WHOLE_NUMBER: Message = {"zh": "请输入一个整数。", "en": "Please enter a whole number."}
NUMBER_MIN: Message = {"zh": "数字不能小于 {min}。", "en": "The number cannot be less than {min}."}
NUMBER_MAX: Message = {"zh": "数字不能大于 {max}。", "en": "The number cannot be more than {max}."}
DATE: Message = {
    "zh": "请选择一个日期（年-月-日）。",
    "en": "Please choose a date (year-month-day).",
}
TIME: Message = {"zh": "请选择一个时间（时:分）。", "en": "Please choose a time (hours:minutes)."}
DATETIME: Message = {
    "zh": "请选择日期和时间。",
    "en": "Please choose a date and a time.",
}
PHONE: Message = {
    "zh": "请填写 11 位手机号码，或带区号的固定电话。",
    "en": "Enter an 11-digit mobile number, or a landline number with its area code.",
}
CONFIRM: Message = {"zh": "请点击“确认”。", "en": "Please press Confirm."}
IDENTITY_SHAPE: Message = {
    "zh": "请选择证件类型并填写证件号码。",
    "en": "Please choose the document type and enter its number.",
}
CONSTRAINT_FAILED: Message = {
    "zh": "这个回答不符合要求，请检查。",
    "en": "This answer is not accepted; please check it.",
}
YES: Message = {"zh": "是", "en": "Yes"}
NO: Message = {"zh": "否", "en": "No"}
CONFIRMED: Message = {"zh": "确认", "en": "Confirmed"}
LIST_SEPARATOR: Message = {"zh": "、", "en": ", "}
NOT_ANSWERED: Message = {"zh": "（未回答）", "en": "(not answered)"}


def pick(message: Message, language: str) -> str:
    """The message in a language, or in Chinese when that language has none."""
    return message.get(language) or message["zh"]
