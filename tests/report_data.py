"""A small ledger whose report figures are known by construction (used by the report tests)."""

from zhaocun_desktop import records, settings as township_settings
from zhaocun_desktop.registers import (
    ADVISOR_WORK,
    ENFORCEMENT_CERTIFICATE,
    ENFORCEMENT_STAFF,
    ENFORCEMENT_TRAINING,
    JOINT_MEETING,
    MEDIATION_CASE,
    PETITION,
    PUBLICITY_EVENT,
    VILLAGE,
)

SETTINGS = dict(town="赵村镇", county="鲁山县", office="赵村镇司法所", signer="赵村镇人民政府", report_year="2023")


def case(accepted, village, org, result, **extra):
    row = dict(accepted=accepted, village=village, org=org, dispute_type="邻里", parties="甲与乙", result=result)
    if result in ("调解成功", "调解不成功", "调解中止"):
        row["closed"] = extra.pop("closed", accepted)
    if result == "调解成功":
        row["agreement"] = "书面"
    row.update(extra)
    return row


def fill_known_ledger(db, with_meetings: bool = False) -> dict:
    """Write the ledger; returns the figures it must produce for 2023."""
    township_settings.save_settings(db, SETTINGS)
    records.insert_many(db, VILLAGE, [dict(name="甲村"), dict(name="乙村", demo_village="是", demo_level="县级"), dict(name="丙村")])
    records.insert_many(db, MEDIATION_CASE, [
        case("2023-01-10", "甲村", "村调委会", "调解成功"),
        case("2023-05-10", "甲村", "村调委会", "调解成功", amount="1.5万"),
        case("2023-12-20", "甲村", "镇调委会", "调解中"),
        case("2023-06-01", "乙村", "镇调委会", "调解成功", confirmed="是"),
        case("2023-07-01", "乙村", "村调委会", "调解不成功"),
        case("2022-12-30", "乙村", "村调委会", "调解成功", closed="2023-01-05"),  # spans the years: counts in 2022
        case("2024-01-01", "甲村", "村调委会", "调解成功"),
    ])  # fmt: skip
    records.insert_many(db, PETITION, [
        dict(reg_date="2023-02-01", level="本镇", status="已办结", done_date="2023-02-20", satisfied="是"),
        dict(reg_date="2023-03-01", level="本镇", status="在办"),  # open: in neither count of the rate
        dict(reg_date="2023-04-01", level="进京", visitors="2", status="已办结", done_date="2023-05-01", satisfied="否"),
        dict(reg_date="2023-06-01", level="本镇", status="已办结", done_date="2023-08-31"),  # 91 days: late
        dict(reg_date="2022-04-01", level="到省", status="已办结", done_date="2022-05-01"),
    ])  # fmt: skip
    records.insert_many(db, ENFORCEMENT_STAFF, [
        dict(name="甲", unit="执法大队", in_post="是", staff_type="在编人员"),
        dict(name="乙", unit="执法大队", in_post="是", staff_type="在编人员"),
        dict(name="丙", unit="自然资源所", in_post="是", staff_type="在编人员"),
        dict(name="丁", unit="党政办", in_post="否", staff_type="在编人员"),
    ])  # fmt: skip
    records.insert_many(db, ENFORCEMENT_CERTIFICATE, [
        dict(holder="甲", cert_no="豫1", valid_from="2022-01-01", valid_until="2025-01-01"),
        dict(holder="乙", cert_no="豫2", valid_from="2020-07-01", valid_until="2023-06-30"),  # expired during the year
        dict(holder="丁", cert_no="豫4", valid_from="2022-01-01", valid_until="2025-01-01"),  # not in a post: not counted
    ])  # fmt: skip
    records.insert_many(db, ADVISOR_WORK, [
        dict(work_date="2023-03-01", advisor_type="政府法律顾问", advisor="王律师", work_type="合同审查", quantity="3"),
        dict(work_date="2023-09-01", advisor_type="政府法律顾问", advisor="王律师", work_type="合同审查", quantity="5"),
        dict(work_date="2023-03-02", advisor_type="村(居)法律顾问", advisor="李律师", village="甲村", work_type="走访", quantity="1", people="4"),
        dict(work_date="2023-04-02", advisor_type="村(居)法律顾问", advisor="李律师", village="甲村", work_type="走访", quantity="1", people="5"),
        dict(work_date="2023-05-02", advisor_type="村(居)法律顾问", advisor="李律师", village="乙村", work_type="走访", quantity="1", people="6"),
        dict(work_date="2023-06-02", advisor_type="村(居)法律顾问", advisor="李律师", village="乙村", work_type="代理诉讼", quantity="2", result="胜诉"),
        dict(work_date="2023-06-03", advisor_type="村(居)法律顾问", advisor="李律师", village="乙村", work_type="代理诉讼", quantity="1", result="未结"),
    ])  # fmt: skip
    records.insert_many(db, PUBLICITY_EVENT, [
        dict(event_date="2023-03-08", title="妇女节宣传", event_type="主题宣传日活动", occasion="3·8妇女节", participants="100", materials="200"),
        dict(event_date="2023-12-04", title="宪法日", event_type="主题宣传日活动", occasion="12·4国家宪法日", participants="50"),
        dict(event_date="2023-05-04", title="校园讲座", event_type="法治进校园", occasion="无", partners="派出所", participants="300"),
        dict(event_date="2023-06-04", title="干部考试", event_type="学法考试", participants="40", passed="38"),
    ])  # fmt: skip
    records.insert_many(db, ENFORCEMENT_TRAINING, [dict(train_date="2023-04-01", content="培训", train_type="培训", hours="3", participants="20")])
    if with_meetings:
        records.insert_many(db, JOINT_MEETING, [dict(meet_date="2023-01-15"), dict(meet_date="2023-02-15")])
    return dict(
        cases=5, cases_success=3, cases_open=1, village_cases=3, village_success=2, town_cases=2, town_success=1,
        judicial_confirmations=1, case_amount=15000, petitions=4, petitions_done=3, petitions_open=1, petitions_on_time=2, petitions_rated=2, petitions_satisfied=1, to_beijing=2, to_province=0,
        posts=3, certified=1, gov_contracts=8, visited_villages=2, visit_people=15, lawsuits=3, lawsuits_won=2,
        publicity_events=4, node_events=2, school_police_events=1, exams=1, exam_takers=40, exam_passed=38,
        materials=200, publicity_people=450, demo_villages=1, trainings=1, training_hours=3, meetings=2 if with_meetings else 0,
    )  # fmt: skip
