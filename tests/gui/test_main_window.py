"""The window as the clerk uses it: tabs, the record dialog, search and filters."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox, QTabWidget

from zhaocun_desktop import audit, queries, records, settings as township_settings
from zhaocun_desktop.gui.record_dialog import RecordDialog
from zhaocun_desktop.registers import MEDIATION_CASE, REGISTERS


def fill_case(dialog, parties="张三与李四"):
    editors = dialog.form.editors
    editors["accepted"].set_value("2023-05-04")
    editors["village"].set_value("中汤村")
    editors["org"].set_value("村调委会")
    editors["dispute_type"].set_value("邻里")
    set_parties(dialog, [name for name in parties.split("与") if name])
    editors["result"].set_value("调解中")


def set_parties(dialog, names, **more):
    """Type the parties into the dialog's 当事人 table (setText: keyClicks with Chinese aborts Qt)."""
    table = dialog.child_tables["mediation_party"]
    table.set_rows([])
    columns = [f.key for f in table.fields]
    for name in names:
        row = table.add_row()
        table.table.item(row, columns.index("name")).setText(name)
        for key, value in more.get(name, {}).items():
            table.table.item(row, columns.index(key)).setText(value)


def test_every_tab_opens_with_its_records(qtbot, open_window):
    window = open_window(demo=True)
    tabs = window.form.tabs
    qtbot.waitUntil(lambda: tabs.tabText(0) != "总览")  # the due list is read after the charts have painted
    titles = [tabs.tabText(i) for i in range(tabs.count())]
    assert titles[0].startswith("总览（")  # the demo has items due: their count is on the tab
    assert titles[1:] == ["法治宣传", "行政执法", "法律顾问", "矛盾纠纷调解", "村(居)", "年度报告", "设置"]
    for index in range(tabs.count()):
        tabs.setCurrentIndex(index)
        assert tabs.currentWidget().isVisible()
    mediation = tabs.widget(4)
    assert isinstance(mediation, QTabWidget)
    assert [mediation.tabText(i) for i in range(mediation.count())] == ["调解案件", "联席例会", "信访", "人民调解员", "人民调解委员会"]
    assert set(window.views) < {r.key for r in REGISTERS}, "tabs not yet opened are not built"
    for view in map(window.view, (r.key for r in REGISTERS)):
        assert view.model.rowCount() == queries.count(view.db, view.register) > 0
        assert view.count_label.text() == f"共 {view.model.rowCount()} 条"
        assert view.model.headerData(0, Qt.Orientation.Horizontal) == view.register.list_fields[0].label


def test_add_edit_delete_through_the_real_dialog(qtbot, open_window, monkeypatch, when_modal):
    window = open_window()
    window.form.tabs.setCurrentIndex(4)
    view = window.view(MEDIATION_CASE.key)
    assert view.model.rowCount() == 0

    def add(dialog):
        assert isinstance(dialog, RecordDialog) and dialog.windowTitle() == "新增调解案件"
        fill_case(dialog)
        qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)

    state = when_modal(add)
    view.add_action.trigger()
    assert state["done"]
    assert view.model.rowCount() == 1
    assert view.model.data(view.model.index(0, MEDIATION_CASE.list_fields.index(MEDIATION_CASE.field("parties")))) == "张三、李四"
    assert view.count_label.text() == "共 1 条"
    assert view.selected_ids() == [view.model.record_id(0)]

    def edit(dialog):
        table = dialog.child_tables["mediation_party"]
        assert [row["name"] for row in table.rows()] == ["张三", "李四"]
        table.table.item(1, [f.key for f in table.fields].index("name")).setText("王五")
        dialog.accept()

    state = when_modal(edit)
    view.edit_action.trigger()
    assert state["done"]
    record_id = view.model.record_id(0)
    assert queries.get(view.db, MEDIATION_CASE, record_id)["parties"] == "张三、王五"

    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kwargs: asked.append(args[2]) or QMessageBox.StandardButton.Yes)
    view.table.selectRow(0)
    view.delete_action.trigger()
    assert "1 条调解案件" in asked[0]
    assert view.model.rowCount() == 0
    assert [row["action"] for row in audit.audit_rows(view.db, MEDIATION_CASE.key)] == ["insert", "update", "delete"]


def test_delete_does_nothing_when_the_clerk_says_no(open_window, monkeypatch):
    window = open_window()
    view = window.view(MEDIATION_CASE.key)
    records.insert(view.db, MEDIATION_CASE, dict(accepted="2023-05-04", village="赵村村", org="村调委会", dispute_type="邻里", parties="甲与乙", result="调解中"))
    view.refresh()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    view.table.selectRow(0)
    view.delete_action.trigger()
    assert view.model.rowCount() == 1


def test_invalid_input_keeps_the_dialog_open_with_messages(qtbot, open_window):
    window = open_window()
    dialog = RecordDialog(window.db, MEDIATION_CASE, parent=window)
    qtbot.addWidget(dialog)
    dialog.show()
    fill_case(dialog, parties="")
    dialog.form.editors["amount"].widget.setText("很多")
    dialog.accept()
    assert dialog.isVisible() and dialog.result() == 0
    errors = dialog.form.error_labels
    party_error = dialog.child_tables["mediation_party"].error
    assert party_error.isVisible() and party_error.text() == "请至少填写1位当事人"
    assert "金额" in errors["amount"].text()
    assert not errors["village"].isVisible()
    assert queries.count(window.db, MEDIATION_CASE) == 0
    set_parties(dialog, ["甲某", "乙某"], 甲某={"phone": "12345"})
    dialog.form.editors["amount"].widget.setText("1200")
    dialog.accept()
    assert "第1位当事人的“联系方式”" in party_error.text() and "11位手机号" in party_error.text()
    # mending the fields clears the messages and saves
    set_parties(dialog, ["甲某", "乙某"], 甲某={"phone": "13800138000"})
    dialog.accept()
    assert dialog.result() == 1 and queries.count(window.db, MEDIATION_CASE) == 1


def test_add_a_case_with_three_parties_through_the_real_dialog(qtbot, open_window, when_modal):
    window = open_window()
    view = window.view(MEDIATION_CASE.key)

    def add(dialog):
        table = dialog.child_tables["mediation_party"]
        assert table.table.rowCount() == 2  # a new case starts with an applicant and a respondent row
        fill_case(dialog)
        qtbot.mouseClick(table.add_button, Qt.MouseButton.LeftButton)
        columns = [f.key for f in table.fields]
        table.table.item(0, columns.index("id_number")).setText("410423199003081234")
        table.table.item(2, columns.index("name")).setText("王五")
        table.table.item(2, columns.index("role")).setText("第三人")
        qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)

    state = when_modal(add)
    view.add_action.trigger()
    assert state["done"] and view.model.rowCount() == 1
    parties = queries.children(view.db, MEDIATION_CASE.children[0], view.model.record_id(0))
    assert [(p["role"], p["name"]) for p in parties] == [("申请人", "张三"), ("被申请人", "李四"), ("第三人", "王五")]
    assert parties[0]["id_number"] == "410423199003081234"
    assert view.model.data(view.model.index(0, MEDIATION_CASE.list_fields.index(MEDIATION_CASE.field("parties")))) == "张三、李四、王五"


def test_search_and_filters_narrow_the_table(qtbot, open_window):
    window = open_window(demo=True)
    view = window.view(MEDIATION_CASE.key)
    total = view.model.rowCount()
    village = view.model.data(view.model.index(0, 2))

    view.search_box.setText(village)
    qtbot.waitUntil(lambda: view.model.rowCount() < total)
    by_search = view.model.rowCount()
    assert by_search == queries.count(view.db, MEDIATION_CASE, queries.RecordQuery(search=village))
    assert f"显示 {by_search} 条 / 共 {total} 条" == view.count_label.text()

    view.search_box.clear()
    qtbot.waitUntil(lambda: view.model.rowCount() == total)
    view.year_box.setCurrentText("2023年")
    in_year = view.model.rowCount()
    assert 0 < in_year < total
    assert all(view.model.data(view.model.index(r, 1)).startswith("2023") for r in range(in_year))
    view.village_box.setCurrentText(village)
    assert 0 < view.model.rowCount() < in_year
    assert {view.model.data(view.model.index(r, 2)) for r in range(view.model.rowCount())} == {village}


def test_record_survives_closing_and_reopening(qtbot, open_window, when_modal):
    window = open_window()
    view = window.view(MEDIATION_CASE.key)
    state = when_modal(lambda d: (fill_case(d), d.accept()))
    view.add_action.trigger()
    assert state["done"] and view.model.rowCount() == 1
    window.close()
    window.db.close()
    again = open_window()
    assert again.view(MEDIATION_CASE.key).model.rowCount() == 1


def test_qt_buttons_are_chinese(qtbot, open_window):
    window = open_window()
    dialog = RecordDialog(window.db, MEDIATION_CASE, parent=window)
    qtbot.addWidget(dialog)
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).text() == "确定"
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).text() == "取消"
    box = QMessageBox(QMessageBox.Icon.Question, "t", "t", QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    qtbot.addWidget(box)
    assert {box.button(QMessageBox.StandardButton.Yes).text(), box.button(QMessageBox.StandardButton.No).text()} <= {"是", "否", "是(&Y)", "否(&N)"}


def _latin_texts(widget) -> list[str]:
    """Every visible label, button, tooltip and group title of ``widget`` that holds a Latin word."""
    import re

    from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel

    texts = [label.text() for label in widget.findChildren(QLabel)] + [group.title() for group in widget.findChildren(QGroupBox)]
    texts += [text for button in widget.findChildren(QAbstractButton) for text in (button.text(), button.toolTip())]
    return sorted({text for text in texts if re.search("[A-Za-z]{2,}", text.replace("PDF", ""))})


def test_qt_file_and_print_dialogs_are_chinese(qtbot):
    """Qt 6.11 added accelerators to three texts (&Look in:, Files of &type:, Page &Set:) after its
    Chinese translation was made: Qt's own file dialog (Linux desktops without a native one) and the
    print dialog showed them in English. resources/translations/zhaocun_qt_zh_CN.ts gives them."""
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
    from PySide6.QtWidgets import QFileDialog

    files = QFileDialog(None, "保存")
    files.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    printer = QPrinter()
    dialogs = [files, QPrintDialog(printer), QPrintPreviewDialog(printer)]
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        dialog.show()
        assert _latin_texts(dialog) == [], type(dialog).__name__
        dialog.close()


def test_our_translation_file_is_compiled_from_its_source():
    """resources/translations/*.qm must be compiled again (tools/compile_translations.py) whenever its .ts changes."""
    import importlib.util
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    spec = importlib.util.spec_from_file_location("compile_translations", root / "tools" / "compile_translations.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    sources = sorted((root / "resources" / "translations").glob("*.ts"))
    assert sources
    for ts in sources:
        assert ts.with_suffix(".qm").read_bytes() == tool.compile_ts(ts), "run: .venv/bin/python tools/compile_translations.py"


def test_column_widths_sort_and_geometry_are_remembered(qtbot, open_window):
    window = open_window(demo=True)
    view = window.view(MEDIATION_CASE.key)
    header = view.table.horizontalHeader()
    header.resizeSection(6, 333)
    view.table.sortByColumn(6, Qt.SortOrder.AscendingOrder)
    window.form.tabs.setCurrentIndex(4)
    window.resize(700, 500)  # the offscreen screen is 800x600; larger sizes are clamped
    window.close()
    window.db.close()

    again = open_window()
    view = again.view(MEDIATION_CASE.key)
    header = view.table.horizontalHeader()
    assert header.sectionSize(6) == 333
    assert header.sortIndicatorSection() == 6 and view.model.query.sort_key == "parties"
    assert again.form.tabs.currentIndex() == 4
    assert (again.size().width(), again.size().height()) == (700, 500)


def test_village_list_changes_reach_the_filters(qtbot, open_window, when_modal):
    window = open_window()
    villages = window.view("village")
    state = when_modal(lambda d: (d.form.editors["name"].widget.setText("新建村"), d.accept()))
    villages.add_action.trigger()
    assert state["done"]
    box = window.view(MEDIATION_CASE.key).village_box
    assert box.findText("新建村") >= 0


def test_settings_tab_validates_and_saves(qtbot, open_window):
    window = open_window()
    view = window.settings_view
    view.form.editors["town"].widget.setText("")
    view.save()
    assert not view.form.error_labels["town"].isHidden() and "未保存" in view.status.text()
    for key, value in dict(town="赵村镇", county="鲁山县", office="赵村镇司法所", signer="赵村镇人民政府", report_year="2023").items():
        view.form.editors[key].widget.setText(value)
    view.save()
    assert view.status.text() == "已保存。"
    assert township_settings.settings(window.db)["signer"] == "赵村镇人民政府"


def test_settings_say_what_their_filled_in_values_mean(qtbot, open_window):
    """The case-number formats and 本镇纠纷类型 come filled in: a placeholder never shows, so each
    field's hint stands under it (once: no placeholder repeats it)."""
    from PySide6.QtWidgets import QLabel

    from zhaocun_desktop.registers import SETTINGS

    window = open_window()
    window.form.tabs.setCurrentWidget(window._slots["settings"])
    view = window.settings_view
    for key in ("case_no_pattern", "case_no_pattern_village", "local_dispute_types", "town_short"):
        caption = view.findChild(QLabel, f"hint_{key}")
        assert caption is not None and caption.text() == SETTINGS.field(key).hint
        assert caption.isVisibleTo(view)
    assert view.form.editors["town_short"].widget.placeholderText() == ""
    assert view.findChild(QLabel, "hint_font_heading1") is None  # no hint, no caption


def test_keyboard_enter_edits_and_delete_asks(qtbot, open_window, when_modal, monkeypatch):
    window = open_window()
    view = window.view(MEDIATION_CASE.key)
    records.insert(view.db, MEDIATION_CASE, dict(accepted="2023-05-04", village="赵村村", org="村调委会", dispute_type="邻里", parties="甲与乙", result="调解中"))
    view.refresh()
    window.form.tabs.setCurrentIndex(4)
    view.table.setFocus()
    view.table.selectRow(0)
    titles = []
    state = when_modal(lambda dialog: (titles.append(dialog.windowTitle()), dialog.reject()))
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert state["done"] and titles == ["编辑调解案件"]
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.No)
    qtbot.keyClick(view.table, Qt.Key.Key_Delete)
    assert asked and view.model.rowCount() == 1
    # Ctrl+N and Delete are also shortcuts of the tab's actions (the offscreen platform has no
    # active window, so shortcuts cannot be pressed here; their keys and scope are checked)
    from PySide6.QtGui import QKeySequence

    assert view.add_action.shortcut() == QKeySequence("Ctrl+N")
    assert view.delete_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Delete)
    assert view.add_action.shortcutContext() == Qt.ShortcutContext.WidgetWithChildrenShortcut


def test_unexpected_errors_are_logged_and_shown_briefly(qapp, monkeypatch, data_dir):
    from zhaocun_desktop.gui import app as gui_app

    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append(text))
    try:
        raise RuntimeError("内部错误的细节")
    except RuntimeError as error:
        gui_app._report_unexpected(type(error), error, error.__traceback__)
    log = gui_app.log_file().read_text(encoding="utf-8")
    assert "Traceback" in log and "内部错误的细节" in log
    assert "已记录在" in shown[0] and "Traceback" not in shown[0] and str(gui_app.log_file()) in shown[0]


def test_new_case_form_proposes_the_next_number(qtbot, open_window):
    window = open_window()
    township_settings.save_settings(window.db, dict(town="赵村镇", county="鲁山县", office="赵村镇司法所", signer="赵村镇人民政府"))
    records.insert(window.db, MEDIATION_CASE, dict(accepted="2023-02-01", village="赵村村", org="镇调委会", dispute_type="邻里",
                                                   parties="甲某与乙某", result="调解中", case_no="（2023）赵人调字第3号"))  # fmt: skip
    dialog = RecordDialog(window.db, MEDIATION_CASE, parent=window)
    qtbot.addWidget(dialog)
    number = dialog.form.editors["case_no"]
    fill_case(dialog)  # 2023-05-04, 中汤村, 村调委会
    assert number.value() == "（2023）中汤人调字第1号"
    dialog.form.editors["org"].set_value("镇调委会")
    assert number.value() == "（2023）赵人调字第4号"  # follows the committee while untouched
    number.widget.setText("（2023）赵人调字第9号")
    dialog.form.editors["accepted"].set_value("2023-05-05")
    assert number.value() == "（2023）赵人调字第9号"  # the clerk's own number is kept
    dialog.accept()
    assert queries.rows_by_id(window.db, MEDIATION_CASE)[-1]["case_no"] == "（2023）赵人调字第9号"


def test_case_form_offers_mediators_from_the_roster(qtbot, open_window):
    from zhaocun_desktop.registers import MEDIATOR

    window = open_window()
    records.insert(window.db, MEDIATOR, dict(name="王调解", committee="镇调委会"))
    dialog = RecordDialog(window.db, MEDIATION_CASE, parent=window)
    qtbot.addWidget(dialog)
    combo = dialog.form.editors["mediator"].widget
    assert [combo.itemText(i) for i in range(combo.count())] == ["", "王调解"] and combo.isEditable()
    combo.setCurrentText("临时调解员")  # a name not in the roster is still accepted
    fill_case(dialog)
    dialog.accept()
    assert queries.rows_by_id(window.db, MEDIATION_CASE)[-1]["mediator"] == "临时调解员"


def test_the_database_line_stays_after_the_file_menu_opens(qtbot, open_window):
    from PySide6.QtGui import QStatusTipEvent
    from PySide6.QtWidgets import QApplication, QLabel

    window = open_window()
    line = window.statusBar().findChild(QLabel, "database_status")
    assert line.text().startswith("数据库：") and line.isVisible()
    menu = window.form.menuFile if hasattr(window.form, "menuFile") else window.menuBar().actions()[0].menu()
    menu.popup(window.mapToGlobal(window.rect().center()))
    qtbot.waitExposed(menu)
    for action in menu.actions():  # hovering the items shows their status tips, then clears them
        QApplication.sendEvent(window, QStatusTipEvent(action.statusTip() or "提示"))
        QApplication.sendEvent(window, QStatusTipEvent(""))
    menu.close()
    qtbot.wait(10)
    assert line.isVisible() and line.text().startswith("数据库：") and window.statusBar().currentMessage() == ""
