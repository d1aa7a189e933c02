"""Background work of the funding app: the emails of applicant invitations."""

from django.tasks import task

from saferhub.grants import emails
from saferhub.grants.models import ApplicantInvitation


@task
def invitation_email_send(*, invitation_id: int) -> None:
    # An invitation used (or gone) since it was queued sends nothing: its link would not work.
    invitation = (
        ApplicantInvitation.objects.select_related("organisation", "grant_round__fund", "invited_by")
        .filter(pk=invitation_id, used_at__isnull=True)
        .first()
    )
    if invitation is not None:
        emails.invitation_email_send(invitation)
