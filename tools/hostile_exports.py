"""Hostile stored values through every masked export, counted (issue 8, item 5).

    PYTHONPATH=. .venv/bin/python tools/hostile_exports.py OUT_DIR

Fills the sample year, stores formula-like text, a control character and over-long text straight
into the mediation table, exports every register masked and re-opens each file with openpyxl:
prints how many cells were read, how many are formulas (must be 0), how many formula-like texts
were kept literal and how many cells show a full ID or phone number (must be 0).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import openpyxl

from zhaocun_desktop.db import open_db
from zhaocun_desktop.demo import fill_demo
from zhaocun_desktop.excel.writing import FORMULA_STARTS, write_export
from zhaocun_desktop.registers import REGISTERS

HOSTILE = ['=HYPERLINK("http://example.invalid","点我")', "+1", "-1", "@A1", "＝1", "＋1", "－1", "＠1", "a\x0bb", "长" * 33000]


def main(folder: Path) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("hostile.db*"):
        old.unlink()
    db = open_db(folder / "hostile.db")
    fill_demo(db)
    for text in HOSTILE:
        db.execute(
            "INSERT INTO mediation_case (accepted, village, org, dispute_type, parties, result, note, summary) "
            "VALUES ('2023-05-06', '赵村村', '村调委会', '邻里', ?, '调解中', ?, ?)", [text, text, text])  # fmt: skip
    full = set()
    for register in REGISTERS:
        for field in register.fields:
            if field.sensitive:
                full |= {row[0] for row in db.execute(f"SELECT {field.key} FROM {register.key} WHERE {field.key} IS NOT NULL")}
    cells = formulas = literal = leaks = 0
    for register in REGISTERS:
        path = folder / f"{register.key}.xlsx"
        write_export(db, register, path)
        for sheet in openpyxl.load_workbook(path).worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.value is None:
                        continue
                    cells += 1
                    formulas += cell.data_type == "f"
                    literal += isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS)
                    leaks += any(number in str(cell.value) for number in full) or bool(re.search(r"\d{11,}", str(cell.value)))
    db.close()
    print(f"masked exports of {len(REGISTERS)} registers: {cells} cells read, {formulas} formulas, "
          f"{literal} formula-like texts kept literal, {leaks} unmasked numbers ({len(full)} full ID/phone numbers stored)")  # fmt: skip
    return 0 if formulas == leaks == 0 else 1


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "hostile_exports")))
