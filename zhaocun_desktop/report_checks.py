"""报告自查: what to look at before the report leaves the office.

Each check returns ``Finding``s that say where the problem is (a text part to open, or
the records to fix) and what to do. The reference report's own defects are the test cases:
a wrong year in the opening, a count left blank, typed numbers that contradict the ledgers.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from zhaocun_desktop import figures as fig
from zhaocun_desktop.records import column_sql
from zhaocun_desktop.deadlines import certificates_ending, staff_without_certificate
from zhaocun_desktop.registers import ENFORCEMENT_CERTIFICATE, ENFORCEMENT_STAFF, MEDIATION_CASE, REGISTERS, STAFF_TYPES
from zhaocun_desktop.report import PARTS, ReportDraft
from zhaocun_desktop.values import parse_date

if TYPE_CHECKING:
    from sqlite_utils import Database

ERROR, NOTICE = "错误", "提醒"
LEFTOVERS = ("XX", "ＸＸ", "××", "xx年", "[bookmark", "_GoBack", "（空）", "待补充", "TODO", "？？", "??")
_NUMBER = r"(\d+(?:\.\d+)?)"


@dataclass(frozen=True)
class Finding:
    level: str  # 错误 / 提醒
    where: str  # a Chinese place name: 导语, 调解案件 …
    message: str
    part: str | None = None  # the text part to open
    register: str | None = None  # the register whose records to show
    record_ids: tuple[int, ...] = ()

    def __str__(self) -> str:
        return f"[{self.level}] {self.where}：{self.message}"


def check_texts(draft: ReportDraft) -> list[Finding]:
    """Years, leftovers, unknown placeholders and typed numbers in the clerk's texts."""
    findings = []
    year = draft.year
    for key, part in PARTS.items():
        raw = draft.texts.get(key, "")
        where = part.label
        allowed = {year, year + 1} if key == "plans" else {year}
        for found in sorted({int(y) for y in re.findall(r"((?:19|20)\d{2})\s*年", raw)} - allowed):
            findings.append(Finding(ERROR, where, f"出现“{found}年”，本报告是{year}年度的，请核对（可写作{{年度}}，由程序自动填写）", part=key))
        for marker in LEFTOVERS:
            if marker in raw:
                findings.append(Finding(ERROR, where, f"有未完成的内容“{marker}”，请补全或删除", part=key))
        for name in draft.filled[key].unknown:
            findings.append(Finding(ERROR, where, f"模板中的“{{{name}}}”不是可用的数字名称，请改正（可用名称见“插入数字”列表）", part=key))
        for omitted in draft.filled[key].omitted:
            findings.append(Finding(NOTICE, where, f"因数字为0或缺少数据，已省略：“{omitted.strip('，；。')}”", part=key))
        if key != "plans":
            findings += _typed_numbers(draft, key, raw)
    return findings


def _typed_numbers(draft: ReportDraft, key: str, raw: str) -> list[Finding]:
    """A number typed after a figure's phrase that differs from the computed figure."""
    findings = []
    text = re.sub(r"\{[^{}]*\}", "〔数〕", raw)  # placeholders are filled by the program
    for item in (*fig.FIGURES, *fig.RATES):
        for alias in item.aliases:
            for match in re.finditer(re.escape(alias) + r"(件|场次|人次|份|个|次)(?=[，。；、\s]|$)", text):
                findings.append(Finding(
                    ERROR, PARTS[key].label,
                    f"“{match.group(0)}”缺少数字（台账统计为{fig.display(item, draft.figures[item.key]) or 0}）。请写作{{{item.label}}}，由程序填写",
                    part=key,
                ))  # fmt: skip
            for match in re.finditer(re.escape(alias) + r"[^0-9。；，\n]{0,8}?" + _NUMBER + r"\s*(%|％)?", text):
                typed = float(match.group(1))
                value = draft.figures[item.key]
                if isinstance(item, fig.Rate):
                    if not match.group(2) or value.percent is None:
                        continue
                    differs = abs(typed - value.percent) >= 0.5
                    shown = str(value)
                else:
                    if match.group(2):
                        continue
                    differs = typed != float(value)
                    shown = fig.display(item, value)
                if differs:
                    findings.append(Finding(
                        ERROR, PARTS[key].label,
                        f"“{match.group(0)}”与台账统计不符：{item.label}为{shown or 0}。请改为{{{item.label}}}，由程序填写",
                        part=key,
                    ))  # fmt: skip
    return findings


def check_records(db: Database, draft: ReportDraft, certificates_as_of: dt.date | None = None) -> list[Finding]:
    """Ledger entries of the year that would make a figure wrong or incomplete.

    Certificates are judged at the year's end (and the 成文日期), or as of
    ``certificates_as_of`` when given (the 总览 tab passes today).
    """
    findings = []
    year = draft.year
    start, stop = f"{year}-01-01", f"{year + 1}-01-01"
    for register in REGISTERS:
        required = [f for f in register.fields if f.required]
        if not required:
            continue
        missing = " OR ".join(f"{column_sql(register, f.key)} IS NULL OR {column_sql(register, f.key)} = ''" for f in required)
        sql = f"SELECT id FROM {register.key} WHERE ({missing})"
        params: list = []
        if register.date_field:
            sql += f" AND ({register.date_field} IS NULL OR ({register.date_field} >= ? AND {register.date_field} < ?))"
            params = [start, stop]
        ids = tuple(row[0] for row in db.execute(sql, params))
        if ids:
            labels = "、".join(f.label for f in required)
            findings.append(Finding(ERROR, register.title, f"{len(ids)}条记录缺少必填项（{labels}），统计可能不全，请补全", register=register.key, record_ids=ids))

    open_cases = tuple(row[0] for row in db.execute(
        "SELECT id FROM mediation_case WHERE result = '调解中' AND accepted >= ? AND accepted < ?", [start, stop]))  # fmt: skip
    if open_cases:
        findings.append(Finding(NOTICE, MEDIATION_CASE.title, f"{len(open_cases)}件案件仍为“调解中”，不计入调处成功；如已结案请填写结果", register=MEDIATION_CASE.key, record_ids=open_cases))

    if certificates_as_of is None:  # the report's view: valid at the year's end, due after the 成文日期
        report_date = parse_date(draft.texts.get("date")) or dt.date(year + 1, 1, 25)
        findings += certificate_findings(db, dt.date(year, 12, 31), f"{year}年底", "不计入持证人数", report_date, "成文日期后")
    else:
        findings += certificate_findings(db, certificates_as_of, "今天", "暂不能持证执法", certificates_as_of, "")
    barred = tuple(row[0] for row in db.execute(
        "SELECT c.id FROM enforcement_certificate AS c JOIN enforcement_staff AS s ON s.name = c.holder "
        f"WHERE s.staff_type IN ({', '.join('?' * len(STAFF_TYPES[1:]))})", STAFF_TYPES[1:]))  # fmt: skip
    if barred:
        findings.append(Finding(ERROR, ENFORCEMENT_CERTIFICATE.title, f"{len(barred)}个执法证的持证人是{'、'.join(STAFF_TYPES[1:])}，这些人员不得持有行政执法证；请核对人员类别或持证人", register=ENFORCEMENT_CERTIFICATE.key, record_ids=barred))
    without = staff_without_certificate(db, certificates_as_of or dt.date(year, 12, 31))
    if without:
        findings.append(Finding(NOTICE, ENFORCEMENT_STAFF.title, f"{len(without)}名执法岗位人员未持证，持证率为{draft.figures['cert_rate'] or '—'}", register=ENFORCEMENT_STAFF.key, record_ids=without))

    findings += mediation_findings(db, year, certificates_as_of or dt.date(year, 12, 31))

    joined, cases = draft.figures["advisor_disputes"], draft.figures["cases"]
    if cases and joined >= 0.8 * cases:
        findings.append(Finding(NOTICE, "法律顾问工作", f"村法律顾问参与调处纠纷{joined}件，与全年调解案件{cases}件接近：同一纠纷是否在两本台账中重复统计？", register="advisor_work"))
    return findings


def mediation_findings(db: Database, year: int, today: dt.date) -> list[Finding]:
    """Case numbers of ``year`` (gaps, out of pattern) and what is due on the cases as of ``today``."""
    from zhaocun_desktop import mediation

    found = mediation.number_problems(db, year) + mediation.case_reminders(db, today)
    return [Finding(item.level, MEDIATION_CASE.title, item.message, register=MEDIATION_CASE.key, record_ids=item.record_ids) for item in found]


def certificate_findings(
    db: Database, expired_before: dt.date, expired_label: str, consequence: str, due_from: dt.date, due_label: str, days: int = 90
) -> list[Finding]:
    """Certificates of staff in enforcement posts expired before ``expired_before`` (what that
    means: ``consequence``), and certificates expiring within ``days`` of ``due_from``."""
    findings = []
    expired = tuple(row[0] for row in certificates_ending(db, dt.date.min, expired_before - dt.timedelta(days=1), expired_before))
    if expired:
        findings.append(Finding(ERROR, ENFORCEMENT_CERTIFICATE.title, f"{len(expired)}名执法人员的执法证截至{expired_label}已过期，{consequence}；请换证（新证另录一条）", register=ENFORCEMENT_CERTIFICATE.key, record_ids=expired))
    soon = tuple(row[0] for row in certificates_ending(db, due_from, due_from + dt.timedelta(days=days), due_from))
    if soon:
        findings.append(Finding(NOTICE, ENFORCEMENT_CERTIFICATE.title, f"{len(soon)}个执法证将在{due_label}{days}天内到期，请提前安排换证", register=ENFORCEMENT_CERTIFICATE.key, record_ids=soon))
    return findings


def run_checks(db: Database, draft: ReportDraft) -> list[Finding]:
    """All checks, errors first."""
    findings = check_texts(draft) + check_records(db, draft)
    return sorted(findings, key=lambda f: f.level != ERROR)
