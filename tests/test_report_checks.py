"""Each self-check fires on a crafted example and stays quiet on clean data."""

import pytest

from report_data import fill_known_ledger
from zhaocun_desktop import records, report
from zhaocun_desktop.registers import ENFORCEMENT_CERTIFICATE, ENFORCEMENT_STAFF, MEDIATION_CASE
from zhaocun_desktop.report_checks import ERROR, check_records, check_texts, run_checks


@pytest.fixture
def known(db):
    return fill_known_ledger(db, with_meetings=True)


def findings_for(db, **texts):
    merged = dict(report.load_texts(db, 2023), **texts)
    return check_texts(report.build_draft(db, 2023, merged))


def test_clean_texts_raise_no_error(db, known):
    assert [f for f in findings_for(db) if f.level == ERROR] == []


def test_the_reference_reports_own_defects_are_caught(db, known):
    found = findings_for(
        db,
        intro="2022年，在县委县政府的坚强领导下……现将2022年度法治政府建设工作汇报如下：",
        duties="排查调处各类矛盾纠纷183件，调处成功161件，受理群众来信来访件，按时办结率100%。[bookmark: _GoBack]",
    )
    messages = [str(f) for f in found if f.level == ERROR]
    assert any("导语" in m and "2022年" in m for m in messages)
    assert any("矛盾纠纷183" in m and "5" in m for m in messages)
    assert any("调处成功161" in m and "3" in m for m in messages)
    assert any("来信来访件" in m and "缺少数字" in m for m in messages)
    assert any("按时办结率100" in m for m in messages)  # 66.7% in the ledger
    assert any("[bookmark" in m for m in messages)
    assert all(f.part for f in found)


def test_next_year_is_allowed_in_the_plans_only(db, known):
    assert not [f for f in findings_for(db, plans="（一）2024年争取持证率达到100%。") if f.level == ERROR]
    assert [f for f in findings_for(db, duties="2024年的计划") if "2024年" in f.message]


def test_unknown_placeholder_and_omitted_sentence(db, known):
    found = findings_for(db, mediation="共{不存在}件。到省信访{到省信访人次}人次。")
    assert any("不存在" in f.message and f.level == ERROR for f in found)
    assert any("已省略" in f.message and f.level != ERROR for f in found)


def test_record_checks_point_at_the_records(db, known):
    draft = report.build_draft(db, 2023)
    found = {f.message.split("，")[0]: f for f in check_records(db, draft)}
    open_cases = next(f for f in found.values() if "调解中" in f.message)
    assert open_cases.register == MEDIATION_CASE.key and len(open_cases.record_ids) == 1
    expired = next(f for f in found.values() if "已过期" in f.message)
    assert expired.register == ENFORCEMENT_CERTIFICATE.key and len(expired.record_ids) == 1 and expired.level == ERROR
    assert any("未持证" in f.message for f in found.values())


def test_record_checks_are_quiet_on_clean_records(db):
    records.save_settings(db, dict(town="赵村镇", county="鲁山县", office="所", signer="赵村镇人民政府", report_year="2023"))
    records.insert(db, ENFORCEMENT_STAFF, dict(name="甲", unit="队", in_post="是"))
    records.insert(db, ENFORCEMENT_CERTIFICATE, dict(holder="甲", cert_no="1", valid_from="2022-01-01", valid_until="2030-01-01"))
    records.insert(db, MEDIATION_CASE, dict(accepted="2023-01-10", village="甲村", org="村调委会", dispute_type="邻里", parties="甲与乙",
                                            result="调解成功", agreement="书面", closed="2023-01-11", case_no="（2023）甲人调字第1号"))
    assert check_records(db, report.build_draft(db, 2023)) == []


def test_missing_required_data_is_found(db, known):
    db.execute("UPDATE mediation_case SET village = NULL, village_id = NULL WHERE accepted = '2023-05-10'")
    found = [f for f in run_checks(db, report.build_draft(db, 2023)) if "缺少必填项" in f.message]
    assert found and found[0].register == MEDIATION_CASE.key and len(found[0].record_ids) == 1


def test_certificates_as_of_a_day(db):
    import datetime as dt

    records.insert_many(db, ENFORCEMENT_STAFF, [dict(name=n, unit="队", in_post="是") for n in "甲乙丙"])
    records.insert_many(db, ENFORCEMENT_CERTIFICATE, [
        dict(holder="甲", cert_no="1", valid_from="2021-01-10", valid_until="2024-01-10"),
        dict(holder="乙", cert_no="2", valid_from="2021-03-01", valid_until="2024-03-01"),
        dict(holder="丙", cert_no="3", valid_from="2022-01-01", valid_until="2025-01-01"),
    ])  # fmt: skip
    draft = report.build_draft(db, 2023)

    def certificates(day):
        return [(f.level, len(f.record_ids)) for f in check_records(db, draft, certificates_as_of=day) if "执法证" in f.message]

    assert certificates(dt.date(2024, 1, 15)) == [("错误", 1), ("提醒", 1)]
    assert certificates(dt.date(2023, 6, 1)) == []
    # the report's own view: valid on 31 Dec 2023, due after the 成文日期 (25 Jan 2024 by default)
    report.save_texts(db, 2023, {"date": "2024-01-25"})
    by_report = [(f.level, len(f.record_ids)) for f in check_records(db, report.build_draft(db, 2023)) if "执法证" in f.message]
    assert by_report == [("提醒", 1)]


def test_a_certificate_held_by_staff_who_may_not_hold_one(db):
    records.insert_many(db, ENFORCEMENT_STAFF, [dict(name="甲", unit="队", in_post="是", staff_type="劳务派遣"), dict(name="乙", unit="队", in_post="是", staff_type="在编人员")])
    ids = records.insert_many(db, ENFORCEMENT_CERTIFICATE, [
        dict(holder="甲", cert_no="1", valid_from="2022-01-01", valid_until="2026-01-01"),
        dict(holder="乙", cert_no="2", valid_from="2022-01-01", valid_until="2026-01-01"),
    ])  # fmt: skip
    found = [f for f in check_records(db, report.build_draft(db, 2023)) if "不得持有" in f.message]
    assert len(found) == 1 and found[0].record_ids == (ids[0],) and found[0].level == ERROR
