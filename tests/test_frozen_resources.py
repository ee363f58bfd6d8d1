"""The Windows (and Linux) one-folder build carries everything the frozen program opens: checked against
the PyInstaller spec without building (PyInstaller cannot cross-compile; .github/workflows builds on Windows)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from zhaocun_desktop.registers import BY_KEY

ROOT = Path(__file__).resolve().parent.parent
SPEC = (ROOT / "build_spec" / "zhaocun_desktop.spec").read_text(encoding="utf-8")


def _spec_datas() -> list[str]:
    """The destination folders of the spec's ``datas`` entries (the tuples' second element)."""
    tree = ast.parse(SPEC)
    datas = next(node.value for node in ast.walk(tree) if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "datas")
    return [element.elts[1].value for element in datas.elts if isinstance(element, ast.Tuple)]


def test_the_spec_carries_the_resources_the_designer_files_and_qts_chinese_translation():
    destinations = _spec_datas()
    assert {"resources", "ui", "resources/translations", "docx/parts"} <= set(destinations)
    assert "qtbase_zh_CN.qm" in SPEC and 'collect_data_files("docx")' in SPEC
    assert (ROOT / "resources" / "icons" / "app.ico").is_file() and "app.ico" in SPEC  # the .exe's icon


def test_every_resource_the_code_names_is_in_the_folders_the_spec_copies():
    named = set()
    for source in (ROOT / "zhaocun_desktop").rglob("*.py"):
        for args in re.findall(r"\bresource\(([^()]*)\)", source.read_text(encoding="utf-8")):
            parts = re.findall(r'"([^"{}]+)"', args)
            if parts and len(parts) == args.count(",") + 1:  # every part a plain literal
                named.add(tuple(parts))
        named |= {("ui", name) for name in re.findall(r'ui_file\("([^"]+)"\)', source.read_text(encoding="utf-8"))}
    assert ("icons", "app.png") in named and ("ui", "main_window.ui") in named
    for parts in named:
        base = ROOT / "ui" if parts[0] == "ui" else ROOT / "resources"
        assert base.joinpath(*(parts[1:] if parts[0] == "ui" else parts)).exists(), parts
    documents = {path.stem for path in (ROOT / "resources" / "documents").glob("*.txt")}
    assert documents  # resource("documents", f"{kind}.txt"): the folder travels whole


def test_no_module_is_named_by_string_and_hidden_imports_cover_the_lazy_ones():
    """A module reached only through importlib is missing from the frozen folder: none is (a register's
    behaviour from above is a hook its module installs at import, and the record form imports that module);
    the hidden imports cover the third-party ones the code loads lazily."""
    by_string = [path.name for path in (ROOT / "zhaocun_desktop").rglob("*.py") if "importlib.import_module(" in path.read_text(encoding="utf-8")]
    assert by_string == ["deferred.py"]  # gui/deferred.py: PySide's own classes, at their first use
    import zhaocun_desktop.gui.record_dialog  # noqa: F401 (what the window imports before a form proposes)

    for register in BY_KEY.values():
        if register.proposer_inputs:
            assert register.hooks.propose is not None, register.key
    hidden = re.search(r"hiddenimports=\[([^\]]*)\]", SPEC).group(1)
    assert "python_calamine" in hidden and "defusedxml" in hidden
