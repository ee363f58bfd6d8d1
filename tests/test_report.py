"""The report model: templates, the clerk's texts per year, the draft's structure."""

import datetime as dt
import re

import pytest

from report_data import fill_known_ledger
from zhaocun_desktop import figures as fig
from zhaocun_desktop import report


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
    assert kinds[-2:] == ["signer", "date"] and draft.blocks[-2].text == "赵村镇人民政府"
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
    assert report.build_draft(db, 2023).blocks[-1].text == "2024年1月5日"


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
