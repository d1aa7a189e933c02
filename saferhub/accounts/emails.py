"""The emails to a person about their account: an invitation, a role offered, a two-factor change.

Below the services and the tasks: the task worker sends them (tasks.py), and the services enqueue those
tasks.
"""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import models
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from saferhub.accounts.models import User


class TwoFactorChange(models.TextChoices):
    """What happened to a person's two-factor authentication, as their email tells them."""

    SET_UP = "set_up", "set up"
    REPLACED = "replaced", "moved to a new authenticator app"
    REMOVED = "removed", "removed"


def two_factor_change_notice_send(*, user: User, change: TwoFactorChange, changed_at: str) -> None:
    body = render_to_string(
        "accounts/email/two_factor_changed.txt",
        {
            "user": user,
            "change": change.label,
            "changed_at": changed_at,
            "reset_link": settings.SAFERHUB_BASE_URL + reverse("accounts:password-reset"),
        },
    )
    send_mail(
        f"Two-factor authentication was {change.label} on your Saferhub account", body, None, [user.email]
    )


def account_invitation_send(*, user: User, partnership_name: str) -> None:
    """Email a new person a link to choose their password (the password-reset link, which works once)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    link = settings.SAFERHUB_BASE_URL + reverse("accounts:password-reset-confirm", args=[uid, token])
    body = render_to_string(
        "accounts/email/invitation.txt", {"user": user, "partnership": partnership_name, "link": link}
    )
    send_mail(f"You have been invited to {partnership_name} on Saferhub", body, None, [user.email])


def role_invitation_send(*, user: User, partnership_name: str, role: str, invited_by: str) -> None:
    body = render_to_string(
        "accounts/email/role_invitation.txt",
        {
            "user": user,
            "partnership": partnership_name,
            "role": role,
            "invited_by": invited_by,
            "link": settings.SAFERHUB_BASE_URL + reverse("accounts:sign-in"),
        },
    )
    send_mail(f"You have been invited to {partnership_name} on Saferhub", body, None, [user.email])
