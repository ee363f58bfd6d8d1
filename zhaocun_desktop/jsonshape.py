"""JSON from outside the office, parsed strictly and checked against a shape written as data.

``loads`` refuses what ``json.loads`` lets through or dies on: NaN and Infinity, numbers that
overflow to infinity, integers of thousands of digits, the same key twice in one object (a
tampered file can say ``"township"`` twice and be read either way), nesting deep enough to
overflow the stack. A shape (``Text``, ``Integer``, ``Number``, ``Boolean``, ``Null``, ``Either``,
``Record``, ``Mapping``) says what a value may be; ``problem(shape, value, where)`` returns the
first thing wrong, in Chinese, or None. A dozen lines of data per member instead of a library
(jsonschema): the messages are the clerk's, and the kinds are ours (finite numbers, bounded text).
"""

from __future__ import annotations

import json
import math
import re
from typing import NamedTuple

MAX_DEPTH = 32  # objects and lists inside each other; a package's deepest member needs 3


class Text(NamedTuple):
    max_length: int
    min_length: int = 0
    pattern: str = ""  # a regular expression the whole text must match
    choices: tuple[str, ...] = ()


class Integer(NamedTuple):
    minimum: int
    maximum: int


class Number(NamedTuple):
    """An integer or a finite decimal number."""

    minimum: float
    maximum: float


class Boolean(NamedTuple):
    pass


class Null(NamedTuple):
    pass


class Either(NamedTuple):
    shapes: tuple


class Record(NamedTuple):
    """An object with these keys (``required`` must be there; no other key allowed)."""

    fields: dict
    required: frozenset = frozenset()


class Mapping(NamedTuple):
    """An object whose keys all match ``key`` and whose values all match ``value``."""

    key: Text
    value: object
    max_items: int


def _describe(shape) -> str:
    if isinstance(shape, Text):
        return f"文字（{shape.min_length}—{shape.max_length}字）" if not shape.choices else f"“{'”或“'.join(shape.choices)}”"
    if isinstance(shape, Integer):
        return f"整数（{shape.minimum}—{shape.maximum}）"
    if isinstance(shape, Number):
        return f"数字（{shape.minimum:g}—{shape.maximum:g}）"
    if isinstance(shape, Boolean):
        return "true 或 false"
    if isinstance(shape, Null):
        return "空值 null"
    if isinstance(shape, Either):
        return "或".join(_describe(each) for each in shape.shapes)
    return "对象 {…}"


def _shown(value) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 30 else text[:27] + "…"


def problem(shape, value, where: str) -> str | None:
    """What is wrong with ``value`` against ``shape`` (``where`` names it), or None."""
    wrong = f"{where}应为{_describe(shape)}，实际是 {_shown(value)}"
    if isinstance(shape, Either):
        return None if any(problem(each, value, where) is None for each in shape.shapes) else wrong
    if isinstance(shape, Null):
        return None if value is None else wrong
    if isinstance(shape, Boolean):
        return None if isinstance(value, bool) else wrong
    if isinstance(shape, Integer):
        if isinstance(value, bool) or not isinstance(value, int) or not shape.minimum <= value <= shape.maximum:
            return wrong
        return None
    if isinstance(shape, Number):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or not shape.minimum <= value <= shape.maximum:
            return wrong
        return None
    if isinstance(shape, Text):
        if not isinstance(value, str) or not shape.min_length <= len(value) <= shape.max_length:
            return wrong
        if shape.choices and value not in shape.choices:
            return wrong
        if shape.pattern and not re.fullmatch(shape.pattern, value):
            return wrong
        return None
    if not isinstance(value, dict):
        return wrong
    if isinstance(shape, Mapping):
        if len(value) > shape.max_items:
            return f"{where}有 {len(value):,} 项，超过上限 {shape.max_items:,}"
        for key, item in value.items():
            found = problem(shape.key, key, f"{where}的键") or problem(shape.value, item, f"{where}的“{key}”")
            if found:
                return found
        return None
    for key in value:
        if key not in shape.fields:
            return f"{where}有不认识的项“{_shown(key)[1:-1]}”"
    for key in sorted(shape.required):
        if key not in value:
            return f"{where}缺少“{key}”"
    for key, item in value.items():
        found = problem(shape.fields[key], item, f"{where}的“{key}”")
        if found:
            return found
    return None


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"数字“{text[:20]}”超出范围")
    return number


def _constant(text: str):
    raise ValueError(f"“{text}”不是数字")


def _no_repeats(pairs: list) -> dict:
    found = {}
    for key, value in pairs:
        if key in found:
            raise ValueError(f"同一对象中“{key[:20]}”出现了两次")
        found[key] = value
    return found


def _too_deep(data: str) -> bool:
    """True when brackets nest deeper than MAX_DEPTH (counted outside strings)."""
    depth, inside, escaped = 0, False, False
    for char in data:
        if inside:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                inside = False
        elif char == '"':
            inside = True
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return True
        elif char in "]}":
            depth -= 1
    return False


def loads(data: bytes):
    """``data`` (UTF-8 JSON) as Python values; ValueError with a Chinese reason when it is not strict JSON."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("不是 UTF-8 编码的文字") from None
    if text.count("[") + text.count("{") > MAX_DEPTH and _too_deep(text):  # counting is quick; walking only when it may nest deep
        raise ValueError(f"括号嵌套超过 {MAX_DEPTH} 层")
    try:
        return json.loads(text, parse_float=_finite, parse_constant=_constant, object_pairs_hook=_no_repeats)
    except RecursionError:  # not reached after _too_deep, kept as a last guard
        raise ValueError(f"括号嵌套超过 {MAX_DEPTH} 层") from None
    except ValueError as error:  # JSONDecodeError, ours above, an integer of more than 4,300 digits
        reason = str(error) if not isinstance(error, json.JSONDecodeError) else f"第{error.lineno}行第{error.colno}列不是有效的 JSON"
        raise ValueError(reason if any("\u4e00" <= ch <= "\u9fff" for ch in reason) else "含有无法读出的数字") from None
