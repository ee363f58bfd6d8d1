"""Long core jobs report progress and stop cleanly when the progress callback cancels them."""

from __future__ import annotations

import openpyxl
import pytest

from zhaocun_desktop import queries
from zhaocun_desktop.db import open_again
from zhaocun_desktop.demo import fill_demo
from zhaocun_desktop.excel.importing import batches, commit_import, preview_import
from zhaocun_desktop.excel.writing import template_registers, write_all_templates, write_export
from zhaocun_desktop.progress import Cancelled
from zhaocun_desktop.registers import MEDIATION_CASE
from zhaocun_desktop.summary import write_summary


class CancelAfter:
    """A progress callback that records every call and cancels at call number ``calls``."""

    def __init__(self, calls: int | None = None):
        self.calls, self.seen = calls, []

    def __call__(self, done: int, total: int, text: str) -> None:
        self.seen.append((done, total, text))
        if self.calls is not None and len(self.seen) >= self.calls:
            raise Cancelled()


@pytest.fixture
def demo_db(db):
    fill_demo(db)
    return db


def _planned_templates(db) -> int:
    villages = len(queries.village_names(db))
    return sum(villages if r.village_field else 1 for r in template_registers())


def test_templates_report_each_file_and_stop_between_files(demo_db, tmp_path):
    everything = CancelAfter()
    written = write_all_templates(demo_db, tmp_path / "all", everything)
    planned = _planned_templates(demo_db)
    assert len(written) == planned
    assert [done for done, _, _ in everything.seen] == list(range(planned + 1))
    assert {total for _, total, _ in everything.seen} == {planned}
    assert everything.seen[0][2] == written[0].name

    cancel = CancelAfter(calls=4)
    with pytest.raises(Cancelled):
        write_all_templates(demo_db, tmp_path / "part", cancel)
    kept = sorted((tmp_path / "part").iterdir())
    assert len(kept) == 3  # the files finished before the fourth call; none half written
    for path in kept:
        assert openpyxl.load_workbook(path).sheetnames


def test_export_cancelled_before_the_rename_leaves_no_file(demo_db, tmp_path):
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "导出.xlsx"
    last = CancelAfter()
    count = write_export(demo_db, MEDIATION_CASE, target, progress=last)
    assert last.seen[-1][:2] == (count, count)
    target.unlink()
    with pytest.raises(Cancelled):
        write_export(demo_db, MEDIATION_CASE, target, progress=CancelAfter(calls=len(last.seen)))
    assert list((tmp_path / "out").iterdir()) == []  # no target, no temporary file


def test_summary_cancelled_leaves_no_file(demo_db, tmp_path):
    seen = CancelAfter()
    out = tmp_path / "out"
    out.mkdir()
    write_summary(demo_db, 2023, out / "汇总.xlsx", seen)
    assert len(seen.seen) == len(openpyxl.load_workbook(out / "汇总.xlsx").sheetnames) + 1
    with pytest.raises(Cancelled):
        write_summary(demo_db, 2023, out / "又一份.xlsx", CancelAfter(calls=3))
    assert sorted(p.name for p in out.iterdir()) == ["汇总.xlsx"]


def test_import_cancelled_writes_nothing(demo_db, tmp_path):
    source = tmp_path / "cases.xlsx"
    write_export(demo_db, MEDIATION_CASE, source, reveal=True)
    other = open_again(demo_db)  # what a worker thread uses: the same file through its own connection
    try:
        assert queries.count(other, MEDIATION_CASE) == queries.count(demo_db, MEDIATION_CASE) > 0
        assert other.conn is not demo_db.conn and other.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    finally:
        other.close()
    with demo_db.atomic():
        demo_db.execute("DELETE FROM mediation_case")
    preview = preview_import(demo_db, source)
    assert preview.valid_rows
    before_batches = len(batches(demo_db))
    with pytest.raises(Cancelled):
        commit_import(demo_db, preview, progress=CancelAfter(calls=1))
    assert queries.count(demo_db, MEDIATION_CASE) == 0
    assert len(batches(demo_db)) == before_batches
    seen = CancelAfter()
    result = commit_import(demo_db, preview, progress=seen)
    assert queries.count(demo_db, MEDIATION_CASE) == result["imported"] == seen.seen[-1][0] == seen.seen[-1][1]
