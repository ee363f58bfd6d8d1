"""The documents of a mediation case (卷宗): one Qt-free model, filled from a case and its templates.

Each kind of document has a text template in ``resources/documents`` (the office may put an
adapted copy in the data folder's 文书模板 folder). ``build_case_documents`` fills the chosen
templates for one case and returns a ``CaseDocument``: a list of blocks (title, paragraphs,
ruled tables, signature lines, page breaks) that ``report_docx`` writes as an A4 .docx and
``gui/report_print`` paints for preview, printer and PDF, exactly as for the report.

Personal data is NOT masked here, unlike lists and exports: these documents carry the
parties' particulars because the parties sign them (人民调解法 art. 29); the clerk prints them
for the case file only.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from zhaocun_desktop import records
from zhaocun_desktop.errors import UserError
from zhaocun_desktop.paths import data_dir, resource
from zhaocun_desktop.registers import MEDIATION_CASE, PARTY, VISIT
from zhaocun_desktop.validation import display_value
from zhaocun_desktop.values import chinese_date, parse_date

if TYPE_CHECKING:
    from sqlite_utils import Database

BLANK = "＿＿＿＿＿＿"  # printed where the record has nothing: the clerk or a party fills it in by hand
OVERRIDE_FOLDER = "文书模板"


@dataclass(frozen=True)
class DocumentKind:
    key: str  # the template's file name (without .txt), also the CLI's --kind
    title: str  # as listed in the 卷内目录
    aliases: tuple[str, ...] = ()
    required: bool = False  # 卷内目录: a required part of every case file


KINDS: tuple[DocumentKind, ...] = (
    DocumentKind("卷宗封面", "卷宗封面及卷内目录", ("封面", "卷内目录", "目录")),
    DocumentKind("申请书", "人民调解申请书", ("人民调解申请书", "调解申请书"), True),
    DocumentKind("受理登记表", "人民调解受理登记表", ("人民调解受理登记表", "登记表"), True),
    DocumentKind("告知书", "当事人权利义务告知书", ("当事人权利义务告知书", "权利义务告知书"), True),
    DocumentKind("调解记录", "人民调解记录", ("人民调解记录", "记录"), True),
    DocumentKind("协议书", "人民调解协议书", ("人民调解协议书", "调解协议书", "书面协议")),
    DocumentKind("口头协议登记表", "口头协议登记表", ("口头协议",)),
    DocumentKind("回访记录", "回访记录", ("回访",)),
    DocumentKind("结案报告表", "人民调解结案报告表", ("结案报告", "结案表")),
)
BY_KIND = {kind.key: kind for kind in KINDS}
CASE_FILE = "卷宗"  # every document that applies to the case, cover first, in one file


@dataclass(frozen=True)
class DocBlock:
    """One block of a document. ``kind``: title, number (centred line), body (indented
    paragraph), plain (no indent), right (signature and date lines), blank, pagebreak, table."""

    kind: str
    text: str = ""
    rows: tuple[tuple[str, ...], ...] = ()  # for a table: its cells, row by row
    widths: tuple[float, ...] = ()  # for a table: column widths in mm (empty: the writer decides)


@dataclass
class CaseDocument:
    """Filled documents of one case, ready for ``report_docx.write_docx`` and the print preview."""

    title: str
    settings: dict
    blocks: list[DocBlock] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)  # index in ``blocks`` where each of ``kinds`` begins

    def plain_text(self) -> str:
        lines = []
        for block in self.blocks:
            lines.append(block.text if block.kind != "table" else "\n".join(" | ".join(row) for row in block.rows))
        return "\n".join(lines)


# ---------------------------------------------------------------------------
# Templates


def template_path(kind: str) -> Path:
    """The office's adapted template if there is one, else the program's own."""
    own = data_dir() / OVERRIDE_FOLDER / f"{kind}.txt"
    return own if own.is_file() else resource("documents", f"{kind}.txt")


def _row_names(prefix: str) -> dict[str, str]:
    return {
        "|*": "当事人", "|@": "回访", "|#": "目录",
    }.get(prefix, "")  # fmt: skip


ROW_FIELDS = {
    "当事人": ("身份", "姓名", "性别", "民族", "出生日期", "年龄", "职业或职务", "联系方式", "单位或住址", "身份证号"),
    "回访": ("日期", "回访人", "情况", "是否履行", "是否满意"),
    "目录": ("序号", "名称", "页号", "备注"),
}
VALUE_NAMES = (
    "案件编号", "受理日期", "调解委员会", "纠纷类型", "案件来源", "村居", "涉及人数", "涉及金额", "简要案情", "请求事项",
    "调解员", "调解日期", "调解地点", "调解结果", "协议形式", "协议内容", "履行方式", "履行期限", "履行情况", "结案日期",
    "司法确认", "登记人", "当事人", "申请人", "被申请人", "回访情况", "份数", "保管期限", "镇", "司法所", "今天",
)  # fmt: skip
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
    if case.get("org") == "镇调委会":
        return f"{settings.get('town') or ''}人民调解委员会"
    if case.get("org") == "村调委会" and case.get("village"):
        return f"{case['village']}人民调解委员会"
    return settings.get("office") or "人民调解委员会"


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


def case_values(db: Database, case_id: int) -> tuple[dict, dict[str, str], list[dict], list[dict]]:
    """The case, its placeholder values, its parties and its visits."""
    case = records.get(db, MEDIATION_CASE, case_id)
    settings = records.settings(db)
    parties = records.children(db, PARTY, case_id)
    visits = records.children(db, VISIT, case_id)
    by_role = lambda role: [p["name"] for p in parties if p.get("role") == role]  # noqa: E731
    shown = {f.key: display_value(f, case.get(f.key), reveal=True) for f in MEDIATION_CASE.fields}
    confirm = "未申请"
    if case.get("confirm_applied"):
        confirm = f"{_date(case['confirm_applied'])}申请" + (f"，{case['confirm_result']}" if case.get("confirm_result") else "")
    elif case.get("confirmed"):
        confirm = "已司法确认"
    values = {
        "案件编号": case.get("case_no") or "",
        "受理日期": _date(case.get("accepted")),
        "调解委员会": committee_name(case, settings),
        "纠纷类型": shown["dispute_type"],
        "案件来源": shown["source"],
        "村居": shown["village"],
        "涉及人数": shown["people"],
        "涉及金额": shown["amount"],
        "简要案情": shown["summary"],
        "请求事项": "",
        "调解员": shown["mediator"],
        "调解日期": _date(case.get("mediation_date") or case.get("accepted")),
        "调解地点": shown["mediation_place"],
        "调解结果": shown["result"],
        "协议形式": shown["agreement"],
        "协议内容": shown["agreement_text"],
        "履行方式": shown["performance_way"],
        "履行期限": _date(case.get("performance_due")),
        "履行情况": shown["performance"],
        "结案日期": _date(case.get("closed")),
        "司法确认": confirm,
        "登记人": "",
        "当事人": "、".join(p["name"] for p in parties) or shown["parties"],
        "申请人": "、".join(by_role("申请人")),
        "被申请人": "、".join(by_role("被申请人")),
        "回访情况": "\n".join(f"{_date(v.get('visit_date'))}：{v.get('situation') or ''}" for v in visits),
        "份数": str(len(parties) + 1),
        "保管期限": "长期",
        "镇": settings.get("town") or "",
        "司法所": settings.get("office") or "",
        "今天": chinese_date(dt.date.today()),
    }
    return case, values, parties, visits


def applicable_kinds(case: dict, visits: list[dict]) -> list[str]:
    """The documents this case's file holds, in 卷内目录 order."""
    kinds = ["卷宗封面"]
    kinds.append("申请书" if case.get("source") == "当事人申请" else "受理登记表")
    kinds += ["告知书", "调解记录"]
    if case.get("result") == "调解成功":
        kinds.append("口头协议登记表" if case.get("agreement") == "口头" else "协议书")
    if visits:
        kinds.append("回访记录")
    if case.get("result") and case.get("result") != "调解中":
        kinds.append("结案报告表")
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


# ---------------------------------------------------------------------------
# Filling


def _fill(text: str, values: dict[str, str], blank: str = BLANK) -> str:
    return _NAME.sub(lambda m: values.get(m.group(1)) or blank, text)


def _cells(line: str) -> list[str]:
    inner = line.strip()
    inner = inner[2:] if inner[:2] in ("|*", "|@", "|#") else inner[1:]
    if inner.endswith("|"):
        inner = inner[:-1]
    return [cell.strip() for cell in inner.split("|")]


def fill_template(text: str, values: dict[str, str], rows: dict[str, list[dict[str, str]]]) -> list[DocBlock]:
    """The blocks of one document: ``values`` for {names}, ``rows`` for repeated table rows."""
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
        if stripped.startswith("|%"):
            end_table()
            widths[:] = [float(cell) for cell in _cells(stripped[1:]) if cell]
            continue
        if stripped.startswith("|"):
            row_kind = _row_names(stripped[:2])
            cells = _cells(stripped)
            if row_kind:
                for item in rows.get(row_kind, []):
                    prefixed = dict(values, **{f"{row_kind}.{key}": value for key, value in item.items()})
                    table.append(tuple(_NAME.sub(lambda m: prefixed.get(m.group(1)) or "", cell) for cell in cells))
            else:
                table.append(tuple(_fill(cell, values, "") for cell in cells))  # a ruled cell is the blank
            continue
        end_table()
        name = stripped[1:-1] if stripped.startswith("{") and stripped.endswith("}") else ""
        if name in PARAGRAPH_NAMES:
            for kind, paragraph in values.get(name) or []:
                blocks.append(DocBlock(kind, paragraph))
            continue
        marker, rest = stripped[:1], stripped[1:].strip()
        if stripped == "---":
            blocks.append(DocBlock("pagebreak"))
        elif stripped == "~":
            blocks.append(DocBlock("blank"))
        elif marker in "=#>:":
            kind = {"=": "title", "#": "number", ">": "right", ":": "plain"}[marker]
            blocks.append(DocBlock(kind, _fill(rest, values)))
        else:
            for paragraph in _fill(stripped, values).splitlines() or [""]:
                blocks.append(DocBlock("body", paragraph))
    end_table()
    return blocks


def build_case_documents(db: Database, case_id: int, kinds: list[str] | tuple[str, ...]) -> CaseDocument:
    """The chosen documents of one case, each starting on a new page (``卷宗``: all that apply)."""
    case, values, parties, visits = case_values(db, case_id)
    chosen: list[str] = []
    for word in kinds:
        kind = resolve_kind(word)
        chosen += applicable_kinds(case, visits) if kind == CASE_FILE else [kind]
    chosen = list(dict.fromkeys(chosen))  # each once, in the order asked
    if not chosen:
        raise UserError("请至少选择一种文书。")
    paragraphs = dict(values)
    infos = [("plain", party_line(p)) for p in parties]
    paragraphs.update({
        "当事人信息": infos,
        "申请人信息": [info for info, p in zip(infos, parties) if p.get("role") == "申请人"] or [("plain", f"申请人：{BLANK}")],
        "被申请人信息": [info for info, p in zip(infos, parties) if p.get("role") != "申请人"] or [("plain", f"被申请人：{BLANK}")],
        "当事人签名行": [("right", f"{p['name']}：{BLANK}") for p in parties],
    })  # fmt: skip
    file_kinds = applicable_kinds(case, visits)
    contents = [k for k in file_kinds if k != "卷宗封面"]
    rows = {
        "当事人": [_party_values(p) for p in parties],
        "回访": [{"日期": _date(v.get("visit_date")), "回访人": v.get("visitor") or "", "情况": v.get("situation") or "",
                 "是否履行": display_value(VISIT.field("carried_out"), v.get("carried_out")),
                 "是否满意": display_value(VISIT.field("satisfied"), v.get("satisfied"))} for v in visits],
        "目录": [{"序号": str(n), "名称": BY_KIND[k].title, "页号": "", "备注": ""} for n, k in enumerate(contents, start=1)],
    }  # fmt: skip
    settings = records.settings(db)
    title = f"{values['案件编号'] or values['当事人']}调解文书"
    if "卷宗封面" in chosen:  # 卷内目录 页号: where each document starts in the whole case file, as its footers number it
        try:
            whole = _assemble(CaseDocument(title, settings, kinds=file_kinds), paragraphs, rows)
        except UserError:
            whole = None  # a broken template of a document not chosen: the 页号 stay blank, the rest prints
        for entry, page in zip(rows["目录"], document_first_pages(whole)[1:] if whole else []):
            entry["页号"] = str(page)
    return _assemble(CaseDocument(title, settings, kinds=chosen), paragraphs, rows)


def _assemble(document: CaseDocument, paragraphs: dict, rows: dict) -> CaseDocument:
    """Fill ``document.kinds`` one after another, each starting a page."""
    starts = []
    for index, kind in enumerate(document.kinds):
        text, _ = load_template(kind)
        if index:
            document.blocks.append(DocBlock("pagebreak"))
        starts.append(len(document.blocks))
        document.blocks += fill_template(text, paragraphs, rows)
    document.starts = starts
    return document


def document_first_pages(document: CaseDocument) -> list[int]:
    """The page (1-based, as the footers number them) each of ``document.kinds`` starts on."""
    from zhaocun_desktop.report_docx import first_pages

    pages = first_pages(document)
    return [pages[start] if start < len(pages) else pages[-1] for start in document.starts]


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
