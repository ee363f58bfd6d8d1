"""Case documents from demo data: filled from the record, re-opened with python-docx, rendered
through LibreOffice (A4, page count, nothing outside the page); templates the office can adapt."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from docx import Document

from zhaocun_desktop import records
from zhaocun_desktop.cli import main
from zhaocun_desktop.demo import fill_demo
from zhaocun_desktop.documents import BLANK, CASE_FILE, KINDS, OVERRIDE_FOLDER, applicable_kinds, build_case_documents, check_template, find_case, write_case_docx
from zhaocun_desktop.errors import UserError
from zhaocun_desktop.registers import MEDIATION_CASE, PARTY, VISIT

from tests.test_report_docx import SOFFICE, page_lines, render_pdf

OUTCOMES = {  # one demo case of every kind of outcome
    "书面协议": "result = '调解成功' AND agreement = '书面'",
    "口头协议": "result = '调解成功' AND agreement = '口头'",
    "不成功": "result = '调解不成功'",
    "中止": "result = '调解中止'",
    "调解中": "result = '调解中'",
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from zhaocun_desktop.db import open_db

    database = open_db(tmp_path_factory.mktemp("demo") / "demo.db")
    fill_demo(database)
    yield database
    database.close()


def case_of(db, outcome: str) -> int:
    """A case with that outcome and, where the outcome allows it, a 回访 and a third party."""
    where = OUTCOMES[outcome]
    row = db.execute(
        f"SELECT c.id FROM mediation_case c WHERE {where} AND case_no IS NOT NULL ORDER BY "
        f"(SELECT count(*) FROM {VISIT.key} v WHERE v.case_id = c.id) DESC, (SELECT count(*) FROM {PARTY.key} p WHERE p.case_id = c.id) DESC, id LIMIT 1"
    ).fetchone()
    return row[0]


def docx_text(path) -> str:
    document = Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


def test_demo_has_parties_visits_and_every_outcome(demo):
    for outcome in OUTCOMES:
        case_id = case_of(demo, outcome)
        assert len(records.children(demo, PARTY, case_id)) >= 2
    assert records.children(demo, VISIT, case_of(demo, "书面协议"))
    assert demo.execute(f"SELECT count(*) FROM {PARTY.key} WHERE role = '第三人'").fetchone()[0] > 0


def test_every_shipped_template_uses_known_names_only():
    for kind in KINDS:
        check_template(kind.key)


@pytest.mark.parametrize("outcome", list(OUTCOMES))
def test_every_document_is_filled_from_the_case(demo, tmp_path, outcome):
    case_id = case_of(demo, outcome)
    case = records.get(demo, MEDIATION_CASE, case_id)
    parties = records.children(demo, PARTY, case_id)
    for kind in KINDS:
        path = write_case_docx(demo, case_id, [kind.key], tmp_path / f"{kind.key}.docx")
        text = docx_text(path)
        assert "{" not in text and "}" not in text, (kind.key, text)
        assert Document(str(path)).paragraphs[0].text or Document(str(path)).tables  # nothing lost at the top
        for party in parties:
            assert party["name"] in text, (kind.key, party["name"])
        if kind.key in ("受理登记表", "调解记录", "协议书", "口头协议登记表", "回访记录", "卷宗封面"):
            assert case["case_no"] in text, kind.key
    agreement = docx_text(write_case_docx(demo, case_id, ["协议书"], tmp_path / "a.docx"))
    if case["agreement_text"]:
        assert case["agreement_text"].splitlines()[0] in agreement
    applicant = next(p for p in parties if p["role"] == "申请人")
    assert applicant["id_number"] in agreement  # signed by the parties: not masked


def test_the_case_file_holds_what_applies_in_order(demo, tmp_path):
    case_id = case_of(demo, "书面协议")
    case = records.get(demo, MEDIATION_CASE, case_id)
    kinds = applicable_kinds(case, records.children(demo, VISIT, case_id))
    assert kinds[0] == "卷宗封面" and "协议书" in kinds and "口头协议登记表" not in kinds and "回访记录" in kinds
    document = build_case_documents(demo, case_id, [CASE_FILE])
    assert document.kinds == kinds
    assert sum(block.kind == "pagebreak" for block in document.blocks) >= len(kinds) - 1
    contents = next(block for block in document.blocks if block.kind == "table" and block.rows[0][:2] == ("序号", "文书名称"))
    assert [row[1] for row in contents.rows[1:]] == [next(k.title for k in KINDS if k.key == key) for key in kinds[1:]]
    oral = case_of(demo, "口头协议")
    assert "口头协议登记表" in applicable_kinds(records.get(demo, MEDIATION_CASE, oral), [])
    assert "协议书" not in applicable_kinds(records.get(demo, MEDIATION_CASE, case_of(demo, "调解中")), [])


def test_missing_values_print_as_blanks_for_hand_filling(db, tmp_path):
    case_id = records.insert(db, MEDIATION_CASE, dict(accepted="2023-05-04", village="赵村村", org="镇调委会", dispute_type="邻里",
                                                      parties="张三与李四", result="调解中"))  # fmt: skip
    document = build_case_documents(db, case_id, ["协议书"])
    text = document.plain_text()
    assert BLANK in text and "张三" in text and "{" not in text


def test_a_wrong_placeholder_is_a_clear_message(db, data_dir, tmp_path):
    case_id = records.insert(db, MEDIATION_CASE, dict(accepted="2023-05-04", village="赵村村", org="镇调委会", dispute_type="邻里",
                                                      parties="张三与李四", result="调解中"))  # fmt: skip
    folder = data_dir / OVERRIDE_FOLDER
    folder.mkdir(parents=True)
    (folder / "协议书.txt").write_text("= 调解协议书\n# {案件编号}\n甲方：{甲方姓名}\n", encoding="utf-8")
    with pytest.raises(UserError) as caught:
        build_case_documents(db, case_id, ["协议书"])
    message = str(caught.value)
    assert "协议书.txt" in message and "第3行" in message and "“{甲方姓名}”不是可用的名称" in message
    (folder / "协议书.txt").write_text("= 本所调解协议书\n# {案件编号}\n{当事人信息}\n", encoding="utf-8")
    assert build_case_documents(db, case_id, ["协议书"]).blocks[0].text == "本所调解协议书"  # the office's wording wins
    (folder / "协议书.txt").write_text("= 书\n|% 宽 | 窄 |\n", encoding="utf-8")
    with pytest.raises(UserError, match="列宽应写成数字"):
        build_case_documents(db, case_id, ["协议书"])


def test_cli_document_by_number_and_kind(demo, tmp_path, capsys):
    case_id = case_of(demo, "书面协议")
    number = records.get(demo, MEDIATION_CASE, case_id)["case_no"]
    assert find_case(demo, number) == find_case(demo, str(case_id)) == case_id
    path = demo.conn.execute("PRAGMA database_list").fetchone()[2]
    out = tmp_path / "协议.docx"
    assert main(["document", "--db", path, "--case", number, "--kind", "调解协议书", "--kind", "回访记录", "--out", str(out)]) == 0
    assert "人民调解协议书、回访记录" in capsys.readouterr().out
    assert "人民调解协议书" in docx_text(out) and "人民调解回访记录" in docx_text(out)
    assert main(["document", "--db", path, "--case", number, "--kind", "判决书", "--out", str(out)]) == 2
    assert "没有“判决书”这种文书" in capsys.readouterr().err
    assert main(["document", "--db", path, "--case", "（2099）赵人调字第1号", "--kind", "协议书", "--out", str(out)]) == 2
    assert "找不到案件" in capsys.readouterr().err


@pytest.mark.skipif(not SOFFICE or not shutil.which("pdftotext"), reason="LibreOffice and poppler-utils are installed by .ci/run")
@pytest.mark.parametrize("outcome", list(OUTCOMES))
def test_libreoffice_renders_the_case_file_on_a4_with_nothing_cut(demo, tmp_path, outcome):
    case_id = case_of(demo, outcome)
    document = build_case_documents(demo, case_id, [CASE_FILE])
    pdf = render_pdf(write_case_docx(demo, case_id, [CASE_FILE], tmp_path / "卷宗.docx"), tmp_path)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert abs(width - 595.3) < 1 and abs(height - 841.9) < 1  # A4
    assert len(document.kinds) <= pages <= 2 * len(document.kinds)  # each document starts a page, none runs away
    text = ""
    for page in range(1, pages + 1):
        for x, y, line in page_lines(pdf, page):
            assert 0 < x < 595 and 0 < y < 842, (page, line)
            text += line
        html = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-bbox", str(pdf), "-"], capture_output=True, text=True).stdout
        right = [float(v) for v in re.findall(r'xMax="([\d.]+)"', html)]
        assert max(right, default=0) <= 595.3 - 20, f"page {page}: text runs into the right edge"
    for party in records.children(demo, PARTY, case_id):
        assert party["name"] in text


def render_case(db, case_id: int, kinds: list[str], folder) -> list[str]:
    """The case's documents written as .docx, printed by LibreOffice: the text of each page."""
    pdf = render_pdf(write_case_docx(db, case_id, kinds, folder / "文书.docx"), folder)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


def long_agreement_case(db) -> int:
    """A written agreement whose 协议书 takes two pages: the most parties, then the longest terms."""
    return db.execute(
        f"SELECT c.id FROM mediation_case c WHERE {OUTCOMES['书面协议']} AND case_no IS NOT NULL ORDER BY "
        f"(SELECT count(*) FROM {PARTY.key} p WHERE p.case_id = c.id) DESC, length(agreement_text) DESC, id LIMIT 1"
    ).fetchone()[0]


def test_signature_lines_take_the_last_terms_along(demo):
    from zhaocun_desktop.report_docx import keep_with_next

    document = build_case_documents(demo, long_agreement_case(demo), ["协议书"])
    keep = keep_with_next(document)
    texts = [(b.text, k) for b, k in zip(document.blocks, keep) if b.kind != "blank"]
    first_right = next(i for i, b in enumerate(document.blocks) if b.kind == "right")
    assert all(keep[first_right:-1]) and not keep[-1]  # the signature lines stay together
    kept = [text for text, k in texts if k]
    assert any(text.startswith("本协议一式") for text in kept) and any("履行完毕" in text for text in kept)
    assert any(text == "履行方式、地点、期限：" for text in kept)  # a lead-in never ends a page alone


def _page_with(pages: list[str], text: str) -> str:
    return next(page for page in pages if text in page.replace(" ", ""))


@pytest.mark.skipif(not SOFFICE or not shutil.which("pdftotext"), reason="LibreOffice and poppler-utils are installed by .ci/run")
def test_libreoffice_prints_the_agreements_signatures_with_its_terms(demo, tmp_path):
    pages = [page.replace(" ", "") for page in render_case(demo, long_agreement_case(demo), ["协议书"], tmp_path)]
    assert len(pages) == 2  # the demo's longest agreement: otherwise the test proves nothing
    signatures = _page_with(pages, "人民调解员（签名）")
    assert "当事人（签名、盖章或按指印）" in signatures and "（盖章）" in signatures
    assert "履行完毕" in signatures  # the signature page carries agreed text, not only the closing clause
    assert "经调解，自愿达成如下协议" in pages[0]


@pytest.mark.skipif(not SOFFICE or not shutil.which("pdftotext"), reason="LibreOffice and poppler-utils are installed by .ci/run")
def test_libreoffice_keeps_blanks_for_hand_filling_on_their_line(demo, tmp_path):
    case_id = case_of(demo, "书面协议")
    pages = render_case(demo, case_id, ["卷宗"], tmp_path)
    lines = [line.replace(" ", "") for page in pages for line in page.splitlines() if line.strip()]
    recorder = next(line for line in lines if "记录人（签名）" in line)
    assert recorder.endswith("记录人（签名）：＿＿＿＿＿"), recorder  # the underline is not wrapped to a line of its own
    assert not any(set(line) <= {"＿"} for line in lines), "a line of nothing but underline"
    cover = next(line for line in lines if "立卷日期" in line)
    assert cover.endswith("＿＿＿＿年＿＿月＿＿日"), cover


@pytest.mark.skipif(not SOFFICE or not shutil.which("pdftotext"), reason="LibreOffice and poppler-utils are installed by .ci/run")
@pytest.mark.parametrize("outcome", ["书面协议", "不成功"])
def test_the_contents_page_numbers_are_where_libreoffice_prints_each_document(demo, tmp_path, outcome):
    case_id = case_of(demo, outcome)
    document = build_case_documents(demo, case_id, [CASE_FILE])
    contents = next(block for block in document.blocks if block.kind == "table" and block.rows[0][:3] == ("序号", "文书名称", "页号"))
    listed = {row[1]: int(row[2]) for row in contents.rows[1:]}
    assert len(listed) == len(document.kinds) - 1 and all(listed.values())
    firsts = [next((line.replace(" ", "") for line in page.splitlines() if line.strip()), "") for page in render_case(demo, case_id, [CASE_FILE], tmp_path)]
    headings = {"当事人权利义务告知书": "人民调解当事人权利义务告知书", "回访记录": "人民调解回访记录", "口头协议登记表": "人民调解口头协议登记表"}
    assert [firsts.index(headings.get(title, title)) + 1 for title in listed] == list(listed.values()), firsts
