"""The annual report as a model: texts per year, sentence templates filled from the figures.

``build_draft`` returns a ``ReportDraft`` (a list of typed blocks). The .docx writer, the
preview and the PDF all render that one model; none of them assembles sentences.

Templates use ``{标签}`` for a figure's exact number (labels in ``figures``) or a context value
(年度, 下一年度, 镇名, 县名, 宣传节点), ``{标签:余}`` for the rounded form the office writes (306 →
300余), and ``{标签|替代文字}`` for a figure printed as that text when it is zero (such a
placeholder never causes a clause to be left out). A clause whose figure is zero, or whose
records lack the data it adds up, is left out: first a （…） aside holding it, else the clause
between commas, else the whole sentence when all its figures are empty.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from zhaocun_desktop import audit, figures as fig, settings as township_settings
from zhaocun_desktop.values import chinese_date, parse_date

if TYPE_CHECKING:
    from sqlite_utils import Database


@dataclass(frozen=True)
class TextPart:
    """One piece of text the clerk keeps per year."""

    key: str
    label: str
    heading: str  # the section heading it belongs under ("" for the opening)
    default: str
    generated: bool = False  # a template of section 一, filled from the figures
    optional: bool = False  # left out of the report when empty


PUBLICITY_TEMPLATE = (
    "强化公务人员和村两委法治学习，落实党委中心组学法制度，规范领导干部学法。全年开展中心组集体学法{中心组学法次数}次。"
    "组织机关干部和村两委干部进行法律知识考试{学法考试场次}场次，参考{学法考试参考人数}人次，合格率{学法考试合格率}。"
    "注重抓好“谁执法谁普法”工作的落实，联合多个部门在{宣传节点}等重要时间节点开展法治宣传和相关法规政策咨询活动{宣传咨询活动场次:余}场次。"
    "全年共开展各类法治宣传活动{宣传活动场次}场次，受众{宣传受众人次}人次，发放宣传资料{发放宣传资料份数}份。"
    "加强青少年法治宣传，联合派出所民警到中小学校开展法治宣传讲座{联合派出所进校园讲座场次}场次。"
    "扎实开展民主法治村创建工作，根据辖区各村的情况积极开展创建活动。全镇现有民主法治示范村{民主法治示范村个数}个。"
)
ENFORCEMENT_TEMPLATE = (
    "坚持政务公开，将依法行政、公正司法的相关制度、程序以及便民措施、服务承诺等及时公开，规范行政执法程序，提高执法过程的透明度。"
    "各行政村建立了集中的党务、村务、财务公开栏，扩大了公开范围，广泛接受群众监督。"
    "全面落实领导干部述职述廉述法制度和领导干部重大事项报告制度，制定完善了重大问题汇报制度、重大决策审核制度、信访工作处理制度等一系列制度。"
    "坚持提升队伍素质，有针对性、经常性、多渠道地对行政执法人员进行业务培训，开展岗位练兵活动。"
    "全年开展执法业务培训{执法业务培训场次}场次、{执法业务培训学时}学时，开展岗位练兵{岗位练兵次数}次。"
    "组织执法证考试，参考{执法证考试参考人数}人，通过{执法证考试通过人数}人。"
    "强化持证上岗，全镇执法岗位{执法岗位人数}人，持有效执法证{持证人数}人，持证率{持证率}。"
)
ADVISOR_TEMPLATE = (
    "提供法律服务是司法工作重要内容之一，始终以为民谋利益为出发点，扎扎实实开展为民解忧活动。"
    "{年度}年度政府法律顾问审查合同{政府法律顾问审查合同份数}份，接受镇人民政府依法行政法律咨询{政府法律顾问依法行政咨询件数}件。"
    "农村法律顾问充分发挥熟悉基层工作的优势，走村入户，积极为群众提供法律服务，全年走访行政村{村法律顾问走访村数}个、{村法律顾问走访人次}人次，"
    "代理村级民事诉讼案件{代理诉讼案件数}件（其中胜诉{代理诉讼胜诉件数}件），协助修订和审查村规民约{审查修订村规民约份数}份，"
    "参与民间纠纷调处{村法律顾问参与调处纠纷件数}件，审查合同（协议）{村法律顾问审查合同份数:余}份，解答法律咨询{解答法律咨询人次:余}人次，开展法治讲座{村法律顾问法治讲座场次}场次。"
    "推进法律援助工作，司法所工作人员和法律工作者为贫弱群众提供法律援助，开展法律援助送法进农村{法律援助送法进农村场次}场次，引导村民走法律援助程序{引导申请法律援助人次}人次。"
)
MEDIATION_TEMPLATE = (
    "整合各类调解资源，合力处置矛盾纠纷。"
    "召开综治办、派出所、法庭、司法所等职能部门联席例会{联席例会次数}次，多元化解机制逐步形成。"
    "全年排查调处各类矛盾纠纷{排查调处纠纷件数}件，调处成功{调处成功件数}件，调处成功率{调处成功率}；"
    "其中村级调委会调处{村级调委会调处件数}件，成功率{村级调委会调处成功率}，镇调委会调处{镇调委会调处件数}件，成功率{镇调委会调处成功率}，"
    "其他调解组织调处{其他调解组织调处件数}件，"
    "村、镇两级调委会调处成功率{两级调委会调处成功率}。"
    "推动信访问题依法及时就地解决，积极开展积案化解，全年进京访{进京访人次}人次，到省信访{到省信访人次}人次，到市信访{到市信访人次}人次，"
    "受理群众来信来访{受理信访件数}件，按期办结率{信访按期办结率}。"
)

INTRO_DEFAULT = (
    "{年度}年，在县委县政府的坚强领导下，{镇名}全面贯彻落实党中央和省、市、县关于法治建设的重大决策部署，"
    "自觉运用法治思维和法治方式深化改革、推动发展、化解矛盾、维护稳定。现将{年度}年度法治政府建设工作情况报告如下："
)
SHORTCOMINGS_DEFAULT = """（一）法治素养还不够高
在法治素养构成上，镇、村两级干部中具有法律专业背景的不多，有的村两委成员中没有法律专业人员，法律人才的缺乏影响了法治政府建设的推进。
（二）法治思维还不够强
在基层农村治理过程中，部分村干部缺乏法治思维，习惯运用传统方式思考农村治理问题，农村治理思维落后于法治社会建设的步伐。
（三）依法治理还不够好
有的镇村两级干部习惯用老方法、老手段开展基层治理，有的执法人员在执法过程中没有亮证执法，有的执法程序还不够到位，有的在解决农村纠纷过程中没有依法调解，矛盾留有后遗症。"""
DUTIES_DEFAULT = """（一）思想高度重视
镇党委政府高度重视法治政府建设工作，将法治建设摆上重要议事日程，多次在重要会议上部署、听取法治政府建设工作。成立推进法治政府建设领导小组，镇长任组长，分管领导任副组长，各相关单位负责人为成员，做到主要领导亲自抓，分管领导具体抓，年初有计划，年终有总结。
（二）带头学法知法
积极参加法治培训，学习《政府信息公开条例》《行政处罚法》《中华人民共和国民法典》等法律法规，带头完成公务员网络学习和学法考试，带头开展法治讲座和述法述廉，深刻领会习近平总书记关于全面依法治国的重要论述。
（三）坚持守法护法
自觉将学到的法律法规“内化于心、外践于行”，树立守法用法的行动自觉，利用周一学习夜开展普法讲座，不断提高全镇干部法治思维和依法办事能力。
（四）严格依法行政
坚持用法治理念指导工作实践，提高依法决策能力，严格执行民主集中制，落实党务公开，“三重一大”事项一律提交班子会议研究决定，重大决策事项均有法律顾问参与。"""
PLANS_DEFAULT = """（一）加强法治培训
建立法治培训计划，科学开展法治讲座，提升镇、村两级干部的法治素养和法治思维；加大执法证考试培训力度，争取执法人员持证率达到100%。
（二）加强依法行政
教育执法人员在执法过程中亮证执法，规范执法程序，减少依法行政过程中存在的瑕疵，杜绝和减少行政诉讼案件。"""

SECTION_ONE = "一、{年度}年度推进法治政府建设的主要举措和成效"
TEXT_PARTS: tuple[TextPart, ...] = (
    TextPart("intro", "导语", "", INTRO_DEFAULT),
    TextPart("publicity", "（一）加强法治宣传，推进依法治理", SECTION_ONE, PUBLICITY_TEMPLATE, generated=True),
    TextPart("enforcement", "（二）规范依法行政，提升法治能力", SECTION_ONE, ENFORCEMENT_TEMPLATE, generated=True),
    TextPart("advisor", "（三）法律服务支撑，依法按章办事", SECTION_ONE, ADVISOR_TEMPLATE, generated=True),
    TextPart("mediation", "（四）依法调解纠纷，筑牢维稳防线", SECTION_ONE, MEDIATION_TEMPLATE, generated=True),
    TextPart("shortcomings", "二、存在的不足和原因", "二、{年度}年度推进法治政府建设存在的不足和原因", SHORTCOMINGS_DEFAULT),
    TextPart("duties", "三、第一责任人履职情况", "三、{年度}年度党政主要负责人履行推进法治建设第一责任人职责的情况", DUTIES_DEFAULT),
    TextPart("plans", "四、下一年度工作安排", "四、{下一年度}年度推进法治政府建设的主要工作安排", PLANS_DEFAULT),
    TextPart("other", "五、其他情况（可不填）", "五、其他需要报告的情况", "", optional=True),
)
PARTS = {part.key: part for part in TEXT_PARTS}
DATE_KEY = "date"
SEAL_KEY = "seal"  # "盖章" (GB/T 9704 7.3.5.1, the default) or "不盖章" (7.3.5.2)
RECIPIENT_KEY = "recipient"  # 主送机关 of this year's report; empty: the settings' (the county people's government)
REVIEWED_KEY = "reviewed"  # the parts the clerk has marked as reviewed this year, comma separated
ISSUER_KEY = "issuer"  # 签发人 (党政机关公文处理工作条例 art. 9: an upward document names who signed it off), optional
NUMBER_KEY = "doc_number"  # 发文字号, e.g. 赵政〔2024〕3号, printed with the 签发人 (GB/T 9704 7.2.4, 7.2.6), optional
SEALED, UNSEALED = "盖章", "不盖章"
YEAR_ONLY_KEYS = (DATE_KEY, REVIEWED_KEY, NUMBER_KEY)  # not carried over from last year's texts
OPTION_KEYS = (DATE_KEY, SEAL_KEY, RECIPIENT_KEY, REVIEWED_KEY, ISSUER_KEY, NUMBER_KEY)
NO_COPY = "无"  # 报告抄送机关 set to this: no 抄送
CONTEXT_NAMES = ("年度", "下一年度", "镇名", "县名", "宣传节点")
STYLES = ("余",)  # {名称:余}
RENAMED = {"节点宣传咨询活动场次": "宣传咨询活动场次"}  # names saved texts may still use
_PLACEHOLDER = re.compile(r"\{([^{}|:：]+)(?:[:：]([^{}|]*))?(?:\|([^{}]*))?\}")
_SUBHEADING = re.compile(r"^（[一二三四五六七八九十]+）")


# ---------------------------------------------------------------------------
# Texts kept per year


def load_texts(db: Database, year: int) -> dict[str, str]:
    """The clerk's texts for ``year``: saved ones, else the latest earlier year's, else defaults."""
    texts = {part.key: part.default for part in TEXT_PARTS}
    rows = db.execute(
        "SELECT key, text FROM report_text WHERE year = (SELECT max(year) FROM report_text WHERE year <= ?)",
        [year],
    ).fetchall()
    saved_year = db.execute("SELECT max(year) FROM report_text WHERE year <= ?", [year]).fetchone()[0]
    for key, text in rows:
        if key in texts or key in (SEAL_KEY, RECIPIENT_KEY, ISSUER_KEY) or (key in YEAR_ONLY_KEYS and saved_year == year):
            texts[key] = text
    texts.setdefault(DATE_KEY, default_date(year).isoformat())
    texts.setdefault(SEAL_KEY, SEALED)
    texts.setdefault(RECIPIENT_KEY, "")
    texts.setdefault(REVIEWED_KEY, "")
    texts.setdefault(ISSUER_KEY, "")
    texts.setdefault(NUMBER_KEY, "")
    return texts


def reviewed_parts(texts: dict[str, str]) -> set[str]:
    """The parts the clerk has marked as reviewed (their sample wording is then no reminder)."""
    return {key for key in (texts.get(REVIEWED_KEY) or "").split(",") if key}


DATE_LATEST_MONTH = 3  # a year's report is written by the end of March of the next year


def default_date(year: int, today: dt.date | None = None) -> dt.date:
    """成文日期, always in the year after ``year``: today when writing in its first quarter, else 25 January
    (a 2025 report opened on 2026-12-07 was dated 2026年12月7日)."""
    today = today or dt.date.today()
    return today if today.year == year + 1 and today.month <= DATE_LATEST_MONTH else dt.date(year + 1, 1, 25)


def save_texts(db: Database, year: int, texts: dict[str, str]) -> None:
    """Store the clerk's texts for ``year`` (all in one transaction)."""
    known = set(PARTS) | set(OPTION_KEYS)
    with db.atomic():
        for key, text in texts.items():
            if key not in known:
                raise KeyError(key)
            db.execute(
                "INSERT INTO report_text (year, key, text, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(year, key) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at",
                [year, key, text, audit.now()],
            )
        audit.audit(db, "report_text", year, "update", None, None, f"保存{year}年度报告文字：{', '.join(texts)}")


# ---------------------------------------------------------------------------
# Filling templates


@dataclass
class Filled:
    """A template after filling: the text, the pieces left out, unknown names, and the
    figures left out because some of their records lack data (key → record ids)."""

    text: str
    omitted: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    incomplete: dict[str, tuple[int, ...]] = field(default_factory=dict)


def context_values(figures: fig.YearFigures, settings: dict) -> dict[str, str]:
    return {
        "年度": str(figures.year),
        "下一年度": str(figures.year + 1),
        "镇名": settings.get("town") or "",
        "县名": settings.get("county") or "",
        "宣传节点": "、".join(figures.occasions),
    }


def placeholder_item(name: str) -> fig.Figure | fig.Rate | None:
    """The figure or rate a placeholder name stands for (old names included)."""
    name = name.strip()
    return fig.BY_LABEL.get(RENAMED.get(name, name))


def _value_text(name: str, style: str, figures: fig.YearFigures, context: dict[str, str]) -> str | None:
    """The text for one placeholder: "" when zero or incomplete; None when the name or style is unknown."""
    name, style = name.strip(), (style or "").strip()
    if style and style not in STYLES:
        return None
    if name in context:
        return context[name]
    item = placeholder_item(name)
    if item is None:
        return None
    if item.key in figures.missing:
        return ""
    value = figures[item.key]
    if isinstance(value, fig.RateValue):
        return fig.display(item, value)
    if not value:
        return ""
    return fig.approximate(value) if style == "余" else fig.display(item, value)


def fill(template: str, figures: fig.YearFigures, settings: dict) -> Filled:
    """Fill a template, leaving out what would read "0场次", a blank, or an incomplete count."""
    context = context_values(figures, settings)
    result = Filled("")
    for name, style, _alt in _PLACEHOLDER.findall(template):
        label = f"{name}:{style}" if style else name
        if _value_text(name, style, figures, context) is None and label not in result.unknown:
            result.unknown.append(label)
        item = placeholder_item(name)
        if item is not None and item.key in figures.missing:
            result.incomplete[item.key] = figures.missing[item.key]

    def empty(piece: str) -> bool:
        return any(_value_text(name, style, figures, context) == "" and alt == "" for name, style, alt in _PLACEHOLDER.findall(piece))

    def has_value(piece: str) -> bool:
        return any(_value_text(name, style, figures, context) not in ("", None) for name, style, _ in _PLACEHOLDER.findall(piece))

    sentences = re.findall(r"[^。！？]*[。！？：]|[^。！？：]+$", template)
    kept = []
    for sentence in sentences:
        if not empty(sentence):
            kept.append(sentence)
            continue
        if not has_value(sentence):  # every figure of the sentence is empty
            result.omitted.append(sentence)
            continue
        sentence = re.sub(r"（[^（）]*）", lambda m: (result.omitted.append(m.group(0)) or "") if empty(m.group(0)) else m.group(0), sentence)
        clauses = re.split(r"(?<=[，；])", sentence)
        survivors = []
        for clause in clauses:
            if empty(clause):
                parts = clause.split("、")
                if len(parts) > 1 and not empty(parts[0]):
                    ending = clause[-1] if clause[-1] in "，；" else ""
                    result.omitted += [part for part in parts if empty(part)]
                    clause = "、".join(part for part in parts if not empty(part))
                    clause = clause.rstrip("，；") + ending
                else:
                    result.omitted.append(clause)
                    continue
            survivors.append(clause)
        text = "".join(survivors)
        end = sentence[-1] if sentence and sentence[-1] in "。！？：" else ""
        text = re.sub(r"[，；、]+$", "", text.rstrip("。！？："))
        if end and text:
            text += end
        kept.append(text)
    result.text = _substitute("".join(kept), figures, context)
    return result


def _substitute(text: str, figures: fig.YearFigures, context: dict[str, str]) -> str:
    def replace(match: re.Match) -> str:
        name, style, alt = match.group(1), match.group(2), match.group(3)
        value = _value_text(name, style, figures, context)
        if value is None:
            return match.group(0)  # unknown: left visible, and reported by the checks
        if value == "" and alt is not None:
            return alt
        return value

    return _PLACEHOLDER.sub(replace, text)


# ---------------------------------------------------------------------------
# The draft


@dataclass(frozen=True)
class Block:
    """One paragraph of the report. ``kind``: title, recipient, body, heading1, heading2, signer, date, blank."""

    kind: str
    text: str = ""
    part: str = ""  # the TextPart key it came from


@dataclass
class ReportDraft:
    year: int
    settings: dict
    figures: fig.YearFigures
    texts: dict[str, str]
    blocks: list[Block]
    filled: dict[str, Filled]  # by TextPart key

    @property
    def title(self) -> str:
        return next(block.text for block in self.blocks if block.kind == "title")

    @property
    def sealed(self) -> bool:
        """Laid out for the seal (GB/T 9704 7.3.5.1) rather than without it (7.3.5.2)."""
        return (self.texts.get(SEAL_KEY) or SEALED) != UNSEALED

    def plain_text(self) -> str:
        return "\n".join(block.text for block in self.blocks)


def report_title(settings: dict, year: int) -> str:
    return f"{settings.get('county') or ''}{settings.get('town') or ''}人民政府关于{year}年法治政府建设情况的报告"


def recipient_of(settings: dict, texts: dict) -> str:
    """主送机关: the year's own, else the settings' (报告主送机关), else the county people's government."""
    chosen = (texts.get(RECIPIENT_KEY) or settings.get("report_recipient") or "").strip().rstrip("：:")
    return chosen or (f"{settings['county']}人民政府" if settings.get("county") else "")


def copy_to_of(settings: dict) -> str:
    """抄送机关 (GB/T 9704 7.4.2), optional: the settings' (报告抄送机关); "" when not set or set to 无."""
    chosen = (settings.get("report_copy_to") or "").strip().rstrip("。")
    return "" if chosen == NO_COPY else chosen


def usual_copy_to(settings: dict) -> str:
    """Where a township's yearly report is usually copied: the county's 全面依法治县委员会办公室."""
    return f"中共{settings.get('county') or '县'}委全面依法治县委员会办公室"


def seal_name(settings: dict) -> str:
    """The name on the seal the report is signed with: the setting, else county + town + 人民政府."""
    return (settings.get("seal_name") or "").strip() or f"{settings.get('county') or ''}{settings.get('town') or ''}人民政府"


def build_draft(db: Database, year: int, texts: dict[str, str] | None = None, figures: fig.PeriodFigures | None = None) -> ReportDraft:
    """The report for ``year`` from the registers and the clerk's texts (saved ones by default);
    ``figures``: the year's figures when the caller has just computed them."""
    settings = township_settings.settings(db)
    figures = fig.yearly_figures(db, year) if figures is None else figures
    texts = dict(texts or load_texts(db, year))
    context = context_values(figures, settings)
    blocks = []
    issuer = (texts.get(ISSUER_KEY) or "").strip()
    if issuer:  # GB/T 9704 7.2.4/7.2.6: 发文字号 居左空一字, 签发人 居右空一字, on one line above the title
        blocks += [Block("issuer", f"{(texts.get(NUMBER_KEY) or '').strip()}\t签发人：{issuer}"), Block("blank")]
    blocks += [Block("title", report_title(settings, year)), Block("blank")]
    recipient = recipient_of(settings, texts)
    if recipient:
        blocks.append(Block("recipient", recipient + "："))
    filled: dict[str, Filled] = {}
    heading = None
    for part in TEXT_PARTS:
        result = fill(texts.get(part.key, part.default), figures, settings)
        filled[part.key] = result
        if part.optional and not result.text.strip():
            continue
        if part.heading and part.heading != heading:
            heading = part.heading
            blocks.append(Block("heading1", _substitute(part.heading, figures, context), part.key))
        if part.generated:
            blocks.append(Block("heading2", part.label, part.key))
            if result.text.strip():
                blocks.append(Block("body", result.text.strip(), part.key))
            continue
        for line in result.text.splitlines():
            line = line.strip()
            if line:
                blocks.append(Block("heading2" if _SUBHEADING.match(line) and len(line) <= 30 else "body", line, part.key))
    date = parse_date(texts.get(DATE_KEY)) or default_date(year)
    # 7.3.5.2: one blank line above the 署名; 7.3.5.1: room for the seal, whose top stays within a line of the body
    blanks = [Block("blank")] * (2 if texts.get(SEAL_KEY) != UNSEALED else 1)
    blocks += [*blanks, Block("signer", settings.get("signer") or ""), Block("date", chinese_date(date))]
    copy_to = copy_to_of(settings)
    if copy_to:  # 版记 (GB/T 9704 7.4.2): 抄送 between two rules, below the date
        blocks += [Block("blank"), Block("copyto", f"抄送：{copy_to}。")]
    return ReportDraft(year, settings, figures, texts, blocks, filled)
