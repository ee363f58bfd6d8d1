"""The command line: ``zhaocun-desktop`` (GUI) and ``python -m zhaocun_desktop VERB``.

With no verb the window opens. Verbs call the core and never import Qt.
"""

from __future__ import annotations

import argparse
import re
import sqlite3
import sys
from pathlib import Path

from zhaocun_desktop import APP_NAME, __version__, resume_collector
from zhaocun_desktop.errors import UserError, explain, log_error, unexpected_message

# The register descriptions (and the audit's tables) are imported by the verbs that use them: the window's start does not
# wait for them before its first dialog (an encrypted file's login dialog paints first; the window imports them after).


class _ChineseHelp(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, prefix="用法：")

    def _fill_text(self, text, width, indent):
        # each line of a description or epilog wrapped on its own (lists such as exit codes stay lists)
        return "\n".join(super(_ChineseHelp, self)._fill_text(line, width, indent) for line in text.splitlines())


_ARGPARSE_MESSAGES = (
    (r"unrecognized arguments: (.*)", r"无法识别的参数：\1（用 --help 查看用法）"),
    (r"the following arguments are required: (.*)", r"缺少必需的参数：\1"),
    (r"argument (\S+): invalid int value: (.*)", r"参数 \1 应为整数，而不是 \2"),
    (r"argument (\S+): expected one argument", r"参数 \1 后面需要一个值"),
    (r"argument (\S+): (“.*)", r"参数 \1：\2"),
    (r"argument (\S+): invalid choice: (.*?) \(choose from (.*)\)", r"参数 \1 的值 \2 无效，可选：\3"),
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        for pattern, chinese in _ARGPARSE_MESSAGES:
            message = re.sub(pattern, chinese, message)
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}：错误：{message}\n")


def _year(text: str) -> int:
    """A --year: 1950-2099, the years a register's dates may have (``report --year 0`` made the
    settings' year's report without a word; 1900 and 3000 were taken)."""
    from zhaocun_desktop.registers import FIRST_DATE, LAST_DATE

    if not (text.strip().isdigit() and FIRST_DATE.year <= int(text) <= LAST_DATE.year):
        raise argparse.ArgumentTypeError(f"“{text}”不是有效的年度，请写 {FIRST_DATE.year}—{LAST_DATE.year} 之间的年份，如 2023")
    return int(text)


_WRITTEN_AS = {".docx": "Word 文档", ".xlsx": "Excel 工作簿"}


def _output(suffix: str):
    """An --out of one kind: ``report --out x.txt`` wrote a Word document under a name no program opens."""

    def output(text: str) -> Path:
        if Path(text).suffix.lower() != suffix:
            raise argparse.ArgumentTypeError(f"“{text}”应以 {suffix} 结尾（写出的是 {_WRITTEN_AS[suffix]}）")
        return Path(text)

    return output


def _new_parser(verbs=None, name: str | None = None, **kwargs) -> argparse.ArgumentParser:
    """A parser (or sub-parser) whose own texts are Chinese too."""
    kwargs.update(add_help=False, formatter_class=_ChineseHelp)
    if verbs:
        parser = verbs.add_parser(name, prog=f"zhaocun-desktop {name}", **kwargs)
    else:
        parser = _Parser(**kwargs)
    parser._optionals.title = "选项"
    parser._positionals.title = "参数"
    parser.add_argument("-h", "--help", action="help", help="显示本帮助并退出")
    return parser


_WINDOW_FLAGS = ("--demo", "--self-test")


def _opens_window(argv: list[str]) -> bool:
    """True when ``argv`` holds only the window's own options (no verb, no --help): then the verbs'
    parsers need not be built, which is a noticeable part of the window's start-up time."""
    rest = list(argv)
    while rest:
        token = rest.pop(0)
        if token == "--db" and rest:
            rest.pop(0)
        elif not (token.startswith("--db=") or token in _WINDOW_FLAGS):
            return False
    return True


def _parser(verbs: bool = True) -> argparse.ArgumentParser:
    """The command line's parser; without ``verbs`` only the window's options (``verb`` is None)."""
    parser = _new_parser(
        prog="zhaocun-desktop",
        description=f"{APP_NAME}：乡镇司法所四本台账与法治政府建设年度报告。不带子命令时打开程序窗口。",
        epilog="退出码：0 成功；1 部分完成（如有行未导入）；2 未完成，原因已用中文说明（文件有误、磁盘已满、只读、数据库被占用等）；"
        "3 程序错误，详情已写入错误日志。",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}", help="显示版本号并退出")
    parser.add_argument("--db", type=Path, help="数据库文件（默认：用户数据文件夹中的 台账.db）")
    parser.add_argument("--demo", action="store_true", help="打开示例数据库（不存在时自动生成，与正式数据分开）")
    parser.add_argument("--self-test", action="store_true", help="自检：在临时文件夹中建库、写入、备份、恢复、生成文档，成功则退出码为0")
    if not verbs:
        parser.set_defaults(verb=None)
        return parser
    from zhaocun_desktop.audit import audit_tables
    from zhaocun_desktop.registers import REGISTERS

    verbs = parser.add_subparsers(dest="verb", title="子命令", metavar="子命令", parser_class=_Parser)

    demo = _new_parser(verbs, "demo", help="生成示例数据库并列出写入的记录数", description="生成一个示例年度的数据库（由随机种子确定，可重复）。")
    demo.add_argument("--db", type=Path, required=True, help="要新建的数据库文件（不能已存在）")
    demo.add_argument("--year", type=_year, default=2023, help="示例年度（默认 2023）")
    demo.add_argument("--seed", type=int, default=20231231, help="随机种子（默认 20231231）")
    demo.add_argument("--town", help="另一个乡镇的名称（村(居)名单和数字由随机种子决定；默认 赵村镇）")
    demo.add_argument("--today", type=_day, metavar="日期", help="生成到这一天为止的示例（前两个年度和本年度至今，如程序打开的示例），例如 2026-12-07；给出时不用 --year/--years")
    demo.add_argument("--years", metavar="起-止", help="连续多个年度，例如 2015-2024（同一批村(居)、调解员、执法人员，案件逐年编号；给出时不用 --year）")

    report = _new_parser(verbs, "report", help="生成年度报告（Word 文档）并列出报告自查结果", description="按 GB/T 9704 格式生成《法治政府建设情况的报告》草稿。")
    report.add_argument("--db", type=Path, required=True, help="数据库文件")
    report.add_argument("--year", type=_year, help="报告年度（默认：设置中的报告年度）")
    report.add_argument("--out", type=_output(".docx"), required=True, help="输出的 .docx 文件")
    report.add_argument("--seal", choices=("盖章", "不盖章"), help="落款格式：盖章（正式件，默认沿用报告页的选择）或不盖章（草稿、电子件）")

    summary = _new_parser(verbs, "summary", help="生成汇总表（Excel；年度、季度、月份或任意期间）", description="生成与报告数字一致的汇总表，每张表一页，可直接打印。")
    summary.add_argument("--db", type=Path, required=True, help="数据库文件")
    _period_arguments(summary)
    summary.add_argument("--out", type=_output(".xlsx"), required=True, help="输出的 .xlsx 文件")

    package = _new_parser(verbs, "package", help="导出上报数据包（一年的记录、设置、统计数字，供县司法局汇总）", description="导出一个 .zip 数据包：该年度的记录、设置和统计数字，附版本号和 SHA-256 校验清单。默认遮盖身份证号和电话。")
    package.add_argument("--db", type=Path, required=True, help="数据库文件")
    package.add_argument("--year", type=_year, required=True, help="年度，如 2023")
    package.add_argument("--out", type=Path, required=True, help="输出的数据包文件（.zip）")
    package.add_argument("--full", action="store_true", help="包含完整身份证号和电话（会记入操作日志）")

    rollup = _new_parser(verbs, "rollup", help="县级汇总：把各乡镇的上报数据包导入县级汇总数据库，可同时生成全县汇总表", description="同一个数据包导入两次不会重复；同一乡镇同一年度的较新数据包替换较旧的（记入操作日志）；损坏或不是本程序的数据包会说明原因，整批不写入。")
    rollup.add_argument("--db", type=Path, required=True, help="县级汇总数据库文件（不存在时新建；不能是乡镇的台账数据库）")
    rollup.add_argument("packages", nargs="*", type=Path, metavar="数据包", help="乡镇导出的上报数据包（.zip），可以多个")
    rollup.add_argument("--year", type=_year, help="生成汇总表的年度（默认：最新年度）")
    rollup.add_argument("--out", type=_output(".xlsx"), help="全县汇总表（.xlsx）：各乡镇 × 各项数字，含全县合计")
    rollup.add_argument("--accept-new-keys", action="store_true", help="接受首次收到的乡镇签名公钥（先与乡镇电话核对提示中的指纹；记入操作日志）")
    rollup.add_argument("--trust-key", action="append", default=[], metavar="乡镇=指纹", help="确认某乡镇的签名公钥：首次收到，或乡镇换了电脑后公钥改变（重新确认）时，与乡镇电话核对指纹后填写；记入操作日志")
    rollup.add_argument("--other-county", action="append", default=[], metavar="乡镇", help="该乡镇的数据包写的是别的县，但确属本县时填写（记入操作日志）")

    keys = _new_parser(verbs, "keys", help="数据包签名公钥：乡镇的台账数据库导出本镇公钥，县级汇总数据库导出已确认的各乡镇公钥（供书面核对指纹）")
    keys.add_argument("--db", type=Path, required=True, help="乡镇的台账数据库，或县级汇总数据库")
    keys.add_argument("--out", type=Path, help="写入这个文本文件（默认显示在屏幕上）")
    keys.add_argument("--all", action="store_true", help="县级汇总数据库：连同已停用（乡镇换电脑前）的公钥")

    stats = _new_parser(verbs, "stats", help="生成县司法局统计报表（Excel；季度、年度或任意期间）", description="人民调解（15类×结果）、排查预防、普法、法律顾问、行政执法，每张表一页，注明填报单位、统计期间和截止日期。")
    stats.add_argument("--db", type=Path, required=True, help="数据库文件（乡镇台账或县级汇总数据库）")
    stats.add_argument("--township", help="县级汇总数据库：只统计这个乡镇（默认全县）")
    _period_arguments(stats)
    stats.add_argument("--out", type=_output(".xlsx"), required=True, help="输出的 .xlsx 文件")

    due = _new_parser(verbs, "due", help="列出到期和逾期事项（信访、调解、司法确认、执法证）", description="每行一项，最紧急的在前；没有事项时说明。有无到期事项，退出码都是0。")
    due.add_argument("--db", type=Path, required=True, help="数据库文件")
    due.add_argument("--date", type=_date_argument, metavar="日期", help="按这一天计算（默认今天），如 2024-03-25")

    document = _new_parser(verbs, "document", help="打印一件调解案件的文书（Word 文档）", description="由案件记录生成调解文书（A4，可签名盖章）；可选多种，依次排在一个文件中。")
    document.add_argument("--db", type=Path, required=True, help="数据库文件")
    document.add_argument("--case", required=True, help="案件编号（如（2023）赵人调字第12号）或内部编号")
    document.add_argument("--kind", action="append", required=True, help="文书：卷宗封面、申请书、受理登记表、告知书、调查记录、调解记录、协议书、口头协议登记表、回访记录、结案报告表；“卷宗”= 本案全部文书。可重复；不适用于本案的文书不打印并说明原因（退出码 2）")
    document.add_argument("--out", type=_output(".docx"), required=True, help="输出的 .docx 文件")

    names = "、".join(f"{r.key}（{r.title}）" for r in REGISTERS)
    template = _new_parser(verbs, "template", help="生成村(居)填报用的 Excel 模板", description="按台账说明生成填报模板（含下拉选项、格式、填写说明）。")
    template.add_argument("--db", type=Path, help="数据库文件（用于村(居)名单与本镇名称；可省略）")
    template.add_argument("--register", help=f"台账：{names}")
    template.add_argument("--village", help="村(居)名称：该列预先填好并锁定")
    template.add_argument("--all", action="store_true", help="为每个村(居)生成全部模板，写入 --out 指定的文件夹")
    template.add_argument("--out", type=Path, required=True, help="输出的 .xlsx 文件（--all 时为文件夹）")

    importing = _new_parser(
        verbs,
        "import",
        help="导入村(居)报送的 Excel（.xlsx/.xls）",
        description="检查每一行；有效行在一个事务中导入，有问题的行列出原因且不导入。已经导入过的行不会重复导入；"
        "改正有问题的行（或添加缺少的村(居)）后，再导入同一文件只导入还没有导入的行。每个文件单独导入、单独报告结果。",
        epilog="退出码（几个文件时取其中最大的）：\n"
        "  0 全部行已导入（或已在库中）\n"
        "  1 有的行有问题，未导入（只检查时：发现问题）\n"
        "  2 有文件整个无法导入（不是表格、已损坏、无法判断是哪本台账等）",
    )
    importing.add_argument("--db", type=Path, required=True, help="数据库文件")
    importing.add_argument("--register", help=f"台账（省略时按模板标记、工作表名称或表头判断；判断不了时会提示）：{names}。“村(居)”名单只有明确指定 village 时才会导入")
    importing.add_argument("--check", action="store_true", help="只检查，不导入")
    importing.add_argument("--include-duplicates", action="store_true", help="疑似重复的行也导入")
    importing.add_argument("--include-hidden", action="store_true", help="隐藏的行和隐藏的工作表也导入（默认只列出，不导入）")
    importing.add_argument("--other-place", action="append", default=[], metavar="名称",
                           help="村(居)一列中不在本镇村(居)名单上的这个名称确是镇直单位或其他地点：记为“镇直及其他地点”导入（可重复；不加时这些行列为有问题，不导入）")  # fmt: skip
    importing.add_argument("files", nargs="+", type=Path, metavar="文件", help="要导入的 Excel 文件")

    export = _new_parser(verbs, "export", help="把一本台账导出为 Excel", description="导出的表格可直接打印，也可重新导入。身份证号、电话默认遮盖。")
    export.add_argument("--db", type=Path, required=True, help="数据库文件")
    export.add_argument("--register", required=True, help=f"台账：{names}")
    export.add_argument("--year", type=_year, help="只导出该年度")
    export.add_argument("--village", help="只导出该村(居)")
    export.add_argument("--search", default="", help="只导出含这些文字的记录")
    export.add_argument("--full", action="store_true", help="导出完整身份证号和电话（会记入操作日志）")
    export.add_argument("--out", type=_output(".xlsx"), required=True, help="输出的 .xlsx 文件")

    undo = _new_parser(verbs, "undo-import", help="撤销一次导入（删除该批次的全部记录）", description="不带批次号时列出全部导入批次。")
    undo.add_argument("--db", type=Path, required=True, help="数据库文件")
    undo.add_argument("batch", nargs="?", type=int, metavar="批次号", help="要撤销的批次号")

    backup = _new_parser(verbs, "backup", help="备份数据库（经过校验）", description="用 VACUUM INTO 生成备份并校验；默认存到数据库旁的“备份”文件夹。")
    backup.add_argument("--db", type=Path, required=True, help="数据库文件")
    backup.add_argument("--to", type=Path, help="备份到这个文件夹（如U盘）")

    restore = _new_parser(verbs, "restore", help="从备份恢复数据库", description="先检查备份（是本程序的备份、数据表齐全、完好、版本不比本程序新，并且是这个数据库的备份），不合格则拒绝且不改动数据库；"
                               "再把当前数据另做一份备份，用 SQLite 备份接口恢复。数据库已损坏时（无法再备份），把损坏的文件改名保留，再复制备份。")
    restore.add_argument("--db", type=Path, required=True, help="数据库文件")
    restore.add_argument("backup", nargs="?", type=Path, metavar="备份文件", help="要恢复的备份；省略时列出这个数据库的备份")
    restore.add_argument("--force", action="store_true", help="备份看起来是另一个数据库的（文件名、乡镇或示例数据不符）时，仍然恢复")
    restore.epilog = "数据库保持自己的程序密码（恢复不会去掉密码）。备份是用另一个密码加密的时，--password-stdin 的下一行是备份时的密码（或那时的恢复密钥）。"

    tables = "、".join(f"{key}（{title}）" for key, title in audit_tables().items())
    log = _new_parser(verbs, "log", help="查看操作记录（新增、修改、删除、导入、导出）", description="按时间从新到旧列出操作记录；每个改动的字段显示原值和新值（身份证号、电话已遮盖）。")
    log.add_argument("--db", type=Path, required=True, help="数据库文件")
    log.add_argument("--register", help=f"只看这本台账：{tables}")
    log.add_argument("--id", type=int, help="只看这条记录（编号）")
    log.add_argument("--from", dest="date_from", metavar="日期", help="从这天起（如 2023-01-01）")
    log.add_argument("--to", dest="date_to", metavar="日期", help="到这天止（含这天）")
    log.add_argument("--limit", type=int, help="最多列出多少条")

    init = _new_parser(verbs, "init", help="首次设置：本镇信息与村(居)名单（与首次使用向导相同）", description="新建（或打开尚未设置的）数据库，保存本镇信息并添加村(居)名单。")
    init.add_argument("--db", type=Path, required=True, help="数据库文件（不存在时新建）")
    init.add_argument("--town", required=True, help="镇名，如 赵村镇")
    init.add_argument("--county", required=True, help="县名，如 鲁山县")
    init.add_argument("--office", help="司法所名称（默认：镇名+司法所）")
    init.add_argument("--signer", help="落款单位（默认：镇名+人民政府）")
    init.add_argument("--year", type=_year, help="报告年度（默认：上一年）")
    init.add_argument("--villages", type=Path, help="村(居)名单：文本文件每行一个，或 Excel 文件的第一列（可省略，以后在“村(居)”页添加）")

    setting = _new_parser(verbs, "settings", help="查看或修改设置（与“设置”页相同的检查）", description="不带 --set 时列出全部设置。KEY 可以是英文键名或中文名称，如 --set 镇名=赵村镇。")
    setting.add_argument("--db", type=Path, required=True, help="数据库文件")
    setting.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="修改一项设置（可重复）")

    check = _new_parser(verbs, "check", help="检查数据库是否完好、存放位置是否安全", description="运行 quick_check 与 foreign_key_check，并检查存放位置。",
                        epilog="退出码：0 数据库完好（存放位置不安全时也说明）；1 发现问题：记录之间的关联不一致，或不是本程序的数据库；"
                        "2 数据库文件已损坏（与其他命令相同：说明损坏之处，请用 restore 从备份恢复）。")
    check.add_argument("--db", type=Path, required=True, help="数据库文件")

    password = _new_parser(verbs, "password", help="设置、修改或取消程序密码（数据库随之加密或解密）", description="设置密码后数据库文件、备份和完整数据包都加密保存，并显示一次恢复密钥（请打印后锁好）：忘记密码时，在要求输入密码的地方输入恢复密钥即可。"
                           "用 --password-stdin 时，从标准输入依次读取：当前密码（或恢复密钥；未设置密码时没有这一行）、新密码。")
    password.add_argument("--db", type=Path, required=True, help="数据库文件（乡镇台账或县级汇总数据库）")
    what = password.add_mutually_exclusive_group(required=True)
    what.add_argument("--set", action="store_true", help="设置或修改密码（数据库重新加密，旧的未加密备份一并加密）")
    what.add_argument("--remove", action="store_true", help="取消密码（数据库解密；已有的备份保持加密）")
    log.add_argument("--full", action="store_true", help="显示完整的身份证号和电话（需要程序密码，会记入操作记录）")
    for verb in verbs.choices.values():  # every verb that opens a database takes the password the same way
        if "--db" in verb._option_string_actions and "--password-stdin" not in verb._option_string_actions:
            verb.add_argument("--password-stdin", action="store_true", help=PASSWORD_STDIN_HELP)
    return parser


PASSWORD_STDIN_HELP = "设置了程序密码时，从标准输入读取密码或恢复密钥（每行一个；供脚本使用；否则在终端提示输入）"


def _period_arguments(parser: argparse.ArgumentParser) -> None:
    """--year, --quarter, --month, --from/--to: the period a statistics verb covers."""
    parser.add_argument("--year", type=_year, help="年度（默认：设置中的报告年度）")
    parser.add_argument("--quarter", type=int, choices=(1, 2, 3, 4), help="该年度的第几季度")
    parser.add_argument("--month", type=int, choices=range(1, 13), metavar="{1-12}", help="该年度的月份")
    parser.add_argument("--from", dest="start", type=_date_argument, metavar="日期", help="期间开始日期（与 --to 一起用），如 2023-12-26")
    parser.add_argument("--to", dest="end", type=_date_argument, metavar="日期", help="期间结束日期（截止日期，含当天），如 2024-03-25")


def _period(args: argparse.Namespace, db):
    """The period the arguments name; a calendar year by default."""
    from zhaocun_desktop import settings as township_settings
    from zhaocun_desktop.figures import Period

    if args.start or args.end:
        if not (args.start and args.end):
            raise UserError("请同时给出 --from 和 --to（期间的开始和结束日期）。")
        if args.quarter or args.month:
            raise UserError("--from/--to 与 --quarter、--month 只能选一种。")
        return Period(args.start, args.end)
    year = args.year or township_settings.settings(db)["report_year"]
    if args.quarter and args.month:
        raise UserError("--quarter 与 --month 只能选一个。")
    if args.quarter:
        return Period.quarter(year, args.quarter)
    if args.month:
        return Period.month(year, args.month)
    return Period.year(year)


def _date_argument(text: str):
    """A date given on the command line, in any form the clerk types dates."""
    from zhaocun_desktop.values import parse_date

    try:
        day = parse_date(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"“{text}”不是日期：{error}") from None
    if day is None:
        raise argparse.ArgumentTypeError("日期不能为空")
    return day


def _run_stats(args: argparse.Namespace) -> int:
    from zhaocun_desktop.statistics import build_county_tables, write_county_workbook

    db = _existing_db(args.db, allow_county=True)
    try:
        _choose_township(db, args.township)
        period = _period(args, db)
        write_county_workbook(db, period, args.out)
        tables = build_county_tables(db, period)
    finally:
        db.close()
    print(f"已生成统计报表（{period.label}，截止{period.end.year}年{period.end.month}月{period.end.day}日）：{args.out}")
    for table in tables:
        print(f"  {table.title}")
    return 0


def _run_due(args: argparse.Namespace) -> int:
    import datetime as dt

    from zhaocun_desktop.due import due_items, overdue_count

    today = args.date or dt.date.today()
    db = _existing_db(args.db)
    try:
        items = due_items(db, today)
    finally:
        db.close()
    for item in items:
        print(item.line(today))
    if items:
        print(f"共{len(items)}项，其中已逾期{overdue_count(items, today)}项（截至{today.year}年{today.month}月{today.day}日）。")
    else:
        print(f"截至{today.year}年{today.month}月{today.day}日，没有到期或逾期的事项。")
    return 0


def _run_backup(args: argparse.Namespace) -> int:
    from zhaocun_desktop.backup_files import make_backup, rotate

    db = _existing_db(args.db, allow_county=True)  # a county database is backed up like a township's
    try:
        if args.to is not None:  # a whole copy leaves the office (a USB stick): through the door
            _door(db, f"备份到“{args.to}”（完整数据{'，已加密' if _key_known(db) else ''}）")
        made = make_backup(db.conn, args.db, "manual", folder=args.to)
        if args.to is None:
            rotate(args.db)
    finally:
        db.close()
    print(f"已备份（已校验）：{made}")
    return 0


def _run_restore(args: argparse.Namespace) -> int:
    from zhaocun_desktop.backup import OtherDatabaseBackup, restore

    if args.backup is None:
        return _list_backups(args.db)
    if _restore_damaged(args):
        return 0
    db = _existing_db(args.db)
    try:
        _unlock_backup(args.backup, args.db)
        safety = restore(db.conn, args.db, args.backup, force=args.force)
    except OtherDatabaseBackup as error:
        raise UserError(f"{error}如果确实要用它替换，请加 --force 再运行一次（恢复前会把当前数据另存一份）。") from None
    finally:
        db.close()
    print(f"已从“{args.backup.name}”恢复。恢复前的数据已另存为：{safety}")
    return 0


def _unlock_backup(path: Path, db_path: Path) -> None:
    """A backup encrypted under another password than its database's now: that password is asked (the database's
    own is tried first: often the same words, only the salt changed)."""
    from zhaocun_desktop import crypto

    if not path.is_file() or not crypto.is_encrypted(path) or crypto.known_key(path) is not None:
        return
    if "password" in _session:
        try:
            crypto.unlock(path, _session["password"], attempts_of=db_path)
            return
        except crypto.WrongPassword:
            pass
    crypto.unlock(path, _secret("这个备份是用另一个密码加密的，请输入备份时的程序密码（或那时的恢复密钥）："), attempts_of=db_path)


def _restore_damaged(args: argparse.Namespace) -> bool:
    """``restore`` over a damaged database (the case ``check`` sends the clerk here for): it cannot be
    opened nor backed up, so it is set aside (kept) and the backup copied in, as the window does.
    False when the database is sound (then it is restored in place)."""
    from zhaocun_desktop.backup import OtherDatabaseBackup, recover
    from zhaocun_desktop.dbcheck import check_database
    from zhaocun_desktop.files import is_sqlite_file

    if not args.db.is_file():
        raise UserError(f"找不到数据库文件“{args.db}”，请检查路径。")
    from zhaocun_desktop import crypto

    try:
        _key(args.db)  # an encrypted database: its checks read it through its key
    except crypto.WrongPassword:  # a damaged first page reads as a wrong password: the checks below find it unreadable
        pass
    _unlock_backup(args.backup, args.db)
    # damage only: a sound file with a record pointing nowhere is restored in place, after a safety backup
    problems = check_database(args.db, foreign_keys=False)
    if not problems:
        return False
    if args.db.stat().st_size and not is_sqlite_file(args.db) and not args.force:
        raise UserError(f"“{args.db}”不是数据库文件（文件开头没有数据库的标志）：可能 --db 写错了文件，也可能数据库开头已损坏。"
                        "为防止误操作，未做任何改动。请检查 --db；如果确定它就是损坏的台账数据库，请加 --force 再运行一次（它会改名保留，不会删除）。")  # fmt: skip
    try:
        aside = recover(args.db, args.backup, force=args.force)
    except OtherDatabaseBackup as error:
        raise UserError(f"{error}如果确实要用它替换，请加 --force 再运行一次（损坏的数据库会改名保留）。") from None
    print(f"数据库“{args.db.name}”已损坏（{problems[0]}），已从“{args.backup.name}”恢复。")
    print(f"损坏的文件没有删除，已改名保留为：{aside}")
    return True


def _list_backups(path: Path) -> int:
    """``restore`` without a backup: the database's own backups, and how many of others lie beside them."""
    from zhaocun_desktop.backup_files import list_backups, other_backups

    if not path.is_file():
        raise UserError(f"找不到数据库文件“{path}”，请检查路径。")
    _key(path)  # an encrypted database's backups are read (counted) through its key
    backups = list_backups(path)
    print(f"“{path.name}”的备份（最新的在前）：" if backups else f"“{path.name}”还没有备份。")
    for item in backups:
        print(f"  {item.describe()}  {item.path}")
    others = other_backups(path)
    if others:
        names = "、".join(sorted({f"{b.database}.db" for b in others}))
        print(f"（同一文件夹中另有 {len(others)} 个其他数据库（{names}）的备份，未列出。）")
    return 0


def _run_check(args: argparse.Namespace) -> int:
    from zhaocun_desktop.backup import identity_problem
    from zhaocun_desktop.dbcheck import check_database, damaged_message, link_problems, storage_problem

    if not args.db.is_file():
        raise UserError(f"找不到数据库文件“{args.db}”，请检查路径。")
    _key(args.db)  # an encrypted database is checked through its key
    try:
        foreign = identity_problem(args.db)
    except (sqlite3.DatabaseError, UnicodeDecodeError):  # SQLite's message may quote bytes of a damaged page
        foreign = None  # unreadable: quick_check below names the damage
    from zhaocun_desktop.db import is_county_file

    if foreign and not is_county_file(args.db):  # a county database is checked like a township's
        print(f"这不是本程序的数据库：{foreign}。请检查 --db 指定的文件。")
        return 1
    damage = check_database(args.db, foreign_keys=False)
    problems = damage or link_problems(args.db)  # foreign_key_check, in a sound file
    place = storage_problem(args.db)
    for problem in problems:
        print(f"数据库有问题：{problem}")
    if place:
        print(f"存放位置不安全：{place}")
    if damage:  # as every verb says it (exit 2): the file itself is damaged, the way back is a backup
        print(damaged_message(args.db, damage))
        return 2
    if problems:  # records pointing at records no longer there: the file is sound, the clerk should look
        print("请用“restore”从最近的备份恢复（恢复前会自动保留当前文件）。")
        return 1
    print("数据库完好。" + ("" if not place else "（但存放位置不安全，见上）"))
    return 0


def _register(name: str | None):
    from zhaocun_desktop.registers import REGISTERS

    if not name:
        return None
    for register in REGISTERS:
        if name in (register.key, register.title):
            return register
    raise UserError(f"没有名为“{name}”的台账。可用：{'、'.join(f'{r.key}（{r.title}）' for r in REGISTERS)}")


def _run_template(args: argparse.Namespace) -> int:
    from zhaocun_desktop.db import open_db
    from zhaocun_desktop.excel.writing import write_all_templates, write_template

    db = _existing_db(args.db) if args.db else open_db(":memory:")
    try:
        if args.all:
            written = write_all_templates(db, args.out)
            print(f"已在“{args.out}”生成 {len(written)} 个模板。")
            return 0
        register = _register(args.register)
        if register is None:
            raise UserError("请用 --register 指定台账，或用 --all 生成全部模板。")
        write_template(db, register, args.out, args.village)
        print(f"已生成模板：{args.out}")
        return 0
    finally:
        db.close()


def _run_import(args: argparse.Namespace) -> int:
    """Each file on its own: 0 all its rows in, 1 some rows refused, 2 the file refused; the worst counts."""
    from zhaocun_desktop.excel.importing import commit_import, preview_import

    db = _existing_db(args.db)
    status = 0
    try:
        register = _register(args.register)
        for path in args.files:
            try:
                preview = preview_import(db, path, register, include_hidden=args.include_hidden, other_places=args.other_place)
                print(preview.summary())
                for note in preview.notes:
                    print(f"  说明：{note}")
                for problem in preview.problems:
                    print(f"  {problem}")
                repeats = [row for row in preview.valid_rows if row.duplicate_of]
                for row in repeats[:20]:
                    taken = args.include_duplicates and row.repeatable and not preview.already_imported
                    print(f"  第{row.excel_row}行：{'疑似重复' if row.repeatable else '重复'}，{row.duplicate_of}" + ("（仍将导入）" if taken else "（不导入）"))
                if len(repeats) > 20:
                    print(f"  ……另有 {len(repeats) - 20} 行重复，不一一列出")
                if preview.already_imported:
                    print(f"  {preview.already_imported}")
                if preview.problems:
                    status = max(status, 1)
                if args.check:
                    continue
                result = commit_import(db, preview, include_duplicates=args.include_duplicates)
                print(f"  {result['message']}" + (f"（批次号 {result['batch_id']}，可用 undo-import 撤销）" if result["batch_id"] else ""))
            except UserError as error:  # this file is refused; the next ones still get their turn
                print(f"错误：{error}", file=sys.stderr)
                status = 2
    finally:
        db.close()
    return status


def _run_export(args: argparse.Namespace) -> int:
    from zhaocun_desktop.excel.writing import write_export
    from zhaocun_desktop.queries import RecordQuery

    db = _existing_db(args.db)
    try:
        register = _register(args.register)
        if args.full:  # every register: a 事由 or 备注 may hold an ID number even where no field is one
            _door(db, f"导出{register.title}完整信息（含身份证号、电话）：{args.out.name}", register.key)
        count = write_export(db, register, args.out, RecordQuery(search=args.search, year=args.year, village=args.village), reveal=args.full)
    finally:
        db.close()
    print(f"已导出{register.title} {count} 条：{args.out}" + ("（含完整个人信息，请妥善保管）" if args.full else ""))
    return 0


_session: dict = {}  # this run's arguments and the lines read from standard input (a password is read once)


def _secret(prompt: str = "请输入程序密码（或恢复密钥）：") -> str:
    """The next password line: from standard input with --password-stdin, else typed at a terminal; a script
    without either is refused (getpass would read its input, or fail)."""
    args = _session.get("args")
    if args is not None and getattr(args, "password_stdin", False):
        line = sys.stdin.readline()
        if not line:
            raise UserError("--password-stdin：标准输入中没有（更多）密码。请每行给出一个密码。未做任何操作。")
        return line.rstrip("\r\n")
    if not sys.stdin or not sys.stdin.isatty():
        raise UserError("已设置程序密码，需要输入密码：请在终端中运行并输入密码，或加 --password-stdin 从标准输入给出密码。未做任何操作。")
    import getpass

    return getpass.getpass(prompt)


def _password() -> str:
    """The program password (or recovery key) of this run, read once."""
    if "password" not in _session:
        _session["password"] = _secret()
    return _session["password"]


def _key(path: Path):
    """The key of an encrypted database file (the password asked once); None for a plain file."""
    from zhaocun_desktop import crypto

    if not crypto.is_encrypted(path):
        return None
    return crypto.unlock(path, _password())


def _door(db, what: str, table: str = "setting") -> None:
    """Full personal data only through the one door (privacy.reveal): the password when one is set, an 操作记录 entry."""
    from zhaocun_desktop import privacy, security

    privacy.reveal(db, what, _password() if security.has_password(db) else None, table)


def _date_option(text: str | None, name: str):
    if not text:
        return None
    from zhaocun_desktop.values import parse_date

    try:
        value = parse_date(text)
    except ValueError:
        value = None
    if value is None:
        raise UserError(f"{name} 的日期“{text}”无法识别，请写成 2023-01-31。")
    return value


def _run_log(args: argparse.Namespace) -> int:
    from zhaocun_desktop.audit import audit_count, audit_entries, audit_table_key

    table = audit_table_key(args.register) if args.register else None
    date_from, date_to = _date_option(args.date_from, "--from"), _date_option(args.date_to, "--to")
    db = _existing_db(args.db)
    try:
        if args.full:
            _door(db, "查看完整的操作记录（含身份证号、电话）")
        entries = audit_entries(db, table, args.id, date_from, date_to, args.limit, reveal=args.full)
        total = audit_count(db, table, args.id, date_from, date_to)
    finally:
        db.close()
    if not entries:
        print("没有符合条件的操作记录。")
        return 0
    for entry in entries:
        print("\n".join(entry.lines()))
    print(f"共 {total} 条操作记录" + (f"，列出最近 {len(entries)} 条。" if total > len(entries) else "。"))
    return 0


def _run_init(args: argparse.Namespace) -> int:
    from zhaocun_desktop import settings as township_settings
    from zhaocun_desktop.db import open_db
    from zhaocun_desktop.township import needs_first_run, set_up_township, village_names_from_file, with_default_names

    villages = village_names_from_file(args.villages) if args.villages else []  # read before the database is created
    values = with_default_names(dict(town=args.town, county=args.county, office=args.office, signer=args.signer))
    if args.year:
        values["report_year"] = args.year
    _refuse_empty(args.db)
    key = _key(args.db) if args.db.is_file() else None
    _refuse_damaged(args.db)
    db = open_db(args.db, on_busy=_tell, upgrade_with=_say_then_upgrade, key=key)
    try:
        if not needs_first_run(db):
            raise UserError(f"“{args.db}”已经设置过（镇名：{township_settings.settings(db).get('town') or '未填'}）。请用 settings 修改设置，在程序的“村(居)”页增减村(居)。")
        added = set_up_township(db, values, villages)
        saved = township_settings.settings(db)
    finally:
        db.close()
    print(f"已设置：{saved['town']}（{saved['county']}），{saved['office']}，落款 {saved['signer']}，报告年度 {saved['report_year']}。")
    if villages:
        print(f"已添加 {added} 个村(居)：{'、'.join(villages)}")
    else:
        print("未提供村(居)名单：可在程序的“村(居)”页添加，或导入村(居)名单。")
    return 0


def _setting_key(name: str) -> str:
    from zhaocun_desktop.registers import SETTINGS

    for field in SETTINGS.fields:
        if name.strip() in (field.key, field.label):
            return field.key
    raise UserError(f"没有名为“{name}”的设置。可用：{'、'.join(f'{f.key}（{f.label}）' for f in SETTINGS.fields)}")


def _run_settings(args: argparse.Namespace) -> int:
    from zhaocun_desktop import settings as township_settings

    changes = {}
    for item in args.set:
        if "=" not in item:
            raise UserError(f"“{item}”的写法不对，应写成 KEY=VALUE，如 --set 镇名=赵村镇。")
        name, value = item.split("=", 1)
        changes[_setting_key(name)] = value
    db = _existing_db(args.db)
    try:
        current = township_settings.save_settings(db, changes) if changes else township_settings.settings(db)
    finally:
        db.close()
    if changes:
        print(f"已保存 {len(changes)} 项设置。")
    from zhaocun_desktop.registers import SETTINGS

    for field in SETTINGS.fields:
        print(f"{field.label}（{field.key}）：{current.get(field.key) if current.get(field.key) not in (None, '') else '（未填）'}")
    return 0


def _run_undo(args: argparse.Namespace) -> int:
    from zhaocun_desktop.excel.importing import batches, undo_batch

    db = _existing_db(args.db)
    try:
        if args.batch is None:
            for batch in batches(db):
                state = f"已撤销于 {batch['undone_at']}" if batch["undone_at"] else f"导入 {batch['rows_imported']} 条"
                print(f"{batch['id']:>4}  {batch['imported_at']}  {batch['file_name']}  {batch['register']}  {state}")
            return 0
        deleted = undo_batch(db, args.batch)
    finally:
        db.close()
    print(f"已撤销批次 {args.batch}：删除 {deleted} 条记录。")
    return 0


def _existing_db(path: Path, allow_county: bool = False):
    """Open a database that must already exist (a typo must not create an empty one); a county
    database only for the verbs that read one (``allow_county``), refused by every other."""
    from zhaocun_desktop import crypto
    from zhaocun_desktop.db import is_county_file, open_db

    crypto.finish_interrupted(path)  # a password change a power cut stopped
    if not path.is_file():
        raise UserError(f"找不到数据库文件“{path}”，请检查路径。")
    _refuse_empty(path)
    key = _key(path)
    _refuse_damaged(path)  # (an encrypted file through the key just given)
    if allow_county and is_county_file(path, key):
        from zhaocun_desktop.county import rollup

        return rollup.open_county(path, upgrade_with=_say_then_upgrade, key=key)
    return open_db(path, on_busy=_tell, upgrade_with=_say_then_upgrade, key=key)


def _key_known(db) -> bool:
    from zhaocun_desktop.db import key_of

    return key_of(db) is not None


def _refuse_empty(path: Path) -> None:
    """A 0-byte file is not taken for a new database (SQLite would quietly make it one): it is usually
    a ledger whose copy was interrupted, and its backups are what the clerk needs."""
    from zhaocun_desktop.dbcheck import EMPTY_FILE

    if path.is_file() and path.stat().st_size == 0:
        raise UserError(f"数据库文件“{path}”是{EMPTY_FILE}，里面没有任何数据。为防止把它当成新的空台账，未做任何改动。"
                        f"请用 restore --db “{path}” 列出这个数据库的备份并恢复；如果它确实是刚建的空文件，请删除它后再运行。")  # fmt: skip


def _refuse_damaged(path: Path) -> None:
    """A damaged database is named before a verb touches it, with the way back (the check the window
    makes when it starts). A file that is no SQLite file at all is left to ``open_db`` to name."""
    from zhaocun_desktop import crypto
    from zhaocun_desktop.dbcheck import damage_found, damaged_message
    from zhaocun_desktop.files import is_sqlite_file

    problems = damage_found(path) if path.is_file() and (is_sqlite_file(path) or crypto.is_encrypted(path)) else []
    if problems:
        raise UserError(damaged_message(path, problems))


def _damage_named(args: argparse.Namespace, error: BaseException) -> str | None:
    """For an error SQLite raised while a verb ran (or its message, quoting bytes of a damaged page, could
    not be decoded): the damage named, when the database is damaged; else None."""
    path = getattr(args, "db", None)
    if not isinstance(error, (sqlite3.DatabaseError, UnicodeDecodeError)) or not isinstance(path, Path) or not path.is_file():
        return None
    from zhaocun_desktop.dbcheck import damage_found, damaged_message

    problems = damage_found(path)
    if not problems and isinstance(error, sqlite3.DatabaseError) and "decode" in str(error).lower():
        problems = ["有记录的文字已损坏，无法读取"]  # a record's text whose bytes are no longer UTF-8
    return damaged_message(path, problems) if problems else None


def _choose_township(db, name: str | None) -> None:
    """--township: in a county database, every query then sees that township only."""
    from zhaocun_desktop import county_scope
    from zhaocun_desktop.county import rollup

    if not rollup.is_county(db):
        if name:
            raise UserError("--township 只用于县级汇总数据库；乡镇的台账数据库本身就是一个乡镇，请去掉 --township。")
        return
    county_scope.set_scope(db, county_scope.township_id(db, name) if name else None)


def _tell(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _say_then_upgrade(text: str, work) -> None:
    """The first open by a newer program (``db.open_db(upgrade_with=...)``): it can take a while, so say so."""
    _tell(text.replace("\n", ""))
    work(None)


def _run_report(args: argparse.Namespace) -> int:
    from zhaocun_desktop import settings as township_settings
    from zhaocun_desktop.report import SEAL_KEY, build_draft, load_texts
    from zhaocun_desktop.report_checks import ERROR, run_checks
    from zhaocun_desktop.report_docx import write_docx

    db = _existing_db(args.db)
    try:
        year = args.year or township_settings.settings(db)["report_year"]
        texts = load_texts(db, year)
        if args.seal:
            texts[SEAL_KEY] = args.seal
        draft = build_draft(db, year, texts)
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


def _run_package(args: argparse.Namespace) -> int:
    from zhaocun_desktop.package import write_package

    db = _existing_db(args.db)
    try:
        seal = None
        if args.full:
            _door(db, f"导出{args.year}年上报数据包（含完整身份证号、电话）：{args.out.name}", "package")
            if _key_known(db):  # a full package of an encrypted database leaves the office encrypted
                from zhaocun_desktop.security import check_new_password

                seal = _secret("请输入数据包密码（另行告诉县司法局，导入时需要）：")
                check_new_password(seal)
        write_package(db, args.year, args.out, reveal=args.full, seal_with=seal)
    finally:
        db.close()
    print(f"已导出{args.year}年上报数据包：{args.out}（{'含完整个人信息，请妥善保管' if args.full else '身份证号、电话已遮盖'}）")
    return 0


def _run_rollup(args: argparse.Namespace) -> int:
    from zhaocun_desktop.county import figures as county_figures, rollup, summary as county_summary

    consent = rollup.Consent(new_keys=args.accept_new_keys, other_county=set(args.other_county))
    for item in args.trust_key:
        township, _, fingerprint = item.partition("=")
        if not township.strip() or not fingerprint.strip():
            raise UserError(f"--trust-key “{item}”的写法不对，应写成 乡镇=指纹，如 --trust-key 中汤镇=3F2A-91C0-7B44-E1D8-0C55。")
        consent.keys[township.strip()] = fingerprint
    _refuse_empty(args.db)
    db = rollup.open_county(args.db, upgrade_with=_say_then_upgrade, key=_key(args.db) if args.db.is_file() else None)
    from zhaocun_desktop import crypto

    for path in args.packages:  # a sealed full package: the password its township gave, one line each
        if path.is_file() and crypto.is_encrypted(path) and crypto.known_key(path) is None:
            crypto.unlock(path, _secret(f"“{path.name}”是加密的数据包，请输入它的数据包密码："))
    try:
        try:
            outcomes = rollup.roll_up(db, args.packages, consent=consent) if args.packages else []
        except rollup.NeedsConsent as error:
            flags = {"new_key": "--accept-new-keys（或 --trust-key 乡镇=指纹）", "changed_key": "--trust-key 乡镇=新指纹",
                     "other_county": "--other-county 乡镇"}  # fmt: skip
            wanted = "、".join(dict.fromkeys(flags[question.kind] for question in error.questions))
            raise UserError(f"{error}\n核对无误后，加上 {wanted} 再运行一次。") from None
        if outcomes:
            print(rollup.describe(outcomes))
        if args.out:
            year = args.year or next(iter(county_figures.years(db)), None)
            if year is None:
                raise UserError("县级汇总数据库中还没有任何数据包，无法生成汇总表。")
            county_summary.write_county_summary(db, year, args.out)
            print(f"已生成{year}年全县汇总表（{len(county_figures.townships(db, year))}个乡镇，含全县统计报表）：{args.out}")
    finally:
        db.close()
    return 0


def _run_keys(args: argparse.Namespace) -> int:
    from zhaocun_desktop import settings as township_settings, signing
    from zhaocun_desktop.county import rollup
    from zhaocun_desktop.files import save_file

    db = _existing_db(args.db, allow_county=True)
    try:
        if rollup.is_county(db):
            text = signing.pins_text(rollup.county_name(db), signing.pins(db, current_only=not args.all))
        else:
            settings = township_settings.settings(db)
            with db.atomic():
                public = signing.ensure_key(db)
            text = signing.public_key_text(settings.get("town") or "镇名未填", settings.get("county") or "", public)
    finally:
        db.close()
    if args.out:
        save_file(lambda target: target.write_text(text, encoding="utf-8"), args.out, opened_in="其他程序")
        print(f"已写入：{args.out}")
    else:
        print(text, end="")
    return 0


def _run_document(args: argparse.Namespace) -> int:
    from zhaocun_desktop.documents import BY_KIND, build_case_documents, find_case
    from zhaocun_desktop.report_docx import write_docx

    db = _existing_db(args.db)
    try:
        case = find_case(db, args.case)
        _door(db, f"生成调解文书（{'、'.join(args.kind)}，含完整身份证号、电话）：{args.case}", "mediation_case")
        document = build_case_documents(db, case, args.kind)
        write_docx(document, args.out)
    finally:
        db.close()
    print(f"已生成：{args.out}（{'、'.join(BY_KIND[kind].title for kind in dict.fromkeys(document.kinds))}）")
    for problem in document.problems:  # what a reviewer would send back: the file is written, the clerk told
        print(f"请注意：{problem}", file=sys.stderr)
    return 0


def _run_summary(args: argparse.Namespace) -> int:
    from zhaocun_desktop.summary import period_name, write_summary

    db = _existing_db(args.db)
    try:
        period = _period(args, db)
        write_summary(db, period, args.out)
    finally:
        db.close()
    print(f"已生成{period_name(period)}汇总表：{args.out}")
    return 0


def _run_password(args: argparse.Namespace) -> int:
    """Set, change or remove the program password: the file is re-encrypted; the recovery key is shown once."""
    from zhaocun_desktop import encryption, security

    db = _existing_db(args.db, allow_county=True)  # a county database has its own password too
    try:
        if security.has_password(db) and not security.check_password(db, _password()):
            raise UserError("当前密码（或恢复密钥）不对，密码未改动。")
        if args.remove:
            encryption.remove_password(db)
            print("已取消程序密码，数据库已解密。以前的备份仍用原来的密码加密，恢复时需要那时的密码或恢复密钥。")
            return 0
        new = _secret("请输入新密码：")
        if not getattr(args, "password_stdin", False) and _secret("请再输入一遍新密码：") != new:
            raise UserError("两次输入的新密码不一样，密码未改动。")
        recovery = encryption.set_password(db, new)
    finally:
        db.close()
    print("已设置程序密码：数据库文件、它的备份和完整数据包都已加密。")
    print(f"恢复密钥（只显示这一次，请打印或抄写后锁好；忘记密码时在要求输入密码的地方输入它）：\n  {recovery}")
    return 0


def _day(text: str):
    """A --today date in any form a clerk types (2026-12-07, 20261207, 2026年12月7日)."""
    from zhaocun_desktop.values import parse_date

    try:
        day = parse_date(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    if day is None:
        raise argparse.ArgumentTypeError("请写一个日期，例如 2026-12-07")
    return day


def _run_demo(args: argparse.Namespace) -> int:
    from zhaocun_desktop.demo import build_demo

    first, year = None, args.year
    if args.years:
        match = re.fullmatch(r"\s*(\d{4})\s*(?:[-－—~至到]\s*(\d{4}))?\s*", args.years)
        if not match:
            raise UserError(f"--years “{args.years}”不是年度范围：请写成 起始年度-结束年度，例如 2015-2024。")
        first, year = int(match[1]), int(match[2] or match[1])
    written = build_demo(args.db, year=year, seed=args.seed, town=args.town, first_year=first, today=args.today)
    print(f"已生成示例数据库：{args.db}")
    for title, number in written.items():
        print(f"  {title}：{number} 条")
    print(f"  合计：{sum(written.values())} 条")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of both the GUI and the command-line verbs; returns the exit code."""
    argv = sys.argv[1:] if argv is None else argv
    window = _opens_window(argv)
    if not window:
        resume_collector()  # the window turns it on after its first screen
    args = _parser(verbs=not window).parse_args(argv)
    _session.clear()
    _session["args"] = args
    try:
        if args.self_test:
            from zhaocun_desktop.selftest import run_self_test

            resume_collector()

            return run_self_test()
        verbs = {
            "backup": _run_backup,
            "restore": _run_restore,
            "check": _run_check,
            "demo": _run_demo,
            "due": _run_due,
            "document": _run_document,
            "stats": _run_stats,
            "report": _run_report,
            "summary": _run_summary,
            "package": _run_package,
            "rollup": _run_rollup,
            "keys": _run_keys,
            "template": _run_template,
            "import": _run_import,
            "export": _run_export,
            "undo-import": _run_undo,
            "log": _run_log,
            "init": _run_init,
            "settings": _run_settings,
            "password": _run_password,
        }
        if args.verb in verbs:
            return verbs[args.verb](args)
        from zhaocun_desktop.gui.app import run_gui  # the only place the core reaches Qt

        return run_gui(db_path=args.db, demo=args.demo)
    except UserError as error:
        print(f"错误：{error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    except Exception as error:  # noqa: BLE001 (the one error boundary of the command line: no traceback for the clerk)
        log = log_error(error)
        message = _damage_named(args, error) or explain(error)
        if message:
            print(f"错误：{message}", file=sys.stderr)
            return 2
        print(f"错误：{unexpected_message(log)}", file=sys.stderr)
        return 3
