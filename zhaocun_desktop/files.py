"""Writing output files safely: to a temporary file beside the target, then one rename.

A crash never leaves half a file, and a target held open by Excel, WPS or Word (locked on
Windows) gives a Chinese message instead of a traceback.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from zhaocun_desktop.errors import UserError


def save_file(write: Callable[[Path], None], path: str | Path, opened_in: str = "Excel 或 WPS") -> Path:
    """Call ``write(temporary_path)``, then move the result to ``path``."""
    path = Path(path)
    temporary = path.with_name(f".{path.stem}.部分写入{path.suffix}")
    try:
        write(temporary)
        os.replace(temporary, path)
    except PermissionError:
        raise UserError(f"无法保存“{path.name}”：文件可能正在 {opened_in} 中打开。请先关闭该文件，或换一个文件名。") from None
    except OSError as error:
        raise UserError(f"无法保存“{path}”：{error.strerror or error}。请检查文件夹是否存在、磁盘是否已满。") from None
    finally:
        if temporary.exists():
            temporary.unlink()
    return path
