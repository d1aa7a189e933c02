"""Writes about people: sign-in, two-factor devices and API tokens. Each one audited."""

import hashlib
import re
import secrets
from functools import partial

from axes.utils import reset as axes_reset
from django.contrib.auth import authenticate, login, logout
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from saferhub.accounts.emails import TwoFactorChange
from saferhub.accounts.models import ApiToken, User
from saferhub.accounts.tasks import (
    invitation_email_send,
    role_invitation_email_send,
    two_factor_change_email_send,
)
from saferhub.audit.models import AuditVerb
from saferhub.audit.services import audit_event_record
from saferhub.core.actors import Actor

TOKEN_PREFIX = "shb_"  # noqa: S105 - a public marker that makes leaked tokens easy to spot
# A security code is six digits; a password cannot be (the validators refuse short or all-numeric ones).
SECURITY_CODE = re.compile(r"\d{6}")


def user_create(
    *, actor: Actor | None, email: str, full_name: str, password: str | None = None, job_title: str = ""
) -> User:
    """An account; with no password it cannot sign in until its holder sets one from an emailed link."""
    with transaction.atomic():
        user = User.objects.create_user(email, password, full_name=full_name, job_title=job_title)
        audit_event_record(actor=actor, verb=AuditVerb.CREATED, target=user)
    return user


def user_sign_in(*, request: HttpRequest, user: User, device: TOTPDevice | None = None) -> None:
    """Start the session; `device` is the TOTP device the person has just proved they hold."""
    with transaction.atomic():
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        if device is not None:
            otp_login(request, device)
        audit_event_record(
            actor=user, verb=AuditVerb.SIGNED_IN, target=user, context={"two_factor": device is not None}
        )


def user_sign_out(*, request: HttpRequest) -> None:
    user = request.user
    if user.is_authenticated:
        audit_event_record(actor=user, verb=AuditVerb.SIGNED_OUT, target=user)
    logout(request)


def user_sign_in_failed(*, email: str) -> None:
    audit_event_record(actor=None, verb=AuditVerb.SIGN_IN_FAILED, context={"email": email[:254]})


def totp_device_confirmed_for(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def totp_device_start(*, user: User) -> TOTPDevice:
    """An unconfirmed device, replaced on each attempt until the person enters a code from it."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def user_identity_confirm(*, request: HttpRequest, user: User, proof: str, purpose: str) -> bool:
    """Whether `proof` is the signed-in person's password or a code their authenticator shows now.

    Asked before their two-factor authentication is removed or replaced, so that a live session alone
    (a computer left unlocked, a stolen cookie) cannot do it. A wrong password counts towards the sign-in
    lockout and a wrong code towards the device's own throttle, so neither can be guessed here; each wrong
    answer is audited as a refusal.
    """
    device = totp_device_confirmed_for(user)
    if device is not None and SECURITY_CODE.fullmatch(proof.strip()):
        confirmed = device.verify_token(proof.strip())
    else:
        confirmed = authenticate(request, email=user.email, password=proof) == user
    if not confirmed:
        audit_event_record(
            actor=user, verb=AuditVerb.REFUSED, target=user, context={"action": purpose, "reason": "identity"}
        )
    return confirmed


def totp_device_confirm(*, request: HttpRequest, user: User, device: TOTPDevice, token: str) -> bool:
    """Make the new device the person's one device, once they enter a code from it; tell them by email."""
    if not device.verify_token(token):
        return False
    with transaction.atomic():
        replaced, _ = TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        otp_login(request, device)
        audit_event_record(
            actor=user, verb=AuditVerb.TWO_FACTOR_ENABLED, target=user, context={"replaced": bool(replaced)}
        )
        two_factor_change_notice_enqueue(
            user=user, change=TwoFactorChange.REPLACED if replaced else TwoFactorChange.SET_UP
        )
    return True


def totp_device_remove(*, user: User) -> None:
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        audit_event_record(actor=user, verb=AuditVerb.TWO_FACTOR_DISABLED, target=user)
        two_factor_change_notice_enqueue(user=user, change=TwoFactorChange.REMOVED)


def two_factor_change_notice_enqueue(*, user: User, change: TwoFactorChange) -> None:
    """Queue the email that tells the person, once the change commits: if it was not them, they can act."""
    now = timezone.localtime()
    changed_at = f"{now.day} {now:%B %Y at %H:%M}"
    transaction.on_commit(
        partial(
            two_factor_change_email_send.enqueue, user_id=user.pk, change=change.value, changed_at=changed_at
        )
    )


def password_changed(*, user: User) -> None:
    """Audit it, and lift any sign-in lockout: the person has just proved they hold the mailbox."""
    audit_event_record(actor=user, verb=AuditVerb.PASSWORD_CHANGED, target=user)
    axes_reset(username=user.email)


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Returns the token record and the secret, which is never stored and shown only once."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name, prefix=secret[: len(TOKEN_PREFIX) + 6], token_hash=_token_digest(secret)
        )
        audit_event_record(actor=user, verb=AuditVerb.TOKEN_CREATED, target=token)
    return token, secret


def api_token_revoke(*, user: User, token: ApiToken) -> None:
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_event_record(actor=user, verb=AuditVerb.TOKEN_REVOKED, target=token)


def api_token_authenticate(*, secret: str) -> User | None:
    """The active user who holds this token, or None. Records when it was last used."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=_token_digest(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


def totp_device_unconfirmed_for(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).first()


def user_details_update(*, user: User, full_name: str, job_title: str) -> User:
    with transaction.atomic():
        user.full_name = full_name
        user.job_title = job_title
        user.save(update_fields=["full_name", "job_title"])
        audit_event_record(actor=user, verb=AuditVerb.UPDATED, target=user)
    return user


def account_invitation_enqueue(*, user: User, partnership_name: str) -> None:
    """Queue the invitation email to go out once the transaction that created the account commits."""
    transaction.on_commit(
        partial(invitation_email_send.enqueue, user_id=user.pk, partnership_name=partnership_name)
    )


def role_invitation_enqueue(*, user: User, partnership_name: str, role: str, invited_by: str) -> None:
    """Queue the email that tells someone who already has an account of a role offered to them, on commit.

    `role` is as it ends a sentence ("an analyst"); `invited_by` names who offered it.
    """
    transaction.on_commit(
        partial(
            role_invitation_email_send.enqueue,
            user_id=user.pk,
            partnership_name=partnership_name,
            role=role,
            invited_by=invited_by,
        )
    )
