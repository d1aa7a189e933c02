"""Background work for accounts: email goes out from the task worker, not the web request."""

from django.tasks import task

from saferhub.accounts import emails
from saferhub.accounts.models import User


@task
def invitation_email_send(*, user_id: int, partnership_name: str) -> None:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is not None:
        emails.account_invitation_send(user=user, partnership_name=partnership_name)


@task
def role_invitation_email_send(*, user_id: int, partnership_name: str, role: str, invited_by: str) -> None:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is not None:
        emails.role_invitation_send(
            user=user, partnership_name=partnership_name, role=role, invited_by=invited_by
        )


@task
def two_factor_change_email_send(*, user_id: int, change: str, changed_at: str) -> None:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is not None:
        emails.two_factor_change_notice_send(
            user=user, change=emails.TwoFactorChange(change), changed_at=changed_at
        )
