"""A believable sample year for a township of 29 villages, built from a seed.

Nothing here is a report figure: the generator draws records with the mix of
types the reference report describes, and every figure is counted from them later.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import TYPE_CHECKING

from zhaocun_desktop import queries, records, settings as township_settings
from zhaocun_desktop.db import open_db
from zhaocun_desktop.mediation import village_short
from zhaocun_desktop.registers import (
    ADVISOR_WORK,
    COMMITTEE,
    DISPUTE_TYPES,
    ENFORCEMENT_CERTIFICATE,
    ENFORCEMENT_STAFF,
    ENFORCEMENT_TRAINING,
    JOINT_MEETING,
    LEGAL_ADVISOR,
    MEDIATION_CASE,
    MEDIATOR,
    PETITION,
    PUBLICITY_EVENT,
    VILLAGE,
    VILLAGE_COMMITTEE,
)
from zhaocun_desktop.values import _ID_CHECK, _ID_WEIGHTS

if TYPE_CHECKING:  # sqlite-utils is imported by db.py when a database opens, not at start-up
    from sqlite_utils import Database

VILLAGES = (
    "赵村村", "中汤村", "上坪村", "下坪村", "东坡村", "西坡村", "南沟村", "北岭村", "石门村", "黄庄村",
    "李沟村", "王湾村", "杨树岭村", "柳树沟村", "大石河村", "小石河村", "桃园村", "枣园村", "松树坪村",
    "红石寨村", "青山村", "白云村", "龙潭村", "马庄村", "张店村", "刘家庄村", "孙岭村", "新店村", "河口村",
)  # fmt: skip
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁宋谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "建国军华伟强磊洋勇艳杰娟涛明超秀兰霞平刚桂英芳玉珍凤梅海燕红丽志宏春花国庆金山保安长青德福"
AREA_CODE = "410423"  # 鲁山县


class SampleMaker:
    """Draws the records of one sample year from a seeded random generator."""

    def __init__(self, year: int, seed: int, villages: tuple[str, ...] = VILLAGES, case_prefix: str = "赵", town: str = ""):
        self.year = year
        self.case_prefix = case_prefix  # 案件编号 （2023）赵人调字第N号: the township's first character
        self.rng = random.Random(seed)
        self.villages = villages
        self.town = town  # names the town committee's mediators ("" for the default 赵村镇 sample)
        self.until: dt.date | None = None  # a demo of today: nothing after this day (fill_recent)

    def name(self) -> str:
        rng = self.rng
        return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))

    def date(self, month: int | None = None) -> dt.date:
        month = month or self.rng.randint(1, 12)
        start = dt.date(self.year, month, 1)
        end = dt.date(self.year + (month == 12), month % 12 + 1, 1)
        return start + dt.timedelta(days=self.rng.randrange((end - start).days))

    def id_number(self) -> str:
        born = dt.date(1950, 1, 1) + dt.timedelta(days=self.rng.randrange(365 * 50))
        body = f"{AREA_CODE}{born:%Y%m%d}{self.rng.randrange(1000):03d}"
        return body + _ID_CHECK[sum(int(d) * w for d, w in zip(body, _ID_WEIGHTS)) % 11]

    def phone(self) -> str:
        return self.rng.choice(("138", "139", "135", "150", "152", "158", "186", "187", "199")) + f"{self.rng.randrange(10**8):08d}"

    # -- registers ---------------------------------------------------------

    def publicity(self) -> list[dict]:
        rng, rows = self.rng, []
        nodes = [
            (3, 8, "3·8妇女节", "妇女", "妇联", "妇女权益保障法宣传"),
            (3, 15, "3·15消费者权益日", "群众", "市场监管所", "消费者权益保护法律咨询"),
            (4, 15, "4·15全民国家安全教育日", "群众", "派出所", "国家安全法宣传"),
            (5, 20, "5月民法典宣传月", "群众", "法律服务所", "民法典进万家"),
            (6, 12, "安全生产月", "企业", "应急管理办", "安全生产法宣传咨询"),
            (6, 26, "6·26国际禁毒日", "青少年学生", "派出所", "禁毒宣传"),
            (12, 4, "12·4国家宪法日", "群众", "派出所、法庭", "宪法宣传日暨全国法治宣传日"),
        ]
        for month, day, occasion, audience, partner, title in nodes:
            for _ in range(rng.choice((1, 1, 2))):
                rows.append(dict(
                    event_date=dt.date(self.year, month, min(day + rng.randint(-2, 2), 28)), title=title,
                    event_type="主题宣传日活动", occasion=occasion, place=rng.choice(self.villages), audience=audience,
                    partners=partner, participants=rng.randint(60, 300), materials=rng.randint(100, 800),
                    leader=self.name(),
                ))  # fmt: skip
        for _ in range(rng.randint(6, 10)):
            rows.append(dict(
                event_date=self.date(rng.choice((3, 4, 5, 9, 10, 11, 12))), title="法治进校园：预防未成年人犯罪讲座",
                event_type="法治进校园", occasion="无", place=rng.choice(self.villages), audience="青少年学生",
                partners="派出所", participants=rng.randint(80, 400), materials=rng.randint(50, 300), leader=self.name(),
            ))  # fmt: skip
        for quarter in (6, 12):
            sat = rng.randint(40, 60)
            rows.append(dict(
                event_date=self.date(quarter), title="机关干部和村两委干部法律知识考试", event_type="学法考试",
                audience=rng.choice(("党员干部", "村两委干部")), participants=sat, passed=sat - rng.randint(0, 3),
                leader=self.name(),
            ))  # fmt: skip
        for month in rng.sample(range(1, 13), 4):
            rows.append(dict(
                event_date=self.date(month), title="党委理论学习中心组集体学法", event_type="中心组学法",
                audience="党员干部", participants=rng.randint(15, 25), leader=self.name(),
            ))  # fmt: skip
        for _ in range(rng.randint(8, 14)):
            kind = rng.choice(("送法进村入户", "法律咨询", "法治讲座"))
            rows.append(dict(
                event_date=self.date(), title={"送法进村入户": "送法进村入户", "法律咨询": "法律咨询进集市", "法治讲座": "村民法治讲座"}[kind],
                event_type=kind, occasion="无", place=rng.choice(self.villages), audience="群众",
                participants=rng.randint(20, 150), materials=rng.randint(0, 300), leader=self.name(),
            ))  # fmt: skip
        for village in rng.sample(self.villages, 2):
            rows.append(dict(event_date=self.date(rng.randint(7, 11)), title=f"{village}民主法治示范村创建推进会",
                             event_type="民主法治村创建", place=village, audience="村两委干部", participants=rng.randint(10, 30)))
        return rows

    def staff(self) -> tuple[list[dict], list[dict]]:
        """Staff and their certificates (one row per certificate; some renewed once)."""
        rng, rows, certificates = self.rng, [], []
        units = ("综合行政执法大队", "党政办", "自然资源所", "应急管理办", "农业服务中心", "市场监管所", "生态环境办")
        for number in range(rng.randint(34, 40)):
            in_post = rng.random() < 0.9
            staff_type = "在编人员" if in_post or rng.random() < 0.5 else rng.choice(("工勤人员", "劳务派遣", "临时聘用"))
            name = self.name()
            row = dict(name=name, unit=rng.choice(units), position=rng.choice(("科员", "队员", "副队长", "主任", "")),
                       in_post=in_post, staff_type=staff_type, phone=self.phone(), training_hours=rng.randint(12, 60),
                       domain=rng.choice(("综合执法", "自然资源", "安全生产", "农业农村")), review=rng.choice(("合格", "合格", "优秀")))
            if in_post and rng.random() < 0.15:
                row["post_from"] = self.date()  # came to the post during the year
            if in_post and staff_type == "在编人员" and rng.random() < 0.88:
                issued = dt.date(self.year - rng.randint(0, 2), rng.randint(1, 12), rng.randint(1, 28))
                certificates.append(dict(holder=name, cert_no=f"豫{41_0423_00 + number:08d}{rng.randrange(100):02d}", cert_type="省政府行政执法证",
                                         issuer="鲁山县人民政府", valid_from=issued, valid_until=issued.replace(year=issued.year + 3)))
            rows.append(row)
        return rows, certificates

    def staff_over(self, last: int, until: dt.date | None = None) -> tuple[list[dict], list[dict]]:
        """Staff and certificates from this year to ``last``: the same people, a few leaving and a few
        joining each year, and every certificate renewed when it runs out while its holder is in post."""
        rng = self.rng
        rows, certificates = self.staff()
        numbers = iter(range(41_0423_00 + 100, 41_0423_00 + 10_000))  # after the first certificates' numbers

        def certificate(holder: str, issued: dt.date) -> dict:
            issued = issued.replace(day=min(issued.day, 28))  # no 29 February three years on
            return dict(holder=holder, cert_no=f"豫{next(numbers):08d}{rng.randrange(100):02d}", cert_type="省政府行政执法证",
                        issuer="鲁山县人民政府", valid_from=issued, valid_until=issued.replace(year=issued.year + 3))

        def day(year: int) -> dt.date:
            return dt.date(year, rng.randint(1, 12), rng.randint(1, 28))

        for year in range(self.year + 1, last + 1):
            for row in rows:  # leaving: transferred or retired (the record stays, with 离岗日期)
                came = row.get("post_from")
                if row["in_post"] and not row.get("post_until") and (came is None or came.year < year) and rng.random() < 0.04:
                    row["post_until"] = day(year)
            for _ in range(rng.choice((0, 1, 1, 2))):  # joining
                name, came = self.name(), day(year)
                rows.append(dict(name=name, unit=rng.choice(("综合行政执法大队", "自然资源所", "应急管理办", "市场监管所")), position="科员",
                                 in_post=True, post_from=came, staff_type="在编人员", phone=self.phone(), training_hours=rng.randint(12, 60),
                                 domain=rng.choice(("综合执法", "自然资源", "安全生产")), review="合格"))  # fmt: skip
                if came.month < 11:
                    certificates.append(certificate(name, came + dt.timedelta(days=rng.randint(20, 50))))
        left = {row["name"]: row.get("post_until") for row in rows}
        end = until or dt.date(last, 12, 31)  # renewed by then: a demo of today has none expired, a few about to
        index = 0
        while index < len(certificates):  # the list grows while it is walked: renewals are renewed too
            held = certificates[index]
            index += 1
            gone = left.get(held["holder"])
            if held["valid_until"] <= end and (gone is None or gone > held["valid_until"]):
                certificates.append(certificate(held["holder"], held["valid_until"] - dt.timedelta(days=rng.randint(0, 30))))
        return rows, certificates

    def training(self) -> list[dict]:
        rng, rows = self.rng, []
        for month in sorted(rng.sample(range(1, 13), 6)):
            rows.append(dict(train_date=self.date(month), content=rng.choice(("行政处罚法专题培训", "行政执法程序规范培训", "执法文书制作培训", "安全生产执法业务培训")),
                             train_type="培训", hours=rng.choice((2, 3, 4)), participants=rng.randint(20, 40)))
        for month in rng.sample(range(3, 12), 3):
            rows.append(dict(train_date=self.date(month), content="执法案卷评查岗位练兵", train_type="岗位练兵", hours=2, participants=rng.randint(10, 30)))
        sat = rng.randint(6, 12)
        rows.append(dict(train_date=self.date(rng.randint(8, 11)), content="行政执法资格考试", train_type="考试", participants=sat, passed=sat - rng.randint(0, 2)))
        return rows

    def advisor(self, advisors: tuple[str, list[str]] | None = None) -> list[dict]:
        """The advisors' work; ``advisors`` (the government's advisor, five village advisors) keeps the same people over years."""
        rng, rows = self.rng, []
        gov, village_advisors = advisors or (self.name(), [self.name() for _ in range(5)])

        def add(work_type: str, total: int, parts: int, government: bool = False, **extra) -> None:
            cuts = sorted(rng.sample(range(1, total), parts - 1)) if parts > 1 else []
            for amount in (b - a for a, b in zip([0, *cuts], [*cuts, total])):
                village = rng.choice(self.villages)
                rows.append(dict(work_date=self.date(), advisor_type="政府法律顾问" if government else "村(居)法律顾问",
                                 advisor=gov if government else village_advisors[self.villages.index(village) % 5],
                                 village=None if government else village, work_type=work_type, quantity=amount, **extra))

        add("合同审查", rng.randint(6, 10), 5, government=True, summary="镇政府合同合法性审查")
        add("依法行政咨询", rng.randint(4, 7), 4, government=True, summary="依法行政法律意见")
        for village in self.villages:  # every village visited, several times
            for _ in range(rng.randint(1, 3)):
                rows.append(dict(work_date=self.date(), advisor_type="村(居)法律顾问", advisor=village_advisors[self.villages.index(village) % 5],
                                 village=village, work_type="走访", quantity=1, people=rng.randint(3, 9), summary="走访群众，了解法律需求"))
        for _ in range(3):
            rows.append(dict(work_date=self.date(), advisor_type="村(居)法律顾问", advisor=rng.choice(village_advisors),
                             village=rng.choice(self.villages), work_type="代理诉讼", quantity=1,
                             result=rng.choice(("胜诉", "胜诉", "胜诉", "调解")), summary="代理村集体民事诉讼"))
        for village in rng.sample(self.villages, min(rng.randint(15, 22), len(self.villages))):  # a small township has fewer than 22
            rows.append(dict(work_date=self.date(), advisor_type="村(居)法律顾问", advisor=village_advisors[self.villages.index(village) % 5],
                             village=village, work_type="村规民约审查修订", quantity=1))
        add("参与纠纷调处", rng.randint(150, 190), 40)
        add("合同(协议)审查", rng.randint(280, 330), 45)
        add("法律咨询解答", rng.randint(120, 160), 50, people=None)
        for row in rows:
            if row["work_type"] == "法律咨询解答":
                row["people"] = row["quantity"] * rng.randint(6, 9)
        add("法治讲座", rng.randint(6, 10), rng.randint(6, 6))
        add("法律援助", 3, 3, summary="法律援助送法进农村")
        add("引导申请法律援助", rng.randint(8, 12), 6)
        return rows

    def cases(self, number_from: int = 1, settle: bool = False) -> list[dict]:
        """The year's cases; with ``settle`` (a past year of a history) a case still open at the year's end
        was taken in during December and closes in the next year."""
        rng, rows = self.rng, []
        weights = (14, 18, 12, 6, 10, 6, 4, 7, 5, 3, 1, 1, 1, 1, 1, 1, 1, 4, 8)  # the last: 土地承包经营, a local type
        numbers: dict[str, int] = {}  # each committee numbers its own cases (mediation.committee)
        for number in range(number_from, number_from + rng.randint(170, 195)):
            village = rng.choice(self.villages)
            accepted = self.date()
            result = rng.choices(("调解成功", "调解不成功", "调解中止", "调解中"), (88, 6, 2, 4))[0]
            if self.until and result == "调解中" and (self.until - accepted).days > 25:
                result = rng.choice(("调解成功", "调解成功", "调解不成功"))  # an office of today has few long-open cases
            carried_over = settle and result == "调解中"
            if carried_over:
                accepted, result = dt.date(self.year, 12, rng.randint(1, 31)), rng.choice(("调解成功", "调解成功", "调解不成功"))
            org = rng.choices(("村调委会", "镇调委会", "其他"), (55, 35, 10))[0]
            series = {"村调委会": village, "镇调委会": "镇"}.get(org)
            case_no = None
            if series:
                numbers[series] = numbers.get(series, 0) + 1
                short = self.case_prefix if org == "镇调委会" else village_short(village)
                case_no = f"（{self.year}）{short}人调字第{numbers[series]}号"
            row = dict(
                case_no=case_no, accepted=accepted, village=village, org=org,
                dispute_type=rng.choices(DISPUTE_TYPES + ("土地承包经营",), weights)[0],
                source=rng.choices(("排查发现", "当事人申请", "移交委托", "其他"), (45, 40, 10, 5))[0],
                people=rng.choice((2, 2, 2, 3, 4, 6)), amount=rng.choice((None, None, rng.randint(5, 500) * 100)),
                mediator=self.mediator(village if org == "村调委会" else None), result=result,
            )  # fmt: skip
            row["mediation_party"] = self._parties(random.Random(f"{self.year}-{number}"), village, self.id_number(), self.phone())
            if carried_over:
                row["closed"] = dt.date(self.year + 1, 1, 1) + dt.timedelta(days=rng.randint(0, 25))
            elif result != "调解中":
                row["closed"] = accepted + dt.timedelta(days=rng.randint(1, 30))
            if self.until and row.get("closed") and row["closed"] > self.until:  # closes after today: still in mediation
                del row["closed"]
                row["result"] = result = "调解中"
            if result == "调解成功":
                row["agreement"] = rng.choice(("书面", "书面", "口头"))
                row["confirmed"] = rng.random() < 0.05 and row["agreement"] == "书面"  # a court confirms a written agreement only
            self._case_life(random.Random(f"{self.year}-{number}-life"), row)
            case_content(random.Random(f"{self.year}-{number}-content"), row)
            rows.append(row)
        return rows

    def mediator(self, village: str | None) -> str:
        """One of the town committee's mediators, or one of the village's (the same people every year)."""
        pool = random.Random(f"mediators-{self.town}{village}")
        names = [pool.choice(SURNAMES) + "".join(pool.choice(GIVEN) for _ in range(2)) for _ in range(6 if village is None else 2)]
        return self.rng.choice(names)

    def _parties(self, rng: random.Random, village: str, id_number: str, phone: str) -> list[dict]:
        """An applicant with full particulars, a respondent, sometimes a third party."""
        occupations = ("农民", "个体经营者", "务工人员", "退休职工", "教师", "村民组长")
        first = dict(role="申请人", name=self.name(), gender="男" if int(id_number[16]) % 2 else "女", ethnicity="汉族",
                     birth_date=f"{id_number[6:10]}-{id_number[10:12]}-{id_number[12:14]}", occupation=rng.choice(occupations),
                     phone=phone, address=f"{village}{rng.randint(1, 9)}组", id_number=id_number)  # fmt: skip
        second = dict(role="被申请人", name=self.name(), gender=rng.choice(("男", "女")), ethnicity=rng.choice(("汉族", "汉族", "回族")),
                      age=rng.randint(25, 75), occupation=rng.choice(occupations), address=f"{village}{rng.randint(1, 9)}组")  # fmt: skip
        parties = [first, second]
        if rng.random() < 0.15:
            parties.append(dict(role="第三人", name=self.name(), gender=rng.choice(("男", "女")), age=rng.randint(25, 75), address=f"{village}"))
        return parties

    def _case_life(self, rng: random.Random, row: dict) -> None:
        """The first 调解 (its day and place), the agreement and its performance, 回访, 司法确认, for the outcome;
        ``case_content`` then writes what was said and agreed."""
        accepted, closed = row["accepted"], row.get("closed")
        first = accepted + dt.timedelta(days=rng.randint(0, 3)) if not closed else min(closed, accepted + dt.timedelta(days=rng.randint(0, 3)))
        place = rng.choice((f"{row['village']}村委会调解室", "镇人民调解委员会调解室", "当事人家中"))
        row["mediation_session"] = [dict(session_date=first, session_place=place)]
        row["difficult"] = rng.random() < 0.05
        if row["result"] == "调解成功":
            row["performance_way"] = rng.choice(("即时履行", "分期履行", "一次性给付"))
            rng.choice((0, 10, 30))  # drawn as before; the 履行期限 follows the 履行方式 (case_content)
            visited = closed + dt.timedelta(days=rng.randint(15, 45))
            if self.until and visited > self.until and (self.until - closed).days >= 20:  # a demo of today: visited on time
                visited = closed + dt.timedelta(days=rng.randint(15, (self.until - closed).days))
            if rng.random() < 0.85 and visited < min(dt.date(self.year + 1, 3, 1), self.until or dt.date.max):
                carried = rng.random() < 0.95
                row["performance"] = "已履行" if carried else "部分履行"
                row["mediation_visit"] = [dict(visit_date=visited, visitor=self.name(), carried_out=carried, satisfied=carried or rng.random() < 0.5,
                                               situation="协议已履行完毕，双方满意，未发现新的矛盾。" if carried else "部分款项尚未给付，已督促履行。")]  # fmt: skip
            if row.get("confirmed"):
                row["confirm_applied"] = rng.randint(1, 20)  # days after the agreement (case_content dates it)
                row["confirm_result"] = "确认有效"
            if rng.random() < 0.03:
                row["prevented_crime"], row["prevented_crime_people"] = True, rng.randint(2, 5)

    def meetings(self) -> list[dict]:
        rng = self.rng
        months = sorted(rng.sample(range(1, 13), rng.randint(9, 12)))
        rows = [dict(meet_date=self.date(month), units="综治办、派出所、法庭、司法所", topic="矛盾纠纷排查化解联席例会",
                     disputes_found=rng.randint(8, 25)) for month in months]
        prevented = random.Random(f"{self.year}-prevented")  # its own draws: the rest of the sample stays as it was
        for row in rows:
            row["disputes_prevented"] = prevented.randint(0, row["disputes_found"] // 3)
        return rows

    def petitions(self, still_open: bool = False) -> list[dict]:
        """The year's petitions; with ``still_open`` those accepted late in the year are still being handled."""
        rng, rows = self.rng, []
        levels = ["本镇"] * rng.randint(18, 30) + ["到县"] * rng.randint(3, 8) + ["到市"] * rng.randint(1, 3) + ["到省"] * rng.randint(0, 2) + ["进京"] * rng.randint(0, 1)
        for level in levels:
            registered = self.date()
            row = dict(reg_date=registered, petitioner=self.name(), village=rng.choice(self.villages),
                       method=rng.choice(("来信", "来访", "来访", "网上")), level=level,
                       visitors=1 if level == "本镇" else rng.choice((1, 1, 2, 3)),
                       matter=rng.choice(("土地承包纠纷", "宅基地边界", "拖欠工资", "邻里矛盾", "低保申请")), status="在办")
            late = rng.random() < 0.05
            if rng.random() < 0.08:
                row.update(extended=True, extension_reason="涉及多个部门，经批准延期")
            done = registered + dt.timedelta(days=75 if late and not row.get("extended") else rng.randint(5, 58))
            if done <= (self.until or (dt.date(self.year, 12, 20) if still_open else dt.date.max)):
                row.update(status="已办结", done_date=done, satisfied=rng.random() < 0.9)
            rows.append(row)
        return rows


# What each kind of dispute is about, for the sample's case files: (what happened, as said at 受理; what the
# applicant asks; the matter in dispute; each side's share, as agreed; what the respondent undertakes).
SCENES: dict[str, tuple[str, str, str, str, str]] = {
    "婚姻家庭": ("因母亲的赡养费用分担问题产生矛盾", "按月承担母亲的赡养费用", "赡养费用的分担", "被申请人作为子女负有赡养义务，应与申请人共同承担母亲的生活费用", "按月承担母亲的生活费用"),
    "邻里": ("因房前排水沟堵塞、雨水流入申请人院内发生争执", "疏通排水沟并赔偿损失", "排水沟的疏通和损失的赔偿", "被申请人堆放杂物堵塞排水沟，对申请人院内积水负主要责任", "清除堆放的杂物，疏通排水沟"),
    "房屋宅基地": ("因两家宅基地之间的界墙位置发生争执", "拆除越界部分的墙体", "界墙的位置", "被申请人新建围墙超出原界址约0.3米，应予退让", "拆除越界部分的墙体，按原界址重建"),
    "合同": ("因农资买卖货款结算发生纠纷", "支付所欠货款", "所欠货款的数额和支付时间", "被申请人购买农资后未按约付清货款，应承担付款责任", "付清所欠货款"),
    "生产经营": ("因合伙经营养殖场的收益分配发生纠纷", "按约定分配养殖收益", "养殖收益的分配", "双方均未按约定记账，对账目不清各负责任", "按约定分配养殖收益"),
    "损害赔偿": ("因被申请人饲养的羊只啃食申请人的麦苗发生纠纷", "赔偿麦苗损失", "损失的数额", "被申请人未看管好牲畜，应赔偿申请人的损失", "赔偿麦苗损失"),
    "山林土地": ("因两家山林地界发生争执", "停止在争议林地砍伐", "林地的四至界限", "双方对地界均有误认，以林权证记载的四至为准", "停止在争议林地砍伐，按林权证记载的四至管护"),
    "征地拆迁": ("因征地补偿款在家庭成员之间的分配发生纠纷", "分给申请人应得的补偿款", "补偿款的分配", "被申请人未经协商独自领取补偿款，应按人口分配", "按人口分给申请人应得的补偿款"),
    "环境污染": ("因被申请人养殖场的粪污排放影响申请人生活发生纠纷", "停止排放并赔偿损失", "排污的处理和损失的赔偿", "被申请人未建设粪污处理设施，应负主要责任", "建设粪污处理设施，停止向沟渠排放"),
    "拖欠农民工工资": ("因被申请人拖欠申请人的务工工资发生纠纷", "支付所欠工资", "所欠工资的数额和支付时间", "被申请人拖欠工资，应及时足额支付", "付清所欠工资"),
    "其他劳动争议": ("因申请人务工期间受伤的误工费用发生纠纷", "支付误工费用", "误工费用的数额", "被申请人作为雇主应承担相应的赔偿责任", "支付误工费用"),
    "旅游": ("因农家乐住宿服务与约定不符发生纠纷", "退还部分住宿费", "退费的数额", "被申请人提供的服务与约定不符，应退还部分费用", "退还部分住宿费"),
    "电子商务": ("因网上购买的农产品质量问题发生纠纷", "退货退款", "退货退款的方式", "被申请人所售货物与描述不符，应予退款", "办理退货退款"),
    "其他消费": ("因购买的电动车质量问题发生纠纷", "更换或退货", "更换还是退货", "被申请人应按约定承担“三包”责任", "为申请人更换电动车"),
    "医疗": ("因在村卫生室输液后出现不良反应发生纠纷", "赔偿医疗费用", "医疗费用的承担", "双方对责任认识不一，经说明后共同承担部分费用", "承担部分医疗费用"),
    "道路交通事故": ("因两车在村道相撞造成车辆损坏发生纠纷", "赔偿车辆维修费用", "维修费用的承担", "被申请人会车时未减速让行，负事故主要责任", "赔偿车辆维修费用"),
    "物业": ("因小区物业费收取和服务质量发生纠纷", "改进服务并减免部分物业费", "物业费的减免", "被申请人服务不到位、申请人欠缴物业费，双方各有责任", "改进保洁服务并减免部分物业费"),
    "其他": ("因村内道路通行问题发生争执", "清除路上堆放的建材", "道路的通行", "被申请人在道路上堆放建材影响通行，应予清除", "清除路上堆放的建材"),
    "土地承包经营": ("因承包地的地界和耕种发生争执", "退还多耕种的承包地", "承包地的地界", "被申请人耕种超出自己承包地的地界，应予退还", "退还多耕种的承包地"),
}
_WAYS = {"即时履行": (0, "当场"), "一次性给付": (10, "于协议签订之日起十日内一次性"), "分期履行": (30, "于协议签订之日起三十日内分两期")}  # 履行期限 after the 协议日期


# Whole on purpose (radon counts 27): every draw from ``rng`` happens here in one fixed order, and the sample's texts,
# names and dates are that order. Steps split out would invite a draw moved, or skipped behind a condition, which
# silently changes every case after it.
def case_content(rng: random.Random, row: dict) -> None:
    """What a case's documents say, drawn from ``rng``: the 受理 summary, the application (when a
    party applied), 调查, each 调解 session's account ending in the case's result, the agreement
    (dated with its last session) and its performance, and the papers filed by hand. Nothing said
    before the mediation states its outcome. Only ``rng`` is drawn from: the sample's figures stay as they were."""

    def name() -> str:
        return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))

    applicant = next(p["name"] for p in row["mediation_party"] if p["role"] == "申请人")
    respondent = next(p["name"] for p in row["mediation_party"] if p["role"] == "被申请人")
    happened, asks, disputed, liability, undertakes = SCENES.get(row["dispute_type"], SCENES["其他"])
    row["summary"] = f"{applicant}与{respondent}{happened}，{applicant}到调委会反映，请求调解。"
    row["registrar"] = name()
    if row["source"] == "当事人申请":
        row["request"] = f"请求调解委员会调解，要求被申请人{asks}。"
        row["facts"] = f"申请人与被申请人系同村村民。双方{happened}，申请人多次与被申请人协商未果，特申请调解。"
    accepted, closed, result = row["accepted"], row.get("closed"), row["result"]
    first = row["mediation_session"][0]
    recorder = name()
    if rng.random() < 0.4:
        row["mediation_inquiry"] = [dict(inquiry_date=accepted, inquiry_place=f"{row['village']}村委会", persons=f"{name()}（村民小组长）",
                                         investigator=row.get("mediator"), recorder=recorder,
                                         content=f"问：你是否了解{applicant}与{respondent}之间的事？\n答：知道，两家{happened}，村里也协调过。")]  # fmt: skip
    first.update(mediators=row.get("mediator"), attendees=rng.choice((f"村委会委员{name()}", "无", f"村民小组长{name()}")), recorder=recorder,
                 notice="告知双方当事人人民调解的性质、原则和当事人的权利义务，双方表示清楚，同意调解。",
                 applicant_says=f"{applicant}称：双方{happened}，要求{respondent}{asks}。",
                 respondent_says=f"{respondent}称：对{applicant}所说的情况基本认可，但对其要求有异议。",
                 verified="调解员查看了现场，向村干部和邻居了解，上述情况属实。")  # fmt: skip
    sessions = [first]
    second = first["session_date"] + dt.timedelta(days=rng.randint(2, 6))
    if result in ("调解不成功", "调解成功") and closed and second <= closed and rng.random() < 0.5:
        sessions.append(dict(session_date=second, session_place=first["session_place"], mediators=row.get("mediator"), attendees=first["attendees"], recorder=recorder,
                             applicant_says=f"{applicant}称：坚持要求{respondent}{asks}。", respondent_says=f"{respondent}称：愿意协商解决。"))  # fmt: skip
    last = sessions[-1]
    if len(sessions) > 1:
        first.update(proposal="建议双方冷静考虑，另行安排调解。", outcome="未达成协议，继续调解")
    if result == "调解成功":
        last.update(proposal=f"调解员依据有关法律规定，建议{respondent}{undertakes}，{applicant}作出适当让步，双方同意。", outcome="达成协议")
        agreed = last["session_date"]
        days, when = _WAYS[row["performance_way"]]
        money = row.get("amount")
        pay = f"{when}给付申请人{money:.0f}元" if money else f"{when.replace('分两期', '').replace('一次性', '')}{undertakes}"
        row.update(agreement_date=agreed, agreement_place=last["session_place"], performance_due=agreed + dt.timedelta(days=days),
                   performance_place=f"{row['village']}村委会", main_facts=f"申请人{applicant}与被申请人{respondent}{happened}。",
                   disputed=disputed, liability=liability,
                   agreement_text=f"一、被申请人{pay}；\n二、双方就本纠纷再无其他争议。")  # fmt: skip
        if row.get("confirm_applied") is not None:
            row["confirm_applied"] = agreed + dt.timedelta(days=row["confirm_applied"])
        if row.get("performance"):
            paid = min(row["performance_due"], row["mediation_visit"][0]["visit_date"])
            if money:
                how = f"被申请人给付申请人{money:.0f}元" if row["performance"] == "已履行" else "被申请人给付申请人部分款项，余款未付"
            else:
                how = f"被申请人已{undertakes}" if row["performance"] == "已履行" else f"被申请人尚未完全{undertakes}"
            row["mediation_performance"] = [dict(performed_on=paid, how=how, proof="收条1张" if money else "回访时现场查看")]
    elif result == "调解不成功":
        last.update(proposal=f"调解员建议{respondent}{undertakes}，{respondent}不同意，双方分歧较大。", outcome="调解不成功，终止调解",
                    notice="双方不能达成协议，终止调解。已告知双方当事人可以依法通过仲裁、行政、司法等途径维护自己的权利。")  # fmt: skip
    elif result == "调解中止":
        last.update(proposal="被申请人外出务工，暂无法到场，调解中止，待其返回后再行调解。", outcome="中止调解")
    else:
        last.update(proposal="建议双方冷静考虑，另行安排调解。", outcome="未达成协议，继续调解")
    row["mediation_session"] = sessions
    papers = [dict(paper="当事人身份证明", pages=len(row["mediation_party"]), description="、".join(p["name"] for p in row["mediation_party"]) + "身份证复印件")]
    if rng.random() < 0.5:
        papers.append(dict(paper="证据材料", pages=rng.randint(1, 3), description="照片、票据"))
    if any(step.get("proof") == "收条1张" for step in row.get("mediation_performance", ())):
        papers.append(dict(paper="履行凭证", pages=1, description="收条"))
    if row.get("confirm_applied"):
        papers += [dict(paper="司法确认申请书", pages=2), dict(paper="司法确认决定书", pages=2, description="人民法院确认调解协议有效")]
    row["mediation_paper"] = papers


def town_villages(seed: int) -> tuple[str, ...]:
    """Believable village names for a township other than 赵村镇, drawn from ``seed``."""
    rng = random.Random(seed)
    stems = "张王李刘陈杨黄周吴徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
    places = ("庄", "营", "店", "寨", "湾", "沟", "岭", "坪", "河", "集", "楼", "屯", "园", "桥", "坡", "岗", "洼", "台")
    names: list[str] = []
    wanted = rng.randint(18, 32)
    while len(names) < wanted:
        name = rng.choice(stems) + rng.choice(places) + ("社区" if rng.random() < 0.08 else "村")
        if village_short(name) not in {village_short(n) for n in names}:  # 邓营村 and 邓营社区 would number their cases alike
            names.append(name)
    return tuple(names)


def build_demo(path: str | Path, year: int = 2023, seed: int = 20231231, town: str | None = None, first_year: int | None = None,
               today: dt.date | None = None) -> dict[str, int]:
    """Create the sample database at ``path`` (which must not exist); returns rows written per register.

    ``first_year``: a history from ``first_year`` to ``year`` (``fill_years``) instead of the sample year
    and a lighter previous year (``fill_demo``); ``today``: the two years before it and this year so far
    (``fill_recent``; ``year`` and ``first_year`` are then not used)."""
    path = Path(path)
    if path.exists():
        from zhaocun_desktop.errors import UserError

        raise UserError(f"“{path}”已存在。示例数据只写入新文件，请换一个文件名或先删除它。")
    if first_year is not None and not 1990 <= first_year <= year <= 2100:
        from zhaocun_desktop.errors import UserError

        raise UserError(f"示例年度范围 {first_year}-{year} 不对：起始年度不能晚于结束年度，年度在 1990 至 2100 之间，例如 --years 2015-2024。")
    db = open_db(path)
    try:
        if today is not None:  # the demo the program opens: up to today (``fill_recent``)
            return fill_recent(db, today, seed, town)
        return fill_demo(db, year, seed, town) if first_year is None else fill_years(db, first_year, year, seed, town)
    finally:
        db.close()


def fill_demo(db: Database, year: int = 2023, seed: int = 20231231, town: str | None = None) -> dict[str, int]:
    """Write a sample of ``year`` (and a lighter previous year) into an empty database.

    ``town``: another township of the same county, with its own villages drawn from ``seed``
    (the default is 赵村镇 and its 29 villages).
    """
    villages = VILLAGES if town is None else town_villages(seed)
    town = town or "赵村镇"
    written, put = _writer(db)
    with db.atomic():
        put(VILLAGE, _village_rows(random.Random(seed), villages, year))
        previous, current = (SampleMaker(year - 1, seed + 1, villages, town[0]), SampleMaker(year, seed, villages, town[0]))
        staff, certificates = current.staff()
        put(ENFORCEMENT_STAFF, staff)
        put(ENFORCEMENT_CERTIFICATE, certificates)
        for maker in (previous, current):
            put(PUBLICITY_EVENT, maker.publicity())
            put(ENFORCEMENT_TRAINING, maker.training())
            put(ADVISOR_WORK, maker.advisor())
            put(MEDIATION_CASE, maker.cases())
            put(JOINT_MEETING, maker.meetings())
            put(PETITION, maker.petitions(still_open=maker is current))
        _put_rosters(db, put, year - 1, year + 1, town)
        township_settings.save_settings(db, dict(town=town, county="鲁山县", office=f"{town}司法所", signer=f"{town}人民政府", report_year=year))
    return written


def fill_recent(db: Database, today: dt.date, seed: int = 20231231, town: str | None = None) -> dict[str, int]:
    """A demo of ``today``: the two years before it and this year up to ``today`` (``fill_years``), with
    what an office has open on such a day (cases taken in over the last weeks, petitions within their
    60 days, certificates renewed when they ran out) and nothing dated after it; 报告年度 is the last
    whole year. The first screen of 总览 is believable on any date (a demo of 2022-2023 opened
    years later showed 48 overdue items and 27 expired certificates)."""
    return fill_years(db, today.year - 2, today.year, seed, town, until=today)


_HAPPENS_WITH = {"confirm_applied": ("confirm_result",)}  # gone with the date
_FUTURE_BY_NATURE = frozenset({"performance_due", "valid_until", "term_end"})  # due dates: after today is what they are


def _up_to(rows: list[dict], until: dt.date | None) -> list[dict]:
    """``rows`` without those whose first date is after ``until``, and without later dates of what has not
    happened yet (a 回访 next week, a 司法确认 applied for tomorrow)."""
    if until is None:
        return rows
    kept = []
    for row in rows:
        dates = [key for key, value in row.items() if isinstance(value, dt.date)]
        if dates and row[dates[0]] > until:
            continue
        for key in dates[1:]:
            if key not in _FUTURE_BY_NATURE and row[key] > until:
                del row[key]
                for dependent in _HAPPENS_WITH.get(key, ()):
                    row.pop(dependent, None)
        for key, value in row.items():
            if isinstance(value, list) and value and isinstance(value[0], dict):
                row[key] = _up_to(value, until)
        kept.append(row)
    return kept


def fill_years(db: Database, first: int, last: int, seed: int = 20231231, town: str | None = None, until: dt.date | None = None) -> dict[str, int]:
    """Write a township's history from ``first`` to ``last`` into an empty database; returns rows per register.

    One continuous office: the same villages, mediators, advisors and staff every year (a few staff
    leave or join, certificates are renewed); case numbers restart each year; a case or petition open
    at the end of a past year closes in the next. The last year is like the sample year (some cases
    and petitions still open). ``town`` and ``seed`` as in ``fill_demo``.
    """
    villages = VILLAGES if town is None else town_villages(seed)
    town = town or "赵村镇"
    written, put = _writer(db)
    with db.atomic():
        put(VILLAGE, _village_rows(random.Random(seed), villages, last))
        # the last year has the sample year's seed, the one before it the lighter previous year's, and so on back
        makers = [SampleMaker(year, seed + last - year, villages, town[0], town) for year in range(first, last + 1)]
        for maker in makers:
            maker.until = until
        staff, certificates = makers[0].staff_over(last, until)
        staff = _up_to(staff, until)
        present = {row["name"] for row in staff}
        put(ENFORCEMENT_STAFF, staff)
        put(ENFORCEMENT_CERTIFICATE, [c for c in _up_to(certificates, until) if c["holder"] in present])
        people = SampleMaker(first, seed - 1, villages)
        advisors = (people.name(), [people.name() for _ in range(5)])
        for maker in makers:
            final = maker.year == last
            put(PUBLICITY_EVENT, _up_to(maker.publicity(), until))
            put(ENFORCEMENT_TRAINING, _up_to(maker.training(), until))
            put(ADVISOR_WORK, _up_to(maker.advisor(advisors), until))
            put(MEDIATION_CASE, _up_to(maker.cases(settle=not final), until))
            put(JOINT_MEETING, _up_to(maker.meetings(), until))
            put(PETITION, _up_to(maker.petitions(still_open=final), until))
        _put_rosters(db, put, first - 1, last + 1, town)
        report_year = last if until is None else last - 1  # a demo of today reports on the last whole year
        township_settings.save_settings(db, dict(town=town, county="鲁山县", office=f"{town}司法所", signer=f"{town}人民政府", report_year=report_year))
    return written


def _writer(db: Database):
    """The rows written per register title, and the function that writes a register's rows and counts them."""
    written: dict[str, int] = {}

    def put(register, rows) -> None:
        records.insert_many(db, register, rows, note="示例数据")
        written[register.title] = written.get(register.title, 0) + len(rows)

    return written, put


def _village_rows(rng: random.Random, villages: tuple[str, ...], year: int) -> list[dict]:
    """The villages, six of them 民主法治示范村 named before ``year``."""
    demo_villages = set(rng.sample(villages, 6))
    return [dict(name=v, demo_village=v in demo_villages, demo_level=rng.choice(("省级", "市级", "县级")) if v in demo_villages else None,
                 demo_year=rng.randint(2016, year) if v in demo_villages else None) for v in villages]  # fmt: skip


def _put_rosters(db: Database, put, term_start: int, term_end: int, town: str = "赵村镇") -> None:
    """The rosters: every 调委会 (one per village, the town's, one for road accidents), everyone who mediated
    a case or advised, as the office would have listed them."""
    villages = [row[0] for row in db.execute("SELECT name FROM village ORDER BY id")]
    industry = f"{town}道路交通事故纠纷人民调解委员会"
    put(COMMITTEE, [dict(name=f"{v}人民调解委员会", kind="居调委会" if v.endswith("社区") else "村调委会", village=v, established=f"{term_start - 5}-01-01")
                    for v in villages] + [dict(name=f"{town}人民调解委员会", kind="镇调委会", established=f"{term_start - 8}-03-01"),
                                          dict(name=industry, kind="行业性专业性调委会", established=f"{term_start}-06-01")])  # fmt: skip
    village = queries.column_sql(MEDIATION_CASE, "village")
    # a village's mediators take its 村调委会 cases; the town's take the 镇调委会 and 其他 ones (SampleMaker.mediator)
    mediators = db.execute(f"SELECT mediator, max(org = ?), min(CASE WHEN org = ? THEN {village} END), min(accepted) "
                           "FROM mediation_case WHERE mediator IS NOT NULL GROUP BY mediator ORDER BY min(id)", [VILLAGE_COMMITTEE] * 2).fetchall()  # fmt: skip
    rows = [dict(name=name, committee=("居调委会" if village.endswith("社区") else "村调委会") if in_village else "镇调委会",
                 village=village if in_village else None, kind="专职" if index % 7 == 0 else "兼职", start=f"{int(first[:4]) - 2}-01-01")
            for index, (name, in_village, village, first) in enumerate(mediators)]  # fmt: skip
    pool = random.Random(f"mediators-{industry}")
    rows += [dict(name=pool.choice(SURNAMES) + "".join(pool.choice(GIVEN) for _ in range(2)), committee="行业性专业性调委会", kind=kind,
                  start=f"{term_start}-06-01", note=industry) for kind in ("专职", "兼职")]  # fmt: skip
    put(MEDIATOR, rows)
    places = queries.column_sql(ADVISOR_WORK, "village")
    advisors = db.execute(f"SELECT advisor, min(advisor_type), group_concat(DISTINCT {places}) FROM advisor_work GROUP BY advisor ORDER BY min(id)").fetchall()
    put(LEGAL_ADVISOR, [dict(name=name, advisor_type=kind, firm="河南鲁山某律师事务所", villages="、".join(sorted(set((places or "").split(",")) - {""}))[:200] or None,
                             term_start=f"{term_start}-01-01", term_end=f"{term_end}-12-31") for name, kind, places in advisors])  # fmt: skip
