"""Printing a workbook through LibreOffice and measuring the result: pages, smallest printed font."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
CAN_RENDER = bool(SOFFICE and shutil.which("pdftotext"))
_CJK = re.compile(r"[\u4e00-\u9fff]")


def render(path: Path, folder: Path) -> Path:
    """``path`` printed to PDF by LibreOffice (each sheet with its own page setup)."""
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{folder / 'lo-profile'}", "--headless", "--convert-to", "pdf", "--outdir", str(folder), str(path)],
        check=True, capture_output=True, timeout=300, env=dict(os.environ, HOME=str(folder)),
    )  # fmt: skip
    return folder / (path.stem + ".pdf")


def pages(pdf: Path) -> list[str]:
    """The text of each page."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def cjk_heights(pdf: Path) -> list[float]:
    """The height of every word holding Chinese text: all of it is set in the one CJK font
    LibreOffice has, so heights compare across sheets and scales."""
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [float(y1) - float(y0) for y0, y1, word in re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', html) if _CJK.search(word)]


def points_per_height(folder: Path) -> float:
    """Font size per unit of word height, from a 10 pt line printed at 100%."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.active["A1"] = "十点字号校准"
    book.active["A1"].font = Font(name="宋体", size=10)
    calibration = folder / "calibration.xlsx"
    book.save(calibration)
    heights = cjk_heights(render(calibration, folder))
    return 10 / min(heights)


def smallest_pt(pdf: Path, scale: float) -> float:
    """The smallest font size printed in ``pdf`` (points), ``scale`` from ``points_per_height``."""
    return round(min(cjk_heights(pdf)) * scale, 2)
