"""汇总表: the Excel workbook that backs the report, one table per sheet, ready to print.

Every table is a GROUP BY over the same period condition the report figures use
(``figures._condition``), so its totals equal the report's figures exactly. A period is a
year (the annual summary), a quarter, a month or any from–to range.
"""

from __future__ import annotations

from copy import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from zhaocun_desktop import county_scope, figures as fig, records, settings as township_settings
from zhaocun_desktop.excel import printing
from zhaocun_desktop.excel.writing import put, save_workbook
from zhaocun_desktop.files import check_output_path
from zhaocun_desktop.periods import grouped, grouped_by_two, grouped_many
from zhaocun_desktop.progress import Progress, step
from zhaocun_desktop.registers import (
    ADVISOR_WORK,
    ADVISOR_WORK_TYPES,
    ENFORCEMENT_STAFF,
    ENFORCEMENT_TRAINING,
    MEDIATION_CASE,
    MEDIATION_RESULTS,
    PETITION,
    PETITION_LEVELS,
    PUBLICITY_EVENT,
    Register,
)
from zhaocun_desktop.villages import COUNTY_VILLAGE_MARK, OTHER_PLACES, village_group_sql, village_labels

if TYPE_CHECKING:
    from sqlite_utils import Database



@dataclass
class Table:
    """One printable table: a title, column headers, rows, an optional total row and chart."""

    sheet: str
    title: str
    headers: list[str]
    rows: list[list]
    total: bool = True  # add a 合计 row summing every numeric column
    chart: str | None = None  # "bar": a bar chart of the last column by the first
    landscape: bool = False  # always landscape; otherwise portrait unless the columns need the width
    note: str = ""
    widths: list[int] = field(default_factory=list)
    wrap: tuple[int, ...] = ()  # columns whose text wraps within the width

    def totals(self) -> list:
        sums = ["合计"]
        for index in range(1, len(self.headers)):
            numbers = [row[index] for row in self.rows if isinstance(row[index], (int, float))]
            sums.append(sum(numbers) if numbers else "")
        return sums


def _by_village(columns: list[dict], villages: list[str]) -> list[list]:
    """One row per village and a last row for everything else (no village, or a place not in the list)."""
    rows = [[village, *(column.get(village, 0) for column in columns)] for village in villages]
    listed = set(villages)
    rows.append([OTHER_PLACES, *(sum(value for key, value in column.items() if key not in listed) for column in columns)])
    return rows


def _crosstab(db, register, period, row_expr, row_keys, col_field, col_keys, measure="count(*)", where="1", others: str | None = None) -> list[list]:
    """Rows ``row_keys`` × columns ``col_keys`` (+ 小计), each cell ``measure``; with ``others``, a
    last row of that name sums the records whose row key is not among ``row_keys`` (by village: ``others``)."""
    cells: dict = {}
    found = grouped_by_two(db, register, period, row_expr, col_field, col_keys, measure, where, whole_rows=others is not None)  # one query, not one per column
    for (key, column), value in found.items():
        if others is not None and key not in row_keys:
            key = others
        cells[(key, column)] = cells.get((key, column), 0) + value
    rows = []
    for key in [*row_keys, *([others] if others is not None else [])]:
        values = [cells.get((key, column), 0) for column in col_keys]
        rows.append([key, *values, sum(values)])
    return rows


def _month_expr(register: Register, period: fig.Period) -> str:
    """The month a record falls in, as the row label of a by-month table (with the year when the period spans years)."""
    month = f"CAST(substr({register.date_field}, 6, 2) AS INTEGER) || '月'"
    return month if period.start.year == period.end.year else f"substr({register.date_field}, 1, 4) || '年' || {month}"


def _definition(item: fig.Figure | fig.Rate, figures: fig.PeriodFigures) -> str:
    """The 统计口径, and what is missing when records lack the value the figure adds up."""
    text = fig.describe(item)
    ids = figures.missing.get(item.key)
    if ids:
        text += f"。数据不全：{len(ids)}条记录未填写{'、'.join(fig.missing_fields(item))}，报告中未写入此数"
    return text


def _months(period: fig.Period) -> list[str]:
    """The row labels of a by-month table: the months the period touches."""
    labels, year, month = [], period.start.year, period.start.month
    while (year, month) <= (period.end.year, period.end.month):
        labels.append(f"{month}月" if period.start.year == period.end.year else f"{year}年{month}月")
        year, month = year + month // 12, month % 12 + 1
    return labels


def period_name(period: fig.Period) -> str:
    """How table titles name the period: 2023年度, 2023年第一季度, 2023年1月1日至2023年3月25日."""
    return f"{period.start.year}年度" if period.is_year else period.label


def build_tables(db: Database, period: fig.Period | int) -> list[Table]:
    """Every table of the summary workbook for a period (or a calendar year)."""
    period = fig.Period.of(period)
    name = period_name(period)
    figures = fig.period_figures(db, period)
    villages = village_labels(db)  # rows of the by-village tables; _by_village/_crosstab add 镇直及其他地点 so they add up to the figures
    village = f"乡镇{COUNTY_VILLAGE_MARK}村(居)" if county_scope.whole_county(db) else "村(居)"  # a whole county's rows name their township
    tables = []

    tables.append(Table(
        "报告数据", f"{name}法治政府建设情况报告数据",
        ["项目", "数值", "单位", "所属部分", "来源台账", "统计口径"],
        [[f.label, figures[f.key], f.unit, f.section, f.register.title, _definition(f, figures)] for f in fig.FIGURES]
        + [[r.label, str(figures[r.key]) or "—", "%", r.section, "", _definition(r, figures)] for r in fig.RATES],
        total=False, landscape=True, widths=[26, 9, 5, 12, 12, 62], wrap=(0, 5),
        note="每个数字都由台账记录统计得出；在程序“报告”页可查看任一数字背后的记录。",
    ))  # fmt: skip

    types = PUBLICITY_EVENT.field("event_type").choices
    tables.append(Table("宣传-按月", f"{name}法治宣传活动统计表（按月份）", ["月份", *types, "小计"],
                        _crosstab(db, PUBLICITY_EVENT, period, _month_expr(PUBLICITY_EVENT, period), _months(period), "event_type", types),
                        chart="bar"))
    per_place = grouped_many(db, PUBLICITY_EVENT, period, village_group_sql(db, PUBLICITY_EVENT, "place"), [(m, "1") for m in ("count(*)", "sum(participants)", "sum(materials)")], whole_rows=True)
    tables.append(Table("宣传-按村", f"{name}法治宣传活动统计表（按村居）", [f"{village}或地点", "活动场次", "参加人数", "发放资料(份)"],
                        _by_village(per_place, villages)))

    per_type = grouped_many(db, ENFORCEMENT_TRAINING, period, "train_type", [(m, "1") for m in ("count(*)", "sum(hours)", "sum(participants)", "sum(passed)")])
    tables.append(Table("执法-培训", f"{name}行政执法培训考试统计表", ["类型", "次数", "学时", "参加人数", "通过人数"],
                        [[t, *(column.get(t, 0) for column in per_type)] for t in ENFORCEMENT_TRAINING.field("train_type").choices]))
    # as of the period's last day, with the figures' own conditions (so the totals are the figures)
    posts, certified = (grouped(db, ENFORCEMENT_STAFF, period, "unit", "count(*)", fig.BY_KEY[key].where) for key in ("posts", "certified"))
    units = sorted(posts)
    tables.append(Table("执法-持证", f"{name}行政执法人员持证情况统计表（截至{period.end.year}年{period.end.month}月{period.end.day}日）", ["单位/科室", "执法岗位人数", "持证人数", "持证率"],
                        [[u, posts.get(u, 0), certified.get(u, 0), str(fig.RateValue(certified.get(u, 0), posts.get(u, 0)))] for u in units],
                        note=f"全镇持证率：{figures['cert_rate']}（持证人数 ÷ 执法岗位人数）"))

    advisor_types = ADVISOR_WORK.field("advisor_type").choices
    tables.append(Table("顾问-按类型", f"{name}法律顾问工作统计表（按工作类型，数量合计）", ["工作类型", *advisor_types, "小计"],
                        _crosstab(db, ADVISOR_WORK, period, "work_type", list(ADVISOR_WORK_TYPES), "advisor_type", advisor_types, "sum(quantity)"),
                        note="数量单位：合同为份，咨询、诉讼、纠纷为件，讲座、活动为场次，走访为次。"))
    # the 村(居)法律顾问 figures' own conditions, so each column adds up to its figure (走访次数: the visits, not the villages)
    per_village = grouped_many(db, ADVISOR_WORK, period, village_group_sql(db, ADVISOR_WORK, "village"), [
        ("count(*)", fig.BY_KEY["visited_villages"].where), *((fig.BY_KEY[key].measure, fig.BY_KEY[key].where) for key in (
            "visit_people", "advisor_disputes", "village_contracts", "consultation_people"))], whole_rows=True)  # fmt: skip
    tables.append(Table("顾问-按村", f"{name}村(居)法律顾问工作统计表（按村居）", [village, "走访次数", "走访人次", "参与调处纠纷", "审查合同(份)", "解答咨询(人次)"],
                        _by_village(per_village, villages)))

    tables.append(Table("调解-按村", f"{name}矛盾纠纷调解案件统计表（按村居）", [village, *MEDIATION_RESULTS, "合计"],
                        _crosstab(db, MEDIATION_CASE, period, village_group_sql(db, MEDIATION_CASE, "village"), villages, "result", MEDIATION_RESULTS, others=OTHER_PLACES)))
    tables.append(Table("调解-按类型", f"{name}矛盾纠纷调解案件统计表（按纠纷类型）", ["纠纷类型", *MEDIATION_RESULTS, "合计"],
                        _crosstab(db, MEDIATION_CASE, period, "dispute_type", list(records.field_choices(db, MEDIATION_CASE)["dispute_type"]), "result", MEDIATION_RESULTS), chart="bar"))
    orgs = MEDIATION_CASE.field("org").choices
    by_org = _crosstab(db, MEDIATION_CASE, period, "org", list(orgs), "result", MEDIATION_RESULTS)
    tables.append(Table("调解-按组织", f"{name}矛盾纠纷调解案件统计表（按调解组织）", ["调解组织", *MEDIATION_RESULTS, "合计", "成功率"],
                        [[*row, str(fig.RateValue(row[1], row[-1]))] for row in by_org]))
    tables.append(Table("调解-按月", f"{name}矛盾纠纷调解案件统计表（按受理月份）", ["月份", *MEDIATION_RESULTS, "合计"],
                        _crosstab(db, MEDIATION_CASE, period, _month_expr(MEDIATION_CASE, period), _months(period), "result", MEDIATION_RESULTS)))

    by_level = grouped_many(db, PETITION, period, "level", [
        ("count(*)", "1"), (fig.BY_KEY["to_county"].measure, "1"),  # 人次 as the 越级 figures count them
        ("count(*)", fig.BY_KEY["petitions_done"].where), ("count(*)", fig.BY_KEY["petitions_on_time"].where)])
    tables.append(Table("信访-按层级", f"{name}信访统计表（按层级）", ["层级", "件数", "人次", "已办结", "按期办结", "按期办结率"],
                        [[lv, *(column.get(lv, 0) for column in by_level), str(fig.RateValue(by_level[3].get(lv, 0), by_level[2].get(lv, 0)))] for lv in PETITION_LEVELS],
                        note=f"按期办结率 = 按期办结件数 ÷ 已办结件数（在办的不计入）；全年：{figures['petition_on_time_rate'] or '—'}；满意率：{figures['petition_satisfaction_rate'] or '—'}（满意件数 ÷ 评价满意度的已办结件数）"))
    tables.append(Table("信访-按月", f"{name}信访统计表（按登记月份）", ["月份", *PETITION_LEVELS, "合计"],
                        _crosstab(db, PETITION, period, _month_expr(PETITION, period), _months(period), "level", PETITION_LEVELS)))
    return tables


TITLE_PT, BODY_PT = 14, 11  # the smallest font is BODY_PT: printed at 9 pt or more (scale ≥ 82%)
LINE_PT = 15  # a line of 11 pt text


def _widths(table: Table, body: list[list]) -> list[float]:
    """Column widths: given ones, else wide enough for the header (on two lines) and every value."""
    widths = []
    for col in range(len(table.headers)):
        if col < len(table.widths):
            widths.append(table.widths[col])
            continue
        header = len(str(table.headers[col]))
        values = [len(str(row[col])) * (1 if str(row[col]).isascii() else 2) + 2 for row in body]
        widths.append(min(max([header + 2 if header > 4 else header * 2 + 2, *values, 8]), 40))  # long headers wrap onto two lines
    return widths


def _table_plan(table: Table, widths: list[float]) -> printing.PrintPlan:
    """Landscape when asked or when portrait would need a smaller print; else portrait."""
    if not table.landscape:
        portrait = printing.plan(widths, BODY_PT, "portrait")
        if not portrait.split:
            return portrait
    return printing.plan(widths, BODY_PT, "landscape")


def write_summary(db: Database, year: fig.Period | int, path: str | Path, progress: Progress = None) -> Path:
    """Write the summary workbook for a period (or a calendar year) to ``path``; ``progress`` is
    told per sheet (cancelling before the save leaves no file). Each table is a sheet: its cells, then their
    sizes, then how it prints (with its chart)."""
    period = fig.Period.of(year)
    from openpyxl import Workbook

    settings = township_settings.settings(db)
    path = check_output_path(path)
    book = Workbook()
    book.remove(book.active)
    styles = _Styles()
    tables = build_tables(db, period)
    for index, table in enumerate(tables):
        step(progress, index, len(tables), table.sheet)
        sheet = book.create_sheet(table.sheet)
        body = _write_cells(sheet, table, settings, styles)
        widths = _size_cells(sheet, table, body)
        _lay_out_for_print(sheet, table, period, body, widths)
    book.properties.creator = settings.get("office") or "司法所台账"
    step(progress, len(tables), len(tables), "正在保存…")
    return save_workbook(book, path)


class _Styles:
    """The summary's cell styles: the header's, and the body's by total row, number format, alignment and wrapping."""

    def __init__(self):
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        thin = Side(style="thin", color="000000")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.header_fill = PatternFill("solid", fgColor="DDE4EE")
        self.total_fill = PatternFill("solid", fgColor="F2F2F2")
        self.body_font, self.bold_font = Font(name="宋体", size=BODY_PT), Font(name="宋体", size=BODY_PT, bold=True)
        self.numbers, self.texts, self.wrapped = Alignment(horizontal="right", vertical="center"), Alignment(vertical="center"), Alignment(vertical="center", wrap_text=True)
        self.percent = Alignment(horizontal="right", vertical="center")
        self.made: dict = {}  # each combination of font, fill, border, alignment and format, styled once; its style copied to every cell like it

    def styled(self, cell, key, style) -> None:
        """Give ``cell`` the style ``style(cell)`` gives, made once per ``key`` (openpyxl looks each style object up
        in the workbook's lists on every assignment: a third of the workbook's time went there). A text that would
        read as a formula keeps its quote prefix (``put``; part of the style)."""
        quoted = cell.quotePrefix
        if key not in self.made:
            cell.quotePrefix = False
            style(cell)
            self.made[key] = copy(cell._style)
        cell._style = copy(self.made[key])
        if quoted:
            cell.quotePrefix = True

    def header(self, cell) -> None:
        from openpyxl.styles import Alignment

        cell.font, cell.fill, cell.border = self.bold_font, self.header_fill, self.border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)

    def body(self, total: bool, number_format: str | None, alignment, wrap: bool):
        def style(cell) -> None:
            cell.border, cell.font = self.border, self.bold_font if total else self.body_font
            if number_format:
                cell.number_format = number_format
            cell.alignment = self.wrapped if wrap else alignment
            if total:
                cell.fill = self.total_fill

        return style


def _write_cells(sheet, table: Table, settings: dict, styles: _Styles) -> list[list]:
    """The sheet's title, the office, the header row and the body (with its total row), styled; returns the body."""
    from openpyxl.styles import Alignment, Font

    columns = len(table.headers)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=columns)
    put(sheet.cell(1, 1), f"{settings.get('town') or ''}{table.title}").font = Font(name="宋体", size=TITLE_PT, bold=True)
    sheet.cell(1, 1).alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[1].height = 28
    put(sheet.cell(2, 1), f"填报单位：{settings.get('office') or ''}").font = Font(name="宋体", size=BODY_PT)
    for col, heading in enumerate(table.headers, start=1):
        styles.styled(put(sheet.cell(3, col), heading), "header", styles.header)
    body = table.rows + ([table.totals()] if table.total else [])
    for offset, row in enumerate(body):
        total = table.total and offset == len(body) - 1
        for col, value in enumerate(row, start=1):
            cell = put(sheet.cell(4 + offset, col), value)
            wrap = col - 1 in table.wrap
            if isinstance(cell.value, (int, float)):
                number_format = "#,##0" if float(value).is_integer() else "#,##0.00"
                styles.styled(cell, (total, number_format, wrap), styles.body(total, number_format, styles.numbers, wrap))
            else:  # a rate ("88.6%") lines up with the numbers
                rate = str(cell.value or "").endswith("%")
                styles.styled(cell, (total, rate, wrap), styles.body(total, None, styles.percent if rate else styles.texts, wrap))
    return body


def _size_cells(sheet, table: Table, body: list[list]) -> list[float]:
    """The note under the table, the columns' widths and the heights of rows whose cells wrap; returns the widths."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    last = 3 + len(body)
    widths = _widths(table, body)
    if table.note:  # wrapped across the table's width: overflowing text would widen the printed range
        put(sheet.cell(last + 2, 1), table.note).font = Font(name="宋体", size=BODY_PT)
        sheet.merge_cells(start_row=last + 2, start_column=1, end_row=last + 2, end_column=len(table.headers))
        sheet.cell(last + 2, 1).alignment = Alignment(vertical="top", wrap_text=True)
        sheet.row_dimensions[last + 2].height = printing.wrapped_height(table.note, sum(widths), BODY_PT)
    for col, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = width
        if col - 1 in table.wrap:  # (their cells' alignment wraps: _Styles.body)
            for row in range(4, last + 1):
                cell = sheet.cell(row, col)
                current = sheet.row_dimensions[row].height or LINE_PT
                sheet.row_dimensions[row].height = max(current, printing.wrapped_height(cell.value or "", width, BODY_PT))
    return widths


def _lay_out_for_print(sheet, table: Table, period: fig.Period, body: list[list], widths: list[float]) -> None:
    """How the sheet prints: the title and the header on as many lines as they need, the print settings, and a bar
    chart on its table's page when there is room, else on a page of its own."""
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Alignment
    from openpyxl.worksheet.pagebreak import Break

    columns, last = len(table.headers), 3 + len(body)
    print_plan = _table_plan(table, widths)
    title_width = sum(printing.column_mm(w, printing.CHAR_PX_NARROW) for w in widths)
    if len(sheet.cell(1, 1).value or "") * TITLE_PT * 25.4 / 72 > title_width:  # too long for the table's width: two lines, never cut
        sheet.cell(1, 1).alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.row_dimensions[1].height = TITLE_PT * 2.6
    if any(len(h) * 2 + 1 > w for h, w in zip(table.headers, widths)):
        sheet.row_dimensions[3].height = 30  # wrapped headers: two lines
    sheet.freeze_panes = "B4"
    rows_height_mm = (28 + 15 + 30 + 15 * len(body) + (30 if table.note else 0)) * 25.4 / 72
    page_height_mm = printing.printable_mm(print_plan.orientation)[1] * 100 / print_plan.scale
    room_cm = (page_height_mm - rows_height_mm) / 10 - 1.5
    chart_alone = table.chart == "bar" and bool(table.rows) and room_cm < 6
    # the header repeats on every page the table continues on, not above a chart on a page of its own
    printing.apply(sheet, print_plan, None if chart_alone and rows_height_mm <= page_height_mm else "3:3")
    if table.chart == "bar" and table.rows:
        chart = BarChart()
        chart.type, chart.style = "col", 10
        chart.title = table.title.replace(period_name(period), "").replace("统计表", "")
        chart.y_axis.title, chart.legend = "数量", None
        chart.add_data(Reference(sheet, min_col=columns, min_row=3, max_row=3 + len(table.rows)), titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=1, min_row=4, max_row=3 + len(table.rows)))
        chart.width = min(title_width / 10, 24)
        anchor = last + (4 if table.note else 2)
        if not chart_alone:  # on the page of its table
            chart.height = min(room_cm, 10)
        else:  # on a page of its own, under its own title (no header row repeated there)
            chart.height = 10
            sheet.row_breaks.append(Break(id=anchor - 1))
        sheet.add_chart(chart, f"A{anchor}")
