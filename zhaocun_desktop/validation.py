"""Validation of one record against its register's description."""

from __future__ import annotations

import math

from zhaocun_desktop import values
from zhaocun_desktop.errors import InvalidRecord
from zhaocun_desktop.registers import Field, Kind, Register


def parse_field(register: Register, field: Field, raw: object) -> object:
    """The clean value of one field (None when empty); raises ValueError with a Chinese message."""
    kind = field.kind
    if kind is Kind.DATE:
        return values.format_date(values.parse_date(raw)) or None
    if kind is Kind.INT:
        return values.parse_int(raw, minimum=field.minimum, maximum=field.upper_bound)
    if kind is Kind.MONEY:
        return values.parse_money(raw, maximum=field.upper_bound)
    if kind is Kind.BOOL:
        return values.parse_bool(raw)
    if kind is Kind.CHOICE:
        return values.match_choice(raw, field.choices, register.choice_synonyms.get(field.key))
    if kind is Kind.ID_NUMBER:
        return values.parse_id_number(raw)
    if kind is Kind.PHONE:
        return values.parse_phone(raw)
    if isinstance(raw, float) and values.whole_number(raw) is not None:
        raw = int(raw)  # a number typed into a text column: 12.0 means "12"
    elif isinstance(raw, float) and not math.isfinite(raw):
        raise ValueError("数字过大或无效（超出 Excel 能表示的范围），请核对后重填")
    text = values.clean_text(raw)
    if kind is not Kind.MEMO:
        text = " ".join(text.split())
    if len(text) > field.length_limit:
        raise ValueError(f"内容有 {len(text):,} 个字，超过本栏上限 {field.length_limit:,} 字，请精简或分成几条")
    return text or None


def check_record(register: Register, raw: dict) -> tuple[dict, dict[str, str]]:
    """Clean values for every field of ``raw`` and the problems found, by field key."""
    clean: dict = {}
    errors: dict[str, str] = {}
    for field in register.fields:
        if field.key not in raw:
            continue
        value = raw[field.key]
        if value is None or value == "":  # every parser maps "empty" to None
            clean[field.key] = None
            continue
        try:
            clean[field.key] = parse_field(register, field, value)
        except ValueError as error:
            errors[field.key] = str(error)
    for field in register.fields:
        if field.required and field.key not in errors and clean.get(field.key) is None:
            errors[field.key] = "必填，请填写" if field.kind is not Kind.CHOICE else "必填，请选择"
    if not errors:
        for check in register.checks:
            errors.update(check(clean))
    return clean, errors


def validate(register: Register, raw: dict) -> dict:
    """Clean values for a complete record; raises InvalidRecord listing every problem."""
    clean, errors = check_record(register, raw)
    if errors:
        raise InvalidRecord(errors, register.labels)
    return clean


def display_value(field: Field, value: object, reveal: bool = False) -> str:
    """How a stored value reads in a list, an export or a printout.

    ID numbers and phone numbers are masked unless ``reveal`` is set.
    """
    if value is None or value == "":
        return ""
    kind = field.kind
    if kind is Kind.BOOL:
        return "是" if value else "否"
    if kind is Kind.MONEY:
        return f"{value:,.2f}".rstrip("0").rstrip(".") if isinstance(value, (int, float)) else str(value)
    if kind is Kind.ID_NUMBER and not reveal:
        return values.mask_id_number(str(value))
    if kind is Kind.PHONE and not reveal:
        return values.mask_phone(str(value))
    return str(value)
