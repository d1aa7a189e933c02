"""Background work of the register: the emails reminding a partnership's managers of a review."""

import datetime as dt

from django.tasks import task

from saferhub.governance import emails
from saferhub.governance.models import SHARING_STATUSES, SharingAgreement


@task
def review_reminder_email_send(*, agreement_id: int, review_on: str) -> None:
    # An agreement renewed (a new review date) or ended since the reminder was queued needs none.
    agreement = (
        SharingAgreement.objects.select_related("partnership")
        .filter(pk=agreement_id, status__in=SHARING_STATUSES, review_on=dt.date.fromisoformat(review_on))
        .first()
    )
    if agreement is not None:
        emails.review_reminder_send(agreement)
