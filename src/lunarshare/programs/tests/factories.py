"""Builders for programs tests. Everything goes through the real services."""

from __future__ import annotations

import datetime
import itertools

from django.utils import timezone

from lunarshare.accounts.models import Role
from lunarshare.testing.factories import InstitutionFactory, MissionFactory, UserFactory

from .. import services
from ..models import ComplianceRule, SampleForm

VALID_ORCID = "0000-0002-1825-0097"
WOLF = {"countries": ["US"], "funders": ["NASA"], "reason": "Wolf Amendment"}


_round_numbers = itertools.count(1)


def programme_officer():
    """The officer who sets up the rounds factories make (services check their actor)."""
    from lunarshare.accounts.models import User

    return User.objects.filter(username="round-officer").first() or UserFactory(username="round-officer",
                                                                                 roles=[Role.OFFICER])


def make_round(*, status="open", kind="domestic", offered_mass_ug=1_000_000, rules=(), **fields):
    """A round with a powder set (1 g) and a polished-section set (whole pieces), default rubric."""
    now = timezone.now()
    officer = programme_officer()
    round_ = services.round_create(
        actor=officer, title_en=fields.pop("title_en", f"Test round {next(_round_numbers)}"), kind=kind,
        opens_at=fields.pop("opens_at", now - datetime.timedelta(days=1)),
        closes_at=fields.pop("closes_at", now + datetime.timedelta(days=30)),
        missions=[MissionFactory(code="CE5")], **fields)
    services.sample_set_create(actor=officer, round_=round_, name_en="CE-5 scooped powder", form=SampleForm.POWDER,
                               offered_mass_ug=offered_mass_ug)
    services.sample_set_create(actor=officer, round_=round_, name_en="CE-5 polished sections",
                               form=SampleForm.POLISHED_SECTION, offered_mass_ug=200_000)
    for rule_type, params in rules:
        services.compliance_rule_create(actor=officer, round_=round_, type=rule_type, params=params)
    if status in ("open", "closed"):
        services.round_open(actor=officer, round_=round_)
    if status == "closed":
        services.round_close(actor=officer, round_=round_)
    round_.refresh_from_db()
    return round_


STANDARD_RULES = [
    (ComplianceRule.Type.FUNDING_DECLARED, {}),
    (ComplianceRule.Type.TEAM_ORCID, {}),
    (ComplianceRule.Type.MASS_LIMITS, {"per_form_ug": {"powder": 500_000}}),
    (ComplianceRule.Type.DESTRUCTIVE_METHODS, {}),
    (ComplianceRule.Type.LEGAL_REVIEW, WOLF),
]


def application_payload(round_, *, mass_ug=100_000, funder="DFG", destructive=False):
    powder = round_.sample_sets.get(form=SampleForm.POWDER)
    return {
        "title": "Ages of the youngest mare basalts",
        "abstract": "We date basalt fragments.",
        "research_plan": "Pb-Pb dating by SIMS.",
        "expected_outputs": "Two papers.",
        "team": [{"name": "Demo Researcher", "orcid": VALID_ORCID, "institution_name": "Demo University", "role": "PI"}],
        "funding": [{"agency": funder, "country": "DE", "grant_id": "G-1"}],
        "methods": [{"name": "SIMS", "destructive": destructive, "plan": "spot analyses" if destructive else "",
                     "video_consent": destructive}],
        "items": [{"sample_set": powder.pk, "requested_mass_ug": mass_ug}],
    }


def make_application(applicant, round_, *, status="draft", **payload_kwargs):
    application = services.application_create(actor=applicant, round_=round_, **application_payload(round_, **payload_kwargs))
    if status == "draft":
        return application
    services.application_submit(actor=applicant, application=application)
    if status == "submitted":
        return refresh(application)
    officer = _officer()
    if status == "returned":
        return services.application_screen(actor=officer, application=application, result="return", note="Fix it")
    if status == "withdrawn":
        return services.application_withdraw(actor=applicant, application=application)
    services.application_screen(actor=officer, application=application, result="pass")
    return refresh(application)


def refresh(obj):
    obj.refresh_from_db()
    return obj


def _officer():
    from lunarshare.accounts.models import User

    officer = User.objects.filter(role_grants__role=Role.OFFICER).first()
    return officer or UserFactory(username="officer-auto", roles=[Role.OFFICER])


def make_reviewers(n, *, country="CN", expertise=("basalt",)):
    return [UserFactory(institution=InstitutionFactory(country=country), roles=[Role.REVIEWER], expertise=list(expertise))
            for _ in range(n)]


def pdf_upload(name="plan.pdf", content=b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n%%EOF\n"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")
