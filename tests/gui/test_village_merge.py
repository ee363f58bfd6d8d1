"""撤并 from the 村(居) list: the records move, every list shows the merged village's name."""

from zhaocun_desktop import audit, queries, records
from zhaocun_desktop.registers import MEDIATION_CASE, VILLAGE


def test_merge_and_rename_from_the_village_list(qtbot, open_window):
    window = open_window(demo=True)
    view = window.view(VILLAGE.key)
    cases = window.view(MEDIATION_CASE.key)
    source = next(v for v in queries.rows_by_id(window.db, VILLAGE) if v["name"] == "中汤村")
    moving = queries.count(window.db, MEDIATION_CASE, queries.RecordQuery(village="中汤村"))
    before = queries.count(window.db, MEDIATION_CASE, queries.RecordQuery(village="赵村村"))
    view.model.record_id(0)  # reads the first page
    view.table.selectRow(view.model.row_of(source["id"]))
    moved = view.merge_village("赵村村", confirm=False)
    assert moved["调解案件"] == moving
    assert "中汤村" not in queries.village_names(window.db)
    assert queries.count(window.db, MEDIATION_CASE, queries.RecordQuery(village="赵村村")) == before + moving
    assert "中汤村" not in [cases.village_box.itemText(i) for i in range(cases.village_box.count())]  # the filters follow
    entry = audit.audit_rows(window.db, "village", source["id"])[-1]
    assert entry["action"] == "merge"
    target = next(v for v in queries.rows_by_id(window.db, VILLAGE) if v["name"] == "赵村村")
    records.update(window.db, VILLAGE, target["id"], dict(name="赵村社区"))
    cases.refresh()
    shown = {cases.model.index(row, cases.model.fields.index(MEDIATION_CASE.field("village"))).data() for row in range(min(cases.model.rowCount(), 200))}
    assert "赵村社区" in shown and "赵村村" not in shown
