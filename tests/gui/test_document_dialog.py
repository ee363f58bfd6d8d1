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
    from zhaocun_desktop import documents
    from zhaocun_desktop.demo import fill_demo
    from zhaocun_desktop.gui.report_print import write_pdf
    from tests.test_documents import long_agreement_case

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
    contents = next(block for block in whole.blocks if block.kind == "table" and block.rows[0][:3] == ("序号", "文书名称", "页号"))
    for _, title, page, _ in contents.rows[1:]:
        assert title.replace("当事人权利", "") in firsts[int(page) - 1], (title, page, firsts)
