"""The summary workbook: totals equal the report's figures; print setup; charts; the CLI verbs."""

import zipfile

import openpyxl
import pytest
from report_data import fill_known_ledger
from xlsx_print import CAN_RENDER, pages, points_per_height, render, smallest_pt

from zhaocun_desktop import figures as fig
from zhaocun_desktop.cli import main
from zhaocun_desktop.demo import build_demo
from zhaocun_desktop.summary import write_summary


def total_row(sheet) -> list:
    for row in sheet.iter_rows(min_row=4, values_only=True):
        if row[0] == "合计":
            return list(row)
    raise AssertionError(f"{sheet.title} has no 合计 row")


def cell(sheet, row_label, column_label):
    headers = [c.value for c in sheet[3]]
    for row in sheet.iter_rows(min_row=4, values_only=True):
        if row[0] == row_label:
            return row[headers.index(column_label)]
    raise AssertionError((sheet.title, row_label))


@pytest.mark.parametrize("source", ["known", "demo"])
def test_totals_equal_the_report_figures(db, tmp_path, source):
    if source == "known":
        fill_known_ledger(db)
    else:
        from zhaocun_desktop.demo import fill_demo

        fill_demo(db)
    path = write_summary(db, 2023, tmp_path / "汇总表.xlsx")
    book = openpyxl.load_workbook(path)
    figures = fig.yearly_figures(db, 2023)
    assert total_row(book["调解-按村"])[-1] == figures["cases"]
    assert total_row(book["调解-按类型"])[-1] == figures["cases"]
    assert total_row(book["调解-按月"])[-1] == figures["cases"]
    assert total_row(book["调解-按村"])[1] == figures["cases_success"]
    assert cell(book["调解-按组织"], "村调委会", "合计") == figures["village_cases"]
    assert cell(book["调解-按组织"], "镇调委会", "调解成功") == figures["town_success"]
    assert total_row(book["宣传-按月"])[-1] == figures["publicity_events"]
    assert cell(book["宣传-按月"], "合计", "法治进校园") == figures["school_events"]
    assert total_row(book["信访-按层级"])[1] == figures["petitions"]
    assert cell(book["信访-按层级"], "进京", "人次") == figures["to_beijing"]
    assert total_row(book["信访-按层级"])[4] == figures["petitions_on_time"]
    advisor = book["顾问-按类型"]
    assert cell(advisor, "合同审查", "政府法律顾问") + cell(advisor, "合同(协议)审查", "政府法律顾问") == figures["gov_contracts"]
    assert cell(advisor, "代理诉讼", "村(居)法律顾问") == figures["lawsuits"]
    assert total_row(book["顾问-按村"])[2] == figures["visit_people"]
    assert total_row(book["执法-持证"])[1:3] == [figures["posts"], figures["certified"]]
    trainings = db.execute("SELECT count(*) FROM enforcement_training WHERE train_date LIKE '2023%'").fetchone()[0]
    assert total_row(book["执法-培训"])[1] == trainings
    assert cell(book["执法-培训"], "培训", "学时") == figures["training_hours"]
    data = {row[0]: row[1] for row in book["报告数据"].iter_rows(min_row=4, values_only=True) if row[0]}
    for figure in fig.FIGURES:
        assert data[figure.label] == figures[figure.key], figure.label


def test_print_setup_and_charts(db, tmp_path):
    fill_known_ledger(db)
    book = openpyxl.load_workbook(write_summary(db, 2023, tmp_path / "s.xlsx"))
    for sheet in book.worksheets:
        assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4)
        assert sheet.print_title_rows == "$3:$3"
        assert sheet["A1"].value.startswith("赵村镇2023年度")
    assert book["报告数据"].page_setup.orientation == "landscape" and book["调解-按村"].page_setup.orientation == "portrait"
    for sheet in book.worksheets:  # one page wide at a readable scale
        assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth == 1 and sheet.page_setup.scale >= 82
    with zipfile.ZipFile(tmp_path / "s.xlsx") as archive:  # openpyxl does not read charts back
        charts = [name for name in archive.namelist() if name.startswith("xl/charts/chart")]
        titles = " ".join(archive.read(name).decode("utf-8") for name in charts)
    assert len(charts) == 2 and "法治宣传活动" in titles and "矛盾纠纷调解案件" in titles


def test_cli_report_and_summary(tmp_path, capsys):
    db = tmp_path / "demo.db"
    build_demo(db)
    assert main(["report", "--db", str(db), "--year", "2023", "--out", str(tmp_path / "r.docx")]) == 0
    out = capsys.readouterr().out
    assert "已生成报告" in out and "报告自查" in out and (tmp_path / "r.docx").stat().st_size > 10_000
    assert main(["summary", "--db", str(db), "--out", str(tmp_path / "s.xlsx")]) == 0
    assert "2023年度汇总表" in capsys.readouterr().out
    assert main(["report", "--db", str(tmp_path / "typo.db"), "--out", str(tmp_path / "x.docx")]) == 2
    assert "找不到数据库文件" in capsys.readouterr().err
    assert not (tmp_path / "typo.db").exists()


def test_by_village_tables_have_an_other_places_row_so_totals_equal_the_report(db, tmp_path):
    from zhaocun_desktop import records
    from zhaocun_desktop.registers import ADVISOR_WORK, MEDIATION_CASE, PUBLICITY_EVENT
    from zhaocun_desktop.summary import OTHER_PLACES

    fill_known_ledger(db)
    records.insert(db, PUBLICITY_EVENT, dict(event_date="2023-09-01", title="镇政府会议室讲座", event_type="法治讲座", place="镇政府会议室", participants="30"))
    records.insert(db, ADVISOR_WORK, dict(work_date="2023-09-02", advisor_type="村(居)法律顾问", advisor="李律师", work_type="走访", quantity="1", people="3", village="镇直机关"))
    case_id = records.insert(db, MEDIATION_CASE, dict(accepted="2023-09-03", village="甲村", org="镇调委会", dispute_type="邻里", parties="甲与乙", result="调解中"))
    db.execute("UPDATE mediation_case SET village = '已撤并村', village_id = NULL WHERE id = ?", [case_id])  # a place no longer in the village list
    figures = fig.yearly_figures(db, 2023)
    book = openpyxl.load_workbook(write_summary(db, 2023, tmp_path / "s.xlsx"))
    for sheet, column, key in (("宣传-按村", 1, "publicity_events"), ("顾问-按村", 2, "visit_people"), ("调解-按村", -1, "cases")):
        rows = [row for row in book[sheet].iter_rows(min_row=4, values_only=True) if row[0]]
        other = next(row for row in rows if row[0] == OTHER_PLACES)
        total = next(row for row in rows if row[0] == "合计")
        assert other[column] >= 1 and total[column] == figures[key], sheet


@pytest.mark.skipif(not CAN_RENDER, reason="LibreOffice and poppler-utils are installed by .ci/run")
def test_summary_prints_one_page_wide_at_9pt_or_more(db, tmp_path):
    from zhaocun_desktop.demo import fill_demo

    fill_demo(db)
    pdf = render(write_summary(db, 2023, tmp_path / "汇总表.xlsx"), tmp_path)
    printed = pages(pdf)
    sheets = openpyxl.load_workbook(tmp_path / "汇总表.xlsx").worksheets
    first_headers = {sheet["A3"].value for sheet in sheets}
    assert len(printed) <= len(sheets) + 3  # only 报告数据 continues downwards
    for number, text in enumerate(printed, start=1):
        assert any(header in text for header in first_headers), f"page {number} lacks the first column: cut across"
    titles = [sheet["A1"].value for sheet in sheets]
    joined = "".join("".join(text.split()) for text in printed)
    assert all(title in joined for title in titles)  # never cut: every title printed whole
    for table_title, chart_title in (("法治宣传活动统计表（按月份）", "法治宣传活动（按月份）"), ("矛盾纠纷调解案件统计表（按纠纷类型）", "矛盾纠纷调解案件（按纠纷类型）")):
        page = next(text for text in printed if table_title in "".join(text.split()))
        assert chart_title in "".join(page.split())  # the chart prints on the page of its table
    size = smallest_pt(pdf, points_per_height(tmp_path))
    assert size >= 9, size
    print(f"summary: {len(printed)} pages for {len(sheets)} sheets, smallest font {size} pt")
