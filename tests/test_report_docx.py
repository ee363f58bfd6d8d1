"""The .docx re-opened with python-docx, and rendered by LibreOffice: 22 lines x 28 characters."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt
from report_data import SETTINGS, fill_known_ledger

from zhaocun_desktop import report, settings as township_settings
from zhaocun_desktop.demo import fill_demo
from zhaocun_desktop.errors import UserError
from zhaocun_desktop.report_docx import STYLE_NAMES, choose_fonts, text_width, title_lines, title_width, write_docx

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def east_asia(style) -> str:
    return style.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))


@pytest.fixture
def docx_path(db, tmp_path):
    fill_known_ledger(db)
    return write_docx(report.build_draft(db, 2023), tmp_path / "报告.docx")


def test_page_setup_styles_and_text(docx_path):
    document = Document(str(docx_path))
    section = document.sections[0]
    mm = lambda length: round(length.mm, 1)  # noqa: E731 (stored in twips)
    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
    assert [mm(section.top_margin), mm(section.bottom_margin), mm(section.left_margin), mm(section.right_margin)] == [37, 35, 28, 26]
    assert section._sectPr.find(qn("w:docGrid")).get(qn("w:linePitch")) == "579"

    styles = document.styles
    body, title = styles[STYLE_NAMES["body"]], styles[STYLE_NAMES["title"]]
    assert east_asia(body) == "仿宋_GB2312" and body.font.size == Pt(16)
    assert east_asia(title) == "方正小标宋简体" and title.font.size == Pt(22)
    assert east_asia(styles[STYLE_NAMES["heading1"]]) == "黑体"
    assert east_asia(styles[STYLE_NAMES["heading2"]]) == "楷体_GB2312"
    assert body.paragraph_format.line_spacing == Pt(28.95)
    assert body.element.rPr.find(qn("w:spacing")).get(qn("w:val")) == "-5"
    fonts = body.element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:asciiTheme")) is None and fonts.get(qn("w:hint")) == "eastAsia"

    paragraphs = document.paragraphs
    assert paragraphs[0].style.name == STYLE_NAMES["title"] and paragraphs[0].text.endswith("法治政府建设情况的报告")
    headings = [p.text[:2] for p in paragraphs if p.style.name == STYLE_NAMES["heading1"]]
    assert headings == ["一、", "二、", "三、", "四、"]
    plain = lambda paragraph: paragraph.text.replace("\u2060", "")  # noqa: E731 (word joiners keep dates and names on one line)
    signer = next(i for i, p in enumerate(paragraphs) if p.style.name == STYLE_NAMES["signer"])
    assert plain(paragraphs[signer]) == "赵村镇人民政府" and paragraphs[signer + 1].style.name == STYLE_NAMES["date"]
    assert re.fullmatch(r"20\d\d年[1-9]\d?月[1-9]\d?日", plain(paragraphs[signer + 1]))
    text = "\n".join(p.text for p in paragraphs)
    assert "None" not in text and not re.search(r"(?<![\d.])0(场次|件|人次|份)", text)


def test_footers_hold_page_fields_odd_right_even_left(docx_path):
    document = Document(str(docx_path))
    assert document.settings.odd_and_even_pages_header_footer
    section = document.sections[0]
    for footer, alignment in ((section.footer, "right"), (section.even_page_footer, "left")):
        paragraph = footer.paragraphs[0]
        xml = paragraph._p.xml
        assert "PAGE" in xml and xml.count("w:fldCharType") == 3
        assert paragraph.text.startswith("— ") and paragraph.text.endswith(" —")
        assert str(paragraph.alignment).lower().endswith(alignment.upper()) or alignment in str(paragraph.alignment).lower()


def test_fonts_fall_back_to_what_is_installed():
    settings = {"font_body": "仿宋_GB2312", "font_title": "方正小标宋简体"}
    windows = ["仿宋", "宋体", "黑体", "楷体", "微软雅黑"]
    assert choose_fonts(settings, windows) == {"font_title": "宋体", "font_body": "仿宋", "font_heading1": "黑体", "font_heading2": "楷体", "font_page_number": "宋体"}
    kylin = ["方正书宋_GBK", "方正仿宋_GBK", "方正黑体_GBK", "方正楷体_GBK"]
    assert choose_fonts(settings, kylin) == {"font_title": "方正书宋_GBK", "font_body": "方正仿宋_GBK", "font_heading1": "方正黑体_GBK",
                                             "font_heading2": "方正楷体_GBK", "font_page_number": "方正书宋_GBK"}  # fmt: skip
    uos = ["Noto Sans CJK SC", "Noto Serif CJK SC", "WenQuanYi Micro Hei"]
    assert choose_fonts(settings, uos) == {"font_title": "Noto Serif CJK SC", "font_body": "Noto Serif CJK SC", "font_heading1": "Noto Sans CJK SC",
                                           "font_heading2": "Noto Serif CJK SC", "font_page_number": "Noto Serif CJK SC"}  # fmt: skip
    assert set(choose_fonts(settings, ["文泉驿微米黑"]).values()) == {"文泉驿微米黑"}
    assert choose_fonts(settings)["font_body"] == "仿宋_GB2312"


def test_saving_over_an_open_file_gives_a_message(db, tmp_path, monkeypatch):
    fill_known_ledger(db)
    draft = report.build_draft(db, 2023)
    import os

    def locked(source, target):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", locked)
    with pytest.raises(UserError, match="正在 Word 或 WPS 中打开"):
        write_docx(draft, tmp_path / "报告.docx")


def render_pdf(docx: Path, folder: Path) -> Path:
    profile = folder / "lo-profile"
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf", "--outdir", str(folder), str(docx)],
        check=True, capture_output=True, timeout=180, env=dict(os.environ, HOME=str(folder)),
    )  # fmt: skip
    return folder / (docx.stem + ".pdf")


def page_lines(pdf: Path, page: int) -> list[tuple[float, float, str]]:
    html = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-bbox-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    lines = []
    for block in re.findall(r'<line xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>(.*?)</line>', html, re.S):
        words = "".join(re.findall(r">([^<]*)</word>", block[2]))
        lines.append((float(block[0]), float(block[1]), words))
    return lines


@pytest.mark.skipif(not SOFFICE or not shutil.which("pdftotext"), reason="LibreOffice and poppler-utils are installed by .ci/run")
def test_libreoffice_renders_22_lines_of_28_characters(db, tmp_path):
    fill_demo(db)
    pdf = render_pdf(write_docx(report.build_draft(db, 2023), tmp_path / "报告.docx"), tmp_path)
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout).group(1))
    assert pages >= 3
    middle = 595.3 / 2
    full = 0
    for page in range(1, pages + 1):
        lines = page_lines(pdf, page)
        footer = [line for line in lines if line[2].startswith("—")]
        assert len(footer) == 1 and footer[0][2].replace(" ", "") == f"—{page}—"
        assert (footer[0][0] > middle) == (page % 2 == 1), f"page {page}: odd numbers right, even left"
        body = [line for line in lines if not line[2].startswith("—")]
        if len(body) == 22:  # a full page of body text (a page may end early to keep a heading or a paragraph's end together)
            full += 1
            tops = [line[1] for line in body]
            assert all(abs((b - a) - 28.95) < 0.2 for a, b in zip(tops, tops[1:]))
            cjk_only = [text for _, _, text in body if re.fullmatch(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”、]+", text)]
            assert cjk_only and max(len(text) for text in cjk_only) == 28
    assert full >= 1


@pytest.mark.skipif(not SOFFICE or not shutil.which("pdftotext"), reason="LibreOffice and poppler-utils are installed by .ci/run")
@pytest.mark.parametrize("seal", [report.SEALED, report.UNSEALED])
def test_libreoffice_layout_follows_gbt9704(db, tmp_path, seal):
    from pdf_layout import check_report_layout

    fill_demo(db)
    texts = dict(report.load_texts(db, 2023), seal=seal)
    draft = report.build_draft(db, 2023, texts)
    pdf = render_pdf(write_docx(draft, tmp_path / "报告.docx"), tmp_path)
    headings = [b.text for b in draft.blocks if b.kind in ("heading1", "heading2")]
    date = next(b.text for b in draft.blocks if b.kind == "date")
    signer = next(b.text for b in draft.blocks if b.kind == "signer")
    check_report_layout(pdf, headings, signer, date, seal == report.SEALED, date_width=text_width(date))


def test_rates_may_break_before_their_bracket_in_the_docx(db, tmp_path):
    fill_known_ledger(db)
    document = Document(str(write_docx(report.build_draft(db, 2023), tmp_path / "报告.docx")))
    text = "\n".join(p.text for p in document.paragraphs).replace("\u2060", "")
    assert "60%\u200b（3/5）" in text and "\u200b" not in report.build_draft(db, 2023).plain_text()
    heading = next(p for p in document.paragraphs if p.text.replace("\u2060", "").startswith("（一）"))
    assert heading.paragraph_format.keep_with_next and document.styles[STYLE_NAMES["body"]].paragraph_format.widow_control


def test_signature_indents_follow_7_3_5(db):
    from zhaocun_desktop.report_docx import CHAR_PT, signature_indents

    fill_known_ledger(db)
    texts = report.load_texts(db, 2023)
    sealed = report.build_draft(db, 2023, texts)
    signer, date = signature_indents(sealed)
    assert date == 4 * CHAR_PT  # 成文日期右空四字
    assert abs((date + text_width("2024年1月25日") / 2) - (signer + text_width("赵村镇人民政府") / 2)) < 0.01  # 署名 centred over it
    unsealed = report.build_draft(db, 2023, dict(texts, seal=report.UNSEALED))
    signer, date = signature_indents(unsealed)
    assert signer == 2 * CHAR_PT  # 署名右空二字; the date starts two characters right of it
    assert abs((signer + text_width("赵村镇人民政府")) - (date + text_width("2024年1月25日")) - 2 * CHAR_PT) < 0.01
    # a date longer than the 署名: the date 右空二字, the 署名 moves left
    short = report.build_draft(db, 2023, dict(texts, seal=report.UNSEALED))
    short.settings["signer"] = "某镇政府"
    short.blocks[next(i for i, b in enumerate(short.blocks) if b.kind == "signer")] = report.Block("signer", "某镇政府")
    signer, date = signature_indents(short)
    assert date == 2 * CHAR_PT and abs((signer + text_width("某镇政府")) - (date + text_width("2024年1月25日")) - 2 * CHAR_PT) < 0.01


def test_cli_chooses_the_unsealed_layout(db_path, db, tmp_path):
    from zhaocun_desktop.cli import main

    fill_known_ledger(db)
    assert main(["report", "--db", str(db_path), "--year", "2023", "--seal", "不盖章", "--out", str(tmp_path / "r.docx")]) == 0
    signer = [p for p in Document(str(tmp_path / "r.docx")).paragraphs if p.style.name == STYLE_NAMES["signer"]][0]
    assert signer.paragraph_format.right_indent == Pt(31.5)


# --- the title broken between words (GB/T 9704 7.3.3), the same lines in the .docx and the preview

TOWN = "赵村镇"
LONG_TOWN = "东西南北中发白红旗岭镇"


def test_title_lines_break_between_words_and_balance_them():
    assert title_lines("鲁山县赵村镇人民政府关于2023年法治政府建设情况的报告", ("鲁山县", TOWN)) == ["鲁山县赵村镇人民政府关于", "2023年法治政府建设情况的报告"]
    assert title_lines("赵村镇人民政府关于2023年法治政府建设情况的报告", ("", TOWN)) == ["赵村镇人民政府关于2023年", "法治政府建设情况的报告"]
    assert title_lines("人民政府关于2023年法治政府建设情况的报告") == ["人民政府关于2023年法治政府建设情况的报告"]  # fits: one line
    assert title_lines("人民调解协议书") == ["人民调解协议书"]
    # a long town name keeps its 人民政府 and breaks at a phrase boundary
    lines = title_lines(f"鲁山县{LONG_TOWN}人民政府关于2023年法治政府建设情况的报告", ("鲁山县", LONG_TOWN))
    assert lines == [f"鲁山县{LONG_TOWN}人民政府", "关于2023年法治政府建设情况的报告"]
    # a name longer than a whole line has to break inside itself, and only there
    huge = "东西南北中发白" * 3 + "镇"
    lines = title_lines(f"鲁山县{huge}人民政府关于2023年法治政府建设情况的报告", ("鲁山县", huge))
    assert all(title_width(line) <= 28 * 15.75 for line in lines)
    assert lines[0].startswith("鲁山县东西") and all(any(word in line for line in lines) for word in ("人民政府", "关于", "2023年", "法治政府建设", "情况的报告"))


def _title_paragraph_lines(path) -> list[str]:
    title = Document(str(path)).paragraphs[0]
    assert title.style.name == STYLE_NAMES["title"]
    lines, current = [], ""
    for child in title._p.iter(qn("w:t"), qn("w:br")):
        if child.tag == qn("w:br"):
            lines.append(current)
            current = ""
        else:
            current += child.text
    return lines + [current]


@pytest.mark.parametrize(
    "county, town, expected",
    [
        ("鲁山县", TOWN, ["鲁山县赵村镇人民政府关于", "2023年法治政府建设情况的报告"]),
        ("鲁山县", LONG_TOWN, [f"鲁山县{LONG_TOWN}人民政府", "关于2023年法治政府建设情况的报告"]),
    ],
)
def test_docx_title_has_its_line_break_between_words(db, tmp_path, county, town, expected):
    township_settings.save_settings(db, dict(SETTINGS, county=county, town=town))
    draft = report.build_draft(db, 2023)
    assert draft.title == "".join(expected)  # the model keeps the plain title (checks, file properties)
    assert _title_paragraph_lines(write_docx(draft, tmp_path / "报告.docx")) == expected


def test_docx_short_title_stays_one_line(db, tmp_path):
    township_settings.save_settings(db, SETTINGS)
    draft = report.build_draft(db, 2023)
    draft.blocks[0] = report.Block("title", "人民政府关于2023年法治政府建设情况的报告")  # 20 字: fits the line
    assert _title_paragraph_lines(write_docx(draft, tmp_path / "报告.docx")) == [draft.title]


@pytest.mark.skipif(not SOFFICE or not shutil.which("pdftotext"), reason="LibreOffice and poppler-utils are installed by .ci/run")
def test_docx_title_renders_as_the_chosen_lines(db, tmp_path):
    township_settings.save_settings(db, SETTINGS)
    pdf = render_pdf(write_docx(report.build_draft(db, 2023), tmp_path / "报告.docx"), tmp_path)
    lines = [text.replace(" ", "") for _, _, text in page_lines(pdf, 1)]
    assert lines[:2] == ["鲁山县赵村镇人民政府关于", "2023年法治政府建设情况的报告"]
