"""allauth tells us when a password changes or an authenticator is removed; the API tokens
that relied on them then die.

The receivers only translate allauth's signals into a call of the service (no logic here). A
password changed by a path that sends no signal (``changepassword``) still kills the tokens:
each token carries a fingerprint of the password it was issued under; the Django admin calls
:func:`~lunarshare.accounts.services.user_set_password` itself.
"""

from allauth.account.signals import password_changed, password_reset, password_set
from allauth.mfa.signals import authenticator_removed
from django.dispatch import receiver


@receiver(password_changed, dispatch_uid="lunarshare-tokens-password-changed")
@receiver(password_set, dispatch_uid="lunarshare-tokens-password-set")
@receiver(password_reset, dispatch_uid="lunarshare-tokens-password-reset")
def revoke_tokens_on_password_change(sender, request=None, user=None, signal=None, **kwargs):
    from .services import token_revoke_all

    reason = "password_reset" if signal is password_reset else "password_changed"
    token_revoke_all(actor=user, user=user, reason=reason)


@receiver(authenticator_removed, dispatch_uid="lunarshare-tokens-totp-removed")
def revoke_second_factor_tokens_on_totp_removal(sender, request=None, user=None, authenticator=None, **kwargs):
    """Tokens issued with a code relied on a second factor the account no longer has."""
    from allauth.mfa.models import Authenticator

    from .security import has_totp
    from .services import token_revoke_second_factor

    if authenticator is not None and authenticator.type == Authenticator.Type.TOTP and not has_totp(user):
        token_revoke_second_factor(actor=user, user=user)
