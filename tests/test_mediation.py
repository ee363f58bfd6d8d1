"""Case numbers (pattern, proposal, gaps) and what is due on cases, against a real database."""

import datetime as dt

import pytest

from zhaocun_desktop import mediation, records, settings as township_settings
from zhaocun_desktop.due import case_reminders, due_items
from zhaocun_desktop.errors import InvalidRecord
from zhaocun_desktop.registers import MEDIATION_CASE
from zhaocun_desktop.report import build_draft
from zhaocun_desktop.report_checks import check_records

CASE = dict(village="赵村村", dispute_type="邻里", parties="张三与李四", result="调解中")


def add(db, accepted="2023-03-01", org="镇调委会", **change):
    return records.insert(db, MEDIATION_CASE, dict(CASE, accepted=accepted, org=org, **change))


@pytest.fixture
def town(db):
    township_settings.save_settings(db, dict(town="赵村镇", county="鲁山县", office="赵村镇司法所", signer="赵村镇人民政府"))
    return db


@pytest.mark.parametrize(
    "pattern, fragment",
    [("（{年}）{简称}人调字第{号}号", "“{号}”不是可用的名称"), ("（{年}）{简称}人调字第号", "必须含有序号"), ("（{年}{简称}人调字第{n}号", None)],
)
def test_pattern_problems_are_named(pattern, fragment):
    problem = mediation.pattern_problem(pattern)
    assert (problem is None) if fragment is None else (fragment in problem)


def test_a_wrong_placeholder_in_settings_is_a_message_not_a_crash(town):
    with pytest.raises(InvalidRecord) as caught:
        township_settings.save_settings(town, {"case_no_pattern": "（{年}）{镇}人调字第{n}号"})
    assert "“{镇}”不是可用的名称" in caught.value.errors["case_no_pattern"]
    assert township_settings.settings(town)["case_no_pattern"] == "（{年}）{简称}人调字第{n}号"


def test_next_number_per_year_and_committee(town):
    assert mediation.next_case_no(town, "2023-03-01", "镇调委会", "赵村村") == "（2023）赵人调字第1号"
    add(town, case_no="（2023）赵人调字第1号")
    add(town, case_no="(2023)赵人调字第7号")  # half-width brackets read alike
    add(town, accepted="2022-12-30", case_no="（2022）赵人调字第40号")
    assert mediation.next_case_no(town, "2023-05-01", "镇调委会", "赵村村") == "（2023）赵人调字第8号"
    assert mediation.next_case_no(town, "2022-05-01", "镇调委会", None) == "（2022）赵人调字第41号"
    assert mediation.next_case_no(town, "2023-05-01", "村调委会", "赵村村") == "（2023）赵村人调字第1号"
    assert mediation.next_case_no(town, "2023-05-01", "其他", "赵村村") == ""
    township_settings.save_settings(town, {"town_short": "赵村", "case_no_pattern": "赵村镇调〔{年}〕{n}号"})
    assert mediation.next_case_no(town, "2023-05-01", "镇调委会", None) == "赵村镇调〔2023〕1号"
    assert records.proposed_values(town, MEDIATION_CASE, {"accepted": "2023-05-01", "org": "村调委会", "village": "赵村村"}) == {"case_no": "（2023）赵村人调字第1号"}


def test_numbers_are_unique(town):
    add(town, case_no="（2023）赵人调字第1号")
    with pytest.raises(InvalidRecord, match="不能重复"):
        add(town, case_no="（2023）赵人调字第1号")


def test_self_check_lists_gaps_odd_numbers_and_unnumbered_cases(town):
    for number in (1, 2, 5):
        add(town, case_no=f"（2023）赵人调字第{number}号")
    add(town, org="村调委会", case_no="（2023）赵村人调字第2号")
    odd = add(town, case_no="2023-赵-9")
    plain = add(town)
    problems = mediation.number_problems(town, 2023)
    found = {item.kind: item for item in problems}
    gaps = [item.message for item in problems if item.kind == "编号缺号"]
    assert gaps[0].startswith("镇调委会2023年") and "缺第3号、第4号（共2个）" in gaps[0]
    assert gaps[1].startswith("赵村村调委会2023年") and "缺第1号（共1个）" in gaps[1]
    assert found["编号格式"].record_ids == (odd,) and "（2023）赵人调字第1号" in found["编号格式"].message
    assert found["未编号"].record_ids == (plain,)
    findings = check_records(town, build_draft(town, 2023))
    assert any("缺第3号、第4号" in f.message and f.register == MEDIATION_CASE.key for f in findings)


def test_reminders_as_of_a_day(town):
    today = dt.date(2023, 6, 30)
    late = add(town, accepted="2023-05-20")  # 41 days in mediation
    add(town, accepted="2023-06-10")  # 20 days: not yet late
    done = dict(result="调解成功", agreement="书面")
    unvisited = add(town, accepted="2023-05-01", **dict(done, closed="2023-06-05"))  # visit and 司法确认 due 07-05
    visited = add(town, accepted="2023-05-01", **dict(done, closed="2023-06-06"), mediation_visit=[dict(visit_date="2023-06-20", visitor="王调解", carried_out="是", satisfied="是")])
    recent = add(town, accepted="2023-06-01", **dict(done, closed="2023-06-20", agreement="口头"))  # visit due 07-20: not yet
    found = {item.kind: item for item in case_reminders(town, today)}
    assert found["调解"].record_ids == (late,) and found["调解"].due == dt.date(2023, 6, 19)
    assert found["回访"].record_ids == (unvisited,) and found["回访"].due == dt.date(2023, 7, 5)
    assert set(found["司法确认"].record_ids) == {unvisited, visited} and recent not in found["司法确认"].record_ids
    assert found["司法确认"].due == dt.date(2023, 7, 5) and "2023年7月5日" in found["司法确认"].message
    assert not case_reminders(town, dt.date(2023, 5, 1))
    assert [(item.kind, item.record_id) for item in due_items(town, today) if item.kind == "回访"] == [("回访", unvisited)]
    findings = check_records(town, build_draft(town, 2023), certificates_as_of=today)
    assert any("超过30天仍在调解中" in f.message and f.record_ids == (late,) for f in findings)
    assert any("回访" in f.message and f.record_ids == (unvisited,) for f in findings)


def test_case_life_rules(town):
    with pytest.raises(InvalidRecord) as caught:
        add(town, result="调解不成功", closed="2023-04-01", confirm_applied="2023-04-02", performance="已履行", prevented_crime_people="3")
    errors = caught.value.errors
    assert "只有调解成功" in errors["confirm_applied"] and "履行情况" in errors["performance"] and "选“是”" in errors["prevented_crime"]
    with pytest.raises(InvalidRecord) as caught:
        add(town, result="调解成功", agreement="书面", closed="2023-04-01", confirm_result="确认有效")
    assert "申请日期" in caught.value.errors["confirm_result"]


def test_local_dispute_types_are_data_mapped_to_a_national_category(town, tmp_path):
    from zhaocun_desktop.excel.writing import write_template
    from zhaocun_desktop.registers import DISPUTE_TYPES, NATIONAL_CATEGORIES

    assert len(NATIONAL_CATEGORIES) == 15 and {"拖欠农民工工资", "其他劳动争议", "旅游", "电子商务", "其他消费"} <= set(DISPUTE_TYPES)
    assert "劳动争议" not in DISPUTE_TYPES  # the split replaces its parent as a choice
    with pytest.raises(InvalidRecord) as caught:
        township_settings.save_settings(town, {"local_dispute_types": "村务管理=村务"})
    assert "“村务”不是全国统计类别" in caught.value.errors["local_dispute_types"]
    with pytest.raises(InvalidRecord, match="应写成 名称=全国类别"):
        township_settings.save_settings(town, {"local_dispute_types": "村务管理"})
    township_settings.save_settings(town, {"local_dispute_types": "土地承包经营=山林土地\n山林承包＝山林土地\n彩礼返还=婚姻家庭"})
    choices = records.field_choices(town, MEDIATION_CASE)["dispute_type"]
    assert choices[: len(DISPUTE_TYPES)] == DISPUTE_TYPES and choices[len(DISPUTE_TYPES):] == ("土地承包经营", "山林承包", "彩礼返还")
    add(town, dispute_type="彩礼返还")
    add(town, dispute_type="婚姻家庭")
    add(town, dispute_type="欠薪")  # a synonym of 拖欠农民工工资
    add(town, dispute_type="土地承包")  # the old name: the one type it starts
    with pytest.raises(InvalidRecord, match="不在可选项中"):
        add(town, dispute_type="打架斗殴")
    by_type = mediation.cases_by_type(town, dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    assert by_type == {"婚姻家庭": 1, "拖欠农民工工资": 1, "土地承包经营": 1, "彩礼返还": 1}
    by_category = mediation.cases_by_type(town, dt.date(2023, 1, 1), dt.date(2023, 12, 31), national=True)
    assert by_category == {"婚姻家庭": 2, "山林土地": 1, "劳动争议": 1}
    import openpyxl

    book = openpyxl.load_workbook(write_template(town, MEDIATION_CASE, tmp_path / "t.xlsx"))
    assert any(cell.value == "彩礼返还" for column in book["选项"].iter_cols() for cell in column)  # the template offers it


def test_rosters_offer_names_and_an_unknown_name_is_imported_but_flagged(town, tmp_path):
    import openpyxl

    from zhaocun_desktop.excel.importing import commit_import, preview_import
    from zhaocun_desktop.registers import ADVISOR_WORK, LEGAL_ADVISOR, MEDIATOR, VILLAGE

    records.insert(town, VILLAGE, dict(name="赵村村"))
    records.insert_many(town, MEDIATOR, [dict(name="王调解", committee="镇调委会", kind="专职", phone="13800138000"),
                                        dict(name="李调解", committee="村调委会", village="赵村村", kind="兼职")])  # fmt: skip
    records.insert(town, LEGAL_ADVISOR, dict(name="赵律师", advisor_type="村(居)法律顾问", firm="某律所", villages="赵村村"))
    with pytest.raises(InvalidRecord, match="所在村"):
        records.insert(town, MEDIATOR, dict(name="孙调解", committee="村调委会"))
    assert records.roster_names(town, MEDIATION_CASE.field("mediator")) == ["王调解", "李调解"]
    assert records.roster_names(town, ADVISOR_WORK.field("advisor")) == ["赵律师"]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["受理日期", "村(居)", "调解组织", "纠纷类型", "当事人", "调解员", "调解结果"])
    sheet.append(["2023-03-08", "赵村村", "镇调委会", "邻里", "张三与李四", "王调解", "调解中"])
    sheet.append(["2023-03-09", "赵村村", "镇调委会", "邻里", "王五与赵六", "周新人", "调解中"])
    book.save(tmp_path / "cases.xlsx")
    preview = preview_import(town, tmp_path / "cases.xlsx")
    assert not preview.problems
    assert any(note.startswith("调解员“周新人”不在人民调解员中（第3行）") for note in preview.notes)
    assert not any("王调解" in note for note in preview.notes)
    assert commit_import(town, preview)["imported"] == 2  # accepted all the same
