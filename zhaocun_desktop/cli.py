"""The command line: ``zhaocun-desktop`` (GUI) and ``python -m zhaocun_desktop VERB``.

With no verb the window opens. Verbs call the core and never import Qt.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from zhaocun_desktop import APP_NAME, __version__
from zhaocun_desktop.errors import UserError


class _ChineseHelp(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, prefix="用法：")


_ARGPARSE_MESSAGES = (
    (r"unrecognized arguments: (.*)", r"无法识别的参数：\1（用 --help 查看用法）"),
    (r"the following arguments are required: (.*)", r"缺少必需的参数：\1"),
    (r"argument (\S+): invalid int value: (.*)", r"参数 \1 应为整数，而不是 \2"),
    (r"argument (\S+): expected one argument", r"参数 \1 后面需要一个值"),
    (r"argument (\S+): invalid choice: (.*?) \(choose from (.*)\)", r"参数 \1 的值 \2 无效，可选：\3"),
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        for pattern, chinese in _ARGPARSE_MESSAGES:
            message = re.sub(pattern, chinese, message)
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}：错误：{message}\n")


def _new_parser(verbs=None, name: str | None = None, **kwargs) -> argparse.ArgumentParser:
    """A parser (or sub-parser) whose own texts are Chinese too."""
    kwargs.update(add_help=False, formatter_class=_ChineseHelp)
    if verbs:
        parser = verbs.add_parser(name, prog=f"zhaocun-desktop {name}", **kwargs)
    else:
        parser = _Parser(**kwargs)
    parser._optionals.title = "选项"
    parser.add_argument("-h", "--help", action="help", help="显示本帮助并退出")
    return parser


def _parser() -> argparse.ArgumentParser:
    parser = _new_parser(
        prog="zhaocun-desktop",
        description=f"{APP_NAME}：乡镇司法所四本台账与法治政府建设年度报告。不带子命令时打开程序窗口。",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}", help="显示版本号并退出")
    parser.add_argument("--db", type=Path, help="数据库文件（默认：用户数据文件夹中的 台账.db）")
    parser.add_argument("--demo", action="store_true", help="打开示例数据库（不存在时自动生成，与正式数据分开）")
    verbs = parser.add_subparsers(dest="verb", title="子命令", metavar="子命令", parser_class=_Parser)

    demo = _new_parser(verbs, "demo", help="生成示例数据库并列出写入的记录数", description="生成一个示例年度的数据库（由随机种子确定，可重复）。")
    demo.add_argument("--db", type=Path, required=True, help="要新建的数据库文件（不能已存在）")
    demo.add_argument("--year", type=int, default=2023, help="示例年度（默认 2023）")
    demo.add_argument("--seed", type=int, default=20231231, help="随机种子（默认 20231231）")

    report = _new_parser(verbs, "report", help="生成年度报告（Word 文档）并列出报告自查结果", description="按 GB/T 9704 格式生成《法治政府建设情况的报告》草稿。")
    report.add_argument("--db", type=Path, required=True, help="数据库文件")
    report.add_argument("--year", type=int, help="报告年度（默认：设置中的报告年度）")
    report.add_argument("--out", type=Path, required=True, help="输出的 .docx 文件")

    summary = _new_parser(verbs, "summary", help="生成年度汇总表（Excel）", description="生成与报告数字一致的汇总表，每张表一页，可直接打印。")
    summary.add_argument("--db", type=Path, required=True, help="数据库文件")
    summary.add_argument("--year", type=int, help="年度（默认：设置中的报告年度）")
    summary.add_argument("--out", type=Path, required=True, help="输出的 .xlsx 文件")
    return parser


def _existing_db(path: Path):
    """Open a database that must already exist (a typo must not create an empty one)."""
    from zhaocun_desktop.db import open_db

    if not path.is_file():
        raise UserError(f"找不到数据库文件“{path}”，请检查路径。")
    return open_db(path)


def _run_report(args: argparse.Namespace) -> int:
    from zhaocun_desktop import records
    from zhaocun_desktop.report import build_draft
    from zhaocun_desktop.report_checks import ERROR, run_checks
    from zhaocun_desktop.report_docx import write_docx

    db = _existing_db(args.db)
    try:
        year = args.year or records.settings(db)["report_year"]
        draft = build_draft(db, year)
        write_docx(draft, args.out)
        findings = run_checks(db, draft)
    finally:
        db.close()
    print(f"已生成报告：{args.out}（{draft.title}）")
    errors = sum(f.level == ERROR for f in findings)
    print(f"报告自查：{errors} 个错误，{len(findings) - errors} 个提醒" + ("" if findings else "，未发现问题"))
    for finding in findings:
        print(f"  {finding}")
    return 0


def _run_summary(args: argparse.Namespace) -> int:
    from zhaocun_desktop import records
    from zhaocun_desktop.summary import write_summary

    db = _existing_db(args.db)
    try:
        year = args.year or records.settings(db)["report_year"]
        write_summary(db, year, args.out)
    finally:
        db.close()
    print(f"已生成{year}年度汇总表：{args.out}")
    return 0


def _run_demo(args: argparse.Namespace) -> int:
    from zhaocun_desktop.demo import build_demo

    written = build_demo(args.db, year=args.year, seed=args.seed)
    print(f"已生成示例数据库：{args.db}")
    for title, number in written.items():
        print(f"  {title}：{number} 条")
    print(f"  合计：{sum(written.values())} 条")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of both the GUI and the command-line verbs; returns the exit code."""
    args = _parser().parse_args(argv)
    try:
        verbs = {"demo": _run_demo, "report": _run_report, "summary": _run_summary}
        if args.verb in verbs:
            return verbs[args.verb](args)
        from zhaocun_desktop.gui.app import run_gui  # the only place the core reaches Qt

        return run_gui(db_path=args.db, demo=args.demo)
    except UserError as error:
        print(f"错误：{error}", file=sys.stderr)
        return 2
