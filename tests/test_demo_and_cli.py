"""The sample year and the command line (which never imports Qt)."""

import subprocess
import sys

from zhaocun_desktop import queries, settings as township_settings
from zhaocun_desktop.cli import main
from zhaocun_desktop.db import open_db
from zhaocun_desktop.demo import build_demo
from zhaocun_desktop.queries import RecordQuery
from zhaocun_desktop.registers import ADVISOR_WORK, MEDIATION_CASE, PETITION, REGISTERS, VILLAGE


def table_dump(path):
    db = open_db(path)
    dump = {r.key: db.execute(f"SELECT {', '.join(r.keys)} FROM {r.key} ORDER BY id").fetchall() for r in REGISTERS}
    db.close()
    return dump


def test_demo_is_deterministic_and_believable(tmp_path):
    written = build_demo(tmp_path / "a.db")
    build_demo(tmp_path / "b.db")
    assert table_dump(tmp_path / "a.db") == table_dump(tmp_path / "b.db")
    assert sum(written.values()) >= 500

    db = open_db(tmp_path / "a.db")
    assert queries.count(db, VILLAGE) == 29
    year = RecordQuery(year=2023)
    cases = queries.count(db, MEDIATION_CASE, year)
    assert 150 <= cases <= 220
    villages_with_cases = db.execute("SELECT count(DISTINCT village_id) FROM mediation_case").fetchone()[0]
    assert villages_with_cases == 29
    kinds = {row[0] for row in db.execute("SELECT DISTINCT work_type FROM advisor_work").fetchall()}
    assert {"合同审查", "走访", "代理诉讼", "村规民约审查修订", "法律咨询解答", "引导申请法律援助"} <= kinds
    assert queries.count(db, ADVISOR_WORK, year) > 100
    levels = {row[0] for row in db.execute("SELECT DISTINCT level FROM petition").fetchall()}
    assert {"本镇", "到县", "到市"} <= levels
    assert queries.years(db, PETITION) == [2023, 2022]
    assert township_settings.settings(db)["town"] == "赵村镇"
    db.close()


def test_demo_refuses_to_overwrite(tmp_path, capsys):
    path = tmp_path / "x.db"
    assert main(["demo", "--db", str(path)]) == 0
    assert "调解案件" in capsys.readouterr().out
    before = path.read_bytes()
    assert main(["demo", "--db", str(path)]) == 2
    assert "已存在" in capsys.readouterr().err
    assert path.read_bytes() == before


def test_cli_entry_point_help_and_version():
    run = lambda *args: subprocess.run([sys.executable, "-m", "zhaocun_desktop", *args], capture_output=True, text=True)  # noqa: E731
    help_text = run("--help")
    assert help_text.returncode == 0 and "用法" in help_text.stdout and "demo" in help_text.stdout
    version = run("--version")
    assert version.returncode == 0 and "0." in version.stdout
    wrong = run("--nonsense")
    assert wrong.returncode == 2 and "无法识别的参数" in wrong.stderr


def test_a_year_or_an_output_name_that_cannot_be_meant_is_refused(tmp_path, capsys):
    """``report --year 0`` made the settings' year's report without a word, 1900 and 3000 were taken,
    and ``report --out x.txt`` wrote a Word document under a name no program opens."""
    import pytest

    path = tmp_path / "x.db"
    assert main(["demo", "--db", str(path)]) == 0
    capsys.readouterr()
    for argv, said in (
        (["report", "--db", str(path), "--year", "0", "--out", str(tmp_path / "r.docx")], "参数 --year：“0”不是有效的年度，请写 1950—2099 之间的年份"),
        (["stats", "--db", str(path), "--year", "3000", "--out", str(tmp_path / "s.xlsx")], "“3000”不是有效的年度"),
        (["report", "--db", str(path), "--out", str(tmp_path / "r.txt")], "应以 .docx 结尾（写出的是 Word 文档）"),
        (["export", "--db", str(path), "--register", "petition", "--out", str(tmp_path / "e.docx")], "应以 .xlsx 结尾"),
    ):
        with pytest.raises(SystemExit) as stopped:
            main(argv)
        assert stopped.value.code == 2 and said in capsys.readouterr().err, argv
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("x.db")) == []
    assert main(["report", "--db", str(path), "--year", "2023", "--out", str(tmp_path / "r.docx")]) == 0


def test_core_never_imports_qt():
    code = (
        "import sys, pkgutil, importlib, zhaocun_desktop\n"
        "def walk(path, prefix):  # every module of the core (pkgutil.walk_packages would import the gui package too)\n"
        "    for m in pkgutil.iter_modules(path, prefix):\n"
        "        if m.name not in ('zhaocun_desktop.gui', 'zhaocun_desktop.__main__'):\n"
        "            module = importlib.import_module(m.name)\n"
        "            if m.ispkg: walk(module.__path__, m.name + '.')\n"
        "walk(zhaocun_desktop.__path__, 'zhaocun_desktop.')\n"
        "assert 'zhaocun_desktop.excel.importing' in sys.modules and 'zhaocun_desktop.report' in sys.modules\n"
        "from zhaocun_desktop.cli import main\n"
        "main(['demo', '--db', sys.argv[1]])\n"
        "bad = [n for n in sys.modules if n.startswith(('PySide6', 'shiboken6'))]\n"
        "assert not bad, bad\n"
    )
    import os
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        result = subprocess.run([sys.executable, "-c", code, os.path.join(folder, "d.db")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_the_window_options_alone_skip_the_verbs_parsers_and_mean_the_same():
    from zhaocun_desktop.cli import _opens_window, _parser

    for argv in ([], ["--demo"], ["--db", "台账.db"], ["--db=台账.db", "--demo"], ["--self-test"]):
        assert _opens_window(argv)
        assert vars(_parser(verbs=False).parse_args(argv)) == vars(_parser().parse_args(argv))
    for argv in (["--help"], ["demo", "--db", "x.db"], ["--db"], ["--version"], ["check", "--db", "x.db"], ["--dbx"]):
        assert not _opens_window(argv)
