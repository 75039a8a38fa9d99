"""Helpers for tests: read the audit trail, log in through the real form."""


def last_event(verb: str | None = None):
    """The newest audit event (optionally the newest with ``verb``)."""
    from lunarshare.audit.models import Event

    queryset = Event.objects.order_by("-seq")
    if verb:
        queryset = queryset.filter(verb=verb if verb.startswith("lunarshare.") else f"lunarshare.{verb}")
    return queryset.first()



def browser_login(page, username: str, password: str = "pw-for-tests-1", language: str = "en") -> None:
    """Log in through the real login form, as a person would."""
    page.goto(f"{page.base_url}/{language}/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", password)
    # The header also holds forms with submit buttons (language switch): click the login form's own.
    page.click("form:has(input[name=password]) button[type=submit]")
    page.wait_for_load_state("networkidle")
