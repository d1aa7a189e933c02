"""Background work for performance: the emails to priority leads."""

from django.tasks import task

from saferhub.performance import emails
from saferhub.performance.models import QuarterlyReturn


@task
def return_email_send(*, return_id: int, kind: str) -> None:
    quarterly_return = QuarterlyReturn.objects.filter(pk=return_id).first()
    if quarterly_return is not None:
        emails.return_email_send(quarterly_return=quarterly_return, kind=kind)
