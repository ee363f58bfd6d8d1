"""``upgrade_in_dialog``: a database upgrade run in a worker thread under a dialog (township and county windows).

Below ``gui/app.py`` and ``gui/county_mode.py``, which both open databases with it.
"""

from __future__ import annotations


def upgrade_in_dialog(parent):
    """For ``db.open_db(upgrade_with=...)``: the first open by a newer program upgrades the file (tens of
    seconds for a county's database) in a worker thread, under a dialog that says what it does."""

    def upgrade(text: str, work) -> None:
        from zhaocun_desktop.gui.jobs import run_job  # only when an upgrade runs (start-up time)

        run_job(parent, "升级数据库", text, None, lambda _none, progress: work(progress), cancellable=False)

    return upgrade
