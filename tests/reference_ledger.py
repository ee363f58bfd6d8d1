"""The 2023 ledger behind the reference report (/work/shared/reference/000_…): its records give
exactly the figures the office wrote, so the regenerated report can be compared with it.

The reference text itself, pasted part by part the way a clerk would, is ``REFERENCE_TEXTS``.
"""

from report_data import case

from zhaocun_desktop import records, settings as township_settings
from zhaocun_desktop.registers import (
    ADVISOR_WORK,
    ENFORCEMENT_STAFF,
    JOINT_MEETING,
    MEDIATION_CASE,
    PETITION,
    PUBLICITY_EVENT,
    VILLAGE,
)

SETTINGS = dict(town="赵村镇", county="鲁山县", office="赵村镇司法所", signer="赵村镇人民政府", report_year="2023")
VILLAGES = [f"第{n}村" for n in range(1, 30)]  # 29 administrative villages


def fill_reference_ledger(db) -> None:
    """Records whose 2023 figures are those of the reference report."""
    township_settings.save_settings(db, SETTINGS)
    records.insert_many(db, VILLAGE, [dict(name=name) for name in VILLAGES])
    nodes = [("2023-03-08", "3·8妇女节"), ("2023-03-15", "3·15消费者权益日"), ("2023-06-10", "安全生产月"),
             ("2023-06-26", "6·26国际禁毒日"), ("2023-12-04", "12·4国家宪法日")]  # fmt: skip
    events = [dict(event_date=day, title="节点宣传", event_type="主题宣传日活动", occasion=occasion, participants=100) for day, occasion in nodes]
    events += [dict(event_date=f"2023-{m:02d}-05", title="法律咨询进集市", event_type="法律咨询", occasion="无", participants=50) for m in range(1, 8)]
    events += [dict(event_date=f"2023-{m:02d}-12", title="校园讲座", event_type="法治进校园", partners="派出所", participants=300) for m in range(3, 11)]
    events += [dict(event_date="2023-06-20", title="干部学法考试", event_type="学法考试", participants=96, passed=93)]
    events += [dict(event_date="2023-05-20", title="民主法治村创建", event_type="民主法治村创建", place=VILLAGES[0])]
    records.insert_many(db, PUBLICITY_EVENT, events)

    work = []

    def add(work_type, quantity, advisor_type="村(居)法律顾问", village=None, **extra):
        work.append(dict(work_date="2023-05-01", advisor_type=advisor_type, advisor="王律师", village=village, work_type=work_type, quantity=quantity, **extra))

    add("合同审查", 5, "政府法律顾问")
    add("合同审查", 3, "政府法律顾问")
    add("依法行政咨询", 5, "政府法律顾问")
    for index, village in enumerate(VILLAGES):  # 29 villages, 382 people
        add("走访", 1, village=village, people=14 if index < 5 else 13)
    add("代理诉讼", 3, village=VILLAGES[1], result="胜诉")
    add("村规民约审查修订", 19, village=VILLAGES[2])
    add("参与纠纷调处", 180, village=VILLAGES[3])
    add("合同(协议)审查", 306, village=VILLAGES[4])
    add("法律咨询解答", 1, village=VILLAGES[5], people=1024)
    add("法治讲座", 8, village=VILLAGES[6])
    add("法律援助", 3, village=VILLAGES[7])
    add("引导申请法律援助", 1, village=VILLAGES[8], people=10)
    records.insert_many(db, ADVISOR_WORK, work)

    records.insert_many(db, JOINT_MEETING, [dict(meet_date=f"2023-{m:02d}-15") for m in range(1, 11)])
    cases = [case("2023-04-01", VILLAGES[i % 29], "村调委会", "调解成功") for i in range(58)]
    cases += [case("2023-05-01", VILLAGES[i % 29], "镇调委会", "调解成功") for i in range(35)]
    cases += [case("2023-06-01", VILLAGES[i % 29], "其他", "调解成功") for i in range(68)]
    cases += [case("2023-07-01", VILLAGES[i % 29], "其他", "调解不成功") for i in range(22)]
    records.insert_many(db, MEDIATION_CASE, cases)
    petitions = [dict(reg_date="2023-03-01", level=level, status="已办结", done_date="2023-03-20") for level in ("进京", "到省", "到市", "到市", "本镇", "本镇")]
    records.insert_many(db, PETITION, petitions)
    staff = [dict(name=f"执法{n}", unit="综合行政执法大队", in_post="是", cert_no=f"豫{n}", valid_until="2026-06-30") for n in range(12)]
    records.insert_many(db, ENFORCEMENT_STAFF, staff)


# The reference's own sentences, as a clerk pastes them into the program's parts.
REFERENCE_INTRO = (
    "2022年，在县委县政府的坚强领导下，赵村镇全面贯彻落实党中央和省、市、县关于法治建设的重大决策部署，自觉运用法治思维和法治方式深化改革、"
    "推动发展、化解矛盾维护稳定。现将2022年度法治政府建设工作汇报如下："
)
REFERENCE_PUBLICITY = (
    "强化公务人员和村两委法治学习，落实党委中心组学法制度，规范领导干部学法，组织机关干部和村委干部进行相关法律知识考试，进一步提升全体党员、干部和广大群众知法、懂法、"
    "守法和利用法律维护自己合法权益的能力。注重抓好“谁执法谁普法”工作的落实，联合多个部门在“3.8”妇女节、“3.15”国际消费者权益保障日、安全生产月和“6.26”禁毒日，"
    "“12.4”国家宪法日暨全国法制宣传日等重要时间节点法制宣传和相关法规政策咨询活动10余场次。加强青少年的法制宣传，联合派出所民警到中小学校开展法制宣传讲座8场次。"
    "扎实开展民主法治村创建工作。根据辖区各村的情况，积极开展民主法治村创建工作。"
)
REFERENCE_ENFORCEMENT = (
    "坚持监督机制，全面落实了领导干部述职述廉述法制度和领导干部重大事项报告制度，制定完善了重大问题汇报制度，重大决策审核制度、处理信访工作制度等一列制度，"
    "对干部培养考核任用、财务管理、专项工程项目建设监督管理等重大内容做了详细规定。"
    "有针对性、经常性、多渠道地对行政执法人员进行业务培训，开展岗位练兵活动；强化执证上岗，持证执法率达到上级要求。"
)
REFERENCE_ADVISOR = (
    "提供法律服务是司法工作重要内容之一，始终以为民谋利益为出发点，扎扎实实开展为民解忧活动。2023年度政府法律顾问审查合同8份，接受镇人民政府依法行政法律咨询5件，"
    "农村法律顾问充分发挥熟悉基层工作的优势，走村入户，积极为群众提供法律服务。农村法律顾问已完成走访行政村29个382人次，代理村级民事诉讼案件3件（均胜诉），"
    "协助修订和审查村规民19份，参与民间纠纷调处180件，审查合同（协议）300余份，解答法律咨询1000余人次，法治讲座8场次，推进法律援助工作,"
    "司法所工作人员和法律工作者充分发挥法律优势，为贫弱群众提供尽可能的法律援助，开展法律援助送法进农村3场次，引导村民走法律援助程序10人次。"
)
REFERENCE_MEDIATION = (
    "整合各类调解资源，合力处置矛盾纠纷。召开综治办、派出所、法庭、司法所等职能部门例会10次，多元化解机制形成，排查调处各类矛盾纠纷183件，调处成功161件，"
    "村级调委会调处案件58件，镇调委会调处案件35件，村、镇两级调委会案件调处成功率100%。推动信访问题依法及时就地解决，积极开展积案化解，"
    "严厉打击缠访、闹访和恶意越级上访，我镇进京访1人次，到省信访1人次，到市信访2人次，受理群众来信来访件，按时办结率100%。"
)
REFERENCE_SHORTCOMINGS = (
    "（一）法治素养还不够高\n在法治素养构成上，镇、村二级干部拥有法律专业的干部不多，有的村二委组成成员中没有法律专业的干部，法律人才的缺乏影响了法治政府建设的推进。"
)
REFERENCE_DUTIES = (
    "（一）思想高度重视\n镇党委政府历来十分重视推进法治政府建设工作，健全法制工作各项机制。\n（二）带头学法知法\n"
    "[bookmark: _GoBack]积极参加法治培训，学习了《政府信息公开条例》《行政处罚法》《中华人民共和国民法典》等相关法律法规。"
)
REFERENCE_TEXTS = dict(
    intro=REFERENCE_INTRO, publicity=REFERENCE_PUBLICITY, enforcement=REFERENCE_ENFORCEMENT, advisor=REFERENCE_ADVISOR,
    mediation=REFERENCE_MEDIATION, shortcomings=REFERENCE_SHORTCOMINGS, duties=REFERENCE_DUTIES,
)  # fmt: skip
