"""Case documents (卷宗) as a county reviewer checks them against the national formats.

Sources (see /work/shared/domain.md): 《中华人民共和国人民调解法》 arts. 3, 4, 7, 23, 24, 26, 29, 31, 33;
最高人民法院《关于人民调解协议司法确认程序的若干规定》法释〔2011〕5号 art. 3; the national 人民调解文书格式
(司法部, 2010) as county templates and filling guides reproduce them (卷宗封面, 卷内目录, 申请书, 受理登记表,
告知书, 调查记录, 调解记录, 协议书, 口头协议登记表, 回访记录, 结案报告表).

Every document is re-opened with python-docx, and the case file is rendered through LibreOffice:
A4, nothing outside the page, and each 卷内目录 page number printed where that document's title is.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from docx import Document

from tests.test_report_docx import SOFFICE, page_lines, render_pdf
from zhaocun_desktop import queries, records, settings as township_settings
from zhaocun_desktop.cli import main
from zhaocun_desktop.demo import fill_demo
from zhaocun_desktop.documents import (
    ART_26_LINE,
    BLANK,
    CASE_FILE,
    KINDS,
    OVERRIDE_FOLDER,
    applicable_kinds,
    build_case_documents,
    check_template,
    file_problems,
    find_case,
    load_case,
    write_case_docx,
)
from zhaocun_desktop.errors import InvalidRecord, UserError
from zhaocun_desktop.registers import FILED_PAPER, MEDIATION_CASE, PARTY, SESSION, VISIT
from zhaocun_desktop.validation import validate_with_children

OUTCOMES = {  # one demo case of every kind of outcome
    "书面协议": "result = '调解成功' AND agreement = '书面'",
    "口头协议": "result = '调解成功' AND agreement = '口头'",
    "不成功": "result = '调解不成功'",
    "中止": "result = '调解中止'",
    "调解中": "result = '调解中'",
}
LIBREOFFICE = pytest.mark.skipif(not SOFFICE or not shutil.which("pdftotext"), reason="LibreOffice and poppler-utils are installed by .ci/run")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from zhaocun_desktop.db import open_db

    database = open_db(tmp_path_factory.mktemp("demo") / "demo.db")
    fill_demo(database)
    yield database
    database.close()


def case_of(db, outcome: str) -> int:
    """A case with that outcome and, where the outcome allows it, a 回访, most 调解 sessions, a third party."""
    where = OUTCOMES[outcome]
    row = db.execute(
        f"SELECT c.id FROM mediation_case c WHERE {where} AND case_no IS NOT NULL ORDER BY "
        f"(SELECT count(*) FROM {VISIT.key} v WHERE v.case_id = c.id) DESC, (SELECT count(*) FROM {SESSION.key} s WHERE s.case_id = c.id) DESC, "
        f"(SELECT count(*) FROM {PARTY.key} p WHERE p.case_id = c.id) DESC, id LIMIT 1"
    ).fetchone()
    return row[0]


def docx_text(path) -> str:
    document = Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts).replace("\u2060", "").replace("\u200b", "")  # the layout's word joiners and break hints


# ---------------------------------------------------------------------------
# A case entered with a distinct text in every field: each document must show its own


PARTIES = [
    dict(role="申请人", name="张三丰", gender="男", ethnicity="汉族", birth_date="1970-03-08", occupation="农民", phone="13800138000",
         address="赵村村三组", id_number="410423197003081235"),
    dict(role="被申请人", name="李四海", gender="女", ethnicity="回族", age=52, occupation="个体经营者", address="赵村村五组"),
]
SESSIONS = [
    dict(session_date="2023-05-06", session_time="9时至11时", session_place="赵村村委会调解室", mediators="王调解", attendees="村委委员赵见证",
         recorder="孙记录", notice="告知权利义务甲", applicant_says="申请人陈述甲", respondent_says="被申请人陈述甲", verified="核实情况甲",
         proposal="调解意见甲", outcome="未达成协议，继续调解"),
    dict(session_date="2023-05-12", session_place="镇调委会调解室", attendees="无", recorder="孙记录", applicant_says="申请人陈述乙",
         respondent_says="被申请人陈述乙", proposal="调解意见乙", outcome="达成协议"),
]


def full_case(db, **changes) -> int:
    """A written agreement reached at its second session, every field its own text; ``changes`` alter it."""
    values = dict(
        case_no="（2023）赵人调字第88号", accepted="2023-05-04", village="赵村村", org="镇调委会", dispute_type="邻里", source="当事人申请",
        parties="张三丰与李四海", people=2, amount=3000, summary="受理时的简要情况", registrar="周登记", request="申请人的请求事项",
        facts="申请人的事实和理由", mediator="王调解", result="调解成功", agreement="书面", agreement_date="2023-05-12",
        agreement_place="协议签订地点", main_facts="协议认定的主要事实", disputed="协议写明的争议事项", liability="协议写明的各方责任",
        agreement_text="一、李四海于2023年5月22日前给付张三丰3000元；\n二、双方再无争议。", performance_way="一次性给付", performance_place="赵村村委会",
        performance_due="2023-05-22", performance="已履行", closed="2023-05-30", confirm_applied="2023-05-20", confirm_result="确认有效",
        confirmed=True, mediation_party=PARTIES, mediation_session=SESSIONS,
        mediation_inquiry=[dict(inquiry_date="2023-05-05", inquiry_place="李四海家", persons="邻居钱见闻", investigator="王调解", recorder="孙记录",
                                content="调查所得的内容")],
        mediation_performance=[dict(performed_on="2023-05-21", how="当面给付3000元", proof="收条1张")],
        mediation_visit=[dict(visit_date="2023-06-20", visitor="吴回访", situation="回访所见情况", carried_out=True, satisfied=True)],
        mediation_paper=[dict(paper="当事人身份证明", pages=2, description="两人身份证复印件"), dict(paper="证据材料", pages=3, description="照片三张"),
                         dict(paper="履行凭证", pages=1), dict(paper="司法确认申请书", pages=2), dict(paper="司法确认决定书", pages=1)],
    )  # fmt: skip
    values.update(changes)
    if not township_settings.settings(db).get("town"):
        township_settings.save_settings(db, dict(town="赵村镇", county="鲁山县", office="赵村镇司法所", signer="赵村镇人民政府", report_year=2023))
    return records.insert(db, MEDIATION_CASE, values)


def text_of(db, case_id: int, kind: str) -> str:
    return build_case_documents(db, case_id, [kind]).plain_text()


AFTER_MEDIATION = ("协议认定的主要事实", "一、李四海于", "调解意见乙", "达成协议", "调解成功", "确认有效", "回访所见情况")


def test_the_application_is_the_applicants_own_words_before_any_mediation(db):
    """申请书 (人民调解文书格式): 申请人 and 被申请人 with their particulars (姓名、性别、民族、出生日期或年龄、
    职业、住址、联系方式、身份证号), 请求事项, 事实和理由, the committee addressed, the applicant's signature and the
    date of application. It is written before the mediation: it never states its course or outcome."""
    text = text_of(db, full_case(db), "申请书")
    for element in ("人民调解申请书", "申请人：张三丰，男，汉族，1970年3月8日出生，农民，住（单位）赵村村三组，联系电话13800138000，身份证号410423197003081235",
                    "被申请人：李四海，女，回族，52岁，个体经营者", "请求事项：\n申请人的请求事项", "事实和理由：\n申请人的事实和理由",
                    "赵村镇人民调解委员会：", "申请人（签名或盖章）", "2023年5月4日"):  # fmt: skip
        assert element in text, element
    assert not any(later in text for later in AFTER_MEDIATION + ("受理时的简要情况",))


def test_the_register_form_holds_what_was_known_at_acceptance(db):
    """受理登记表: 受理日期, 当事人, 纠纷类型, 案件来源, 纠纷简要情况 (what was known at 受理), 登记人; no outcome."""
    text = text_of(db, full_case(db), "受理登记表")
    for element in ("2023年5月4日", "邻里", "当事人申请", "赵村村", "3,000", "张三丰", "李四海", "13800138000", "受理时的简要情况", "登记人：周登记"):
        assert element in text, element
    assert not any(later in text for later in AFTER_MEDIATION)


def test_the_notice_of_rights_carries_what_the_law_requires(db):
    """告知书: what a 调委会 is (人民调解法 art. 7: 群众性组织), free of charge (art. 4), the principles (art. 3),
    the rights (art. 23) and duties (art. 24) of the parties, the binding force of an agreement (art. 31)
    and the right to 司法确认 within 30 days (art. 33). Given at 受理: no outcome."""
    text = text_of(db, full_case(db), "告知书")
    for article, words in {
        3: "自愿、平等的基础上进行调解", 4: "不收取任何费用", 7: "调解民间纠纷的群众性组织", 23: "选择或者接受人民调解员",
        24: "如实陈述纠纷事实", 31: "具有法律约束力，当事人应当按照约定履行", 33: "三十日内共同向人民法院申请司法确认",
    }.items():  # fmt: skip
        assert words in text, article
    assert "张三丰、李四海：" in text and "告知人：王调解" in text
    assert not any(later in text for later in AFTER_MEDIATION)


def test_each_inquiry_has_its_own_record(db):
    """调查记录: 时间, 地点, 被调查人, 调查人, 记录人, the content; signatures of the person asked, the investigator and the recorder."""
    text = text_of(db, full_case(db), "调查记录")
    for element in ("人民调解调查记录", "2023年5月5日", "李四海家", "邻居钱见闻", "王调解", "孙记录", "调查所得的内容", "被调查人（签名）", "记录人（签名）"):
        assert element in text, element
    assert not any(later in text for later in AFTER_MEDIATION)


def test_each_session_has_its_own_record_and_tells_only_its_own_moment(db):
    """调解记录, one per session: 时间, 地点, 事由, 当事人, 参加人 (the others present — not the 调解员), 调解员, 记录人,
    the 告知 given, each side's statement, what was verified and proposed, and that session's outcome."""
    document = build_case_documents(db, full_case(db), ["调解记录"])
    assert document.kinds == ["调解记录", "调解记录"]
    first, second = (document.blocks[a:b] for a, b in zip(document.starts, document.starts[1:] + [len(document.blocks)]))
    text = lambda blocks: "\n".join(b.text if b.kind != "table" else "\n".join(" | ".join(r) for r in b.rows) for b in blocks)  # noqa: E731
    one, two = text(first), text(second)
    for element in ("2023年5月6日9时至11时", "赵村村委会调解室", "邻里纠纷", "张三丰、李四海", "参加人 | 村委委员赵见证", "调解员 | 王调解",
                    "孙记录", "告知权利义务甲", "申请人陈述甲", "被申请人陈述甲", "核实情况甲", "调解意见甲", "未达成协议，继续调解"):  # fmt: skip
        assert element in one, element
    assert "调解意见乙" not in one and "达成协议\n" not in one and "一、李四海" not in one  # the first session does not know the second
    assert "2023年5月12日" in two and "镇调委会调解室" in two and "参加人 | 无" in two and "调解意见乙" in two and "\n达成协议" in two
    assert "调解员 | 王调解" in two  # the case's mediator when the session names none


def test_a_failed_case_ends_with_the_notice_of_other_ways(db):
    """人民调解法 art. 26: mediation that fails is ended and the parties told they may turn to 仲裁、行政、司法."""
    case_id = full_case(db, result="调解不成功", agreement=None, agreement_date=None, agreement_place=None, confirm_applied=None, confirm_result=None,
                        confirmed=None, performance=None, mediation_session=[dict(SESSIONS[0], outcome="调解不成功，终止调解")],
                        mediation_paper=[], mediation_performance=[])  # fmt: skip
    text = text_of(db, case_id, "调解记录")
    assert "调解不成功，终止调解" in text and ART_26_LINE in text and "仲裁、行政、司法" in ART_26_LINE and "第二十六条" in ART_26_LINE
    blank = records.insert(db, MEDIATION_CASE, dict(accepted="2023-05-04", village="赵村村", org="镇调委会", dispute_type="邻里", parties="甲某与乙某",
                                                     result="调解不成功", closed="2023-05-09"))  # fmt: skip
    assert ART_26_LINE in text_of(db, blank, "调解记录")  # no session recorded: the blank record still carries it
    closing = text_of(db, case_id, "结案报告表")
    assert "调解不成功" in closing and "调解不成功（" not in closing and "无调解协议" in closing


def test_the_agreement_is_dated_signed_and_placed_as_art_29_asks(db):
    """协议书 (人民调解法 art. 29): the parties' particulars; 纠纷主要事实、争议事项及各方责任 as agreed (not the
    受理 summary); the terms; 履行方式、地点、期限; signatures of the parties, the 调解员 and the 记录人, the
    committee's seal; dated on the day it is signed (协议日期, not the 结案日期) at its 协议地点."""
    text = text_of(db, full_case(db), "协议书")
    for element in ("人民调解协议书", "（2023）赵人调字第88号", "身份证号410423197003081235", "协议认定的主要事实", "争议事项：协议写明的争议事项",
                    "各方责任：协议写明的各方责任", "一、李四海于2023年5月22日前给付张三丰3000元；", "一次性给付，履行地点：赵村村委会，于2023年5月22日前履行完毕。",
                    "本协议一式3份", "当事人（签名、盖章或按指印）", "张三丰：", "人民调解员（签名）", "记录人（签名）", "赵村镇人民调解委员会（盖章）",
                    "签订地点：协议签订地点", "2023年5月12日"):  # fmt: skip
        assert element in text, element
    assert "受理时的简要情况" not in text and "2023年5月30日" not in text  # neither the summary nor the 结案日期


def test_an_oral_agreement_is_registered_with_its_agreed_facts_and_date(db):
    """口头协议登记表 (人民调解法 art. 30): parties, the agreed facts, the oral terms, performance, 登记日期 = 协议日期."""
    case_id = full_case(db, agreement="口头", confirm_applied=None, confirm_result=None, confirmed=None,
                        mediation_paper=[dict(paper="当事人身份证明", pages=2)])  # fmt: skip
    text = text_of(db, case_id, "口头协议登记表")
    for element in ("人民调解口头协议登记表", "张三丰", "李四海", "协议认定的主要事实", "协议写明的争议事项", "一、李四海于", "已履行", "2023年5月12日"):
        assert element in text, element


def test_the_visit_and_closing_forms(db):
    """回访记录: 当事人, 协议编号, the visits (who, when, carried out, satisfied), the performance (date, how, proof);
    结案报告表: 卷号, 承办单位, 承办人, 受案和结案时间, 当事人, 案件来源, 纠纷简要事实, 调解结果 with the agreement's form."""
    case_id = full_case(db)
    visit = text_of(db, case_id, "回访记录")
    for element in ("（2023）赵人调字第88号", "2023年6月20日", "吴回访", "回访所见情况", "2023年5月21日", "当面给付3000元", "收条1张"):
        assert element in visit, element
    closing = text_of(db, case_id, "结案报告表")
    for element in ("赵村镇人民调解委员会", "王调解", "2023年5月4日", "2023年5月30日", "当事人申请", "受理时的简要情况", "2次", "调解成功（书面协议）",
                    "2023年5月20日申请，确认有效"):  # fmt: skip
        assert element in closing, element


# ---------------------------------------------------------------------------
# Documents exist only where their event happened


@pytest.mark.parametrize(("changes", "kind", "reason"), [
    (dict(result="调解不成功", agreement=None, agreement_date=None, agreement_place=None, confirm_applied=None, confirm_result=None, confirmed=None,
          performance=None, mediation_performance=[], mediation_paper=[]), "协议书", "没有达成调解协议"),
    (dict(), "口头协议登记表", "书面协议"),
    (dict(agreement="口头", confirm_applied=None, confirm_result=None, confirmed=None, mediation_paper=[]), "协议书", "口头协议"),
    (dict(source="排查发现"), "申请书", "不是当事人申请"),
    (dict(mediation_inquiry=[]), "调查记录", "没有登记调查"),
    (dict(mediation_visit=[]), "回访记录", "还没有回访"),
    (dict(result="调解中", closed=None, agreement=None, agreement_date=None, agreement_place=None, confirm_applied=None, confirm_result=None,
          confirmed=None, performance=None, mediation_performance=[], mediation_visit=[], mediation_paper=[]), "结案报告表", "尚未结案"),
])  # fmt: skip
def test_a_document_the_case_has_not_is_refused_with_the_reason(db, db_path, capsys, tmp_path, changes, kind, reason):
    """Each kind states when it applies; the CLI refuses the others with the reason and exit 2."""
    case_id = full_case(db, **changes)
    with pytest.raises(UserError, match=reason):
        build_case_documents(db, case_id, [kind])
    assert main(["document", "--db", str(db_path), "--case", str(case_id), "--kind", kind, "--out", str(tmp_path / "x.docx")]) == 2
    assert reason in capsys.readouterr().err and not (tmp_path / "x.docx").exists()
    assert kind not in build_case_documents(db, case_id, [CASE_FILE]).kinds


def test_judicial_confirmation_needs_a_written_agreement(db):
    """人民调解法 art. 33 and 法释〔2011〕5号 art. 3: the court confirms the written agreement the parties bring."""
    for changes in (dict(agreement="口头"), dict(agreement="口头", confirm_applied=None, confirm_result=None)):
        with pytest.raises(InvalidRecord) as caught:
            full_case(db, **changes)
        message = str(caught.value)
        assert "司法确认须以书面调解协议申请" in message and "第三十三条" in message
    assert full_case(db, case_no=None, agreement="口头", confirm_applied=None, confirm_result=None, confirmed=None)  # an oral agreement not taken to court


def test_the_case_files_dates_follow_each_other(db):
    """协议日期 not before 受理, 结案 not before the agreement, 履行期限 and 司法确认 after it (art. 33)."""
    for changes, field in ((dict(agreement_date="2023-05-01"), "agreement_date"), (dict(closed="2023-05-10"), "closed"),
                           (dict(performance_due="2023-05-11"), "performance_due"), (dict(confirm_applied="2023-05-11"), "confirm_applied")):  # fmt: skip
        with pytest.raises(InvalidRecord) as caught:
            full_case(db, **changes)
        assert field in caught.value.errors, changes


def test_the_sample_follows_every_rule(demo):
    """Every demo case passes the register's checks with its child rows and leaves a reviewer nothing to send back;
    no oral agreement is taken to court; nothing said before the mediation states its outcome."""
    choices = records.field_choices(demo, MEDIATION_CASE)
    for (case_id,) in demo.execute("SELECT id FROM mediation_case").fetchall():
        file = load_case(demo, case_id)
        raw = dict(file.case, mediation_party=file.parties, mediation_session=file.sessions, mediation_inquiry=file.inquiries,
                   mediation_performance=file.steps, mediation_visit=file.visits, mediation_paper=file.papers)  # fmt: skip
        validate_with_children(MEDIATION_CASE, raw, choices)
        assert file_problems(file) == [], (case_id, file_problems(file))
        summary = file.case["summary"] or ""
        assert "调解" not in summary.replace("请求调解", "") and "达成" not in summary, summary
        if file.case["result"] == "调解成功":
            assert file.sessions[-1]["outcome"] == "达成协议" and file.case["agreement_date"] == file.sessions[-1]["session_date"]
            assert (file.case["performance_due"] or "") >= file.case["agreement_date"]
    oral_confirmed = demo.execute("SELECT count(*) FROM mediation_case WHERE agreement = '口头' AND (confirmed = 1 OR confirm_applied IS NOT NULL)").fetchone()[0]
    assert oral_confirmed == 0 and demo.execute("SELECT count(*) FROM mediation_case WHERE confirmed = 1").fetchone()[0] > 0


# ---------------------------------------------------------------------------
# Demo cases of every outcome


def test_demo_has_parties_visits_and_every_outcome(demo):
    for outcome in OUTCOMES:
        case_id = case_of(demo, outcome)
        assert len(queries.children(demo, PARTY, case_id)) >= 2
    assert queries.children(demo, VISIT, case_of(demo, "书面协议"))
    assert demo.execute(f"SELECT count(*) FROM {PARTY.key} WHERE role = '第三人'").fetchone()[0] > 0


def test_every_shipped_template_uses_known_names_only():
    for kind in KINDS:
        check_template(kind.key)


@pytest.mark.parametrize("outcome", list(OUTCOMES))
def test_every_document_that_applies_is_filled_from_the_case(demo, tmp_path, outcome):
    case_id = case_of(demo, outcome)
    case = queries.get(demo, MEDIATION_CASE, case_id)
    parties = queries.children(demo, PARTY, case_id)
    kinds = applicable_kinds(load_case(demo, case_id))
    for kind in kinds:
        path = write_case_docx(demo, case_id, [kind], tmp_path / f"{kind}.docx")
        text = docx_text(path)
        assert "{" not in text and "}" not in text, (kind, text)
        assert Document(str(path)).paragraphs[0].text or Document(str(path)).tables  # nothing lost at the top
        for party in parties:
            assert party["name"] in text, (kind, party["name"])
        if kind != "申请书":
            assert case["case_no"] in text, kind
    if "协议书" in kinds:
        agreement = docx_text(write_case_docx(demo, case_id, ["协议书"], tmp_path / "a.docx"))
        assert case["agreement_text"].splitlines()[0] in agreement
        applicant = next(p for p in parties if p["role"] == "申请人")
        assert applicant["id_number"] in agreement  # signed by the parties: not masked
    assert ("协议书" in kinds) == (outcome == "书面协议") and ("口头协议登记表" in kinds) == (outcome == "口头协议")
    assert ("结案报告表" in kinds) == (outcome != "调解中")


def test_missing_values_print_as_blanks_for_hand_filling(db):
    case_id = records.insert(db, MEDIATION_CASE, dict(accepted="2023-05-04", village="赵村村", org="镇调委会", dispute_type="邻里",
                                                      parties="张三与李四", result="调解成功", agreement="书面", closed="2023-05-06"))  # fmt: skip
    text = build_case_documents(db, case_id, ["协议书"]).plain_text()
    assert BLANK in text and "张三" in text and "{" not in text


def test_a_wrong_placeholder_is_a_clear_message(db, data_dir):
    case_id = records.insert(db, MEDIATION_CASE, dict(accepted="2023-05-04", village="赵村村", org="镇调委会", dispute_type="邻里",
                                                      parties="张三与李四", result="调解中"))  # fmt: skip
    folder = data_dir / OVERRIDE_FOLDER
    folder.mkdir(parents=True)
    (folder / "告知书.txt").write_text("= 告知书\n# {案件编号}\n甲方：{甲方姓名}\n", encoding="utf-8")
    with pytest.raises(UserError) as caught:
        build_case_documents(db, case_id, ["告知书"])
    message = str(caught.value)
    assert "告知书.txt" in message and "第3行" in message and "“{甲方姓名}”不是可用的名称" in message
    (folder / "告知书.txt").write_text("= 本所告知书\n# {案件编号}\n{当事人信息}\n", encoding="utf-8")
    assert build_case_documents(db, case_id, ["告知书"]).blocks[0].text == "本所告知书"  # the office's wording wins
    (folder / "告知书.txt").write_text("= 书\n|% 宽 | 窄 |\n", encoding="utf-8")
    with pytest.raises(UserError, match="列宽应写成数字"):
        build_case_documents(db, case_id, ["告知书"])


def test_cli_document_by_number_and_kind(demo, tmp_path, capsys):
    case_id = case_of(demo, "书面协议")
    number = queries.get(demo, MEDIATION_CASE, case_id)["case_no"]
    assert find_case(demo, number) == find_case(demo, str(case_id)) == case_id
    path = demo.conn.execute("PRAGMA database_list").fetchone()[2]
    out = tmp_path / "协议.docx"
    assert main(["document", "--db", path, "--case", number, "--kind", "调解协议书", "--kind", "回访记录", "--out", str(out)]) == 0
    assert "人民调解协议书、人民调解回访记录" in capsys.readouterr().out
    assert "人民调解协议书" in docx_text(out) and "人民调解回访记录" in docx_text(out)
    assert main(["document", "--db", path, "--case", number, "--kind", "判决书", "--out", str(out)]) == 2
    assert "没有“判决书”这种文书" in capsys.readouterr().err
    assert main(["document", "--db", path, "--case", "（2099）赵人调字第1号", "--kind", "协议书", "--out", str(out)]) == 2
    assert "找不到案件" in capsys.readouterr().err


# ---------------------------------------------------------------------------
# The 卷内目录 is the file


def test_the_contents_list_the_chosen_documents_and_the_papers_filed_by_hand(db):
    """卷内目录 (人民调解文书格式): every paper of the file in order — 申请书, 告知书, 当事人身份证明, 调查记录,
    证据材料, each 调解记录, 协议书, 履行凭证, 回访记录, 司法确认申请书 and 决定书, 结案报告表, 封底 — with the pages
    each takes; the hand-filed papers take the pages registered for them (归档材料)."""
    case_id = full_case(db)
    document = build_case_documents(db, case_id, [CASE_FILE])
    listed = [(entry.name, entry.page_text) for entry in document.contents]
    names = [name for name, _ in listed]
    assert names == ["人民调解申请书", "人民调解当事人权利义务告知书", "当事人身份证明", "人民调解调查记录（2023年5月5日）", "证据材料",
                     "人民调解记录（2023年5月6日）", "人民调解记录（2023年5月12日）", "人民调解协议书", "履行凭证", "人民调解回访记录",
                     "司法确认申请书", "司法确认决定书", "人民调解结案报告表", "封底"]  # fmt: skip
    numbers = [entry for entry in document.contents if entry.first is not None]
    assert numbers[0].first == 1 and all(a.first + a.pages == b.first for a, b in zip(numbers, numbers[1:]))  # no gap, no overlap
    hand = {entry.name: entry.pages for entry in document.contents if not entry.printed and entry.first}
    assert hand == {"当事人身份证明": 2, "证据材料": 3, "履行凭证": 1, "司法确认申请书": 2, "司法确认决定书": 1}
    table = next(block for block in document.blocks if block.kind == "table" and block.rows[0][:3] == ("序号", "文书名称", "页号"))
    assert [row[1:3] for row in table.rows[1:]] == listed and table.rows[-1][1] == "封底" and table.rows[-1][2] == ""
    assert document.first_number is None  # the cover and the 目录 carry no page number
    assert document.problems == []


def test_a_paper_the_file_needs_but_has_not_registered_is_listed_and_said(db):
    case_id = full_case(db, mediation_paper=[])
    document = build_case_documents(db, case_id, [CASE_FILE])
    entries = {entry.name: entry for entry in document.contents}
    assert entries["当事人身份证明"].first is None and "未登记页数" in entries["当事人身份证明"].note
    assert {"司法确认申请书", "司法确认决定书"} <= set(entries) and "证据材料" not in entries
    assert any("当事人身份证明未在“归档材料”中登记页数" in problem for problem in document.problems)


def test_choosing_another_document_lists_it_and_moves_the_numbers_after_it(db):
    """A document added in 打印文书 is in the 目录 where it belongs, and the pages after it move with it."""
    case_id = full_case(db)
    usual = build_case_documents(db, case_id, [CASE_FILE])
    more = build_case_documents(db, case_id, [CASE_FILE, "受理登记表"])
    before = {e.name: e.first for e in usual.contents}
    after = {e.name: e.first for e in more.contents}
    added = next(e for e in more.contents if e.name == "人民调解受理登记表")
    assert [e.name for e in more.contents].index("人民调解受理登记表") == 1 and added.first == before["人民调解当事人权利义务告知书"]
    assert after["人民调解申请书"] == 1 and after["人民调解当事人权利义务告知书"] == before["人民调解当事人权利义务告知书"] + added.pages
    assert after["人民调解结案报告表"] == before["人民调解结案报告表"] + added.pages
    assert more.kinds[:3] == ["卷宗封面", "申请书", "受理登记表"]


# ---------------------------------------------------------------------------
# Rendered through LibreOffice


def footer_numbers(pdf) -> dict[int, int]:
    """The page number printed in each page's footer ("— n —"), by the PDF's page index."""
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    found = {}
    for page in range(1, int(re.search(r"Pages:\s+(\d+)", info).group(1)) + 1):
        bottom = [text for x, y, text in page_lines(pdf, page) if y > 750]
        number = next((re.fullmatch(r"—\s*(\d+)\s*—", text.replace(" ", "")) for text in bottom if re.fullmatch(r"—\s*\d+\s*—", text.replace(" ", ""))), None)
        if number:
            found[page] = int(number.group(1))
    return found


def first_lines(pdf) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [next((line.replace(" ", "") for line in page.splitlines() if line.strip()), "") for page in text.split("\f")[:-1]]


def assert_contents_match_the_rendering(document, pdf) -> None:
    """Every printed entry's first page number is the number in the footer of the page that starts with its title;
    the pages between two numbered documents are the pages the hand-filed papers take (none printed)."""
    numbers, firsts = footer_numbers(pdf), first_lines(pdf)
    page_of_number = {number: page for page, number in numbers.items()}
    assert 1 not in numbers and 2 not in numbers or document.first_number is not None  # cover and 目录 unnumbered
    for entry in document.contents:
        if not entry.printed:
            assert entry.first is None or entry.first not in page_of_number, entry  # a hand-filed paper's pages are not printed
            continue
        page = page_of_number.get(entry.first)
        assert page is not None, (entry, numbers)
        title = entry.name.split("（")[0]
        assert firsts[page - 1] == title, (entry, firsts[page - 1])
        for extra in range(1, entry.pages):  # its following pages carry the following numbers
            assert numbers.get(page + extra) == entry.first + extra, (entry, numbers)


@LIBREOFFICE
@pytest.mark.parametrize("outcome", list(OUTCOMES))
def test_libreoffice_renders_the_case_file_on_a4_with_its_contents_page_numbers(demo, tmp_path, outcome):
    case_id = case_of(demo, outcome)
    document = build_case_documents(demo, case_id, [CASE_FILE])
    pdf = render_pdf(write_case_docx(demo, case_id, [CASE_FILE], tmp_path / "卷宗.docx"), tmp_path)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert abs(width - 595.3) < 1 and abs(height - 841.9) < 1  # A4
    printed = [entry for entry in document.contents if entry.printed]
    assert pages == 2 + sum(entry.pages for entry in printed)  # cover, 目录, then exactly the pages counted
    text = ""
    for page in range(1, pages + 1):
        for x, y, line in page_lines(pdf, page):
            assert 0 < x < 595 and 0 < y < 842, (page, line)
            text += line
        html = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-bbox", str(pdf), "-"], capture_output=True, text=True).stdout
        right = [float(v) for v in re.findall(r'xMax="([\d.]+)"', html)]
        assert max(right, default=0) <= 595.3 - 20, f"page {page}: text runs into the right edge"
    for party in queries.children(demo, PARTY, case_id):
        assert party["name"] in text
    assert_contents_match_the_rendering(document, pdf)


@LIBREOFFICE
def test_libreoffice_numbers_a_file_with_papers_filed_by_hand_and_an_added_document(db, tmp_path):
    case_id = full_case(db)
    for kinds in ([CASE_FILE], [CASE_FILE, "受理登记表"]):
        document = build_case_documents(db, case_id, kinds)
        folder = tmp_path / str(len(kinds))
        folder.mkdir()
        pdf = render_pdf(write_case_docx(db, case_id, kinds, folder / "卷宗.docx"), folder)
        assert_contents_match_the_rendering(document, pdf)
        numbers = footer_numbers(pdf)
        assert sorted(numbers.values()) != list(range(1, len(numbers) + 1))  # the hand-filed pages are skipped in the numbering


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


@LIBREOFFICE
def test_libreoffice_prints_the_agreements_signatures_with_its_terms(demo, tmp_path):
    pages = [page.replace(" ", "") for page in render_case(demo, long_agreement_case(demo), ["协议书"], tmp_path)]
    assert len(pages) == 2  # the demo's longest agreement: otherwise the test proves nothing
    signatures = _page_with(pages, "人民调解员（签名）")
    assert "当事人（签名、盖章或按指印）" in signatures and "（盖章）" in signatures
    assert "履行完毕" in signatures or "本协议一式" in signatures  # the signature page carries agreed text, not only signatures
    assert "经调解，自愿达成如下协议" in pages[0]


@LIBREOFFICE
def test_libreoffice_keeps_blanks_for_hand_filling_on_their_line(demo, tmp_path):
    case_id = case_of(demo, "书面协议")
    pages = render_case(demo, case_id, ["卷宗"], tmp_path)
    lines = [line.replace(" ", "") for page in pages for line in page.splitlines() if line.strip()]
    recorder = next(line for line in lines if "记录人（签名）" in line)
    assert recorder.endswith("记录人（签名）：＿＿＿＿＿"), recorder  # the underline is not wrapped to a line of its own
    assert not any(set(line) <= {"＿"} for line in lines if len(line) > 6), "a line of nothing but underline"
    cover = next(line for line in lines if "立卷日期" in line)
    assert cover.endswith("＿＿＿＿年＿＿月＿＿日"), cover


def test_filed_papers_are_a_child_register_of_the_case():
    assert FILED_PAPER in MEDIATION_CASE.children and SESSION in MEDIATION_CASE.children


def test_templates_name_the_records_fields_by_their_labels_in_the_description(db):
    """{纠纷类型}, {协议日期}, {调解地点}, {被调查人} …: the description's labels, each filled from its own field (a date in words)."""
    import datetime as dt

    from zhaocun_desktop.documents import (
        LABELLED_CASE_FIELDS,
        LABELLED_INQUIRY_FIELDS,
        LABELLED_SESSION_FIELDS,
        ROW_FIELDS,
        VALUE_NAMES,
        case_values,
        inquiry_values,
        session_values,
    )
    from zhaocun_desktop.registers import INQUIRY, Kind
    from zhaocun_desktop.values import chinese_date

    file = load_case(db, full_case(db))
    for register, keys, record, values in ((MEDIATION_CASE, LABELLED_CASE_FIELDS, file.case, case_values(file)),
                                           (SESSION, LABELLED_SESSION_FIELDS, file.sessions[0], session_values(file, file.sessions[0], False)),
                                           (INQUIRY, LABELLED_INQUIRY_FIELDS, file.inquiries[0], inquiry_values(file.inquiries[0]))):  # fmt: skip
        for key in keys:
            field = register.field(key)
            expected = chinese_date(dt.date.fromisoformat(record[key])) if field.kind is Kind.DATE else str(record[key])
            assert field.label in VALUE_NAMES and values[field.label] == expected, (register.key, key)
    assert ROW_FIELDS["当事人"] == tuple(field.label for field in PARTY.fields)
