"""Background work for performance: the emails to priority leads, and the daily reminder run."""

from django.tasks import task
from django.utils import timezone

from saferhub.performance.models import QuarterlyReturn
from saferhub.performance.services import return_email_send as email_send
from saferhub.performance.services import return_reminders_send


@task
def return_email_send(*, return_id: int, kind: str) -> None:
    quarterly_return = QuarterlyReturn.objects.filter(pk=return_id).first()
    if quarterly_return is not None:
        email_send(quarterly_return=quarterly_return, kind=kind)


@task
def return_reminders_run() -> int:
    """The same run as `saferhub send_return_reminders`, for a worker-side schedule."""
    return return_reminders_send(today=timezone.localdate())
