"""The documents of a mediation case (卷宗): one Qt-free model, filled from a case and its templates.

Each kind of document has a text template in ``resources/documents`` (the office may put an
adapted copy in the data folder's 文书模板 folder) and a rule saying when a case has it: a
协议书 only for a written agreement, a 申请书 only when a party applied (``reason_not``). Each
document prints from its own fields (the applicant's 请求事项 and 事实和理由, the 调查 and 调解
rows, the agreed 纠纷主要事实/争议事项/各方责任, the 协议日期), so a paper dated before the
mediation never states its outcome.

``build_case_documents`` fills the chosen templates for one case and returns a ``CaseDocument``:
a list of blocks (title, paragraphs, ruled tables, signature lines, page breaks) that
``report_docx`` writes as an A4 .docx and ``gui/report_print`` paints for preview, printer and
PDF, exactly as for the report. With the cover, the 卷内目录 lists every paper of the file in the
order of the national format (人民调解文书格式, 司法部 2010): the documents chosen, one line per
调查 and per 调解 session, the papers the office files by hand (``FILED_PAPER``: 当事人身份证明,
证据材料, 司法确认 papers …) and the 封底, each with the pages it takes. The cover and the
目录 carry no page number; the documents are numbered from 1 and each restarts at the number
the 目录 gives it, counting the hand-filed papers before it.

Personal data is NOT masked here, unlike lists and exports: these documents carry the
parties' particulars because the parties sign them (人民调解法 art. 29); the clerk prints them
for the case file only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from zhaocun_desktop import queries, settings as township_settings
from zhaocun_desktop.errors import UserError
from zhaocun_desktop.paths import data_dir, resource
from zhaocun_desktop.registers import (
    AGREED,
    APPLICANT,
    APPLIED,
    CONFIRM_REFUSED,
    CONFIRM_VALID,
    ENDED,
    FAILED,
    FILED_PAPER,
    INQUIRY,
    MEDIATION_CASE,
    ONGOING,
    ORAL,
    OTHER_WAYS_NOTICE,
    PARTY,
    PAUSED,
    PERFORMANCE_STEP,
    RESPONDENT,
    SESSION,
    SUCCESS,
    SUSPENDED,
    TOWN_COMMITTEE,
    VILLAGE_COMMITTEE,
    VISIT,
    WRITTEN,
    Kind,
)
from zhaocun_desktop.validation import display_value
from zhaocun_desktop.values import chinese_date, parse_date

if TYPE_CHECKING:
    from sqlite_utils import Database

BLANK = "＿＿＿＿＿＿"  # printed where the record has nothing: the clerk or a party fills it in by hand
OVERRIDE_FOLDER = "文书模板"
CASE_FILE = "卷宗"  # every document that applies to the case, cover first, in one file
COVER = "卷宗封面"
BACK_COVER = "封底"
# 人民调解法 art. 26, as a 调解记录 of a failed case states it
ART_26_LINE = "调解不成，依照《中华人民共和国人民调解法》第二十六条终止调解，已" + OTHER_WAYS_NOTICE.split("（")[0] + "。"


# ---------------------------------------------------------------------------
# A case with everything its documents are made of


@dataclass(frozen=True)
class CaseFile:
    """One case and its child rows (in date order where they have a date), with the office's settings."""

    case: dict
    parties: list[dict]
    inquiries: list[dict]
    sessions: list[dict]
    steps: list[dict]  # 履行
    visits: list[dict]
    papers: list[dict]  # filed by hand
    settings: dict

    def pages_filed(self, paper: str) -> int:
        return sum(row.get("pages") or 0 for row in self.papers if row.get("paper") == paper)

    def filed(self, paper: str) -> bool:
        return any(row.get("paper") == paper for row in self.papers)


def load_case(db: Database, case_id: int) -> CaseFile:
    """The case ``case_id`` with its parties, 调查, 调解 sessions, 履行, 回访 and filed papers."""
    by_date = lambda rows, key: sorted(rows, key=lambda row: (row.get(key) or "", row["id"]))  # noqa: E731
    return CaseFile(
        case=queries.get(db, MEDIATION_CASE, case_id),
        parties=queries.children(db, PARTY, case_id),
        inquiries=by_date(queries.children(db, INQUIRY, case_id), "inquiry_date"),
        sessions=by_date(queries.children(db, SESSION, case_id), "session_date"),
        steps=by_date(queries.children(db, PERFORMANCE_STEP, case_id), "performed_on"),
        visits=by_date(queries.children(db, VISIT, case_id), "visit_date"),
        papers=queries.children(db, FILED_PAPER, case_id),
        settings=township_settings.settings(db),
    )


# ---------------------------------------------------------------------------
# The kinds of document and when a case has them


def _applied(file: CaseFile) -> str | None:
    source = file.case.get("source")
    if source == APPLIED:
        return None
    return f"本案的纠纷来源是“{source or '未填写'}”，不是当事人申请，卷宗中没有申请书；受理情况见人民调解受理登记表"


def _has_inquiries(file: CaseFile) -> str | None:
    return None if file.inquiries else "本案没有登记调查；请先在案件的“调查”中填写调查日期、被调查人和调查内容"


def _agreement(form: str) -> Callable[[CaseFile], str | None]:
    def rule(file: CaseFile) -> str | None:
        result, agreement = file.case.get("result"), file.case.get("agreement")
        if result != SUCCESS:
            return f"本案调解结果是“{result or '未填写'}”，没有达成调解协议"
        if agreement != form:
            other = "口头协议登记表" if agreement == ORAL else "人民调解协议书"
            return f"本案达成的是{agreement}协议，应打印{other}" if agreement else "本案未填写协议形式（书面或口头）"
        return None

    return rule


def _has_visits(file: CaseFile) -> str | None:
    return None if file.visits else "本案还没有回访记录；回访后在案件的“回访”中登记"


def _closed(file: CaseFile) -> str | None:
    result = file.case.get("result")
    return None if result and result != ONGOING else "本案仍在调解中，尚未结案"


@dataclass(frozen=True)
class DocumentKind:
    """A document the program prints: its template (``key``), its title in the 卷内目录, and
    ``reason_not(file)``: why a case has no such document (None when it has)."""

    key: str  # the template's file name (without .txt), also the CLI's --kind
    title: str  # as listed in the 卷内目录
    aliases: tuple[str, ...] = ()
    when: str = "每件案件"  # said in the dialog and the CLI's help
    reason_not: Callable[[CaseFile], str | None] = lambda file: None
    required: bool = False  # a required part of every case file (a blank copy is printed when nothing is recorded)


KINDS: tuple[DocumentKind, ...] = (
    DocumentKind(COVER, "卷宗封面及卷内目录", ("封面", "卷内目录", "目录")),
    DocumentKind("申请书", "人民调解申请书", ("人民调解申请书", "调解申请书"), "当事人申请调解的案件", _applied),
    DocumentKind("受理登记表", "人民调解受理登记表", ("人民调解受理登记表", "登记表"), "每件案件（当事人申请的案件可用申请书代替）"),
    DocumentKind("告知书", "人民调解当事人权利义务告知书", ("当事人权利义务告知书", "权利义务告知书"), required=True),
    DocumentKind("调查记录", "人民调解调查记录", ("人民调解调查记录",), "登记了调查的案件，每次调查一份", _has_inquiries),
    DocumentKind("调解记录", "人民调解记录", ("人民调解记录", "记录"), "每次调解一份（未登记调解时为空白记录）", required=True),
    DocumentKind("协议书", "人民调解协议书", ("人民调解协议书", "调解协议书", "书面协议"), "调解成功并达成书面协议", _agreement(WRITTEN)),
    DocumentKind("口头协议登记表", "人民调解口头协议登记表", ("口头协议",), "调解成功并达成口头协议", _agreement(ORAL)),
    DocumentKind("回访记录", "人民调解回访记录", ("回访",), "有回访记录的案件", _has_visits),
    DocumentKind("结案报告表", "人民调解结案报告表", ("结案报告", "结案表"), "已结案的案件（调解成功、不成功或中止）", _closed),
)
BY_KIND = {kind.key: kind for kind in KINDS}


def reason_not(kind: str, file: CaseFile) -> str | None:
    """Why ``file`` has no document of ``kind`` (a Chinese sentence), or None when it has."""
    return BY_KIND[kind].reason_not(file)


def applicable_kinds(file: CaseFile) -> list[str]:
    """The documents this case's file holds, in 卷内目录 order (one of 申请书 and 受理登记表)."""
    kinds = [kind.key for kind in KINDS if kind.reason_not(file) is None]
    if "申请书" in kinds:
        kinds.remove("受理登记表")
    return kinds


def resolve_kind(text: str) -> str:
    """The document kind a clerk's word names (协议书, 调解协议书 …); UserError listing the kinds."""
    word = (text or "").strip()
    if word == CASE_FILE:
        return CASE_FILE
    for kind in KINDS:
        if word in (kind.key, kind.title, *kind.aliases):
            return kind.key
    names = "、".join([kind.key for kind in KINDS] + [CASE_FILE])
    raise UserError(f"没有“{word}”这种文书。可选：{names}（“卷宗”= 本案全部文书）。")


# Papers the office files by hand: when the 卷内目录 lists them (their pages come from FILED_PAPER).
def _confirm_applied(file: CaseFile) -> bool:
    return bool(file.case.get("confirm_applied") or file.case.get("confirmed"))


def _confirm_decided(file: CaseFile) -> bool:
    return file.case.get("confirm_result") in (CONFIRM_VALID, CONFIRM_REFUSED) or bool(file.case.get("confirmed"))


FILED_WHEN: dict[str, Callable[[CaseFile], bool]] = {
    "当事人身份证明": lambda file: True,  # required in every file
    "司法确认申请书": _confirm_applied,
    "司法确认决定书": _confirm_decided,
}
# The 卷内目录's order (人民调解文书格式): printed documents and papers filed by hand together.
ORDER = ("申请书", "受理登记表", "告知书", "当事人身份证明", "授权委托书", "调查记录", "证据材料", "调解记录", "协议书", "口头协议登记表",
         "履行凭证", "回访记录", "司法确认申请书", "司法确认决定书", "结案报告表", "其他材料", BACK_COVER)  # fmt: skip


# ---------------------------------------------------------------------------
# Templates


def template_path(kind: str) -> Path:
    """The office's adapted template if there is one, else the program's own."""
    own = data_dir() / OVERRIDE_FOLDER / f"{kind}.txt"
    return own if own.is_file() else resource("documents", f"{kind}.txt")


def _row_names(prefix: str) -> str:
    return {"|*": "当事人", "|@": "回访", "|#": "目录", "|$": "履行"}.get(prefix, "")


ROW_FIELDS = {
    "当事人": tuple(field.label for field in PARTY.fields),  # a party's row names its fields by their labels (_party_values)
    "回访": ("日期", "回访人", "情况", "是否履行", "是否满意"),
    "目录": ("序号", "名称", "页号", "备注"),
    "履行": ("日期", "情况", "凭证"),
}
# The fields a template names by their label in the description (registers: {纠纷类型}, {协议日期} …), each shown as
# the form shows it, a date in words. The other names are the national format's own wording or computed (below).
LABELLED_CASE_FIELDS = ("case_no", "accepted", "dispute_type", "people", "summary", "registrar", "request", "facts", "mediator", "result",
                        "agreement", "agreement_date", "agreement_place", "main_facts", "disputed", "liability", "agreement_text",
                        "performance_way", "performance_place", "performance_due", "closed")  # fmt: skip
LABELLED_SESSION_FIELDS = ("session_place", "attendees", "recorder", "notice", "applicant_says", "respondent_says", "verified", "proposal")
LABELLED_INQUIRY_FIELDS = ("inquiry_place", "persons", "investigator", "content")
CASE_NAMES = tuple(MEDIATION_CASE.field(key).label for key in LABELLED_CASE_FIELDS) + (
    "调解委员会", "案件来源", "村居", "涉及金额", "首次调解日期", "调解次数", "结案调解结果", "履行情况", "司法确认", "当事人", "申请人",
    "被申请人", "回访情况", "份数", "保管期限", "镇", "县", "司法所", "人民法院",
)  # fmt: skip
SESSION_NAMES = tuple(SESSION.field(key).label for key in LABELLED_SESSION_FIELDS) + ("调解时间", "本次调解员", "本次结果", "终止告知")
INQUIRY_NAMES = tuple(INQUIRY.field(key).label for key in LABELLED_INQUIRY_FIELDS) + ("调查时间", "调查记录人")
VALUE_NAMES = CASE_NAMES + SESSION_NAMES + INQUIRY_NAMES
PARAGRAPH_NAMES = ("当事人信息", "申请人信息", "被申请人信息", "当事人签名行")  # a line of its own, one paragraph per party
_NAME = re.compile(r"\{([^{}]*)\}")


def check_template(kind: str, text: str | None = None, path: Path | None = None) -> None:
    """UserError naming the file, line and placeholder when a template uses an unknown name."""
    path = path or template_path(kind)
    text = text if text is not None else path.read_text(encoding="utf-8-sig")
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith(";"):
            continue
        if line.startswith("|%") and not all(re.fullmatch(r"\d+(\.\d+)?", cell) for cell in _cells(line[1:]) if cell):
            raise UserError(f"文书模板“{path}”第{number}行：列宽应写成数字（毫米），如 |% 16 | 90 | 20 | 30 |。")
        row_kind = _row_names(line[:2])
        for name in _NAME.findall(line):
            if name in VALUE_NAMES or (name in PARAGRAPH_NAMES and line.strip() == f"{{{name}}}"):
                continue
            prefix, _, column = name.partition(".")
            if row_kind and prefix == row_kind and column in ROW_FIELDS[row_kind]:
                continue
            if name in PARAGRAPH_NAMES:
                raise UserError(f"文书模板“{path}”第{number}行：“{{{name}}}”要单独占一行。")
            allowed = "、".join(f"{{{n}}}" for n in VALUE_NAMES + PARAGRAPH_NAMES)
            rows = "；表格重复行中还可用：" + "、".join(f"{{{k}.{c}}}" for k, cs in ROW_FIELDS.items() for c in cs[:2]) + " 等"
            raise UserError(f"文书模板“{path}”第{number}行：“{{{name}}}”不是可用的名称，请改正后再打印。可用：{allowed}{rows}。")
    if text.count("{") != text.count("}"):
        raise UserError(f"文书模板“{path}”中的花括号不成对，请检查 {{ 和 }}。")


def load_template(kind: str) -> tuple[str, Path]:
    path = template_path(kind)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UserError(f"找不到文书模板“{path}”。请重新安装程序，或把模板放回“{OVERRIDE_FOLDER}”文件夹。") from None
    except UnicodeDecodeError:
        raise UserError(f"文书模板“{path}”不是 UTF-8 编码的文本文件。请用记事本另存为 UTF-8 后再打印。") from None
    check_template(kind, text, path)
    return text, path


# ---------------------------------------------------------------------------
# Values of a case


def _date(value: object) -> str:
    day = parse_date(value) if value else None
    return chinese_date(day) if day else ""


def committee_name(case: dict, settings: dict) -> str:
    """Who mediated: 赵村镇人民调解委员会, 赵村村人民调解委员会, or the office."""
    if case.get("org") == TOWN_COMMITTEE:
        return f"{settings.get('town') or ''}人民调解委员会"
    if case.get("org") == VILLAGE_COMMITTEE and case.get("village"):
        return f"{case['village']}人民调解委员会"
    return settings.get("office") or "人民调解委员会"


def _labelled(register, keys: tuple[str, ...], record: dict) -> dict[str, str]:
    """``record``'s fields ``keys`` by their labels, as the form shows them (a date in words; nothing masked: signed documents)."""
    fields = [register.field(key) for key in keys]
    return {f.label: _date(record.get(f.key)) if f.kind is Kind.DATE else display_value(f, record.get(f.key), reveal=True) for f in fields}


def _party_values(party: dict) -> dict[str, str]:
    shown = {f.label: display_value(f, party.get(f.key), reveal=True) for f in PARTY.fields}  # signed documents: not masked
    shown["出生日期"] = _date(party.get("birth_date"))
    return shown


def party_line(party: dict) -> str:
    """申请人：张三，男，汉族，1990年3月8日出生，农民，住赵村村三组，联系电话…，身份证号…"""
    values = _party_values(party)
    born = f"{values['出生日期']}出生" if values["出生日期"] else (f"{values['年龄']}岁" if values["年龄"] else "")
    parts = [values["姓名"], values["性别"], values["民族"], born, values["职业或职务"]]
    if values["单位或住址"]:
        parts.append(f"住（单位）{values['单位或住址']}")
    if values["联系方式"]:
        parts.append(f"联系电话{values['联系方式']}")
    if values["身份证号"]:
        parts.append(f"身份证号{values['身份证号']}")
    return f"{values['身份']}：" + "，".join(part for part in parts if part) + "。"


def closing_result(case: dict) -> str:
    """调解结果 as the 结案报告表 states it: 调解成功（书面协议）, 调解不成功, 调解中止 (never "不成功（协议）")."""
    result = case.get("result") or ""
    if result == SUCCESS and case.get("agreement"):
        return f"{result}（{case['agreement']}协议）"
    return result


def case_values(file: CaseFile) -> dict[str, str]:
    """The placeholder values of the case itself (a 调查 or 调解 row adds its own: ``copy_values``)."""
    case, settings, parties = file.case, file.settings, file.parties
    by_role = lambda role: [p["name"] for p in parties if p.get("role") == role]  # noqa: E731
    shown = {f.key: display_value(f, case.get(f.key), reveal=True) for f in MEDIATION_CASE.fields}
    confirm = "未申请"
    if case.get("confirm_applied"):
        confirm = f"{_date(case['confirm_applied'])}申请" + (f"，{case['confirm_result']}" if case.get("confirm_result") else "")
    elif case.get("confirmed"):
        confirm = "已司法确认"
    first = file.sessions[0].get("session_date") if file.sessions else None
    return {
        **_labelled(MEDIATION_CASE, LABELLED_CASE_FIELDS, case),
        "调解委员会": committee_name(case, settings),
        "案件来源": shown["source"],
        "村居": shown["village"],
        "涉及金额": shown["amount"],
        "首次调解日期": _date(first or case.get("accepted")),
        "调解次数": f"{len(file.sessions)}次" if file.sessions else "",
        "结案调解结果": closing_result(case),
        "履行情况": shown["performance"] if case.get("result") == SUCCESS else "无调解协议",
        "司法确认": confirm if case.get("result") == SUCCESS else "不适用（未达成调解协议）",
        "当事人": "、".join(p["name"] for p in parties) or shown["parties"],
        "申请人": "、".join(by_role(APPLICANT)),
        "被申请人": "、".join(by_role(RESPONDENT)),
        "回访情况": "\n".join(f"{_date(v.get('visit_date'))}：{v.get('situation') or ''}" for v in file.visits),
        "份数": str(len(parties) + 1),
        "保管期限": "长期",
        "镇": settings.get("town") or "",
        "县": settings.get("county") or "",
        "司法所": settings.get("office") or "",
        "人民法院": f"{settings.get('county') or ''}人民法院",
    }


def session_values(file: CaseFile, session: dict | None, last: bool) -> dict[str, str]:
    """The values of one 调解记录: that session's own account (``None``: a blank record for hand filling).
    The record that ends a failed case carries the art. 26 告知 of the other ways open to the parties."""
    session = session or {}
    day = _date(session.get("session_date"))
    outcome = session.get("outcome") or ""
    ends = outcome == ENDED or (last and file.case.get("result") == FAILED)
    notice = session.get("notice") or ""
    told = any(word in notice for word in ("仲裁", "诉讼")) and "司法" in notice
    if last and file.case.get("result") == SUSPENDED and not outcome:
        outcome = PAUSED
    return {
        **_labelled(SESSION, LABELLED_SESSION_FIELDS, session),
        "调解时间": f"{day}{session.get('session_time') or ''}" if day else "",
        "本次调解员": session.get("mediators") or file.case.get("mediator") or "",
        "本次结果": outcome or (ENDED if ends else ""),
        "终止告知": ART_26_LINE if ends and not told else "",
    }


def inquiry_values(inquiry: dict) -> dict[str, str]:
    return {
        **_labelled(INQUIRY, LABELLED_INQUIRY_FIELDS, inquiry),
        "调查时间": _date(inquiry.get("inquiry_date")),
        "调查记录人": inquiry.get("recorder") or "",
    }


def copies(kind: str, file: CaseFile) -> list[tuple[str, dict[str, str]]]:
    """The copies of ``kind`` a file holds: (the 卷内目录's name for it, its own values)."""
    title = BY_KIND[kind].title
    if kind == "调查记录":
        return [(f"{title}（{_date(row.get('inquiry_date'))}）", inquiry_values(row)) for row in file.inquiries]
    if kind == "调解记录":
        if not file.sessions:
            return [(title, session_values(file, None, True))]
        many = len(file.sessions) > 1
        return [(f"{title}（{_date(row.get('session_date'))}）" if many else title, session_values(file, row, index == len(file.sessions) - 1))
                for index, row in enumerate(file.sessions)]  # fmt: skip
    return [(title, {})]


# ---------------------------------------------------------------------------
# Filling


def _fill(text: str, values: dict[str, str], blank: str = BLANK) -> str:
    return _NAME.sub(lambda m: values.get(m.group(1)) or blank, text)


def _cells(line: str) -> list[str]:
    inner = line.strip()
    inner = inner[2:] if inner[:2] in ("|*", "|@", "|#", "|$") else inner[1:]
    if inner.endswith("|"):
        inner = inner[:-1]
    return [cell.strip() for cell in inner.split("|")]


@dataclass(frozen=True)
class DocBlock:
    """One block of a document. ``kind``: title, number (centred line), body (indented
    paragraph), plain (no indent), right (signature and date lines), blank, pagebreak, table.
    A pagebreak's ``restart``: the page number the next page carries (None: the next number)."""

    kind: str
    text: str = ""
    rows: tuple[tuple[str, ...], ...] = ()  # for a table: its cells, row by row
    widths: tuple[float, ...] = ()  # for a table: column widths in mm (empty: the writer decides)
    restart: int | None = None


def fill_template(text: str, values: dict[str, str], rows: dict[str, list[dict[str, str]]]) -> list[DocBlock]:
    """The blocks of one document: ``values`` for {names}, ``rows`` for repeated table rows.
    A line whose only placeholders are all empty and that starts with ``?`` is left out."""
    blocks: list[DocBlock] = []
    table: list[tuple[str, ...]] = []
    widths: list[float] = []

    def end_table() -> None:
        if table:
            blocks.append(DocBlock("table", rows=tuple(table), widths=tuple(widths)))
            table.clear()
            widths.clear()

    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith(";") or not stripped:
            continue
        if stripped.startswith("?"):  # printed only when one of its names has a value
            stripped = stripped[1:].strip()
            if not any(values.get(name) for name in _NAME.findall(stripped)):
                continue
        if stripped.startswith("|%"):
            end_table()
            widths[:] = [float(cell) for cell in _cells(stripped[1:]) if cell]
        elif stripped.startswith("|"):
            table.extend(_table_rows(stripped, values, rows))
        else:
            end_table()
            blocks.extend(_line_blocks(stripped, values))
    end_table()
    return blocks


def _table_rows(line: str, values: dict[str, str], rows: dict[str, list[dict[str, str]]]) -> list[tuple[str, ...]]:
    """A template's table line: one row of cells, or (a line naming a kind of rows) one row per item of ``rows``."""
    row_kind = _row_names(line[:2])
    cells = _cells(line)
    if not row_kind:
        return [tuple(_fill(cell, values, "") for cell in cells)]  # a ruled cell is the blank
    filled = []
    for item in rows.get(row_kind, []):
        prefixed = dict(values, **{f"{row_kind}.{key}": value for key, value in item.items()})
        filled.append(tuple(_NAME.sub(lambda m: prefixed.get(m.group(1)) or "", cell) for cell in cells))  # noqa: B023 (called within this turn)
    return filled


def _line_blocks(line: str, values: dict[str, str]) -> list[DocBlock]:
    """A template's line outside a table: a named run of paragraphs, a page break, a blank, a marked line
    (= title, # number, > right, : plain) or body paragraphs."""
    name = line[1:-1] if line.startswith("{") and line.endswith("}") else ""
    if name in PARAGRAPH_NAMES:
        return [DocBlock(kind, paragraph) for kind, paragraph in values.get(name) or []]
    marker, rest = line[:1], line[1:].strip()
    if line == "---":
        return [DocBlock("pagebreak")]
    if line == "~":
        return [DocBlock("blank")]
    if marker in "=#>:":
        kind = {"=": "title", "#": "number", ">": "right", ":": "plain"}[marker]
        return [DocBlock(kind, _fill(rest, values))]
    return [DocBlock("body", paragraph.strip()) for paragraph in _fill(line, values).splitlines() or [""] if paragraph.strip()]


@dataclass(frozen=True)
class ContentsEntry:
    """One line of the 卷内目录: a paper of the file and the pages it takes (0: not counted)."""

    name: str
    first: int | None  # page number of its first page; None: not numbered (封底) or its pages unknown
    pages: int
    note: str = ""
    printed: bool = False  # printed by the program (its page numbers are checked against the rendering)

    @property
    def page_text(self) -> str:
        if self.first is None:
            return ""
        return str(self.first) if self.pages <= 1 else f"{self.first}—{self.first + self.pages - 1}"


@dataclass
class CaseDocument:
    """Filled documents of one case, ready for ``report_docx.write_docx`` and the print preview."""

    title: str
    settings: dict
    blocks: list[DocBlock] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)  # the kind of each copy, in order
    names: list[str] = field(default_factory=list)  # each copy's name in the 卷内目录
    starts: list[int] = field(default_factory=list)  # index in ``blocks`` where each copy begins
    first_number: int | None = 1  # the page number of the first page (None: the cover and 目录, unnumbered)
    page_tops: list[int] = field(default_factory=list)  # blocks that start a page (report_docx.page_tops): forced in every output
    people: tuple[str, ...] = ()  # names no line breaks inside (report_docx.keep_names)
    contents: list[ContentsEntry] = field(default_factory=list)  # the 卷内目录 (with the cover)
    problems: list[str] = field(default_factory=list)  # what the clerk should know before filing

    def plain_text(self) -> str:
        lines = []
        for block in self.blocks:
            lines.append(block.text if block.kind != "table" else "\n".join(" | ".join(row) for row in block.rows))
        return "\n".join(lines)


def chosen_kinds(file: CaseFile, kinds: list[str] | tuple[str, ...]) -> list[str]:
    """The kinds asked for, in 卷内目录 order; UserError with the reason when one does not apply."""
    chosen: set[str] = set()
    for word in kinds:
        kind = resolve_kind(word)
        if kind == CASE_FILE:
            chosen.update(applicable_kinds(file))
            continue
        why = reason_not(kind, file)
        if why:
            raise UserError(f"本案不能打印{BY_KIND[kind].title}：{why}。")
        chosen.add(kind)
    if not chosen:
        raise UserError("请至少选择一种文书。")
    return [kind.key for kind in KINDS if kind.key in chosen]


def _paragraphs(file: CaseFile, values: dict[str, str]) -> dict:
    paragraphs: dict = dict(values)
    parties = file.parties
    infos = [("plain", party_line(p)) for p in parties]
    paragraphs.update({
        "当事人信息": infos,
        "申请人信息": [info for info, p in zip(infos, parties) if p.get("role") == APPLICANT] or [("plain", f"{APPLICANT}：{BLANK}")],
        "被申请人信息": [info for info, p in zip(infos, parties) if p.get("role") != APPLICANT] or [("plain", f"{RESPONDENT}：{BLANK}")],
        "当事人签名行": [("right", f"{p['name']}：{BLANK}") for p in parties],
    })  # fmt: skip
    return paragraphs


def _rows(file: CaseFile, contents: list[ContentsEntry]) -> dict[str, list[dict[str, str]]]:
    return {
        "当事人": [_party_values(p) for p in file.parties],
        "回访": [{"日期": _date(v.get("visit_date")), "回访人": v.get("visitor") or "", "情况": v.get("situation") or "",
                 "是否履行": display_value(VISIT.field("carried_out"), v.get("carried_out")),
                 "是否满意": display_value(VISIT.field("satisfied"), v.get("satisfied"))} for v in file.visits],
        "履行": [{"日期": _date(s.get("performed_on")), "情况": s.get("how") or "", "凭证": s.get("proof") or ""} for s in file.steps],
        "目录": [{"序号": str(n), "名称": entry.name, "页号": entry.page_text, "备注": entry.note} for n, entry in enumerate(contents, start=1)],
    }  # fmt: skip


def build_case_documents(db: Database, case_id: int, kinds: list[str] | tuple[str, ...]) -> CaseDocument:
    """The chosen documents of one case, each starting on a new page (``卷宗``: all that apply).

    With the cover, its 卷内目录 lists the chosen documents and the papers filed by hand, in the
    national order, each with the page numbers it takes; the documents carry those numbers."""
    file = load_case(db, case_id)
    chosen = chosen_kinds(file, kinds)
    values = case_values(file)
    title = f"{values['案件编号'] or values['当事人']}调解文书"
    made = [(kind, name, dict(values, **own)) for kind in chosen for name, own in copies(kind, file)]
    paragraphs = _paragraphs(file, values)
    templates = {kind: load_template(kind)[0] for kind in chosen}
    document = CaseDocument(title, file.settings, kinds=[kind for kind, _, _ in made], names=[name for _, name, _ in made], people=people_of(file))
    document.problems = file_problems(file)
    _assemble(document, made, templates, paragraphs, _rows(file, []))
    counts = _page_counts(document)
    if COVER not in chosen:  # numbered 1, 2, … through the documents chosen
        _number(document, [1 + sum(counts[:index]) for index in range(len(made))])
        return _paged(document)
    # with the 目录: the papers filed by hand take their pages too (the 目录's own length changes no count)
    contents, numbers = contents_of(file, made[1:], counts[1:])
    document.contents = contents
    document.blocks.clear()
    _assemble(document, made, templates, paragraphs, _rows(file, contents))
    document.first_number = None  # the cover and the 目录 carry no page number
    _number(document, [None, *numbers])
    return _paged(document)


def _paged(document: CaseDocument) -> CaseDocument:
    """The pages laid out in advance: every output breaks them where the page count was taken."""
    from zhaocun_desktop.report_docx import page_tops

    document.page_tops = page_tops(document)
    return document


def people_of(file: CaseFile) -> tuple[str, ...]:
    """The people a case's documents name: parties, mediators, recorders, those asked, visitors."""
    found = [p.get("name") for p in file.parties] + [file.case.get(key) for key in ("mediator", "registrar")]
    found += [row.get(key) for row in file.sessions for key in ("mediators", "recorder")]
    found += [row.get(key) for row in file.inquiries for key in ("investigator", "recorder")] + [row.get("visitor") for row in file.visits]
    return tuple(dict.fromkeys(name.strip() for name in found if name and 1 < len(name.strip()) <= 6))


def contents_of(file: CaseFile, made: list[tuple[str, str, dict]], counts: list[int]) -> tuple[list[ContentsEntry], list[int]]:
    """The 卷内目录 of printed copies (``made``, taking ``counts`` pages each) and the hand-filed
    papers, in the national order; and the first page number of each printed copy."""
    entries: list[ContentsEntry] = []
    numbers: list[int] = []
    page = 1
    printed = {kind: [(name, count) for (k, name, _), count in zip(made, counts) if k == kind] for kind in dict.fromkeys(k for k, _, _ in made)}
    for name in ORDER:
        if name in printed:
            for copy_name, count in printed[name]:
                entries.append(ContentsEntry(copy_name, page, count, printed=True))
                numbers.append(page)
                page += count
            continue
        if name == BACK_COVER:
            entries.append(ContentsEntry(BACK_COVER, None, 0))
            continue
        if name in BY_KIND:
            continue  # a document not chosen
        wanted = FILED_WHEN.get(name, lambda file: False)(file)
        filed = file.filed(name)
        if not (wanted or filed):
            continue
        pages = file.pages_filed(name)
        if pages:
            notes = "；".join(row.get("description") or "" for row in file.papers if row.get("paper") == name and row.get("description"))
            entries.append(ContentsEntry(name, page, pages, notes))
            page += pages
        else:
            entries.append(ContentsEntry(name, None, 0, "未登记页数，请补页号"))
    return entries, numbers


def _assemble(document: CaseDocument, made: list[tuple[str, str, dict]], templates: dict[str, str], paragraphs: dict, rows: dict) -> None:
    """Fill each copy one after another, each starting a page."""
    starts = []
    for index, (kind, _name, values) in enumerate(made):
        if index:
            document.blocks.append(DocBlock("pagebreak"))
        starts.append(len(document.blocks))
        document.blocks += fill_template(templates[kind], dict(paragraphs, **values), rows)
    document.starts = starts


def _page_counts(document: CaseDocument) -> list[int]:
    """The pages each copy takes, as ``report_docx.first_pages`` lays the document out."""
    from zhaocun_desktop.report_docx import first_pages

    pages = first_pages(document)
    firsts = [pages[start] if start < len(pages) else pages[-1] for start in document.starts]
    last = max(pages, default=1)
    return [b - a for a, b in zip(firsts, firsts[1:] + [last + 1])]


def _number(document: CaseDocument, numbers: list[int | None]) -> None:
    """Each copy's first page carries ``numbers[i]``: set on the page break before it."""
    if numbers and numbers[0] is not None:
        document.first_number = numbers[0]
    for start, number in zip(document.starts[1:], numbers[1:]):
        document.blocks[start - 1] = dataclasses.replace(document.blocks[start - 1], restart=number)


# ---------------------------------------------------------------------------
# What a reviewer would send back


def file_problems(file: CaseFile) -> list[str]:
    """What the case file lacks or contradicts, as a county reviewer checks it (Chinese sentences), in the
    order a reviewer reads the file: what is filed, the dates of the work, the result, the agreement."""
    return [*_filing_problems(file), *_work_date_problems(file), *_result_problems(file), *_agreement_problems(file)]


def _filing_problems(file: CaseFile) -> list[str]:
    """Papers the case needs but has no pages for, and confirmation papers a case without confirmation holds."""
    problems = []
    for name, wanted in FILED_WHEN.items():
        if wanted(file) and not file.pages_filed(name):
            problems.append(f"{name}未在“归档材料”中登记页数：卷内目录中它的页号空着，其后各份材料的页号未计入它的页数")
    for name in ("司法确认申请书", "司法确认决定书"):
        if file.filed(name) and not FILED_WHEN[name](file):
            problems.append(f"登记了{name}，但案件没有{'申请司法确认' if name.endswith('申请书') else '司法确认结果'}；请核对")
    return problems


def _work_date_problems(file: CaseFile) -> list[str]:
    """Sessions and inquiries dated before the case was accepted or after it was closed."""
    case, problems = file.case, []
    accepted, closed = parse_date(case.get("accepted")), parse_date(case.get("closed"))
    dated = [("调解", row.get("session_date")) for row in file.sessions] + [("调查", row.get("inquiry_date")) for row in file.inquiries]
    for what, value in dated:
        day = parse_date(value) if value else None
        if day and accepted and day < accepted:
            problems.append(f"{what}日期{_date(value)}早于受理日期{_date(case.get('accepted'))}")
        if day and closed and day > closed:
            problems.append(f"{what}日期{_date(value)}晚于结案日期{_date(case.get('closed'))}")
    return problems


def _result_problems(file: CaseFile) -> list[str]:
    """The case's result against its sessions' outcomes and its written agreement."""
    case, problems = file.case, []
    result, agreed = case.get("result"), parse_date(case.get("agreement_date"))
    last = (file.sessions[-1].get("outcome") or "") if file.sessions else ""
    if result == SUCCESS and case.get("agreement") == WRITTEN and not agreed:
        problems.append("书面协议未填写协议日期：协议书的落款日期空着")
    if result == SUCCESS and not any(row.get("outcome") == AGREED for row in file.sessions) and file.sessions:
        problems.append("案件调解成功，但没有一次调解的结果是“达成协议”")
    if result == FAILED and file.sessions and last not in ("", ENDED):
        problems.append(f"案件调解不成功，但最后一次调解的结果是“{last}”")
    return problems


def _agreement_problems(file: CaseFile) -> list[str]:
    """The agreement's date against the last session, the performance steps and the application for confirmation."""
    case, problems = file.case, []
    agreed = parse_date(case.get("agreement_date"))
    if agreed and file.sessions:
        latest = max(parse_date(row.get("session_date")) or dt.date.min for row in file.sessions)
        if agreed < latest:
            problems.append(f"协议日期{_date(case.get('agreement_date'))}早于最后一次调解（{chinese_date(latest)}）")
    for row in file.steps:
        day = parse_date(row.get("performed_on"))
        if day and agreed and day < agreed:
            problems.append(f"履行日期{_date(row.get('performed_on'))}早于协议日期{_date(case.get('agreement_date'))}")
    applied = parse_date(case.get("confirm_applied"))
    if applied and agreed and (applied - agreed).days > 30:
        problems.append("司法确认申请超过协议生效后30日（人民调解法第三十三条）")
    return problems


def find_case(db: Database, text: str) -> int:
    """The id of the case a clerk names by its number (案件编号) or its id; UserError otherwise."""
    word = (text or "").strip()
    row = db.execute("SELECT id FROM mediation_case WHERE case_no = ?", [word]).fetchone()
    if row is None and word.isdigit():
        row = db.execute("SELECT id FROM mediation_case WHERE id = ?", [int(word)]).fetchone()
    if row is None:
        raise UserError(f"找不到案件“{word}”。请写完整的案件编号（如（2023）赵人调字第12号）或案件的内部编号。")
    return row[0]


def write_case_docx(db: Database, case_id: int, kinds: list[str] | tuple[str, ...], path: str | Path, installed_fonts=None) -> Path:
    """Write the chosen documents of a case as one A4 .docx (through the report's writer)."""
    from zhaocun_desktop.report_docx import write_docx

    return write_docx(build_case_documents(db, case_id, kinds), path, installed_fonts)
