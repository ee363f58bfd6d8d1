"""The pattern of a mediation case number (设置: 案件编号格式): its placeholders and the check of a pattern.

Pure and at the bottom, beside the register descriptions: the settings' description checks a pattern
with ``pattern_problem`` (registers.py), and ``mediation`` fills patterns in. The one place that knows
the placeholders.
"""

from __future__ import annotations

import re

PLACEHOLDERS = {"年": "the year", "简称": "the town's short name", "村": "the village's short name", "n": "the number"}
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def pattern_problem(pattern: str) -> str | None:
    """Why a case number pattern cannot be used (a Chinese message), or None."""
    unknown = [name for name in PLACEHOLDER.findall(pattern) if name not in PLACEHOLDERS]
    if unknown:
        return f"编号格式中的“{{{unknown[0]}}}”不是可用的名称；可用：{{年}} {{简称}} {{村}} {{n}}"
    if pattern.count("{") != pattern.count("}"):
        return "编号格式中的花括号不成对，请检查 { 和 }"
    if "{n}" not in pattern:
        return "编号格式必须含有序号 {n}"
    return None
