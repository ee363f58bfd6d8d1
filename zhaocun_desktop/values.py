"""Turning what a clerk types (or a village sheet holds) into clean values.

Pure functions, no database, no Qt. Each ``parse_*`` returns the clean value or
raises ``ValueError`` whose text is a Chinese message saying what to do.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
# Characters an Excel cell cannot hold (and a clerk cannot see): C0 controls but tab and newlines, DEL.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# The error values a spreadsheet shows for a formula that failed.
EXCEL_ERRORS = frozenset(("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA", "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#UNKNOWN!", "#BUSY!"))
_FULLWIDTH = str.maketrans(
    "０１２３４５６７８９．－／：",
    "0123456789.-/:",
)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
EXCEL_EPOCH = dt.date(1899, 12, 30)
EXCEL_EPOCH_1904 = dt.date(1904, 1, 1)  # a workbook that counts dates from 1904 (date1904): day 0 is 1904-01-01


def strip_controls(text: str) -> tuple[str, int]:
    """``text`` without control characters (Excel cannot hold them), and how many were removed."""
    return _CONTROLS.subn("", text)


def is_excel_error(raw: object) -> bool:
    """True for a cell that holds an Excel error value such as #DIV/0! or #N/A."""
    return isinstance(raw, str) and raw.strip().upper() in EXCEL_ERRORS


# clean_text's work: invisible and control characters dropped, NBSP and the ideographic space made spaces; most
# text has none of them, and a search finds that ten times faster than the translation it saves
_CLEAN = {**_INVISIBLE, **dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F], None), 0xA0: " ", 0x3000: " "}
_UNCLEAN = re.compile("[" + "".join(re.escape(chr(code)) for code in _CLEAN) + "]")


def clean_text(raw: object) -> str:
    """Text with invisible and control characters removed, NBSP/ideographic spaces folded, ends trimmed."""
    if raw is None:
        return ""
    text = str(raw)
    if _UNCLEAN.search(text):
        text = text.translate(_CLEAN)
    return text.strip()


def fold(text: str) -> str:
    """A key for lenient comparison: NFKC (full-width → half-width), no spaces."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", clean_text(text)))


def parse_date(raw: object, earliest: dt.date | None = None, latest: dt.date | None = None, epoch: dt.date = EXCEL_EPOCH) -> dt.date | None:
    """A date from a date object or any of the forms clerks type; None when empty.

    With ``earliest``/``latest``, a date outside them is refused, saying how it was read: a number such
    as 2023.3 or 1 is an Excel day number (1905-07-15, 1899-12-31), never what the clerk meant.
    ``epoch``: day 0 of the workbook's day numbers (``EXCEL_EPOCH_1904`` in a 1904 workbook)."""
    day, serial = _parse_date(raw, epoch)
    if day is not None and not (earliest or day) <= day <= (latest or day):
        if serial is not None:
            raise ValueError(f"“{serial:g}”按 Excel 日期序号读作 {day:%Y-%m-%d}，不在 {earliest:%Y}—{latest:%Y} 年之间，不是有效日期。"
                             "请写成 2023-03-08 或 2023年3月8日")  # fmt: skip
        raise ValueError(f"“{day:%Y-%m-%d}”不在 {earliest:%Y}—{latest:%Y} 年之间，不是有效日期，请核对年份后重填")
    return day


def _parse_date(raw: object, epoch: dt.date = EXCEL_EPOCH) -> tuple[dt.date | None, float | None]:
    """The date (None when empty), and the Excel day number it was read from (None when it was not)."""
    if raw is None:
        return None, None
    if isinstance(raw, dt.datetime):
        return raw.date(), None
    if isinstance(raw, dt.date):
        return raw, None
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        if whole_number(float(raw)) is not None and 19000101 <= raw <= 29991231:  # 20230308 typed as a number
            return _parse_date(str(int(raw)))
        return _from_serial(float(raw), epoch), float(raw)
    text = clean_text(raw).translate(_FULLWIDTH)
    if not text:
        return None, None
    text = re.sub(r"\s+\d{1,2}:\d{2}(:\d{2})?$", "", text)  # "2023-03-08 00:00:00"
    match = (
        re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", text)
        or re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text)
    )
    if match:
        year, month, day = (int(part) for part in match.groups())
        try:
            return dt.date(year, month, day), None
        except ValueError:
            raise ValueError(f"“{text}”不是有效日期（{month}月没有{day}日或月份有误），请核对后重填") from None
    if re.fullmatch(r"\d{5}(\.0+)?", text):
        return _from_serial(float(text), epoch), float(text)
    raise ValueError(f"“{text}”不是可识别的日期，请写成 2023-03-08 或 2023年3月8日")


def _from_serial(serial: float, epoch: dt.date = EXCEL_EPOCH) -> dt.date:
    """An Excel serial day number (as Excel stores dates) as a date."""
    if not 1 <= serial < 2958466:  # also false for NaN
        raise ValueError(f"“{serial:g}”不是有效日期，请写成 2023-03-08 或 2023年3月8日")
    return epoch + dt.timedelta(days=int(serial))


def _finite(value: float) -> float:
    """``value`` itself; ValueError for inf and NaN (a number too large for the cell, or none)."""
    if math.isnan(value):
        raise ValueError("不是有效的数字（NaN），请填写数字")
    if math.isinf(value):
        raise ValueError("数字过大或无效（超出 Excel 能表示的范围），请核对后重填")
    return value


def whole_number(value: float) -> int | None:
    """``value`` as an int when it is a finite whole number, else None (never an OverflowError)."""
    return int(value) if math.isfinite(value) and value.is_integer() else None


def cell_text(raw: object) -> str:
    """A cell's value as text: a whole number typed into a text column reads without ".0" (12.0 is "12")."""
    if isinstance(raw, float) and whole_number(raw) is not None:
        raw = int(raw)
    return clean_text(raw)


def _check_bounds(value: float, minimum: float | None, maximum: float | None) -> None:
    if minimum is not None and value < minimum:
        raise ValueError(f"不能小于 {minimum:g}")
    if maximum is not None and value > maximum:
        raise ValueError(f"不能大于 {maximum:,.0f}（本栏的上限），请核对是否多写了数字")


def parse_int(raw: object, minimum: int = 0, maximum: float | None = None) -> int | None:
    """A whole number (full-width digits, thousands separators and a trailing 人/份/件 allowed)."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        raise ValueError("应填写数字")
    if isinstance(raw, float):
        if whole_number(_finite(raw)) is None:
            raise ValueError(f"“{raw:g}”不是整数，请填写整数")
        raw = int(raw)
    if isinstance(raw, int):
        value = raw
    else:
        text = clean_text(raw).translate(_FULLWIDTH).replace(",", "").replace("，", "")
        text = re.sub(r"\s*(人次|人|份|件|场次|场|次|个|元|学时|小时)$", "", text)
        if not text:
            return None
        if re.fullmatch(r"-?\d{1,30}(\.0+)?", text):
            value = int(text.split(".")[0])
        else:
            raise ValueError(f"“{clean_text(raw)[:30]}”不是数字，请只填写阿拉伯数字，如 12")
    _check_bounds(value, minimum, maximum)
    return value


def parse_money(raw: object, maximum: float | None = None) -> float | None:
    """An amount in yuan, rounded to fen; 万 is understood (1.5万 → 15000)."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        raise ValueError("应填写金额")
    if isinstance(raw, (int, float)):
        try:
            value = _finite(float(raw))
        except OverflowError:  # an int beyond float
            raise ValueError("数字过大，请核对后重填") from None
    else:
        text = clean_text(raw).translate(_FULLWIDTH).replace(",", "").replace("，", "")
        factor = 1.0
        if text.endswith("元"):
            text = text[:-1]
        if text.endswith("万"):
            text, factor = text[:-1], 10000.0
        if not text:
            return None
        if not re.fullmatch(r"-?(\d+(\.\d*)?|\.\d+)", text):  # no "inf", "nan", "1e400"
            raise ValueError(f"“{clean_text(raw)[:30]}”不是金额，请填写数字，如 12000 或 1.2万")
        value = _finite(float(text) * factor)
    if value < 0:
        raise ValueError("金额不能为负数")
    _check_bounds(value, None, maximum)
    return round(value, 2)


_TRUE = {"是", "有", "y", "yes", "true", "1", "√", "✓", "对"}
_FALSE = {"否", "无", "n", "no", "false", "0", "×", "x", "不是"}


def parse_bool(raw: object) -> bool | None:
    """是/否 (and the common ways of writing them) as a bool; None when empty."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, (int, float)) and raw in (0, 1):
        return bool(raw)
    text = fold(str(raw)).lower()
    if not text:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"“{clean_text(raw)}”应填写“是”或“否”")


def match_choice(raw: object, choices: tuple[str, ...], synonyms: dict[str, str] | None = None) -> str | None:
    """The choice the text means: exact, then folded, then with 纠纷/类/活动 and the like dropped."""
    text = clean_text(raw)
    if not text:
        return None
    if text in choices:
        return text
    folded = fold(text)
    by_fold = {fold(choice): choice for choice in choices}
    for key, target in (synonyms or {}).items():
        by_fold.setdefault(fold(key), target)
    if folded in by_fold:
        return by_fold[folded]
    for suffix in ("纠纷", "类", "活动", "案件", "问题"):
        if folded.endswith(suffix) and folded[: -len(suffix)] in by_fold:
            return by_fold[folded[: -len(suffix)]]
    # "道路交通" for "道路交通事故": accept a prefix only when it names one choice.
    if len(folded) >= 2:
        starting = {choice for key, choice in by_fold.items() if key.startswith(folded)}
        if len(starting) == 1:
            return starting.pop()
    shown = "、".join(choices[:16]) + ("…" if len(choices) > 16 else "")
    raise ValueError(f"“{text}”不在可选项中，请从下列选项中选择：{shown}")


def id_number_problem(text: str) -> str | None:
    """Why an 18-digit resident ID number is wrong, or None when it is valid."""
    if not re.fullmatch(r"\d{17}[\dX]", text):
        return "身份证号应为18位，前17位是数字，最后一位是数字或X"
    try:
        dt.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        return "身份证号中的出生日期无效，请核对"
    total = sum(int(digit) * weight for digit, weight in zip(text[:17], _ID_WEIGHTS))
    if _ID_CHECK[total % 11] != text[17]:
        return "身份证号校验位不符，可能有数字抄错，请核对"
    return None


_MASKED = "号码已被遮盖（含*），无法导入完整号码；请填写完整号码或清空此格"


def parse_id_number(raw: object) -> str | None:
    """A resident ID number as text; numbers (digits already lost in Excel) are refused."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, float) or (isinstance(raw, str) and re.fullmatch(r"\d(\.\d+)?[eE]\+\d+", raw.strip())):
        raise ValueError(
            "身份证号被 Excel 存成了数字，末几位已经丢失，无法恢复；"
            "请把该列设为“文本”格式后重新录入完整号码"
        )
    text = fold(str(raw)).upper()
    if not text:
        return None
    if "*" in text:
        raise ValueError(_MASKED)
    problem = id_number_problem(text)
    if problem:
        raise ValueError(problem)
    return text


def parse_phone(raw: object) -> str | None:
    """A mobile (11 digits) or landline number (0375-1234567) as text."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, float):
        if whole_number(raw) is None:
            raise ValueError("电话号码有误，请填写11位手机号或带区号的固定电话")
        raw = str(int(raw))
    text = fold(str(raw)).replace("—", "-").replace("（", "(").replace("）", ")")
    if not text:
        return None
    if "*" in text:
        raise ValueError(_MASKED)
    digits = re.sub(r"[-()\s]", "", text)
    if re.fullmatch(r"0?1[3-9]\d{9}", digits):  # a mobile, also as dialled from a landline (013800138000)
        return digits[-11:]
    # a landline: 010 and 02X have three digits, every other area code four (03XX-09XX); no code starts 01X but 010
    area = 3 if digits[:2] == "02" or digits[:3] == "010" else 4
    if re.fullmatch(r"0(10|2\d|[3-9]\d\d)\d{7,8}", digits):
        return f"{digits[:area]}-{digits[area:]}"
    raise ValueError("电话号码有误，请填写11位手机号（如 13800138000）或带区号的固定电话（如 0375-1234567）")


def mask_id_number(text: str | None) -> str:
    """410423199003081234 → 410423********1234."""
    if not text:
        return ""
    if len(text) <= 10:
        return text[:2] + "*" * max(len(text) - 2, 0)
    return text[:6] + "*" * (len(text) - 10) + text[-4:]


def mask_phone(text: str | None) -> str:
    """13800138000 → 138****8000; 0375-1234567 → 0375-***4567."""
    if not text:
        return ""
    if "-" in text:
        area, number = text.split("-", 1)
        return f"{area}-{'*' * max(len(number) - 4, 0)}{number[-4:]}"
    if len(text) < 7:
        return "*" * len(text)
    return text[:3] + "*" * (len(text) - 7) + text[-4:]


# The one recogniser of personal numbers in free text (a 备注, 事由 or 简要案情 may hold one, in any form a clerk
# types): ID numbers of 18 digits (last X or x) or 15, phones (mobiles, +86, landlines with their area code), with
# spaces or dashes between any digits and full-width digits. Masked exports, printouts, the 操作记录, the default
# package and the preview all go through ``mask_numbers``.
_D = "[0-9\uff10-\uff19]"  # a digit, half- or full-width
_S = "[ \u3000\\-\u2010-\u2015\uff0d]?"  # at most one space or dash between two digits
_EDGE_BEFORE = r"(?<![0-9\uff10-\uff19A-Za-z\uff21-\uff3a\uff41-\uff5a])"
_EDGE_AFTER = r"(?![0-9\uff10-\uff19A-Za-z\uff21-\uff3a\uff41-\uff5a])"
_PLUS86 = f"(?:[+\uff0b](?:8|\uff18)(?:6|\uff16){_S}|[(\uff08][+\uff0b]?(?:8|\uff18)(?:6|\uff16)[)\uff09]{_S})"
PERSONAL_NUMBER = re.compile(
    _EDGE_BEFORE + "(?:"
    f"(?P<id18>{_D}(?:{_S}{_D}){{16}}{_S}[0-9\uff10-\uff19XxＸｘ])"
    f"|(?P<id15>{_D}(?:{_S}{_D}){{14}})"
    f"|(?P<mobile>{_PLUS86}?(?:1|\uff11){_S}[3-9\uff13-\uff19](?:{_S}{_D}){{9}})"
    f"|(?P<landline>(?:[(\uff08](?:0|\uff10){_D}{{2,3}}[)\uff09]|(?:0|\uff10){_D}{{2,3}}){_S}{_D}(?:{_S}{_D}){{6,7}})"
    ")" + _EDGE_AFTER
)
# Words after which a number is a case number (案件编号) or an amount, never a person's.
_NOT_PERSONAL_BEFORE = re.compile(r"(?:案件编号|案号|卷号|编号|字第|No\.?|NO\.?|№)[\s:：]*$")
_NOT_PERSONAL_AFTER = re.compile(r"^\s*(?:元|万|亿|块|%|％)")


def _plausible_birth(digits: str, century: bool) -> bool:
    """An ID number's birth date is a date (a case number or a sum rarely holds one where an ID has it)."""
    year, rest = (int(digits[6:10]), digits[10:14]) if century else (1900 + int(digits[6:8]), digits[8:12])
    month, day = int(rest[:2]), int(rest[2:])
    return 1900 <= year <= 2099 and 1 <= month <= 12 and 1 <= day <= 31


def _landline_code(digits: str) -> bool:
    """A Chinese area code: 010, 02X, or four digits 03XX-09XX."""
    return digits[:3] == "010" or digits[:2] == "02" or digits[1] in "3456789"


def personal_numbers(text: str) -> list[tuple[int, int, str]]:
    """Where personal numbers stand in ``text``: (start, end, kind) with kind id, mobile or landline."""
    found = []
    for match in PERSONAL_NUMBER.finditer(text):
        kind = match.lastgroup
        digits = re.sub(r"[^0-9X]", "", unicodedata.normalize("NFKC", match.group(0)).upper())
        if _NOT_PERSONAL_BEFORE.search(text[max(0, match.start() - 8):match.start()]) or _NOT_PERSONAL_AFTER.match(text[match.end():match.end() + 3]):
            continue
        if kind == "id18" and not _plausible_birth(digits, True):
            continue
        if kind == "id15" and not _plausible_birth(digits, False):
            continue
        if kind == "landline" and not _landline_code(digits):
            continue
        found.append((match.start(), match.end(), "id" if kind.startswith("id") else kind))
    return found


def _mask_span(written: str, kind: str) -> str:
    """``written`` (one number as typed) with its middle digits turned into *, separators kept."""
    positions = [i for i, char in enumerate(written) if char.isdigit() or char in "XxＸｘ"]
    if kind == "mobile" and len(positions) > 11:
        positions = positions[len(positions) - 11:]  # +86 stays as typed
    if kind == "landline":
        leading = unicodedata.normalize("NFKC", "".join(written[i] for i in positions[:3]))
        code = 3 if leading == "010" or leading[1] == "2" else 4
        hidden = positions[code:-4]
    elif kind == "mobile":
        hidden = positions[3:-4]
    else:
        hidden = positions[6:-4]
    chars = list(written)
    for i in hidden:
        chars[i] = "*"
    return "".join(chars)


PERSONAL_NOTE = "含个人信息，请妥善保管，不得外传。"  # under the title of every export and printout that shows personal numbers


def mask_numbers(text: str) -> str:
    """Free text with every ID or phone number in it masked, in whatever form it was written
    (410423********1234, 410423 ******** 1234, 138****8000, 138-****-8000, 0375-***4567)."""
    if not text or not any(char.isdigit() for char in text):  # most text has no digit: no regex
        return text
    spans = personal_numbers(text)
    if not spans:
        return text
    parts, last = [], 0
    for start, end, kind in spans:
        parts += [text[last:start], _mask_span(text[start:end], kind)]
        last = end
    return "".join(parts) + text[last:]


def format_date(value: dt.date | None) -> str:
    """A date as the ISO text stored in the database."""
    return value.isoformat() if value else ""


def chinese_date(value: dt.date) -> str:
    """2024年1月5日 (GB/T 9704: Arabic digits, no zero padding)."""
    return f"{value.year}年{value.month}月{value.day}日"


_STRONG_SEPARATORS = re.compile(r"\s*[、，,；;/]\s*|\s+")
_WEAK_SEPARATORS = ("与", "和", "及", "同")
_PLAIN_NAME = re.compile(r"[\u3400-\u9fff·]{2,12}|[A-Za-z][A-Za-z .·-]{0,30}")


def _split_weak(piece: str) -> list[str]:
    if len(piece) < 5:  # two names of two characters and a separator at least
        return [piece]
    for separator in _WEAK_SEPARATORS:
        parts = piece.split(separator)
        if len(parts) > 1 and all(len(part) >= 2 for part in parts):
            return [name for part in parts for name in _split_weak(part)]
    return [piece]


def split_names(text: object) -> list[str] | None:
    """The names in a one-line 当事人 text ("甲与乙", "甲、乙", "甲和乙"); None when it cannot be split.

    与/和/及/同 separate only where every part is at least two characters ("李和平与张三" is two
    people). A text is split only when every piece reads as a name: "张三等5户与李四" or
    "某公司（法定代表人王五）" stay as they were.
    """
    cleaned = clean_text(text)
    if not cleaned:
        return None
    pieces = []
    for piece in _STRONG_SEPARATORS.split(cleaned):
        if not piece:
            continue
        pieces += _split_weak(piece)
    if not pieces or not all(_PLAIN_NAME.fullmatch(piece) for piece in pieces):
        return None
    return pieces
