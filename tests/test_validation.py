"""Every validation rule fires on a crafted record and stays quiet on a clean one."""

import pytest

from zhaocun_desktop.errors import InvalidRecord
from zhaocun_desktop.registers import (
    ADVISOR_WORK,
    ENFORCEMENT_CERTIFICATE,
    ENFORCEMENT_STAFF,
    ENFORCEMENT_TRAINING,
    MEDIATION_CASE,
    PARTY,
    PETITION,
    PUBLICITY_EVENT,
    VILLAGE,
)
from zhaocun_desktop.validation import check_record, display_value, validate

CLEAN = {
    MEDIATION_CASE: dict(accepted="2023-05-04", village="赵村村", org="村调委会", dispute_type="邻里", parties="张三与李四",
                         result="调解成功", agreement="书面", closed="2023-05-10"),
    PUBLICITY_EVENT: dict(event_date="2023-03-08", title="普法", event_type="法律咨询", participants="50", passed=""),
    ENFORCEMENT_STAFF: dict(name="王五", unit="执法大队", in_post="是", staff_type="在编人员", post_from="2020-01-01"),
    ENFORCEMENT_CERTIFICATE: dict(holder="王五", cert_no="豫001", valid_from="2022-01-01", valid_until="2025-01-01"),
    ENFORCEMENT_TRAINING: dict(train_date="2023-01-02", content="培训", participants="20", passed="18"),
    ADVISOR_WORK: dict(work_date="2023-02-02", advisor_type="村(居)法律顾问", advisor="赵律师", village="赵村村", work_type="代理诉讼", quantity="1", result="胜诉"),
    PETITION: dict(reg_date="2023-04-01", level="到市", status="已办结", done_date="2023-05-01"),
    VILLAGE: dict(name="赵村村", demo_village="是", demo_level="省级"),
    PARTY: dict(role="申请人", name="张三", gender="男", birth_date="1990-03-08", id_number="410423199003081234", phone="13800138000"),
}  # fmt: skip


@pytest.mark.parametrize("register", list(CLEAN), ids=lambda r: r.key)
def test_clean_records_pass(register):
    clean, errors = check_record(register, CLEAN[register])
    assert errors == {}


@pytest.mark.parametrize("register", list(CLEAN), ids=lambda r: r.key)
def test_every_required_field_is_required(register):
    for field in register.fields:
        if field.required:
            raw = dict(CLEAN[register], **{field.key: ""})
            _, errors = check_record(register, raw)
            assert "必填" in errors.get(field.key, ""), field.key


BROKEN = [
    (MEDIATION_CASE, dict(closed="2023-05-01"), "closed", "不能早于受理日期"),
    (MEDIATION_CASE, dict(result="调解中"), "closed", "还没有结案日期"),
    (MEDIATION_CASE, dict(closed=""), "closed", "请填写结案日期"),
    (MEDIATION_CASE, dict(agreement=""), "agreement", "协议形式"),
    (MEDIATION_CASE, dict(result="调解不成功", agreement="", confirmed="是"), "confirmed", "司法确认"),
    (MEDIATION_CASE, dict(dispute_type="打架"), "dispute_type", "不在可选项中"),
    (PARTY, dict(id_number="410423199003081235"), "id_number", "校验位"),
    (PARTY, dict(phone="123"), "phone", "手机号"),
    (PARTY, dict(birth_date="1991-03-08"), "birth_date", "不一致"),
    (PARTY, dict(role="证人"), "role", "不在可选项中"),
    (MEDIATION_CASE, dict(amount="很多"), "amount", "不是金额"),
    (PUBLICITY_EVENT, dict(participants="10", passed="12"), "passed", "不能多于参加人数"),
    (ENFORCEMENT_TRAINING, dict(passed="30"), "passed", "不能多于参加人数"),
    (ENFORCEMENT_CERTIFICATE, dict(valid_until="2021-01-01"), "valid_until", "不能早于发证日期"),
    (ENFORCEMENT_CERTIFICATE, dict(valid_until=""), "valid_until", "必填"),
    (ENFORCEMENT_STAFF, dict(post_until="2019-01-01"), "post_until", "不能早于到岗日期"),
    (ADVISOR_WORK, dict(work_type="走访"), "result", "只有“代理诉讼”"),
    (ADVISOR_WORK, dict(village=""), "village", "所在村(居)"),
    (ADVISOR_WORK, dict(quantity="0"), "quantity", "不能小于 1"),
    (PETITION, dict(done_date="2023-03-01"), "done_date", "不能早于受理日期"),
    (PETITION, dict(done_date=""), "done_date", "请填写办结日期"),
    (VILLAGE, dict(demo_village="否"), "demo_level", "示范村"),
]


@pytest.mark.parametrize("register, change, key, fragment", BROKEN, ids=lambda x: getattr(x, "key", None) if hasattr(x, "fields") else None)
def test_rule_fires_with_its_message(register, change, key, fragment):
    _, errors = check_record(register, dict(CLEAN[register], **change))
    assert key in errors and fragment in errors[key], errors


def test_validate_raises_with_labels():
    with pytest.raises(InvalidRecord) as caught:
        validate(MEDIATION_CASE, dict(CLEAN[MEDIATION_CASE], parties=""))
    assert caught.value.errors == {"parties": "必填，请填写"}
    assert "当事人：必填" in str(caught.value)


def test_clean_values_are_normalised():
    clean = validate(MEDIATION_CASE, dict(CLEAN[MEDIATION_CASE], accepted="2023年5月4日", dispute_type="邻里纠纷", result="成功", people="３"))
    assert clean["accepted"] == "2023-05-04"
    assert clean["dispute_type"] == "邻里"
    assert clean["result"] == "调解成功"
    assert clean["people"] == 3


def test_display_masks_unless_revealed():
    id_field, phone_field = PARTY.field("id_number"), PARTY.field("phone")
    assert display_value(id_field, "410423199003081234") == "410423********1234"
    assert display_value(id_field, "410423199003081234", reveal=True) == "410423199003081234"
    assert display_value(phone_field, "13800138000") == "138****8000"
    assert display_value(MEDIATION_CASE.field("confirmed"), 1) == "是"
    assert display_value(MEDIATION_CASE.field("amount"), 12000.0) == "12,000"


def test_text_longer_than_the_field_allows_is_refused():
    from zhaocun_desktop.registers import MEDIATION_CASE
    from zhaocun_desktop.validation import check_record

    base = dict(accepted="2023-03-08", village="赵村村", org="村调委会", dispute_type="邻里", parties="甲与乙", result="调解中")
    assert not check_record(MEDIATION_CASE, {**base, "summary": "长" * 10_000})[1]
    errors = check_record(MEDIATION_CASE, {**base, "summary": "长" * 10_001, "parties": "当" * 256, "people": float("inf")})[1]
    assert "10,000" in errors["summary"] and "255" in errors["parties"] and "过大" in errors["people"]


def test_a_date_field_accepts_its_register_range_only():
    """Work dates from 1950; a party's 出生日期 from 1900 (an elderly party of a village dispute)."""
    from zhaocun_desktop.registers import BY_KEY, PARTY
    from zhaocun_desktop.validation import parse_field

    petition = BY_KEY["petition"]
    received = next(field for field in petition.fields if field.kind.value == "date" and field.required)
    birth = next(field for field in PARTY.fields if field.key == "birth_date")
    assert parse_field(petition, received, 44993) == "2023-03-08"
    with pytest.raises(ValueError, match="读作 1905-07-15"):
        parse_field(petition, received, 2023.3)
    assert parse_field(PARTY, birth, "1936-05-01") == "1936-05-01"
    with pytest.raises(ValueError, match="1900—2099"):
        parse_field(PARTY, birth, "1899-01-01")
