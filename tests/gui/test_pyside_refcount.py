"""Regression test for PySide6 6.12 on Python 3.11 (pitfalls.md): calls that drop a reference
to None until the interpreter aborts with "Fatal Python error: none_dealloc"."""

import gc
import sys

from PySide6.QtCore import QObject
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication, QLineEdit


def test_none_refcount_is_stable_over_20000_calls(qapp):
    edit = QLineEdit()
    edit.show()
    edit.setFocus()
    model = QStandardItemModel()
    holder = QObject()
    # garbage left by earlier tests (windows, dialogs) must not be collected mid-count: freeing
    # objects that point at None lowers its count without any PySide6 fault
    gc.collect()
    gc.disable()
    try:
        before = sys.getrefcount(None)
        for i in range(5000):
            holder.setObjectName(f"o{i % 7}")
            item = QStandardItem()
            item.setText("文字")
            model.appendRow(item)
            QApplication.focusWidget()
        after = sys.getrefcount(None)
    finally:
        gc.enable()
    model.clear()
    edit.close()
    # 20,000 calls; a leaked decref per call would lower the count by thousands
    assert after >= before - 100, f"None lost {before - after} references: PySide6 version {__import__('PySide6').__version__} is affected"
