"""汇总表: the Excel workbook that backs the report, one table per sheet, ready to print.

Every table is a GROUP BY over the same period condition the report figures use
(``figures._condition``), so its totals equal the report's figures exactly. A period is a
year (the annual summary), a quarter, a month or any from–to range.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from zhaocun_desktop import figures as fig
from zhaocun_desktop import records
from zhaocun_desktop.excel.writing import put, save_workbook
from zhaocun_desktop.files import check_output_path
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
    landscape: bool = False
    note: str = ""
    widths: list[int] = field(default_factory=list)

    def totals(self) -> list:
        sums = ["合计"]
        for index in range(1, len(self.headers)):
            numbers = [row[index] for row in self.rows if isinstance(row[index], (int, float))]
            sums.append(sum(numbers) if numbers else "")
        return sums


def _grouped(db: Database, register: Register, period: fig.Period | int, group: str, measure: str = "count(*)", where: str = "1") -> dict:
    """``{group value: measure}`` for the period's records of ``register`` matching ``where``."""
    figure = fig.Figure("_", "_", "", register, where=where, measure=measure)
    clause, params = fig._condition(figure, period)
    sql = f"SELECT {group} AS g, {measure} FROM {register.key} WHERE {clause} GROUP BY g"
    return {key: value or 0 for key, value in db.execute(sql, params)}


def _crosstab(db, register, period, row_expr, row_keys, col_field, col_keys, measure="count(*)", where="1") -> list[list]:
    """Rows ``row_keys`` × columns ``col_keys`` (+ 小计), each cell ``measure``."""
    cells = {}
    for column in col_keys:
        condition = f"({where}) AND {col_field} = '{column}'"
        for key, value in _grouped(db, register, period, row_expr, measure, condition).items():
            cells[(key, column)] = value
    rows = []
    for key in row_keys:
        values = [cells.get((key, column), 0) for column in col_keys]
        rows.append([key, *values, sum(values)])
    return rows


def _month_expr(register: Register, period: fig.Period) -> str:
    """The month a record falls in, as the row label of a by-month table (with the year when the period spans years)."""
    month = f"CAST(substr({register.date_field}, 6, 2) AS INTEGER) || '月'"
    return month if period.start.year == period.end.year else f"substr({register.date_field}, 1, 4) || '年' || {month}"


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
    villages = [*records.village_names(db), records.OTHER_PLACES]  # rows of the by-village tables: they add up to the figures
    tables = []

    tables.append(Table(
        "报告数据", f"{name}法治政府建设情况报告数据",
        ["项目", "数值", "单位", "所属部分", "来源台账", "统计口径"],
        [[f.label, figures[f.key], f.unit, f.section, f.register.title, fig.describe(f)] for f in fig.FIGURES]
        + [[r.label, str(figures[r.key]) or "—", "%", r.section, "", fig.describe(r)] for r in fig.RATES],
        total=False, landscape=True, widths=[28, 11, 6, 13, 13, 100],
        note="每个数字都由台账记录统计得出；在程序“报告”页可查看任一数字背后的记录。",
    ))  # fmt: skip

    types = PUBLICITY_EVENT.field("event_type").choices
    tables.append(Table("宣传-按月", f"{name}法治宣传活动统计表（按月份）", ["月份", *types, "小计"],
                        _crosstab(db, PUBLICITY_EVENT, period, _month_expr(PUBLICITY_EVENT, period), _months(period), "event_type", types),
                        chart="bar", landscape=True))
    per_place = [_grouped(db, PUBLICITY_EVENT, period, records.village_group_sql(PUBLICITY_EVENT, "place"), m) for m in ("count(*)", "sum(participants)", "sum(materials)")]
    tables.append(Table("宣传-按村", f"{name}法治宣传活动统计表（按村居）", ["村(居)或地点", "活动场次", "参加人数", "发放资料(份)"],
                        [[v, *(column.get(v, 0) for column in per_place)] for v in villages]))

    per_type = [_grouped(db, ENFORCEMENT_TRAINING, period, "train_type", m) for m in ("count(*)", "sum(hours)", "sum(participants)", "sum(passed)")]
    tables.append(Table("执法-培训", f"{name}行政执法培训考试统计表", ["类型", "次数", "学时", "参加人数", "通过人数"],
                        [[t, *(column.get(t, 0) for column in per_type)] for t in ENFORCEMENT_TRAINING.field("train_type").choices]))
    # as of the period's last day, with the figures' own conditions (so the totals are the figures)
    posts, certified = (_grouped(db, ENFORCEMENT_STAFF, period, "unit", "count(*)", fig.BY_KEY[key].where) for key in ("posts", "certified"))
    units = sorted(posts)
    tables.append(Table("执法-持证", f"{name}行政执法人员持证情况统计表（截至{period.end.year}年{period.end.month}月{period.end.day}日）", ["单位/科室", "执法岗位人数", "持证人数", "持证率"],
                        [[u, posts.get(u, 0), certified.get(u, 0), str(fig.RateValue(certified.get(u, 0), posts.get(u, 0)))] for u in units],
                        note=f"全镇持证率：{figures['cert_rate']}（持证人数 ÷ 执法岗位人数）"))

    advisor_types = ADVISOR_WORK.field("advisor_type").choices
    tables.append(Table("顾问-按类型", f"{name}法律顾问工作统计表（按工作类型，数量合计）", ["工作类型", *advisor_types, "小计"],
                        _crosstab(db, ADVISOR_WORK, period, "work_type", list(ADVISOR_WORK_TYPES), "advisor_type", advisor_types, "sum(quantity)"),
                        note="数量单位：合同为份，咨询、诉讼、纠纷为件，讲座、活动为场次，走访为次。"))
    vil = "advisor_type = '村(居)法律顾问'"
    per_village = [_grouped(db, ADVISOR_WORK, period, records.village_group_sql(ADVISOR_WORK, "village"), m, f"{vil} AND {w}") for m, w in (
        ("count(*)", "work_type = '走访'"), ("sum(coalesce(people, quantity))", "work_type = '走访'"),
        ("sum(quantity)", "work_type = '参与纠纷调处'"), ("sum(quantity)", "work_type IN ('合同审查', '合同(协议)审查')"),
        ("sum(coalesce(people, quantity))", "work_type = '法律咨询解答'"))]  # fmt: skip
    tables.append(Table("顾问-按村", f"{name}村(居)法律顾问工作统计表（按村居）", ["村(居)", "走访次数", "走访人次", "参与调处纠纷", "审查合同(份)", "解答咨询(人次)"],
                        [[v, *(column.get(v, 0) for column in per_village)] for v in villages], landscape=True))

    tables.append(Table("调解-按村", f"{name}矛盾纠纷调解案件统计表（按村居）", ["村(居)", *MEDIATION_RESULTS, "合计"],
                        _crosstab(db, MEDIATION_CASE, period, records.village_group_sql(MEDIATION_CASE, "village"), villages, "result", MEDIATION_RESULTS), landscape=True))
    tables.append(Table("调解-按类型", f"{name}矛盾纠纷调解案件统计表（按纠纷类型）", ["纠纷类型", *MEDIATION_RESULTS, "合计"],
                        _crosstab(db, MEDIATION_CASE, period, "dispute_type", list(records.field_choices(db, MEDIATION_CASE)["dispute_type"]), "result", MEDIATION_RESULTS), chart="bar", landscape=True))
    orgs = MEDIATION_CASE.field("org").choices
    by_org = _crosstab(db, MEDIATION_CASE, period, "org", list(orgs), "result", MEDIATION_RESULTS)
    tables.append(Table("调解-按组织", f"{name}矛盾纠纷调解案件统计表（按调解组织）", ["调解组织", *MEDIATION_RESULTS, "合计", "成功率"],
                        [[*row, str(fig.RateValue(row[1], row[-1]))] for row in by_org], landscape=True))
    tables.append(Table("调解-按月", f"{name}矛盾纠纷调解案件统计表（按受理月份）", ["月份", *MEDIATION_RESULTS, "合计"],
                        _crosstab(db, MEDIATION_CASE, period, _month_expr(MEDIATION_CASE, period), _months(period), "result", MEDIATION_RESULTS), landscape=True))

    by_level = [_grouped(db, PETITION, period, "level", measure, where) for measure, where in (
        ("count(*)", "1"), (fig.BY_KEY["to_county"].measure, "1"),  # 人次 as the 越级 figures count them
        ("count(*)", fig.BY_KEY["petitions_done"].where), ("count(*)", fig.BY_KEY["petitions_on_time"].where))]
    tables.append(Table("信访-按层级", f"{name}信访统计表（按层级）", ["层级", "件数", "人次", "已办结", "按期办结", "按期办结率"],
                        [[lv, *(column.get(lv, 0) for column in by_level), str(fig.RateValue(by_level[3].get(lv, 0), by_level[2].get(lv, 0)))] for lv in PETITION_LEVELS],
                        note=f"按期办结率 = 按期办结件数 ÷ 已办结件数（在办的不计入）；全年：{figures['petition_on_time_rate'] or '—'}；满意率：{figures['petition_satisfaction_rate'] or '—'}（满意件数 ÷ 评价满意度的已办结件数）"))
    tables.append(Table("信访-按月", f"{name}信访统计表（按登记月份）", ["月份", *PETITION_LEVELS, "合计"],
                        _crosstab(db, PETITION, period, _month_expr(PETITION, period), _months(period), "level", PETITION_LEVELS)))
    return tables


def write_summary(db: Database, year: fig.Period | int, path: str | Path, progress: Progress = None) -> Path:
    """Write the summary workbook for a period (or a calendar year) to ``path``; ``progress`` is
    told per sheet (cancelling before the save leaves no file)."""
    period = fig.Period.of(year)
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.worksheet.pagebreak import Break
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    settings = records.settings(db)
    path = check_output_path(path)
    book = Workbook()
    book.remove(book.active)
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    header_fill = PatternFill("solid", fgColor="DDE4EE")
    total_fill = PatternFill("solid", fgColor="F2F2F2")
    tables = build_tables(db, period)
    for index, table in enumerate(tables):
        step(progress, index, len(tables), table.sheet)
        sheet = book.create_sheet(table.sheet)
        columns = len(table.headers)
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=columns)
        put(sheet.cell(1, 1), f"{settings.get('town') or ''}{table.title}").font = Font(name="宋体", size=14, bold=True)
        sheet.cell(1, 1).alignment = Alignment(horizontal="center", vertical="center")
        sheet.row_dimensions[1].height = 28
        put(sheet.cell(2, 1), f"填报单位：{settings.get('office') or ''}").font = Font(name="宋体", size=10)
        for col, header in enumerate(table.headers, start=1):
            cell = put(sheet.cell(3, col), header)
            cell.font = Font(name="宋体", size=11, bold=True)
            cell.fill, cell.border = header_fill, border
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        body = table.rows + ([table.totals()] if table.total else [])
        for offset, row in enumerate(body):
            for col, value in enumerate(row, start=1):
                cell = put(sheet.cell(4 + offset, col), value)
                cell.border = border
                cell.font = Font(name="宋体", size=11, bold=table.total and offset == len(body) - 1)
                if isinstance(cell.value, (int, float)):
                    cell.number_format = "#,##0" if float(value).is_integer() else "#,##0.00"
                    cell.alignment = Alignment(horizontal="right", vertical="center")
                else:
                    cell.alignment = Alignment(vertical="center")
                if table.total and offset == len(body) - 1:
                    cell.fill = total_fill
        last = 3 + len(body)
        if table.note:
            put(sheet.cell(last + 2, 1), table.note).font = Font(name="宋体", size=10)
        for col in range(1, columns + 1):
            width = table.widths[col - 1] if col <= len(table.widths) else max(
                [len(str(table.headers[col - 1])) * 2 + 2] + [len(str(row[col - 1])) * (2 if not str(row[col - 1]).isascii() else 1) + 2 for row in body]
            )  # fmt: skip
            sheet.column_dimensions[get_column_letter(col)].width = min(max(width, 8), 100)
        sheet.freeze_panes = "B4"
        sheet.print_title_rows = "3:3"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.orientation = "landscape" if table.landscape else "portrait"
        sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.print_options.horizontalCentered = True
        sheet.page_margins.left = sheet.page_margins.right = 0.5
        sheet.oddFooter.center.text = "第 &P 页，共 &N 页"
        if table.chart == "bar" and table.rows:
            chart = BarChart()
            chart.type, chart.style = "col", 10
            chart.title = table.title.replace(period_name(period), "").replace("统计表", "")
            chart.y_axis.title, chart.legend = "数量", None
            chart.add_data(Reference(sheet, min_col=columns, min_row=3, max_row=3 + len(table.rows)), titles_from_data=True)
            chart.set_categories(Reference(sheet, min_col=1, min_row=4, max_row=3 + len(table.rows)))
            chart.height, chart.width = 10, 22
            sheet.row_breaks.append(Break(id=last + 2))  # the chart prints on a page of its own
            sheet.add_chart(chart, f"A{last + 4}")
    book.properties.creator = settings.get("office") or "司法所台账"
    step(progress, len(tables), len(tables), "正在保存…")
    return save_workbook(book, path)
