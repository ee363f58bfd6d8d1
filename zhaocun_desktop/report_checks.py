"""报告自查: what to look at before the report leaves the office.

Each check returns ``Finding``s that say where the problem is (a text part to open, or
the records to fix) and what to do. The reference report's own defects are the test cases:
a wrong year in the opening, a count left blank, typed numbers that contradict the ledgers.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from zhaocun_desktop import figures as fig, queries
from zhaocun_desktop.deadlines import certificates_ending, staff_without_certificate
from zhaocun_desktop.paths import data_dir, resource
from zhaocun_desktop.queries import column_sql
from zhaocun_desktop.registers import ENFORCEMENT_CERTIFICATE, ENFORCEMENT_STAFF, MEDIATION_CASE, ONGOING, REGISTERS, STAFF_TYPES
from zhaocun_desktop.report import _PLACEHOLDER, ISSUER_KEY, PARTS, ReportDraft, placeholder_item, reviewed_parts, seal_name, usual_copy_to
from zhaocun_desktop.values import parse_date

if TYPE_CHECKING:
    from sqlite_utils import Database

ERROR, NOTICE = "错误", "提醒"
LEFTOVERS = ("XX", "ＸＸ", "××", "xx年", "[bookmark", "_GoBack", "（空）", "待补充", "TODO", "？？", "??")
WORDING_FILE = "report_wording.tsv"  # in resources/; the office may add 报告用语.tsv in its data folder
OFFICE_WORDING_FILE = "报告用语.tsv"
_UNITS = "件|场次|人次|份|个|次|人|学时"
_BOUNDARY = "，。；：！？\n"
SECTION_OF_PART = {"publicity": fig.P, "enforcement": fig.E, "advisor": fig.A, "mediation": fig.M}
SAMPLE_PARTS = ("shortcomings", "duties", "plans")  # the clerk's own words, shipped with sample text


@dataclass(frozen=True)
class Finding:
    level: str  # 错误 / 提醒
    where: str  # a Chinese place name: 导语, 调解案件 …
    message: str
    part: str | None = None  # the text part to open
    register: str | None = None  # the register whose records to show
    record_ids: tuple[int, ...] = ()
    position: int | None = None  # where in the part's text the problem starts

    def __str__(self) -> str:
        return f"[{self.level}] {self.where}：{self.message}"


@dataclass(frozen=True)
class Wording:
    """One entry of the wording list: ``text`` is flagged unless it is already ``preferred``."""

    text: str
    preferred: str  # "" for a vague claim that needs a figure
    note: str


def load_wording(extra: Path | None = None) -> list[Wording]:
    """The wording list shipped with the program, plus the office's own file when given and present."""
    entries = []
    for path in (resource(WORDING_FILE), extra):
        if path is None or not Path(path).is_file():
            continue
        for line in Path(path).read_text(encoding="utf-8-sig").splitlines():
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            cells = [cell.strip() for cell in line.split("\t")] + ["", ""]
            if cells[0]:
                entries.append(Wording(cells[0], "" if cells[1] in ("", "-") else cells[1], cells[2]))
    return entries


def check_settings(draft: ReportDraft) -> list[Finding]:
    """镇名, 县名 and 落款 must be set: the title and the signature are made of them; the 成文日期
    falls in the year after the 报告年度. As an upward document (党政机关公文处理工作条例 art. 9, GB/T 9704
    7.2.6, 7.3.5) it names its 主送机关 and 签发人, and its 署名 is the issuing body's full name or standard
    short name, the name on the seal."""
    settings = draft.settings
    needed = {"town": "镇名", "county": "县名", "signer": "落款单位"}
    findings = [
        Finding(ERROR, "设置", f"{label}未填写，报告的{'落款' if key == 'signer' else '标题'}会缺字；请在“设置”页填写")
        for key, label in needed.items() if not (settings.get(key) or "").strip()
    ]  # fmt: skip
    try:
        written = parse_date(draft.texts.get("date"))
    except ValueError:
        written = None
    if written and written.year != draft.year + 1:
        findings.append(Finding(NOTICE, "成文日期", f"成文日期{written.year}年{written.month}月{written.day}日不在{draft.year + 1}年：{draft.year}年度的报告通常在{draft.year + 1}年初成文，请核对报告年度和成文日期"))
    if any(finding.where == "设置" for finding in findings):
        return findings
    seal, signer, county = seal_name(settings), settings["signer"].strip(), settings["county"].strip()
    if signer not in (seal, seal.removeprefix(county)):
        findings.append(Finding(ERROR, "设置", f"落款单位“{signer}”与印章名称“{seal}”不一致：署名应是发文机关全称或规范化简称，与所盖印章一致"
                                            "（GB/T 9704 7.3.5）；请在“设置”中改正落款单位或印章名称"))  # fmt: skip
    if not any(block.kind == "recipient" for block in draft.blocks):
        findings.append(Finding(ERROR, "设置", "报告没有主送机关：上行文应写明主送机关（如 县人民政府）；请在“设置”中填写报告主送机关"))
    if not (draft.texts.get(ISSUER_KEY) or "").strip():
        findings.append(Finding(NOTICE, "签发人", "上行文应当标注签发人姓名（党政机关公文处理工作条例第九条）；定稿前请填写签发人"))
    if not any(block.kind == "copyto" for block in draft.blocks):
        findings.append(Finding(NOTICE, "设置", f"报告没有抄送机关：年度报告通常抄送{usual_copy_to(settings)}，需要时请在“设置”中填写报告抄送机关"))
    return findings


def check_texts(draft: ReportDraft, wording: list[Wording] | None = None) -> list[Finding]:
    """Years, leftovers, unknown placeholders, empty or sample sections, wording and typed numbers."""
    findings = check_settings(draft)
    wording = load_wording() if wording is None else wording
    year = draft.year
    reviewed = reviewed_parts(draft.texts)
    for key, part in PARTS.items():
        raw = draft.texts.get(key, "")
        where = part.label
        allowed = {year, year + 1} if key == "plans" else {year}
        for match in re.finditer(r"((?:19|20)\d{2})\s*年", raw):
            if int(match.group(1)) not in allowed:
                findings.append(Finding(ERROR, where, f"出现“{match.group(0)}”，本报告是{year}年度的，请核对（可写作{{年度}}，由程序自动填写）", part=key, position=match.start()))
        for marker in LEFTOVERS:
            if marker in raw:
                findings.append(Finding(ERROR, where, f"有未完成的内容“{marker}”，请补全或删除", part=key, position=raw.index(marker)))
        for name in draft.filled[key].unknown:
            findings.append(Finding(ERROR, where, f"模板中的“{{{name}}}”不是可用的数字名称，请改正（可用名称见“插入数字”列表；约数写作{{名称:余}}）", part=key, position=raw.find(name)))
        filled = draft.filled[key].text.strip()
        if not filled and not part.optional:
            why = "其中的数字全为0或缺少数据" if part.generated and raw.strip() else "没有文字"
            findings.append(Finding(ERROR, where, f"本部分为空（{why}），报告中只剩标题；请填写内容", part=key))
        elif key in SAMPLE_PARTS and key not in reviewed and _plain(raw) == _plain(part.default):
            findings.append(Finding(NOTICE, where, "仍是程序自带的示例文字，请按本镇实际情况改写；核对无误后勾选“本部分已核对”", part=key))
        for omitted in draft.filled[key].omitted:
            findings.append(Finding(NOTICE, where, f"已省略：“{omitted.strip('，；。')}”（{_why_omitted(draft, omitted)}）", part=key, position=raw.find(omitted)))
        findings += _wording(key, raw, wording)
        if key != "plans":
            findings += _typed_numbers(draft, key, raw)
        findings += _parts_named(draft, key, raw)
    return findings


def _parts_named(draft: ReportDraft, key: str, raw: str) -> list[Finding]:
    """A sentence giving some parts of a total ("排查调处182件…其中村级106件…镇56件") gives them all or names
    the rest ("其他调解组织调处20件"): figures.PARTS_OF says what makes up a total."""
    findings = []
    sentences = re.findall(r"[^。！？]*[。！？]?", raw)
    for sentence in sentences:
        present = {item.key: name for name, _style, _alt in _PLACEHOLDER.findall(sentence) if (item := placeholder_item(name))}
        for total, parts in fig.PARTS_OF.items():
            shown = [part for part in parts if part in present]
            if total not in present or not shown:
                continue
            missing = [part for part in parts if part not in present and draft.figures[part]]
            if missing:
                rest = sum(draft.figures[part] for part in missing)
                named = "、".join(fig.BY_KEY[part].label for part in shown)
                add = "、".join(f"“{{{fig.BY_KEY[part].label}}}件”" for part in missing)
                findings.append(Finding(ERROR, PARTS[key].label,
                                        f"{fig.BY_KEY[total].label}{draft.figures[total]}件，句中列出{named}，其余{rest}件没有交代；请加上{add}",
                                        part=key, position=raw.find("{" + present[shown[-1]])))  # fmt: skip
    return findings


def _plain(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _why_omitted(draft: ReportDraft, piece: str) -> str:
    """Which figures of an omitted piece are zero or incomplete, with what they count."""
    reasons = []
    for name, _style, _alt in _PLACEHOLDER.findall(piece):
        item = placeholder_item(name)
        if item is None:
            continue
        if item.key in draft.figures.missing:
            reasons.append(f"{item.label}：有记录未填写{'、'.join(fig.missing_fields(item))}")
        else:
            reasons.append(f"{item.label}为0；口径：{fig.describe(item)}")
    return "；".join(reasons) or "数字为0或缺少数据"


def _wording(key: str, raw: str, wording: list[Wording]) -> list[Finding]:
    findings = []
    for entry in wording:
        for match in re.finditer(re.escape(entry.text), raw):
            if entry.preferred and raw.startswith(entry.preferred, match.start() - entry.preferred.find(entry.text)):
                continue  # already the preferred form, e.g. 村规民 inside 村规民约
            if entry.preferred:
                message = f"“{entry.text}”宜写作“{entry.preferred}”（{entry.note}）"
            else:
                sentence = _sentence_at(raw, match.start())
                if re.search(r"\d|\{", sentence):
                    continue
                message = f"“{entry.text}”没有具体数字（{entry.note}）：“{sentence.strip()}”"
            findings.append(Finding(NOTICE, PARTS[key].label, message, part=key, position=match.start()))
    return findings


def _sentence_at(text: str, index: int) -> str:
    start = max(text.rfind(mark, 0, index) for mark in "。！？\n；") + 1
    ends = [i for i in (text.find(mark, index) for mark in "。！？\n；") if i >= 0]
    return text[start : min(ends) + 1 if ends else len(text)]


def _aliases(key: str) -> list[tuple[str, fig.Figure | fig.Rate]]:
    """The phrases that introduce a figure in this part's prose; each phrase names one figure only."""
    section = SECTION_OF_PART.get(key)
    items = [item for item in (*fig.FIGURES, *fig.RATES) if section is None or item.section == section]
    return [(alias, item) for item in items for alias in item.aliases]


def _typed_numbers(draft: ReportDraft, key: str, raw: str) -> list[Finding]:
    """Numbers typed by hand, each judged against the one figure whose phrase stands right before it.

    "审查合同（协议）300余份" is the village advisors' contracts (the nearest phrase ends at
    "（协议）"), not the government advisor's "审查合同". "N余" is a range (300余: 301–399).
    """
    findings = []
    text = re.sub(r"\{[^{}]*\}", "〔数〕", raw)  # placeholders are filled by the program
    aliases = _aliases(key)
    where = PARTS[key].label
    for alias, item in aliases:  # a phrase with its unit but no number: "受理群众来信来访件，"
        for match in re.finditer(re.escape(alias) + rf"({_UNITS})(?=[，。；、\s]|$)", text):
            if any(other != alias and other.startswith(alias) and text.startswith(other, match.start()) for other, _ in aliases):
                continue
            findings.append(Finding(
                ERROR, where,
                f"“{match.group(0)}”缺少数字（台账统计为{fig.display(item, draft.figures[item.key]) or 0}）。请写作{{{item.label}}}，由程序填写",
                part=key, position=match.start(),
            ))  # fmt: skip
    previous_end = 0
    for number in re.finditer(r"(\d+(?:\.\d+)?)\s*(余)?\s*(%|％)?", text):
        start = max(previous_end, *(text.rfind(mark, 0, number.start()) + 1 for mark in _BOUNDARY))
        previous_end = number.end()
        prefix = text[start : number.start()]
        best = None
        for alias, item in aliases:
            at = prefix.rfind(alias)
            if at < 0:
                continue
            end = at + len(alias)
            if len(prefix) - end > 8:
                continue
            rank = (end, len(alias))
            if best is None or rank > best[0]:
                best = (rank, alias, item)
        if best is None:
            continue
        _rank, alias, item = best
        typed_text = text[start + prefix.rfind(alias) : number.end()]
        position = start + prefix.rfind(alias)
        findings += _judge(draft, key, item, typed_text, number, position, text)
    return findings


def _judge(draft: ReportDraft, key: str, item, typed_text: str, number: re.Match, position: int, text: str) -> list[Finding]:
    where = PARTS[key].label
    typed, about, percent = float(number.group(1)), bool(number.group(2)), bool(number.group(3))
    value = draft.figures[item.key]
    if isinstance(item, fig.Rate) != percent:
        return []  # "调处成功161件" is not the rate; "合格率" without % is not a rate either
    if item.key in draft.figures.missing:
        return [Finding(NOTICE, where, f"“{typed_text}”无法核对：{item.label}的记录有未填写{'、'.join(fig.missing_fields(item))}的，请补全", part=key, position=position)]
    found = []
    if isinstance(item, fig.Rate):
        if not re.match(r"\s*[（(]\s*\d+\s*/\s*\d+\s*[）)]", text[number.end():]):
            found.append(Finding(NOTICE, where, f"“{typed_text}”只有百分比，没有写分子分母（如“{value}（{value.numerator}/{value.denominator}）”）；可写作{{{item.label}}}", part=key, position=position))
        if value.percent is None:
            found.append(Finding(ERROR, where, f"“{typed_text}”：台账中没有可计算{item.label}的记录（{fig.describe(item)}）", part=key, position=position))
        elif abs(typed - value.percent) >= 0.5:
            found.append(Finding(ERROR, where, f"“{typed_text}”与台账统计不符：{item.label}为{value}（{value.numerator}/{value.denominator}）。请改为{{{item.label}}}，由程序填写", part=key, position=position))
        return found
    if about:
        low, high = fig.approximate_range(int(typed))
        if not low <= value <= high:
            found.append(Finding(ERROR, where, f"“{typed_text}”与台账统计不符：{item.label}为{fig.display(item, value) or 0}（“{int(typed)}余”应在{low}至{high}之间）。请改为{{{item.label}:余}}，由程序填写", part=key, position=position))
    elif typed != float(value):
        found.append(Finding(ERROR, where, f"“{typed_text}”与台账统计不符：{item.label}为{fig.display(item, value) or 0}。请改为{{{item.label}}}，由程序填写", part=key, position=position))
    return found


def check_incomplete(db: Database, draft: ReportDraft) -> list[Finding]:
    """Figures left out because records lack what they add up: which records, lacking what."""
    findings = []
    seen: set[str] = set()
    for key, filled in draft.filled.items():
        for item_key, ids in filled.incomplete.items():
            if item_key in seen:
                continue
            seen.add(item_key)
            item = fig.BY_KEY[item_key]
            figures = [fig.BY_KEY[item.numerator], fig.BY_KEY[item.denominator]] if isinstance(item, fig.Rate) else [item]
            register = figures[0].register
            names = _row_names(db, register, ids)
            findings.append(Finding(
                NOTICE, PARTS[key].label,
                f"{item.label}未写入报告：{len(ids)}条{register.title}记录未填写{'、'.join(fig.missing_fields(item))}（{names}），补全后自动写入",
                register=register.key, record_ids=ids,
            ))  # fmt: skip
    return findings


def _row_names(db: Database, register, ids: tuple[int, ...], limit: int = 3) -> str:
    """"2023-06-04 干部考试、…" for the first few records."""
    text_field = next((f.key for f in register.fields if f.required and f.key != register.date_field), None)
    names = []
    for row in queries.rows_by_id(db, register, ids[:limit]):
        parts = [str(row.get(register.date_field) or "")] if register.date_field else []
        if text_field:
            parts.append(str(row.get(text_field) or ""))
        names.append(" ".join(p for p in parts if p) or f"第{row['id']}条")
    return "、".join(names) + ("等" if len(ids) > limit else "")


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
        "SELECT id FROM mediation_case WHERE result = ? AND accepted >= ? AND accepted < ?", [ONGOING, start, stop]))  # fmt: skip
    if open_cases:
        findings.append(Finding(NOTICE, MEDIATION_CASE.title, f"{len(open_cases)}件案件仍为“调解中”，不计入调处成功；如已结案请填写结果", register=MEDIATION_CASE.key, record_ids=open_cases))

    if certificates_as_of is None:  # the report's view: valid at the year's end, due after the 成文日期
        report_date = parse_date(draft.texts.get("date")) or dt.date(year + 1, 1, 25)
        findings += certificate_findings(db, dt.date(year, 12, 31), f"{year}年底", "不计入持证人数", report_date, "成文日期后")
        year_end = dt.date(year, 12, 31)
        lapsed = tuple(row[0] for row in certificates_ending(db, year_end + dt.timedelta(days=1), report_date - dt.timedelta(days=1), year_end))
        if lapsed:
            findings.append(Finding(NOTICE, ENFORCEMENT_CERTIFICATE.title,
                                    f"{len(lapsed)}名执法人员的执法证在年底有效、但在成文日期（{report_date.month}月{report_date.day}日）前已到期：报告中仍计入持证人数，请及时换证",
                                    register=ENFORCEMENT_CERTIFICATE.key, record_ids=lapsed))  # fmt: skip
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

    findings += overlap_findings(draft)
    return findings


def overlap_findings(draft: ReportDraft) -> list[Finding]:
    """A figure near one it may count again (figures.OVERLAPS: 村法律顾问参与调处 beside the 调解 cases). Printed in
    the report, it is an error until the clerk has checked that part (本部分已核对); not printed, a reminder."""
    findings = []
    reviewed = reviewed_parts(draft.texts)
    for key, other in fig.OVERLAPS.items():
        item, value, against = fig.BY_KEY[key], draft.figures[key], draft.figures[other]
        if not against or value < 0.8 * against:
            continue
        question = f"{item.label}{value}件，与{fig.BY_KEY[other].label}{against}件接近：同一纠纷是否在两本台账中重复统计？"
        part = next((name for name, filled in draft.filled.items() if re.search(rf"(?<!\d){value}(?!\d)", filled.text)
                     and any(placeholder_item(n) is item for n, _, _ in _PLACEHOLDER.findall(draft.texts.get(name, "")))), None)  # fmt: skip
        if part is None or part in reviewed:
            findings.append(Finding(NOTICE, item.register.title, question, register=item.register.key))
            continue
        raw = draft.texts.get(part, "")
        position = next((raw.find("{" + n) for n, _, _ in _PLACEHOLDER.findall(raw) if placeholder_item(n) is item), None)
        findings.append(Finding(ERROR, PARTS[part].label, f"报告写了{question}核对后请改写这句（如写明其中已计入调解案件的件数，或删去），"
                                                          "或勾选“本部分已核对”", part=part, register=item.register.key, position=position))  # fmt: skip
    return findings


def mediation_findings(db: Database, year: int, today: dt.date) -> list[Finding]:
    """Case numbers of ``year`` (gaps, out of pattern) and what is due on the cases as of ``today``."""
    from zhaocun_desktop import due, mediation

    found = mediation.number_problems(db, year) + due.case_reminders(db, today)
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
    wording = load_wording(data_dir() / OFFICE_WORDING_FILE)
    findings = check_texts(draft, wording) + check_incomplete(db, draft) + check_records(db, draft)
    unique = {}
    for finding in findings:  # "法制宣传" four times in one part is one thing to fix
        unique.setdefault((finding.level, finding.where, finding.message), finding)
    findings = list(unique.values())
    return sorted(findings, key=lambda f: f.level != ERROR)
