"""The printable list: the rows of the current filter, masked unless revealed, titled by the filter."""

from __future__ import annotations

from county_towns import TRUSTED

from zhaocun_desktop import queries, records, settings as township_settings
from zhaocun_desktop.demo import fill_demo
from zhaocun_desktop.listing import listing_title, printed_list
from zhaocun_desktop.queries import RecordList, RecordQuery
from zhaocun_desktop.registers import MEDIATION_CASE, VILLAGE


def test_the_printed_rows_are_the_filtered_list_masked(db):
    from zhaocun_desktop.registers import ENFORCEMENT_STAFF

    fill_demo(db)
    year = township_settings.settings(db)["report_year"]
    village = queries.village_names(db)[0]
    query = RecordQuery(year=year, village=village, sort_key="accepted", descending=True)
    document = printed_list(db, MEDIATION_CASE, query)
    listed = RecordList(db, MEDIATION_CASE, query, ["case_no", "accepted"])
    rows = listed.rows(0, listed.count)
    assert len(document.rows) == listed.count > 0
    column = {header: i for i, header in enumerate(document.headers)}
    assert [r[column["受理日期"]] for r in document.rows] == [r[2] for r in rows]
    assert {r[column["村(居)"]] for r in document.rows} == {village}  # the name, though stored as an id
    assert f"{year}年" in document.title and village in document.title
    assert f"共 {listed.count} 条" in document.note

    # phone numbers (the parties' ID numbers live in their own register since 当事人 became people)
    staff = RecordList(db, ENFORCEMENT_STAFF, RecordQuery(), ["name", "phone"])
    full_phones = [r[2] for r in staff.rows(0, staff.count) if r[2]]
    masked = printed_list(db, ENFORCEMENT_STAFF, RecordQuery())
    column = {header: i for i, header in enumerate(masked.headers)}
    printed_phones = [r[column["联系电话"]] for r in masked.rows if r[column["联系电话"]]]
    assert full_phones and len(printed_phones) == len(full_phones)
    assert all("*" in printed and printed != full for printed, full in zip(printed_phones, full_phones))
    assert "已遮盖" in masked.note
    revealed = printed_list(db, ENFORCEMENT_STAFF, RecordQuery(), reveal=True)
    assert [r[column["联系电话"]] for r in revealed.rows if r[column["联系电话"]]] == full_phones
    assert "含个人信息" in revealed.note


def test_numbers_typed_into_free_text_are_masked_too_and_empty_columns_left_out(db):
    records.insert_many(db, VILLAGE, [dict(name="赵村村")])
    records.insert(db, MEDIATION_CASE, dict(accepted="2023-03-02", village="赵村村", org="村调委会", dispute_type="邻里",
                                           parties="甲与乙", result="调解中", summary="乙的电话13800138000，身份证410423199001011234"))  # fmt: skip
    document = printed_list(db, MEDIATION_CASE, RecordQuery(search="13800138000"))
    assert len(document.rows) == 1
    text = " ".join(document.rows[0])
    assert "13800138000" not in text and "410423199001011234" not in text and "138****8000" in text
    assert "备注" not in document.headers  # no row fills it
    assert "当事人" in document.headers and len(document.widths) == len(document.headers) == len(document.rows[0])


def test_export_and_print_share_the_title(db):
    query = RecordQuery(year=2023, search="邻里")
    assert listing_title(db, MEDIATION_CASE, query).endswith("调解案件（2023年，含“邻里”）")


def test_a_whole_county_list_says_which_township_each_row_is_from(db, tmp_path):
    from zhaocun_desktop import county_scope
    from zhaocun_desktop.county import rollup
    from zhaocun_desktop.db import open_db
    from zhaocun_desktop.demo import build_demo
    from zhaocun_desktop.package import write_package

    packages = {}
    for town, seed in (("中汤镇", 7), ("瓦屋镇", 11)):
        build_demo(tmp_path / f"{town}.db", seed=seed, town=town)
        own = open_db(tmp_path / f"{town}.db")
        packages[town] = (write_package(own, 2023, tmp_path / f"{town}.zip"), queries.count(own, MEDIATION_CASE, RecordQuery(year=2023)))
        own.close()
    county = rollup.open_county(tmp_path / "县.db")
    try:
        rollup.roll_up(county, [package for package, _ in packages.values()], consent=TRUSTED)
        whole = printed_list(county, MEDIATION_CASE)
        assert whole.headers[:2] == ["乡镇", MEDIATION_CASE.list_fields[0].label]
        assert {town: sum(row[0] == town for row in whole.rows) for town in packages} == {town: count for town, (_, count) in packages.items()}
        county_scope.set_scope(county, county_scope.township_id(county, "中汤镇"))
        one = printed_list(county, MEDIATION_CASE)
        assert "乡镇" not in one.headers and len(one.rows) == packages["中汤镇"][1]
    finally:
        county.close()
    assert "乡镇" not in printed_list(db, MEDIATION_CASE).headers  # a township's own list


def test_identifiers_dates_and_numbers_print_whole_free_text_wraps(db):
    from zhaocun_desktop.listing import prints_whole
    from zhaocun_desktop.registers import ENFORCEMENT_CERTIFICATE, ENFORCEMENT_STAFF

    fill_demo(db)
    cases = printed_list(db, MEDIATION_CASE)
    whole = dict(zip(cases.headers, cases.whole))
    assert whole["案件编号"] and whole["受理日期"] and whole["结案日期"] and whole["涉及金额(元)"]
    assert not whole["简要案情"] and not whole["当事人"] and not whole["调解结果"]
    staff = printed_list(db, ENFORCEMENT_STAFF)
    whole = dict(zip(staff.headers, staff.whole))
    assert whole["联系电话"] and not whole["姓名"]
    assert prints_whole(next(f for f in ENFORCEMENT_CERTIFICATE.fields if f.label == "执法证号"))  # an identifier
