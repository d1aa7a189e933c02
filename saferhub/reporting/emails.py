"""The emails to a return's lead: the reminders before and after its due date, and that it was returned.

Below the services and the tasks: the task worker sends them (tasks.return_email_send), and the services
and the workflow enqueue that task. Each kind words them with its own template and subject lines.
"""

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

from saferhub.reporting.definitions import return_kind_of
from saferhub.reporting.models import ReturnStepKind


def return_email_send(*, record: Any, email: str) -> bool:
    """Email the return's lead: a reminder (BEFORE, AFTER) or that it was returned (RETURNED)."""
    kind = return_kind_of(record)
    lead = kind.lead_of(record)
    if lead is None or not lead.is_active:
        return False
    partnership = record.audit_partnership
    reporting_round = record.reporting_round
    subject = kind.subject_of(record)
    body = render_to_string(
        kind.email_template,
        {
            "lead": lead,
            "email": email,
            "record": record,
            "subject": subject,
            "round": reporting_round,
            "partnership": partnership,
            "comment": record.steps.filter(kind=ReturnStepKind.RETURNED).last(),
            "link": settings.SAFERHUB_BASE_URL + kind.page_path(record),
        },
    )
    line = kind.email_subjects[email].format(round=reporting_round.label)
    send_mail(f"{line}: {subject}", body, None, [lead.email])
    return True
