"""The report model: templates, the clerk's texts per year, the draft's structure."""

import datetime as dt
import re

import pytest
from report_data import fill_known_ledger

from zhaocun_desktop import figures as fig, report


@pytest.fixture
def known(db):
    return fill_known_ledger(db)


def figures_of(db, year=2023):
    return fig.yearly_figures(db, year)


def test_zero_figures_are_left_out_gracefully(db, known):
    figures = figures_of(db)
    settings = {"town": "赵村镇"}
    filled = report.fill("召开联席例会{联席例会次数}次，多元化解机制形成。排查纠纷{排查调处纠纷件数}件。", figures, settings)
    assert filled.text == "排查纠纷5件。"  # every figure of the first sentence is empty: it goes whole
    assert filled.omitted == ["召开联席例会{联席例会次数}次，多元化解机制形成。"]
    partly = report.fill("召开例会{联席例会次数}次，调处纠纷{排查调处纠纷件数}件。", figures, settings)
    assert partly.text == "调处纠纷5件。" and partly.omitted == ["召开例会{联席例会次数}次，"]
    whole = report.fill("前言。召开例会{联席例会次数}次。后记。", figures, settings)
    assert whole.text == "前言。后记。"
    aside = report.fill("代理诉讼{代理诉讼案件数}件（其中败诉{到省信访人次}件），审查村规民约{审查修订村规民约份数}份。", figures, settings)
    assert aside.text == "代理诉讼3件。"
    listed = report.fill("开展培训{执法业务培训场次}场次、{岗位练兵次数}次练兵，效果好。", figures, settings)
    assert listed.text == "开展培训1场次，效果好。"
    alternative = report.fill("全年进京访{到省信访人次|零}人次。", figures, settings)
    assert alternative.text == "全年进京访零人次。"


def test_unknown_placeholders_are_reported_and_left_visible(db, known):
    filled = report.fill("共{不存在的数字}件。", figures_of(db), {})
    assert filled.unknown == ["不存在的数字"] and "{不存在的数字}" in filled.text


def test_draft_structure_follows_the_reference(db, known):
    draft = report.build_draft(db, 2023)
    kinds = [b.kind for b in draft.blocks]
    assert draft.title == "鲁山县赵村镇人民政府关于2023年法治政府建设情况的报告"
    headings = [b.text for b in draft.blocks if b.kind == "heading1"]
    assert headings == [
        "一、2023年度推进法治政府建设的主要举措和成效",
        "二、2023年度推进法治政府建设存在的不足和原因",
        "三、2023年度党政主要负责人履行推进法治建设第一责任人职责的情况",
        "四、2024年度推进法治政府建设的主要工作安排",
    ]
    subheadings = [b.text for b in draft.blocks if b.kind == "heading2"][:4]
    assert subheadings[0] == "（一）加强法治宣传，推进依法治理" and subheadings[3] == "（四）依法调解纠纷，筑牢维稳防线"
    assert kinds[-2:] == ["signer", "date"] and draft.blocks[-2].text == "赵村镇人民政府"  # no 抄送 unless 设置 names one
    assert ("recipient", "鲁山县人民政府：") in [(b.kind, b.text) for b in draft.blocks]  # 主送机关 by default the county people's government
    text = draft.plain_text()
    assert "2022年" not in text.split("二、")[0]
    assert "排查调处各类矛盾纠纷5件，调处成功3件，调处成功率60%（3/5）" in text
    assert "持证率33.3%（1/3）" in text
    assert "受理群众来信来访4件，按期办结率66.7%（2/3）" in text
    assert "进京访2人次" in text and "到省信访" not in text
    assert "政府法律顾问审查合同8份" in text
    assert not re.search(r"(?<![\d.])0(场次|件|人次|份|个|次|人)", text)
    for bad in ("None", "{", "}", "（）"):
        assert bad not in text, bad


def test_date_follows_gbt9704(db, known):
    assert report.default_date(2023, today=dt.date(2024, 2, 3)) == dt.date(2024, 2, 3)
    assert report.default_date(2023, today=dt.date(2026, 11, 28)) == dt.date(2024, 1, 25)
    report.save_texts(db, 2023, {"date": "2024-01-05"})
    assert next(b.text for b in report.build_draft(db, 2023).blocks if b.kind == "date") == "2024年1月5日"


def test_texts_are_kept_per_year_and_start_from_last_year(db, known):
    assert report.load_texts(db, 2023)["shortcomings"] == report.SHORTCOMINGS_DEFAULT
    report.save_texts(db, 2023, {"shortcomings": "（一）人手不足\n司法所仅两人。", "date": "2024-01-05"})
    assert report.load_texts(db, 2023)["shortcomings"].startswith("（一）人手不足")
    next_year = report.load_texts(db, 2024)
    assert next_year["shortcomings"].startswith("（一）人手不足")  # pre-filled from 2023
    assert next_year["date"] != "2024-01-05"  # but not the date
    draft = report.build_draft(db, 2023)
    assert ("heading2", "（一）人手不足") in [(b.kind, b.text) for b in draft.blocks]
    with pytest.raises(KeyError):
        report.save_texts(db, 2023, {"nonsense": "x"})


@pytest.mark.parametrize("value, text", [(0, "0"), (7, "7"), (9, "9"), (10, "10"), (11, "10余"), (19, "10余"), (306, "300余"),
                                         (300, "300"), (999, "900余"), (1024, "1000余"), (12000, "10000余")])  # fmt: skip
def test_rounding_rule(value, text):
    assert fig.approximate(value) == text


def test_approximate_range_is_what_the_rounding_produces():
    for value in range(11, 3000):
        text = fig.approximate(value)
        if text.endswith("余"):
            low, high = fig.approximate_range(int(text[:-1]))
            assert low <= value <= high


def test_exact_and_rounded_styles(db, known):
    figures = figures_of(db)
    filled = report.fill("受众{宣传受众人次}人次，约{宣传受众人次:余}人次，全角冒号{宣传受众人次：余}人次。", figures, {})
    assert filled.text == "受众450人次，约400余人次，全角冒号400余人次。"
    assert report.fill("共{宣传受众人次:大约}人次。", figures, {}).unknown == ["宣传受众人次:大约"]
    assert report.fill("共{节点宣传咨询活动场次}场次。", figures, {}).text == "共2场次。"  # a name saved texts may still use


def test_reference_year_regenerated_states_figures_as_the_office_wrote_them(db):
    from reference_ledger import fill_reference_ledger

    fill_reference_ledger(db)
    text = report.build_draft(db, 2023).plain_text()
    for wording in (
        "重要时间节点开展法治宣传和相关法规政策咨询活动10余场次",  # 5 节点 events and 7 consultation events
        "联合派出所民警到中小学校开展法治宣传讲座8场次",
        "2023年度政府法律顾问审查合同8份，接受镇人民政府依法行政法律咨询5件",
        "走访行政村29个、382人次", "代理村级民事诉讼案件3件（其中胜诉3件）", "协助修订和审查村规民约19份",
        "参与民间纠纷调处180件", "审查合同（协议）300余份", "解答法律咨询1000余人次", "开展法治讲座8场次",
        "开展法律援助送法进农村3场次", "引导村民走法律援助程序10人次", "联席例会10次",
        "排查调处各类矛盾纠纷183件，调处成功161件", "村级调委会调处58件", "镇调委会调处35件",
        "村、镇两级调委会调处成功率100%（93/93）", "进京访1人次，到省信访1人次，到市信访2人次", "受理群众来信来访6件，按期办结率100%（6/6）",
    ):  # fmt: skip
        assert wording in text, wording
    for defect in ("村规民1", "一列", "法制宣传", "村二委", "执证", "达到上级要求", "来信来访件", "2022", "[bookmark"):
        assert defect not in text, defect


def test_consultation_events_count_as_publicity_and_consultation(db, known):
    from zhaocun_desktop import records
    from zhaocun_desktop.registers import PUBLICITY_EVENT

    before = figures_of(db)["node_events"]
    records.insert(db, PUBLICITY_EVENT, dict(event_date="2023-08-08", title="法律咨询进集市", event_type="法律咨询", occasion="无"))
    records.insert(db, PUBLICITY_EVENT, dict(event_date="2023-08-09", title="送法进村", event_type="送法进村入户"))  # no 宣传节点
    assert figures_of(db)["node_events"] == before + 1


def test_an_exam_without_its_pass_count_drops_the_rate_not_prints_zero(db, known):
    db.execute("UPDATE publicity_event SET passed = NULL WHERE event_type = '学法考试'")
    figures = figures_of(db)
    assert "exam_pass_rate" in figures.missing and "exam_passed" in figures.missing
    text = report.build_draft(db, 2023).plain_text()
    assert "合格率" not in text and "（0/40）" not in text
    assert "参考40人次" in text  # the rest of the sentence stays


def test_study_and_demo_village_sentences_leave_their_lead_in(db, known):
    db.execute("UPDATE village SET demo_village = 0")
    text = report.build_draft(db, 2023).plain_text()
    assert "落实党委中心组学法制度，规范领导干部学法。" in text and "中心组集体学法" not in text
    assert "扎实开展民主法治村创建工作" in text and "示范村" not in text
    from zhaocun_desktop.report_checks import run_checks

    notices = [f.message for f in run_checks(db, report.build_draft(db, 2023)) if "已省略" in f.message]
    assert any("中心组学法次数为0" in m and "中心组学法" in m.split("口径：")[1] for m in notices)  # not silent: says what it counts
    assert any("民主法治示范村个数为0" in m and "是否民主法治示范村" in m for m in notices)


def test_signature_options_recipient_and_other_section(db, known):
    draft = report.build_draft(db, 2023)
    assert draft.sealed and [b.kind for b in draft.blocks[-4:]] == ["blank", "blank", "signer", "date"]
    assert "五、" not in draft.plain_text()
    texts = dict(report.load_texts(db, 2023), seal=report.UNSEALED, recipient="鲁山县司法局", other="（一）其他\n无。")
    draft = report.build_draft(db, 2023, texts)
    assert not draft.sealed and [b.kind for b in draft.blocks[-3:]] == ["blank", "signer", "date"]
    assert draft.blocks[2] == report.Block("recipient", "鲁山县司法局：")
    assert ("heading1", "五、其他需要报告的情况") in [(b.kind, b.text) for b in draft.blocks]
    report.save_texts(db, 2023, {"seal": report.UNSEALED, "recipient": "鲁山县司法局", "reviewed": "plans"})
    assert report.load_texts(db, 2024)["seal"] == report.UNSEALED  # the choice carries over
    assert report.load_texts(db, 2024)["reviewed"] == ""  # the review does not
