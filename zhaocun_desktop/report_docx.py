"""The report draft as a .docx laid out per GB/T 9704 (党政机关公文格式).

A4; margins 37/35/28/26 mm; body 仿宋 3号 (16 pt) at a fixed 28.95 pt line pitch with
-0.25 pt character spacing: 22 lines of 28 characters; title 小标宋 2号; 一、 in 黑体,
（一） in 楷体; page numbers "— n —" in 4号 宋体, odd pages right, even pages left, one
character in. Every paragraph uses a named style so the clerk can restyle it in Word or WPS.
"""

from __future__ import annotations

import copy
import io
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from zhaocun_desktop.files import save_file
from zhaocun_desktop.report import ReportDraft

BODY_PT = 16  # 3号
TABLE_PT = 12  # 小四: ruled forms (登记表) hold more per line
TABLE_WIDTH_MM = 156  # the type area
TITLE_PT = 22  # 2号
PAGE_NUMBER_PT = 14  # 4号
LINE_PITCH_PT = 28.95
CHAR_SPACING_TWIPS = -5  # -0.25 pt, in twentieths of a point

# Fallbacks when the preferred font is not installed: Windows (仿宋, 宋体, 黑体, 楷体; none of the
# *_GB2312 fonts), 银河麒麟 (方正 *_GBK fonts), 统信UOS and other Linux (Noto/思源 CJK, AR PL, 文泉驿).
# Fontconfig may report a family by its English or its Chinese name: both are listed.
_SERIF_LINUX = ("Noto Serif CJK SC", "思源宋体", "Source Han Serif SC", "Source Han Serif CN", "AR PL UMing CN")
_SANS_LINUX = ("Noto Sans CJK SC", "思源黑体", "Source Han Sans SC", "Source Han Sans CN")
_WENQUANYI = ("WenQuanYi Micro Hei", "文泉驿微米黑", "WenQuanYi Zen Hei", "文泉驿正黑")
FONT_CHAINS = {
    "font_title": ("方正小标宋简体", "方正小标宋_GBK", "华文中宋", "STZhongsong", "宋体", "SimSun", "方正书宋_GBK", *_SERIF_LINUX, *_WENQUANYI),
    "font_body": ("仿宋_GB2312", "仿宋", "FangSong", "方正仿宋_GBK", "方正仿宋简体", *_SERIF_LINUX, *_WENQUANYI),
    "font_heading1": ("黑体", "SimHei", "方正黑体_GBK", "方正黑体简体", *_SANS_LINUX, *_WENQUANYI),
    "font_heading2": ("楷体_GB2312", "楷体", "KaiTi", "方正楷体_GBK", "方正楷体简体", "AR PL UKai CN", *_SERIF_LINUX, *_WENQUANYI),
    "font_page_number": ("宋体", "SimSun", "方正书宋_GBK", *_SERIF_LINUX, *_WENQUANYI),
}
TITLE_FACES = ("方正小标宋简体", "方正小标宋_GBK", "华文中宋", "STZhongsong")  # bold by design; any other title font is set bold


def title_bold(font: str) -> bool:
    """Whether the title needs bold: 小标宋 and 中宋 are heavy faces, 宋体 and the rest are not."""
    return font not in TITLE_FACES
STYLE_NAMES = {
    "title": "公文标题",
    "body": "公文正文",
    "heading1": "一级标题",
    "heading2": "二级标题",
    "signer": "发文机关署名",
    "date": "成文日期",
    "recipient": "主送机关",
    "blank": "公文正文",
    "plain": "顶格正文",
    "number": "文书编号",
    "right": "签名日期",
    "table": "表格文字",
    "issuer": "发文字号签发人",
    "copyto": "抄送机关",
}
COPY_TO_PT = 14  # 4号 (GB/T 9704 7.4.1: 版记 in 4号仿宋)


CHAR_PT = BODY_PT + CHAR_SPACING_TWIPS / 20  # one 字 on the 28-character grid
_BREAK_BEFORE_BRACKET = re.compile(r"(?<=[%％\d])（")
KEEP_WITH_NEXT = ("issuer", "title", "recipient", "heading1", "heading2", "signer")


def breakable(text: str, names: Iterable[str] = (), room: float | None = None) -> str:
    """Text as it is laid out: a break allowed before the "（" of "88%（161/183）", none inside what a
    reader takes as one (``whole_spans``: a name, a date, a case number, a short bracket).

    Line breaking forbids a break between "%" and "（" (UAX #14 rule LB25), so a long rate
    cannot wrap; a zero-width space lets it wrap there. A word joiner (U+2060, UAX #14 class WJ,
    honoured by LibreOffice and Qt) between the characters of a span keeps it on one line.
    Rendering only: the model and the checks keep the plain text.
    """
    text = _BREAK_BEFORE_BRACKET.sub("\u200b（", text)
    spans = whole_spans(text, names, room)
    if not spans:
        return text
    out, at = [], 0
    for start, end in spans:
        out.append(text[at:start])
        out.append(WORD_JOINER.join(text[start:end]))
        at = end
    out.append(text[at:])
    return "".join(out)


WORD_JOINER = "\u2060"
KEEP_NAMES = ("习近平",)  # names a line never breaks inside, besides the settings' (county, town …) and a document's people
_WHOLE = (
    re.compile(r"截止(?:日期|时间)?[：:]\s*\d{4}年\d{1,2}月\d{1,2}日"),
    re.compile(r"[（(]\d{4}[）)][^（）()\s，。；]{1,12}?第\d+号"),  # a case number: （2023）赵人调字第12号
    re.compile(r"\d{4}年\d{1,2}月\d{1,2}日|\d{4}年\d{1,2}月|\d{1,2}月\d{1,2}日|\d{4}年度?"),
    re.compile(r"（[^（）\n]{1,12}）|\([^()\n]{1,12}\)"),  # a short bracket: （第七条） （161/183）
)


def whole_spans(text: str, names: Iterable[str] = (), room: float | None = None) -> list[tuple[int, int]]:
    """Where ``text`` must not break: (start, end) of each name, date, cut-off date, case number and short
    bracket, the longest first, none overlapping, in order. A span wider than ``room`` (points in the body
    font: a narrow table cell) could only be broken at its worst place: it is left to break as it may."""
    found: list[tuple[int, int]] = []
    for name in sorted({n for n in (*KEEP_NAMES, *names) if n and len(n) > 1}, key=len, reverse=True):
        found += [(m.start(), m.end()) for m in re.finditer(re.escape(name), text)]
    for pattern in _WHOLE:
        found += [(m.start(), m.end()) for m in pattern.finditer(text)]
    chosen: list[tuple[int, int]] = []
    for start, end in sorted(found, key=lambda span: (span[0] - span[1], span[0])):  # the longest first
        if room is not None and 1.1 * text_width(text[start:end]) > room:  # digits print a little wider than half a 字
            continue
        if all(end <= a or start >= b for a, b in chosen):
            chosen.append((start, end))
    return sorted(chosen)


_NO_LINE_START = set("，。、；：？！）》」』”’…%％·—")  # 避头: a line never starts with these
_NO_LINE_END = set("（《「『“‘")  # 避尾: nor ends with these
_RUN = re.compile(r"[A-Za-z0-9.%％/·_\-]+")  # digits and Latin: no break inside


def line_count(text: str, line_width: float, first_indent: float = 0.0, names: Iterable[str] = ()) -> int:
    """Lines ``text`` takes in the body font at ``line_width`` points (the first line ``first_indent`` less),
    breaking as the writers let LibreOffice and Qt break it: never inside a name, a date, a case number or a
    short bracket (``whole_spans``), nor inside a number, no line starting with "，" or ending with "（"."""
    atoms: list[str] = []
    spans = whole_spans(text, names, line_width)
    at = 0
    for start, end in [*spans, (len(text), len(text))]:
        piece = text[at:start]
        index = 0
        while index < len(piece):
            run = _RUN.match(piece, index)
            atoms.append(run.group() if run else piece[index])
            index = run.end() if run else index + 1
        if start < end:
            atoms.append(text[start:end])
        at = end
    lines, used, room = 1, 0.0, line_width - first_indent
    previous = ""
    for atom in atoms:
        width = text_width(atom)
        if used and used + width > room + 0.01:
            lines, room = lines + 1, line_width
            if atom[0] in _NO_LINE_START or previous[-1:] in _NO_LINE_END:
                used = text_width(previous) + width  # the character before it goes down too
            else:
                used = width
        else:
            used += width
        previous = atom
    return lines


def text_width(text: str) -> float:
    """Width in points of ``text`` in the body font: a Chinese character is one 字, a digit half."""
    return sum((BODY_PT if ord(char) > 0x2E7F else BODY_PT / 2) + CHAR_SPACING_TWIPS / 20 for char in text)


# Words a title line never breaks inside (GB/T 9704 7.3.3: 回行时要做到词意完整); a name from the
# settings (county, town) stays whole too, and so does any run of text between two known words.
TITLE_WORDS = ("法治政府建设", "人民政府", "情况的报告", "关于")
_TITLE_YEAR = re.compile(r"\d{4}(?:[—-]\d{4})?年度?")
TITLE_SLACK_PT = 4  # renderers round glyph advances differently: a line that just fits must not wrap


def title_width(text: str) -> float:
    """Width in points of ``text`` in the title (2号) on the grid: the .docx and the preview break
    the title by this one measure, so both show the same lines."""
    return text_width(text) * TITLE_PT / BODY_PT


def _title_phrases(text: str, names: Iterable[str]) -> list[tuple[str, bool]]:
    """``text`` cut into phrases: (phrase, is a name). Known words and the year are phrases of their
    own; the text between them (a county or town name not given in ``names``) is one phrase."""
    words = sorted({w for w in (*TITLE_WORDS, *names) if w}, key=len, reverse=True)
    phrases: list[tuple[str, bool]] = []
    loose = ""
    index = 0
    while index < len(text):
        year = _TITLE_YEAR.match(text, index)
        word = year.group() if year else next((w for w in words if text.startswith(w, index)), None)
        if word is None:
            loose += text[index]
            index += 1
            continue
        if loose:
            phrases.append((loose, True))
            loose = ""
        phrases.append((word, word not in TITLE_WORDS and not year))
        index += len(word)
    if loose:
        phrases.append((loose, True))
    return phrases


def title_lines(text: str, names: Iterable[str] = (), width: Callable[[str], float] = title_width, line_width: float = 28 * CHAR_PT) -> list[str]:
    """The lines of a title, broken between phrases (GB/T 9704 7.3.3): never inside a word of
    ``TITLE_WORDS`` or of ``names`` (the county, the town), in as few lines as fit ``line_width``,
    and of those the most balanced (the least difference between the longest and the shortest
    line; on a tie the longer line below: 梯形). An organ's name stays with its 人民政府 when it can
    ("赵村镇人民政府"); only a phrase longer than a whole line is broken inside."""
    room = line_width - TITLE_SLACK_PT
    if not text or width(text) <= room:
        return [text]
    phrases = _title_phrases(text, names)
    # every place a line may end, with how strong a boundary it is: 1 between phrases, 2 inside an
    # organ's name (between the county and the town, before 人民政府), 3 inside a phrase wider than a line
    cuts: dict[int, int] = {}
    at = 0
    for index, (phrase, name) in enumerate(phrases):
        if width(phrase) > room:  # a phrase longer than a line: it has to break somewhere inside
            cuts.update({at + i: 3 for i in range(1, len(phrase))})
        at += len(phrase)
        if index + 1 < len(phrases):
            following, next_name = phrases[index + 1]
            cuts[at] = 2 if (name and (next_name or following == "人民政府")) else 1
    for level in (1, 2, 3):
        allowed = sorted(i for i, strength in cuts.items() if strength <= level)
        best = _balanced(text, allowed, width, room)
        if best:
            return best
    return [text]


def _balanced(text: str, cuts: list[int], width: Callable[[str], float], room: float) -> list[str] | None:
    """The fewest lines, cut at some of ``cuts``, that each fit ``room``; the most balanced of them."""
    from itertools import combinations

    for count in range(1, min(len(cuts), 6) + 1):
        options = []
        for chosen in combinations(cuts, count):
            bounds = (0, *chosen, len(text))
            lines = [text[a:b] for a, b in zip(bounds, bounds[1:])]
            widths = [width(line) for line in lines]
            if max(widths) <= room:
                options.append((max(widths) - min(widths), -widths[-1], lines))
        if options:
            return min(options, key=lambda option: option[:2])[2]
    return None


def keep_names(draft) -> tuple[str, ...]:
    """The names no line breaks inside: 习近平, the settings' (county, town, office, signer) and a document's people."""
    settings = draft.settings
    return (*KEEP_NAMES, *(settings.get(key) or "" for key in ("county", "town", "office", "signer")), *getattr(draft, "people", ()))


def title_names(settings: dict) -> tuple[str, ...]:
    """The names a title keeps whole: the county's and the town's, as the settings spell them."""
    return tuple(settings.get(key) or "" for key in ("county", "town"))


def signature_indents(draft: ReportDraft, width: Callable[[str], float] = text_width) -> tuple[float, float]:
    """Right indents (points) of the 署名 and the 成文日期 per GB/T 9704-2012 7.3.5.

    Sealed (7.3.5.1): the date 右空四字, the 署名 centred above the date. Unsealed (7.3.5.2):
    the 署名 右空二字 and the date's first character two characters right of the 署名's; when
    the date is longer than the 署名, the date 右空二字 and the 署名 moves left accordingly.
    ``width`` measures a text in points (the preview measures with the font it paints).
    """
    signer = next((b.text for b in draft.blocks if b.kind == "signer"), "")
    date = next((b.text for b in draft.blocks if b.kind == "date"), "")
    signer_width, date_width = width(signer), width(date)
    if getattr(draft, "sealed", True):  # a case document has no choice: its lines are laid out by its template
        date_right = 4 * CHAR_PT
        return max(0.0, date_right + (date_width - signer_width) / 2), date_right
    if date_width > signer_width:
        return 4 * CHAR_PT + date_width - signer_width, 2 * CHAR_PT
    return 2 * CHAR_PT, signer_width - date_width


SIGNATURE_TEXT_PARAGRAPHS = 2  # text paragraphs a document's signature lines take along to their page
LINE_WIDTH_PT = TABLE_WIDTH_MM / 25.4 * 72  # the type area's width, in points


def is_label(block) -> bool:
    """A document's lead-in line such as "履行方式、地点、期限：": it never ends a page alone."""
    return block.kind == "plain" and block.text.endswith("：")


def keep_with_next(draft: ReportDraft) -> list[bool]:
    """Per block: stays on the page of the block after it (the .docx and the preview both follow it).

    Headings, the 署名 with the blank lines and the last text paragraph before it, and a document's lead-in labels ("…：")
    keep with what follows. A document's signature lines (a run of "right" blocks) stay together
    and take along the blank lines and the last ``SIGNATURE_TEXT_PARAGRAPHS`` text paragraphs
    before them (in a 协议书: the 履行 terms and the closing clause), so the signatures never
    stand on a page that carries none of the agreed text.
    """
    blocks = draft.blocks
    keep = [block.kind in KEEP_WITH_NEXT or is_label(block) for block in blocks]  # the 版记 may start the last page (GB/T 9704 7.4)
    signer = next((i for i, b in enumerate(blocks) if b.kind == "signer"), None)
    if signer is not None:
        index = signer - 1
        while index >= 0 and blocks[index].kind == "blank":
            keep[index] = True
            index -= 1
        if index >= 0 and blocks[index].kind in ("body", "plain"):
            keep[index] = True  # the last paragraph travels with the 署名: no page of the signature alone
    for start, block in enumerate(blocks):
        if block.kind != "right" or (start and blocks[start - 1].kind == "right"):
            continue
        end = start
        while end + 1 < len(blocks) and blocks[end + 1].kind == "right":
            keep[end] = True  # every signature line but the last keeps with the next
            end += 1
        index, texts = start - 1, 0
        while index >= 0 and texts < SIGNATURE_TEXT_PARAGRAPHS and blocks[index].kind in ("blank", "body", "plain"):
            keep[index] = True
            texts += blocks[index].kind != "blank" and not is_label(blocks[index])
            index -= 1
    return keep


def right_line_indent(text: str, width: Callable[[str], float] = text_width, line_width: float = LINE_WIDTH_PT) -> float:
    """Right indent (points) of a document's right-aligned line ("记录人（签名）：＿＿＿"): two 字,
    less when the line would otherwise not fit and wrap its signature underline onto a line of its own."""
    room = line_width - width(text) - 4  # 4 pt of slack: renderers round differently
    return max(0.0, min(2 * CHAR_PT, room))


PAGE_HEIGHT_PT = LINE_PITCH_PT * 22  # the type area: 22 lines
CELL_PADDING_PT = 5.7  # LibreOffice's and Word's default left and right cell margin (0.19 cm); the preview's is less


def cell_room(span_mm: float) -> float:
    """The width a table cell of ``span_mm`` holds, in points of the body font (text_width's measure), 6 pt to spare."""
    return (span_mm / 25.4 * 72 - 2 * CELL_PADDING_PT - 6) * BODY_PT / TABLE_PT


def block_heights(block, names: Iterable[str] = ()) -> list[float]:
    """The heights (points) of a block's lines on the page, as the .docx and the preview lay it out:
    text on the 28.95 pt grid, a table row by row at 小四 (each row as one unsplittable line)."""
    if block.kind == "pagebreak":
        return []
    if block.kind == "table":
        count = max(len(row) for row in block.rows)
        widths = list(block.widths) if len(block.widths) == count else column_widths(count)
        heights = []
        for row in block.rows:
            spans = widths[: len(row) - 1] + [sum(widths[len(row) - 1 :])]
            lines = max(
                sum(line_count(part, cell_room(span), names=names) for part in str(text).split("\n"))
                for text, span in zip(row, spans)
            )
            heights.append(lines * (TABLE_PT * 1.5 + 6) + 1)  # 3 pt above and below each cell paragraph, the rule
        # the short paragraph after the table, and the text after it back on the page's line grid (measured in LibreOffice)
        after = -(-(sum(heights) + TABLE_PT * 1.5 + 6) // LINE_PITCH_PT) * LINE_PITCH_PT - sum(heights)
        return heights + [after]
    if block.kind == "title":
        return [LINE_PITCH_PT] * len(title_lines(block.text))
    indent = 2 * CHAR_PT if block.kind in ("body", "heading1", "heading2") else 0
    right = right_line_indent(block.text) if block.kind == "right" else 0
    room = (28 - ESTIMATE_SLACK_CHARS) * CHAR_PT - right
    return [LINE_PITCH_PT] * line_count(block.text, room, indent, names)


# The page estimate errs on the long side: a line holds half a 字 less than it can (digits, Latin and the
# rule that no line starts with "，" move a character or two), a cell 6 pt less. A document whose pages
# are forced where the estimate breaks them (``page_tops``) then prints exactly those pages everywhere.
ESTIMATE_SLACK_CHARS = 0.5


def first_pages(draft) -> list[int]:
    """The page (1-based) each block starts on, estimated from ``block_heights`` with the rules both
    outputs follow: a page break starts a page, kept blocks move with the next one, a paragraph
    leaves no single line alone at either end of a page. For the 卷内目录's 页号."""
    return [page for page, _ in _placements(draft)]


def page_tops(draft) -> list[int]:
    """The blocks the estimate puts at the top of a page without a page break before them (a kept
    chain moved on, a block that no longer fits): the writers break the page there, so the pages
    printed are the pages estimated."""
    placed = _placements(draft)
    blocks = draft.blocks
    return [index for index, (_, used) in enumerate(placed)
            if index and used == 0 and blocks[index].kind != "pagebreak" and blocks[index - 1].kind != "pagebreak"]  # fmt: skip


def _placements(draft) -> list[tuple[int, float]]:
    """Per block: the page it starts on and the height used on that page before it."""
    keep = keep_with_next(draft)
    names = keep_names(draft)
    page, used, chain_start = 1, 0.0, None  # chain_start: (index, used) where kept blocks began
    placed: list[tuple[int, float]] = []  # per block: page, height used on that page before it
    for index, block in enumerate(draft.blocks):
        heights = block_heights(block, names)
        if block.kind == "pagebreak":
            page, used, chain_start = page + (1 if used else 0), 0.0, None
            placed.append((page, used))
            continue
        if used + sum(heights) > PAGE_HEIGHT_PT + 0.5 and used:
            if chain_start is not None and chain_start[1] > 0:  # the kept blocks before it go along
                start = chain_start[0]
                moved = used - chain_start[1]
                for earlier in range(start, index):
                    placed[earlier] = (page + 1, placed[earlier][1] - chain_start[1])
                page, used = page + 1, moved
            elif block.kind == "table" or len(heights) < 4 or keep[index] or (PAGE_HEIGHT_PT + 0.5 - used) // LINE_PITCH_PT < 2:
                fits = 0
                while block.kind == "table" and fits < len(heights) and used + sum(heights[: fits + 1]) <= PAGE_HEIGHT_PT + 0.5:
                    fits += 1
                if fits:  # a table splits between rows
                    placed.append((page, used))
                    page, used, chain_start = page + 1, sum(heights[fits:]), None
                    continue
                page, used = page + 1, 0.0
            else:  # a long paragraph splits, two lines at least on each page
                room = min(int((PAGE_HEIGHT_PT + 0.5 - used) // LINE_PITCH_PT), len(heights) - 2)
                placed.append((page, used))
                page, used, chain_start = page + 1, sum(heights[room:]), None
                continue
        placed.append((page, used))
        used += sum(heights)
        chain_start = (chain_start or (index, placed[index][1])) if keep[index] else None
    return placed


def choose_fonts(settings: dict, installed: Iterable[str] | None = None) -> dict[str, str]:
    """The font for each role: the configured one, or the first of its chain that is installed.

    With ``installed=None`` (command line: the fonts of the PC that opens the file are
    unknown) the configured names are used as they are.
    """
    available = set(installed) if installed is not None else None
    chosen = {}
    for key, chain in FONT_CHAINS.items():
        candidates = [settings.get(key) or chain[0], *chain]
        chosen[key] = candidates[0] if available is None else next((f for f in candidates if f in available), candidates[-1])
    return chosen


def _set_fonts(rpr_owner, name: str) -> None:
    """Use ``name`` for Latin and East Asian text alike, with no theme font overriding it."""
    rpr = rpr_owner.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), name)
    fonts.set(qn("w:hint"), "eastAsia")  # quotation marks, dashes and ellipses stay Chinese


def _char_spacing(style) -> None:
    rpr = style.element.get_or_add_rPr()
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(CHAR_SPACING_TWIPS))
    rpr.append(spacing)


def _outline_level(style, level: int) -> None:
    ppr = style.element.get_or_add_pPr()
    outline = OxmlElement("w:outlineLvl")
    outline.set(qn("w:val"), str(level))
    ppr.append(outline)


def _paragraph_style(document, name: str, font: str, size: float, *, bold=False, align=None, first_line_chars=0, right_chars=0):
    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles["Normal"]
    style.quick_style = True
    _set_fonts(style.element, font)
    style.font.size = Pt(size)
    style.font.bold = bold
    _char_spacing(style)
    fmt = style.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(LINE_PITCH_PT)
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.widow_control = True  # no 1–2 character last line alone at the top of a page
    if align is not None:
        fmt.alignment = align
    ppr = style.element.get_or_add_pPr()
    later = ppr.find(qn("w:spacing"))  # schema order: autoSpaceDE/DN come before spacing and ind
    for name in ("w:autoSpaceDE", "w:autoSpaceDN"):  # no extra gap between digits and Chinese: widths stay on the grid
        switch = OxmlElement(name)
        switch.set(qn("w:val"), "0")
        if later is not None:
            later.addprevious(switch)
        else:
            ppr.append(switch)
    indent = OxmlElement("w:ind")
    if first_line_chars:
        indent.set(qn("w:firstLineChars"), str(first_line_chars * 100))
        indent.set(qn("w:firstLine"), str(int(first_line_chars * BODY_PT * 20)))
    if right_chars:
        indent.set(qn("w:rightChars"), str(right_chars * 100))
        indent.set(qn("w:right"), str(int(right_chars * BODY_PT * 20)))
    ppr.append(indent)
    return style


def _rules_above_and_below(style) -> None:
    """A thin rule above and below the paragraph (the 版记's 分隔线, GB/T 9704 7.4.1)."""
    ppr = style.element.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    for side in ("top", "bottom"):
        rule = OxmlElement(f"w:{side}")
        for key, value in (("val", "single"), ("sz", "6"), ("space", "4"), ("color", "000000")):
            rule.set(qn(f"w:{key}"), value)
        borders.append(rule)
    later = next((ppr.find(qn(name)) for name in ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
                                                "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
                                                "w:spacing", "w:ind") if ppr.find(qn(name)) is not None), None)  # fmt: skip
    if later is not None:
        later.addprevious(borders)
    else:
        ppr.append(borders)


def _table_style(document, font: str):
    """Cell text: 小四, single spacing off the page's line grid, a little air above and below."""
    style = document.styles.add_style(STYLE_NAMES["table"], WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles["Normal"]
    _set_fonts(style.element, font)
    style.font.size = Pt(TABLE_PT)
    fmt = style.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(TABLE_PT * 1.5)
    fmt.space_before = fmt.space_after = Pt(3)
    ppr = style.element.get_or_add_pPr()
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    ppr.append(snap)
    return style


def column_widths(count: int) -> list[float]:
    """Millimetres per column: label columns narrower than value columns in 2- and 4-column forms."""
    if count == 2:
        return [36, TABLE_WIDTH_MM - 36]
    if count == 4:
        return [30, 48, 30, 48]
    return [TABLE_WIDTH_MM / count] * count


def _add_table(document, rows, style, widths=(), names: Iterable[str] = ()) -> None:
    """A ruled table; a row with fewer cells than the widest one merges its last cell to the right."""
    count = max(len(row) for row in rows)
    widths = list(widths) if len(widths) == count else column_widths(count)
    table = document.add_table(rows=len(rows), cols=count)
    table.style = document.styles["Table Grid"]
    table.autofit = False
    for index, column in enumerate(table.columns):  # the grid (w:gridCol): LibreOffice and WPS lay the table out by it
        column.width = Mm(widths[index])
    for row, texts in zip(table.rows, rows):
        cells = row.cells  # once per row: table.cell() rebuilds the grid on every call
        spans = widths[: len(texts) - 1] + [sum(widths[len(texts) - 1 :])]
        for index, cell in enumerate(cells):
            cell.width = Mm(widths[index])
        if len(texts) < count:
            cells[len(texts) - 1].merge(cells[-1])
        for index, text in enumerate(texts):
            cell = row.cells[index]
            lines = str(text).split("\n")
            paragraph = cell.paragraphs[0]
            paragraph.style = style
            paragraph.add_run(breakable(lines[0], names, cell_room(spans[index])))
            for more in lines[1:]:
                cell.add_paragraph(breakable(more, names, cell_room(spans[index])), style=style)
    # a short paragraph after the table keeps two tables in a row apart
    document.add_paragraph(style=style)


def _page_number_footer(footer, align, indent_side: str, font: str = "宋体") -> None:
    """A footer "— n —" with a PAGE field, in 4号 宋体, one character in from ``indent_side``."""
    paragraph = footer.paragraphs[0]
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    setattr(fmt, f"{indent_side}_indent", Pt(PAGE_NUMBER_PT))

    def run(text: str = ""):
        item = paragraph.add_run(text)
        _set_fonts(item._element, font)
        item.font.size = Pt(PAGE_NUMBER_PT)
        return item

    run("— ")
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        item = run()
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            item._element.append(char)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            item._element.append(instr)
        else:
            item.text = text
    run(" —")


def _page_numbers_from(sect_pr, number: int | None) -> None:
    """A section's pages numbered from ``number`` (w:pgNumType w:start, in its place in w:sectPr)."""
    if number is None:
        return
    start = OxmlElement("w:pgNumType")
    start.set(qn("w:start"), str(number))
    sect_pr.insert_element_before(start, "w:cols", "w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg", "w:textDirection",
                                  "w:bidi", "w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange")


def build_document(draft: ReportDraft, installed_fonts: Iterable[str] | None = None):
    """A python-docx Document of the draft (a ReportDraft, or any model with ``title``,
    ``settings`` and ``blocks``, such as the case documents of ``documents.CaseDocument``)."""
    fonts = choose_fonts(draft.settings, installed_fonts)
    document = Document()
    _page_setup(document.sections[0])
    styles = _document_styles(document, fonts)

    signer_right, date_right = signature_indents(draft)
    keep = keep_with_next(draft)
    names = keep_names(draft)
    first = True
    break_before = False
    # A page break with a ``restart`` (the case documents: the number the 卷内目录 gives the next paper)
    # ends a section; the next one numbers its pages from there. None: pages without a number (the cover).
    section_ends: list = []  # the last paragraph of each section but the last
    section_numbers: list[int | None] = [getattr(draft, "first_number", 1)]
    tops = set(getattr(draft, "page_tops", ()))  # a document whose pages are laid out in advance (case documents)
    for index, block in enumerate(draft.blocks):
        if index in tops:
            break_before = True
        if block.kind == "table":
            if break_before:  # a table cannot start a page by itself: an empty line carries the break
                document.add_paragraph(style=styles["plain"]).paragraph_format.page_break_before = True
                break_before = False
            _add_table(document, block.rows, styles["table"], getattr(block, "widths", ()), names)
            first = False
            continue
        if block.kind == "pagebreak":
            if getattr(block, "restart", None) is not None and not first:
                section_ends.append(document.element.body.xpath("./w:p")[-1])
                section_numbers.append(block.restart)
            else:
                break_before = True
            continue
        style = styles.get(block.kind, styles["body"])
        if first:
            paragraph = document.paragraphs[0] if document.paragraphs else document.add_paragraph()
            paragraph.style = style
            first = False
        else:
            paragraph = document.add_paragraph(style=style)
        _add_text(paragraph, block, draft, fonts, names)
        if keep[index]:
            paragraph.paragraph_format.keep_with_next = True
            paragraph.paragraph_format.keep_together = True  # a kept paragraph moves whole, as in the preview
        if block.kind in ("signer", "date"):
            paragraph.paragraph_format.right_indent = Pt(signer_right if block.kind == "signer" else date_right)
        if break_before:
            paragraph.paragraph_format.page_break_before = True
            break_before = False
        if block.kind == "right":
            paragraph.paragraph_format.right_indent = Pt(right_line_indent(block.text))
            # the style's rightChars (two 字) would win over a length: the paragraph's own is 0
            paragraph._p.get_or_add_pPr().find(qn("w:ind")).set(qn("w:rightChars"), "0")

    sentinel = document.element.body.get_or_add_sectPr()  # the last section's (the page set up above)
    for end, number in zip(section_ends, section_numbers):
        own = copy.deepcopy(sentinel)
        _page_numbers_from(own, number)
        end.set_sectPr(own)
    if len(section_numbers) > 1 or section_numbers[0] not in (None, 1):
        _page_numbers_from(sentinel, section_numbers[-1])
    document.settings.odd_and_even_pages_header_footer = True
    numbered = next((i for i, number in enumerate(section_numbers) if number is not None), None)
    if numbered is not None:  # the later sections inherit its footers; the sections before it have none
        section = document.sections[numbered]
        section.footer.is_linked_to_previous = section.even_page_footer.is_linked_to_previous = False  # else python-docx writes it to the first section
        _page_number_footer(section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right", fonts["font_page_number"])
        _page_number_footer(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left", fonts["font_page_number"])
    core = document.core_properties
    core.title, core.author, core.comments = draft.title, draft.settings.get("office") or "", "由司法所台账程序生成"
    return document


def _page_setup(section) -> None:
    """A4, GB/T 9704 margins, the line grid of the type area."""
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(22)  # footer line about 7 mm below the type area
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(round(LINE_PITCH_PT * 20)))


def _document_styles(document, fonts: dict) -> dict:
    """The paragraph and table styles of a document, by block kind, in the chosen fonts."""
    normal = document.styles["Normal"]
    _set_fonts(normal.element, fonts["font_body"])
    normal.font.size = Pt(BODY_PT)

    styles = {
        "title": _paragraph_style(document, STYLE_NAMES["title"], fonts["font_title"], TITLE_PT, bold=title_bold(fonts["font_title"]), align=WD_ALIGN_PARAGRAPH.CENTER),
        # left-aligned, not justified: on the 28-character grid a full line is full anyway, and a line that ends
        # early (digits are half a 字; a date or a name is not broken) would be stretched letter by letter
        "body": _paragraph_style(document, STYLE_NAMES["body"], fonts["font_body"], BODY_PT, align=WD_ALIGN_PARAGRAPH.LEFT, first_line_chars=2),
        "heading1": _paragraph_style(document, STYLE_NAMES["heading1"], fonts["font_heading1"], BODY_PT, align=WD_ALIGN_PARAGRAPH.LEFT, first_line_chars=2),
        "heading2": _paragraph_style(document, STYLE_NAMES["heading2"], fonts["font_heading2"], BODY_PT, align=WD_ALIGN_PARAGRAPH.LEFT, first_line_chars=2),
        "signer": _paragraph_style(document, STYLE_NAMES["signer"], fonts["font_body"], BODY_PT, align=WD_ALIGN_PARAGRAPH.RIGHT),
        "date": _paragraph_style(document, STYLE_NAMES["date"], fonts["font_body"], BODY_PT, align=WD_ALIGN_PARAGRAPH.RIGHT),
        "recipient": _paragraph_style(document, STYLE_NAMES["recipient"], fonts["font_body"], BODY_PT, align=WD_ALIGN_PARAGRAPH.LEFT),
    }
    styles["plain"] = _paragraph_style(document, STYLE_NAMES["plain"], fonts["font_body"], BODY_PT, align=WD_ALIGN_PARAGRAPH.LEFT)
    styles["number"] = _paragraph_style(document, STYLE_NAMES["number"], fonts["font_body"], BODY_PT, align=WD_ALIGN_PARAGRAPH.CENTER)
    styles["right"] = _paragraph_style(document, STYLE_NAMES["right"], fonts["font_body"], BODY_PT, align=WD_ALIGN_PARAGRAPH.RIGHT, right_chars=2)
    styles["table"] = _table_style(document, fonts["font_body"])
    styles["issuer"] = _paragraph_style(document, STYLE_NAMES["issuer"], fonts["font_body"], BODY_PT, align=WD_ALIGN_PARAGRAPH.LEFT)
    styles["issuer"].paragraph_format.left_indent = Pt(CHAR_PT)  # 发文字号 居左空一字
    styles["issuer"].paragraph_format.tab_stops.add_tab_stop(Pt(LINE_WIDTH_PT - CHAR_PT), WD_TAB_ALIGNMENT.RIGHT)  # 签发人 居右空一字
    styles["copyto"] = _paragraph_style(document, STYLE_NAMES["copyto"], fonts["font_body"], COPY_TO_PT, align=WD_ALIGN_PARAGRAPH.LEFT)
    styles["copyto"].paragraph_format.left_indent = styles["copyto"].paragraph_format.right_indent = Pt(COPY_TO_PT)  # 左右各空一字
    _rules_above_and_below(styles["copyto"])
    _outline_level(styles["heading1"], 0)
    _outline_level(styles["heading2"], 1)
    return styles


def _add_text(paragraph, block, draft, fonts: dict, names) -> None:
    """A block's text as runs: 发文字号 with the signer's name in 楷体, a title broken between words, any other text breakable."""
    if block.kind == "issuer":  # 发文字号 and "签发人：" in 仿宋, the name in 楷体 (GB/T 9704 7.2.6)
        left, _, name = block.text.rpartition("：")
        paragraph.add_run(left + "：")
        _set_fonts(paragraph.add_run(name)._element, fonts["font_heading2"])
    elif block.kind == "title":  # broken between words, as the preview paints it: an explicit line break
        lines = title_lines(block.text, title_names(draft.settings))
        for number, line in enumerate(lines):
            run = paragraph.add_run(line)
            if number < len(lines) - 1:
                run.add_break()
    else:
        paragraph.add_run(breakable(block.text, names))


def write_docx(draft: ReportDraft, path: str | Path, installed_fonts: Iterable[str] | None = None) -> Path:
    """Write the draft to ``path``; a Chinese UserError when the file cannot be written."""
    document = build_document(draft, installed_fonts)
    # Built in memory, written in one go: on a full disk python-docx's own zip writer would be left
    # open and complain with a traceback when collected.
    buffer = io.BytesIO()
    document.save(buffer)
    return save_file(lambda target: target.write_bytes(buffer.getbuffer()), path, "Word 或 WPS")
