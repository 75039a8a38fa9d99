"""allauth tells us when a password changes; every API token of that person then dies.

The receivers only translate allauth's signals into a call of the service (no logic here). A
password changed by a path that sends no signal (Django admin, ``changepassword``) still kills
the tokens: each token carries a fingerprint of the password it was issued under.
"""

from allauth.account.signals import password_changed, password_reset, password_set
from django.dispatch import receiver


@receiver(password_changed, dispatch_uid="lunarshare-tokens-password-changed")
@receiver(password_set, dispatch_uid="lunarshare-tokens-password-set")
@receiver(password_reset, dispatch_uid="lunarshare-tokens-password-reset")
def revoke_tokens_on_password_change(sender, request=None, user=None, signal=None, **kwargs):
    from .services import token_revoke_all

    reason = "password_reset" if signal is password_reset else "password_changed"
    token_revoke_all(actor=user, user=user, reason=reason)
