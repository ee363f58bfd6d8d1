"""Reading a rendered PDF back with poppler's ``pdftotext -bbox-layout``: lines, words, positions (points)."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

HAVE_POPPLER = bool(shutil.which("pdftotext"))
CHAR_PT = 15.75  # one 字 of the GB/T 9704 grid (16 pt less 0.25 pt spacing)
PAGE_WIDTH = 595.3
TEXT_RIGHT = PAGE_WIDTH - 26 / 25.4 * 72  # right margin 26 mm


@dataclass
class Line:
    page: int
    x0: float
    y0: float
    x1: float
    words: list[tuple[float, float, str]]  # (xMin, xMax, text)

    @property
    def text(self) -> str:
        return "".join(word[2] for word in self.words)

    def widest_gap(self) -> float:
        return max((b[0] - a[1] for a, b in zip(self.words, self.words[1:])), default=0.0)


def pdf_lines(pdf: Path) -> list[Line]:
    """Every text line of the PDF, page by page, top to bottom."""
    html = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    lines = []
    for number, page in enumerate(re.findall(r"<page.*?</page>", html, re.S), start=1):
        for attributes, body in re.findall(r"<line ([^>]*)>(.*?)</line>", page, re.S):
            box = dict(re.findall(r'(\w+)="([\d.]+)"', attributes))
            words = [(float(a), float(b), t) for a, b, t in re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', body)]
            lines.append(Line(number, float(box["xMin"]), float(box["yMin"]), float(box["xMax"]), words))
    return lines


def body_lines(lines: list[Line], page: int) -> list[Line]:
    """The lines of ``page`` without its "— n —" footer."""
    return [line for line in lines if line.page == page and not line.text.startswith("—")]


def check_report_layout(pdf: Path, headings: list[str], signer: str, date: str, sealed: bool, date_width: float | None = None) -> dict:
    """Assert the GB/T 9704 rules that a rendering of the report must keep; returns measurements.

    ``date_width``: the date's width (points) the layout assumed. A .docx assumes 仿宋's
    half-width digits; where the renderer substitutes a font with wider digits, the signature
    may be off by that difference (and no more).
    """
    lines = pdf_lines(pdf)
    pages = max(line.page for line in lines)
    counts = [len(body_lines(lines, page)) for page in range(1, pages + 1)]
    assert max(counts) == 22 and all(count <= 22 for count in counts), counts
    for line in lines:  # no character pitch above 1.5 字: no line stretched letter by letter
        assert line.widest_gap() < 0.5 * CHAR_PT, (line.page, line.text, line.widest_gap())
    for page in range(1, pages + 1):
        body = body_lines(lines, page)
        assert body[-1].text not in headings, f"page {page} ends with the heading {body[-1].text}"
        if page > 1:
            first = body[0].text.replace("\u200b", "")
            assert len(first) > 2 or first in headings, f"page {page} starts with a lone {first!r}"
    signed = max(line.page for line in lines if line.text == signer)  # the 版记 (抄送) may follow on a page of its own
    last = body_lines(lines, signed)
    assert len(last) > 2, f"page {signed} holds the 署名 and 成文日期 alone"
    signer_line = next(line for line in last if line.text == signer)
    date_line = next(line for line in last if line.text.replace(" ", "") == date)
    assert abs((date_line.y0 - signer_line.y0) - 28.95) < 0.5  # the date on the line below the 署名
    slack = abs((date_line.x1 - date_line.x0) - date_width) if date_width is not None else 0.0
    if sealed:  # 7.3.5.1: date 右空四字, 署名 centred above it
        assert abs((TEXT_RIGHT - date_line.x1) - 4 * CHAR_PT) < 3, TEXT_RIGHT - date_line.x1
        assert abs((signer_line.x0 + signer_line.x1) / 2 - (date_line.x0 + date_line.x1) / 2) < 3 + slack / 2
    else:  # 7.3.5.2: 署名 右空二字, the date's first character two characters right of the 署名's
        assert abs((TEXT_RIGHT - signer_line.x1) - 2 * CHAR_PT) < 3, TEXT_RIGHT - signer_line.x1
        assert abs((date_line.x0 - signer_line.x0) - 2 * CHAR_PT) < 3 + slack
    return dict(pages=pages, lines=counts, signer=(signer_line.x0, signer_line.x1), date=(date_line.x0, date_line.x1))
