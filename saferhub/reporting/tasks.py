"""Background work for reporting rounds: the emails to returns' leads."""

from django.tasks import task

from saferhub.reporting import emails
from saferhub.reporting.definitions import return_kind_named


@task
def return_email_send(*, return_kind: str, return_id: int, email: str) -> None:
    record = return_kind_named(return_kind).return_model._default_manager.filter(pk=return_id).first()
    if record is not None:
        emails.return_email_send(record=record, email=email)
