"""The reference year (赵村镇, 2023) as the villages would send it: the program's own templates,
one per village and register, filled with ledger lines that produce the report's figures, then
imported with the ``import`` verb. Every figure the reference report states must come out again.

The ledger is shaped like real village work: the same advisor visits many villages on the same
day with the same head count, 3·15 events run in several villages on the same day, two petitions
arrive on the same day; none of these may be taken for duplicates.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl

from zhaocun_desktop import queries, records, settings as township_settings
from zhaocun_desktop.cli import main
from zhaocun_desktop.db import open_db
from zhaocun_desktop.excel.writing import write_template
from zhaocun_desktop.figures import yearly_figures
from zhaocun_desktop.registers import ADVISOR_WORK, BY_KEY, JOINT_MEETING, MEDIATION_CASE, PETITION, PUBLICITY_EVENT, VILLAGE

VILLAGES = [
    "赵村村", "中汤村", "上汤村", "孙义村", "堂沟村", "西竹园村", "东竹园村", "黄土岭村", "寺沟村", "白草坪村",
    "纸房村", "砚台沟村", "鸡冢村", "瓦屋村", "桃园村", "红石寨村", "关帝庙村", "庙子村", "朱家村", "核桃园村",
    "北沟村", "南坪村", "大庄村", "小庄村", "新庄村", "柳树湾村", "石门村", "龙潭村", "老庄村",
]  # fmt: skip
ADVISORS = ["李明", "王芳", "张伟", "刘洋"]  # four lawyers share the 29 villages

# The figures of section 一 of the reference report (10余 / 300余 / 1000余 made exact).
REFERENCE = {
    "node_events": 12, "school_police_events": 8,
    "gov_contracts": 8, "gov_consultations": 5, "visited_villages": 29, "visit_people": 382, "lawsuits": 3,
    "lawsuits_won": 3, "village_rules": 19, "advisor_disputes": 180, "village_contracts": 305,
    "consultation_people": 1012, "advisor_lectures": 8, "legal_aid_events": 3, "legal_aid_referrals": 10,
    "meetings": 10, "cases": 183, "cases_success": 161, "village_cases": 58, "town_cases": 35,
    "to_beijing": 1, "to_province": 1, "to_city": 2, "petitions": 15,
}  # fmt: skip
REFERENCE_RATES = {"village_success_rate": (58, 58), "town_success_rate": (35, 35), "petition_on_time_rate": (15, 15), "success_rate": (161, 183)}


def reference_ledger() -> dict[tuple[str, str | None], list[dict]]:
    """(register key, village or None for a township sheet) → rows by column label."""
    sheets: dict[tuple[str, str | None], list[dict]] = {}

    def add(register, village, row):
        sheets.setdefault((register.key, village), []).append(row)

    # 法治宣传: node events in several villages on the same day; school lectures with the police
    nodes = [("2023-03-08", "3·8妇女节", "妇女", 2), ("2023-03-15", "3·15消费者权益日", "群众", 3), ("2023-06-16", "安全生产月", "企业", 2),
             ("2023-06-26", "6·26国际禁毒日", "青少年学生", 2), ("2023-12-04", "12·4国家宪法日", "群众", 3)]  # fmt: skip
    village = iter(VILLAGES * 3)
    for day, occasion, audience, times in nodes:
        for _ in range(times):
            add(PUBLICITY_EVENT, next(village), {"活动日期": day, "活动名称/主题": f"{occasion}法治宣传咨询", "活动类型": "法律咨询", "宣传节点": occasion,
                                                "对象": audience, "联合单位": "妇联、市场监管所", "参加人数": 60, "发放资料(份)": 200})  # fmt: skip
    for n, school_village in enumerate(VILLAGES[:8]):
        add(PUBLICITY_EVENT, school_village, {"活动日期": "2023-09-01" if n < 3 else f"2023-10-{n + 10}", "活动名称/主题": "开学第一课法治讲座",
                                              "活动类型": "法治进校园", "宣传节点": "无", "对象": "青少年学生", "联合单位": "派出所", "参加人数": 120})  # fmt: skip
    add(PUBLICITY_EVENT, None, {"活动日期": "2023-11-20", "活动名称/主题": "机关及村干部学法考试", "活动类型": "学法考试", "对象": "党员干部", "参加人数": 86, "合格人数": 84})

    # 法律顾问: government advisor (township sheet)
    for n in range(8):
        add(ADVISOR_WORK, None, {"日期": "2023-05-10" if n < 2 else f"2023-{n + 3:02d}-18", "顾问类别": "政府法律顾问", "顾问姓名": "赵律师",
                                 "工作类型": "合同审查", "数量": 1, "内容摘要": f"审查镇政府第{n + 1}份合同"})  # fmt: skip
    for n in range(5):
        add(ADVISOR_WORK, None, {"日期": f"2023-{n * 2 + 2:02d}-06", "顾问类别": "政府法律顾问", "顾问姓名": "赵律师", "工作类型": "依法行政咨询", "数量": 1})
    # village advisors: the same day, type, quantity and head count in many villages
    for n, name in enumerate(VILLAGES):
        advisor = ADVISORS[n % 4]

        def work(day, kind, quantity, people=None, result=None, summary=None, name=name, advisor=advisor):
            row = {"日期": day, "顾问类别": "村(居)法律顾问", "顾问姓名": advisor, "村(居)": name, "工作类型": kind, "数量": quantity}
            row.update({k: v for k, v in (("服务人次", people), ("结果", result), ("内容摘要", summary)) if v is not None})
            add(ADVISOR_WORK, name, row)

        work("2023-03-10", "走访", 1, people=6)
        work("2023-09-12", "走访", 1, people=7 if n < 24 else 8)
        for k in range(6 if n >= 6 else 7):
            work(f"2023-{k + 2:02d}-25", "参与纠纷调处", 1, summary=f"{name}第{k + 1}起邻里纠纷")
        work("2023-12-20", "合同(协议)审查", 11 if n < 15 else 10)
        for quarter, month in enumerate(("03-31", "06-30", "09-30", "12-29")):
            work(f"2023-{month}", "法律咨询解答", 9 if quarter < 2 or (quarter == 2 and n < 26) else 8)
        if n < 19:
            work("2023-04-20", "村规民约审查修订", 1)
        if n < 3:
            work(f"2023-0{n + 5}-15", "代理诉讼", 1, result="胜诉", summary="代理村集体土地承包合同纠纷")
            work("2023-08-08", "法律援助", 1)
        if n < 8:
            work("2023-12-04" if n < 4 else f"2023-11-0{n}", "法治讲座", 1)
        if n < 5:
            work("2023-07-18", "引导申请法律援助", 1, people=2)

    # 矛盾纠纷调解: 58 by village committees, 35 by the town committee, 90 by others
    types = ["邻里", "婚姻家庭", "房屋宅基地", "土地承包", "合同", "损害赔偿"]
    number = 0

    def case(name, org, result, day):
        nonlocal number
        number += 1
        row = {"案件编号": f"（2023）赵人调字第{number}号", "受理日期": day, "村(居)": name, "调解组织": org, "纠纷类型": types[number % 6],
               "当事人": f"当事人甲{number}与当事人乙{number}", "调解结果": result}  # fmt: skip
        if result != "调解中":
            row["结案日期"] = day
        if result == "调解成功":
            row["协议形式"] = "书面" if number % 3 else "口头"
        add(MEDIATION_CASE, name, row)

    for n, name in enumerate(VILLAGES):
        case(name, "村调委会", "调解成功", "2023-04-11")  # two villages' cases on the same day, same type
        case(name, "村调委会", "调解成功", f"2023-{n % 12 + 1:02d}-{n % 27 + 1:02d}")
        case(name, "镇调委会", "调解成功", "2023-06-05")
    for name in VILLAGES[:6]:
        case(name, "镇调委会", "调解成功", "2023-08-21")
    for k in range(90):
        result = "调解成功" if k < 68 else ("调解不成功" if k < 80 else "调解中")
        case(VILLAGES[k % 29], "其他", result, f"2023-{k % 12 + 1:02d}-{k % 28 + 1:02d}")

    # 信访: two on the same day; the levels the report names
    levels = ["进京", "到省", "到市", "到市", "到县", "到县", "到县"] + ["本镇"] * 8
    for k, level in enumerate(levels):
        day = dt.date(2023, 5, 16) if k in (8, 9) else dt.date(2023, k % 12 + 1, 3)  # two 本镇 petitions, one village, one day
        add(PETITION, VILLAGES[min(k, 8)], {"受理日期": day.isoformat(), "信访人": f"来访群众{k + 1}", "方式": "来访", "层级": level, "事由": "反映土地承包问题",
                                     "状态": "已办结", "办结日期": (day + dt.timedelta(days=20)).isoformat(), "是否满意": "是"})  # fmt: skip
    # 联席例会
    for month in range(1, 11):
        add(JOINT_MEETING, None, {"日期": f"2023-{month:02d}-15", "参加单位": "综治办、派出所、法庭、司法所", "议题": f"{month}月矛盾纠纷排查", "排查纠纷数": 18})
    return sheets


def write_filled_templates(db, folder: Path) -> list[Path]:
    """The program's templates, each filled in as its village (or the office) would."""
    registers = {r.key: r for r in (ADVISOR_WORK, JOINT_MEETING, MEDIATION_CASE, PETITION, PUBLICITY_EVENT)}
    written = []
    for (key, village), rows in reference_ledger().items():
        register = registers[key]
        path = folder / f"{village or '镇'}_{register.title}.xlsx"
        write_template(db, register, path, village)
        book = openpyxl.load_workbook(path)
        sheet = book[register.title]
        column = {str(cell.value).rstrip("*"): cell.column for cell in sheet[1]}
        for number, row in enumerate(rows, start=2):
            for label, value in row.items():
                if label != "村(居)" or village is None:  # the village column comes filled in and locked
                    sheet.cell(number, column[label], value)
        book.save(path)
        written.append(path)
    return written


def test_reference_year_filled_into_templates_gives_every_reference_figure(db_path, tmp_path, capsys):
    db = open_db(db_path)
    township_settings.save_settings(db, dict(town="赵村镇", county="鲁山县", office="赵村镇司法所", signer="赵村镇人民政府", report_year="2023"))
    records.insert_many(db, VILLAGE, [dict(name=name) for name in VILLAGES])
    folder = tmp_path / "村里发回的表"
    folder.mkdir()
    files = write_filled_templates(db, folder)
    db.close()
    status = main(["import", "--db", str(db_path), *map(str, files)])
    output = capsys.readouterr()
    assert status == 0, output.out + output.err
    assert "疑似重复" not in output.out

    db = open_db(db_path)
    figures = yearly_figures(db, 2023)
    got = {key: figures.values[key] for key in REFERENCE}
    got_rates = {key: (figures.values[key].numerator, figures.values[key].denominator) for key in REFERENCE_RATES}
    wrong = {key: (got[key], want) for key, want in REFERENCE.items() if got[key] != want}
    wrong |= {key: (got_rates[key], want) for key, want in REFERENCE_RATES.items() if got_rates[key] != want}
    print(f"reference figures matching: {len(REFERENCE) + len(REFERENCE_RATES) - len(wrong)} of {len(REFERENCE) + len(REFERENCE_RATES)}")
    assert not wrong
    counts = {register.key: queries.count(db, register) for register in (ADVISOR_WORK, JOINT_MEETING, MEDIATION_CASE, PETITION, PUBLICITY_EVENT)}
    assert counts == {key: sum(len(rows) for (k, _), rows in reference_ledger().items() if k == key) for key in counts}  # no line lost
    db.close()
    # the same files again add nothing
    assert main(["import", "--db", str(db_path), *map(str, files)]) == 0
    db = open_db(db_path)
    assert {key: queries.count(db, BY_KEY[key]) for key in counts} == counts
    db.close()
