"""County mode of the main window, on a county database built the real way: three demo townships,
their data packages, the roll-up. Every figure is compared with the township's own database."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from county_towns import TRUSTED
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from zhaocun_desktop import figures as fig, queries
from zhaocun_desktop.county import rollup
from zhaocun_desktop.db import open_db
from zhaocun_desktop.demo import build_demo
from zhaocun_desktop.gui.app import QUIT_AFTER_SHOW, RECORDS_MARKER, open_checked, ui_state_file
from zhaocun_desktop.gui.county_mode import WHOLE_COUNTY
from zhaocun_desktop.gui.main_window import MainWindow
from zhaocun_desktop.gui.overview_view import KEY_FIGURES
from zhaocun_desktop.package import write_package
from zhaocun_desktop.queries import RecordQuery
from zhaocun_desktop.registers import MEDIATION_CASE, VILLAGE

YEAR = 2023
TOWNS = (("赵村镇", 20231231), ("中汤镇", 7), ("瓦屋镇", 11))


@pytest.fixture(scope="module")
def towns(tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    """Each township's own database and its data package of YEAR."""
    folder = tmp_path_factory.mktemp("county_towns")
    made = {}
    for town, seed in TOWNS:
        path = folder / f"{town}.db"
        build_demo(path, year=YEAR, seed=seed, town=None if town == "赵村镇" else town)
        db = open_db(path)
        made[town] = (path, write_package(db, YEAR, folder / f"{town}.zip"))
        db.close()
    return made


@pytest.fixture(autouse=True)
def _clerk_confirms_here(clerk_confirms):
    """Every import in this file is answered as after the phone calls (tests/gui/conftest.py)."""
    return clerk_confirms


@pytest.fixture
def open_county(qtbot, tmp_path):
    """``open_county(packages)``: a county database (rolled up from ``packages``) opened the way the
    program starts (``open_checked``), in a main window."""
    opened = []

    def opener(packages=()) -> MainWindow:
        path = tmp_path / "县级汇总.db"
        db = rollup.open_county(path)
        if packages:
            rollup.roll_up(db, [str(p) for p in packages], consent=TRUSTED)
        db.close()
        db = open_checked(path)
        window = MainWindow(path, ui_state_file(), db=db)
        window.show()
        qtbot.waitExposed(window)
        opened.append((window, db))
        return window

    yield opener
    for window, db in opened:
        window.close()
        window.deleteLater()
        db.close()


def _town_figures(path: Path) -> dict:
    db = open_db(path)
    try:
        values = fig.period_figures(db, fig.Period.year(YEAR))
        return {key: values[key] for key in KEY_FIGURES}
    finally:
        db.close()


def _town_cases(path: Path) -> int:
    db = open_db(path)
    try:
        return queries.count(db, MEDIATION_CASE, RecordQuery(year=YEAR))
    finally:
        db.close()


def _choose(window: MainWindow, name: str) -> None:
    box = window.county.township_box
    index = box.findText(name)
    assert index >= 0, name
    box.setCurrentIndex(index)


def _overview_year(window: MainWindow) -> dict:
    overview = window.overview_view
    overview.period_picker.set_period(fig.Period.year(YEAR))
    overview.refresh()
    return {key: overview.figures[key] for key in KEY_FIGURES}


def test_chooser_scopes_lists_and_overview_to_each_township(open_county, towns):
    window = open_county([package for _, package in towns.values()])
    box = window.county.township_box
    assert box.itemText(0) == WHOLE_COUNTY and sorted(box.itemText(i) for i in range(1, box.count())) == sorted(towns)
    cases = window.view(MEDIATION_CASE.key)
    window.form.tabs.setCurrentWidget(window._slots["overview"])
    county_total = {key: fig.RateValue(0, 0) if isinstance(fig.BY_KEY[key], fig.Rate) else 0 for key in KEY_FIGURES}
    for town, (path, _) in towns.items():
        _choose(window, town)
        assert town in window.windowTitle()
        assert cases.model.rowCount() == _town_cases(path)
        assert cases.table.isColumnHidden(0)  # one township: no 乡镇 column
        villages = [cases.village_box.itemText(i) for i in range(1, cases.village_box.count())]
        own = open_db(path)
        assert villages == queries.village_names(own)
        own.close()
        expected = _town_figures(path)
        assert _overview_year(window) == expected
        for key, value in expected.items():  # a count adds up; a rate is the summed numerators over the summed denominators
            total = county_total[key]
            county_total[key] = fig.RateValue(total.numerator + value.numerator, total.denominator + value.denominator) if isinstance(value, fig.RateValue) else total + value
    _choose(window, WHOLE_COUNTY)
    assert cases.model.rowCount() == sum(_town_cases(path) for path, _ in towns.values())
    assert not cases.table.isColumnHidden(0) and cases.model.headerData(0, Qt.Orientation.Horizontal) == "乡镇"
    assert {cases.model.data(cases.model.index(row, 0)) for row in range(cases.model.rowCount())} == set(towns)
    assert not cases.village_box.isVisible()  # village names repeat across townships
    whole = _overview_year(window)
    assert whole == county_total


def test_a_switch_reads_each_figure_and_the_due_list_once(open_county, towns, monkeypatch):
    """Changing the 乡镇 chooser with 总览 shown reads the due list once (总览 and the badge share it), the
    figures of each period shown once (this one and the year before), and a whole county's figures of
    a register not matched by name with one query for all townships, not one per township."""
    from zhaocun_desktop import due

    window = open_county([package for _, package in towns.values()])
    window.form.tabs.setCurrentWidget(window._slots["overview"])
    window.overview_view.complete()
    calls: dict[str, list] = {"due": [], "figures": []}
    due_items, period_figures = due.due_items, fig.period_figures
    monkeypatch.setattr(due, "due_items", lambda *args, **kw: calls["due"].append(args) or due_items(*args, **kw))
    monkeypatch.setattr(fig, "period_figures", lambda db, period: calls["figures"].append(fig.Period.of(period)) or period_figures(db, period))
    statements: list[str] = []
    for name in [*towns, WHOLE_COUNTY]:
        calls["due"].clear(), calls["figures"].clear(), statements.clear()
        window.db.conn.set_trace_callback(statements.append)
        _choose(window, name)
        window.db.conn.set_trace_callback(None)
        assert len(calls["due"]) == 1, name
        shown = window.overview_view.period
        assert sorted(calls["figures"]) == sorted([shown, fig.Period(shown.start.replace(year=shown.start.year - 1), shown.end.replace(year=shown.end.year - 1))]), name
        cases = [sql for sql in statements if "FROM mediation_case WHERE" in sql and "org = '村调委会' AND result = '调解成功'" in sql]
        assert len(cases) == 2, (name, cases)  # 村级调委会调处成功件数, this period and the year before: once each, whatever the townships
    assert window.overview_view.figures.values == period_figures(window.db, window.overview_view.period).values


def test_county_data_is_read_only(open_county, towns, when_modal):
    window = open_county([package for _, package in towns.values()])
    tabs = [window.form.tabs.tabText(i) for i in range(window.form.tabs.count())]
    assert "年度报告" not in tabs and "设置" not in tabs
    for name in ("actionImport", "actionUndoImport", "actionTemplate", "actionAllTemplates", "actionPackage", "actionRollup", "actionRestore"):
        assert not getattr(window.form, name).isVisible(), name
    assert window.county.import_action.isVisible() and window.county.summary_action.isVisible()
    view = window.view(MEDIATION_CASE.key)
    assert not view.add_action.isVisible() and not view.delete_action.isVisible()
    assert view.export_action.isVisible() and view.print_action.isVisible()
    before = queries.count(window.db, MEDIATION_CASE)
    view.table.selectRow(0)
    record_id = view.selected_ids()[0]
    seen = {}

    def look(dialog) -> None:
        seen["title"] = dialog.windowTitle()
        seen["buttons"] = dialog.buttons.standardButtons()
        seen["read_only"] = all(e.widget.isReadOnly() if hasattr(e.widget, "isReadOnly") else not e.widget.isEnabled() for e in dialog.form.editors.values())
        dialog.accept()  # even "accepting" writes nothing

    when_modal(look)
    view.edit_record()  # a double click
    assert "只读" in seen["title"] and seen["read_only"]
    assert seen["buttons"] == QDialogButtonBox.StandardButton.Close
    view.table.selectRow(0)
    view.delete_records()  # the Delete key: nothing asked, nothing deleted
    assert queries.count(window.db, MEDIATION_CASE) == before
    assert queries.get(window.db, MEDIATION_CASE, record_id)["id"] == record_id


def test_import_packages_from_the_menu(open_county, towns, monkeypatch, tmp_path):
    window = open_county()
    box = window.county.township_box
    assert box.count() == 1 and "还没有乡镇数据" in window.county.note.text()
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text, *a: shown.append(text))
    packages = [str(package) for _, package in towns.values()]
    message = window.county.import_packages(packages[:2])
    assert message.startswith("新导入 2 个") and shown[-1] == message
    assert "请注意" not in message  # the figures recomputed from the rolled-up records equal the townships' own
    assert sorted(box.itemText(i) for i in range(1, box.count())) == sorted(list(towns)[:2])
    cases = window.view(MEDIATION_CASE.key)
    assert cases.model.rowCount() == sum(_town_cases(path) for path, _ in list(towns.values())[:2])
    # the same packages again add nothing; the third is added
    message = window.county.import_packages(packages)
    assert message.startswith("新导入 1 个、替换 0 个、未导入 2 个") and "已经导入过" in message
    assert box.count() == 4
    assert cases.model.rowCount() == sum(_town_cases(path) for path, _ in towns.values())
    # a damaged package among good ones: refused with the reason, nothing written
    damaged = tmp_path / "损坏.zip"
    data = bytearray(Path(packages[0]).read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))
    foreign = tmp_path / "别的.zip"
    with zipfile.ZipFile(foreign, "w") as archive:
        archive.writestr("readme.txt", "不是数据包")
    counts = {register: queries.count(window.db, register) for register in (MEDIATION_CASE, VILLAGE)}
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: warnings.append(text))
    assert window.county.import_packages([packages[0], str(damaged), str(foreign)]) is None
    assert "没有写入任何内容" in warnings[0] and "损坏.zip" in warnings[0] and "别的.zip" in warnings[0]
    assert {register: queries.count(window.db, register) for register in counts} == counts
    assert box.count() == 4


def test_export_county_summary(open_county, towns, tmp_path):
    window = open_county([package for _, package in towns.values()])
    _choose(window, "中汤镇")  # the workbook is the whole county whatever the window shows
    out = window.county.export_summary(YEAR, str(tmp_path / "全县汇总表.xlsx"))
    assert out.is_file()
    sheet = openpyxl.load_workbook(out).worksheets[0]
    header = [cell.value for cell in sheet[2]]
    assert set(towns) <= set(header)


def test_township_window_opens_a_new_county_database(open_window, tmp_path, monkeypatch):
    window = open_window(demo=True)
    assert window.county is None and window.form.actionRollup.isVisible()
    county_path = tmp_path / "新县级汇总.db"
    county_window = window.open_county_database(str(county_path))
    assert county_window is not None and county_window.county is not None
    assert rollup.is_county(county_window.db)
    assert county_window.county.township_box.count() == 1  # new: only 全县, and the note says what to do
    # the township's own file is refused as a county database
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text, *a: shown.append(text))
    assert window.open_county_database(str(window.db_path)) is None
    assert "乡镇数据库" in shown[0]
    county_window.close()
    QApplication.processEvents()
    # closed: its lock is released, so it opens again
    again = window.open_county_database(str(county_path))
    assert again is not None
    again.close()
    QApplication.processEvents()


def test_exports_and_printouts_follow_the_chosen_township(open_county, towns, tmp_path):
    window = open_county([package for _, package in towns.values()])
    path, _ = towns["瓦屋镇"]
    _choose(window, "瓦屋镇")
    view = window.view(MEDIATION_CASE.key)
    out = tmp_path / "瓦屋镇调解案件.xlsx"
    assert view.export(str(out), reveal=False) == _town_cases(path)  # the export job runs on its own connection
    sheet = openpyxl.load_workbook(out, read_only=True).worksheets[0]
    cells = {str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell}
    own = open_db(path)
    assert set(queries.village_names(own)) & cells and not ({"赵村村"} & cells)  # 赵村村 is a village of 赵村镇 only
    own.close()
    printed = view.print_list(open_dialog=False).document
    assert len(printed.rows) == _town_cases(path) and "乡镇" not in printed.headers and printed.title.startswith("瓦屋镇")
    # 全县: the export and the printout say which township each row is from
    _choose(window, WHOLE_COUNTY)
    out = tmp_path / "全县调解案件.xlsx"
    assert view.export(str(out), reveal=False) == sum(_town_cases(p) for p, _ in towns.values())
    rows = list(openpyxl.load_workbook(out, read_only=True).worksheets[0].iter_rows(values_only=True))
    assert rows[2][0] == "乡镇" and rows[2][1] == MEDIATION_CASE.list_fields[0].label
    assert {row[0] for row in rows[3:]} == set(towns)
    printed = view.print_list(open_dialog=False).document
    assert printed.headers[0] == "乡镇" and {row[0] for row in printed.rows} == set(towns)
    _choose(window, "瓦屋镇")
    # 全县: the 总览 has no township's report checks (they follow one township's settings)
    window.form.tabs.setCurrentWidget(window._slots["overview"])
    assert window.overview_view.findings
    _choose(window, WHOLE_COUNTY)
    assert not window.overview_view.findings and "选择一个乡镇" in window.overview_view.attention.item(0).text()


def test_the_program_starts_on_a_county_database(towns, tmp_path):
    """``--db county.db``: the normal start opens a county file (a township's start path refuses one)."""
    path = tmp_path / "县级汇总.db"
    db = rollup.open_county(path)
    rollup.roll_up(db, [str(package) for _, package in towns.values()], consent=TRUSTED)
    db.close()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", ZHAOCUN_DATA_DIR=str(tmp_path), **{QUIT_AFTER_SHOW: "1"})
    result = subprocess.run([sys.executable, "-m", "zhaocun_desktop", "--db", str(path)], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert RECORDS_MARKER in result.stdout


def test_outcomes_say_what_happened_and_which_figures_differ(towns):
    from zhaocun_desktop.county.rollup import Outcome, describe
    from zhaocun_desktop.package import open_package

    package = open_package(towns["中汤镇"][1])
    outcomes = [Outcome(package, "added", "已导入甲。", differences=[("cases", 178, 177), ("cert_rate", (25, 30), (24, 30))]),
                Outcome(package, "skipped", "乙已经导入过。")]  # fmt: skip
    text = describe(outcomes)
    lines = text.splitlines()
    assert lines[0] == "新导入 1 个、替换 0 个、未导入 1 个数据包。"
    assert lines[1].endswith("已导入甲。") and lines[2].endswith("乙已经导入过。")
    assert f"中汤镇{YEAR}年 {fig.BY_KEY['cases'].label}：上报 178，按记录计算 177" in text
    assert "上报 25/30，按记录计算 24/30" in text
    assert "请注意" not in describe([Outcome(package, "added", "已导入甲。")])


def test_county_tables_dialog_follows_the_chosen_township(open_county, towns, when_modal):
    from zhaocun_desktop.statistics import build_county_tables

    window = open_county([package for _, package in towns.values()])
    period = fig.Period.year(YEAR)
    expected = {}
    for town, (path, _) in towns.items():
        own = open_db(path)
        expected[town] = build_county_tables(own, period)[0].totals()[1]
        own.close()
    seen = {}

    def read(dialog) -> None:
        dialog.picker.set_period(period)
        dialog.show_contents(period)
        seen[window.county.township_box.currentText()] = dialog.contents.text()
        dialog.reject()

    for name in ("中汤镇", WHOLE_COUNTY):
        _choose(window, name)
        when_modal(read)
        window.county_action.trigger()
    assert f"本期受理调解案件 {expected['中汤镇']} 件" in seen["中汤镇"]
    assert f"本期受理调解案件 {sum(expected.values())} 件" in seen[WHOLE_COUNTY]


def test_the_township_column_sorts_the_whole_county(open_county, towns):
    window = open_county([package for _, package in towns.values()])
    view = window.view(MEDIATION_CASE.key)
    header = view.table.horizontalHeader()
    assert view.model.headerData(0, Qt.Orientation.Horizontal) == "乡镇"
    for order, names in ((Qt.SortOrder.AscendingOrder, sorted(towns)), (Qt.SortOrder.DescendingOrder, sorted(towns, reverse=True))):
        view.table.sortByColumn(0, order)  # a click on 乡镇
        assert view.model.query.sort_key == "township" and header.sortIndicatorSection() == 0
        shown = [view.model.index(row, 0).data() for row in range(view.model.rowCount())]
        assert [name for index, name in enumerate(shown) if index == 0 or shown[index - 1] != name] == names, "each township's rows together, in name order"
        first = [view.model.index(row, 2).data() for row in range(shown.count(names[0]))]  # 受理日期 within the first township
        assert first == sorted(first, reverse=True), "within a township, newest first as usual"
    window.view(MEDIATION_CASE.key).refresh()
    assert view.model.query.sort_key == "township"


def test_whole_county_village_bars_name_their_township(open_county, towns, when_modal):
    from zhaocun_desktop import overview

    window = open_county([package for _, package in towns.values()])
    window.form.tabs.setCurrentWidget(window._slots["overview"])
    view = window.overview_view
    view.period_picker.set_period(fig.Period.year(YEAR))
    view.refresh()
    bars = view.picture.villages
    assert bars and all(overview.COUNTY_VILLAGE_MARK in label for label, _ in bars)
    for label, count in bars:  # each bar is one township's village: its count is that township's own
        town, _, village = label.partition(overview.COUNTY_VILLAGE_MARK)
        own = open_db(towns[town][0])
        assert count == queries.count(own, MEDIATION_CASE, RecordQuery(year=YEAR, village=village))
        own.close()
    label, count = bars[0]
    listed = {}
    when_modal(lambda dialog: (listed.update(rows=dialog.table.rowCount()), dialog.reject()))
    view.show_cases("village", label)  # a click on the bar lists that township's village's cases only
    assert listed["rows"] == count
    _choose(window, label.partition(overview.COUNTY_VILLAGE_MARK)[0])
    assert overview.COUNTY_VILLAGE_MARK not in view.picture.villages[0][0]  # one township: plain village names


def test_whole_county_due_items_name_their_township(open_county, towns):
    import datetime as dt

    from zhaocun_desktop.due import due_items

    window = open_county([package for _, package in towns.values()])
    today = dt.date(YEAR + 1, 1, 15)
    whole = due_items(window.db, today)
    assert whole
    named = 0
    for town in towns:  # 全县 lists each township's items, named, exactly as that township's scope lists them
        _choose(window, town)
        scoped = due_items(window.db, today)
        assert not any(item.text.startswith(f"{town}：") for item in scoped)
        mine = [item for item in whole if item.text.startswith(f"{town}：")]
        assert sorted(item.text.removeprefix(f"{town}：") for item in mine) == sorted(item.text for item in scoped)
        named += len(mine)
    assert named == len(whole)


def test_importing_packages_shows_progress_and_a_cancel_writes_nothing(open_county, towns, monkeypatch):
    import time

    from modal import click, when_shown
    from PySide6.QtWidgets import QProgressDialog

    from zhaocun_desktop.gui import jobs

    window = open_county()
    packages = [str(package) for _, package in towns.values()]
    seen = {}

    def cancel(dialog):
        seen.update(title=dialog.windowTitle(), label=dialog.labelText(), maximum=dialog.maximum())
        click(dialog, "取消")

    progress_seen = when_shown(QProgressDialog, lambda d: "正在导入" in d.labelText(), cancel)
    original = jobs._Worker.progress

    def wait_for_the_click(self, done, total, text):
        """The roll-up's safe points (before each package is written) wait until 取消 was clicked (at most
        30 s: a dialog that never says 正在导入 fails the test instead of hanging it)."""
        original(self, done, total, text)
        deadline = time.monotonic() + 30
        while text.startswith("正在导入") and not progress_seen["done"] and time.monotonic() < deadline:
            time.sleep(0.01)

    monkeypatch.setattr(jobs._Worker, "progress", wait_for_the_click)
    monkeypatch.setattr(jobs, "SHOW_AFTER_MS", 0)
    message = window.county.import_packages(packages)
    assert progress_seen["done"] and seen["title"] == "导入乡镇数据包" and seen["maximum"] == 2 * len(packages)
    assert "已取消" in message and "没有任何改动" in window.statusBar().currentMessage()
    assert window.county.township_box.count() == 1 and queries.count(window.db, MEDIATION_CASE) == 0
    monkeypatch.setattr(jobs._Worker, "progress", original)
    monkeypatch.setattr(QMessageBox, "information", lambda *a: None)
    assert window.county.import_packages(packages).startswith(f"新导入 {len(packages)} 个")  # tried again: it imports



def test_the_program_started_on_a_county_database_guards_its_records(open_county, towns):
    """Started on a county database (``open_checked``, as ``--db 县.db`` does), the window's connection
    has the county's write guard, as one opened from 文件 → 打开或新建县级汇总数据库 has."""
    from zhaocun_desktop.errors import explain

    window = open_county([package for _, package in towns.values()])
    before = window.db.execute("SELECT count(*) FROM mediation_case").fetchone()[0]
    assert before > 0
    with pytest.raises(sqlite3.DatabaseError) as refused:
        window.db.execute("DELETE FROM mediation_case WHERE id = (SELECT min(id) FROM mediation_case)")
    assert "县级汇总" in explain(refused.value)
    assert window.db.execute("SELECT count(*) FROM mediation_case").fetchone()[0] == before
