"""The preview, print and GUI PDF: one painter, checked by rendering QPrinter's PDF output."""

from __future__ import annotations

import pytest
from pdf_layout import HAVE_POPPLER, check_report_layout, pdf_lines

from zhaocun_desktop import report
from zhaocun_desktop.demo import fill_demo
from zhaocun_desktop.gui.report_print import write_pdf


@pytest.mark.skipif(not HAVE_POPPLER, reason="poppler-utils is installed by .ci/run")
@pytest.mark.parametrize("seal", [report.SEALED, report.UNSEALED])
def test_pdf_follows_gbt9704(qtbot, db, tmp_path, seal):
    fill_demo(db)
    draft = report.build_draft(db, 2023, dict(report.load_texts(db, 2023), seal=seal))
    pdf = tmp_path / "报告.pdf"
    pages = write_pdf(draft, str(pdf))
    headings = [b.text for b in draft.blocks if b.kind in ("heading1", "heading2")]
    signer, date = (next(b.text for b in draft.blocks if b.kind == kind) for kind in ("signer", "date"))
    measured = check_report_layout(pdf, headings, signer, date, seal == report.SEALED)
    assert measured["pages"] == pages
    text = "".join(line.text for line in pdf_lines(pdf)).replace("\u200b", "")
    # every line printed once (no line of the next page hidden under a clip), digits not spaced apart
    body = "".join(b.text for b in draft.blocks)
    assert text.count("（一）加强法治宣传") == 1
    # a searchable text layer: no Kangxi radicals where the page shows 人, 页 (Noto CJK shares their glyphs)
    assert [c for c in text if 0x2E80 <= ord(c) < 0x2FE0] == [] and "人民政府" in text
    for rate in ("88.9%（168/189）", "持证率"):
        assert rate in text if rate in body else True
    spaced = [line.text for line in pdf_lines(pdf) if not line.text.startswith("—") and line.widest_gap() > 1.0]
    assert spaced == []  # "参考8 8人次，合格率9 6 .6 %" was a line justified letter by letter


def test_pdf_with_recipient_and_other_section(qtbot, db, tmp_path):
    fill_demo(db)
    texts = dict(report.load_texts(db, 2023), recipient="鲁山县司法局", other="（一）其他\n本年度无其他需要报告的情况。")
    pdf = tmp_path / "报告.pdf"
    write_pdf(report.build_draft(db, 2023, texts), str(pdf))
    lines = [line.text for line in pdf_lines(pdf)]
    assert lines[lines.index("鲁山县司法局：") - 1].endswith("报告") or "鲁山县司法局：" in lines
    assert "五、其他需要报告的情况" in lines


@pytest.mark.skipif(not HAVE_POPPLER, reason="poppler-utils is installed by .ci/run")
@pytest.mark.parametrize(
    "town, expected",
    [
        ("赵村镇", ["鲁山县赵村镇人民政府关于", "2023年法治政府建设情况的报告"]),  # was "…法治政府建 / 设情况的报告"
        ("东西南北中发白红旗岭镇", ["鲁山县东西南北中发白红旗岭镇人民政府", "关于2023年法治政府建设情况的报告"]),
    ],
)
def test_pdf_title_breaks_between_words_as_the_docx_does(qtbot, db, tmp_path, town, expected):
    from report_data import SETTINGS

    from zhaocun_desktop import settings as township_settings
    from zhaocun_desktop.report_docx import title_lines, title_names

    township_settings.save_settings(db, dict(SETTINGS, town=town))
    draft = report.build_draft(db, 2023)
    assert title_lines(draft.title, title_names(draft.settings)) == expected  # the lines the .docx has
    pdf = tmp_path / "报告.pdf"
    write_pdf(draft, str(pdf))
    lines = [line.text for line in pdf_lines(pdf)]
    assert lines[:2] == expected


@pytest.mark.skipif(not HAVE_POPPLER, reason="poppler-utils is installed by .ci/run")
def test_pdf_short_title_stays_one_line(qtbot, db, tmp_path):
    fill_demo(db)
    draft = report.build_draft(db, 2023)
    draft.blocks[0] = report.Block("title", "人民政府关于2023年法治政府建设情况的报告")
    pdf = tmp_path / "报告.pdf"
    write_pdf(draft, str(pdf))
    assert pdf_lines(pdf)[0].text == draft.title


@pytest.mark.skipif(not HAVE_POPPLER, reason="poppler-utils is installed by .ci/run")
def test_the_signature_never_stands_on_a_page_alone_and_the_pages_match_the_docx(qtbot, db, tmp_path):
    """Whatever the length of the last section, the 署名 page carries the last paragraph too (the
    first report of a new township had a page of nothing but 署名 and date), in the PDF and in the
    .docx as LibreOffice lays it out, and both have the same number of pages."""
    import shutil

    from test_report_docx import render_pdf

    from zhaocun_desktop.report_docx import write_docx

    fill_demo(db)
    base = report.load_texts(db, 2023)
    for count in range(0, 26):  # every length for the PDF, every fifth through LibreOffice (~2 s each)
        other = "（一）其他\n" + "\n".join(f"第{n + 1}项情况已按要求报告。" for n in range(count))
        draft = report.build_draft(db, 2023, dict(base, other=other) if count else base)
        pdf = tmp_path / f"报告{count}.pdf"
        pages = write_pdf(draft, str(pdf))
        lines = pdf_lines(pdf)
        signer = next(block.text for block in draft.blocks if block.kind == "signer")
        signed = max(line.page for line in lines if line.text == signer)  # the 版记 (抄送) may follow on the last page
        last = [line.text for line in lines if line.page == signed and not line.text.startswith("—")]
        assert signed >= pages - 1 and signer in last and last.index(signer) > 0, (count, last)  # a text line above the 署名
        if shutil.which("soffice") and count % 5 == 0:
            docx = write_docx(draft, tmp_path / f"报告{count}.docx")
            rendered = render_pdf(docx, tmp_path)
            docx_lines = pdf_lines(rendered)
            docx_pages = max(line.page for line in docx_lines)
            docx_signed = max(line.page for line in docx_lines if line.text == signer)
            docx_last = [line.text for line in docx_lines if line.page == docx_signed and not line.text.startswith("—")]
            assert docx_last.index(signer) > 0, (count, docx_last)
            assert docx_pages == pages, (count, docx_pages, pages)
