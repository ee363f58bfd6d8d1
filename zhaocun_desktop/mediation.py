"""The mediation office's daily work: case numbers and what is due on a case.

Qt-free. ``next_case_no`` proposes the next 卷号 of a year for one committee; ``number_problems``
lists gaps and numbers that do not follow the pattern (for 报告自查); ``visits_due`` adds the
回访 to the general due list (``due.due_items``) and to ``due.case_reminders`` (报告自查), which sit above this module.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from zhaocun_desktop import queries, settings as township_settings
from zhaocun_desktop.case_numbers import PLACEHOLDER, pattern_problem  # noqa: F401 (pattern_problem: mediation.pattern_problem)
from zhaocun_desktop.registers import (
    LOCAL_TYPES_SETTING,
    MEDIATION_CASE,
    NATIONAL_CATEGORIES,
    SUCCESS,
    TOWN_COMMITTEE,
    VILLAGE_COMMITTEE,
    VISIT,
    local_types,
)
from zhaocun_desktop.values import fold, parse_date

if TYPE_CHECKING:
    from sqlite_utils import Database

VISIT_DAYS = 30  # an agreement is visited about a month after it was reached
VISIT_WARNING_DAYS = 7
VISIT_LATE_DAYS = 60  # a visit missed by more than two months is no longer a useful reminder


def town_short(settings: dict) -> str:
    """简称 for case numbers: the setting, or the town's first character (赵村镇 → 赵)."""
    return (settings.get("town_short") or "").strip() or (settings.get("town") or "")[:1]


def village_short(name: str | None) -> str:
    """A village's name without its 村委会/居委会/社区 suffix, as used in 村调委会 numbers (赵村村 → 赵村)."""
    name = (name or "").strip()
    for suffix in ("村民委员会", "居民委员会", "村委会", "居委会", "社区", "村", "居"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def committee(org: str | None, village: str | None) -> tuple[str, str] | None:
    """The numbering series a case belongs to: the town committee, or one village's committee."""
    if org == TOWN_COMMITTEE:
        return (TOWN_COMMITTEE, "")
    if org == VILLAGE_COMMITTEE and village:
        return (VILLAGE_COMMITTEE, village)
    return None  # 其他: numbered by whoever handled it; not proposed or checked


def _pattern(settings: dict, series: tuple[str, str]) -> str:
    key = "case_no_pattern" if series[0] == TOWN_COMMITTEE else "case_no_pattern_village"
    return settings.get(key) or "（{年}）{简称}人调字第{n}号"


def _fill(pattern: str, values: dict[str, str]) -> str:
    return PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), pattern)


def format_case_no(settings: dict, series: tuple[str, str], year: int, number: int) -> str:
    """The number ``number`` of ``year`` in a committee's series, e.g. （2023）赵人调字第12号."""
    return _fill(_pattern(settings, series), {"年": str(year), "简称": town_short(settings), "村": village_short(series[1]), "n": str(number)})


def _matcher(settings: dict, series: tuple[str, str], year: int) -> re.Pattern:
    """A regular expression for the series' numbers of ``year`` (compared folded: （ and ( alike)."""
    pattern = fold(_pattern(settings, series))
    parts = re.split(r"(\{n\})", pattern)
    filled = [r"(?P<n>\d+)" if part == "{n}" else re.escape(fold(_fill(part, {"年": str(year), "简称": town_short(settings), "村": village_short(series[1])}))) for part in parts]
    return re.compile("^" + "".join(filled) + "$")


def _series_numbers(db: Database, settings: dict, series: tuple[str, str], year: int) -> list[tuple[int, int | None, str]]:
    """(case id, number or None when out of pattern, case_no) for the series' numbered cases of ``year``."""
    sql = "SELECT id, case_no FROM mediation_case WHERE accepted >= ? AND accepted < ? AND case_no IS NOT NULL AND org = ?"
    params: list = [f"{year:04d}-01-01", f"{year + 1:04d}-01-01", series[0]]
    if series[1]:
        sql += f" AND {queries.column_sql(MEDIATION_CASE, 'village')} = ?"
        params.append(series[1])
    matcher = _matcher(settings, series, year)
    found = []
    for record_id, case_no in db.execute(sql, params):
        match = matcher.match(fold(case_no))
        found.append((record_id, int(match.group("n")) if match else None, case_no))
    return found


def next_case_no(db: Database, accepted: object, org: str | None, village: str | None) -> str:
    """The next number of the case's year in its committee's series ("" when it has no series)."""
    day = parse_date(accepted) if accepted else None
    series = committee(org, village)
    if day is None or series is None:
        return ""
    settings = township_settings.settings(db)
    used = [number for _, number, _ in _series_numbers(db, settings, series, day.year) if number]
    return format_case_no(settings, series, day.year, max(used, default=0) + 1)


def proposed_values(db: Database, values: dict) -> dict[str, str]:
    """What the case form fills in for a new case: the next case number."""
    number = next_case_no(db, values.get("accepted"), values.get("org"), values.get("village"))
    return {"case_no": number} if number else {}


MEDIATION_CASE.hooks.propose = proposed_values  # installed at import: the form asks records.proposed_values


@dataclass(frozen=True)
class Reminder:
    """Something due on the cases (or wrong with their numbers), with the cases behind it."""

    kind: str  # a short Chinese name: 调解, 司法确认, 回访, 编号缺号, 编号格式, 未编号
    message: str
    record_ids: tuple[int, ...]
    due: dt.date | None = None  # the earliest day it is (or was) due
    level: str = "提醒"  # 提醒 / 错误 (as report_checks uses them)


def number_problems(db: Database, year: int) -> list[Reminder]:
    """Gaps in each committee's numbers of ``year`` and numbers that do not follow the pattern."""
    settings = township_settings.settings(db)
    problems = []
    series_list = [(TOWN_COMMITTEE, "")] + [
        (VILLAGE_COMMITTEE, row[0])
        for row in db.execute(
            f"SELECT DISTINCT {queries.column_sql(MEDIATION_CASE, 'village')} AS name FROM mediation_case "
            "WHERE org = ? AND name IS NOT NULL AND accepted >= ? AND accepted < ? ORDER BY name",
            [VILLAGE_COMMITTEE, f"{year:04d}-01-01", f"{year + 1:04d}-01-01"],
        )
    ]
    odd: list[tuple[int, str, tuple[str, str]]] = []
    for series in series_list:
        found = _series_numbers(db, settings, series, year)
        odd += [(record_id, case_no, series) for record_id, number, case_no in found if number is None]
        numbers = sorted({number for _, number, _ in found if number})
        missing = sorted(set(range(1, max(numbers, default=0) + 1)) - set(numbers))
        if missing:
            name = f"{series[1]}调委会" if series[1] else TOWN_COMMITTEE
            shown = "、".join(f"第{n}号" for n in missing[:10]) + ("等" if len(missing) > 10 else "")
            problems.append(Reminder("编号缺号", f"{name}{year}年案件编号不连续，缺{shown}（共{len(missing)}个）；请核对是否漏登", tuple(r for r, n, _ in found if n)))
    if odd:
        shown = "、".join(case_no for _, case_no, _ in odd[:3]) + ("等" if len(odd) > 3 else "")
        example = format_case_no(settings, odd[0][2], year, 1)  # in the first odd case's own series (a village's pattern for its cases)
        problems.append(Reminder("编号格式", f"{len(odd)}件案件的编号不合设置中的格式（{shown}），应如“{example}”；请改正或修改“设置”中的编号格式", tuple(r for r, _, _ in odd)))
    unnumbered = tuple(row[0] for row in db.execute(
        "SELECT id FROM mediation_case WHERE case_no IS NULL AND org IN (?, ?) AND accepted >= ? AND accepted < ?",
        [TOWN_COMMITTEE, VILLAGE_COMMITTEE, f"{year:04d}-01-01", f"{year + 1:04d}-01-01"]))  # fmt: skip
    if unnumbered:
        problems.append(Reminder("未编号", f"{len(unnumbered)}件案件没有案件编号（卷号）；编辑案件时程序会建议下一个编号", unnumbered))
    return problems


def visits_due(db: Database, today: dt.date) -> list[tuple[int, dt.date, str]]:
    """Agreements (调解成功) with no 回访 whose visit falls due within a week of ``today`` or fell
    due in the last two months: (case id, the day the visit is due, what to do). A visit is due
    ``VISIT_DAYS`` after the agreement, when its performance can be seen."""
    rows = db.execute(
        f"SELECT id, date(closed, '+{VISIT_DAYS} days'), closed, case_no, parties FROM mediation_case c "
        f"WHERE result = ? AND closed IS NOT NULL AND date(closed, '+{VISIT_DAYS} days') BETWEEN ? AND ? "
        f"AND NOT EXISTS (SELECT 1 FROM {VISIT.key} v WHERE v.{VISIT.parent_column} = c.id) ORDER BY closed, id",
        [SUCCESS, (today - dt.timedelta(days=VISIT_LATE_DAYS)).isoformat(), (today + dt.timedelta(days=VISIT_WARNING_DAYS)).isoformat()],
    ).fetchall()
    return [
        (record_id, dt.date.fromisoformat(due), f"案件“{case_no or parties or record_id}”{closed}达成协议，还没有回访记录，请回访协议履行情况")
        for record_id, due, closed, case_no, parties in rows
    ]


# ---------------------------------------------------------------------------
# 纠纷类型 and the national categories


def category_of(settings: dict) -> dict[str, str]:
    """Every dispute type the office uses (national ones, their splits, local ones) → its national category."""
    mapping = {}
    for category, splits in NATIONAL_CATEGORIES:
        mapping[category] = category
        for split in splits:
            mapping[split] = category
    for name, category in local_types(settings.get(LOCAL_TYPES_SETTING)).items():
        mapping.setdefault(name, category)
    return mapping


def national_category(db: Database, dispute_type: str | None) -> str:
    """The national category (one of the 15) a case's type counts under; unknown types count as 其他."""
    return category_of(township_settings.settings(db)).get(dispute_type or "", "其他")


def cases_by_type(db: Database, start: dt.date, end: dt.date, national: bool = False) -> dict[str, int]:
    """Cases accepted from ``start`` to ``end`` (inclusive) by dispute type, or by national category."""
    counts: dict[str, int] = {}
    mapping = category_of(township_settings.settings(db))
    rows = db.execute(
        "SELECT dispute_type, count(*) FROM mediation_case WHERE accepted >= ? AND accepted <= ? GROUP BY dispute_type",
        [start.isoformat(), end.isoformat()],
    ).fetchall()
    for dispute_type, count in rows:
        key = mapping.get(dispute_type or "", "其他") if national else (dispute_type or "（未填）")
        counts[key] = counts.get(key, 0) + count
    order = [category for category, _ in NATIONAL_CATEGORIES] if national else list(mapping)
    return {key: counts[key] for key in sorted(counts, key=lambda k: order.index(k) if k in order else len(order))}
