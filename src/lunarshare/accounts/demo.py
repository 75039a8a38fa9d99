"""Demo people and institutions.

Institutions: the seven approved in the first international Chang'e-5 round (announced
24 April 2025) and Chinese institutions named in the programme's public notices. ROR ids are
left empty: none were verified for this demo, and an invented one would claim to be real.
"""

from django.db import transaction

from .models import Institution, Role, User
from .services import affiliation_request, institution_create, role_grant, user_create, user_update_profile

DEMO_PASSWORD = "moonrock-demo"

K = Institution.Kind
INSTITUTIONS = [
    # name_en, name_zh, country, kind, city
    ("Institut de Physique du Globe de Paris", "巴黎地球物理学院", "FR", K.INSTITUTE, "Paris"),
    ("University of Cologne", "科隆大学", "DE", K.UNIVERSITY, "Cologne"),
    ("Osaka University", "大阪大学", "JP", K.UNIVERSITY, "Osaka"),
    ("Pakistan Space and Upper Atmosphere Research Commission (SUPARCO)", "巴基斯坦空间与高层大气研究委员会", "PK", K.AGENCY, "Karachi"),
    ("The Open University", "英国开放大学", "GB", K.UNIVERSITY, "Milton Keynes"),
    ("Brown University", "布朗大学", "US", K.UNIVERSITY, "Providence"),
    ("Stony Brook University", "石溪大学", "US", K.UNIVERSITY, "Stony Brook"),
    ("National Astronomical Observatories, Chinese Academy of Sciences", "中国科学院国家天文台", "CN", K.INSTITUTE, "Beijing"),
    ("Institute of Geology and Geophysics, Chinese Academy of Sciences", "中国科学院地质与地球物理研究所", "CN", K.INSTITUTE, "Beijing"),
    ("China University of Geosciences (Wuhan)", "中国地质大学（武汉）", "CN", K.UNIVERSITY, "Wuhan"),
    ("Hunan University", "湖南大学", "CN", K.UNIVERSITY, "Changsha"),
    ("Lunar Exploration and Space Engineering Center", "探月与航天工程中心", "CN", K.AGENCY, "Beijing"),
    ("China National Space Administration", "国家航天局", "CN", K.AGENCY, "Beijing"),
    ("National Museum of China", "中国国家博物馆", "CN", K.MUSEUM, "Beijing"),
]

# username, display name, roles, institution (English name), expertise tags
USERS = [
    ("curator", "Demo Curator", [Role.CURATOR], "National Astronomical Observatories, Chinese Academy of Sciences", []),
    ("officer", "Demo Programme Officer", [Role.OFFICER], "Lunar Exploration and Space Engineering Center", []),
    ("reviewer1", "Demo Reviewer One", [Role.REVIEWER], "Institute of Geology and Geophysics, Chinese Academy of Sciences",
     ["geochronology", "basalt", "isotopes"]),
    ("reviewer2", "Demo Reviewer Two", [Role.REVIEWER], "China University of Geosciences (Wuhan)",
     ["mineralogy", "space weathering", "regolith"]),
    ("committee", "Demo Committee Member", [Role.COMMITTEE], "Lunar Exploration and Space Engineering Center", []),
    ("applicant1", "Demo Applicant One", [Role.APPLICANT], "University of Cologne", ["geochronology"]),
    ("applicant2", "Demo Applicant Two", [Role.APPLICANT], "Stony Brook University", ["spectroscopy"]),
    ("auditor", "Demo Auditor", [Role.AUDITOR], "China National Space Administration", []),
]


def institution_by_name(name_en: str) -> Institution:
    return Institution.objects.get(name_en=name_en)


# A person who signed up and waits for an officer to confirm the affiliation, so that the
# officer's People page has something to decide on.
NEWCOMER = ("newcomer", "Demo Newcomer", "Brown University")


@transaction.atomic
def load(stdout) -> None:
    for name_en, name_zh, country, kind, city in INSTITUTIONS:
        if not Institution.objects.filter(name_en=name_en).exists():
            institution_create(actor=None, name_en=name_en, name_zh=name_zh, country=country, kind=kind, city=city)
    for username, display_name, roles, institution, expertise in USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(actor=None, username=username, email=f"{username}@demo.lunarshare.invalid",
                               password=DEMO_PASSWORD, display_name=display_name,
                               institution=institution_by_name(institution), email_verified=True)
            if expertise:
                user_update_profile(actor=user, user=user, expertise=expertise)
        for role in roles:
            role_grant(actor=None, user=user, role=role)
    username, display_name, institution = NEWCOMER
    if not User.objects.filter(username=username).exists():
        newcomer = user_create(actor=None, username=username, email=f"{username}@demo.lunarshare.invalid",
                               password=DEMO_PASSWORD, display_name=display_name, email_verified=True)
        affiliation_request(actor=newcomer, institution=institution_by_name(institution))
    stdout.write(f"  {Institution.objects.count()} institutions, {User.objects.count()} users")


def print_logins(stdout) -> None:
    stdout.write("\nDemo logins (password for all: %s)" % DEMO_PASSWORD)
    for username, _display, roles, institution, _tags in USERS:
        stdout.write(f"  {username:<11} {', '.join(roles):<10} {institution}")
    stdout.write(f"  {NEWCOMER[0]:<11} {'(none)':<10} asks to join {NEWCOMER[2]}; an officer confirms it at /en/people/")
