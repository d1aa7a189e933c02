"""The email that carries an applicant invitation's link: an invitation to apply, or the confirmation of a
sign-up. Below the services and the tasks: the task worker sends it (tasks.invitation_email_send)."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from saferhub.grants.models import ApplicantInvitation
from saferhub.grants.selectors.invitations import LINK_DAYS, invitation_token


def _invitation_email_compose(invitation: ApplicantInvitation) -> tuple[str, str]:
    """The subject and text of the email that carries the invitation's link."""
    link = settings.SAFERHUB_BASE_URL + reverse(
        "grants:invitation-accept", kwargs={"token": invitation_token(invitation)}
    )
    body = render_to_string(
        "grants/invitations/email/invitation.txt",
        {
            "invitation": invitation,
            "invited_by": invitation.invited_by,
            "grant_round": invitation.grant_round,
            "link": link,
            "link_days": LINK_DAYS,
        },
    )
    if invitation.is_sign_up:
        subject = "Confirm your email address to apply for funding on Saferhub"
    else:
        # The services refuse a name with a line break, which the mail library refuses in a header; one
        # recorded before they did is put on one line here, rather than stopping its email.
        organisation = " ".join(invitation.organisation_title.split())
        subject = f"You have been invited to apply for funding for {organisation} on Saferhub"
    return subject, body


def invitation_email_send(invitation: ApplicantInvitation) -> None:
    subject, body = _invitation_email_compose(invitation)
    send_mail(subject, body, None, [invitation.email])
