"""打印文书 from the case list: choose documents, preview them, save Word and PDF."""

from __future__ import annotations

import re
import subprocess

from docx import Document
from PySide6.QtCore import Qt

from zhaocun_desktop import records
from zhaocun_desktop.gui.document_dialog import DocumentDialog
from zhaocun_desktop.registers import MEDIATION_CASE

PARTIES = [dict(role="申请人", name="张三", id_number="410423199003081234", phone="13800138000", address="赵村村三组"),
           dict(role="被申请人", name="李四", age="45"), dict(role="第三人", name="王五")]  # fmt: skip


def agreement_case(db) -> int:
    return records.insert(db, MEDIATION_CASE, dict(
        case_no="（2023）赵人调字第5号", accepted="2023-05-04", village="赵村村", org="镇调委会", dispute_type="邻里",
        result="调解成功", agreement="书面", closed="2023-05-10", agreement_text="一、李四赔偿张三1000元。", mediation_party=PARTIES,
    ))  # fmt: skip


def test_print_preview_of_the_agreement_from_the_context_menu(qtbot, open_window, when_modal, tmp_path):
    window = open_window()
    view = window.view(MEDIATION_CASE.key)
    case_id = agreement_case(view.db)
    view.refresh()
    view.table.selectRow(0)
    assert view.documents_action.isEnabled() and view.documents_action.text() == "打印文书…"
    seen = {}

    def handle(dialog):
        assert isinstance(dialog, DocumentDialog) and dialog.case_id == case_id
        kinds = dialog.kind_list
        for row in range(kinds.count()):  # only the agreement
            item = kinds.item(row)
            item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole) == "协议书" else Qt.CheckState.Unchecked)
        seen["kinds"] = dialog.chosen_kinds()
        seen["pages"] = dialog.preview.pageCount()
        seen["text"] = dialog.document.plain_text()
        seen["docx"] = dialog.export("docx", str(tmp_path / "协议书.docx"))
        seen["pdf"] = dialog.export("pdf", str(tmp_path / "协议书.pdf"))
        dialog.grab().save(str(tmp_path / "dialog.png"))
        dialog.reject()

    state = when_modal(handle)
    view.documents_action.trigger()
    assert state["done"]
    assert seen["kinds"] == ["协议书"] and 1 <= seen["pages"] <= 2
    assert all(name in seen["text"] for name in ("张三", "李四", "王五", "一、李四赔偿张三1000元。", "（2023）赵人调字第5号"))
    text = "\n".join(p.text for p in Document(seen["docx"]).paragraphs)
    assert "人民调解协议书" in text and "410423199003081234" in text  # signed: not masked
    pdf = subprocess.run(["pdftotext", seen["pdf"], "-"], capture_output=True, text=True).stdout
    assert "张三" in pdf and "王五" in pdf
    assert re.search(rf"Pages:\s+{seen['pages']}\b", subprocess.run(["pdfinfo", seen["pdf"]], capture_output=True, text=True).stdout)  # the PDF is the preview


def test_a_broken_template_is_shown_in_the_dialog_not_raised(qtbot, open_window, data_dir):
    window = open_window()
    case_id = agreement_case(window.db)
    (data_dir / "文书模板").mkdir(parents=True)
    (data_dir / "文书模板" / "协议书.txt").write_text("= 协议书\n{乙方}\n", encoding="utf-8")
    dialog = DocumentDialog(window.db, case_id, window)
    qtbot.addWidget(dialog)
    assert "“{乙方}”不是可用的名称" in dialog.message.text()
    assert not dialog.word_button.isEnabled()
    for row in range(dialog.kind_list.count()):  # without the agreement the rest still prints
        item = dialog.kind_list.item(row)
        if item.data(Qt.ItemDataRole.UserRole) == "协议书":
            item.setCheckState(Qt.CheckState.Unchecked)
    assert dialog.message.text() == "" and dialog.word_button.isEnabled() and dialog.preview.pageCount() >= 4


def test_the_case_list_has_a_documents_button_for_the_selected_case(qtbot, open_window, monkeypatch):
    from PySide6.QtWidgets import QToolBar

    from zhaocun_desktop.registers import REGISTERS

    window = open_window()
    for register in REGISTERS:  # the button only where documents can be printed: the mediation cases
        view = window.view(register.key)
        button = view.findChild(QToolBar).widgetForAction(view.documents_action)
        assert (button is not None) == (register is MEDIATION_CASE), register.title
    view = window.view(MEDIATION_CASE.key)
    tabs = window.form.tabs
    tabs.setCurrentIndex(next(i for i in range(tabs.count()) if tabs.tabText(i) == "矛盾纠纷调解"))
    button = view.findChild(QToolBar).widgetForAction(view.documents_action)
    case_id = agreement_case(view.db)
    view.refresh()
    assert button.defaultAction() is view.documents_action and button.text().startswith("打印文书")
    assert button.isVisible() and not button.isEnabled()  # nothing selected
    opened = []
    monkeypatch.setattr(DocumentDialog, "exec", lambda dialog: opened.append(dialog.case_id) or 0)
    view.table.selectRow(0)
    assert button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert opened == [case_id]


def _pdf_pages(path) -> list[str]:
    """The text of each page of a PDF the preview painted (spaces dropped)."""
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return [page.replace(" ", "") for page in text.split("\f")[:-1]]


def test_printed_agreement_keeps_its_signatures_with_the_terms_and_the_contents_numbers_its_pages(qtbot, db, tmp_path):
    from tests.test_documents import long_agreement_case
    from zhaocun_desktop import documents
    from zhaocun_desktop.demo import fill_demo
    from zhaocun_desktop.gui.report_print import write_pdf

    fill_demo(db)
    case_id = long_agreement_case(db)
    agreement = documents.build_case_documents(db, case_id, ["协议书"])
    assert write_pdf(agreement, str(tmp_path / "协议书.pdf")) == 2
    pages = _pdf_pages(tmp_path / "协议书.pdf")
    signatures = next(page for page in pages if "人民调解员（签名）" in page)
    assert "当事人（签名、盖章或按指印）" in signatures and "履行完毕" in signatures  # not the signatures alone

    whole = documents.build_case_documents(db, case_id, [documents.CASE_FILE])
    write_pdf(whole, str(tmp_path / "卷宗.pdf"))
    pages = _pdf_pages(tmp_path / "卷宗.pdf")
    lines = [line for page in pages for line in page.splitlines() if line.strip()]
    assert next(line for line in lines if "记录人（签名）" in line).endswith("记录人（签名）：＿＿＿＿＿")
    assert next(line for line in lines if "立卷日期" in line).endswith("＿＿＿＿年＿＿月＿＿日")
    firsts = [next((line for line in page.splitlines() if line.strip()), "") for page in pages]
    footers = [next((int(m.group(1)) for m in [re.search(r"—(\d+)—\s*$", page.strip())] if m), None) for page in pages]
    assert footers[:2] == [None, None]  # the cover and the 卷内目录 carry no number
    for entry in whole.contents:  # the preview numbers its pages as the 目录 does, hand-filed papers counted
        if entry.printed:
            assert entry.name.split("（")[0] in firsts[footers.index(entry.first)], (entry, firsts, footers)


def test_a_case_entered_through_the_real_form_prints_what_was_entered(qtbot, open_window, when_modal, tmp_path):
    """A failed case typed into the case form (受理, a 调解 session written in its own form) prints a 调解记录 that
    tells that session and the art. 26 notice (人民调解法第二十六条); the dialog refuses the 协议书 with the reason."""
    from PySide6.QtWidgets import QDialogButtonBox

    from zhaocun_desktop.documents import ART_26_LINE, build_case_documents

    window = open_window()
    view = window.view(MEDIATION_CASE.key)

    def session(form_dialog):
        editors = form_dialog.form.editors
        editors["session_date"].set_value("2023-06-02")
        editors["session_place"].widget.setText("赵村村委会调解室")
        editors["attendees"].widget.setText("村支书赵某")
        editors["recorder"].widget.setText("孙记录")
        editors["applicant_says"].widget.setPlainText("张三称：李四的牛吃了麦苗，要求赔偿五百元。")
        editors["respondent_says"].widget.setPlainText("李四称：只吃了一点，最多赔一百元。")
        editors["proposal"].widget.setPlainText("建议李四赔偿三百元。")
        editors["outcome"].set_value("调解不成功，终止调解")
        form_dialog.accept()

    def add(dialog):
        assert dialog.tabs is not None and [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())][:2] == ["受理", "调查与调解"]
        editors = dialog.form.editors
        editors["accepted"].set_value("2023-06-01")
        editors["village"].set_value("赵村村")
        editors["org"].set_value("镇调委会")
        editors["dispute_type"].set_value("损害赔偿")
        editors["source"].set_value("当事人申请")
        editors["summary"].widget.setPlainText("张三反映李四家的牛吃了他家的麦苗。")
        editors["request"].widget.setPlainText("要求李四赔偿麦苗损失五百元。")
        editors["facts"].widget.setPlainText("2023年5月30日李四家的牛进入张三麦田。")
        editors["mediator"].set_value("王调解")
        editors["result"].set_value("调解不成功")
        editors["closed"].set_value("2023-06-02")
        parties = dialog.child_tables["mediation_party"]
        columns = [f.key for f in parties.fields]
        parties.table.item(0, columns.index("name")).setText("张三")
        parties.table.item(1, columns.index("name")).setText("李四")
        table = dialog.child_tables["mediation_session"]
        dialog.tabs.setCurrentIndex(1)
        when_modal(session)
        qtbot.mouseClick(table.detail_button, Qt.MouseButton.LeftButton)  # no row yet: a new one, in its own form
        assert table.table.rowCount() == 1
        qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)

    state = when_modal(add)
    view.add_action.trigger()
    assert state["done"] and view.model.rowCount() == 1
    case_id = view.model.record_id(0)
    text = build_case_documents(view.db, case_id, ["调解记录"]).plain_text()
    for element in ("2023年6月2日", "赵村村委会调解室", "参加人 | 村支书赵某", "调解员 | 王调解", "记录人 | 孙记录", "张三称：李四的牛吃了麦苗",
                    "李四称：只吃了一点", "建议李四赔偿三百元。", "调解不成功，终止调解", ART_26_LINE):  # fmt: skip
        assert element in text, element
    application = build_case_documents(view.db, case_id, ["申请书"]).plain_text()
    assert "要求李四赔偿麦苗损失五百元。" in application and "2023年5月30日李四家的牛进入张三麦田。" in application
    assert "建议李四" not in application and "终止" not in application  # written before the mediation
    view.table.selectRow(0)
    seen = {}

    def look(dialog):
        items = {dialog.kind_list.item(row).data(Qt.ItemDataRole.UserRole): dialog.kind_list.item(row) for row in range(dialog.kind_list.count())}
        agreement = items["协议书"]
        seen["checkable"] = bool(agreement.flags() & Qt.ItemFlag.ItemIsUserCheckable)
        dialog.kind_list.itemClicked.emit(agreement)
        seen["message"] = dialog.message.text()
        seen["kinds"] = dialog.chosen_kinds()
        dialog.grab().save(str(tmp_path / "refused.png"))
        dialog.reject()

    state = when_modal(look)
    view.documents_action.trigger()
    assert state["done"] and not seen["checkable"]
    assert "人民调解协议书不能打印" in seen["message"] and "没有达成调解协议" in seen["message"]
    assert seen["kinds"] == ["卷宗封面", "申请书", "告知书", "调解记录", "结案报告表"]
