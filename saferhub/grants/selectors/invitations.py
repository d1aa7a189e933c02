"""Reads for bringing applicants in: the links of invitations and sign-ups, the organisations a manager may
invite to a round, and an applicant organisation's people."""

from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db import models
from django.http import Http404

from saferhub.accounts.models import User
from saferhub.core.actors import Actor
from saferhub.grants.models import ApplicantInvitation, ApplicantMember, Application, GrantRound
from saferhub.grants.selectors import organisations_of_applicant
from saferhub.partnerships.models import Organisation, OrganisationType, Partnership


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """The accounts' invitation links are Django's password-reset tokens; an applicant's invitation is
    signed the same way, of the invitation instead of an account (there may be no account yet). Nothing
    secret is stored, the link expires after PASSWORD_RESET_TIMEOUT, and it stops working once used."""

    key_salt = "saferhub.grants.ApplicantInvitation"

    # Typed for an invitation, where Django's stubs say an account.
    def make_token(self, user: Any) -> str:
        return super().make_token(user)

    def check_token(self, user: Any, token: str | None) -> bool:
        return super().check_token(user, token)

    def _make_hash_value(self, user: Any, timestamp: int) -> str:  # `user` is the invitation here
        return f"{user.public_id}{user.email}{user.used_at}{timestamp}"


invitation_tokens = InvitationTokenGenerator()
# How long a link works, as the pages and emails say it.
LINK_DAYS = settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60)


def invitation_token(invitation: ApplicantInvitation) -> str:
    """The token of the invitation's link: its id, then its signature."""
    return f"{invitation.public_id.hex}-{invitation_tokens.make_token(invitation)}"


def invitation_for_token(token: str) -> ApplicantInvitation | None:
    """The invitation a link opens, or None when it cannot be used: unknown, tampered with, expired or
    used. The caller says the same for all four, so a link tells nobody anything about an address."""
    public_hex, _, signature = token.partition("-")
    try:
        public_id = UUID(hex=public_hex)
    except ValueError:
        return None
    invitation = (
        ApplicantInvitation.objects.select_related("organisation", "grant_round__fund__partnership")
        .filter(public_id=public_id, used_at__isnull=True)
        .first()
    )
    return (
        invitation
        if invitation is not None and invitation_tokens.check_token(invitation, signature)
        else None
    )


def account_of(email: str) -> User | None:
    """The active account of an address, for the holder of a link sent to it (who has proved the mailbox)."""
    return User.objects.filter(email__iexact=email, is_active=True).first()


def round_of_partnership(partnership: Partnership, public_id: Any) -> GrantRound:
    """A round of one of the partnership's funds, whoever asks (the view checks their role): else 404."""
    try:
        return GrantRound.objects.select_related("fund__partnership").get(
            public_id=public_id, fund__partnership=partnership
        )
    except (GrantRound.DoesNotExist, ValueError, TypeError):
        raise Http404("No such round") from None


def organisations_known_to(partnership: Partnership) -> models.QuerySet[Organisation]:
    """The voluntary organisations a partnership's managers may invite people of: its own voluntary
    partners, those that have applied to its funds, and those it has invited before. Not every voluntary
    organisation of the platform: a manager could otherwise let themselves into any group's applications."""
    known = (
        models.Q(partnerships__partnership=partnership)
        | models.Q(
            pk__in=Application.objects.filter(grant_round__fund__partnership=partnership).values(
                "organisation_id"
            )
        )
        | models.Q(
            pk__in=ApplicantInvitation.objects.filter(grant_round__fund__partnership=partnership).values(
                "organisation_id"
            )
        )
    )
    return Organisation.objects.filter(known, type=OrganisationType.VOLUNTARY).distinct().order_by("name")


def organisation_named(name: str) -> bool:
    """Whether an organisation of this name (in any case) is registered: names are unique."""
    return Organisation.objects.filter(name__iexact=name.strip()).exists()


def organisation_of_applicant(user: Actor, public_id: Any) -> Organisation:
    """An organisation the person applies for; any other is a 404."""
    try:
        return organisations_of_applicant(user).get(public_id=public_id)
    except (Organisation.DoesNotExist, ValueError, TypeError):
        raise Http404("No such organisation") from None


def applicant_people(organisation: Organisation) -> models.QuerySet[ApplicantMember]:
    """The people who apply for the organisation, by name."""
    return organisation.applicant_members.select_related("user").order_by("user__full_name")


def invitations_waiting(organisation: Organisation) -> models.QuerySet[ApplicantInvitation]:
    """The organisation's invitations not yet accepted (an expired one too: the person may be invited
    again)."""
    return organisation.applicant_invitations.filter(used_at__isnull=True).order_by("name_given")
