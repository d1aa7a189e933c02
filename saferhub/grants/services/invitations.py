"""Writes for bringing applicants in: a manager invites an organisation to a round, an applicant invites a
colleague, a voluntary group signs up through a round's page, and a link is accepted. Each runs in one
transaction and is audited; the email goes out from the task worker once it commits.
"""

import datetime as dt
import unicodedata
from functools import partial

from django.db import transaction
from django.utils import timezone

from saferhub.accounts.models import User
from saferhub.accounts.services import user_create
from saferhub.audit.models import AuditVerb
from saferhub.audit.services import audit_event_record, audited_create
from saferhub.core.actors import Actor
from saferhub.design_system.filters import govuk_datetime
from saferhub.grants.models import ApplicantInvitation, ApplicantMember, GrantRound
from saferhub.grants.selectors.invitations import (
    account_of,
    organisation_named,
    organisations_known_to,
)
from saferhub.grants.services import applicant_add
from saferhub.grants.tasks import invitation_email_send
from saferhub.grants.workflows import GrantRefused
from saferhub.partnerships.models import Organisation, OrganisationType
from saferhub.partnerships.services import organisation_create

# One address is sent at most this many sign-up links a day: the sign-up page is open to anyone, and must
# not become a way to flood someone's mailbox. Past it the page says the same, and nothing is sent.
SIGN_UPS_PER_ADDRESS_PER_DAY = 3

# Names go into an email's subject and greeting, where a line break makes the mail library refuse to send
# it (once the invitation is recorded, so the person never hears of it), and are shown on pages, where a
# bidirectional control could make one name read as another. So a name holds none of them.
ONE_LINE_NAME = "Enter the name on one line, without special characters"
# The embeddings, overrides and isolates, by their bidirectional class.
_BIDIRECTIONAL_CONTROLS = frozenset({"LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"})


def is_one_line_name(name: str) -> bool:
    """Whether a name holds no control character (a line break, a tab, ...), no line or paragraph separator
    and no bidirectional control."""
    return not any(
        unicodedata.category(character) in ("Cc", "Zl", "Zp")
        or unicodedata.bidirectional(character) in _BIDIRECTIONAL_CONTROLS
        for character in name
    )


def _names_check(*names: str) -> None:
    if not all(is_one_line_name(name) for name in names):
        raise GrantRefused(ONE_LINE_NAME)


def _round_open_check(grant_round: GrantRound) -> None:
    now = timezone.now()
    if grant_round.opens_at > now:
        raise GrantRefused(f"This round opens at {govuk_datetime(grant_round.opens_at)}")
    if grant_round.closes_at <= now:
        raise GrantRefused(
            f"This round closed at {govuk_datetime(grant_round.closes_at)}: it takes no more applications"
        )


def _invitation_create(*, actor: Actor | None, values: dict[str, object]) -> ApplicantInvitation:
    """Record the invitation, audited, and email its link once the transaction commits."""
    invitation = audited_create(
        actor=actor,
        model=ApplicantInvitation,
        values=values,
        context={"email": values["email"], "sign_up": values.get("organisation") is None},
    )
    transaction.on_commit(partial(invitation_email_send.enqueue, invitation_id=invitation.pk))
    return invitation


def round_invitation_create(
    *,
    actor: Actor | None,
    grant_round: GrantRound,
    organisation: Organisation | None,
    new_organisation_name: str,
    name_given: str,
    email: str,
) -> ApplicantInvitation:
    """A manager invites a person of a voluntary organisation (one the partnership knows, or a new one,
    registered now) to apply to an open round. The same happens whether or not the address has an account."""
    if actor is None or not actor.has_perm("grants.manage", grant_round):
        raise GrantRefused("Only the partnership's managers can invite organisations to its rounds")
    _round_open_check(grant_round)
    _names_check(name_given, new_organisation_name)
    with transaction.atomic():
        if organisation is None:
            if organisation_named(new_organisation_name):
                raise GrantRefused(f"An organisation called ‘{new_organisation_name}’ is already registered")
            organisation = organisation_create(
                actor=actor, name=new_organisation_name.strip(), type=OrganisationType.VOLUNTARY
            )
        elif not organisations_known_to(grant_round.fund.partnership).filter(pk=organisation.pk).exists():
            raise GrantRefused(
                f"{organisation} is not a voluntary organisation this partnership works with or funds: "
                "invite it as a new organisation, or ask it to sign up through the round's page"
            )
        return _invitation_create(
            actor=actor,
            values={
                "email": email.strip().lower(),
                "name_given": name_given,
                "organisation": organisation,
                "grant_round": grant_round,
                "invited_by": actor,
            },
        )


def colleague_invite(
    *, actor: Actor | None, organisation: Organisation, name_given: str, email: str
) -> ApplicantInvitation:
    """A member of an applicant organisation invites a colleague to work on its applications with them."""
    if actor is None or not actor.has_perm("grants.invite_colleagues", organisation):
        raise GrantRefused("Only the organisation's own people can invite colleagues")
    _names_check(name_given)
    with transaction.atomic():
        return _invitation_create(
            actor=actor,
            values={
                "email": email.strip().lower(),
                "name_given": name_given,
                "organisation": organisation,
                "invited_by": actor,
            },
        )


def sign_up_request(
    *,
    grant_round: GrantRound,
    organisation_name: str,
    registered_number: str,
    full_name: str,
    email: str,
) -> None:
    """A voluntary group signs up through an open round's page: nothing exists but this request until the
    link emailed to the address is opened and accepted (`invitation_accept_with_new_account`, or
    `invitation_accept` for an address with an account), which makes the organisation and the account.
    No password is taken here: whoever signs up need not hold the address, so the password is chosen by
    whoever opens the link. Returns nothing, and says the same whether or not the address has an account,
    and whether or not its daily limit of links is reached."""
    _round_open_check(grant_round)
    _names_check(organisation_name, full_name)
    email = email.strip().lower()
    a_day_ago = timezone.now() - dt.timedelta(days=1)
    with transaction.atomic():
        sent_today = ApplicantInvitation.objects.filter(
            email=email, organisation__isnull=True, created_at__gte=a_day_ago
        ).count()
        if sent_today >= SIGN_UPS_PER_ADDRESS_PER_DAY:
            return
        _invitation_create(
            actor=None,
            values={
                "email": email,
                "name_given": full_name,
                "organisation_name": organisation_name.strip(),
                "registered_number": registered_number.strip(),
                "grant_round": grant_round,
            },
        )


def _locked_unused(invitation: ApplicantInvitation) -> ApplicantInvitation:
    """The invitation under its row lock, while unused: two clicks on one link make one membership."""
    locked = (
        ApplicantInvitation.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=invitation.pk)
    )
    if locked.used_at is not None:
        raise GrantRefused("This link has been used already")
    return locked


def invitation_accept(*, invitation: ApplicantInvitation, user: User) -> ApplicantMember:
    """The holder of the link's address joins the organisation (made now, for a sign-up). The link is
    used up."""
    if user.email.lower() != invitation.email:
        raise GrantRefused("This link was sent to another email address")
    with transaction.atomic():
        locked = _locked_unused(invitation)
        organisation = locked.organisation
        if organisation is None:
            if organisation_named(locked.organisation_name):
                raise GrantRefused(
                    f"An organisation called ‘{locked.organisation_name}’ has been registered since you "
                    "signed up: ask its people to invite you, or sign up again with your organisation's "
                    "full registered name"
                )
            organisation = organisation_create(
                actor=user, name=locked.organisation_name, type=OrganisationType.VOLUNTARY
            )
            locked.organisation = organisation
        locked.used_at = timezone.now()
        locked.save(update_fields=["organisation", "used_at", "updated_at"])
        audit_event_record(
            actor=user,
            verb=AuditVerb.UPDATED,
            target=locked,
            context={"outcome": "accepted", "organisation": organisation.name},
        )
        return applicant_add(actor=user, user=user, organisation=organisation)


def invitation_accept_with_new_account(
    *, invitation: ApplicantInvitation, full_name: str, password: str
) -> User:
    """A person new to Saferhub accepts, an invited one or one who signed up alike: their account is made,
    with the password they choose now, on the link's page, and they join the organisation."""
    _names_check(full_name)
    with transaction.atomic():
        if account_of(invitation.email) is not None:
            raise GrantRefused(
                "An account with this email address exists now: sign in, then open the link again"
            )
        user = user_create(actor=None, email=invitation.email, full_name=full_name, password=password)
        invitation_accept(invitation=invitation, user=user)
    return user
