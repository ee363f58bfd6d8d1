"""统计报表: the county 司法局's quarterly and annual tables, in the layout every township sends.

人民调解 by the 15 national dispute classes × outcome (with 书面/口头, 司法确认, 涉及人数 and
金额), 排查 and the prevented counts (件 and 人), 普法, 法律顾问 and 行政执法; each table headed
by 填报单位, the period and its cut-off date (截止日期, the period's last day), and printed on one
A4 page. Every count uses the figures' period condition, so the tables agree with 总览 and the
report for the same period.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from zhaocun_desktop import figures as fig, settings as township_settings
from zhaocun_desktop.excel import printing
from zhaocun_desktop.excel.writing import put, save_workbook
from zhaocun_desktop.files import check_output_path
from zhaocun_desktop.mediation import category_of
from zhaocun_desktop.registers import (
    ADVISOR_WORK,
    ADVISOR_WORK_TYPES,
    APPLIED,
    CASE_SOURCES,
    COMMITTEE,
    COMMITTEE_KIND_LABELS,
    COMMITTEE_KINDS,
    DISPUTE_TYPE_NATIONAL,
    FAILED,
    FOUND,
    JOINT_MEETING,
    MEDIATION_CASE,
    MEDIATOR,
    NATIONAL_CATEGORIES,
    NATIONAL_DISPUTE_TYPES,
    ONGOING,
    ORAL,
    OTHER_SOURCE,
    PUBLICITY_EVENT,
    REFERRED,
    SUCCESS,
    SUSPENDED,
    WRITTEN,
    Kind,
    Register,
)

if TYPE_CHECKING:
    from sqlite_utils import Database

FONT = "宋体"
BODY_PT, TITLE_PT = 11, 16  # printed at least 9 pt after fitting to the page (checked by a test)
ROW_PT = 17  # a one-line row: 11 pt text and a little air (the 人民调解 table's 15 classes and their "其中" rows fit one page)
# What the county asks to have prevented, each as 件 and 人; counted from the case fields of that label when they exist.
PREVENTED = ("防止民间纠纷引起自杀", "防止民间纠纷转化为刑事案件", "防止群体性上访", "防止群体性械斗")


@dataclass
class CountyTable:
    """One printed table: ``rows`` under ``headers``; a 合计 row when ``total``."""

    sheet: str
    title: str
    headers: list[str]
    rows: list[list]
    total: bool = True
    landscape: bool = False
    widths: list[int] = field(default_factory=list)
    note: str = ""
    parts: set[int] = field(default_factory=set)  # rows that are a part of the row above them ("其中：…"): not in 合计

    def totals(self) -> list:
        sums: list = ["合计"]
        for index in range(1, len(self.headers)):
            numbers = [row[index] for number, row in enumerate(self.rows) if number not in self.parts and isinstance(row[index], (int, float))]
            sums.append(sum(numbers) if numbers else "")
        return sums


# The outcomes the tables count by, bound as named parameters (:s_success …) next to the period's own.
_STATES = dict(s_success=SUCCESS, s_failed=FAILED, s_suspended=SUSPENDED, s_ongoing=ONGOING, written=WRITTEN, oral=ORAL)


def _where(register: Register, period: fig.Period, where: str = "1") -> tuple[str, dict]:
    return fig._condition(fig.Figure("_", "_", "", register, where=where), period)


def mediation_table(db: Database, period: fig.Period) -> CountyTable:
    """人民调解 cases by national class × outcome, agreements, 司法确认, people and money involved; under a
    class, "其中" rows for its newer splits (拖欠农民工工资, 旅游, 电子商务 …) and the office's local types."""
    clause, params = _where(MEDIATION_CASE, period)
    sql = (
        "SELECT dispute_type, count(*), sum(result = :s_success), sum(result IN (:s_failed, :s_suspended)), "
        "sum(result = :s_ongoing), sum(result = :s_success AND agreement = :written), sum(result = :s_success AND agreement = :oral), "
        f"sum(confirmed = 1), sum(coalesce(people, 0)), sum(coalesce(amount, 0)) FROM mediation_case WHERE {clause} GROUP BY dispute_type"
    )
    # each type to its national class here, not in the SQL: a local type and its class are the
    # township's text (设置, or a package's settings), and text never becomes SQL
    mapping = category_of(township_settings.settings(db))
    found: dict[str, list] = {}
    by_type: dict[str, list] = {}
    for dispute_type, *counts in db.execute(sql, dict(params, **_STATES)):
        kind = mapping.get(dispute_type or "", "其他")
        kind = kind if kind in NATIONAL_DISPUTE_TYPES else "其他"  # a class no 设置 page would accept still counts once
        found[kind] = [total + (value or 0) for total, value in zip(found.get(kind, [0] * len(counts)), counts)]
        by_type[dispute_type or ""] = [value or 0 for value in counts]
    rows: list[list] = []
    parts: set[int] = set()
    for kind in NATIONAL_DISPUTE_TYPES:
        rows.append([kind, *found.get(kind, [0] * 9)])
        for part in sub_types(kind, mapping):
            parts.add(len(rows))
            rows.append([f"其中：{part}", *by_type.get(part, [0] * 9)])
    return CountyTable(
        "人民调解", "人民调解案件统计表",
        ["纠纷类型", "受理(件)", "调解成功(件)", "调解不成功/终止(件)", "调解中(件)", "书面协议(份)", "口头协议(件)", "司法确认(件)", "涉及人数(人)", "涉及金额(元)"],
        rows, landscape=True, widths=[23, 9, 10, 12, 9, 10, 10, 10, 10, 13], parts=parts,
        note="受理按受理日期计入本期；调解不成功/终止含“调解中止”；协议形式只计调解成功的案件。"
             "“其中”行是所在类别的细分（全国统计新增的细类和本镇纠纷类型），已计入该类别，不另计入合计。",
    )  # fmt: skip


def sub_types(category: str, mapping: dict[str, str]) -> list[str]:
    """The types shown under a national class: its newer splits (the bureau asks for them) and the local
    types 设置 counts under it (本镇纠纷类型, e.g. 土地承包经营 under 山林土地)."""
    splits = next((list(found) for name, found in NATIONAL_CATEGORIES if name == category), [])
    local = [name for name, national in mapping.items() if national == category and name != category and name not in DISPUTE_TYPE_NATIONAL]
    return splits + local


def prevention_table(db: Database, period: fig.Period) -> CountyTable:
    """排查 (joint meetings and the disputes they found) and the prevented counts, each as 件 and 人."""
    clause, params = _where(JOINT_MEETING, period)
    meetings, found, prevented = db.execute(
        f"SELECT count(*), sum(coalesce(disputes_found, 0)), sum(coalesce(disputes_prevented, 0)) FROM joint_meeting WHERE {clause}", params).fetchone()
    clause, params = _where(MEDIATION_CASE, period, "source = :found")
    from_checks, people = db.execute(f"SELECT count(*), sum(coalesce(people, 0)) FROM mediation_case WHERE {clause}", dict(params, found=FOUND)).fetchone()
    rows: list[list] = [["排查纠纷次数", meetings or 0, "", "联席例会"], ["排查发现纠纷", found or 0, "", "例会排查纠纷数之和"],
                        ["预防纠纷", prevented or 0, "", "例会预防纠纷数之和（及早化解、未形成纠纷案件）"],
                        ["排查发现并受理调解", from_checks or 0, people or 0, "调解案件中纠纷来源为“排查发现”"]]  # fmt: skip
    by_label = {f.label: f for f in MEDIATION_CASE.fields if f.kind is Kind.BOOL}
    missing = []
    for label in PREVENTED:
        item = by_label.get(label)
        if item is None:
            rows.append([label, "—", "—", "台账尚无此项"])
            missing.append(label)
            continue
        clause, params = _where(MEDIATION_CASE, period, f"{item.key} = 1")
        counted = next((f.key for f in MEDIATION_CASE.fields if f.label == f"{label}(人)"), None)  # the case's own count of people
        people_sql = f"coalesce({counted}, people, 0)" if counted else "coalesce(people, 0)"
        count, involved = db.execute(f"SELECT count(*), sum({people_sql}) FROM mediation_case WHERE {clause}", params).fetchone()
        rows.append([label, count or 0, involved or 0, "调解案件中该项为“是”；人数为该项所填人数（未填时为涉及人数）"])
    note = "“—”：调解案件台账还没有记录这一项，请手工填报。" if missing else ""
    return CountyTable("排查预防", "矛盾纠纷排查及预防情况统计表", ["项目", "件(次)", "人", "统计口径"], rows,
                       total=False, widths=[24, 9, 9, 32], note=note)  # fmt: skip


SOURCE_LABELS = {APPLIED: "当事人申请", FOUND: "调委会主动调解（排查发现）", REFERRED: "有关部门移送、委托", OTHER_SOURCE: "其他", "": "未填写"}


def source_table(db: Database, period: fig.Period) -> CountyTable:
    """人民调解 cases by 来源 (申请 / 主动 / 移送委托) × outcome: the same cases as the 人民调解 table."""
    clause, params = _where(MEDIATION_CASE, period)
    found = {(row[0] or ""): [value or 0 for value in row[1:]] for row in db.execute(
        "SELECT source, count(*), sum(result = :s_success), sum(result IN (:s_failed, :s_suspended)), sum(result = :s_ongoing), "
        f"sum(coalesce(people, 0)) FROM mediation_case WHERE {clause} GROUP BY source", dict(params, **_STATES))}  # fmt: skip
    known = [*CASE_SOURCES, ""]
    rows = [[SOURCE_LABELS.get(source, source), *found.get(source, [0] * 5)] for source in known if source in CASE_SOURCES or source in found]
    rows += [[source, *counts] for source, counts in found.items() if source not in known]  # a source typed in an older version
    return CountyTable("案件来源", "人民调解案件来源统计表", ["案件来源", "受理(件)", "调解成功(件)", "调解不成功/终止(件)", "调解中(件)", "涉及人数(人)"],
                       rows, widths=[26, 10, 11, 13, 10, 11], note="案件来源按调解案件的“纠纷来源”统计；受理按受理日期计入本期，合计与人民调解案件统计表一致。")  # fmt: skip


def organisation_table(db: Database, period: fig.Period) -> CountyTable:
    """人民调解委员会 by kind and 人民调解员 (专职, 兼职) as they stood on the cut-off date."""
    end = period.end.isoformat()
    committees = dict(db.execute(
        f"SELECT kind, count(*) FROM {COMMITTEE.key} WHERE (established IS NULL OR established <= :end) AND (dissolved IS NULL OR dissolved > :end) "
        "GROUP BY kind", {"end": end}).fetchall())  # fmt: skip
    people = {row[0]: row[1:] for row in db.execute(
        f'SELECT committee, count(*), sum(kind = :full), sum(kind = :part), sum(kind IS NULL OR kind NOT IN (:full, :part)) FROM {MEDIATOR.key} '
        'WHERE (start IS NULL OR start <= :end) AND ("end" IS NULL OR "end" >= :end) GROUP BY committee',
        {"end": end, "full": MEDIATOR.field("kind").choices[0], "part": MEDIATOR.field("kind").choices[1]})}  # fmt: skip
    unknown = any(counts[3] for counts in people.values())
    rows = []
    for kind in COMMITTEE_KINDS:
        total, full, part, blank = (value or 0 for value in people.get(kind, (0, 0, 0, 0)))
        rows.append([COMMITTEE_KIND_LABELS[kind], committees.get(kind, 0), total, full, part, *([blank] if unknown else [])])
    headers = ["调委会类别", "调委会(个)", "人民调解员(人)", "其中专职(人)", "其中兼职(人)", *(["未填专兼职(人)"] if unknown else [])]
    note = f"截止日期{period.end.year}年{period.end.month}月{period.end.day}日在册：调委会按“人民调解委员会”名册（未撤销），调解员按“人民调解员”名册（任职期间含该日）。"
    return CountyTable("组织队伍", "人民调解组织和人民调解员情况统计表", headers, rows, widths=[20, 12, 14, 13, 13, *([14] if unknown else [])], note=note)


def publicity_table(db: Database, period: fig.Period) -> CountyTable:
    """普法: events by type with people reached and materials handed out."""
    clause, params = _where(PUBLICITY_EVENT, period)
    found = {row[0]: row[1:] for row in db.execute(
        f"SELECT event_type, count(*), sum(coalesce(participants, 0)), sum(coalesce(materials, 0)) FROM publicity_event WHERE {clause} GROUP BY event_type", params)}  # fmt: skip
    rows = [[kind, *(v or 0 for v in found.get(kind, (0, 0, 0)))] for kind in PUBLICITY_EVENT.field("event_type").choices]
    return CountyTable("普法", "法治宣传教育统计表", ["活动类型", "场次", "参加人次", "发放资料(份)"], rows, widths=[22, 11, 12, 14])


def advisor_table(db: Database, period: fig.Period) -> CountyTable:
    """法律顾问: work by type for government and village advisors (数量) and people served."""
    clause, params = _where(ADVISOR_WORK, period)
    found: dict = {}
    for kind, advisor, quantity, people in db.execute(
        f"SELECT work_type, advisor_type, sum(quantity), sum(coalesce(people, 0)) FROM advisor_work WHERE {clause} GROUP BY work_type, advisor_type", params
    ):
        found[(kind, advisor)] = quantity or 0
        found[(kind, "人次")] = found.get((kind, "人次"), 0) + (people or 0)
    advisors = ADVISOR_WORK.field("advisor_type").choices
    rows = [[kind, *(found.get((kind, a), 0) for a in advisors), found.get((kind, "人次"), 0)] for kind in ADVISOR_WORK_TYPES]
    return CountyTable("法律顾问", "法律顾问工作统计表", ["工作类型", *(f"{a}(数量)" for a in advisors), "服务人次"], rows,
                       widths=[20, 17, 19, 11], note="数量：合同为份，咨询、诉讼、纠纷为件，讲座、活动为场次，走访为次。")  # fmt: skip


def enforcement_table(figures: fig.PeriodFigures) -> CountyTable:
    """行政执法: posts and certificates at the cut-off date, training and exams in the period."""
    keys = ("posts", "certified", "cert_rate", "trainings", "training_hours", "drills", "cert_exam_takers", "cert_exam_passed")
    rows = []
    for key in keys:
        item = fig.BY_KEY[key]
        value = figures[key]
        if isinstance(item, fig.Rate):
            rows.append([item.label, fig.display(item, value) or "—", "", fig.describe(item)])
        else:
            rows.append([item.label, value, item.unit, "截止日期的状态" if not item.per_year else "本期合计"])
    return CountyTable("行政执法", "行政执法人员及培训统计表", ["项目", "数值", "单位", "说明"], rows, total=False, widths=[22, 17, 6, 30])  # a county rate, 84.5%（845/1000）, on one line


def build_county_tables(db: Database, period: fig.Period | int) -> list[CountyTable]:
    """Every table of the county workbook for a period (or a calendar year)."""
    period = fig.Period.of(period)
    figures = fig.period_figures(db, period)
    return [mediation_table(db, period), source_table(db, period), prevention_table(db, period), organisation_table(db, period),
            publicity_table(db, period), advisor_table(db, period), enforcement_table(figures)]  # fmt: skip


def period_heading(unit: str, period: fig.Period) -> str:
    """The line under every table's title: 填报单位, the period and its cut-off date."""
    span = f"{period.start.year}年{period.start.month}月{period.start.day}日至{period.end.year}年{period.end.month}月{period.end.day}日"
    return (f"填报单位：{unit}{HEADING_GAP}统计期间：{period.label}"
            + ("" if "至" in period.label else f"（{span}）") + f"{HEADING_GAP}截止日期：{period.end.year}年{period.end.month}月{period.end.day}日")  # fmt: skip


HEADING_GAP = "    "  # between the parts of a table's heading (填报单位, 统计期间, 截止日期)


def heading_lines(heading: str, width: float, font_pt: float) -> str:
    """The heading with a line break between two of its parts wherever the next part would not fit on the
    line (``width`` in Excel characters): a spreadsheet would otherwise wrap it anywhere, inside a date."""
    lines: list[str] = []
    for part in heading.split(HEADING_GAP):
        joined = f"{lines[-1]}{HEADING_GAP}{part}" if lines else part
        if lines and printing.wrapped_height(joined, width * 0.95, font_pt) <= printing.wrapped_height(lines[-1], width * 0.95, font_pt):
            lines[-1] = joined
        else:
            lines.append(part)
    return "\n".join(lines)


def write_table_sheet(book, table: CountyTable, title: str, heading: str, today: dt.date):
    """One table as a sheet of ``book`` headed by ``title`` and ``heading``, printing on one A4 page."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    sheet = book.create_sheet(table.sheet)
    columns = len(table.headers)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=columns)
    put(sheet.cell(1, 1), title).font = Font(name=FONT, size=TITLE_PT, bold=True)
    sheet.cell(1, 1).alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[1].height = 30
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=columns)
    widths = [table.widths[col] if col < len(table.widths) else 12 for col in range(columns)]
    heading = heading_lines(heading, sum(widths), BODY_PT)  # lines break between its parts, never inside a date
    put(sheet.cell(2, 1), heading).font = Font(name=FONT, size=BODY_PT)
    sheet.cell(2, 1).alignment = Alignment(wrap_text=True, vertical="center")
    sheet.row_dimensions[2].height = max(20.0, printing.wrapped_height(heading, sum(widths), BODY_PT))
    for col, header in enumerate(table.headers, start=1):
        cell = put(sheet.cell(3, col), header)
        cell.font = Font(name=FONT, size=BODY_PT, bold=True)
        cell.fill, cell.border = PatternFill("solid", fgColor="E7ECF3"), border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.row_dimensions[3].height = 34
    body = table.rows + ([table.totals()] if table.total else [])
    for offset, row in enumerate(body):
        bold = table.total and offset == len(body) - 1
        indent = 2 if offset in table.parts else 0  # "其中：…" under its class
        # at least 20 pt, and what the longest wrapped text needs (统计口径 runs to two or three lines)
        sheet.row_dimensions[4 + offset].height = max(
            [ROW_PT] + [printing.wrapped_height(value, width, BODY_PT) for value, width in zip(row, widths) if isinstance(value, str)]
        )
        for col, value in enumerate(row, start=1):
            cell = put(sheet.cell(4 + offset, col), value)
            cell.border, cell.font = border, Font(name=FONT, size=BODY_PT, bold=bold)
            if isinstance(value, (int, float)):
                cell.number_format = "#,##0" if float(value).is_integer() else "#,##0.00"
                cell.alignment = Alignment(horizontal="right", vertical="center")
            else:
                cell.alignment = Alignment(vertical="center", wrap_text=True, horizontal="center" if value == "—" else ("left" if indent and col == 1 else "general"), indent=indent if col == 1 else 0)
    last = 3 + len(body)
    if table.note:
        sheet.merge_cells(start_row=last + 1, start_column=1, end_row=last + 1, end_column=columns)
        put(sheet.cell(last + 1, 1), f"说明：{table.note}").font = Font(name=FONT, size=BODY_PT)
        sheet.cell(last + 1, 1).alignment = Alignment(wrap_text=True, vertical="top")
        sheet.row_dimensions[last + 1].height = max(30.0, printing.wrapped_height(f"说明：{table.note}", sum(table.widths[:columns]), BODY_PT))
        last += 1
    sheet.merge_cells(start_row=last + 2, start_column=1, end_row=last + 2, end_column=columns)
    put(sheet.cell(last + 2, 1), f"填表人：              审核人：              填报日期：{today.year}年{today.month}月{today.day}日").font = Font(name=FONT, size=BODY_PT)
    for col in range(1, columns + 1):
        sheet.column_dimensions[get_column_letter(col)].width = table.widths[col - 1] if col <= len(table.widths) else 12
    sheet.print_title_rows = "3:3"
    sheet.print_area = f"A1:{get_column_letter(columns)}{last + 2}"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if table.landscape else "portrait"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 1
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"
    return sheet


def write_county_tables(db: Database, book, period: fig.Period | int, today: dt.date | None = None, first_number: int = 1) -> list[CountyTable]:
    """Every table of the period as sheets of ``book`` (numbered 表1, 表2 … from ``first_number``),
    headed with the settings' office and town; returns the tables."""
    period = fig.Period.of(period)
    today = today or dt.date.today()
    settings = township_settings.settings(db)
    heading = period_heading(settings.get("office") or settings.get("town") or "", period)
    tables = build_county_tables(db, period)
    for number, table in enumerate(tables, start=first_number):
        write_table_sheet(book, table, f"表{number}  {settings.get('town') or ''}{table.title}", heading, today)
    return tables


def write_county_workbook(db: Database, period: fig.Period | int, path: str | Path, today: dt.date | None = None) -> Path:
    """Write the county workbook: one sheet per table, each printing on one A4 page."""
    from openpyxl import Workbook

    path = check_output_path(path)
    book = Workbook()
    book.remove(book.active)
    write_county_tables(db, book, period, today)
    book.properties.creator = township_settings.settings(db).get("office") or "司法所台账"
    return save_workbook(book, path)
