"""The 年度报告 and 总览 tabs: edit, save, reopen, preview, export; one set of figures everywhere."""

from __future__ import annotations

import openpyxl
from docx import Document
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from zhaocun_desktop import figures as fig, report
from zhaocun_desktop.gui.overview_view import KEY_FIGURES


def test_edit_save_reopen_and_preview(qtbot, open_window):
    window = open_window(demo=True)
    view = window.report_view
    assert view.year == 2023
    view.editors["shortcomings"].setPlainText("（一）人手紧张\n司法所只有两名工作人员，承担四本台账。")
    assert view.dirty
    view.save()
    assert not view.dirty and "已保存" in view.status.text()
    window.close()
    window.db.close()

    again = open_window(demo=True)
    view = again.report_view
    assert view.editors["shortcomings"].toPlainText().startswith("（一）人手紧张")
    view.refresh()
    assert "司法所只有两名工作人员" in view.draft.plain_text()
    # the preview paints the same draft
    from zhaocun_desktop.gui.report_print import build_text_document

    assert "司法所只有两名工作人员" in build_text_document(view.draft, 300).toPlainText()
    assert view.preview.pageCount() >= 3


def test_checks_list_and_jump_to_text(qtbot, open_window):
    window = open_window(demo=True)
    view = window.report_view
    view.editors["intro"].setPlainText("2022年，在县委县政府的坚强领导下……")
    view.show_checks()
    texts = [view.findings_list.item(i).text() for i in range(view.findings_list.count())]
    assert any("导语" in t and "2022年" in t for t in texts)
    view.text_tabs.setCurrentIndex(3)
    view.open_finding(view.findings_list.item(0))
    assert view.text_tabs.currentWidget() is view.editors["intro"]


def test_exports_write_real_files(qtbot, open_window, tmp_path, monkeypatch):
    window = open_window(demo=True)
    view = window.report_view
    targets = iter([tmp_path / "报告.docx", tmp_path / "报告.pdf", tmp_path / "汇总"])
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(next(targets)), ""))
    docx = view.export("docx")
    pdf = view.export("pdf")
    xlsx = view.export("xlsx")
    assert xlsx == tmp_path / "汇总.xlsx"  # the extension is added when the clerk leaves it out
    assert Document(str(docx)).paragraphs[0].text.replace("\n", "") == view.draft.title  # the title has its line break (GB/T 9704 7.3.3)
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 10_000
    assert openpyxl.load_workbook(xlsx).sheetnames[0] == "报告数据"
    assert "已导出" in view.status.text()


def test_one_set_of_figures_report_summary_overview(qtbot, open_window, tmp_path, monkeypatch):
    window = open_window(demo=True)
    overview = window.overview_view
    view = window.report_view
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "s.xlsx"), ""))
    book = openpyxl.load_workbook(view.export("xlsx"))
    summary = {row[0]: row[1] for row in book["报告数据"].iter_rows(min_row=4, values_only=True) if row[0]}
    draft_figures = report.build_draft(window.db, 2023).figures
    table = {overview.table.item(r, 0).text(): overview.table.item(r, 1).text() for r in range(overview.table.rowCount())}
    for key in KEY_FIGURES:
        item = fig.BY_KEY[key]
        value = draft_figures[key]
        assert table[item.label] == (str(value) if isinstance(item, fig.Rate) else fig.display(item, value))
        if isinstance(item, fig.Figure):
            assert summary[item.label] == value
    text = view.draft.plain_text()
    assert f"排查调处各类矛盾纠纷{draft_figures['cases']}件" in text
    assert f"调处成功{draft_figures['cases_success']}件" in text


def test_records_behind_a_figure_open_in_a_dialog(qtbot, open_window, monkeypatch):
    window = open_window(demo=True)
    view = window.report_view
    shown = []
    from zhaocun_desktop.gui import report_view as module

    monkeypatch.setattr(module.RecordsDialog, "exec", lambda self: shown.append(self) or 0)
    row = [f.key for f in (*fig.FIGURES, *fig.RATES)].index("cases_success")
    view.show_records_behind(row)
    assert shown[0].table.rowCount() == view.draft.figures["cases_success"]


def test_report_options_are_kept_per_report_and_findings_open_at_the_text(qtbot, open_window):
    window = open_window(demo=True)
    view = window.report_view
    view.seal_box.setCurrentText(report.UNSEALED)
    view.recipient_edit.setText("鲁山县司法局")
    view.text_tabs.setCurrentWidget(view.editors["plans"])
    view.reviewed_box.setChecked(True)
    view.editors["advisor"].setPlainText("政府法律顾问审查合同{政府法律顾问审查合同份数}份，协助修订和审查村规民19份。")
    view.save()
    view.load_year()
    assert view.seal_box.currentText() == report.UNSEALED and view.recipient_edit.text() == "鲁山县司法局"
    view.text_tabs.setCurrentWidget(view.editors["plans"])
    assert view.reviewed_box.isChecked()
    view.text_tabs.setCurrentWidget(view.editors["duties"])
    assert not view.reviewed_box.isChecked()
    assert not view.draft.sealed and view.draft.blocks[2].text == "鲁山县司法局："
    view.show_checks()
    items = [view.findings_list.item(i) for i in range(view.findings_list.count())]
    texts = [item.text() for item in items]
    assert not any("四、" in t and "示例文字" in t for t in texts) and any("三、" in t and "示例文字" in t for t in texts)
    typo = next(item for item in items if "村规民" in item.text() and "宜写作" in item.text())
    view.open_finding(typo)
    editor = view.editors["advisor"]
    assert view.text_tabs.currentWidget() is editor
    assert editor.toPlainText()[editor.textCursor().position():].startswith("村规民19份")
    view.about_box.setChecked(True)
    view.placeholder_box.setCurrentText("{村法律顾问审查合同份数}")
    view.insert_placeholder()
    assert "{村法律顾问审查合同份数:余}" in editor.toPlainText()


def test_a_settings_finding_opens_the_settings_tab(qtbot, open_window):
    window = open_window(demo=True)
    view = window.report_view
    view.refresh()
    view.draft.settings["county"] = ""
    from zhaocun_desktop.report_checks import check_settings

    finding = check_settings(view.draft)[0]
    from PySide6.QtWidgets import QListWidgetItem

    item = QListWidgetItem(str(finding))
    item.setData(Qt.ItemDataRole.UserRole, finding)
    view.open_finding(item)
    assert window.form.tabs.currentWidget().objectName() == "slot_settings"
