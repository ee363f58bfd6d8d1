"""Each self-check fires on a crafted example and stays quiet on clean data."""

import pytest
from report_data import fill_known_ledger

from zhaocun_desktop import records, report, settings as township_settings
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
    assert all(f.part or f.where in ("签发人", "设置") for f in found)  # each points at a text to fix, the 签发人 box or 设置


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
    township_settings.save_settings(db, dict(town="赵村镇", county="鲁山县", office="所", signer="赵村镇人民政府", report_year="2023"))
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
    by_report = {f.message[-8:]: (f.level, f.record_ids) for f in check_records(db, report.build_draft(db, 2023)) if "执法证" in f.message}
    assert sorted(by_report.values()) == [("提醒", (1,)), ("提醒", (2,))]  # 甲 lapsed before the 成文日期; 乙 due within 90 days
    assert any("成文日期（1月25日）前已到期" in f.message and f.record_ids == (1,) for f in check_records(db, report.build_draft(db, 2023)))

def test_a_certificate_held_by_staff_who_may_not_hold_one(db):
    records.insert_many(db, ENFORCEMENT_STAFF, [dict(name="甲", unit="队", in_post="是", staff_type="劳务派遣"), dict(name="乙", unit="队", in_post="是", staff_type="在编人员")])
    ids = records.insert_many(db, ENFORCEMENT_CERTIFICATE, [
        dict(holder="甲", cert_no="1", valid_from="2022-01-01", valid_until="2026-01-01"),
        dict(holder="乙", cert_no="2", valid_from="2022-01-01", valid_until="2026-01-01"),
    ])  # fmt: skip
    found = [f for f in check_records(db, report.build_draft(db, 2023)) if "不得持有" in f.message]
    assert len(found) == 1 and found[0].record_ids == (ids[0],) and found[0].level == ERROR


# --- The reference report, pasted part by part, against the ledger it was written from ---------


@pytest.fixture
def reference(db):
    from reference_ledger import fill_reference_ledger

    fill_reference_ledger(db)


def reference_findings(db, **texts):
    from reference_ledger import REFERENCE_TEXTS

    merged = dict(report.load_texts(db, 2023), **REFERENCE_TEXTS)
    merged.update(texts)
    return run_checks(db, report.build_draft(db, 2023, merged))


def messages(found, level=None):
    return [str(f) for f in found if level is None or f.level == level]


def test_pasted_reference_defects_are_each_found(db, reference):
    found = reference_findings(db)
    errors, notices = messages(found, ERROR), messages(found, "提醒")
    assert any("导语" in m and "“2022年”" in m for m in errors)
    assert any("来信来访件" in m and "缺少数字" in m and "6" in m for m in errors)
    assert any("[bookmark" in m for m in errors)
    for typo, right in (("村规民", "村规民约"), ("一列制度", "一系列制度"), ("法制宣传", "法治宣传"), ("村二委", "村两委"), ("执证上岗", "持证上岗")):
        assert any(f"“{typo}”宜写作“{right}”" in m for m in notices), typo
    assert any("达到上级要求" in m and "没有具体数字" in m for m in notices)
    assert any("按时办结率100%" in m and "分子分母" in m for m in notices)
    assert all(f.part or f.register or f.where in ("设置", "签发人") for f in found)
    text_findings = [f for f in found if f.part and f.position is not None]
    assert text_findings and all(0 <= f.position < len(reference_texts_of(db)[f.part]) for f in text_findings)


def reference_texts_of(db):
    from reference_ledger import REFERENCE_TEXTS

    return dict(report.load_texts(db, 2023), **REFERENCE_TEXTS)


def test_pasted_reference_figures_that_agree_raise_nothing(db, reference):
    errors = messages(reference_findings(db), ERROR)
    for fine in ("10余场次", "讲座8场次", "审查合同8份", "咨询5件", "300余", "1000余", "183件", "161件", "58件", "35件", "进京访1", "到市信访2", "成功率100%"):
        assert not any(fine in m for m in errors), (fine, errors)


def test_each_typed_number_is_judged_by_its_own_phrase(db, reference):
    advisor = "审查合同（协议）300份，解答法律咨询1000人次，政府法律顾问审查合同9份，接受镇人民政府依法行政法律咨询5件。"
    errors = messages(reference_findings(db, advisor=advisor), ERROR)
    contracts = [m for m in errors if "审查合同（协议）300" in m]
    assert len(contracts) == 1 and "村法律顾问审查合同份数为306" in contracts[0]  # not the government advisor's 8
    consultations = [m for m in errors if "法律咨询1000" in m]
    assert len(consultations) == 1 and "解答法律咨询人次为1024" in consultations[0]  # not the 5 依法行政咨询
    assert any("政府法律顾问审查合同9" in m and "为8" in m for m in errors)
    assert not any("法律咨询5" in m for m in errors)


def test_about_numbers_are_ranges(db, reference):
    def errors_for(typed):
        return [m for m in messages(reference_findings(db, publicity=f"开展法规政策咨询活动{typed}场次。"), ERROR) if "（一）" in m]

    assert not errors_for("10余")  # 12 events
    assert not errors_for("12")
    assert "“20余”应在21至29之间" in errors_for("20余")[0] and "为12" in errors_for("20余")[0]
    assert "为12" in errors_for("10")[0]  # a typed exact number is exact


def test_settings_and_empty_sections_are_errors(db, reference):
    from zhaocun_desktop.report_checks import check_settings

    draft = report.build_draft(db, 2023)
    draft.settings.update(town="", county=" ", signer="")  # a database the first-run wizard never saw
    assert [f.message[:4] for f in check_settings(draft)] == ["镇名未填", "县名未填", "落款单位"]
    found = reference_findings(db, shortcomings="", mediation="召开例会{联席例会次数:余}次。", publicity="   ")
    errors = messages(found, ERROR)
    assert any("二、存在的不足" in m and "本部分为空" in m for m in errors)
    assert any("（一）加强法治宣传" in m and "本部分为空" in m for m in errors)
    db.execute("DELETE FROM joint_meeting")
    errors = messages(reference_findings(db, mediation="召开例会{联席例会次数}次。"), ERROR)
    assert any("（四）" in m and "本部分为空" in m and "数字全为0" in m for m in errors)


def test_sample_text_is_a_reminder_until_marked_reviewed(db, reference):
    found = reference_findings(db, shortcomings=report.SHORTCOMINGS_DEFAULT)
    assert any("二、" in m and "示例文字" in m for m in messages(found))
    found = reference_findings(db, shortcomings=report.SHORTCOMINGS_DEFAULT, reviewed="shortcomings")
    assert not any("二、" in m and "示例文字" in m for m in messages(found))


def test_missing_exam_pass_count_names_the_rows(db, reference):
    db.execute("UPDATE publicity_event SET passed = NULL WHERE event_type = '学法考试'")
    found = run_checks(db, report.build_draft(db, 2023))
    finding = next(f for f in found if f.message.startswith("学法考试合格率未写入报告"))
    assert "未填写合格人数" in finding.message and "2023-06-20 干部学法考试" in finding.message
    assert finding.register == "publicity_event" and len(finding.record_ids) == 1
    assert "合格率" not in report.build_draft(db, 2023).plain_text()


def test_the_office_can_extend_the_wording_list(db, reference, data_dir):
    from zhaocun_desktop.report_checks import OFFICE_WORDING_FILE

    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / OFFICE_WORDING_FILE).write_text("# 本所补充\n综治中心\t综治中心（网格化服务管理中心）\t本县统一称呼\n", encoding="utf-8")
    found = reference_findings(db, duties="（一）思想高度重视\n综治中心统一调度。")
    assert any("“综治中心”宜写作" in m for m in messages(found))


def test_the_date_defaults_into_the_next_year_and_a_date_in_another_year_is_named(db):
    import datetime as dt

    from zhaocun_desktop import report
    from zhaocun_desktop.demo import fill_demo
    from zhaocun_desktop.report_checks import check_settings

    assert report.default_date(2025, dt.date(2026, 12, 7)) == dt.date(2026, 1, 25)  # was 2026-12-07 for a 2025 report
    assert report.default_date(2025, dt.date(2026, 2, 10)) == dt.date(2026, 2, 10)
    assert report.default_date(2026, dt.date(2026, 12, 7)) == dt.date(2027, 1, 25)
    fill_demo(db)
    draft = report.build_draft(db, 2023, dict(report.load_texts(db, 2023), date="2025-12-07"))
    assert [f.message for f in check_settings(draft) if f.where == "成文日期"][0].startswith("成文日期2025年12月7日不在2024年")
    draft = report.build_draft(db, 2023, dict(report.load_texts(db, 2023), date="2024-01-25"))
    assert not [f for f in check_settings(draft) if f.where == "成文日期"]
