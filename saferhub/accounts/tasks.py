"""Background work for accounts: email goes out from the task worker, not the web request."""

from django.tasks import task

from saferhub.accounts.models import User
from saferhub.accounts.services import (
    TwoFactorChange,
    account_invitation_send,
    role_invitation_send,
    two_factor_change_notice_send,
)


@task
def invitation_email_send(*, user_id: int, partnership_name: str) -> None:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is not None:
        account_invitation_send(user=user, partnership_name=partnership_name)


@task
def role_invitation_email_send(*, user_id: int, partnership_name: str, role: str, invited_by: str) -> None:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is not None:
        role_invitation_send(user=user, partnership_name=partnership_name, role=role, invited_by=invited_by)


@task
def two_factor_change_email_send(*, user_id: int, change: str, changed_at: str) -> None:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is not None:
        two_factor_change_notice_send(user=user, change=TwoFactorChange(change), changed_at=changed_at)
