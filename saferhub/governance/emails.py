"""The email reminding a partnership's managers that an agreement's review is coming. Below the services and
the tasks: the task worker sends it (tasks.review_reminder_email_send)."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from saferhub.governance.models import SharingAgreement
from saferhub.partnerships.models import MANAGING_ROLES
from saferhub.partnerships.selectors import people_with_role_in


def review_reminder_compose(agreement: SharingAgreement) -> tuple[str, str]:
    """The subject and text of the reminder."""
    link = settings.SAFERHUB_BASE_URL + reverse(
        "governance:agreement",
        kwargs={"slug": agreement.partnership.slug, "agreement_id": agreement.public_id},
    )
    body = render_to_string(
        "governance/email/review_reminder.txt",
        {"agreement": agreement, "partnership": agreement.partnership, "link": link},
    )
    # The mail library refuses a line break in a header, wherever a title got one from.
    title = " ".join(agreement.title.split())
    return f"Information sharing agreement due for review: {title}", body


def review_reminder_send(agreement: SharingAgreement) -> None:
    recipients = sorted(
        {
            person.email
            for role in MANAGING_ROLES
            for person in people_with_role_in(agreement.partnership, role)
            if person.is_active and person.email
        }
    )
    if recipients:
        subject, body = review_reminder_compose(agreement)
        # One email each: the managers need not see each other's addresses.
        for recipient in recipients:
            send_mail(subject, body, None, [recipient])
