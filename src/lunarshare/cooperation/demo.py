"""Demo data of the cooperation registry, from ``programme-facts.md`` only (sections 1.2, 1.9,
1.10): the Chang'e-6 international payloads, the June 2023 memoranda with ESA and CNES, the
2023 International Cooperation Rules and the two state gifts of Chang'e-5 material.

Nothing is invented: no ROR ids (none are in the facts file), no agreement texts, and dates
are kept to the precision the sources give ("February 2022" is stored with month precision).
Idempotent: every entry is looked up by its natural key first.
"""

from __future__ import annotations

import datetime

from django.db.models import Q

from lunarshare.catalog.models import LedgerEntry, Mission, Sample, SampleStatus
from lunarshare.mass import UG_PER_G, format_mass

from . import services
from .models import CooperationAgreement, DatePrecision, InternationalPayload, PartnerOrganisation, SampleGift

Kind = PartnerOrganisation.Kind

SRC_CNSA_RULES = ("https://www.cnsa.gov.cn/english/n6465645/n6465648/c10086003/content.html ; "
                  "https://www.space.com/china-change-5-moon-samples-open-international-researchers")
SRC_MOU = ("https://www.breakinglatest.news/news/chinas-lunar-probe-to-carry-payloads-from-european-and-french-space-agency/ ; "
           "https://moondaily.com/reports/Change_6_Mission_to_Include_European_Science_Instruments_999.html")
SRC_DORN = "https://sathee.prutor.ai/gk/current-affair/07-03-2024/science/french-payload-aboard-change-6-successfully-completes-mission"
SRC_NILS = "https://moondaily.com/reports/Change_6_Mission_to_Include_European_Science_Instruments_999.html"
SRC_ICUBE = ("https://friendsofnasa.org/ (2024-05-13) ; "
             "https://myglobalnews.net/techsci/20240603-international-scientists-applaud-chinas-change-6-moon-mission-success")
SRC_GIFTS = ("http://english.www.gov.cn/news/202304/24/content_WS64462fc4c6d03ffcca6ec95f.html ; "
             "https://military.china.com/news/13004177/20230424/44907723_all.html")
SRC_FRANCE_GIFT = "https://www.leonarddavid.com/china-lunar-collectibles-gift-samples/ ; https://german.cri.cn/2023/06/13/ARTIMznRG12v1jabYvT2wFC9230613.shtml"

PARTNERS = [
    # key, name_en, name_zh, acronym, kind, country, website
    ("CNSA", "China National Space Administration", "国家航天局", "CNSA", Kind.AGENCY, "CN", "https://www.cnsa.gov.cn/"),
    ("ESA", "European Space Agency", "欧洲空间局", "ESA", Kind.INTERGOVERNMENTAL, "", "https://www.esa.int/"),
    ("CNES", "Centre national d'études spatiales", "法国国家空间研究中心", "CNES", Kind.AGENCY, "FR", "https://cnes.fr/"),
    ("IRF", "Swedish Institute of Space Physics", "瑞典空间物理研究所", "IRF", Kind.INSTITUTE, "SE", "https://www.irf.se/"),
    ("INFN", "Istituto Nazionale di Fisica Nucleare", "意大利国家核物理研究院", "INFN", Kind.INSTITUTE, "IT", "https://home.infn.it/"),
    ("IST", "Institute of Space Technology", "巴基斯坦空间技术研究所", "IST", Kind.INSTITUTE, "PK", ""),
    ("SUPARCO", "Space and Upper Atmosphere Research Commission", "巴基斯坦空间与高层大气研究委员会", "SUPARCO",
     Kind.AGENCY, "PK", ""),
    ("SJTU", "Shanghai Jiao Tong University", "上海交通大学", "SJTU", Kind.UNIVERSITY, "CN", ""),
    ("IGG", "Institute of Geology and Geophysics, Chinese Academy of Sciences", "中国科学院地质与地球物理研究所",
     "IGG-CAS", Kind.INSTITUTE, "CN", ""),
    ("RU", "Russian Federation", "俄罗斯联邦", "", Kind.GOVERNMENT, "RU", ""),
    ("FR", "French Republic", "法兰西共和国", "", Kind.GOVERNMENT, "FR", ""),
]


def _partners(stdout) -> dict[str, PartnerOrganisation]:
    found = {}
    for key, name_en, name_zh, acronym, kind, country, website in PARTNERS:
        partner = PartnerOrganisation.objects.filter(name_en=name_en).first()
        if partner is None:
            partner = services.partner_create(actor=None, name_en=name_en, name_zh=name_zh, acronym=acronym, kind=kind,
                                              country=country, website=website)
            stdout.write(f"  partner {partner}")
        found[key] = partner
    return found


def _agreement(stdout, *, title_en, **fields) -> CooperationAgreement:
    agreement = CooperationAgreement.objects.filter(title_en=title_en).first()
    if agreement is None:
        agreement = services.agreement_create(actor=None, title_en=title_en, **fields)
        stdout.write(f"  agreement {agreement.title_en}")
    return agreement


def _agreements(stdout, p, missions) -> dict[str, CooperationAgreement]:
    ce5, ce6 = missions.get("CE5"), missions.get("CE6")
    june_2023 = datetime.date(2023, 6, 1)
    mou_scope = ("Cooperation on the Chang'e-6 mission, which carried the partner's payload; more than twenty "
                 "international payload proposals had competed. The memorandum's text is not public.")
    mou_scope_zh = "嫦娥六号任务合作，该任务搭载了合作方的载荷；二十多份国际载荷提案参与了竞争。备忘录文本未公开。"
    result = {
        "ESA": _agreement(
            stdout, title_en="Memorandum of understanding between CNSA and ESA on Chang'e-6",
            title_zh="国家航天局与欧洲空间局关于嫦娥六号的合作谅解备忘录", kind=CooperationAgreement.Kind.MOU,
            parties=[p["CNSA"], p["ESA"]], signed_date=june_2023, date_precision=DatePrecision.MONTH,
            status=CooperationAgreement.Status.SIGNED, scope_en=mou_scope, scope_zh=mou_scope_zh,
            missions=[m for m in (ce6,) if m], source=SRC_MOU),
        "CNES": _agreement(
            stdout, title_en="Memorandum of understanding between CNSA and CNES on Chang'e-6",
            title_zh="国家航天局与法国国家空间研究中心关于嫦娥六号的合作谅解备忘录", kind=CooperationAgreement.Kind.MOU,
            parties=[p["CNSA"], p["CNES"]], signed_date=june_2023, date_precision=DatePrecision.MONTH,
            status=CooperationAgreement.Status.SIGNED, scope_en=mou_scope, scope_zh=mou_scope_zh,
            missions=[m for m in (ce6,) if m], source=SRC_MOU),
        "RULES": _agreement(
            stdout, title_en="Rules for Management of International Cooperation in Lunar Samples and Scientific Data",
            title_zh="月球样品及科学数据国际合作管理细则", kind=CooperationAgreement.Kind.FRAMEWORK,
            parties=[p["CNSA"]], signed_date=datetime.date(2023, 8, 2), date_precision=DatePrecision.DAY,
            status=CooperationAgreement.Status.IN_FORCE,
            scope_en=("Samples from China's sample-return missions and scientific data from lunar exploration: "
                      "application, distribution, transportation, use, return, data application and transmission, "
                      "information management and results documentation. CNSA signs the cooperation agreements and "
                      "approves applications from international organisations. The basis, with the Procedures for "
                      "Requesting Lunar Samples, of the first international Chang'e-5 round. The date is the press "
                      "date of CNSA's statement."),
            scope_zh=("中国采样返回任务获得的样品及月球探测科学数据的申请、分发、运输、使用、归还、数据申请与传输、信息管理和成果管理。"
                      "国家航天局签署合作协议并审批国际组织的申请。与《月球样品管理办法》一起，是嫦娥五号首轮国际借用的依据。"),
            missions=[m for m in (ce5, ce6) if m], source=SRC_CNSA_RULES),
        "CERT": _agreement(
            stdout, title_en="Gift certificate for lunar samples for scientific research (France)",
            title_zh="科研用月球样品赠送证书（法国）", kind=CooperationAgreement.Kind.CERTIFICATE,
            parties=[p["CNSA"], p["FR"]], signed_date=june_2023, date_precision=DatePrecision.MONTH,
            status=CooperationAgreement.Status.SIGNED,
            scope_en="Presented with the Chang'e-6 payload memoranda for the 1.5 g of Chang'e-5 material given to France.",
            scope_zh="与嫦娥六号载荷谅解备忘录一同颁发，对应赠予法国的 1.5 克嫦娥五号样品。",
            missions=[m for m in (ce5,) if m], source=SRC_FRANCE_GIFT),
    }
    return result


def _payloads(stdout, p, agreements, ce6: Mission) -> None:
    S = InternationalPayload.Status
    rows = [
        dict(acronym="DORN", name_en="Detection of Outgassing RadoN", name_zh="月表氡气探测仪", partner=p["CNES"],
             collaborators=[p["IGG"]], country="FR", kind=InternationalPayload.Kind.INSTRUMENT, status=S.COMPLETED,
             agreement=agreements["CNES"], source=SRC_DORN,
             purpose_en=("Detects radon outgassing at the lunar surface. The first French instrument on the Moon, "
                         "run by a joint IGG-CAS and French team at NAOC."),
             purpose_zh="探测月表氡气释放。首台登上月球的法国仪器，由中国科学院地质与地球物理研究所与法国联合团队在国家天文台运行。"),
        dict(acronym="NILS", name_en="Negative Ions at the Lunar Surface", name_zh="月表负离子分析仪", partner=p["ESA"],
             collaborators=[p["IRF"]], country="SE", kind=InternationalPayload.Kind.INSTRUMENT, status=S.LAUNCHED,
             agreement=agreements["ESA"], source=SRC_NILS,
             purpose_en="Measures negative ions at the lunar surface. Built for ESA by the Swedish Institute of Space Physics (IRF).",
             purpose_zh="测量月表负离子。由瑞典空间物理研究所为欧洲空间局研制。"),
        dict(acronym="INRRI", name_en="INRRI laser retroreflector", name_zh="INRRI 激光角反射器", partner=p["INFN"],
             collaborators=[], country="IT", kind=InternationalPayload.Kind.RETROREFLECTOR, status=S.LAUNCHED,
             agreement=None, source=SRC_NILS,
             purpose_en="A laser retroreflector on the lander, provided by Italy's INFN.",
             purpose_zh="着陆器上的激光角反射器，由意大利国家核物理研究院提供。"),
        dict(acronym="ICUBE-Q", name_en="iCUBE-Qamar", name_zh="iCUBE-Qamar 立方星", partner=p["IST"],
             collaborators=[p["SUPARCO"], p["SJTU"]], country="PK", kind=InternationalPayload.Kind.CUBESAT,
             status=S.LAUNCHED, agreement=None, source=SRC_ICUBE,
             purpose_en=("A CubeSat with two optical cameras, separated from the Chang'e-6 orbiter on 8 May 2024. "
                         "Built by the Institute of Space Technology with SUPARCO and Shanghai Jiao Tong University."),
             purpose_zh="携带两台光学相机的立方星，于 2024 年 5 月 8 日与嫦娥六号轨道器分离。由巴基斯坦空间技术研究所与巴基斯坦空间与高层大气研究委员会、上海交通大学共同研制。"),
    ]
    for row in rows:
        if InternationalPayload.objects.filter(mission=ce6, acronym=row["acronym"]).exists():
            continue
        payload = services.payload_create(actor=None, mission=ce6, **row)
        stdout.write(f"  payload {payload}")


def _gift_source_sample(mission: Mission, mass_ug: int) -> Sample | None:
    """The largest available sample of the mission that can spare ``mass_ug`` (a piece is split off)."""
    return (Sample.objects.filter(mission=mission, status=SampleStatus.AVAILABLE, mass_ug__gt=mass_ug)
            .exclude(Q(category="permanent") | Q(category="backup")).order_by("-mass_ug").first()
            or Sample.objects.filter(mission=mission, status=SampleStatus.AVAILABLE, mass_ug__gt=mass_ug)
            .order_by("-mass_ug").first())


def _gifts(stdout, p, ce5: Mission | None) -> None:
    gifts = [
        dict(recipient=p["RU"], date=datetime.date(2022, 2, 1),
             occasion_en="State visit of the Russian president to China", occasion_zh="俄罗斯总统访华",
             note_en=("Drill and scoop material. Russia reciprocated with 1.5 g of Luna-16 drill sample in March 2023; "
                      "IKI and the Vernadsky Institute formed a consortium to study the gift."),
             note_zh="钻取与铲取样品。俄罗斯于 2023 年 3 月回赠 1.5 克月球 16 号钻取样品。",
             source=SRC_GIFTS + " ; https://tass.com/science/1608521"),
        dict(recipient=p["FR"], date=datetime.date(2023, 4, 1),
             occasion_en="State visit of the French president to China", occasion_zh="法国总统访华",
             note_en=("Held at the Muséum national d'Histoire naturelle, Paris, and studied jointly by CNES, CNRS, IPGP "
                      "and Sorbonne; a gift certificate was presented in June 2023."),
             note_zh="保存于巴黎国家自然历史博物馆，由法国国家空间研究中心等机构联合研究；2023 年 6 月颁发赠送证书。",
             source=SRC_GIFTS + " ; " + SRC_FRANCE_GIFT),
    ]
    mass_ug = 3 * UG_PER_G // 2  # 1.5 g each (facts 1.9)
    for gift, ledger_reason in zip(gifts, ("State gift to Russia", "State gift to France"), strict=True):
        if SampleGift.objects.filter(recipient=gift["recipient"], date=gift["date"]).exists():
            continue
        # The catalogue's demo may already have written the gift off (the curator's side of it):
        # then the registry points at that entry instead of taking the mass out a second time.
        written_off = (LedgerEntry.objects.filter(kind=LedgerEntry.Kind.TRANSFER_OUT, sample__mission=ce5,
                                                  reason__startswith=ledger_reason, gift_item__isnull=True)
                       .order_by("pk")[:1] if ce5 else [])
        if written_off:
            recorded = services.gift_record_from_ledger(actor=None, date_precision=DatePrecision.MONTH,
                                                        entries=list(written_off), **gift)
            stdout.write(f"  gift {recorded}: linked to the catalogue's write-off of {format_mass(recorded.mass_ug)}")
            continue
        sample = _gift_source_sample(ce5, mass_ug) if ce5 else None
        if sample is None:
            stdout.write(f"  skipped the gift to {gift['recipient'].name_en}: no available Chang'e-5 sample holds more "
                         f"than {format_mass(mass_ug)} (load the catalogue demo first)")
            continue
        recorded = services.gift_record(actor=None, date_precision=DatePrecision.MONTH, items=[(sample, mass_ug)],
                                        **gift)
        stdout.write(f"  gift {recorded}: {format_mass(mass_ug)} split from {sample.identifier} and written off")


def load(stdout) -> None:
    missions = {m.code: m for m in Mission.objects.filter(code__in=["CE5", "CE6"])}
    partners = _partners(stdout)
    agreements = _agreements(stdout, partners, missions)
    if "CE6" in missions:
        _payloads(stdout, partners, agreements, missions["CE6"])
    else:
        stdout.write("  skipped the Chang'e-6 payloads: mission CE6 is not in the catalogue (load the catalogue demo first)")
    _gifts(stdout, partners, missions.get("CE5"))
