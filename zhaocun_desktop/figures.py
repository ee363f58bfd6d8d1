"""Every figure of the annual report, defined once, computed in SQL, traceable to its records.

A ``Figure`` is a register, a condition and a measure: the year condition comes from the
register's date field. ``records_behind`` lists exactly the rows a figure counts, so any
number in the report can be checked against the ledger. Rates are quotients of two figures.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from zhaocun_desktop.choices import in_, is_, is_not, not_in
from zhaocun_desktop.deadlines import PETITION_DEADLINE_SQL, PETITION_ON_TIME_SQL, in_post_on
from zhaocun_desktop.periods import Period, in_period, township_by_township  # Period re-exported: fig.Period
from zhaocun_desktop.registers import (
    ADVISOR_WORK,
    ENFORCEMENT_CERTIFICATE,
    ENFORCEMENT_STAFF,
    ENFORCEMENT_TRAINING,
    JOINT_MEETING,
    MEDIATION_CASE,
    OCCASIONS,
    ONGOING,
    OTHER_ORG,
    PETITION,
    PUBLICITY_EVENT,
    SUCCESS,
    TOWN_COMMITTEE,
    VILLAGE,
    VILLAGE_COMMITTEE,
    Register,
)

if TYPE_CHECKING:
    from sqlite_utils import Database


@dataclass(frozen=True)
class Figure:
    """A number counted from one register for a year.

    ``where`` may use ``:year_end`` (the year's last day, ISO). ``measure`` is an SQL aggregate.
    ``aliases`` are phrases that introduce this number in prose (for the report's self-check).
    """

    key: str
    label: str  # the placeholder name in sentence templates: {label}
    unit: str
    register: Register
    where: str = "1"
    measure: str = "count(*)"
    per_year: bool = True  # False: a state at the year's end (staff, villages)
    aliases: tuple[str, ...] = ()
    section: str = ""  # 法治宣传 / 行政执法 / 法律顾问 / 矛盾纠纷调解
    blank_is_zero: bool = False  # a blank in the summed field means none (资料份数), not unknown (合格人数)


@dataclass(frozen=True)
class Rate:
    """``numerator / denominator`` as a percentage; shown with both counts."""

    key: str
    label: str
    numerator: str
    denominator: str
    aliases: tuple[str, ...] = ()
    section: str = ""


# The fields whose choices the figures count by (choices.py checks each value when this module is imported).
_EVENT_TYPE, _OCCASION = PUBLICITY_EVENT.field("event_type"), PUBLICITY_EVENT.field("occasion")
_TRAIN_TYPE = ENFORCEMENT_TRAINING.field("train_type")
_ADVISOR_TYPE, _WORK_TYPE, _LAWSUIT_RESULT = (ADVISOR_WORK.field(key) for key in ("advisor_type", "work_type", "result"))
_ORG, _RESULT = MEDIATION_CASE.field("org"), MEDIATION_CASE.field("result")
_STATUS, _LEVEL = PETITION.field("status"), PETITION.field("level")
_GOV = is_(_ADVISOR_TYPE, "政府法律顾问")
_VIL = is_(_ADVISOR_TYPE, "村(居)法律顾问")
_CONTRACTS = in_(_WORK_TYPE, "合同审查", "合同(协议)审查")
_EXAM = is_(_EVENT_TYPE, "学法考试")
_TRAINING = is_(_TRAIN_TYPE, "培训")
_CERT_EXAM = is_(_TRAIN_TYPE, "考试")
_TWO_COMMITTEES = in_(_ORG, VILLAGE_COMMITTEE, TOWN_COMMITTEE)
_DONE = is_(_STATUS, "已办结")
_VISITORS = "sum(coalesce(visitors, 1))"
# States at the period's last day (:period_end), from dated records, so a past year's figures never change:
# staff in an enforcement post that day, holding a certificate valid that day; 示范村 named by and not revoked in that year.
_IN_POST = in_post_on("enforcement_staff", ":period_end")
_HOLDS_VALID_CERT = (
    "EXISTS (SELECT 1 FROM enforcement_certificate AS c WHERE c.holder = enforcement_staff.name "
    "AND c.valid_from <= :period_end AND c.valid_until >= :period_end)"
)
_PERIOD_YEAR = "CAST(substr(:period_end, 1, 4) AS INTEGER)"
_DEMO_VILLAGE = (
    f"demo_village = 1 AND (demo_year IS NULL OR demo_year <= {_PERIOD_YEAR}) "
    f"AND (demo_revoked_year IS NULL OR demo_revoked_year > {_PERIOD_YEAR})"
)
# How describe() words the parts of a condition that are not a plain comparison.
_PHRASES = {
    PETITION_DEADLINE_SQL: "办理期限",
    _HOLDS_VALID_CERT: "持有当日有效的执法证",
    _IN_POST: "执法岗位当日在岗",
    f"(demo_year IS NULL OR demo_year <= {_PERIOD_YEAR}) AND (demo_revoked_year IS NULL OR demo_revoked_year > {_PERIOD_YEAR})": "当年已命名且未撤销",
}

P, E, A, M = "法治宣传", "行政执法", "法律顾问", "矛盾纠纷调解"

FIGURES: tuple[Figure, ...] = (
    # 1. 法治宣传
    Figure("publicity_events", "宣传活动场次", "场次", PUBLICITY_EVENT, section=P),
    # As the office counts "重要时间节点法制宣传和相关法规政策咨询活动10余场次": events on a 宣传节点 and consultation events.
    Figure("node_events", "宣传咨询活动场次", "场次", PUBLICITY_EVENT, f"{is_not(_OCCASION, '无')} OR {is_(_EVENT_TYPE, '法律咨询')}",  # a blank 宣传节点 is NULL: not counted by the first part
           aliases=("政策咨询活动", "宣传和咨询活动", "宣传咨询活动"), section=P),
    Figure("school_events", "进校园宣传讲座场次", "场次", PUBLICITY_EVENT, is_(_EVENT_TYPE, "法治进校园"), section=P),
    Figure("school_police_events", "联合派出所进校园讲座场次", "场次", PUBLICITY_EVENT, f"{is_(_EVENT_TYPE, '法治进校园')} AND partners LIKE '%派出所%'", aliases=("法制宣传讲座", "法治宣传讲座"), section=P),
    Figure("exams", "学法考试场次", "场次", PUBLICITY_EVENT, _EXAM, aliases=("法律知识考试",), section=P),
    Figure("exam_takers", "学法考试参考人数", "人次", PUBLICITY_EVENT, _EXAM, "sum(participants)", aliases=("参考",), section=P),
    Figure("exam_passed", "学法考试合格人数", "人次", PUBLICITY_EVENT, _EXAM, "sum(passed)", section=P),
    Figure("study_sessions", "中心组学法次数", "次", PUBLICITY_EVENT, is_(_EVENT_TYPE, "中心组学法"), aliases=("中心组集体学法",), section=P),
    Figure("rule_of_law_village_events", "民主法治村创建活动场次", "场次", PUBLICITY_EVENT, is_(_EVENT_TYPE, "民主法治村创建"), section=P),
    Figure("publicity_people", "宣传受众人次", "人次", PUBLICITY_EVENT, not_in(_EVENT_TYPE, "学法考试", "中心组学法"), "sum(participants)", section=P),
    Figure("materials", "发放宣传资料份数", "份", PUBLICITY_EVENT, measure="sum(materials)", aliases=("发放资料", "宣传资料"), section=P, blank_is_zero=True),
    Figure("demo_villages", "民主法治示范村个数", "个", VILLAGE, _DEMO_VILLAGE, per_year=False, aliases=("示范村",), section=P),
    # 2. 行政执法
    Figure("posts", "执法岗位人数", "人", ENFORCEMENT_STAFF, _IN_POST, per_year=False, aliases=("执法岗位",), section=E),
    Figure("certified", "持证人数", "人", ENFORCEMENT_STAFF, f"{_IN_POST} AND {_HOLDS_VALID_CERT}", per_year=False, aliases=("持证",), section=E),
    Figure("expiring_certs", "次年3个月内到期证件数", "个", ENFORCEMENT_CERTIFICATE,
           "valid_until >= :year_end AND valid_until <= date(:year_end, '+90 days')", per_year=False, section=E),  # fmt: skip
    Figure("trainings", "执法业务培训场次", "场次", ENFORCEMENT_TRAINING, _TRAINING, aliases=("业务培训",), section=E),
    Figure("training_hours", "执法业务培训学时", "学时", ENFORCEMENT_TRAINING, _TRAINING, "sum(hours)", section=E),
    Figure("drills", "岗位练兵次数", "次", ENFORCEMENT_TRAINING, is_(_TRAIN_TYPE, "岗位练兵"), aliases=("岗位练兵",), section=E),
    Figure("cert_exam_takers", "执法证考试参考人数", "人", ENFORCEMENT_TRAINING, _CERT_EXAM, "sum(participants)", section=E),
    Figure("cert_exam_passed", "执法证考试通过人数", "人", ENFORCEMENT_TRAINING, _CERT_EXAM, "sum(passed)", section=E),
    # 3. 法律顾问
    Figure("gov_contracts", "政府法律顾问审查合同份数", "份", ADVISOR_WORK, f"{_GOV} AND {_CONTRACTS}", "sum(quantity)", aliases=("政府法律顾问审查合同",), section=A),
    Figure("gov_consultations", "政府法律顾问依法行政咨询件数", "件", ADVISOR_WORK, f"{_GOV} AND {is_(_WORK_TYPE, '依法行政咨询')}", "sum(quantity)", aliases=("依法行政法律咨询", "依法行政咨询"), section=A),
    Figure("visited_villages", "村法律顾问走访村数", "个", ADVISOR_WORK, f"{_VIL} AND {is_(_WORK_TYPE, '走访')}", "count(DISTINCT village_id)", aliases=("走访行政村",), section=A),
    Figure("visit_people", "村法律顾问走访人次", "人次", ADVISOR_WORK, f"{_VIL} AND {is_(_WORK_TYPE, '走访')}", "sum(coalesce(people, quantity))", section=A),
    Figure("lawsuits", "代理诉讼案件数", "件", ADVISOR_WORK, f"{_VIL} AND {is_(_WORK_TYPE, '代理诉讼')}", "sum(quantity)", aliases=("民事诉讼案件", "代理诉讼案件"), section=A),
    Figure("lawsuits_won", "代理诉讼胜诉件数", "件", ADVISOR_WORK, f"{_VIL} AND {is_(_WORK_TYPE, '代理诉讼')} AND {is_(_LAWSUIT_RESULT, '胜诉')}", "sum(quantity)", section=A),
    Figure("village_rules", "审查修订村规民约份数", "份", ADVISOR_WORK, f"{_VIL} AND {is_(_WORK_TYPE, '村规民约审查修订')}", "sum(quantity)", aliases=("村规民约", "村规民"), section=A),
    Figure("advisor_disputes", "村法律顾问参与调处纠纷件数", "件", ADVISOR_WORK, f"{_VIL} AND {is_(_WORK_TYPE, '参与纠纷调处')}", "sum(quantity)", aliases=("参与民间纠纷调处",), section=A),
    Figure("village_contracts", "村法律顾问审查合同份数", "份", ADVISOR_WORK, f"{_VIL} AND {_CONTRACTS}", "sum(quantity)", aliases=("审查合同（协议）", "审查合同(协议)", "合同（协议）", "合同(协议)"), section=A),
    Figure("consultation_people", "解答法律咨询人次", "人次", ADVISOR_WORK, f"{_VIL} AND {is_(_WORK_TYPE, '法律咨询解答')}", "sum(coalesce(people, quantity))", aliases=("解答法律咨询",), section=A),
    Figure("advisor_lectures", "村法律顾问法治讲座场次", "场次", ADVISOR_WORK, f"{_VIL} AND {is_(_WORK_TYPE, '法治讲座')}", "sum(quantity)", aliases=("法治讲座",), section=A),
    Figure("legal_aid_events", "法律援助送法进农村场次", "场次", ADVISOR_WORK, is_(_WORK_TYPE, "法律援助"), "sum(quantity)", aliases=("送法进农村",), section=A),
    Figure("legal_aid_referrals", "引导申请法律援助人次", "人次", ADVISOR_WORK, is_(_WORK_TYPE, "引导申请法律援助"), "sum(coalesce(people, quantity))", aliases=("法律援助程序",), section=A),
    # 4. 矛盾纠纷调解
    Figure("meetings", "联席例会次数", "次", JOINT_MEETING, aliases=("例会",), section=M),
    Figure("cases", "排查调处纠纷件数", "件", MEDIATION_CASE, aliases=("矛盾纠纷", "调处纠纷"), section=M),
    Figure("cases_success", "调处成功件数", "件", MEDIATION_CASE, is_(_RESULT, SUCCESS), aliases=("调处成功",), section=M),
    Figure("cases_open", "调解中件数", "件", MEDIATION_CASE, is_(_RESULT, ONGOING), section=M),
    Figure("village_cases", "村级调委会调处件数", "件", MEDIATION_CASE, is_(_ORG, VILLAGE_COMMITTEE), aliases=("村级调委会调处案件", "村级调委会调处"), section=M),
    Figure("village_success", "村级调委会调处成功件数", "件", MEDIATION_CASE, f"{is_(_ORG, VILLAGE_COMMITTEE)} AND {is_(_RESULT, SUCCESS)}", section=M),
    Figure("town_cases", "镇调委会调处件数", "件", MEDIATION_CASE, is_(_ORG, TOWN_COMMITTEE), aliases=("镇调委会调处案件", "镇调委会调处"), section=M),
    Figure("town_success", "镇调委会调处成功件数", "件", MEDIATION_CASE, f"{is_(_ORG, TOWN_COMMITTEE)} AND {is_(_RESULT, SUCCESS)}", section=M),
    Figure("other_cases", "其他调解组织调处件数", "件", MEDIATION_CASE, is_(_ORG, OTHER_ORG), aliases=("其他调解组织调处",), section=M),
    Figure("committee_cases", "两级调委会调处件数", "件", MEDIATION_CASE, _TWO_COMMITTEES, section=M),
    Figure("committee_success", "两级调委会调处成功件数", "件", MEDIATION_CASE, f"{_TWO_COMMITTEES} AND {is_(_RESULT, SUCCESS)}", section=M),
    Figure("judicial_confirmations", "司法确认件数", "件", MEDIATION_CASE, "confirmed = 1", section=M),
    Figure("case_amount", "涉及金额", "元", MEDIATION_CASE, measure="sum(amount)", section=M, blank_is_zero=True),
    Figure("petitions", "受理信访件数", "件", PETITION, aliases=("来信来访",), section=M),
    Figure("petitions_done", "已办结信访件数", "件", PETITION, _DONE, section=M),
    Figure("petitions_open", "在办信访件数", "件", PETITION, is_(_STATUS, "在办"), section=M),
    Figure("petitions_on_time", "按期办结信访件数", "件", PETITION, PETITION_ON_TIME_SQL, section=M),
    Figure("petitions_rated", "评价满意度的已办结信访件数", "件", PETITION, f"{_DONE} AND satisfied IS NOT NULL", section=M),
    Figure("petitions_satisfied", "满意信访件数", "件", PETITION, f"{_DONE} AND satisfied = 1", section=M),
    # 越级 visits are counted in 人次 (people), each record carrying its number of visitors.
    Figure("to_beijing", "进京访人次", "人次", PETITION, is_(_LEVEL, "进京"), _VISITORS, aliases=("进京访",), section=M),
    Figure("to_province", "到省信访人次", "人次", PETITION, is_(_LEVEL, "到省"), _VISITORS, aliases=("到省信访",), section=M),
    Figure("to_city", "到市信访人次", "人次", PETITION, is_(_LEVEL, "到市"), _VISITORS, aliases=("到市信访",), section=M),
    Figure("to_county", "到县信访人次", "人次", PETITION, is_(_LEVEL, "到县"), _VISITORS, section=M),
)

RATES: tuple[Rate, ...] = (
    Rate("exam_pass_rate", "学法考试合格率", "exam_passed", "exam_takers", aliases=("合格率",), section=P),
    Rate("cert_rate", "持证率", "certified", "posts", aliases=("持证率", "执证率", "持证执法率"), section=E),
    Rate("success_rate", "调处成功率", "cases_success", "cases", aliases=("调处成功率", "案件调处成功率"), section=M),
    Rate("village_success_rate", "村级调委会调处成功率", "village_success", "village_cases", section=M),
    Rate("town_success_rate", "镇调委会调处成功率", "town_success", "town_cases", section=M),
    Rate("committee_success_rate", "两级调委会调处成功率", "committee_success", "committee_cases", aliases=("两级调委会案件调处成功率", "两级调委会调处成功率"), section=M),
    # Open petitions are in neither count: they do not lower the rate until they are concluded.
    Rate("petition_on_time_rate", "信访按期办结率", "petitions_on_time", "petitions_done", aliases=("按时办结率", "按期办结率"), section=M),
    Rate("petition_satisfaction_rate", "信访满意率", "petitions_satisfied", "petitions_rated", aliases=("满意率",), section=M),
)

# A total and the figures that make it up (every case is handled by one 调解组织): a sentence giving some
# parts of the total gives them all or names the rest (report_checks).
PARTS_OF: dict[str, tuple[str, ...]] = {"cases": ("village_cases", "town_cases", "other_cases")}
# A figure that may count again what another counts: 村法律顾问参与调处 disputes are mostly the cases of the
# 调解 register; near it, the self-check asks before the report states both.
OVERLAPS: dict[str, str] = {"advisor_disputes": "cases"}
BY_KEY: dict[str, Figure | Rate] = {item.key: item for item in (*FIGURES, *RATES)}
BY_LABEL: dict[str, Figure | Rate] = {item.label: item for item in (*FIGURES, *RATES)}


def year_end(year: int) -> str:
    return dt.date(year, 12, 31).isoformat()


def _condition(figure: Figure, period: Period | int) -> tuple[str, dict]:
    return in_period(figure.register, period, figure.where, figure.per_year)


def compute(db: Database, figure: Figure, period: Period | int) -> int | float:
    """One figure for a period (or a calendar year); 0 when nothing is counted."""
    clause, params = _condition(figure, period)
    value = db.execute(f"SELECT {figure.measure} FROM {figure.register.key} WHERE {clause}", params).fetchone()[0]
    return value or 0


def missing_condition(figure: Figure) -> str | None:
    """SQL for a counted record that lacks what the figure adds up (None for a plain count).

    ``sum(passed)`` lacks data where 合格人数 is empty; ``sum(coalesce(people, quantity))``
    where both are. Such a figure is incomplete, not zero: the report leaves it out.
    """
    match = re.fullmatch(r"sum\((?:coalesce\(([\w, ]+)\)|(\w+))\)", figure.measure)
    if match is None or figure.blank_is_zero:
        return None
    fields = [name.strip() for name in (match.group(1) or match.group(2)).split(",")]
    if not all(name.isidentifier() for name in fields):
        return None  # coalesce(visitors, 1): a blank counts as the default, never as missing
    return " AND ".join(f"{name} IS NULL" for name in fields)


def records_missing(db: Database, figure: Figure, period: Period | int) -> tuple[int, ...]:
    """Ids of the records ``figure`` counts that lack the value it adds up."""
    lacking = missing_condition(figure)
    if lacking is None:
        return ()
    clause, params = _condition(figure, period)
    return tuple(row[0] for row in db.execute(f"SELECT id FROM {figure.register.key} WHERE {clause} AND ({lacking}) ORDER BY id", params))


def missing_fields(figure: Figure | Rate) -> list[str]:
    """The labels of the fields whose absence makes ``figure`` incomplete."""
    if isinstance(figure, Rate):
        return list(dict.fromkeys(missing_fields(BY_KEY[figure.numerator]) + missing_fields(BY_KEY[figure.denominator])))
    lacking = missing_condition(figure)
    if lacking is None:
        return []
    return [figure.register.field(name).label for name in re.findall(r"(\w+) IS NULL", lacking)]


def records_behind(db: Database, figure: Figure | Rate, period: Period | int) -> list[dict]:
    """The records a figure counts (for a rate: those of its denominator)."""
    if isinstance(figure, Rate):
        figure = BY_KEY[figure.denominator]
    if township_by_township(db, figure.register):
        from zhaocun_desktop.county_scope import in_each_township

        parts = in_each_township(db, lambda: records_behind(db, figure, period))
        return sorted((row for part in parts for row in part), key=lambda row: row["id"])
    clause, params = _condition(figure, period)
    from zhaocun_desktop.queries import select_list

    return list(db.query(f"SELECT {select_list(db, figure.register)} FROM {figure.register.key} WHERE {clause} ORDER BY id", params))


@dataclass(frozen=True)
class RateValue:
    numerator: int
    denominator: int

    @property
    def percent(self) -> float | None:
        return None if not self.denominator else 100.0 * self.numerator / self.denominator

    def __str__(self) -> str:
        percent = self.percent
        if percent is None:
            return ""
        return f"{percent:.0f}%" if abs(percent - round(percent)) < 0.05 else f"{percent:.1f}%"


@dataclass
class PeriodFigures:
    """All figures of one period: ``values`` by key (numbers and ``RateValue``s), the
    宣传节点 that the period's events used, in calendar order, and ``missing``: for each
    figure or rate that some counted records leave incomplete, the ids of those records."""

    period: Period
    values: dict[str, int | float | RateValue]
    occasions: list[str]
    missing: dict[str, tuple[int, ...]] = field(default_factory=dict)

    @property
    def year(self) -> int:
        """The year the period ends in (the report's year for a calendar year)."""
        return self.period.end.year

    def __getitem__(self, key: str):
        return self.values[key]


YearFigures = PeriodFigures  # the name the annual report has always used


def period_figures(db: Database, period: Period | int) -> PeriodFigures:
    """Every figure and rate for a period (or a calendar year); for a whole county database, the
    sum of its townships' figures (``_sum_of_townships``)."""
    period = Period.of(period)
    from zhaocun_desktop.county_scope import whole_county

    if whole_county(db):
        return _sum_of_townships(db, period)
    values, missing = _computed(db, period)
    for rate in RATES:
        values[rate.key] = RateValue(int(values[rate.numerator]), int(values[rate.denominator]))
        ids = tuple(sorted(set(missing.get(rate.numerator, ()) + missing.get(rate.denominator, ()))))
        if ids:
            missing[rate.key] = ids
    used = {row[0] for row in db.execute(
        "SELECT DISTINCT occasion FROM publicity_event WHERE event_date >= ? AND event_date <= ? AND occasion IS NOT NULL",
        [period.start.isoformat(), period.end.isoformat()],
    )}  # fmt: skip
    return PeriodFigures(period, values, [occasion for occasion in OCCASIONS if occasion in used and occasion != "无"], missing)


def _computed(db: Database, period: Period, figures: tuple[Figure, ...] | list[Figure] = FIGURES, townships: list[int] | None = None) -> tuple[dict, dict[str, tuple[int, ...]]]:
    """Each figure's value (as ``compute``) and the records lacking its value (as ``records_missing``): one query
    per register (and per kind: dated in the period, or a state at its end), each figure a conditional aggregate
    over the register's records of the period (``only_where``), with a count of the records lacking a value; their
    ids are read only where there are some. One query per figure read the same records again for each (55 + 20 queries).

    ``townships`` (a whole county's, in the order they are added up): each query is grouped by township and the
    townships' values are added in that order, as computing each under its scope and adding would."""
    from zhaocun_desktop.periods import only_where

    kinds: dict[tuple[str, bool], list[Figure]] = {}
    values: dict = {}
    missing: dict[str, tuple[int, ...]] = {}
    by_township = "township_id, " if townships is not None else ""
    for figure in figures:
        if only_where(figure.measure, figure.where) is not None:
            kinds.setdefault((figure.register.key, figure.per_year), []).append(figure)
            continue
        clause, params = _condition(figure, period)  # not one aggregate: by itself
        if townships is None:
            values[figure.key] = compute(db, figure, period)
        else:
            each = dict(db.execute(f"SELECT township_id, {figure.measure} FROM {figure.register.key} WHERE {clause} GROUP BY township_id", params).fetchall())
            values[figure.key] = sum((each.get(township) or 0 for township in townships), 0)
        if ids := records_missing(db, figure, period):
            missing[figure.key] = ids
    for (_, per_year), group in kinds.items():
        register = group[0].register
        columns = []
        for figure in group:
            lacking = missing_condition(figure)
            columns += [only_where(figure.measure, figure.where), only_where("count(*)", f"({figure.where}) AND ({lacking})") if lacking else "0"]
        clause, params = in_period(register, period, "1", per_year)
        sql = f"SELECT {by_township}{', '.join(columns)} FROM {register.key} WHERE {clause}"
        if townships is None:
            rows = [db.execute(sql, params).fetchone()]
        else:
            found = {row[0]: row[1:] for row in db.execute(sql + " GROUP BY township_id", params)}
            rows = [found[township] for township in townships if township in found]
        for index, figure in enumerate(group):
            values[figure.key] = sum((cells[2 * index] or 0 for cells in rows), 0)  # one row, or each township's in order
            if any(cells[2 * index + 1] for cells in rows):
                missing[figure.key] = records_missing(db, figure, period)
    return {figure.key: values[figure.key] for figure in figures}, {figure.key: missing[figure.key] for figure in figures if figure.key in missing}


def _sum_of_townships(db: Database, period: Period) -> PeriodFigures:
    """A county's figures: each township's added up, a rate from the summed counts. Each register is read once
    for every township (``_computed``, grouped by township_id; the county's statistics indexes lead with it) and
    the townships' values are added in township order, as computing each township under its scope and adding
    would. The figures of a register matched by a person's name (``MATCHED_BY_NAME``) are computed township by
    township: over the whole county at once, 持证人数 would match a staff member of one township with a
    certificate of a namesake in another (a certificate names its holder, not the township)."""
    from zhaocun_desktop.county_scope import in_each_township, township_choices
    from zhaocun_desktop.periods import MATCHED_BY_NAME

    townships = [township for township, _ in township_choices(db)]
    by_name = [figure for figure in FIGURES if figure.register.key in MATCHED_BY_NAME]
    read, lacking = _computed(db, period, [figure for figure in FIGURES if figure not in by_name], townships)
    values: dict = {figure.key: read.get(figure.key, 0) for figure in FIGURES}
    missing: dict[str, set] = {key: set(ids) for key, ids in lacking.items()}  # ids are the county's own: the townships' lists together
    for part in in_each_township(db, lambda: [(compute(db, figure, period), records_missing(db, figure, period)) for figure in by_name]):
        for figure, (value, ids) in zip(by_name, part):
            values[figure.key] += value
            if ids:
                missing.setdefault(figure.key, set()).update(ids)
    for rate in RATES:
        values[rate.key] = RateValue(int(values[rate.numerator]), int(values[rate.denominator]))
        ids = missing.get(rate.numerator, set()) | missing.get(rate.denominator, set())
        if ids:
            missing[rate.key] = ids
    used = {row[0] for row in db.execute(
        "SELECT DISTINCT occasion FROM publicity_event WHERE event_date >= ? AND event_date <= ? AND occasion IS NOT NULL",
        [period.start.isoformat(), period.end.isoformat()],
    )}  # fmt: skip
    occasions = [occasion for occasion in OCCASIONS if occasion in used and occasion != "无"]
    return PeriodFigures(period, values, occasions, {key: tuple(sorted(ids)) for key, ids in missing.items()})


def yearly_figures(db: Database, year: int) -> PeriodFigures:
    """Every figure and rate for the calendar year ``year``."""
    return period_figures(db, Period.year(year))


_MEASURES = {"count(*)": "条数", "count(DISTINCT village_id)": "不同村(居)个数"}


def describe(figure: Figure | Rate) -> str:
    """The figure's definition in the clerk's words, derived from its SQL (so it cannot drift)."""
    if isinstance(figure, Rate):
        return f"{BY_KEY[figure.numerator].label} ÷ {BY_KEY[figure.denominator].label}"
    register = figure.register
    quoted: list[str] = []
    text = figure.where
    for sql, words in _PHRASES.items():
        text = text.replace(sql, words)
    text = re.sub(r"'([^']*)'", lambda m: quoted.append(m.group(1)) or f"\x00{len(quoted) - 1}\x00", text)
    text = re.sub(r"(\w+) NOT IN \(([^)]*)\)", lambda m: f"{m.group(1)}不为{m.group(2).replace(', ', '或')}", text)
    text = re.sub(r"(\w+) IN \(([^)]*)\)", lambda m: f"{m.group(1)}为{m.group(2).replace(', ', '或')}", text)
    text = re.sub(r"date\(:(?:year|period)_end, \x00\d+\x00\)", "年末后90天", text)
    text = re.sub(r"(\w+) LIKE \x00(\d+)\x00", lambda m: f"{m.group(1)}含\x00{m.group(2)}\x00", text)
    for sql, words in ((" IS NOT NULL", "已填写"), (" IS NULL", "未填写"), (" != ", "不为"), (" >= ", "不早于"),
                       (" <= ", "不晚于"), (" = 1", "为是"), (" = ", "为"), (" AND ", "，且"), (" OR ", "或"),
                       (":year_end", "年末"), (":period_end", "年末"), ("(", ""), (")", "")):  # fmt: skip
        text = text.replace(sql, words)
    for item in register.fields:
        text = re.sub(rf"(?<![A-Za-z_]){item.key}(?![A-Za-z_])", item.label, text)
    text = re.sub(r"\x00(\d+)\x00", lambda m: f"“{quoted[int(m.group(1))].strip('%')}”", text)
    what = _MEASURES.get(figure.measure)
    if what is None:
        inner = re.search(r"\((?:coalesce\()?(\w+)", figure.measure).group(1)
        what = f"{register.field(inner).label}之和"
    scope = f"{register.title}中" + ("所有记录的" if text == "1" else f"{text}的记录")
    when = f"，按{register.field(register.date_field).label}计入当年" if figure.per_year and register.date_field else "，为年末状态"
    return f"{scope}{what}{when}"


def display(figure: Figure | Rate, value) -> str:
    """A value as the report prints it: 12, 1,200.5, 88.0% (161/183)."""
    if isinstance(figure, Rate):
        return f"{value}（{value.numerator}/{value.denominator}）" if value.denominator else ""
    if isinstance(value, float) and value != int(value):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return str(int(value))


def approximate(value: int | float) -> str:
    """The "余" form of a count: 11 → 10余, 306 → 300余, 1024 → 1000余.

    Numbers under 10, and round numbers themselves (300), stay exact: "余" means "more than".
    """
    number = int(value)
    if number < 10:
        return str(number)
    step = 10 ** (len(str(number)) - 1)
    base = number // step * step
    return str(base) if base == number else f"{base}余"


def approximate_range(base: int) -> tuple[int, int]:
    """The counts a typed "N余" stands for: more than N, below the next step (300余: 301–399)."""
    step = 10 ** (len(str(base)) - 1)
    return base + 1, base + step - 1
