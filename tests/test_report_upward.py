"""The yearly report as an upward document (上行文) and lines that break where a reader expects.

Sources (see /work/shared/domain.md): 《党政机关公文处理工作条例》 art. 9 (an upward document names its 签发人);
GB/T 9704-2012 7.2.4 (发文字号), 7.2.6 (签发人), 7.3.2 (主送机关), 7.3.5 (署名 and 成文日期, matching the seal),
7.4.2 (抄送机关 in the 版记); the annual reporting practice (主送 the county people's government, 抄送 the county's
依法治县办); a reader's line breaking (GB/T 9704 7.3.3 for the title; never inside a name, a date, a case number).
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt
from pdf_layout import pdf_lines
from report_data import fill_known_ledger

from tests.test_report_docx import SOFFICE, render_pdf
from zhaocun_desktop import report, settings as township_settings
from zhaocun_desktop.demo import fill_demo
from zhaocun_desktop.report_checks import ERROR, NOTICE, check_records, check_texts
from zhaocun_desktop.report_docx import STYLE_NAMES, whole_spans, write_docx

LIBREOFFICE = pytest.mark.skipif(not SOFFICE or not shutil.which("pdftotext"), reason="LibreOffice and poppler-utils are installed by .ci/run")


def test_an_upward_report_names_its_recipient_signer_off_and_copy(db, tmp_path):
    """主送 the county people's government by default (from 设置), 抄送 the county's 依法治县办, an optional 签发人
    with the 发文字号 above the title (发文字号 居左空一字, 签发人 居右空一字, the name in 楷体)."""
    fill_known_ledger(db)
    nothing_copied = report.build_draft(db, 2023)
    assert "copyto" not in [b.kind for b in nothing_copied.blocks]  # optional: a reminder names where it usually goes
    assert any("中共鲁山县委全面依法治县委员会办公室" in f.message and f.level == NOTICE for f in check_texts(nothing_copied))
    township_settings.save_settings(db, dict(township_settings.settings(db), report_copy_to="中共鲁山县委全面依法治县委员会办公室"))
    texts = dict(report.load_texts(db, 2023), issuer="张某某", doc_number="赵政〔2024〕3号")
    draft = report.build_draft(db, 2023, texts)
    kinds = [(block.kind, block.text) for block in draft.blocks]
    assert kinds[0] == ("issuer", "赵政〔2024〕3号\t签发人：张某某") and kinds[2][0] == "title" and draft.title.endswith("情况的报告")
    assert ("recipient", "鲁山县人民政府：") in kinds and kinds[-1] == ("copyto", "抄送：中共鲁山县委全面依法治县委员会办公室。")
    document = Document(str(write_docx(draft, tmp_path / "报告.docx")))
    first = document.paragraphs[0]
    assert first.style.name == STYLE_NAMES["issuer"] and first.text.replace("\u2060", "") == "赵政〔2024〕3号\t签发人：张某某"
    assert first.runs[-1]._element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "楷体_GB2312"
    assert first.style.paragraph_format.left_indent is not None and first.style.paragraph_format.tab_stops[0].alignment == 2  # RIGHT
    copy = document.paragraphs[-1]  # 版记 (GB/T 9704 7.4.2): 抄送 in 4号, between two rules, 左右各空一字
    assert copy.style.name == STYLE_NAMES["copyto"] and copy.text.replace("\u2060", "") == "抄送：中共鲁山县委全面依法治县委员会办公室。"
    assert copy.style.font.size == Pt(14) and copy.style.paragraph_format.left_indent == Pt(14) == copy.style.paragraph_format.right_indent
    assert copy.style.element.pPr.find(qn("w:pBdr")) is not None
    saved = {"report_recipient": "鲁山县人民政府办公室", "report_copy_to": "无"}
    township_settings.save_settings(db, dict(township_settings.settings(db), **saved))
    plain = report.build_draft(db, 2023)
    assert ("recipient", "鲁山县人民政府办公室：") in [(b.kind, b.text) for b in plain.blocks]
    assert "copyto" not in [b.kind for b in plain.blocks] and "issuer" not in [b.kind for b in plain.blocks]
    said = [f for f in check_texts(plain) if f.where == "签发人"]
    assert said and said[0].level == NOTICE and "第九条" in said[0].message


def test_the_signature_is_the_name_on_the_seal(db):
    """GB/T 9704 7.3.5: the 署名 is the issuing body's full name or standard short name, the name on the seal."""
    fill_known_ledger(db)
    clean = [f for f in check_texts(report.build_draft(db, 2023)) if "印章" in f.message]
    assert clean == []  # 赵村镇人民政府 is the short name of 鲁山县赵村镇人民政府
    township_settings.save_settings(db, dict(township_settings.settings(db), signer="赵村镇司法所"))
    found = [f for f in check_texts(report.build_draft(db, 2023)) if "印章" in f.message]
    assert found and found[0].level == ERROR and "鲁山县赵村镇人民政府" in found[0].message
    township_settings.save_settings(db, dict(township_settings.settings(db), seal_name="鲁山县赵村镇司法所"))
    assert not [f for f in check_texts(report.build_draft(db, 2023)) if "印章" in f.message]


def test_parts_of_a_total_add_up_or_name_the_rest(db):
    """"排查调处182件…其中村级调委会调处106件…镇调委会调处56件" leaves 20 cases unexplained: the default
    wording names 其他调解组织; a sentence that gives only some parts is an error pointing at it."""
    fill_demo(db)
    draft = report.build_draft(db, 2023)
    figures = draft.figures
    assert figures["village_cases"] + figures["town_cases"] + figures["other_cases"] == figures["cases"] and figures["other_cases"]
    assert f"其他调解组织调处{figures['other_cases']}件" in draft.plain_text()
    assert not [f for f in check_texts(draft) if "没有交代" in f.message]
    partial = report.MEDIATION_TEMPLATE.replace("其他调解组织调处{其他调解组织调处件数}件，", "")
    found = [f for f in check_texts(report.build_draft(db, 2023, dict(report.load_texts(db, 2023), mediation=partial))) if "没有交代" in f.message]
    assert len(found) == 1 and found[0].level == ERROR and found[0].part == "mediation" and f"其余{figures['other_cases']}件" in found[0].message
    assert partial[found[0].position:].startswith("{镇调委会调处件数}")


def test_a_figure_suspected_of_double_counting_is_an_error_while_the_report_prints_it(db):
    """The 自查 that suspects 村法律顾问参与调处 of counting the 调解 cases again does not let the report print it
    unremarked: an error at the sentence until the clerk marks the part as checked."""
    fill_demo(db)
    draft = report.build_draft(db, 2023)
    joined = draft.figures["advisor_disputes"]
    assert f"参与民间纠纷调处{joined}件" in draft.plain_text() and joined >= 0.8 * draft.figures["cases"]
    found = [f for f in check_records(db, draft) if "重复统计" in f.message]
    assert len(found) == 1 and found[0].level == ERROR and found[0].part == "advisor"
    assert draft.texts["advisor"][found[0].position:].startswith("{村法律顾问参与调处纠纷件数}")
    checked = report.build_draft(db, 2023, dict(report.load_texts(db, 2023), reviewed="advisor"))
    assert [f.level for f in check_records(db, checked) if "重复统计" in f.message] == [NOTICE]
    left_out = report.build_draft(db, 2023, dict(report.load_texts(db, 2023), advisor=report.ADVISOR_TEMPLATE.replace("参与民间纠纷调处{村法律顾问参与调处纠纷件数}件，", "")))
    assert [f.level for f in check_records(db, left_out) if "重复统计" in f.message] == [NOTICE]


# ---------------------------------------------------------------------------
# Lines that break where a reader expects

# Each paragraph puts a span across the end of its first line (26 字 after the two-字 indent): without care it breaks inside.
SPANS = ["习近平", "截止日期：2023年12月31日", "（2023）赵人调字第12号", "2023年12月31日", "（第三十三条）"]
FILLER = "经过认真梳理全镇各项工作任务落实情况和存在问题深入分析原因研究"


def crossing(span: str) -> str:
    width = sum(1 if ord(c) > 0x2E7F else 0.5 for c in span)
    return FILLER[: int(26 - width / 2)] + span + "以后各项工作继续推进。"


def spans_broken(lines: list[str], spans: list[str]) -> list[str]:
    """The spans not found whole on one line (lines as printed, spaces and joiners dropped)."""
    lines = [re.sub(r"[\s\u2060\u200b]", "", line) for line in lines]
    return [span for span in spans if not any(span in line for line in lines)]


def test_the_spans_a_line_never_breaks_inside():
    text = "学习习近平总书记讲话，截止日期：2023年12月31日，（2023）赵人调字第12号案件于2024年1月5日办结，成功率88.5%（161/182）。"
    found = [text[a:b] for a, b in whole_spans(text)]
    assert found == ["习近平", "截止日期：2023年12月31日", "（2023）赵人调字第12号", "2024年1月5日", "（161/182）"]


@LIBREOFFICE
def test_libreoffice_breaks_no_span_and_stretches_no_line(db, tmp_path):
    """Rendered through LibreOffice (pdftotext -bbox): every span whole on one line, and no line letter-spaced
    (a run of Chinese characters keeps the grid's pitch of 15.75 pt: left-aligned, never justified)."""
    fill_known_ledger(db)
    texts = dict(report.load_texts(db, 2023), other="\n".join(crossing(span) for span in SPANS))
    draft = report.build_draft(db, 2023, texts)
    pdf = render_pdf(write_docx(draft, tmp_path / "报告.docx"), tmp_path)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert spans_broken(text.splitlines(), SPANS) == []
    assert spans_broken(text.splitlines(), ["鲁山县人民政府："]) == []
    assert letter_spaced(pdf) == []


def letter_spaced(pdf) -> list[str]:
    """Runs of body text (16 pt) whose characters stand wider apart than the grid's 15.75 pt."""
    spaced = []
    for line in pdf_lines(pdf):
        for x0, x1, word in line.words:
            chinese = [c for c in word if ord(c) > 0x2E7F]
            if len(word) >= 4 and len(chinese) == len(word) and 15 < (x1 - x0) / len(word) < 18 and (x1 - x0) / len(word) > 15.75 + 0.3:
                spaced.append(word)
    return spaced


@LIBREOFFICE
def test_libreoffice_keeps_names_and_dates_of_a_case_file_whole(db, tmp_path):
    from zhaocun_desktop.documents import build_case_documents, write_case_docx

    fill_demo(db)
    case_id = db.execute("SELECT id FROM mediation_case WHERE result = '调解成功' AND agreement = '书面' ORDER BY length(agreement_text) DESC, id LIMIT 1").fetchone()[0]
    document = build_case_documents(db, case_id, ["卷宗"])
    pdf = render_pdf(write_case_docx(db, case_id, ["卷宗"], tmp_path / "卷宗.docx"), tmp_path)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    wanted = [span for block in document.blocks if block.kind not in ("table", "title") for span in (block.text[a:b] for a, b in whole_spans(block.text, document.people))]
    assert len(wanted) > 10 and spans_broken(text.splitlines(), wanted) == []
    assert letter_spaced(pdf) == []


def test_the_preview_keeps_the_spans_whole_too(qtbot, db, tmp_path):
    from zhaocun_desktop.gui.report_print import write_pdf

    fill_known_ledger(db)
    draft = report.build_draft(db, 2023, dict(report.load_texts(db, 2023), other="\n".join(crossing(span) for span in SPANS)))
    write_pdf(draft, str(tmp_path / "报告.pdf"))
    assert spans_broken([line.text for line in pdf_lines(tmp_path / "报告.pdf")], SPANS) == []
