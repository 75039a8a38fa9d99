"""Demo data of the programs app (idempotent): the published rules, a replay of the first
international Chang'e-5 round, and a domestic round in progress with applications in every state.

Facts come from shared/reference/programme-facts.md (sections 1.1, 1.2, 1.8). Rule bodies are
SUMMARIES written for the demo, clearly marked as such: the full official texts were not
available. People named in the demo are fictional ("Demo PI …"); masses per institution in
the replay are illustrative except The Open University's 60 mg.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from lunarshare.accounts.models import Institution, Role, User
from lunarshare.accounts.services import role_grant
from lunarshare.catalog.models import Mission, Sample

from . import services
from .models import (
    Application,
    ApplicationStatusChange,
    Review,
    Round,
    RuleDocument,
    SampleForm,
)

DEMO_PASSWORD = "moonrock-demo"
BEIJING = datetime.timezone(datetime.timedelta(hours=8))

SUMMARY_NOTE_EN = ("*This page is a summary written for the LunarShare demo from public reports. It is not the "
                   "official text, which was not available in full; consult the issuing authority.*")
SUMMARY_NOTE_ZH = "*本页为 LunarShare 演示根据公开报道撰写的摘要，并非官方正文（正文全文未能获取），请以发布机关文本为准。*"

MEASURES_EN = SUMMARY_NOTE_EN + """

Issued by the China National Space Administration as 国航天〔2020〕4号 on 17 December 2020 and effective
on issuance (CNSA's English title: *Procedures for Requesting Lunar Samples*). Reported as 9 chapters
and 37 articles; the chapters cover general principles, information release, borrowing and
distribution, use and return, and results management.

## What the summary covers

- **Scope (Art. 2).** Material collected on and below the lunar surface by China's lunar programme,
  and lunar material CNSA obtains by other means.
- **Lifecycle (Art. 3).** Unsealing, classification, preparation, documentation and archiving,
  storage, application, distribution, transportation, use, return and disposition, plus information
  and results management.
- **Roles (Arts. 4–6).** CNSA sets policy and handles international cooperation; the Lunar Exploration
  and Space Engineering Center (LESEC) sets up the expert committee, reviews loan applications,
  supervises the lifecycle and publishes sample information and a results list; samples are kept by
  the main curatorial agency at NAOC and a backup agency.
- **Four uses.** Permanent storage and backup permanent storage (sealed as original samples),
  research, and public welfare (exhibition, outreach, education).
"""

MEASURES_ZH = SUMMARY_NOTE_ZH + """

国家航天局于2020年12月17日印发（国航天〔2020〕4号），自印发之日起施行。据报道共九章三十七条，涵盖总则、
信息发布、借用与分发、使用与归还、成果管理等内容。

## 摘要要点

- **适用范围（第二条）**：我国探月工程在月面及月面以下采集的样品，以及国家航天局通过其他方式获得的月球样品。
- **全流程（第三条）**：启封、分类、制备、建档、存储、申请、分发、运输、使用、归还、处置，以及信息与成果管理。
- **职责（第四至六条）**：国家航天局负责政策与国际合作；探月与航天工程中心组建专家委员会、审核借用申请、
  监督全流程并发布样品信息和成果清单；样品由国家天文台主保管机构及备份保管机构保存。
- **四类用途**：永久存储、备份永久存储（作为原始样品封存）、科学研究、公益。
"""

INTERNATIONAL_EN = SUMMARY_NOTE_EN + """

Published on the CNSA website; the press dates the statement 2 August 2023, which is used here as
the effective date (the official date of effect was not confirmed).

## What the summary covers

- **Basis (Art. 1).** The Lunar Sample Management Measures and the measures for scientific data of
  lunar and deep-space exploration.
- **Scope (Arts. 2–4).** Samples from China's sample-return missions and lunar scientific data:
  application, distribution, transportation, use, return, data application and transmission,
  information management and results documentation; handling abroad must meet the Measures.
- **Roles (Arts. 5–7).** CNSA signs cooperation agreements and approves applications from
  international organisations; LESEC runs joint research, information exchange, exhibitions and the
  distribution of data; NAOC is the main curatorial agency.
- **Cadence.** Press summaries report that proposals are accepted and reviewed every six months.
"""

INTERNATIONAL_ZH = SUMMARY_NOTE_ZH + """

发布于国家航天局网站；媒体报道日期为2023年8月2日，本演示以此作为生效日期（官方生效日期未经核实）。

## 摘要要点

- **依据（第一条）**：《月球样品管理办法》及月球与深空探测工程科学数据管理办法。
- **范围（第二至四条）**：我国采样返回任务获得的样品及月球探测科学数据的申请、分发、运输、使用、归还、
  数据应用与传输、信息管理和成果记录；境外操作须符合管理办法要求。
- **职责（第五至七条）**：国家航天局签署合作协议并批准国际组织的申请；探月与航天工程中心负责联合研究、
  信息交流、样品展示和数据分发；国家天文台为主保管机构。
- **周期**：据报道每六个月受理并评审一次申请。
"""


# Institution, demo username, illustrative allocation: [(sample-set key, mg)]
REPLAY = [
    ("Institut de Physique du Globe de Paris", "demo-pi-ipgp", [("scoop", 300), ("drill", 100)]),
    ("University of Cologne", "applicant1", [("scoop", 300), ("drill", 200)]),
    ("Osaka University", "demo-pi-osaka", [("scoop", 250), ("drill", 100)]),
    ("Pakistan Space and Upper Atmosphere Research Commission (SUPARCO)", "demo-pi-suparco", [("scoop", 170), ("chips", 100)]),
    ("The Open University", "demo-pi-ou", [("scoop", 20), ("drill", 20), ("chips", 20)]),  # public: 3 × 20 mg
    ("Brown University", "demo-pi-brown", [("scoop", 200), ("drill", 100)]),
    ("Stony Brook University", "applicant2", [("scoop", 200), ("drill", 100)]),
]

REPLAY_NOTE_EN = """Results as announced on 24 April 2025 (10th China Space Day, Shanghai): **7 institutions from
6 countries, 2.18 g of Chang'e-5 samples in total.** The round had received 24 applications from 11
countries and international organisations, requesting 71 sample sets; only the approved applications
are replayed here.

*Demo note:* per-institution masses were not published except The Open University's 60 mg (three
samples of 20 mg). The other figures on this page are **illustrative**, chosen to add up to the
announced total. Applicants and project titles are fictional demo entries."""

REPLAY_NOTE_ZH = """2025年4月24日（第十个中国航天日，上海）公布结果：**6个国家的7家机构，共借出嫦娥五号样品2.18克。**
本轮共收到来自11个国家和国际组织的24份申请，涉及71份样品；此处仅重现获批申请。

*演示说明*：除英国开放大学的60毫克（3份各20毫克）外，各机构获批质量未公开；本页其余数字为**示意**，
仅保证合计与公布总量一致。申请人与项目名称均为虚构演示内容。"""


def _samples(mission: str, sample_type: str, limit: int = 4, prefix: str = "") -> list[Sample]:
    """Prepared research samples of the catalogue demo (none if the catalogue is empty)."""
    return list(Sample.objects.filter(mission__code=mission, type=sample_type, category="research",
                                      parent__isnull=False, identifier__startswith=prefix).order_by("identifier")[:limit])


def _demo_user(username: str, display_name: str, institution: Institution, roles=(Role.APPLICANT,), expertise=()) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(username=username, email=f"{username}@demo.lunarshare.invalid",
                                        password=DEMO_PASSWORD, display_name=display_name, institution=institution,
                                        expertise=list(expertise))
    for role in roles:
        role_grant(actor=None, user=user, role=role)
    return user


def _rules(officer, stdout):
    if RuleDocument.objects.filter(slug="lunar-sample-management-measures").exists():
        return
    measures = services.rule_document_create(
        actor=officer, slug="lunar-sample-management-measures", title_en="Lunar Sample Management Measures",
        title_zh="月球样品管理办法", issuer_en="China National Space Administration", issuer_zh="国家航天局",
        reference="国航天〔2020〕4号", sort_order=1)
    services.rule_version_create(
        actor=officer, document=measures, version="2020", effective_date=datetime.date(2020, 12, 17),
        body_en=MEASURES_EN, body_zh=MEASURES_ZH, changes_en="First issue.", changes_zh="首次发布。",
        source_url="http://www.cnsa.gov.cn/english/n6465645/n6465648/c6811126/content.html", publish=True)
    international = services.rule_document_create(
        actor=officer, slug="international-cooperation-rules",
        title_en="Rules for Management of International Cooperation in Lunar Samples and Scientific Data",
        title_zh="月球样品及科学数据国际合作管理细则", issuer_en="China National Space Administration",
        issuer_zh="国家航天局", sort_order=2)
    services.rule_version_create(
        actor=officer, document=international, version="2023", effective_date=datetime.date(2023, 8, 2),
        body_en=INTERNATIONAL_EN, body_zh=INTERNATIONAL_ZH,
        changes_en="First issue; opens Chang'e samples and data to international applicants.",
        changes_zh="首次发布；向国际申请者开放嫦娥样品和数据。",
        source_url="https://www.cnsa.gov.cn/english/n6465645/n6465648/c10086003/content.html", publish=True)
    stdout.write("  2 rules published (summaries, marked as such)")


def _standard_rules(officer, round_):
    services.compliance_rules_add_standard(actor=officer, round_=round_)


def _application(applicant, round_, title, items, *, funding="Demo research council (fictional)", country="",
                 destructive=True):
    return services.application_create(
        actor=applicant, round_=round_, title=title,
        abstract=f"{title}. Demo application: the text is illustrative.",
        research_plan="Characterise the material non-destructively first (SEM, EPMA), then analyse a split "
                      "destructively. Demo text.",
        expected_outputs="Peer-reviewed papers and data deposited under the round's embargo terms.",
        team=[{"name": f"{applicant} (demo)", "orcid": "0000-0002-1825-0097",
               "institution_name": applicant.institution.name_en, "role": "Responsible user"}],
        funding=[{"agency": funding, "country": country, "grant_id": ""}],
        methods=[{"name": "SIMS isotope analysis", "destructive": destructive,
                  "plan": "Spot analyses on a polished mount; every session recorded on video." if destructive else "",
                  "video_consent": destructive}],
        items=[{"sample_set": s.pk, "requested_mass_ug": mg * 1000} for s, mg in items])


def _replay(officer, committee, stdout):
    code = "ce5-international-1"
    if Round.objects.filter(code=code).exists():
        return
    now = timezone.now()
    round_ = services.round_create(
        actor=officer, code=code, kind=Round.Kind.INTERNATIONAL,
        title_en="First international round for Chang'e-5 samples", title_zh="嫦娥五号月球样品首批国际借用",
        description_en="Applications through the international release system, from 6 November 2023 to 24:00 Beijing "
                       "time on 22 December 2023. Ten applicants presented in person or online at the first "
                       "international loan review meeting (26 April 2024, China University of Geosciences, Wuhan).",
        description_zh="通过国际发布系统受理申请，时间为2023年11月6日至2023年12月22日24时（北京时间）。"
                       "2024年4月26日在中国地质大学（武汉）召开首次国际借用评审会。",
        opens_at=now - datetime.timedelta(hours=1), closes_at=now + datetime.timedelta(days=1),
        missions=list(Mission.objects.filter(code="CE5")), results_note_en=REPLAY_NOTE_EN,
        results_note_zh=REPLAY_NOTE_ZH,
        acknowledgement_en="The samples were provided by the China National Space Administration (CNSA).",
        acknowledgement_zh="样品由国家航天局提供。")
    sets = {
        "scoop": services.sample_set_create(actor=officer, round_=round_, code="CE5-C-FM", form=SampleForm.POWDER,
                                            name_en="Chang'e-5 scooped soil powder", name_zh="嫦娥五号铲取月壤粉末",
                                            offered_mass_ug=1_500_000, samples=_samples("CE5", "powder", prefix="CE5C")),
        "drill": services.sample_set_create(actor=officer, round_=round_, code="CE5-Z-FM", form=SampleForm.POWDER,
                                            name_en="Chang'e-5 drilled powder", name_zh="嫦娥五号钻取粉末",
                                            offered_mass_ug=800_000,
                                            samples=_samples("CE5", "powder", prefix="CE5Z")),
        "chips": services.sample_set_create(actor=officer, round_=round_, code="CE5-YX", form=SampleForm.ROCK_CHIP,
                                            name_en="Chang'e-5 rock chips (lent whole)", name_zh="嫦娥五号岩屑（整件借出）",
                                            offered_mass_ug=300_000, samples=_samples("CE5", "rock_chip")),
    }
    _standard_rules(officer, round_)
    round_ = services.round_open(actor=officer, round_=round_)
    for institution_name, username, allocation in REPLAY:
        institution = Institution.objects.get(name_en=institution_name)
        applicant = User.objects.filter(username=username).first() or _demo_user(
            username, f"Demo PI, {institution_name}", institution)
        funding = "Stony Brook University internal funds" if "Stony" in institution_name else "Demo research council (fictional)"
        application = _application(applicant, round_, f"Chang'e-5 sample study at {institution_name} (demo)",
                                   [(sets[key], mg) for key, mg in allocation], funding=funding,
                                   country=str(institution.country))
        services.application_submit(actor=applicant, application=application)
        services.application_screen(actor=officer, application=application, result="pass", note="")
        services.application_decide(actor=committee, application=application, decision="approve",
                                    reason="Recommended by the expert review.")
    services.round_close(actor=officer, round_=round_)
    services.round_publish_results(actor=committee, round_=round_)
    # The replay happened today; move its dates to the published ones.
    opens = datetime.datetime(2023, 11, 6, tzinfo=BEIJING)
    closes = datetime.datetime(2023, 12, 22, 23, 59, 59, tzinfo=BEIJING)  # "24:00 Beijing time"
    announced = datetime.datetime(2025, 4, 24, 10, 0, tzinfo=BEIJING)
    Round.objects.filter(pk=round_.pk).update(opens_at=opens, closes_at=closes, opened_at=opens, closed_at=closes,
                                              decided_at=announced, results_published_at=announced)
    applications = Application.objects.filter(round=round_)
    applications.update(submitted_at=datetime.datetime(2023, 12, 20, tzinfo=BEIJING), decided_at=announced,
                        screened_at=datetime.datetime(2024, 1, 15, tzinfo=BEIJING))
    ApplicationStatusChange.objects.filter(application__round=round_).update(at=announced)
    stdout.write("  replay of the first international Chang'e-5 round: 7 institutions from 6 countries, 2.18 g")


def _in_progress(officer, committee, stdout):
    code = "domestic-demo-batch"
    if Round.objects.filter(code=code).exists():
        return
    now = timezone.now()
    reviewer1, reviewer2 = User.objects.get(username="reviewer1"), User.objects.get(username="reviewer2")
    applicant1, applicant2 = User.objects.get(username="applicant1"), User.objects.get(username="applicant2")
    applicant3 = _demo_user("demo-applicant3", "Demo Applicant Three", Institution.objects.get(name_en="Hunan University"))
    applicant4 = _demo_user("demo-applicant4", "Demo Applicant Four",
                            Institution.objects.get(name_en="Institute of Geology and Geophysics, Chinese Academy of Sciences"))
    round_ = services.round_create(
        actor=officer, code=code, kind=Round.Kind.DOMESTIC,
        title_en="Chang'e-5 and Chang'e-6 sample batch (demo, in progress)", title_zh="嫦娥五号、六号样品借用批次（演示，进行中）",
        description_en="A demo round in progress: applications in every state, reviews and scores. All applicants and "
                       "projects are fictional.",
        description_zh="进行中的演示批次：包含各状态的申请、评审与评分。所有申请人和项目均为虚构。",
        opens_at=now - datetime.timedelta(days=10), closes_at=now + datetime.timedelta(days=20),
        missions=list(Mission.objects.filter(code__in=["CE5", "CE6"])), max_total_mass_ug=1_000_000,
        form_limits_ug={"powder": 500_000}, reviewers_per_application=2,
        acknowledgement_en="The samples were provided by the China National Space Administration (CNSA).",
        acknowledgement_zh="样品由国家航天局提供。")
    powder = services.sample_set_create(actor=officer, round_=round_, code="CE6-C-FM", form=SampleForm.POWDER,
                                        name_en="Chang'e-6 far-side soil powder", name_zh="嫦娥六号月背月壤粉末",
                                        offered_mass_ug=300_000, samples=_samples("CE6", "powder"))
    chips = services.sample_set_create(actor=officer, round_=round_, code="CE6-YX", form=SampleForm.ROCK_CHIP,
                                       name_en="Chang'e-6 rock chips (lent whole)", name_zh="嫦娥六号岩屑（整件借出）",
                                       offered_mass_ug=200_000, samples=_samples("CE6", "rock_chip"))
    ce5 = services.sample_set_create(actor=officer, round_=round_, code="CE5-C-FM", form=SampleForm.POWDER,
                                     name_en="Chang'e-5 scooped soil powder", name_zh="嫦娥五号铲取月壤粉末",
                                     offered_mass_ug=400_000, samples=_samples("CE5", "powder", prefix="CE5C"))
    _standard_rules(officer, round_)
    round_ = services.round_open(actor=officer, round_=round_)

    def submitted(applicant, title, items, **kw):
        application = _application(applicant, round_, title, items, **kw)
        services.application_submit(actor=applicant, application=application)
        return application

    _application(applicant1, round_, "Space weathering rims on far-side grains", [(powder, 30)])  # draft
    submitted(applicant3, "Volatile content of Chang'e-6 glass beads", [(powder, 40)])
    screening = submitted(applicant4, "Magnetic record of Chang'e-5 basalt", [(ce5, 50)])
    services.application_screening_start(actor=officer, application=screening)
    returned = submitted(applicant3, "Noble gases in Chang'e-5 regolith", [(ce5, 60)])
    services.application_screen(actor=officer, application=returned, result="return",
                                note="Please add the ORCID iD of every team member and the grant number.")
    withdrawn = submitted(applicant1, "Thermal properties of far-side soil", [(powder, 20)])
    services.application_withdraw(actor=applicant1, application=withdrawn, reason="The project lost its funding.")

    reviewed = [
        submitted(applicant1, "Crystallisation ages of far-side basalt chips", [(chips, 40), (powder, 30)]),
        submitted(applicant2, "Infrared spectra of Chang'e-5 soil", [(ce5, 80)],
                  funding="NASA Solar System Workings", country="US"),  # flagged for legal review
        submitted(applicant4, "Ti isotopes in far-side regolith", [(powder, 60)]),
        submitted(applicant3, "Micrometeorite fragments in Chang'e-6 soil", [(powder, 50), (ce5, 50)]),
        submitted(applicant2, "Water in apatite from Chang'e-5 basalt", [(ce5, 40)], funding="Stony Brook University internal funds",
                  country="US"),
    ]
    for application in reviewed:
        services.application_screen(actor=officer, application=application, result="pass")
    services.round_assign_reviewers(actor=officer, round_=round_, per_application=2)
    marks = {reviewer1: [5, 4, 3, 4, 4], reviewer2: [4, 5, 2, 3, 5]}
    for position, application in enumerate(reviewed):
        for review in Review.objects.filter(application=application, status="assigned"):
            value = marks[review.reviewer][position] if review.reviewer in marks else 3
            services.review_score(actor=review.reviewer, review=review, comment="Demo review comment.",
                                  scores={"merit": value, "feasibility": max(1, value - 1), "team": value, "sample-use": 3})
    approved, _flagged, rejected, reduced, _pending = reviewed
    services.application_decide(actor=committee, application=approved, decision="approve",
                                reason="Ranked first by the reviewers.")
    services.application_decide(actor=committee, application=rejected, decision="reject",
                                reason="The plan does not need returned samples; meteorites would serve.")
    item = reduced.items.get(sample_set=powder)
    services.application_decide(actor=committee, application=reduced, decision="reduce",
                                items=[{"id": item.pk, "mass_ug": 20_000}],
                                reason="Far-side powder is scarce; 20 mg are enough for the first stage.")
    stdout.write(f"  domestic round in progress: {round_.applications.count()} applications in every state, "
                 f"{Review.objects.filter(application__round=round_).count()} reviews")


@transaction.atomic
def load(stdout) -> None:
    officer = User.objects.get(username="officer")
    committee = User.objects.get(username="committee")
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        _rules(officer, stdout)
        _replay(officer, committee, stdout)
        _in_progress(officer, committee, stdout)

