"""Background work for accounts: email goes out from the task worker, not the web request."""

from django.tasks import task

from saferhub.accounts.models import User
from saferhub.accounts.services import account_invitation_send


@task
def invitation_email_send(*, user_id: int, partnership_name: str) -> None:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is not None:
        account_invitation_send(user=user, partnership_name=partnership_name)
