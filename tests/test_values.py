import datetime as dt
import re

import pytest

from zhaocun_desktop import values

D = dt.date(2023, 3, 8)


@pytest.mark.parametrize(
    "raw",
    [
        D,
        dt.datetime(2023, 3, 8, 0, 0),
        "2023-03-08",
        "2023-3-8",
        "2023.3.8",
        "2023/3/8",
        "2023年3月8日",
        "2023年03月08日",
        "20230308",
        "２０２３．３．８",
        " 2023-03-08 00:00:00 ",
        "\u200b2023/3/8\u3000",
        44993,  # the Excel serial number of 2023-03-08
        "44993",
        44993.0,
        20230308,  # yyyymmdd typed into a number cell
        20230308.0,
    ],
)
def test_parse_date_accepts_every_form_a_clerk_types(raw):
    assert values.parse_date(raw) == D


@pytest.mark.parametrize("raw", [None, "", "   ", "\u200b"])
def test_parse_date_empty_is_none(raw):
    assert values.parse_date(raw) is None


@pytest.mark.parametrize("raw, fragment", [("2023-02-30", "不是有效日期"), ("三月八日", "不是可识别的日期"), ("2023-13-01", "不是有效日期")])
def test_parse_date_explains_what_is_wrong(raw, fragment):
    with pytest.raises(ValueError, match=fragment):
        values.parse_date(raw)


@pytest.mark.parametrize(
    "raw, read_as",
    [(2023.3, "1905-07-15"), (1, "1899-12-31"), (100000, "2173-10-14"), ("1905-07-15", None), (dt.date(2100, 1, 1), None)],
)
def test_a_date_outside_the_range_is_refused_saying_how_it_was_read(raw, read_as):
    """A number in a date column is an Excel day number: 2023.3 (a month typed as a number) would be
    1905-07-15, and 1 would be 1899-12-31. Within a range nothing of the kind is filed."""
    assert values.parse_date(raw) is not None  # no range given: read as before (stored values are read so)
    with pytest.raises(ValueError, match="不在 1950—2099 年之间") as refused:
        values.parse_date(raw, dt.date(1950, 1, 1), dt.date(2099, 12, 31))
    assert read_as is None or f"读作 {read_as}" in str(refused.value)
    assert values.parse_date(D, dt.date(1950, 1, 1), dt.date(2099, 12, 31)) == D


def test_parse_int_forms_and_limits():
    assert values.parse_int("１２") == 12
    assert values.parse_int("1,200") == 1200
    assert values.parse_int("382人次") == 382
    assert values.parse_int(12.0) == 12
    assert values.parse_int("") is None
    with pytest.raises(ValueError, match="不是整数"):
        values.parse_int(12.5)
    with pytest.raises(ValueError, match="不是数字"):
        values.parse_int("十二")
    with pytest.raises(ValueError, match="不能小于 1"):
        values.parse_int("0", minimum=1)


def test_parse_money():
    assert values.parse_money("1.5万") == 15000
    assert values.parse_money("12,000元") == 12000
    assert values.parse_money(99.999) == 100.0
    with pytest.raises(ValueError, match="不能为负数"):
        values.parse_money("-5")


def test_parse_bool():
    assert values.parse_bool("是") is True
    assert values.parse_bool("否") is False
    assert values.parse_bool("√") is True
    assert values.parse_bool("") is None
    with pytest.raises(ValueError, match="是.*否"):
        values.parse_bool("也许")


def test_match_choice_is_lenient_but_not_loose():
    choices = ("婚姻家庭", "邻里", "道路交通事故", "其他")
    assert values.match_choice("邻里纠纷", choices) == "邻里"
    assert values.match_choice(" 婚姻家庭 ", choices) == "婚姻家庭"
    assert values.match_choice("道路交通", choices) == "道路交通事故"
    assert values.match_choice("失败", ("调解成功", "调解不成功"), {"失败": "调解不成功"}) == "调解不成功"
    with pytest.raises(ValueError, match="不在可选项中"):
        values.match_choice("打架", choices)


def test_id_number_checksum_and_number_cells():
    assert values.parse_id_number("11010519491231002X") == "11010519491231002X"
    assert values.parse_id_number("11010519491231002x") == "11010519491231002X"
    with pytest.raises(ValueError, match="校验位"):
        values.parse_id_number("110105194912310021")
    with pytest.raises(ValueError, match="18位"):
        values.parse_id_number("1101051949")
    with pytest.raises(ValueError, match="末几位已经丢失"):
        values.parse_id_number(4.10423199003081e17)
    with pytest.raises(ValueError, match="末几位已经丢失"):
        values.parse_id_number("4.10423199003081E+17")


def test_phone_numbers():
    assert values.parse_phone("138 0013 8000") == "13800138000"
    assert values.parse_phone(13800138000.0) == "13800138000"
    assert values.parse_phone("0375-1234567") == "0375-1234567"
    assert values.parse_phone("03751234567") == "0375-1234567"
    assert values.parse_phone("01012345678") == "010-12345678"
    assert values.parse_phone("02087654321") == "020-87654321"
    with pytest.raises(ValueError, match="11位手机号"):
        values.parse_phone("12345")


@pytest.mark.parametrize("raw", ["013800138000", "0138-0013-8000", 13800138000])
def test_a_mobile_dialled_with_a_trunk_zero_is_the_mobile(raw):
    """013800138000 became 0138-00138000, a landline with an area code that does not exist (none but
    010 starts 01)."""
    assert values.parse_phone(raw) == "13800138000"


@pytest.mark.parametrize("raw", ["01234567890", "0123-4567890"])
def test_a_landline_needs_an_area_code_that_exists(raw):
    with pytest.raises(ValueError, match="带区号的固定电话"):
        values.parse_phone(raw)


def test_masks():
    assert values.mask_id_number("410423199003081234") == "410423********1234"
    assert values.mask_phone("13800138000") == "138****8000"
    assert values.mask_phone("0375-1234567") == "0375-***4567"
    assert values.mask_id_number(None) == ""


def test_chinese_date_has_no_zero_padding():
    assert values.chinese_date(dt.date(2024, 1, 5)) == "2024年1月5日"


def test_non_finite_and_huge_numbers_are_refused_in_chinese():
    for raw in (float("inf"), float("-inf"), float("nan"), "inf", "nan", "1e400", "Infinity"):
        with pytest.raises(ValueError) as caught:
            values.parse_money(raw)
        assert re.search(r"[\u4e00-\u9fff]", str(caught.value))
        with pytest.raises(ValueError):
            values.parse_int(raw)
    with pytest.raises(ValueError, match="不能大于 100"):
        values.parse_int(101, maximum=100)
    with pytest.raises(ValueError, match="不能大于"):
        values.parse_money("2万", maximum=10_000)
    with pytest.raises(ValueError):
        values.parse_phone(float("inf"))
    with pytest.raises(ValueError):
        values.parse_date(float("nan"))
    with pytest.raises(ValueError, match="不是数字"):
        values.parse_int("1" * 40)  # never an OverflowError
    assert values.whole_number(float("inf")) is None and values.whole_number(3.0) == 3


def test_control_characters_and_error_values():
    assert values.strip_controls("张三\x0b与\x00李四\n") == ("张三与李四\n", 2)
    assert values.clean_text("a\x1fb") == "ab"
    assert values.is_excel_error(" #DIV/0! ") and values.is_excel_error("#n/a") and not values.is_excel_error("#1号楼")
