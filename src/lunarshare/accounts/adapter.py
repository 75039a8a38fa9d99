"""django-allauth adapter: after logging in, people without an institution are sent to ask for one."""

from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse

from .models import AffiliationRequest


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request):
        """allauth's rate limits count against the same address as the API's (see security.client_ip)."""
        from .security import client_ip

        return client_ip(request)

    def _get_login_attempts_cache_key(self, request, **credentials):
        """allauth counts failed web logins per typed name; count them per account instead, so
        that alternating username and e-mail address gives no extra guesses."""
        from django.contrib.sites.shortcuts import get_current_site

        from .security import account_for_login

        account = account_for_login(credentials.get("email", credentials.get("username", "")))
        if account is None:
            return super()._get_login_attempts_cache_key(request, **credentials)
        return f"{get_current_site(request).domain}:account-{account.pk}"

    def send_mail(self, template_prefix, email, context):
        """Sign-up confirmations and password resets leave through the outbox and the Celery
        worker after the commit, like every other e-mail: a request never talks SMTP."""
        from lunarshare.mail.services import email_queue

        message = self.render_mail(template_prefix, email, context)
        html = next((content for content, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"), "")
        for recipient in message.to:
            email_queue(to=recipient, subject=message.subject, body=message.body, html_body=html)

    def get_login_redirect_url(self, request):
        user = request.user
        if user.is_authenticated and not user.institution_id and not AffiliationRequest.objects.filter(
            user=user, status=AffiliationRequest.Status.PENDING
        ).exists():
            return reverse("accounts:affiliation")
        return super().get_login_redirect_url(request)
