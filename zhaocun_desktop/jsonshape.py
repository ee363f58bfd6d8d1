"""JSON from outside the office, parsed strictly and checked against a shape written as data.

``loads`` refuses what ``json.loads`` lets through or dies on: NaN and Infinity, numbers that
overflow to infinity, integers of thousands of digits, the same key twice in one object (a
tampered file can say ``"township"`` twice and be read either way), nesting deep enough to
overflow the stack. A shape (``Text``, ``Integer``, ``Number``, ``Boolean``, ``Null``, ``Either``,
``Scalar``, ``Record``, ``Mapping``) says what a value may be; ``problem(shape, value, where)`` returns the
first thing wrong, in Chinese, or None. A dozen lines of data per member instead of a library
(jsonschema): the messages are the clerk's, and the kinds are ours (finite numbers, bounded text).

``encoder`` writes JSON (the audit log's values, an import's fingerprints) as ``json.JSONEncoder`` does, faster.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
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


class Scalar(NamedTuple):
    """Text of at most ``max_length`` characters, a finite number within the bounds, true/false or null:
    a plain value whose kind the register's description checks next (one shape, checked in one call,
    for the fields of every record)."""

    max_length: int
    minimum: float
    maximum: float


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
    if isinstance(shape, Scalar):
        return f"文字（至多{shape.max_length:,}字）、数字、true/false 或 null"
    return "对象 {…}"


def _shown(value) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 30 else text[:27] + "…"


def problem(shape, value, where: str) -> str | None:
    """What is wrong with ``value`` against ``shape`` (``where`` names it), or None."""
    if isinstance(shape, (Record, Mapping)):
        return _object_problem(shape, value, where)
    return None if _fits(shape, value) else f"{where}应为{_describe(shape)}，实际是 {_shown(value)}"


def _fits(shape, value) -> bool:
    """True when the plain value ``value`` fits ``shape`` (checked for every field of every record: no message built)."""
    if isinstance(shape, Scalar):
        return _scalar_fits(shape, value)
    if isinstance(shape, Either):
        return any(_fits(each, value) if not isinstance(each, (Record, Mapping)) else _object_problem(each, value, "") is None for each in shape.shapes)
    if isinstance(shape, Null):
        return value is None
    if isinstance(shape, Boolean):
        return isinstance(value, bool)
    if isinstance(shape, Integer):
        return not isinstance(value, bool) and isinstance(value, int) and shape.minimum <= value <= shape.maximum
    if isinstance(shape, Number):
        return not isinstance(value, bool) and isinstance(value, (int, float)) and math.isfinite(value) and shape.minimum <= value <= shape.maximum
    if isinstance(shape, Text):
        return (isinstance(value, str) and shape.min_length <= len(value) <= shape.max_length and (not shape.choices or value in shape.choices)
                and (not shape.pattern or re.fullmatch(shape.pattern, value) is not None))  # fmt: skip
    return _object_problem(shape, value, "") is None


def _scalar_fits(shape: Scalar, value) -> bool:
    kind = type(value)
    if kind is str:
        return len(value) <= shape.max_length
    if kind is int or kind is float:
        return math.isfinite(value) and shape.minimum <= value <= shape.maximum
    return value is None or kind is bool


def _object_problem(shape, value, where: str) -> str | None:
    if not isinstance(value, dict):
        return f"{where}应为{_describe(shape)}，实际是 {_shown(value)}"
    if isinstance(shape, Mapping):
        if len(value) > shape.max_items:
            return f"{where}有 {len(value):,} 项，超过上限 {shape.max_items:,}"
        for key, item in value.items():
            found = problem(shape.key, key, f"{where}的键") or problem(shape.value, item, f"{where}的“{key}”")
            if found:
                return found
        return None
    fields = shape.fields
    for key, item in value.items():  # a record of a package: every line, every field; kept quick
        field = fields.get(key)
        if field is None:
            return f"{where}有不认识的项“{_shown(key)[1:-1]}”"
        if type(field) is Scalar:  # _scalar_fits, inline: millions of values
            kind = type(item)
            if kind is str:
                fits = len(item) <= field.max_length
            elif kind is int or kind is float:
                fits = math.isfinite(item) and field.minimum <= item <= field.maximum
            else:
                fits = item is None or kind is bool
            if not fits:
                return f"{where}的“{key}”应为{_describe(field)}，实际是 {_shown(item)}"
        else:
            found = problem(field, item, f"{where}的“{key}”")
            if found:
                return found
    for key in sorted(shape.required):
        if key not in value:
            return f"{where}缺少“{key}”"
    return None


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"数字“{text[:20]}”超出范围")
    return number


def _constant(text: str):
    raise ValueError(f"“{text}”不是数字")


def _no_repeats(pairs: list) -> dict:
    found = dict(pairs)
    if len(found) != len(pairs):
        repeated = next(key for number, (key, _) in enumerate(pairs) if any(key == other for other, _ in pairs[:number]))
        raise ValueError(f"同一对象中“{repeated[:20]}”出现了两次")
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


_DECODER = json.JSONDecoder(parse_float=_finite, parse_constant=_constant, object_pairs_hook=_no_repeats)  # made once: json.loads makes one a call


def loads(data: bytes):
    """``data`` (UTF-8 JSON) as Python values; ValueError with a Chinese reason when it is not strict JSON."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("不是 UTF-8 编码的文字") from None
    if text.count("[") + text.count("{") > MAX_DEPTH and _too_deep(text):  # counting is quick; walking only when it may nest deep
        raise ValueError(f"括号嵌套超过 {MAX_DEPTH} 层")
    try:
        return _DECODER.decode(text)
    except RecursionError:  # not reached after _too_deep, kept as a last guard
        raise ValueError(f"括号嵌套超过 {MAX_DEPTH} 层") from None
    except ValueError as error:  # JSONDecodeError, ours above, an integer of more than 4,300 digits
        reason = str(error) if not isinstance(error, json.JSONDecodeError) else f"第{error.lineno}行第{error.colno}列不是有效的 JSON"
        raise ValueError(reason if any("\u4e00" <= ch <= "\u9fff" for ch in reason) else "含有无法读出的数字") from None


def encoder(sort_keys: bool = False, default: Callable | None = None) -> Callable[[object], str]:
    """``json.JSONEncoder(ensure_ascii=False, sort_keys=sort_keys, default=default).encode``: the same text, from an
    encoder made once. ``encode`` makes its C encoder anew on every call, which was a third to three quarters of the
    time of a small record's text (an import writes one for each of its 300,000 audit entries, and a fingerprint of each
    row). For values without cycles (not looked for: a record holds none)."""
    plain = json.JSONEncoder(ensure_ascii=False, check_circular=False, sort_keys=sort_keys, default=default)
    make = json.encoder.c_make_encoder
    if make is None:  # a Python without json's C part: encode as it is
        return plain.encode
    made = make(None, plain.default, json.encoder.encode_basestring, None, plain.key_separator, plain.item_separator, sort_keys,
                plain.skipkeys, plain.allow_nan)  # fmt: skip

    def encode(value: object) -> str:
        return "".join(made(value, 0))

    return encode
