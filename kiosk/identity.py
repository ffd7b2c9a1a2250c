"""Identity document checks: is a typed number possibly right, and what does it tell us.

The checks catch typing mistakes at the kiosk and read the birth date, sex and address code
out of numbers that hold them. They never prove that a document exists or belongs to the party:
that is the officer's job (and the face match against the card).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Final

from stdnum.iso7064 import mod_11_2

__all__ = [
    "DOCUMENT_TYPE_LABELS",
    "DocumentType",
    "IdentityDocument",
    "IdentityError",
    "check_identity_document",
]


class DocumentType(StrEnum):
    """The kinds of identity document the kiosk accepts; the values are stored in the database."""

    RESIDENT_ID = "resident_id"  # 居民身份证, GB 11643
    RESIDENCE_PERMIT_HMT = "residence_permit_hmt"  # 港澳台居民居住证
    FOREIGN_PERMANENT_ID = "foreign_permanent_id"  # 外国人永久居留身份证
    HOME_RETURN_PERMIT = "home_return_permit"  # 港澳居民来往内地通行证
    PASSPORT = "passport"


DOCUMENT_TYPE_LABELS: Final[dict[DocumentType, dict[str, str]]] = {
    DocumentType.RESIDENT_ID: {"zh": "居民身份证", "en": "Resident identity card"},
    DocumentType.RESIDENCE_PERMIT_HMT: {
        "zh": "港澳台居民居住证",
        "en": "Residence permit for Hong Kong, Macao and Taiwan residents",
    },
    DocumentType.FOREIGN_PERMANENT_ID: {
        "zh": "外国人永久居留身份证",
        "en": "Foreign permanent resident ID card",
    },
    DocumentType.HOME_RETURN_PERMIT: {
        "zh": "港澳居民来往内地通行证",
        "en": "Mainland travel permit for Hong Kong and Macao residents",
    },
    DocumentType.PASSPORT: {"zh": "护照", "en": "Passport"},
}


@dataclass(frozen=True)
class IdentityDocument:
    """A document number that passed its checks, with what the number itself says."""

    type: DocumentType
    number: str  # normalised: no spaces, upper case, half-width
    birth_date: date | None  # only where the number holds it
    sex: str | None  # "male" / "female", only where the number holds it
    region: str | None  # 6-digit address code, only where the number holds one
    # ISO 3166 / GB/T 2659 alpha-3 code of the nationality or region (HKG, MAC, TWN for the
    # Hong Kong, Macao and Taiwan documents, as Chinese forms record them); None when unknown.
    nationality: str | None


class IdentityError(ValueError):
    """A document number that cannot be right, with a message for the party in each language."""

    messages: dict[str, str]

    def __init__(self, messages: dict[str, str]) -> None:
        missing = {"zh", "en"} - messages.keys()
        if missing:
            raise ValueError(
                f"IdentityError needs messages in zh and en; missing {sorted(missing)}"
            )
        super().__init__(messages["en"])
        self.messages = dict(messages)

    def __str__(self) -> str:
        return self.messages["en"]

    def __reduce__(self) -> tuple[type[IdentityError], tuple[dict[str, str]]]:
        # The default reduction would call __init__ with the English string only.
        return (type(self), (self.messages,))


# GB 11643 numbers (resident ID, HMT residence permit, 2023 permanent residence ID).
_GB11643_FORMAT: Final = re.compile(r"[0-9]{17}[0-9X]")
# Province-level codes of GB/T 2260 used in resident ID numbers. 71 (Taiwan) is listed in the
# standard but no resident ID carries it; Taiwan residents hold the 830000 permit instead.
_MAINLAND_PROVINCES: Final = frozenset(
    [*range(11, 16), *range(21, 24), *range(31, 38), *range(41, 47), *range(50, 55), *range(61, 66)]
)
_HMT_ADDRESS_CODES: Final[dict[str, str]] = {"810000": "HKG", "820000": "MAC", "830000": "TWN"}
_EARLIEST_BIRTH: Final = date(1900, 1, 1)

# 2017 permanent residence ID: 3 letters (nationality at first issue) + 12 digits.
_FPID_2017_FORMAT: Final = re.compile(r"[A-Z]{3}[0-9]{12}")
_HOME_RETURN_FORMAT: Final = re.compile(r"[HM][0-9]{8}(?:[0-9]{2})?")
_HOME_RETURN_REGION: Final[dict[str, str]] = {"H": "HKG", "M": "MAC"}
_PASSPORT_FORMAT: Final = re.compile(r"[A-Z0-9]{5,20}")
_NATIONALITY_FORMAT: Final = re.compile(r"[A-Z]{3}")
_WHITESPACE: Final = re.compile(r"\s+")

# How each GB 11643 document names its number in messages.
_NUMBER_NOUNS: Final[dict[DocumentType, tuple[str, str]]] = {
    DocumentType.RESIDENT_ID: ("身份证号码", "ID number"),
    DocumentType.RESIDENCE_PERMIT_HMT: ("居住证号码", "residence permit number"),
    DocumentType.FOREIGN_PERMANENT_ID: ("永久居留身份证号码", "permanent residence ID number"),
}


def _error(zh: str, en: str) -> IdentityError:
    """Build the error the party sees, from its Chinese and English messages."""
    return IdentityError({"zh": zh, "en": en})


def _normalise(text: str) -> str:
    """Return the number as the checks expect it: half-width, upper case, without spaces."""
    # NFKC turns the full-width digits and letters a pinyin or handwriting input method may
    # produce into ASCII; spaces are what people type between groups of digits.
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", text)).upper()


def _wrong_type(actual: DocumentType) -> IdentityError:
    """Tell the party that the number is right but belongs to the `actual` document type."""
    label = DOCUMENT_TYPE_LABELS[actual]
    return _error(
        f"这是{label['zh']}号码，请将证件类型选为“{label['zh']}”。",
        f"This number belongs to a different document: please choose “{label['en']}” "
        "as the document type.",
    )


def _gb11643_kind(number: str) -> DocumentType | None:
    """Say which document a GB 11643 number belongs to, from its first digits."""
    if number[:6] in _HMT_ADDRESS_CODES:
        return DocumentType.RESIDENCE_PERMIT_HMT
    if number[0] == "9":
        # The 2023 permanent residence ID starts with 9; resident IDs and permits with 1 to 8.
        return DocumentType.FOREIGN_PERMANENT_ID
    if int(number[:2]) in _MAINLAND_PROVINCES:
        return DocumentType.RESIDENT_ID
    return None


def _address_error(doc_type: DocumentType) -> IdentityError:
    """Tell the party that a GB 11643 number starts in a way no `doc_type` number can."""
    if doc_type is DocumentType.RESIDENCE_PERMIT_HMT:
        return _error(
            "居住证号码应以 810000（香港）、820000（澳门）或 830000（台湾）开头，"
            "请核对后重新填写。",
            "A residence permit number for Hong Kong, Macao and Taiwan residents starts with "
            "810000 (Hong Kong), 820000 (Macao) or 830000 (Taiwan); please check it and enter "
            "it again.",
        )
    if doc_type is DocumentType.FOREIGN_PERMANENT_ID:
        return _error(
            "新版永久居留身份证号码以 9 开头，请核对后重新填写。",
            "A new-style permanent residence ID number starts with 9; please check it and "
            "enter it again.",
        )
    return _error(
        "身份证号码前 6 位（地址码）有误，请核对后重新填写。",
        "The first 6 digits of this ID number (the address code) are not valid; please check "
        "them and enter the number again.",
    )


def _check_gb11643(number: str, doc_type: DocumentType, today: date) -> tuple[date, str]:
    """Check a GB 11643 number meant as `doc_type`; return its birth date and sex."""
    noun_zh, noun_en = _NUMBER_NOUNS[doc_type]
    if not _GB11643_FORMAT.fullmatch(number):
        raise _error(
            f"请填写 18 位{noun_zh}，最后一位可以是 X。",
            f"Enter the 18-character {noun_en}; the last character may be X.",
        )
    # The check character first: a typing mistake anywhere is best reported as such, and a
    # hint to change the document type is only worth giving for a number that is otherwise right.
    if not mod_11_2.is_valid(number):
        raise _error(
            f"{noun_zh}有误，请核对后重新填写。",
            f"This {noun_en} is not valid; please check it and enter it again.",
        )
    kind = _gb11643_kind(number)
    if kind is None:
        raise _address_error(doc_type)
    if kind is not doc_type:
        raise _wrong_type(kind)
    birth = _birth_date(number[6:14], noun_zh, noun_en, today)
    sex = "male" if int(number[16]) % 2 else "female"
    return birth, sex


def _birth_date(yyyymmdd: str, noun_zh: str, noun_en: str, today: date) -> date:
    """Read the birth date characters 7 to 14 of a GB 11643 number and check it is plausible."""
    where_zh = f"{noun_zh}中的出生日期（第 7 至 14 位）"
    where_en = f"The date of birth in this {noun_en} (characters 7 to 14)"
    try:
        born = date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:]))
    except ValueError:
        raise _error(
            f"{where_zh}不是有效日期，请核对后重新填写。",
            f"{where_en} is not a real date; please check it and enter it again.",
        ) from None
    if born > today:
        raise _error(
            f"{where_zh}晚于今天，请核对后重新填写。",
            f"{where_en} is after today; please check it and enter it again.",
        )
    if born < _EARLIEST_BIRTH:
        raise _error(
            f"{where_zh}早于 1900 年，请核对后重新填写。",
            f"{where_en} is before 1900; please check it and enter it again.",
        )
    return born


def _check_nationality(nationality: str | None, *, required: bool) -> str | None:
    """Normalise a nationality code; None stays None unless one is required."""
    if nationality is None or not nationality.strip():
        if required:
            raise _error(
                "请选择护照上的国籍。",
                "Choose the nationality shown in your passport.",
            )
        return None
    code = _normalise(nationality)
    if not _NATIONALITY_FORMAT.fullmatch(code):
        raise _error(
            f"国籍代码应为 3 个英文字母（例如 USA），“{nationality}”不符合，请重新选择国籍。",
            f"The nationality code must be 3 letters (for example USA), not “{nationality}”; "
            "please choose the nationality again.",
        )
    return code


def _check_foreign_permanent_id(
    number: str, nationality: str | None, today: date
) -> IdentityDocument:
    """Check a permanent residence ID number of either the 2017 or the 2023 version."""
    doc_type = DocumentType.FOREIGN_PERMANENT_ID
    given = _check_nationality(nationality, required=False)
    if _FPID_2017_FORMAT.fullmatch(number):
        # The 2017 card: the letters are the nationality at first issue (the 2023 machine-readable
        # rules say they became the numeric country code). The layout of the 12 digits is not in
        # any official text we could read: one library reads a birth date YYMMDD at characters
        # 8-13 and an ICAO check digit at 15, the brief for this module put the date at 7-12.
        # Unconfirmed, so this checks the format only and reads nothing else from the digits.
        return IdentityDocument(doc_type, number, None, None, None, given or number[:3])
    if len(number) == 18:
        birth, sex = _check_gb11643(number, doc_type, today)
        # Characters 1-6 are 9, the issuing province and the numeric country code: not a GB/T
        # 2260 address code, so no region. Birth date and sequence sit where GB 11643 puts them.
        return IdentityDocument(doc_type, number, birth, sex, None, given)
    raise _error(
        "请填写永久居留身份证号码：新版为 18 位，以 9 开头，最后一位可以是 X；"
        "旧版为 3 个英文字母加 12 位数字。",
        "Enter the permanent residence ID number: the new card has 18 characters starting "
        "with 9 (the last may be X); the older card has 3 letters followed by 12 digits.",
    )


def _document_type(doc_type: str | DocumentType) -> DocumentType:
    """Turn the type the screen passed into a DocumentType, or tell the party to choose one."""
    try:
        return DocumentType(doc_type.strip().lower() if isinstance(doc_type, str) else doc_type)
    except ValueError:
        raise _error(
            f"不支持该证件类型（{doc_type}），请从列表中选择证件类型。",
            f"The document type “{doc_type}” is not supported; please choose a document type "
            "from the list.",
        ) from None


def check_identity_document(
    doc_type: str | DocumentType,
    number: str,
    *,
    nationality: str | None = None,
    today: date | None = None,
) -> IdentityDocument:
    """Check a document number the party typed and return what it says, or raise IdentityError.

    `nationality` (an alpha-3 code) is required for passports and used for permanent residence
    IDs; the other documents imply it. `today` bounds the birth date (default: date.today()).
    """
    kind = _document_type(doc_type)
    today = date.today() if today is None else today
    normalised = _normalise(number) if isinstance(number, str) else ""
    if not normalised:
        label = DOCUMENT_TYPE_LABELS[kind]
        raise _error(f"请填写{label['zh']}号码。", f"Enter the number of your {label['en']}.")

    if kind in (DocumentType.RESIDENT_ID, DocumentType.RESIDENCE_PERMIT_HMT):
        birth, sex = _check_gb11643(normalised, kind, today)
        region = normalised[:6]
        # Resident IDs are only issued to Chinese citizens.
        country = _HMT_ADDRESS_CODES.get(region, "CHN")
        return IdentityDocument(kind, normalised, birth, sex, region, country)

    if kind is DocumentType.FOREIGN_PERMANENT_ID:
        return _check_foreign_permanent_id(normalised, nationality, today)

    if kind is DocumentType.HOME_RETURN_PERMIT:
        if not _HOME_RETURN_FORMAT.fullmatch(normalised):
            raise _error(
                "请填写通行证号码：H 或 M 加 8 位数字；证件上有 2 位换证次数的，一并填写。",
                "Enter the permit number: H or M followed by 8 digits, and the 2-digit renewal "
                "count if your permit shows one.",
            )
        # H permits are issued to Hong Kong residents, M permits to Macao residents.
        region_code = _HOME_RETURN_REGION[normalised[0]]
        return IdentityDocument(kind, normalised, None, None, None, region_code)

    # Passport: the number alone says nothing, so the nationality must come with it.
    country = _check_nationality(nationality, required=True)
    if not _PASSPORT_FORMAT.fullmatch(normalised):
        raise _error(
            "请填写护照号码：5 至 20 位英文字母或数字。",
            "Enter the passport number: 5 to 20 letters or digits.",
        )
    return IdentityDocument(kind, normalised, None, None, None, country)
