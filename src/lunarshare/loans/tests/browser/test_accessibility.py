"""axe-core finds no serious or critical violation on the loan pages (staff and borrower)."""

from pathlib import Path

from lunarshare.loans.services import ReturnLine, loan_return
from lunarshare.loans.tests.factories import make_loan, received_loan
from lunarshare.testing.helpers import browser_login

AXE = Path(__file__).resolve().parents[3] / "web" / "static" / "vendor" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def violations(page) -> list[dict]:
    page.add_script_tag(url=f"{page.base_url}/static/vendor/axe.min.js")  # a file of ours: the CSP allows it
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
            return result.violations.filter(v => v.impact === "serious" || v.impact === "critical")
              .map(v => ({id: v.id, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
        }""", TAGS)


def check(page, paths) -> dict:
    found = {}
    for path in paths:
        response = page.goto(f"{page.base_url}{path}")
        assert response.status == 200, f"{path}: HTTP {response.status}"
        if result := violations(page):
            found[path] = result
    return found


def test_loan_pages_have_no_serious_accessibility_violations(page, people):
    loan = received_loan(people, masses=(40_000, 30_000))
    first = loan.items.select_related("sample").order_by("id").first()
    loan_return(actor=people.curator, loan=loan, lines=[ReturnLine(first.sample.identifier, 30_000)])
    draft = make_loan(people, applicant=people.bob)
    incident = loan.incidents.get()
    browser_login(page, "cura")
    found = check(page, [f"/en/loans/{loan.pk}/", f"/en/loans/{loan.pk}/return/", f"/en/loans/{loan.pk}/labels/",
                         f"/en/loans/{draft.pk}/allocate/", f"/en/loans/{loan.pk}/ship/", f"/zh-hans/loans/{loan.pk}/", "/en/loans/all/",
                         "/en/loans/report/", "/en/loans/incidents/", f"/en/loans/incidents/{incident.pk}/"])
    page.context.clear_cookies()
    browser_login(page, "alice")
    found |= check(page, ["/en/loans/", f"/en/loans/{loan.pk}/use/", f"/en/loans/{loan.pk}/receive/", f"/en/loans/{loan.pk}/extend/"])
    page.context.clear_cookies()
    browser_login(page, "bob")
    found |= check(page, [f"/en/loans/{draft.pk}/sign/"])
    assert not found, found
