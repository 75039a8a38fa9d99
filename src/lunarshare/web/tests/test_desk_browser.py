"""The desk, the forms and the flows in Chromium, in English and in Simplified Chinese: each role
lands on its desk (axe-clean); the application editor adds and removes rows in place and fits
1280 and 390 px; irreversible steps ask in a dialog; the committee is told how many reviews are
in; a visitor logs in to apply; the borrower declares a return the curator receives; the
curator picks allocation candidates from a list."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from lunarshare.loans.models import LoanItem, ReturnShipment
from lunarshare.loans.tests.factories import received_loan, signed_loan
from lunarshare.programs import services as programs
from lunarshare.programs.models import ApplicationStatus
from lunarshare.programs.tests.factories import make_application, make_reviewers, make_round
from lunarshare.testing.helpers import browser_login

from .test_accessibility import _violations

pytestmark = pytest.mark.django_db(transaction=True)
LANGUAGES = ["en", "zh-hans"]
WORDS = {
    "en": {"desk": "My desk", "yes": "Yes, continue", "no": "Cancel", "submit_q": "Submit application",
           "reviews": "Reviews in: 1 of 2", "only": "Only 1 of 2 reviews are in.", "login": "Log in to apply",
           "declared": "Return shipment declared", "returns": "Returns to receive and reweigh",
           "allocated": "Allocated and reserved", "send_back": "Send material back"},
    "zh-hans": {"desk": "我的工作台", "yes": "确认，继续", "no": "取消", "submit_q": "确认提交申请",
                "reviews": "已收评审：1 / 2", "only": "仅收到 1 / 2 份评审。", "login": "登录后申请",
                "declared": "寄回已登记", "returns": "待接收并复称的归还", "allocated": "已分配并预留",
                "send_back": "寄回样品"},
}


def _switch(page, username, language):
    page.context.clear_cookies()
    browser_login(page, username, language=language)


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _confirm(page, question, words):
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text(question)
    dialog.get_by_role("button", name=words["yes"]).click()


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_role_lands_on_its_desk_with_a_count_and_no_accessibility_problem(page, people, language):
    round_ = make_round()
    draft = make_application(people.alice, round_)
    signed_loan(people)
    found = {}
    for username in ("alice", "revi", "comm", "offi", "cura", "audi"):
        _switch(page, username, language)
        expect(page).to_have_url(re.compile(f"/{language}/desk/$"))
        expect(page.locator("h1")).to_have_text(WORDS[language]["desk"])
        if violations := _violations(page):
            found[username] = violations
    _switch(page, "alice", language)
    expect(page.locator("#desk-link .badge")).to_contain_text("1")
    page.get_by_role("link", name=re.compile(draft.reference)).click()
    expect(page).to_have_url(re.compile(f"/{language}/applications/{draft.pk}/edit/$"))
    assert not found, found


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_editor_adds_and_removes_rows_in_place_and_fits_1280_and_390(page, people, language):
    application = make_application(people.alice, make_round())
    browser_login(page, "alice", language=language)
    page.goto(f"{page.base_url}/{language}/applications/{application.pk}/edit/")
    assert _fits(page)
    rows = page.locator("#team-rows tbody tr:visible")
    before = rows.count()
    page.click("[data-add-row=team]")
    expect(rows).to_have_count(before + 1)
    page.locator("#team-rows tbody tr").last.locator("input[name$=-name]").fill("Added In Place")
    page.locator("#team-rows tbody tr").first.locator(".remove-row input").check()
    expect(rows).to_have_count(before)  # the removed row is hidden at once
    assert not _violations(page)
    page.set_viewport_size({"width": 390, "height": 844})
    assert _fits(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator("form button[type=submit]:not([name])").last.click()
    expect(page).to_have_url(re.compile(f"/{language}/applications/{application.pk}/$"))
    assert list(application.team.values_list("name", flat=True)) == ["Added In Place"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_error_shows_at_the_top_and_at_the_field(page, people, language):
    application = make_application(people.alice, make_round())
    browser_login(page, "alice", language=language)
    page.goto(f"{page.base_url}/{language}/applications/{application.pk}/edit/")
    page.fill("input[name=items-0-mass]", "lots")
    page.locator("form button[type=submit]:not([name])").last.click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(page.locator("#id_items-0-mass-error")).to_be_visible()
    summary.locator("a").first.click()
    assert page.evaluate("document.activeElement.name") == "items-0-mass"


@pytest.mark.parametrize("language", LANGUAGES)
def test_submitting_asks_first_and_cancel_changes_nothing(page, people, language):
    words = WORDS[language]
    application = make_application(people.alice, make_round())
    browser_login(page, "alice", language=language)
    page.goto(f"{page.base_url}/{language}/applications/{application.pk}/")
    page.locator("form:has(input[value=submit]) button").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text(words["submit_q"])
    dialog.get_by_role("button", name=words["no"]).click()
    expect(dialog).to_have_count(0)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT
    page.locator("form:has(input[value=submit]) button").click()
    _confirm(page, application.reference, words)
    expect(page.locator(".messages")).to_be_visible()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_committee_sees_reviews_in_and_is_warned_before_deciding(page, people, language):
    words = WORDS[language]
    round_ = make_round()
    application = make_application(people.alice, round_, status="under_review")
    first, second = make_reviewers(2)
    review = programs.review_assign(actor=people.officer, application=application, reviewer=first)
    programs.review_assign(actor=people.officer, application=application, reviewer=second)
    programs.review_score(actor=first, review=review, scores={c.key: c.scale_max for c in round_.criteria.all()},
                          comment="Good.")
    browser_login(page, "comm", language=language)
    page.get_by_role("link", name=re.compile(application.reference)).click()
    expect(page.locator("#reviews-in")).to_contain_text(words["reviews"])
    page.set_viewport_size({"width": 390, "height": 844})
    assert _fits(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator("input[name=decision][value=approve]").check()
    page.locator("form:has(input[value=decide]) button[type=submit]").click()
    _confirm(page, words["only"], words)
    expect(page.locator(".messages")).to_be_visible()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_visitor_logs_in_to_apply_and_arrives_at_the_application_form(page, people, language):
    round_ = make_round()
    page.goto(f"{page.base_url}/{language}/rounds/{round_.pk}/")
    page.get_by_role("link", name=WORDS[language]["login"]).click()
    page.fill("input[name=login]", "alice")
    page.fill("input[name=password]", "pw-for-tests-1")
    page.click("form:has(input[name=password]) button[type=submit]")
    expect(page).to_have_url(re.compile(f"/{language}/applications/new/{round_.pk}/$"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_borrower_sends_material_back_and_the_curator_receives_it(page, people, language):
    words = WORDS[language]
    loan = received_loan(people, masses=(40_000, 30_000))
    first, second = loan.items.select_related("sample").order_by("id")
    browser_login(page, "alice", language=language)
    page.goto(f"{page.base_url}/{language}/loans/{loan.pk}/")
    page.set_viewport_size({"width": 390, "height": 844})
    assert _fits(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name=words["send_back"]).click()
    assert _fits(page)
    page.get_by_label(re.compile(re.escape(first.sample.identifier))).check()
    page.fill("input[name=carrier]", "EMS")
    page.fill("input[name=tracking_number]", "EE123456789CN")
    page.locator("form[data-confirm] button[type=submit]").click()
    _confirm(page, "", words)
    expect(page.locator(".messages")).to_contain_text(words["declared"])

    _switch(page, "cura", language)
    page.get_by_role("link", name=str(loan)).first.click()
    expect(page.locator("#declared-returns")).to_contain_text("EE123456789CN")
    lines = page.locator("textarea[name=lines]")
    expect(lines).to_have_value(re.compile(re.escape(first.sample.identifier)))
    lines.fill(f"{first.sample.identifier} 40")
    page.locator("form:has(textarea[name=lines]) button[type=submit]").click()
    expect(page.locator(".messages")).to_be_visible()
    assert ReturnShipment.objects.get().status == ReturnShipment.Status.RECEIVED
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (LoanItem.Status.RETURNED, LoanItem.Status.WITH_BORROWER)
    page.goto(f"{page.base_url}/{language}/desk/")
    expect(page.locator("#main")).not_to_contain_text(words["returns"])


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_curator_picks_a_candidate_piece_instead_of_typing(page, people, language):
    loan = signed_loan(people)
    parent = loan.parent_sample
    browser_login(page, "cura", language=language)
    page.get_by_role("link", name=str(loan)).first.click()
    expect(page).to_have_url(re.compile(f"/{language}/loans/{loan.pk}/allocate/$"))
    page.get_by_label(re.compile(re.escape(parent.identifier))).check()
    page.locator("input[name=mass]").fill("50")
    page.locator("form:has(input[name=pick]) button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text(WORDS[language]["allocated"])
    assert loan.items.get().status == LoanItem.Status.ALLOCATED
    assert not _violations(page)
