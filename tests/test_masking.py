"""The one recogniser of personal numbers in free text (values.mask_numbers): every written form of an ID
number or phone is masked; dates, amounts and case numbers are not. Generative (Hypothesis) and by example."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from hypothesis import example, given, strategies as st

from zhaocun_desktop.values import _ID_CHECK, _ID_WEIGHTS, mask_numbers, personal_numbers

FULL_WIDTH = str.maketrans("0123456789Xx-+() ", "０１２３４５６７８９Ｘｘ－＋（）\u3000")


def _id_number(area: int, born: dt.date, serial: int) -> str:
    body = f"{area:06d}{born:%Y%m%d}{serial:03d}"
    return body + _ID_CHECK[sum(int(d) * w for d, w in zip(body, _ID_WEIGHTS)) % 11]


id_numbers = st.builds(
    _id_number, st.integers(110000, 659999), st.dates(dt.date(1920, 1, 1), dt.date(2024, 12, 31)), st.integers(0, 999)
)
mobiles = st.builds(lambda second, rest: f"1{second}{rest:09d}", st.sampled_from("3456789"), st.integers(0, 10**9 - 1))
landlines = st.one_of(
    st.builds(lambda code, rest: (f"0{code}", f"{rest:07d}"), st.integers(300, 999), st.integers(10**6, 10**7 - 1)),
    st.builds(lambda code, rest: (f"0{code}", f"{rest:08d}"), st.sampled_from([10, 20, 21, 22, 23, 24, 25, 27, 28, 29]), st.integers(10**7, 10**8 - 1)),
)


def _id_form(number: str, form: str) -> str:
    return {
        "plain": number,
        "lower": number.lower(),
        "spaced": f"{number[:6]} {number[6:14]} {number[14:]}",
        "dashed": f"{number[:6]}-{number[6:14]}-{number[14:]}",
        "fours": " ".join(number[i:i + 4] for i in range(0, 18, 4)),
        "full_width": number.lower().translate(FULL_WIDTH),
        "full_width_spaced": f"{number[:6]} {number[6:14]} {number[14:]}".translate(FULL_WIDTH),
    }[form]


def _mobile_form(number: str, form: str) -> str:
    return {
        "plain": number,
        "dashed": f"{number[:3]}-{number[3:7]}-{number[7:]}",
        "spaced": f"{number[:3]} {number[3:7]} {number[7:]}",
        "plus86": f"+86 {number}",
        "plus86_dashed": f"+86-{number[:3]}-{number[3:7]}-{number[7:]}",
        "bracket86": f"(+86){number}",
        "full_width": number.translate(FULL_WIDTH),
        "full_width_dashed": f"{number[:3]}-{number[3:7]}-{number[7:]}".translate(FULL_WIDTH),
    }[form]


def _landline_form(code: str, number: str, form: str) -> str:
    return {
        "dashed": f"{code}-{number}",
        "spaced": f"{code} {number}",
        "brackets": f"({code}){number}",
        "chinese_brackets": f"（{code}）{number}",
        "plain": f"{code}{number}",
        "split": f"{code}-{number[:-4]}-{number[-4:]}",
        "full_width": f"{code}-{number}".translate(FULL_WIDTH),
    }[form]


# Text around a number as a clerk writes it: Chinese words and punctuation (a letter or digit right beside a
# number makes it part of a longer code, which is not masked).
around = st.text(alphabet="当事人身份证号电话联系方式：，。；、（）手机住址赵村镇 \n", max_size=12)


def _digits(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).upper() if ch.isdigit() or ch == "X")


def _leaks(masked: str, number: str, kept_front: int, prefix: str = "") -> bool:
    """True when more of ``number`` than its kept ends survives in ``masked`` (the text around has no digits)."""
    return _digits(masked) != prefix + number[:kept_front] + number[-4:]


@given(id_numbers, st.sampled_from(["plain", "lower", "spaced", "dashed", "fours", "full_width", "full_width_spaced"]), around, around)
@example("41042319900308123X", "lower", "备注：身份证", "。")
@example("410423199003081234", "spaced", "", "")
def test_every_written_form_of_an_id_number_is_masked(number, form, before, after):
    written = _id_form(number, form)
    masked = mask_numbers(before + written + after)
    assert not _leaks(masked, number, 6), (written, masked)
    assert masked.startswith(before) and masked.endswith(after)
    assert "*" * 8 in masked.replace(" ", "").replace("-", "").replace("\u3000", "")


@given(mobiles, st.sampled_from(["plain", "dashed", "spaced", "plus86", "plus86_dashed", "bracket86", "full_width", "full_width_dashed"]), around, around)
@example("13800138000", "dashed", "电话", "")
def test_every_written_form_of_a_mobile_is_masked(number, form, before, after):
    written = _mobile_form(number, form)
    masked = mask_numbers(before + written + after)
    assert not _leaks(masked, number, 3, "86" if "86" in form else ""), (written, masked)
    assert masked.count("*") == 4


@given(landlines, st.sampled_from(["dashed", "spaced", "brackets", "chinese_brackets", "plain", "split", "full_width"]), around, around)
@example(("0375", "1234567"), "brackets", "", "")
def test_every_written_form_of_a_landline_is_masked(landline, form, before, after):
    code, number = landline
    masked = mask_numbers(before + _landline_form(code, number, form) + after)
    assert _digits(masked) == code + number[-4:], masked
    assert masked.count("*") == len(number) - 4


NOT_PERSONAL = [
    "2023-03-08",
    "2023年3月8日至2023年4月8日",
    "20230308",
    "2023.3.8-2023.12.31",
    "涉及金额1234567.89元",
    "赔偿13800138000元",  # an amount (11 digits) is not a phone
    "1,234,567元",
    "（2023）赵人调字第12号",
    "案件编号202341042319900308",  # a case number of 18 digits
    "案号：410423202300012",  # a case number of 15 digits
    "卷号 410423199003081234",
    "编号410423202312310001",  # 18 digits, but 20231231 then 0001 is no ID's tail... named a 编号 all the same
    "执法证号41000123456",
    "共12345678人次",
    "身份证号410423199003081234X",  # 19 characters: not an ID number's form (a typo the clerk must see)
    "ABC410423199003081234",  # part of a longer code
    "2024-01-05 14:30:00",
]


@pytest.mark.parametrize("text", NOT_PERSONAL)
def test_dates_amounts_and_case_numbers_are_not_masked(text):
    assert mask_numbers(text) == text
    assert personal_numbers(text) == [] or text.startswith("身份证号")


def test_the_seven_forms_of_the_issue_are_masked_side_by_side():
    text = ("备注：410423199003081234；410423 19900308 1234；410423-19900308-1234；４１０４２３１９９００３０８１２３４；"
            "13800138000；138-0013-8000；+86 138 0013 8000；１３８００１３８０００；0375-1234567。")  # fmt: skip
    masked = mask_numbers(text)
    assert "19900308" not in _digits(masked) and "0013" not in masked and "００１３" not in masked and "1234567" not in masked
    assert masked.count("410423") == 3 and masked.count("４１０４２３") == 1


def test_a_case_number_field_is_not_masked_free_text_is():
    from zhaocun_desktop.registers import MEDIATION_CASE
    from zhaocun_desktop.validation import display_value

    by_key = {f.key: f for f in MEDIATION_CASE.fields}
    assert display_value(by_key["case_no"], "202341042319900308") == "202341042319900308"
    assert display_value(by_key["note"], "电话138-0013-8000") == "电话138-****-8000"
    assert display_value(by_key["note"], "电话138-0013-8000", reveal=True) == "电话138-0013-8000"
