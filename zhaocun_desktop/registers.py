"""One description per register (台账): fields, labels, kinds, choices, rules.

Everything else reads these: the schema (``db``), validation (``validation``),
the table columns and the edit form (``gui``), and later the Excel templates,
import checks and exports. Adding a field to a register is one line here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field as dataclass_field
from enum import Enum
from typing import NamedTuple

from zhaocun_desktop.case_numbers import pattern_problem


class Kind(str, Enum):
    """What a field holds; decides its SQL type, its widget and its parser."""

    TEXT = "text"
    MEMO = "memo"  # several lines
    DATE = "date"  # stored as ISO text YYYY-MM-DD
    INT = "int"
    MONEY = "money"  # yuan, REAL
    CHOICE = "choice"
    BOOL = "bool"  # 是 / 否, stored 1 / 0
    VILLAGE = "village"  # a village name, offered from the 村(居) register
    ID_NUMBER = "id_number"  # sensitive: masked in lists and exports
    PHONE = "phone"  # sensitive: masked in lists and exports

    @property
    def sql_type(self) -> str:
        return {Kind.INT: "INTEGER", Kind.BOOL: "INTEGER", Kind.MONEY: "REAL"}.get(self, "TEXT")


EXCEL_CELL_LIMIT = 32_767  # characters an Excel cell holds; every export must fit
# Bounds of a kind unless a field sets its own: a number beyond them is a typo (or inf/1e400).
KIND_MAXIMUM: dict[Kind, float] = {Kind.INT: 1_000_000, Kind.MONEY: 10_000_000_000}
KIND_MAX_LENGTH: dict[Kind, int] = {Kind.TEXT: 255, Kind.VILLAGE: 50, Kind.MEMO: 10_000}
# The dates a register accepts (Field.earliest widens the first for a field such as 出生日期): a ledger's
# work begins after 1950, and a certificate's 有效期至 lies a few years ahead at most
FIRST_DATE, LAST_DATE = dt.date(1950, 1, 1), dt.date(2099, 12, 31)
PEOPLE_MAX = 100_000  # people or person-times in one record (a township has a few 10,000 people)
COUNT_MAX = 10_000  # pieces, sessions, disputes in one record
HOURS_MAX = 1_000  # training hours in one record or one year
YEAR_MAX = 2100


class Field(NamedTuple):
    """One column of a register: immutable, compared by value. A NamedTuple, not a frozen dataclass: defining that
    class cost every start ~2 ms (dataclasses compiles its methods from source), and a field is made in ~1.3 µs, not ~4."""

    key: str
    label: str
    kind: Kind = Kind.TEXT
    required: bool = False
    choices: tuple[str, ...] = ()
    width: int = 100  # table column width in pixels; Excel width is derived from it
    synonyms: tuple[str, ...] = ()  # other headers villages use for this column
    unique: bool = False  # unique when filled in
    hint: str = ""  # placeholder / tooltip in the form
    minimum: int = 0  # for INT
    maximum: float | None = None  # for INT and MONEY; None: the kind's default (KIND_MAXIMUM)
    max_length: int | None = None  # characters, for text; None: the kind's default (KIND_MAX_LENGTH)
    in_list: bool = True  # shown as a table column
    choices_setting: str = ""  # a setting whose lines add local choices ("名称=全国类别"), e.g. 本镇纠纷类型
    roster: str = ""  # a register whose names the form offers (人民调解员, 法律顾问); other names are accepted, and flagged on import
    earliest: dt.date = FIRST_DATE  # for DATE: earlier dates are refused (a number such as 2023.3 read as 1905-07-15)
    outcome: bool = False  # how the matter went on (状态, 办结日期, 调解结果…): of two rows of one matter in one file, the one filling more of these is the newer

    @property
    def upper_bound(self) -> float | None:
        """The largest number the field accepts (INT and MONEY)."""
        return self.maximum if self.maximum is not None else KIND_MAXIMUM.get(self.kind)

    @property
    def length_limit(self) -> int:
        """The most characters the field holds; never more than an Excel cell (32,767)."""
        return min(self.max_length or KIND_MAX_LENGTH.get(self.kind, 255), EXCEL_CELL_LIMIT)

    @property
    def sensitive(self) -> bool:
        return self.kind in (Kind.ID_NUMBER, Kind.PHONE)

    @property
    def id_column(self) -> str | None:
        """For a village field, the column holding the village's id (its identity); the field's own
        column then holds only a place that is not one of the villages (镇直及其他地点)."""
        return f"{self.key}_id" if self.kind is Kind.VILLAGE else None

    @property
    def searchable(self) -> bool:
        return self.kind not in (Kind.INT, Kind.MONEY, Kind.BOOL, Kind.DATE)


Check = Callable[[dict], dict[str, str]]


@dataclass
class Hooks:
    """A register's behaviour that lives in a module above the descriptions, installed by that module at
    its import (this module imports no behaviour; a string naming a function would hide the dependency).
    None: the register has no such behaviour."""

    # (db, values) -> {field: value} that a new record's form fills in from what is typed so far, such as
    # the next case number (mediation.proposed_values); records.proposed_values calls it
    propose: Callable[[object, dict], dict] | None = None
    # (db, records) after records.insert_clean added ``records`` (the 村(居) list: records that typed a new village's
    # name as a place now refer to it; villages.py)
    after_insert: Callable[[object, list], None] | None = None
    # (db, record id, changed values) after records.update (a renamed village: the records that typed its new name follow)
    after_update: Callable[[object, int, dict], None] | None = None
    # (db, record id, the record) before records.delete removes it; raises UserError to refuse (a village still used)
    before_delete: Callable[[object, int, dict], None] | None = None


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: each register exists once
class Register:
    """A ledger: one SQLite table, one tab (or sub-tab), one form, one Excel sheet."""

    key: str  # table name
    title: str  # Chinese name, e.g. 调解案件
    fields: tuple[Field, ...]
    date_field: str | None = None  # decides the year a record belongs to
    village_field: str | None = None
    checks: tuple[Check, ...] = ()  # rules across fields, run after each field parses
    choice_synonyms: dict[str, dict[str, str]] = dataclass_field(default_factory=dict)
    # Fields that tell one matter from another beyond the required ones (信访人, 事由): a row is taken for a
    # stored record's news (``identity``), or for an earlier row's (Field.outcome), only when one of these
    # is filled in and the same; two same-day petitions without them stay two
    same_matter: tuple[str, ...] = ()
    # Fields that name one matter (the day, the people, the place, what it is about); a row that equals a
    # stored record in these and differs in another field it fills (人次 1 → 5, 状态 在办 → 已办结, a count
    # corrected) is that record's news, not a second record. Rows that differ in any of these are
    # different records: same-day entries in two villages, two advisors' lines of the same day.
    identity: tuple[str, ...] = ()
    # Child registers (rows that belong to one record of this register, e.g. a case's parties):
    # their table has a ``parent_column`` with ON DELETE CASCADE; the parent's form edits them in
    # place, its export adds one sheet per child, its import reads that sheet too.
    children: tuple[Register, ...] = ()
    # Behaviour from above (Hooks): e.g. ``hooks.propose``, re-asked whenever one of ``proposer_inputs`` changes.
    hooks: Hooks = dataclass_field(default_factory=lambda: Hooks())
    proposer_inputs: tuple[str, ...] = ()
    printable: bool = False  # documents can be printed from a record (documents.py): 打印文书
    parent_column: str = ""  # set on a child: the column holding the parent's id
    parent_key_field: str = ""  # set on a child: the parent field that names the parent in a child sheet
    parent_summary: str = ""  # set on a child: the parent text field that lists the children's names
    name_field: str = ""  # set on a child: the field whose values make up that list
    flat_fields: tuple[str, ...] = ()  # set on a child: fields an old one-line parent row carries for its first child
    min_rows: int = 0  # set on a child: how many rows each parent needs
    split_defaults: tuple[dict, ...] = ()  # set on a child: values for the first / the other rows split from the summary
    # The form's pages (tabs) in the order the work happens: (title, keys of fields and child registers);
    # whatever no page names goes on the first. Empty: one page.
    form_pages: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def field(self, key: str) -> Field:
        for item in self.fields:
            if item.key == key:
                return item
        raise KeyError(f"{self.key} has no field {key!r}")

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(item.key for item in self.fields)

    @property
    def labels(self) -> dict[str, str]:
        return {item.key: item.label for item in self.fields}

    @property
    def list_fields(self) -> tuple[Field, ...]:
        return tuple(item for item in self.fields if item.in_list)

    @property
    def is_child(self) -> bool:
        return bool(self.parent_column)

    @property
    def form_fields(self) -> tuple[Field, ...]:
        """The fields the edit form shows: a field summarising child rows is edited as those rows."""
        derived = {child.parent_summary for child in self.children}
        return tuple(item for item in self.fields if item.key not in derived)

    @property
    def import_fields(self) -> tuple[Field, ...]:
        """The columns an import recognises: the register's own and the first child's flat ones."""
        extra = tuple(child.field(key) for child in self.children for key in child.flat_fields)
        return self.fields + extra

    @property
    def village_fields(self) -> tuple[Field, ...]:
        return tuple(item for item in self.fields if item.kind is Kind.VILLAGE)


def _not_before(later: str, earlier: str, message: str) -> Check:
    """A check: date field ``later`` is not before ``earlier`` when both are set."""

    def check(record: dict) -> dict[str, str]:
        first, second = record.get(earlier), record.get(later)
        if first and second and second < first:
            return {later: message}
        return {}

    return check


def _not_more(part: str, whole: str, message: str) -> Check:
    """A check: count ``part`` does not exceed count ``whole``."""

    def check(record: dict) -> dict[str, str]:
        small, big = record.get(part), record.get(whole)
        if small is not None and big is not None and small > big:
            return {part: message}
        return {}

    return check


# ---------------------------------------------------------------------------
# Master data

VILLAGE = Register(
    key="village",
    identity=("name",),
    title="村(居)",
    fields=(
        Field("name", "村(居)名称", required=True, unique=True, width=140, synonyms=("村名", "村(居)", "村居", "名称")),
        Field("demo_village", "是否民主法治示范村", Kind.BOOL, width=130, synonyms=("民主法治示范村",)),
        Field("demo_level", "示范村级别", Kind.CHOICE, choices=("国家级", "省级", "市级", "县级"), width=90),
        Field("demo_year", "命名年份", Kind.INT, width=80, minimum=1990, maximum=YEAR_MAX),
        Field("demo_review_year", "最近复核年份", Kind.INT, width=100, minimum=1990, maximum=YEAR_MAX, hint="示范村每两年复核一次"),
        Field("demo_revoked_year", "撤销年份", Kind.INT, width=80, minimum=1990, maximum=YEAR_MAX, hint="复核未通过或被撤销称号的年份；该年起不再计入"),
        Field("note", "备注", Kind.MEMO, width=200),
    ),
    checks=(
        lambda r: {"demo_level": "只有民主法治示范村才填写级别"}
        if r.get("demo_level") and r.get("demo_village") is False
        else {},
        lambda r: {"demo_revoked_year": "撤销年份不能早于命名年份"}
        if r.get("demo_revoked_year") and r.get("demo_year") and r["demo_revoked_year"] < r["demo_year"]
        else {},
    ),
)

# ---------------------------------------------------------------------------
# 1. 法治宣传

OCCASIONS = (
    "3·8妇女节",
    "3·15消费者权益日",
    "4·15全民国家安全教育日",
    "5月民法典宣传月",
    "安全生产月",
    "6·26国际禁毒日",
    "12·4国家宪法日",
    "无",
)

PUBLICITY_EVENT = Register(
    key="publicity_event",
    identity=("event_date", "title", "event_type", "place"),
    title="法治宣传活动",
    fields=(
        Field("event_date", "活动日期", Kind.DATE, required=True, width=100, synonyms=("日期", "时间", "活动时间")),
        Field("title", "活动名称/主题", required=True, width=220, synonyms=("活动名称", "活动主题", "主题", "名称")),
        Field(
            "event_type",
            "活动类型",
            Kind.CHOICE,
            required=True,
            width=120,
            choices=("主题宣传日活动", "法治讲座", "法律咨询", "送法进村入户", "法治进校园", "学法考试", "中心组学法", "民主法治村创建", "其他"),
            synonyms=("类型",),
        ),
        Field("occasion", "宣传节点", Kind.CHOICE, choices=OCCASIONS, width=175, synonyms=("节点", "时间节点")),
        Field("place", "村(居)或地点", Kind.VILLAGE, width=120, synonyms=("村(居)", "地点", "村居", "活动地点"), hint="可选村(居)，也可直接填写地点"),
        Field(
            "audience",
            "对象",
            Kind.CHOICE,
            choices=("群众", "青少年学生", "妇女", "党员干部", "村两委干部", "企业", "其他"),
            width=90,
            synonyms=("宣传对象", "参加对象"),
        ),
        Field("partners", "联合单位", width=140, hint="如 派出所、妇联、市场监管所", synonyms=("联合部门", "协办单位")),
        Field("participants", "参加人数", Kind.INT, width=80, maximum=PEOPLE_MAX, synonyms=("人数", "参加人次", "参考人数")),
        Field("passed", "合格人数", Kind.INT, width=80, maximum=PEOPLE_MAX, hint="学法考试填写", synonyms=("通过人数",)),
        Field("materials", "发放资料(份)", Kind.INT, width=100, maximum=1_000_000, synonyms=("发放资料", "资料份数")),
        Field("leader", "负责人", width=80),
        Field("note", "备注", Kind.MEMO, width=160),
    ),
    date_field="event_date",
    village_field="place",
    checks=(_not_more("passed", "participants", "合格人数不能多于参加人数"),),
    choice_synonyms={
        "occasion": {
            "3.8妇女节": "3·8妇女节",
            "三八妇女节": "3·8妇女节",
            "3.15": "3·15消费者权益日",
            "3.15消费者权益日": "3·15消费者权益日",
            "4.15": "4·15全民国家安全教育日",
            "民法典宣传月": "5月民法典宣传月",
            "6.26禁毒日": "6·26国际禁毒日",
            "6.26国际禁毒日": "6·26国际禁毒日",
            "12.4国家宪法日": "12·4国家宪法日",
            "国家宪法日": "12·4国家宪法日",
            "宪法日": "12·4国家宪法日",
        }
    },
)

# ---------------------------------------------------------------------------
# 2. 行政执法资格

STAFF_TYPES = ("在编人员", "工勤人员", "劳务派遣", "临时聘用")


ENFORCEMENT_STAFF = Register(
    key="enforcement_staff",
    identity=("name", "unit", "post_from"),
    title="执法人员",
    fields=(
        Field("name", "姓名", required=True, width=80),
        Field("unit", "单位/科室", required=True, width=140, synonyms=("单位", "科室", "所在单位")),
        Field("position", "职务", width=90),
        Field("in_post", "是否执法岗位", Kind.BOOL, required=True, width=100, synonyms=("执法岗位",)),
        Field("post_from", "到岗日期", Kind.DATE, width=100, synonyms=("任职日期", "上岗日期"), hint="到执法岗位的日期；不填视为一直在岗"),
        Field("post_until", "离岗日期", Kind.DATE, width=100, synonyms=("调离日期", "离职日期"),
              hint="调离、退休时填写离岗日期（不要删除记录或改“是否执法岗位”），往年的统计才不会变"),
        Field("staff_type", "人员类别", Kind.CHOICE, choices=STAFF_TYPES, width=90, synonyms=("身份", "编制类别")),
        Field("domain", "执法领域", width=100, synonyms=("执法类别",)),
        Field("review", "年审/考核情况", width=110, synonyms=("年审情况", "考核情况")),
        Field("training_hours", "本年度培训学时", Kind.INT, width=110, maximum=HOURS_MAX, synonyms=("培训学时", "学时")),
        Field("phone", "联系电话", Kind.PHONE, width=110, synonyms=("电话", "手机", "手机号")),
        Field("note", "备注", Kind.MEMO, width=160),
    ),
    checks=(_not_before("post_until", "post_from", "离岗日期不能早于到岗日期"),),
)

# One row per certificate: a renewal is a new row, so what was valid on any past day stays known.
ENFORCEMENT_CERTIFICATE = Register(
    key="enforcement_certificate",
    identity=("cert_no",),
    title="执法证",
    fields=(
        Field("holder", "持证人", required=True, width=80, synonyms=("姓名", "持证人姓名"), hint="与“执法人员”中的姓名一致"),
        Field("cert_no", "执法证号", required=True, unique=True, width=130, synonyms=("证号", "执法证件号", "证件号码")),
        Field("cert_type", "证件类别", Kind.CHOICE, choices=("省政府行政执法证", "其他"), width=130),
        Field("issuer", "发证机关", width=120),
        Field("valid_from", "发证日期", Kind.DATE, required=True, width=100, synonyms=("有效期起", "发证时间")),
        Field("valid_until", "有效期至", Kind.DATE, required=True, width=100, synonyms=("有效期", "有效期限"), hint="程序在到期前90天提醒"),
        Field("note", "备注", Kind.MEMO, width=160),
    ),
    date_field="valid_from",
    checks=(_not_before("valid_until", "valid_from", "有效期至不能早于发证日期"),),
)

ENFORCEMENT_TRAINING = Register(
    key="enforcement_training",
    identity=("train_date", "content", "train_type"),
    title="培训考试",
    fields=(
        Field("train_date", "日期", Kind.DATE, required=True, width=100, synonyms=("培训日期", "考试日期", "时间")),
        Field("content", "内容", required=True, width=240, synonyms=("培训内容", "考试内容", "主题")),
        Field("train_type", "类型", Kind.CHOICE, choices=("培训", "考试", "岗位练兵"), width=80),
        Field("hours", "学时", Kind.INT, width=60, maximum=HOURS_MAX),
        Field("participants", "参加人数", Kind.INT, width=80, maximum=PEOPLE_MAX, synonyms=("参训人数", "参考人数")),
        Field("passed", "通过人数", Kind.INT, width=80, maximum=PEOPLE_MAX, synonyms=("合格人数",)),
        Field("note", "备注", Kind.MEMO, width=160),
    ),
    date_field="train_date",
    checks=(_not_more("passed", "participants", "通过人数不能多于参加人数"),),
)

# ---------------------------------------------------------------------------
# 3. 法律顾问

ADVISOR_WORK_TYPES = (
    "合同审查",
    "依法行政咨询",
    "走访",
    "代理诉讼",
    "村规民约审查修订",
    "参与纠纷调处",
    "合同(协议)审查",
    "法律咨询解答",
    "法治讲座",
    "法律援助",
    "引导申请法律援助",
    "其他",
)


def _advisor_rules(record: dict) -> dict[str, str]:
    errors = {}
    if record.get("result") and record.get("work_type") != "代理诉讼":
        errors["result"] = "只有“代理诉讼”才填写结果"
    if record.get("advisor_type") == "村(居)法律顾问" and not record.get("village"):
        errors["village"] = "村(居)法律顾问的工作请填写所在村(居)"
    return errors


ADVISOR_WORK = Register(
    key="advisor_work",
    identity=("work_date", "advisor_type", "advisor", "village", "work_type", "summary"),
    title="法律顾问工作",
    fields=(
        Field("work_date", "日期", Kind.DATE, required=True, width=100, synonyms=("工作日期", "时间")),
        Field("advisor_type", "顾问类别", Kind.CHOICE, required=True, choices=("政府法律顾问", "村(居)法律顾问"), width=120, synonyms=("类别",)),
        Field("advisor", "顾问姓名", required=True, width=80, synonyms=("法律顾问", "姓名", "顾问"), roster="legal_advisor"),
        Field("village", "村(居)", Kind.VILLAGE, width=100, synonyms=("村居", "服务村")),
        Field("work_type", "工作类型", Kind.CHOICE, required=True, choices=ADVISOR_WORK_TYPES, width=130, synonyms=("服务类型", "工作内容类型")),
        Field("quantity", "数量", Kind.INT, required=True, width=60, minimum=1, maximum=COUNT_MAX, hint="份、件或场次", synonyms=("件数", "份数", "场次")),
        Field("people", "服务人次", Kind.INT, width=80, maximum=PEOPLE_MAX, synonyms=("人次",)),
        Field("result", "结果", Kind.CHOICE, choices=("胜诉", "败诉", "调解", "未结"), width=70, hint="代理诉讼填写", synonyms=("诉讼结果",)),
        Field("summary", "内容摘要", Kind.MEMO, width=220, synonyms=("内容", "摘要", "工作内容")),
        Field("note", "备注", Kind.MEMO, width=160),
    ),
    date_field="work_date",
    village_field="village",
    checks=(_advisor_rules,),
)

# ---------------------------------------------------------------------------
# 4. 矛盾纠纷调解

# 纠纷类型: the 15 national categories of the county statistics, with the newer splits of
# 劳动争议 and 消费. A case takes a type from DISPUTE_TYPES (the splits replace their parent) or
# a local type from 设置 (本镇纠纷类型), each mapped back to one of NATIONAL_CATEGORIES.
NATIONAL_CATEGORIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("婚姻家庭", ()),
    ("邻里", ()),
    ("房屋宅基地", ()),
    ("合同", ()),
    ("生产经营", ()),
    ("损害赔偿", ()),
    ("山林土地", ()),
    ("征地拆迁", ()),
    ("环境污染", ()),
    ("劳动争议", ("拖欠农民工工资", "其他劳动争议")),
    ("消费", ("旅游", "电子商务", "其他消费")),
    ("医疗", ()),
    ("道路交通事故", ()),
    ("物业", ()),
    ("其他", ()),
)
DISPUTE_TYPES = tuple(leaf for category, splits in NATIONAL_CATEGORIES for leaf in (splits or (category,)))
LOCAL_TYPES_SETTING = "local_dispute_types"
# The 15 classes of the county's statistics, and each built-in type's class (local types from 设置
# are added by mediation.category_of, which the county tables use).
NATIONAL_DISPUTE_TYPES = tuple(category for category, _ in NATIONAL_CATEGORIES)
DISPUTE_TYPE_NATIONAL = {leaf: category for category, splits in NATIONAL_CATEGORIES for leaf in (splits or (category,))}

# Who mediated a case (调解组织); case numbers run in one series for the town's committee and one per village's.
CASE_ORGS = ("村调委会", "镇调委会", "其他")
VILLAGE_COMMITTEE, TOWN_COMMITTEE, OTHER_ORG = CASE_ORGS
MEDIATION_RESULTS = ("调解成功", "调解不成功", "调解中止", "调解中")
SUCCESS, FAILED, SUSPENDED, ONGOING = MEDIATION_RESULTS  # code names the states through these, never by typed text
AGREEMENT_FORMS = ("书面", "口头")
WRITTEN, ORAL = AGREEMENT_FORMS
CASE_SOURCES = ("排查发现", "当事人申请", "移交委托", "其他")
FOUND, APPLIED, REFERRED, OTHER_SOURCE = CASE_SOURCES
PERFORMANCE = ("已履行", "部分履行", "履行中", "未履行")
CONFIRM_RESULTS = ("确认有效", "驳回申请", "审查中")
CONFIRM_VALID, CONFIRM_REFUSED, CONFIRM_PENDING = CONFIRM_RESULTS
# The county's "prevented" counts, each kept per case as 件 (yes/no) and 人.
PREVENTED = (("suicide", "民间纠纷引起自杀"), ("crime", "民间纠纷转化为刑事案件"), ("petition", "群体性上访"), ("fight", "群体性械斗"))
# 人民调解法 art. 33: a court confirms a written agreement, applied for jointly within 30 days of its taking effect;
# 法释〔2011〕5号 art. 3 (the application brings the agreement itself): an oral agreement is first written down.
CONFIRM_NEEDS_WRITTEN = "司法确认须以书面调解协议申请（人民调解法第三十三条、法释〔2011〕5号第三条）；口头协议请先制作书面协议书，把协议形式改为“书面”"


# Whole on purpose (radon counts 28): one flat list of the register's cross-field rules, each an "if" a reader checks
# against the form; the order is part of the meaning (a later rule on the same field overwrites an earlier one, and
# CONFIRM_NEEDS_WRITTEN only speaks where no rule before it did), which helpers split by field would hide.
def _case_rules(record: dict) -> dict[str, str]:
    errors = {}
    result = record.get("result")
    if result == ONGOING and record.get("closed"):
        errors["closed"] = "“调解中”的案件还没有结案日期；已结案请改调解结果"
    if result in (SUCCESS, FAILED) and not record.get("closed"):
        errors["closed"] = "已结案件请填写结案日期"
    if result == SUCCESS and not record.get("agreement"):
        errors["agreement"] = "调解成功的案件请填写协议形式（书面或口头）"
    if record.get("agreement") and result != SUCCESS:
        errors["agreement"] = "只有调解成功（达成协议）的案件才填写协议形式"
    for key, label in (("agreement_date", "协议日期"), ("agreement_place", "协议地点")):
        if record.get(key) and result != SUCCESS:
            errors[key] = f"只有调解成功（达成协议）的案件才填写{label}"
    if record.get("confirmed") and result != SUCCESS:
        errors["confirmed"] = "只有调解成功的案件才能申请司法确认"
    if record.get("confirm_applied") and result != SUCCESS:
        errors["confirm_applied"] = "只有调解成功的案件才能申请司法确认"
    for key in ("confirmed", "confirm_applied"):
        if record.get(key) and result == SUCCESS and record.get("agreement") != WRITTEN and key not in errors:
            errors[key] = CONFIRM_NEEDS_WRITTEN
    if record.get("confirm_result") and not record.get("confirm_applied"):
        errors["confirm_result"] = "请先填写司法确认申请日期"
    if record.get("performance") and result != SUCCESS:
        errors["performance"] = "只有调解成功（达成协议）的案件才填写履行情况"
    for key, label in PREVENTED:
        if record.get(f"prevented_{key}_people") and not record.get(f"prevented_{key}"):
            errors[f"prevented_{key}"] = f"填写了防止{label}的人数，请在此选“是”"
    return errors


PARTY_ROLES = ("申请人", "被申请人", "第三人")
APPLICANT, RESPONDENT, THIRD_PARTY = PARTY_ROLES


def _party_rules(record: dict) -> dict[str, str]:
    birth, number = record.get("birth_date"), record.get("id_number")
    if birth and number and len(number) == 18 and number[6:14] != birth.replace("-", ""):
        return {"birth_date": "出生日期与身份证号中的出生日期不一致，请核对"}
    return {}


PARTY = Register(
    key="mediation_party",
    title="当事人",
    fields=(
        Field("role", "身份", Kind.CHOICE, required=True, choices=PARTY_ROLES, width=80, synonyms=("当事人身份", "角色", "类别")),
        Field("name", "姓名", required=True, width=80, synonyms=("当事人", "当事人姓名", "名称")),
        Field("gender", "性别", Kind.CHOICE, choices=("男", "女"), width=50),
        Field("ethnicity", "民族", width=60, hint="如 汉族"),
        Field("birth_date", "出生日期", Kind.DATE, width=100, hint="出生日期或年龄填一项即可", earliest=dt.date(1900, 1, 1)),
        Field("age", "年龄", Kind.INT, width=50, synonyms=("年龄(岁)",)),
        Field("occupation", "职业或职务", width=100, synonyms=("职业", "职务")),
        Field("phone", "联系方式", Kind.PHONE, width=110, synonyms=("联系电话", "电话", "手机", "手机号")),
        Field("address", "单位或住址", width=180, synonyms=("住址", "地址", "单位", "工作单位")),
        Field("id_number", "身份证号", Kind.ID_NUMBER, width=150, synonyms=("身份证号码", "公民身份号码", "身份证")),
    ),
    checks=(_party_rules,),
    choice_synonyms={"role": {"申请方": "申请人", "被申请方": "被申请人", "第三方": "第三人"}},
    parent_column="case_id",
    parent_key_field="case_no",
    parent_summary="parties",
    name_field="name",
    flat_fields=("id_number", "phone"),
    min_rows=1,
    split_defaults=({"role": APPLICANT}, {"role": RESPONDENT}),
)

VISIT = Register(
    key="mediation_visit",
    title="回访",
    fields=(
        Field("visit_date", "回访日期", Kind.DATE, required=True, width=100, synonyms=("回访时间", "日期")),
        Field("visitor", "回访人", width=80),
        Field("situation", "回访情况", Kind.MEMO, width=260, synonyms=("情况",), hint="协议履行情况、当事人意见、有无新的矛盾"),
        Field("carried_out", "是否履行", Kind.BOOL, width=70, synonyms=("协议是否履行", "履行")),
        Field("satisfied", "是否满意", Kind.BOOL, width=70, synonyms=("满意",)),
    ),
    parent_column="case_id",
    parent_key_field="case_no",
)

# What one mediation session ended in (one 调解记录 each); the last session's outcome is the case's.
SESSION_OUTCOMES = ("达成协议", "未达成协议，继续调解", "调解不成功，终止调解", "中止调解")
AGREED, CONTINUED, ENDED, PAUSED = SESSION_OUTCOMES
# 人民调解法 art. 26: a mediation that fails is ended and the parties are told of the other ways open to them.
OTHER_WAYS_NOTICE = "告知当事人可以依法通过仲裁、行政、司法等途径维护自己的权利（人民调解法第二十六条）"

SESSION = Register(
    key="mediation_session",
    title="调解",
    fields=(
        Field("session_date", "调解日期", Kind.DATE, required=True, width=100, synonyms=("调解时间",)),
        Field("session_time", "起止时间", width=110, hint="如 9时至11时30分"),
        Field("session_place", "调解地点", width=150, synonyms=("地点",)),
        Field("mediators", "调解员", width=100, hint="主持本次调解的调解员；不填即案件的调解员"),
        Field("attendees", "参加人", width=150, hint="当事人和调解员以外的在场人员（村干部、亲属、证人…）；没有请写“无”"),
        Field("recorder", "记录人", width=80),
        Field("notice", "告知事项", Kind.MEMO, width=200, hint=f"本次告知当事人的事项；调解不成功终止调解时须{OTHER_WAYS_NOTICE}"),
        Field("applicant_says", "申请人陈述", Kind.MEMO, width=200, hint="申请人（或一方当事人）在本次调解中所说"),
        Field("respondent_says", "被申请人陈述", Kind.MEMO, width=200, hint="被申请人（或另一方当事人）在本次调解中所说"),
        Field("verified", "核实情况", Kind.MEMO, width=200, hint="调解员核实的事实、证据"),
        Field("proposal", "调解意见", Kind.MEMO, width=200, hint="调解员提出的意见、方案"),
        Field("outcome", "本次结果", Kind.CHOICE, choices=SESSION_OUTCOMES, width=150,
              synonyms=("调解结果", "结果"), hint="最后一次调解的结果应与案件的调解结果一致"),
    ),
    parent_column="case_id",
    parent_key_field="case_no",
    flat_fields=("session_date", "session_place"),  # an older sheet's 调解日期 and 调解地点 columns: the case's first session
)

INQUIRY = Register(
    key="mediation_inquiry",
    title="调查",
    fields=(
        Field("inquiry_date", "调查日期", Kind.DATE, required=True, width=100, synonyms=("调查时间", "日期")),
        Field("inquiry_place", "调查地点", width=140, synonyms=("地点",)),
        Field("persons", "被调查人", required=True, width=140, hint="被询问的人及其与当事人的关系，如 王某（邻居）"),
        Field("investigator", "调查人", width=100, hint="进行调查的调解员"),
        Field("recorder", "记录人", width=80),
        Field("content", "调查内容", Kind.MEMO, required=True, width=260, hint="询问的问题和被调查人的回答、查看的现场和材料"),
    ),
    parent_column="case_id",
    parent_key_field="case_no",
)

PERFORMANCE_STEP = Register(
    key="mediation_performance",
    title="履行",
    fields=(
        Field("performed_on", "履行日期", Kind.DATE, required=True, width=100, synonyms=("日期",)),
        Field("how", "履行情况", required=True, width=220, hint="如 被申请人当面给付申请人3000元", synonyms=("履行内容", "履行方式")),
        Field("proof", "履行凭证", width=160, hint="如 收条1张、转账记录；归档时在“归档材料”中登记页数"),
    ),
    parent_column="case_id",
    parent_key_field="case_no",
)

# Papers the office files by hand in the 卷宗 (they are not printed by the program): the 卷内目录 lists them
# in their place with their page numbers.
FILED_PAPERS = ("当事人身份证明", "授权委托书", "证据材料", "履行凭证", "司法确认申请书", "司法确认决定书", "其他材料")
FILED_PAPER = Register(
    key="mediation_paper",
    title="归档材料",
    fields=(
        Field("paper", "材料", Kind.CHOICE, required=True, choices=FILED_PAPERS, width=130, synonyms=("材料名称", "名称")),
        Field("pages", "页数", Kind.INT, required=True, width=60, minimum=1, maximum=1000),
        Field("description", "说明", width=220, hint="如 张三、李四身份证复印件", synonyms=("备注",)),
    ),
    parent_column="case_id",
    parent_key_field="case_no",
)

MEDIATION_CASE = Register(
    key="mediation_case",
    identity=("case_no", "accepted", "village", "parties", "summary"),
    title="调解案件",
    fields=(
        Field("case_no", "案件编号", unique=True, width=190, hint="如（2023）赵人调字第12号", synonyms=("编号", "卷号", "案号")),
        Field("accepted", "受理日期", Kind.DATE, required=True, width=100, synonyms=("受理时间", "日期", "登记日期")),
        Field("village", "村(居)", Kind.VILLAGE, required=True, width=100, synonyms=("村居", "所在村", "村名")),
        Field("org", "调解组织", Kind.CHOICE, required=True, choices=CASE_ORGS, width=90, synonyms=("调委会",)),
        Field("dispute_type", "纠纷类型", Kind.CHOICE, required=True, choices=DISPUTE_TYPES, width=100, synonyms=("类型", "案件类型", "纠纷类别"),
              choices_setting=LOCAL_TYPES_SETTING),
        Field("source", "纠纷来源", Kind.CHOICE, choices=CASE_SOURCES, width=90, synonyms=("来源",)),
        Field("parties", "当事人", required=True, width=140, synonyms=("当事人姓名", "双方当事人"), hint="各当事人的详细信息见“当事人”表"),
        Field("people", "涉及人数", Kind.INT, width=70, maximum=PEOPLE_MAX),
        Field("amount", "涉及金额(元)", Kind.MONEY, width=100, maximum=1_000_000_000, synonyms=("涉及金额", "金额", "标的额")),
        Field("summary", "简要案情", Kind.MEMO, width=220, synonyms=("案情", "纠纷简要情况", "案情简介"),
              hint="受理时了解的纠纷简要情况（登记表、结案报告表用）；调解经过写在“调解”中"),
        Field("registrar", "登记人", width=80, in_list=False, synonyms=("受理人",)),
        Field("request", "请求事项", Kind.MEMO, width=220, in_list=False, hint="申请人申请调解时的请求（申请书用，当事人申请的案件填写）"),
        Field("facts", "事实和理由", Kind.MEMO, width=220, in_list=False, hint="申请人陈述的事实和理由（申请书用），调解之前的说法"),
        Field("mediator", "调解员", width=80, synonyms=("调解人",), roster="mediator", outcome=True),
        Field("result", "调解结果", Kind.CHOICE, required=True, choices=MEDIATION_RESULTS, width=90, synonyms=("结果", "调解情况"), outcome=True),
        Field("agreement", "协议形式", Kind.CHOICE, choices=AGREEMENT_FORMS, width=70, outcome=True),
        Field("agreement_date", "协议日期", Kind.DATE, width=100, in_list=False, outcome=True, hint="各方签订（口头协议：达成）协议的日期；协议书落款用"),
        Field("agreement_place", "协议地点", width=140, in_list=False, outcome=True, hint="签订协议的地点，如 赵村镇人民调解委员会调解室"),
        Field("main_facts", "纠纷主要事实", Kind.MEMO, width=220, in_list=False, outcome=True, hint="协议书写明的、各方认可的纠纷主要事实（人民调解法第二十九条）"),
        Field("disputed", "争议事项", Kind.MEMO, width=220, in_list=False, outcome=True, hint="协议书写明的争议事项"),
        Field("liability", "各方责任", Kind.MEMO, width=220, in_list=False, outcome=True, hint="协议书写明的、各方认可的责任"),
        Field("agreement_text", "协议内容", Kind.MEMO, width=220, in_list=False, hint="达成的协议条款，打印协议书时使用", synonyms=("协议条款",), outcome=True),
        Field("performance_way", "履行方式", width=100, in_list=False, hint="如 即时履行、分期给付", synonyms=("履行方式、地点",), outcome=True),
        Field("performance_place", "履行地点", width=120, in_list=False, outcome=True),
        Field("performance_due", "履行期限", Kind.DATE, width=100, in_list=False, outcome=True),
        Field("performance", "履行情况", Kind.CHOICE, choices=PERFORMANCE, width=80, in_list=False, outcome=True),
        Field("closed", "结案日期", Kind.DATE, width=100, synonyms=("结案时间",), outcome=True),
        Field("confirmed", "是否司法确认", Kind.BOOL, width=90, synonyms=("司法确认",), outcome=True),
        Field("confirm_applied", "司法确认申请日期", Kind.DATE, width=110, in_list=False, outcome=True),
        Field("confirm_result", "司法确认结果", Kind.CHOICE, choices=CONFIRM_RESULTS, width=100, in_list=False, outcome=True),
        Field("difficult", "疑难复杂", Kind.BOOL, width=70, in_list=False, synonyms=("是否疑难复杂",), outcome=True),
        *(field for key, label in PREVENTED for field in (
            Field(f"prevented_{key}", f"防止{label}", Kind.BOOL, width=90, in_list=False, outcome=True),
            Field(f"prevented_{key}_people", f"防止{label}(人)", Kind.INT, width=90, in_list=False, outcome=True),
        )),
        Field("note", "备注", Kind.MEMO, width=160),
    ),
    date_field="accepted",
    same_matter=("case_no", "summary"),
    village_field="village",
    checks=(
        _not_before("closed", "accepted", "结案日期不能早于受理日期"),
        _not_before("agreement_date", "accepted", "协议日期不能早于受理日期"),
        _not_before("closed", "agreement_date", "结案日期不能早于协议日期"),
        _not_before("performance_due", "agreement_date", "履行期限不能早于协议日期（协议签订之后才履行）"),
        _not_before("confirm_applied", "agreement_date", "司法确认申请日期不能早于协议日期"),
        _case_rules,
    ),
    choice_synonyms={
        "result": {"成功": "调解成功", "失败": "调解不成功", "调解失败": "调解不成功", "不成功": "调解不成功", "中止": "调解中止", "未结": "调解中"},
        "dispute_type": {"道路交通": "道路交通事故", "交通事故": "道路交通事故", "宅基地": "房屋宅基地", "家庭": "婚姻家庭", "婚姻": "婚姻家庭", "劳动争议": "其他劳动争议", "劳动": "其他劳动争议",
                         "欠薪": "拖欠农民工工资", "消费": "其他消费", "旅游纠纷": "旅游", "网购": "电子商务"},
        "org": {"村调解委员会": "村调委会", "镇调解委员会": "镇调委会", "乡镇调委会": "镇调委会"},
    },
    children=(PARTY, INQUIRY, SESSION, PERFORMANCE_STEP, VISIT, FILED_PAPER),
    form_pages=(
        ("受理", ("case_no", "accepted", "village", "org", "dispute_type", "source", "people", "amount", "summary", "registrar", "request", "facts", "mediation_party")),
        ("调查与调解", ("mediator", "mediation_inquiry", "mediation_session", "result", "difficult")),
        ("协议与履行", ("agreement", "agreement_date", "agreement_place", "main_facts", "disputed", "liability", "agreement_text",
                     "performance_way", "performance_place", "performance_due", "performance", "mediation_performance", "closed")),
        ("司法确认、回访与归档", ("confirmed", "confirm_applied", "confirm_result", "mediation_visit", "mediation_paper",
                          *(f"prevented_{key}{tail}" for key, _ in PREVENTED for tail in ("", "_people")), "note")),
    ),
    proposer_inputs=("accepted", "org", "village"),
    printable=True,
)

JOINT_MEETING = Register(
    key="joint_meeting",
    identity=("meet_date", "topic"),
    title="联席例会",
    fields=(
        Field("meet_date", "日期", Kind.DATE, required=True, width=100, synonyms=("会议日期", "时间")),
        Field("units", "参加单位", width=240, hint="如 综治办、派出所、法庭、司法所"),
        Field("topic", "议题", width=240, synonyms=("会议议题", "内容")),
        Field("disputes_found", "排查纠纷数", Kind.INT, width=90, maximum=COUNT_MAX, synonyms=("排查纠纷", "纠纷数")),
        Field("disputes_prevented", "预防纠纷数", Kind.INT, width=90, maximum=COUNT_MAX, synonyms=("预防纠纷",),
              hint="排查中发现苗头、及早疏导化解，未形成纠纷案件的件数"),
        Field("note", "备注", Kind.MEMO, width=160),
    ),
    date_field="meet_date",
)

PETITION_LEVELS = ("本镇", "到县", "到市", "到省", "进京")
PETITION_STATES = ("在办", "已办结")
# 《信访工作条例》(2022) 第三十二条: concluded within 60 days of acceptance; an extension of at most
# 30 days needs approval. The days are calendar days (see deadlines.py).
PETITION_DAYS, PETITION_EXTENSION_DAYS = 60, 30


def _petition_rules(record: dict) -> dict[str, str]:
    errors = {}
    status, done = record.get("status"), record.get("done_date")
    if status == "已办结" and not done:
        errors["done_date"] = "已办结的信访请填写办结日期"
    if status == "在办" and done:
        errors["status"] = "已填写办结日期，请把状态改为“已办结”（或清空办结日期）"
    if record.get("extended") and not record.get("extension_reason"):
        errors["extension_reason"] = f"延期（延长{PETITION_EXTENSION_DAYS}天）须写明理由"
    if record.get("extension_reason") and record.get("extended") is not True:
        errors["extended"] = "填写了延期理由，请把“是否延期”选为“是”"
    if record.get("satisfied") is not None and status != "已办结":
        errors["satisfied"] = "办结后才填写是否满意"
    return errors


PETITION = Register(
    key="petition",
    identity=("reg_date", "petitioner", "village", "method", "level", "matter"),
    title="信访",
    fields=(
        Field("reg_date", "受理日期", Kind.DATE, required=True, width=100, synonyms=("登记日期", "日期", "信访日期", "受理时间")),
        Field("petitioner", "信访人", width=80, synonyms=("姓名", "信访人姓名")),
        Field("village", "村(居)", Kind.VILLAGE, width=100, synonyms=("村居", "所在村")),
        Field("method", "方式", Kind.CHOICE, choices=("来信", "来访", "网上"), width=60, synonyms=("信访方式",)),
        Field("level", "层级", Kind.CHOICE, required=True, choices=PETITION_LEVELS, width=60, synonyms=("信访层级", "去向")),
        Field("visitors", "人次", Kind.INT, width=50, minimum=1, maximum=PEOPLE_MAX, hint="本次信访(越级走访)的人数；不填按1人次计", synonyms=("人数", "上访人数")),
        Field("matter", "事由", Kind.MEMO, width=220, synonyms=("信访事由", "反映问题", "内容")),
        Field("status", "状态", Kind.CHOICE, required=True, choices=PETITION_STATES, width=70, synonyms=("办理状态", "办理情况"), outcome=True),
        Field("extended", "是否延期", Kind.BOOL, width=70, hint=f"经批准延长办理期限{PETITION_EXTENSION_DAYS}天", synonyms=("延期",), outcome=True),
        Field("extension_reason", "延期理由", width=140, synonyms=("延期原因",), outcome=True),
        Field("done_date", "办结日期", Kind.DATE, width=100, synonyms=("办结时间",), outcome=True),
        Field("satisfied", "是否满意", Kind.BOOL, width=70, synonyms=("满意", "满意度"), outcome=True),
        Field("note", "备注", Kind.MEMO, width=160),
    ),
    date_field="reg_date",
    same_matter=("petitioner", "matter"),
    village_field="village",
    checks=(_not_before("done_date", "reg_date", "办结日期不能早于受理日期"), _petition_rules),
    choice_synonyms={
        "level": {"赴省": "到省", "到省信访": "到省", "进京访": "进京", "到市信访": "到市", "县": "到县", "镇": "本镇"},
        "status": {"办结": "已办结", "已结": "已办结", "结案": "已办结", "未结": "在办", "未办结": "在办", "办理中": "在办"},
    },
)

# ---------------------------------------------------------------------------
# Rosters: the people cases and advisor work are picked from

# 人民调解委员会 by the kinds the county's statistics count them in (人民调解法 art. 8: 村民委员会、居民委员会
# and 企业事业单位 set them up; 乡镇、街道 and social groups may; 行业性专业性 ones serve one field, e.g. 道路交通).
COMMITTEE_KINDS = (VILLAGE_COMMITTEE, "居调委会", TOWN_COMMITTEE, "企事业单位调委会", "行业性专业性调委会")
COMMITTEE_KIND_LABELS = {"村调委会": "村", "居调委会": "居（社区）", "镇调委会": "乡镇（街道）", "企事业单位调委会": "企事业单位", "行业性专业性调委会": "行业性专业性"}
_COMMITTEE_SYNONYMS = {"村调解委员会": "村调委会", "居委会调委会": "居调委会", "社区调委会": "居调委会", "镇调解委员会": "镇调委会",
                       "乡镇调委会": "镇调委会", "街道调委会": "镇调委会", "企业调委会": "企事业单位调委会", "行业性调委会": "行业性专业性调委会"}  # fmt: skip

COMMITTEE = Register(
    key="mediation_committee",
    title="人民调解委员会",
    fields=(
        Field("name", "名称", required=True, unique=True, width=220, synonyms=("调委会名称", "调解委员会")),
        Field("kind", "类别", Kind.CHOICE, required=True, choices=COMMITTEE_KINDS, width=130, synonyms=("调委会类别", "类型")),
        Field("village", "村(居)", Kind.VILLAGE, width=100, synonyms=("村居", "所在村"), hint="村、居调委会填写所在村(居)"),
        Field("established", "设立日期", Kind.DATE, width=100, synonyms=("成立日期", "成立时间")),
        Field("dissolved", "撤销日期", Kind.DATE, width=100, hint="撤销或合并时填写（不要删除记录），往年的统计才不会变"),
        Field("note", "备注", Kind.MEMO, width=160),
    ),
    village_field="village",
    checks=(
        _not_before("dissolved", "established", "撤销日期不能早于设立日期"),
        lambda r: {"village": "村、居调委会请填写所在村(居)"} if r.get("kind") in ("村调委会", "居调委会") and not r.get("village") else {},
    ),
    choice_synonyms={"kind": _COMMITTEE_SYNONYMS},
)

MEDIATOR = Register(
    key="mediator",
    identity=("name", "committee", "village"),
    title="人民调解员",
    fields=(
        Field("name", "姓名", required=True, width=80, synonyms=("调解员", "调解员姓名")),
        Field("committee", "调委会", Kind.CHOICE, required=True, choices=COMMITTEE_KINDS, width=130,
              synonyms=("所在调委会", "调解组织")),
        Field("village", "村(居)", Kind.VILLAGE, width=100, synonyms=("村居", "所在村"), hint="村调委会的调解员填写"),
        Field("kind", "专职/兼职", Kind.CHOICE, choices=("专职", "兼职"), width=80, synonyms=("专兼职", "类别")),
        Field("phone", "电话", Kind.PHONE, width=110, synonyms=("联系电话", "手机")),
        Field("start", "任职起", Kind.DATE, width=100, synonyms=("任职日期", "聘任日期")),
        Field("end", "任职止", Kind.DATE, width=100, synonyms=("离任日期",)),
        Field("note", "备注", Kind.MEMO, width=160),
    ),
    village_field="village",
    checks=(
        _not_before("end", "start", "任职止不能早于任职起"),
        lambda r: {"village": "村、居调委会的调解员请填写所在村(居)"} if r.get("committee") in ("村调委会", "居调委会") and not r.get("village") else {},
    ),
    choice_synonyms={"committee": _COMMITTEE_SYNONYMS},
)

LEGAL_ADVISOR = Register(
    key="legal_advisor",
    identity=("name", "advisor_type"),
    title="法律顾问名册",
    fields=(
        Field("name", "姓名", required=True, width=80, synonyms=("顾问姓名", "法律顾问")),
        Field("firm", "律所或单位", width=160, synonyms=("律师事务所", "单位", "所在单位")),
        Field("advisor_type", "顾问类别", Kind.CHOICE, required=True, choices=("政府法律顾问", "村(居)法律顾问"), width=120, synonyms=("类别",)),
        Field("villages", "服务村(居)", width=180, synonyms=("服务村", "村(居)"), hint="可填多个，用顿号分隔"),
        Field("phone", "电话", Kind.PHONE, width=110, synonyms=("联系电话", "手机")),
        Field("term_start", "聘期起", Kind.DATE, width=100, synonyms=("聘任日期",)),
        Field("term_end", "聘期止", Kind.DATE, width=100, synonyms=("聘期至",)),
        Field("note", "备注", Kind.MEMO, width=160),
    ),
    checks=(_not_before("term_end", "term_start", "聘期止不能早于聘期起"),),
)

REGISTERS: tuple[Register, ...] = (
    PUBLICITY_EVENT,
    ENFORCEMENT_STAFF,
    ENFORCEMENT_TRAINING,
    ADVISOR_WORK,
    MEDIATION_CASE,
    JOINT_MEETING,
    PETITION,
    VILLAGE,
    ENFORCEMENT_CERTIFICATE,
    MEDIATOR,
    LEGAL_ADVISOR,
    COMMITTEE,
)
CHILD_REGISTERS: tuple[Register, ...] = tuple(child for register in REGISTERS for child in register.children)
BY_KEY = {register.key: register for register in REGISTERS + CHILD_REGISTERS}


def parent_of(child: Register) -> Register:
    """The register whose records own ``child``'s rows."""
    return next(register for register in REGISTERS if child in register.children)

# The window's tabs: title and the registers each holds (a tab with several gets sub-tabs).
TABS: tuple[tuple[str, tuple[Register, ...]], ...] = (
    ("法治宣传", (PUBLICITY_EVENT,)),
    ("行政执法", (ENFORCEMENT_STAFF, ENFORCEMENT_CERTIFICATE, ENFORCEMENT_TRAINING)),
    ("法律顾问", (ADVISOR_WORK, LEGAL_ADVISOR)),
    ("矛盾纠纷调解", (MEDIATION_CASE, JOINT_MEETING, PETITION, MEDIATOR, COMMITTEE)),
    ("村(居)", (VILLAGE,)),
)

# ---------------------------------------------------------------------------
# Settings: the same Field type, stored as key/value rows.

SETTINGS = Register(
    key="setting",
    title="设置",
    fields=(
    Field("town", "镇名", required=True, hint="如 赵村镇", width=200),
    Field("county", "县名", required=True, hint="如 鲁山县", width=200),
    Field("office", "司法所名称", required=True, hint="如 赵村镇司法所", width=200),
    Field("signer", "落款单位", required=True, hint="如 赵村镇人民政府", width=200),
    Field("report_year", "报告年度", Kind.INT, required=True, minimum=2000, maximum=YEAR_MAX, width=100, hint="如 2023"),
    Field("font_title", "标题字体", hint="Windows 无方正小标宋简体时可填 华文中宋 或 宋体", width=200),
    Field("font_body", "正文字体", hint="Windows 自带“仿宋”，无“仿宋_GB2312”", width=200),
    Field("font_heading1", "一级标题字体", width=200),
    Field("font_heading2", "二级标题字体", width=200),
    Field("town_short", "镇名简称", hint="用于案件编号，如 赵；不填则取镇名第一个字", width=200),
    Field("case_no_pattern", "镇调委会案件编号格式", hint="可用 {年} {简称} {n}，如（{年}）{简称}人调字第{n}号", width=300),
    Field("case_no_pattern_village", "村调委会案件编号格式", hint="可用 {年} {简称} {村} {n}，如（{年}）{村}人调字第{n}号", width=300),
    Field("seal_name", "印章名称", hint="落款单位公章上的名称，如 鲁山县赵村镇人民政府；报告的署名应与之一致。不填即“县名+镇名+人民政府”", width=300),
    Field("report_recipient", "报告主送机关", hint="年度报告上报的机关，如 鲁山县人民政府；不填即“县名+人民政府”", width=300),
    Field("report_copy_to", "报告抄送机关", width=300,
          hint="年度报告通常抄送 中共鲁山县委全面依法治县委员会办公室，多个用顿号分隔；填写后印在报告末页的版记中"),
    Field(LOCAL_TYPES_SETTING, "本镇纠纷类型", Kind.MEMO, width=300,
          hint="每行一个：类型名称=全国统计类别，如 土地承包经营=山林土地；统计时归入所对应的全国类别"),
    ),
    checks=(lambda record: _case_pattern_errors(record), lambda record: _local_type_errors(record)),
)

SETTING_DEFAULTS: dict[str, object] = {
    "town": "",
    "county": "",
    "office": "",
    "signer": "",
    "report_year": dt.date.today().year - 1,
    "font_title": "方正小标宋简体",
    "font_body": "仿宋_GB2312",
    "font_heading1": "黑体",
    "font_heading2": "楷体_GB2312",
    "town_short": "",
    "case_no_pattern": "（{年}）{简称}人调字第{n}号",
    "case_no_pattern_village": "（{年}）{村}人调字第{n}号",
    "seal_name": "",
    "report_recipient": "",
    "report_copy_to": "",
    LOCAL_TYPES_SETTING: "土地承包经营=山林土地\n村务管理=其他",
}


def local_types(text: str | None) -> dict[str, str]:
    """The local dispute types of the 本镇纠纷类型 setting: name → national category (lines not
    of the form 名称=类别 are left out; ``_local_type_errors`` names them)."""
    found = {}
    for line in (text or "").splitlines():
        name, _, category = line.replace("＝", "=").partition("=")
        if name.strip() and category.strip():
            found[name.strip()] = category.strip()
    return found


def _local_type_errors(record: dict) -> dict[str, str]:
    categories = [category for category, _ in NATIONAL_CATEGORIES]
    for number, line in enumerate((record.get(LOCAL_TYPES_SETTING) or "").splitlines(), start=1):
        if not line.strip():
            continue
        name, _, category = line.replace("＝", "=").partition("=")
        if not name.strip() or not category.strip():
            return {LOCAL_TYPES_SETTING: f"第{number}行“{line.strip()}”应写成 名称=全国类别，如 土地承包经营=山林土地"}
        if category.strip() not in categories:
            return {LOCAL_TYPES_SETTING: f"第{number}行的“{category.strip()}”不是全国统计类别；可选：{'、'.join(categories)}"}
        if name.strip() in DISPUTE_TYPES:
            return {LOCAL_TYPES_SETTING: f"第{number}行的“{name.strip()}”已是全国类型，不必重复添加"}
    return {}


def _case_pattern_errors(record: dict) -> dict[str, str]:
    errors = {}
    for key in ("case_no_pattern", "case_no_pattern_village"):
        problem = pattern_problem(record.get(key) or "") if record.get(key) else None
        if problem:
            errors[key] = problem
    return errors
