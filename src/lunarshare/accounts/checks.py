"""Deployment checks of the accounts app (run by ``lunarshare check --deploy``).

People sign up and reset passwords by e-mail, so a production site whose mail goes to the
console would silently lock everyone out.
"""

from django.conf import settings
from django.core.checks import Tags, Warning, register

NON_DELIVERING_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
}


@register(Tags.security, deploy=True)
def check_mail_is_delivered(app_configs, **kwargs):
    if settings.EMAIL_BACKEND in NON_DELIVERING_BACKENDS:
        return [Warning(
            f"EMAIL_BACKEND is {settings.EMAIL_BACKEND}: verification and password-reset mails will not reach anyone.",
            hint="Set EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and EMAIL_HOST (see docs/operations.md).",
            id="accounts.W001",
        )]
    return []


@register(Tags.security, deploy=True)
def check_email_verification(app_configs, **kwargs):
    if settings.ACCOUNT_EMAIL_VERIFICATION != "mandatory":
        return [Warning(
            f"ACCOUNT_EMAIL_VERIFICATION is “{settings.ACCOUNT_EMAIL_VERIFICATION}”: people could sign up with an "
            "address they do not own.",
            hint="Leave ACCOUNT_EMAIL_VERIFICATION unset (mandatory) in production.",
            id="accounts.W002",
        )]
    return []
