"""Tests for kiosk.identity: which numbers pass, what they yield, and what the party is told."""

from __future__ import annotations

import pickle
from datetime import date, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from kiosk.identity import (
    DOCUMENT_TYPE_LABELS,
    DocumentType,
    IdentityDocument,
    IdentityError,
    check_identity_document,
)

TODAY = date(2025, 6, 1)

# An implementation of the GB 11643 check character written from the standard, independent of
# the module (which uses python-stdnum), so a mistake in either shows up here.
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
PROVINCE_RANGES = [(11, 15), (21, 23), (31, 37), (41, 46), (50, 54), (61, 65)]
PROVINCES = [code for low, high in PROVINCE_RANGES for code in range(low, high + 1)]


def gb11643_check_char(body: str) -> str:
    """Return the check character of a 17-digit body per GB 11643."""
    assert len(body) == 17 and body.isdigit()
    return CHECK_CHARS[sum(int(c) * w for c, w in zip(body, WEIGHTS, strict=True)) % 11]


def with_check(body: str) -> str:
    return body + gb11643_check_char(body)


def check(doc_type: str | DocumentType, number: str, **kwargs: object) -> IdentityDocument:
    kwargs.setdefault("today", TODAY)
    return check_identity_document(doc_type, number, **kwargs)  # type: ignore[arg-type]


def rejected(doc_type: str | DocumentType, number: str, **kwargs: object) -> IdentityError:
    with pytest.raises(IdentityError) as info:
        check(doc_type, number, **kwargs)
    return info.value


birth_dates = st.dates(min_value=date(1900, 1, 1), max_value=TODAY)
sequences = st.integers(min_value=0, max_value=999)


@st.composite
def resident_ids(draw: st.DrawFn) -> tuple[str, date, str]:
    """A valid resident ID number with its birth date and sex."""
    province = draw(st.sampled_from(PROVINCES))
    rest = draw(st.integers(min_value=0, max_value=9999))
    born = draw(birth_dates)
    seq = draw(sequences)
    body = f"{province:02d}{rest:04d}{born:%Y%m%d}{seq:03d}"
    return with_check(body), born, "male" if seq % 2 else "female"


@st.composite
def hmt_permits(draw: st.DrawFn) -> tuple[str, date, str]:
    """A valid Hong Kong/Macao/Taiwan residence permit number with its birth date and sex."""
    prefix = draw(st.sampled_from(["810000", "820000", "830000"]))
    born = draw(birth_dates)
    seq = draw(sequences)
    return with_check(f"{prefix}{born:%Y%m%d}{seq:03d}"), born, "male" if seq % 2 else "female"


@st.composite
def permanent_ids_2023(draw: st.DrawFn) -> tuple[str, date, str]:
    """A valid 2023 foreign permanent residence ID number with its birth date and sex."""
    head = draw(st.integers(min_value=0, max_value=99999))
    born = draw(birth_dates)
    seq = draw(sequences)
    body = f"9{head:05d}{born:%Y%m%d}{seq:03d}"
    return with_check(body), born, "male" if seq % 2 else "female"


GB11643_CASES = {
    DocumentType.RESIDENT_ID: resident_ids(),
    DocumentType.RESIDENCE_PERMIT_HMT: hmt_permits(),
    DocumentType.FOREIGN_PERMANENT_ID: permanent_ids_2023(),
}
gb11643_numbers = st.sampled_from(list(GB11643_CASES)).flatmap(
    lambda t: st.tuples(st.just(t), GB11643_CASES[t])
)


# --- The check character --------------------------------------------------------------------


def test_public_sample_is_valid_female_born_1949_12_31() -> None:
    doc = check("resident_id", "11010519491231002X")
    assert doc == IdentityDocument(
        type=DocumentType.RESIDENT_ID,
        number="11010519491231002X",
        birth_date=date(1949, 12, 31),
        sex="female",
        region="110105",
        nationality="CHN",
    )


def test_independent_check_char_agrees_on_public_sample() -> None:
    assert gb11643_check_char("11010519491231002") == "X"


@given(resident_ids())
def test_every_valid_resident_id_passes_with_its_birth_date_and_sex(
    case: tuple[str, date, str],
) -> None:
    number, born, sex = case
    doc = check(DocumentType.RESIDENT_ID, number)
    assert doc.type is DocumentType.RESIDENT_ID
    assert doc.number == number
    assert doc.birth_date == born
    assert doc.sex == sex
    assert doc.region == number[:6]
    assert doc.nationality == "CHN"


# Digits, the check letter in both cases, other letters, punctuation and a space.
replacements = st.sampled_from(list("0123456789XxAZ-. /"))


@given(gb11643_numbers, st.integers(min_value=0, max_value=17), replacements)
def test_changing_any_single_character_is_rejected(
    case: tuple[DocumentType, tuple[str, date, str]], index: int, replacement: str
) -> None:
    doc_type, (number, _, _) = case
    # "x" for "X" is the same number after normalisation, so it is not a change.
    assume(replacement.upper() != number[index])
    changed = number[:index] + replacement + number[index + 1 :]
    rejected(doc_type, changed)


@given(gb11643_numbers, st.integers(min_value=0, max_value=16))
def test_swapping_adjacent_distinct_characters_is_rejected(
    case: tuple[DocumentType, tuple[str, date, str]], index: int
) -> None:
    # MOD 11-2 detects every adjacent transposition: the weights of neighbours differ mod 11.
    doc_type, (number, _, _) = case
    assume(number[index] != number[index + 1])
    swapped = number[:index] + number[index + 1] + number[index] + number[index + 2 :]
    rejected(doc_type, swapped)


def test_wrong_check_character_tells_the_party_to_check_the_number() -> None:
    err = rejected("resident_id", "110105194912310021")
    assert err.messages == {
        "zh": "身份证号码有误，请核对后重新填写。",
        "en": "This ID number is not valid; please check it and enter it again.",
    }
    assert str(err) == err.messages["en"]


# --- Normalisation -------------------------------------------------------------------------


def test_lower_case_x_is_accepted_and_normalised() -> None:
    assert check("resident_id", "11010519491231002x").number == "11010519491231002X"


def test_spaces_and_full_width_characters_are_normalised() -> None:
    assert check("resident_id", " 110105 19491231 002X ").number == "11010519491231002X"
    full_width = "１１０１０５１９４９１２３１００２ｘ"
    assert check("resident_id", full_width).number == "11010519491231002X"


def test_document_type_may_be_given_as_enum_or_value() -> None:
    assert check(DocumentType.RESIDENT_ID, "11010519491231002X").type is DocumentType.RESIDENT_ID
    assert check("RESIDENT_ID ", "11010519491231002X").type is DocumentType.RESIDENT_ID


# --- Format and birth date messages ----------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    ["11010519491231002", "11010519491231002XX", "1101051949123100XX", "A1010519491231002X"],
)
def test_wrong_format_asks_for_18_characters(number: str) -> None:
    err = rejected("resident_id", number)
    assert err.messages == {
        "zh": "请填写 18 位身份证号码，最后一位可以是 X。",
        "en": "Enter the 18-character ID number; the last character may be X.",
    }


@pytest.mark.parametrize("number", ["", "   ", "\t"])
def test_empty_number_asks_for_the_number(number: str) -> None:
    err = rejected("resident_id", number)
    assert "居民身份证" in err.messages["zh"]
    assert "Enter the number" in err.messages["en"]


@pytest.mark.parametrize(
    ("birth", "zh_part", "en_part"),
    [
        ("19490230", "不是有效日期", "not a real date"),
        ("19491301", "不是有效日期", "not a real date"),
        ("18991231", "早于 1900 年", "before 1900"),
        (f"{TODAY + timedelta(days=1):%Y%m%d}", "晚于今天", "after today"),
    ],
)
def test_implausible_birth_date_is_named(birth: str, zh_part: str, en_part: str) -> None:
    err = rejected("resident_id", with_check(f"110105{birth}002"))
    assert "出生日期" in err.messages["zh"] and zh_part in err.messages["zh"]
    assert "date of birth" in err.messages["en"] and en_part in err.messages["en"]


def test_birth_dates_on_the_bounds_are_accepted() -> None:
    earliest = with_check("11010519000101001")
    assert check("resident_id", earliest).birth_date == date(1900, 1, 1)
    born_today = with_check(f"110105{TODAY:%Y%m%d}001")
    assert check("resident_id", born_today).birth_date == TODAY


def test_today_defaults_to_the_real_date() -> None:
    tomorrow = date.today() + timedelta(days=1)
    with pytest.raises(IdentityError, match="after today"):
        check_identity_document("resident_id", with_check(f"110105{tomorrow:%Y%m%d}001"))


@pytest.mark.parametrize("province", ["01", "16", "71", "80", "84"])
def test_unknown_province_is_named_as_the_address_code(province: str) -> None:
    err = rejected("resident_id", with_check(f"{province}010519491231002"))
    assert "地址码" in err.messages["zh"]
    assert "address code" in err.messages["en"]


# --- Residence permits for Hong Kong, Macao and Taiwan residents -----------------------------


@given(hmt_permits())
def test_every_valid_hmt_permit_passes(case: tuple[str, date, str]) -> None:
    number, born, sex = case
    doc = check("residence_permit_hmt", number)
    assert (doc.birth_date, doc.sex, doc.region) == (born, sex, number[:6])
    assert doc.nationality == {"81": "HKG", "82": "MAC", "83": "TWN"}[number[:2]]


@pytest.mark.parametrize("prefix", ["810000", "820000", "830000"])
def test_resident_id_type_with_permit_number_tells_party_to_choose_permit(prefix: str) -> None:
    err = rejected("resident_id", with_check(f"{prefix}19900101001"))
    assert "港澳台居民居住证" in err.messages["zh"]
    assert "Residence permit for Hong Kong, Macao and Taiwan residents" in err.messages["en"]
    assert "choose" in err.messages["en"]


def test_permit_type_with_resident_id_tells_party_to_choose_resident_id() -> None:
    err = rejected("residence_permit_hmt", "11010519491231002X")
    assert "居民身份证" in err.messages["zh"]
    assert "Resident identity card" in err.messages["en"]


@pytest.mark.parametrize("prefix", ["810100", "811000", "840000", "710000"])
def test_permit_must_start_with_exactly_810000_820000_or_830000(prefix: str) -> None:
    err = rejected("residence_permit_hmt", with_check(f"{prefix}19900101001"))
    for code in ("810000", "820000", "830000"):
        assert code in err.messages["zh"] and code in err.messages["en"]


def test_permit_wrong_format_names_the_permit() -> None:
    err = rejected("residence_permit_hmt", "81000019900101001")
    assert "18 位居住证号码" in err.messages["zh"]
    assert "18-character residence permit number" in err.messages["en"]


# --- Foreign permanent residence IDs ---------------------------------------------------------


@given(permanent_ids_2023())
def test_every_valid_2023_permanent_id_passes(case: tuple[str, date, str]) -> None:
    number, born, sex = case
    doc = check("foreign_permanent_id", number)
    assert (doc.birth_date, doc.sex) == (born, sex)
    # The first six characters are not an address code.
    assert doc.region is None
    assert doc.nationality is None


def test_2023_permanent_id_takes_the_given_nationality() -> None:
    number = with_check("91184019900101001")
    assert check("foreign_permanent_id", number, nationality="usa").nationality == "USA"


def test_resident_id_type_with_permanent_id_tells_party_to_choose_permanent_id() -> None:
    err = rejected("resident_id", with_check("91184019900101001"))
    assert "外国人永久居留身份证" in err.messages["zh"]
    assert "Foreign permanent resident ID card" in err.messages["en"]


def test_permanent_id_type_with_resident_id_tells_party_to_choose_resident_id() -> None:
    err = rejected("foreign_permanent_id", "11010519491231002X")
    assert "居民身份证" in err.messages["zh"]


def test_2023_permanent_id_with_wrong_check_character_is_rejected() -> None:
    number = with_check("91184019900101001")
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    err = rejected("foreign_permanent_id", wrong)
    assert "永久居留身份证号码有误" in err.messages["zh"]
    assert "permanent residence ID number is not valid" in err.messages["en"]


def test_2017_permanent_id_is_checked_for_format_only() -> None:
    doc = check("foreign_permanent_id", "usa 123456789012")
    assert doc.number == "USA123456789012"
    assert (doc.birth_date, doc.sex, doc.region) == (None, None, None)
    assert doc.nationality == "USA"


@pytest.mark.parametrize(
    "number", ["US1234567890123", "USA12345678901", "USA1234567890123", "9118401990010100"]
)
def test_permanent_id_wrong_format_describes_both_versions(number: str) -> None:
    err = rejected("foreign_permanent_id", number)
    assert "9 开头" in err.messages["zh"] and "3 个英文字母加 12 位数字" in err.messages["zh"]
    assert "starting with 9" in err.messages["en"] and "3 letters" in err.messages["en"]


def test_permanent_id_rejects_a_malformed_nationality() -> None:
    err = rejected("foreign_permanent_id", "USA123456789012", nationality="U5A")
    assert "国籍" in err.messages["zh"] and "nationality" in err.messages["en"]


# --- Home-return permits ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "normalised", "region"),
    [
        ("H12345678", "H12345678", "HKG"),
        ("m12345678", "M12345678", "MAC"),
        ("H1234567801", "H1234567801", "HKG"),
        ("H 1234 5678 01", "H1234567801", "HKG"),
    ],
)
def test_home_return_permit_accepted(number: str, normalised: str, region: str) -> None:
    doc = check("home_return_permit", number)
    assert (doc.number, doc.nationality, doc.birth_date, doc.sex) == (
        normalised,
        region,
        None,
        None,
    )


@pytest.mark.parametrize(
    "number", ["H1234567", "X12345678", "H123456789", "H123456780123", "12345678H", "HH2345678"]
)
def test_home_return_permit_wrong_format_says_what_it_looks_like(number: str) -> None:
    err = rejected("home_return_permit", number)
    assert "H 或 M 加 8 位数字" in err.messages["zh"]
    assert "H or M followed by 8 digits" in err.messages["en"]


# --- Passports -----------------------------------------------------------------------------


def test_passport_accepted_and_normalised() -> None:
    doc = check("passport", " e1234 5678 ", nationality=" usa ")
    assert doc == IdentityDocument(DocumentType.PASSPORT, "E12345678", None, None, None, "USA")


@pytest.mark.parametrize("nationality", [None, "", "  "])
def test_passport_requires_a_nationality(nationality: str | None) -> None:
    err = rejected("passport", "E12345678", nationality=nationality)
    assert "国籍" in err.messages["zh"]
    assert "nationality" in err.messages["en"]


@pytest.mark.parametrize("nationality", ["US", "USAA", "U5A", "美国"])
def test_passport_nationality_must_be_three_letters(nationality: str) -> None:
    err = rejected("passport", "E12345678", nationality=nationality)
    assert "3 个英文字母" in err.messages["zh"]
    assert "3 letters" in err.messages["en"]


@pytest.mark.parametrize("number", ["1234", "A" * 21, "E123-4567", "E1234567/"])
def test_passport_number_must_be_5_to_20_letters_or_digits(number: str) -> None:
    err = rejected("passport", number, nationality="USA")
    assert "5 至 20 位英文字母或数字" in err.messages["zh"]
    assert "5 to 20 letters or digits" in err.messages["en"]


@given(st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", min_size=5, max_size=20))
def test_any_5_to_20_letters_or_digits_is_a_passport_number(number: str) -> None:
    assert check("passport", number, nationality="GBR").number == number


# --- Types, labels and the error itself ------------------------------------------------------


@pytest.mark.parametrize("doc_type", ["driving_licence", "", "身份证"])
def test_unknown_document_type_is_rejected_in_both_languages(doc_type: str) -> None:
    err = rejected(doc_type, "11010519491231002X")
    assert "证件类型" in err.messages["zh"]
    assert "document type" in err.messages["en"]


def test_every_document_type_has_labels_in_both_languages() -> None:
    assert set(DOCUMENT_TYPE_LABELS) == set(DocumentType)
    for labels in DOCUMENT_TYPE_LABELS.values():
        assert set(labels) == {"zh", "en"} and all(labels.values())
    assert DOCUMENT_TYPE_LABELS[DocumentType.RESIDENT_ID]["zh"] == "居民身份证"


def test_identity_error_is_a_value_error_with_english_str() -> None:
    err = IdentityError({"zh": "中文", "en": "English"})
    assert isinstance(err, ValueError)
    assert str(err) == "English"
    assert err.messages == {"zh": "中文", "en": "English"}


def test_identity_error_needs_both_languages() -> None:
    with pytest.raises(ValueError, match="zh"):
        IdentityError({"en": "English only"})


def test_identity_error_survives_pickling() -> None:
    err = rejected("resident_id", "110105194912310021")
    copy = pickle.loads(pickle.dumps(err))
    assert copy.messages == err.messages and str(copy) == str(err)
