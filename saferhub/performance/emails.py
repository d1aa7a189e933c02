"""The emails to a return's lead: the reminders before and after its due date, and that it was returned.

Below the services and the tasks: the task worker sends them (tasks.return_email_send), and the services
enqueue that task.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from saferhub.performance.models import QuarterlyReturn, ReturnStepKind

# The kinds of email: the two reminders (also what QuarterlyReturn.reminders_sent records) and the return.
BEFORE, AFTER, RETURNED = "before", "after", "returned"


def return_email_send(*, quarterly_return: QuarterlyReturn, kind: str) -> bool:
    """Email the return's lead: a reminder ('before', 'after') or that it was returned ('returned')."""
    lead = quarterly_return.priority.lead_user
    if lead is None or not lead.is_active:
        return False
    partnership = quarterly_return.audit_partnership
    link = settings.SAFERHUB_BASE_URL + reverse(
        "performance:return", args=[partnership.slug, quarterly_return.public_id]
    )
    subjects = {
        BEFORE: f"Your {quarterly_return.reporting_round.label} return is due soon",
        AFTER: f"Your {quarterly_return.reporting_round.label} return is overdue",
        RETURNED: f"Your {quarterly_return.reporting_round.label} return has been returned to you",
    }
    body = render_to_string(
        "performance/email/return.txt",
        {
            "lead": lead,
            "kind": kind,
            "quarterly_return": quarterly_return,
            "partnership": partnership,
            "comment": quarterly_return.steps.filter(kind=ReturnStepKind.RETURNED).last(),
            "link": link,
        },
    )
    send_mail(f"{subjects[kind]}: {quarterly_return.priority.title}", body, None, [lead.email])
    return True
