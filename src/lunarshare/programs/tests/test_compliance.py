"""Each compliance rule type, evaluated on real applications; results stored with explanations."""

import pytest

from lunarshare.errors import ValidationFailed
from lunarshare.programs import services
from lunarshare.programs.models import ComplianceRule, SampleForm
from lunarshare.programs.tests.factories import (
    WOLF,
    application_payload,
    make_application,
    make_round,
    pdf_upload,
)

pytestmark = pytest.mark.django_db
T = ComplianceRule.Type


def outcome(application, rule_type):
    result = application.compliance_results.get(rule__type=rule_type)
    return result.outcome, result.explanation


def test_funding_declared(people):
    round_ = make_round(rules=[(T.FUNDING_DECLARED, {"grant_id_required": True})])
    application = make_application(people.alice, round_)
    assert outcome(application, T.FUNDING_DECLARED)[0] == "pass"
    services.application_update(actor=people.alice, application=application, funding=[{"agency": "DFG"}])
    assert outcome(application, T.FUNDING_DECLARED) == ("fail", "Give the grant id for: DFG.")
    services.application_update(actor=people.alice, application=application, funding=[])
    assert "at least 1 funding source" in outcome(application, T.FUNDING_DECLARED)[1]


def test_team_members_need_orcid_ids(people):
    round_ = make_round(rules=[(T.TEAM_ORCID, {"min_members": 2})])
    application = make_application(people.alice, round_)
    assert outcome(application, T.TEAM_ORCID) == ("fail", "Name at least 2 team member(s); 1 named.")
    services.application_update(actor=people.alice, application=application, team=[
        {"name": "A", "orcid": "0000-0002-1825-0097"}, {"name": "B", "orcid": ""}])
    assert outcome(application, T.TEAM_ORCID) == ("fail", "These team members need a valid ORCID iD: B.")
    services.application_update(actor=people.alice, application=application, team=[
        {"name": "A", "orcid": "0000-0002-1825-0097"}, {"name": "B", "orcid": "https://orcid.org/0000-0001-5109-3700"}])
    assert outcome(application, T.TEAM_ORCID)[0] == "pass"


def test_mass_limits_by_form_and_total(people):
    round_ = make_round(max_total_mass_ug=300_000, rules=[(T.MASS_LIMITS, {"per_form_ug": {"powder": 50_000}})])
    application = make_application(people.alice, round_, mass_ug=100_000)
    result, why = outcome(application, T.MASS_LIMITS)
    assert result == "fail" and "Powder: 100 mg requested, at most 50 mg allowed" in why
    powder = round_.sample_sets.get(form=SampleForm.POWDER)
    services.application_update(actor=people.alice, application=application,
                                items=[{"sample_set": powder.pk, "requested_mass_ug": 50_000}])
    assert outcome(application, T.MASS_LIMITS)[0] == "pass"


def test_mass_limits_fall_back_to_the_round_limits(people):
    round_ = make_round(max_total_mass_ug=60_000, rules=[(T.MASS_LIMITS, {})])
    application = make_application(people.alice, round_, mass_ug=100_000)
    assert "above the limit of 60 mg" in outcome(application, T.MASS_LIMITS)[1]


def test_destructive_methods_need_a_plan_and_video_consent(people):
    round_ = make_round(rules=[(T.DESTRUCTIVE_METHODS, {})])
    application = make_application(people.alice, round_, destructive=True)
    assert outcome(application, T.DESTRUCTIVE_METHODS)[0] == "pass"
    services.application_update(actor=people.alice, application=application, methods=[
        {"name": "LA-ICP-MS", "destructive": True, "plan": "", "video_consent": False},
        {"name": "SEM", "destructive": False}])
    result, why = outcome(application, T.DESTRUCTIVE_METHODS)
    assert result == "fail" and "a plan for LA-ICP-MS" in why and "consent to record LA-ICP-MS on video" in why


@pytest.mark.parametrize("institution,funder,expected", [
    ("stony", "NASA", "flag"),
    ("stony", "National Aeronautics and Space Administration", "flag"),
    ("stony", "nasa solar system workings", "flag"),
    ("stony", "Stony Brook University internal funds", "pass"),
    ("stony", "NASAL research council", "pass"),
    ("cologne", "NASA", "pass"),
])
def test_legal_review_flags_us_institutions_funded_by_nasa(people, institution, funder, expected):
    round_ = make_round(rules=[(T.LEGAL_REVIEW, WOLF)])
    applicant = people.bob if institution == "stony" else people.alice
    application = make_application(applicant, round_, funder=funder)
    result, why = outcome(application, T.LEGAL_REVIEW)
    assert result == expected
    if expected == "flag":
        assert "Legal review: institution in US with funding from NASA" in why


def test_legal_review_flag_is_shown_to_the_applicant(people, client):
    round_ = make_round(rules=[(T.LEGAL_REVIEW, WOLF)])
    application = make_application(people.bob, round_, funder="NASA")
    client.force_login(people.bob)
    page = client.get(application.get_absolute_url()).content.decode()
    assert "Flagged for legal review" in page and "Wolf Amendment" in page


def test_attachments_rule(people):
    round_ = make_round(required_attachments=["research_plan"], rules=[(T.ATTACHMENTS, {})])
    application = make_application(people.alice, round_)
    assert outcome(application, T.ATTACHMENTS) == ("fail", "Missing attachments: Detailed research plan.")
    services.attachment_add(actor=people.alice, application=application, upload=pdf_upload(), kind="research_plan")
    assert outcome(application, T.ATTACHMENTS)[0] == "pass"


def test_a_rule_added_later_is_evaluated_on_open_applications(people):
    round_ = make_round()
    application = make_application(people.alice, round_, status="submitted")
    services.compliance_rule_create(actor=people.officer, round_=round_, type=T.FUNDING_DECLARED)
    assert outcome(application, T.FUNDING_DECLARED)[0] == "pass"


def test_a_changed_flag_needs_a_new_resolution(people):
    round_ = make_round(rules=[(T.LEGAL_REVIEW, WOLF)])
    application = make_application(people.bob, round_, funder="NASA")
    flag = application.compliance_results.get()
    services.compliance_resolve(actor=people.officer, result=flag, resolution="checked")
    services.application_update(actor=people.bob, application=application, title="Same funding, new title")
    flag.refresh_from_db()
    assert flag.resolved_at is not None
    services.application_update(actor=people.bob, application=application,
                                funding=[{"agency": "NASA"}, {"agency": "National Aeronautics and Space Administration SSW"}])
    flag.refresh_from_db()
    assert flag.outcome == "flag"


@pytest.mark.parametrize("rule_type,params", [
    ("astrology", {}),
    (T.LEGAL_REVIEW, {"countries": ["US"]}),
    (T.LEGAL_REVIEW, {"countries": [1], "funders": ["NASA"]}),
    (T.MASS_LIMITS, {"per_form_ug": {"powder": -5}}),
    (T.MASS_LIMITS, {"per_form_ug": {"cheese": 5}}),
    (T.FUNDING_DECLARED, ["not", "a", "dict"]),
])
def test_it_refuses_unusable_rule_parameters(people, rule_type, params):
    round_ = make_round()
    with pytest.raises(ValidationFailed):
        services.compliance_rule_create(actor=people.officer, round_=round_, type=rule_type, params=params)
    assert not round_.compliance_rules.exists()


def test_payload_helper_is_valid(people):
    assert application_payload(make_round())["items"]
