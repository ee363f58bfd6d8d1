"""The county's tables: categories × outcomes agree with the figures, periods add up, one page each, ≥ 9 pt."""

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from report_data import case, fill_known_ledger

from zhaocun_desktop import figures as fig, queries, records
from zhaocun_desktop.cli import main
from zhaocun_desktop.demo import fill_demo
from zhaocun_desktop.figures import Period
from zhaocun_desktop.registers import DISPUTE_TYPE_NATIONAL, DISPUTE_TYPES, MEDIATION_CASE, NATIONAL_DISPUTE_TYPES
from zhaocun_desktop.statistics import BODY_PT, PREVENTED, build_county_tables, write_county_workbook

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def test_every_local_type_maps_to_one_of_the_fifteen():
    assert len(NATIONAL_DISPUTE_TYPES) == 15
    assert set(DISPUTE_TYPE_NATIONAL) == set(DISPUTE_TYPES) and set(DISPUTE_TYPE_NATIONAL.values()) <= set(NATIONAL_DISPUTE_TYPES)


def test_mediation_table_agrees_with_the_figures(db):
    fill_demo(db)
    records.insert_many(db, MEDIATION_CASE, [case("2023-11-02", "赵村村", "村调委会", "调解中", dispute_type="土地承包")])
    for period in (Period.year(2023), Period.quarter(2023, 4), Period(dt.date(2023, 9, 26), dt.date(2023, 12, 25))):
        figures = fig.period_figures(db, period)
        table = build_county_tables(db, period)[0]
        classes = [row for number, row in enumerate(table.rows) if number not in table.parts]
        assert [row[0] for row in classes] == list(NATIONAL_DISPUTE_TYPES)
        total = table.totals()
        assert total[1:] == pytest.approx([sum(row[i] for row in classes) for i in range(1, 10)])  # the "其中" rows are not added
        assert total[1:5] == [figures["cases"], figures["cases_success"], figures["cases"] - figures["cases_success"] - figures["cases_open"], figures["cases_open"]]
        assert total[7] == figures["judicial_confirmations"] and total[9] == pytest.approx(figures["case_amount"])
        for row in table.rows:
            assert row[1] == row[2] + row[3] + row[4], row[0]  # every case has one outcome
            assert row[5] + row[6] <= row[2]  # agreements only for settled cases
    land = next(row for row in build_county_tables(db, Period.month(2023, 11))[0].rows if row[0] == "山林土地")
    assert land[4] >= 1  # the 土地承包 case is counted as 山林土地


def test_sub_classes_stand_under_their_class_and_are_not_counted_twice(db):
    """The county's newer lists split 劳动争议 (拖欠农民工工资 / 其他) and 消费 (旅游 / 电子商务 / 其他); a township's
    own types (土地承包经营) count under one of the 15 classes: each is shown as "其中" under its class."""
    fill_demo(db)
    table = build_county_tables(db, 2023)[0]
    names = [row[0] for row in table.rows]
    for category, parts in (("劳动争议", ["拖欠农民工工资", "其他劳动争议"]), ("消费", ["旅游", "电子商务", "其他消费"]), ("山林土地", ["土地承包经营"])):
        at = names.index(category)
        assert names[at + 1 : at + 1 + len(parts)] == [f"其中：{part}" for part in parts]
        assert set(range(at + 1, at + 1 + len(parts))) <= table.parts
        class_row, part_rows = table.rows[at], table.rows[at + 1 : at + 1 + len(parts)]
        counted = db.execute(f"SELECT count(*) FROM mediation_case WHERE accepted LIKE '2023%' AND dispute_type IN ({', '.join('?' * len(parts))})", parts).fetchone()[0]
        assert sum(row[1] for row in part_rows) == counted
        if category != "山林土地":  # the splits are the whole class
            assert [sum(row[i] for row in part_rows) for i in range(1, 9)] == class_row[1:9]
    assert table.totals()[1] == fig.period_figures(db, Period.year(2023))["cases"]  # the parts are not added again


def test_quarters_add_up_to_the_year_in_every_table(db):
    fill_demo(db)
    year = [t.totals() if t.total else [r[1] for r in t.rows] for t in build_county_tables(db, 2023)]
    quarters = [[t.totals() if t.total else [r[1] for r in t.rows] for t in build_county_tables(db, p)] for p in Period.year(2023).quarters()]
    for index in (0, 1, 4, 5):  # 人民调解, 案件来源, 普法, 法律顾问: every column is a count or a sum
        for column in range(1, len(year[index])):
            assert sum(q[index][column] for q in quarters) == pytest.approx(year[index][column]), (index, column)
    for row in range(4):  # 排查, 预防: counts of the period
        assert sum(q[2][row] for q in quarters) == year[2][row]


def test_workbook_heading_and_print_setup(db, tmp_path):
    fill_known_ledger(db)
    path = write_county_workbook(db, Period.quarter(2023, 4), tmp_path / "县局.xlsx", today=dt.date(2024, 1, 3))
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["人民调解", "案件来源", "排查预防", "组织队伍", "普法", "法律顾问", "行政执法"]
    for sheet in book.worksheets:
        heading = sheet["A2"].value
        assert "填报单位：赵村镇司法所" in heading and "2023年第四季度" in heading and "截止日期：2023年12月31日" in heading
        assert sheet.print_title_rows == "$3:$3"
        assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
        assert min(cell.font.sz for row in sheet.iter_rows() for cell in row if cell.value is not None) >= 9
        assert any("填报日期：2024年1月3日" in str(c.value) for row in sheet.iter_rows() for c in row)
    assert book["人民调解"].page_setup.orientation == "landscape"


def test_cli_stats(db, db_path, tmp_path, capsys):
    fill_known_ledger(db)
    out = tmp_path / "报表.xlsx"
    assert main(["stats", "--db", str(db_path), "--from", "2023-09-26", "--to", "2023-12-25", "--out", str(out)]) == 0
    assert "截止2023年12月25日" in capsys.readouterr().out
    sheet = openpyxl.load_workbook(out)["人民调解"]
    assert "截止日期：2023年12月25日" in sheet["A2"].value
    total = next(row for row in sheet.iter_rows(values_only=True) if row[0] == "合计")
    assert total[1] == fig.period_figures(db, Period(dt.date(2023, 9, 26), dt.date(2023, 12, 25)))["cases"]


def render(paths: list[Path], folder: Path) -> None:
    subprocess.run([SOFFICE, "--headless", f"-env:UserInstallation=file://{folder / 'lo'}", "--convert-to", "pdf", "--outdir", str(folder), *map(str, paths)],
                   capture_output=True, timeout=240, check=True)  # fmt: skip


def word_heights(pdf: Path) -> list[tuple[int, float, str]]:
    """(page, height, text) of every word, from pdftotext's boxes."""
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    found = []
    for number, page in enumerate(html.split("<page ")[1:], start=1):
        for y_min, y_max, text in re.findall(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', page):
            found.append((number, float(y_max) - float(y_min), text))
    return found


@pytest.mark.skipif(not SOFFICE or not shutil.which("pdftotext"), reason="LibreOffice and poppler-utils are installed by .ci/run")
def test_libreoffice_prints_one_page_per_table_nothing_below_9_pt(db, tmp_path):
    fill_demo(db)
    path = write_county_workbook(db, 2023, tmp_path / "县局.xlsx")
    # A calibration sheet: 9 pt text at 100 % scale, rendered by the same LibreOffice and font.
    calibration = openpyxl.Workbook()
    calibration.active["A1"] = "调解成功合计"
    calibration.active["A1"].font = openpyxl.styles.Font(name="宋体", size=9)
    calibration.save(tmp_path / "nine.xlsx")
    render([path, tmp_path / "nine.xlsx"], tmp_path)
    nine_pt = min(height for _, height, _ in word_heights(tmp_path / "nine.pdf"))
    words = word_heights(tmp_path / "县局.pdf")
    tables = build_county_tables(db, 2023)
    pages = max(page for page, _, _ in words)
    assert pages == len(tables)
    for number, table in enumerate(tables, start=1):
        text = "".join(word for page, _, word in words if page == number)
        assert table.title in text and "填报单位" in text
    assert min(height for _, height, _ in words) >= nine_pt * 0.99
    assert BODY_PT >= 9


def test_rows_are_as_tall_as_their_wrapped_text(db, tmp_path):
    from zhaocun_desktop.excel.printing import wrapped_height

    fill_demo(db)
    book = openpyxl.load_workbook(write_county_workbook(db, 2023, tmp_path / "县局.xlsx"))
    checked = 0
    for sheet in book.worksheets:
        widths = [sheet.column_dimensions[column].width for column in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[: sheet.max_column]]
        for row in sheet.iter_rows(min_row=4):
            if any(cell.coordinate in merged for cell in row for merged in sheet.merged_cells.ranges):
                continue
            for cell, width in zip(row, widths):
                if isinstance(cell.value, str):
                    needed = wrapped_height(cell.value, width, BODY_PT)
                    assert sheet.row_dimensions[cell.row].height >= needed, (sheet.title, cell.coordinate, cell.value)
                    checked += needed > 20
    assert checked >= 4  # 排查预防's 防止… rows wrap their 统计口径


@pytest.mark.skipif(not SOFFICE or not shutil.which("pdftotext"), reason="LibreOffice and poppler-utils are installed by .ci/run")
def test_libreoffice_prints_every_line_of_the_wrapped_text(db, tmp_path):
    fill_demo(db)
    path = write_county_workbook(db, 2023, tmp_path / "县局.xlsx")
    render([path], tmp_path)
    page = 1 + [table.sheet for table in build_county_tables(db, 2023)].index("排查预防")
    bbox = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-bbox", str(tmp_path / "县局.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    words = [(float(x0), float(y0), text) for x0, y0, text in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', bbox)]
    # the 统计口径 column read top to bottom (a number centred in a taller font's row sits between
    # the two lines of its neighbour in reading order: under Noto CJK the lines are 1.4 em apart)
    column = min(x0 for x0, _, text in words if text.startswith("调解案件中该项"))
    prevention = "".join(text for x0, _, text in sorted((w for w in words if abs(w[0] - column) < 1), key=lambda w: w[1]))
    wrapped = "调解案件中该项为“是”；人数为该项所填人数（未填时为涉及人数）"
    assert prevention.count(wrapped) == len(PREVENTED)


def test_the_organisation_sources_and_prevention_tables_add_up_with_the_registers(db):
    """The bureau's tables of 人民调解委员会 by kind and 人民调解员 (专职/兼职), of cases by 来源 (申请/主动/移送委托)
    and of 预防纠纷 count exactly the registers behind them (domain.md: the county's statistics)."""
    from zhaocun_desktop.registers import COMMITTEE, COMMITTEE_KINDS, JOINT_MEETING, MEDIATOR

    fill_demo(db)
    end = "2023-12-31"
    tables = {table.sheet: table for table in build_county_tables(db, 2023)}
    organisation = tables["组织队伍"]
    committees = db.execute("SELECT kind, count(*) FROM mediation_committee WHERE (established IS NULL OR established <= ?) AND (dissolved IS NULL OR dissolved > ?) GROUP BY kind", [end, end]).fetchall()
    assert [row[1] for row in organisation.rows] == [dict(committees).get(kind, 0) for kind in COMMITTEE_KINDS]
    people = queries.count(db, MEDIATOR)
    assert organisation.totals()[1:5] == [queries.count(db, COMMITTEE), people, *(db.execute("SELECT count(*) FROM mediator WHERE kind = ?", [k]).fetchone()[0] for k in ("专职", "兼职"))]
    assert all(row[2] == row[3] + row[4] for row in organisation.rows) and people > 60
    by_kind = dict(db.execute("SELECT committee, count(*) FROM mediator GROUP BY committee").fetchall())
    assert [row[2] for row in organisation.rows] == [by_kind.get(kind, 0) for kind in COMMITTEE_KINDS]
    # state at the cut-off: a committee dissolved and a mediator who left in 2023 count at 2022's end, not at 2023's
    committee_id = db.execute("SELECT id FROM mediation_committee WHERE kind = '行业性专业性调委会'").fetchone()[0]
    records.update(db, COMMITTEE, committee_id, {"dissolved": "2023-06-30", "established": "2020-01-01"})
    mediator_id = db.execute("SELECT id FROM mediator WHERE committee = '镇调委会' ORDER BY id LIMIT 1").fetchone()[0]
    records.update(db, MEDIATOR, mediator_id, {"end": "2023-05-31"})
    now, before = (next(t for t in build_county_tables(db, year) if t.sheet == "组织队伍") for year in (2023, 2022))
    assert now.totals()[1] == queries.count(db, COMMITTEE) - 1 and now.totals()[2] == people - 1
    assert before.totals()[1] == queries.count(db, COMMITTEE) and before.totals()[2] == people

    sources = tables["案件来源"]
    cases = fig.period_figures(db, Period.year(2023))["cases"]
    assert sources.totals()[1] == cases == tables["人民调解"].totals()[1]
    applied = db.execute("SELECT count(*) FROM mediation_case WHERE accepted LIKE '2023%' AND source = '当事人申请'").fetchone()[0]
    assert next(row for row in sources.rows if row[0] == "当事人申请")[1] == applied
    assert [row[0] for row in sources.rows][:3] == ["排查发现", "当事人申请", "移交委托"] or {"当事人申请", "调委会主动调解（排查发现）", "有关部门移送、委托"} <= {row[0] for row in sources.rows}

    prevention = {row[0]: row for row in tables["排查预防"].rows}
    assert prevention["预防纠纷"][1] == db.execute(f"SELECT sum(disputes_prevented) FROM {JOINT_MEETING.key} WHERE meet_date LIKE '2023%'").fetchone()[0] > 0


def test_the_county_summary_carries_the_new_tables_for_the_whole_county(tmp_path):
    """The roll-up's summary workbook (rollup.write_county_summary) has the bureau's tables for the whole county:
    committees and mediators of every township, cases by 来源, sub-classes; they add up with the townships' registers."""
    from county_towns import TRUSTED, YEAR, build_townships

    from zhaocun_desktop.county import rollup, summary as county_summary
    from zhaocun_desktop.db import open_db
    from zhaocun_desktop.package import write_package
    from zhaocun_desktop.registers import COMMITTEE, MEDIATOR

    towns = build_townships(tmp_path / "towns")
    packages, committees, mediators, cases = [], 0, 0, 0
    for town, path in towns.items():
        db = open_db(path)
        packages.append(write_package(db, YEAR, tmp_path / f"{town}.zip"))
        committees += queries.count(db, COMMITTEE)
        mediators += queries.count(db, MEDIATOR)
        cases += fig.yearly_figures(db, YEAR)["cases"]
        db.close()
    county = rollup.open_county(tmp_path / "县.db")
    rollup.roll_up(county, packages, consent=TRUSTED)
    out = county_summary.write_county_summary(county, YEAR, tmp_path / "全县汇总.xlsx")
    county.close()
    book = openpyxl.load_workbook(out)
    assert {"人民调解", "案件来源", "排查预防", "组织队伍"} <= set(book.sheetnames)

    def total(sheet: str) -> tuple:
        return next(row for row in book[sheet].iter_rows(values_only=True) if row[0] == "合计")

    assert total("组织队伍")[1:3] == (committees, mediators) and committees >= 3 * 20
    assert total("案件来源")[1] == total("人民调解")[1] == cases
    assert any(str(row[0]).startswith("其中：拖欠农民工工资") for row in book["人民调解"].iter_rows(values_only=True))
