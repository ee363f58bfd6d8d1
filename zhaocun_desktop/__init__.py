"""乡镇司法所台账程序：四本台账、Excel 交换与法治政府建设年度报告。

The package root holds the Qt-free core; only ``zhaocun_desktop.gui`` imports Qt.
"""

__version__ = "0.1.0"
APP_NAME = "司法所台账"
