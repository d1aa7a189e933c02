"""Who may do what with a fund's money and its applications.

The partnership's managers run funds, rounds, eligibility, moderation, decisions, offers and payments; a
round's assessors score its applications (unless they declared a conflict); an applicant organisation's
members fill in, submit and withdraw its applications, and accept or decline its offers. Nobody else.
"""

from typing import Any

import rules

from saferhub.core.actors import Actor
from saferhub.grants.models import (
    ApplicantMember,
    Application,
    Award,
    ConflictOfInterest,
    GrantRound,
    ProjectReturn,
)
from saferhub.partnerships.permissions import manages


def _application_of(record: Any) -> Application | None:
    """The application a record is of: itself, the award made to it, or a report of that award."""
    if isinstance(record, Application):
        return record
    if isinstance(record, Award):
        return record.application
    if isinstance(record, ProjectReturn):
        return record.award.application
    return None


@rules.predicate
def applies_for_its_organisation(user: Actor, record: Any) -> bool:
    """A member of the organisation the application (or the award made to it) is for."""
    application = _application_of(record)
    return (
        application is not None
        and user.is_authenticated
        and ApplicantMember.objects.filter(
            user_id=user.pk, organisation_id=application.organisation_id
        ).exists()
    )


@rules.predicate
def assesses_its_round(user: Actor, record: Any) -> bool:
    """An assessor named on the round (of the application), who has not declared a conflict with it."""
    if isinstance(record, GrantRound):
        return record.assessors.filter(pk=user.pk).exists()
    application = _application_of(record)
    return (
        application is not None
        and application.grant_round.assessors.filter(pk=user.pk).exists()
        and not ConflictOfInterest.objects.filter(application=application, assessor_id=user.pk).exists()
    )


@rules.predicate
def is_named_assessor(user: Actor, record: Any) -> bool:
    """An assessor named on the application's round, conflict or not: they may declare one."""
    application = _application_of(record)
    return application is not None and application.grant_round.assessors.filter(pk=user.pk).exists()


# Funds, rounds, eligibility, moderation, decisions, offers, payments, variations, claw-back.
rules.add_perm("grants.manage", rules.is_authenticated & manages)
# Filling in, submitting and withdrawing an application; accepting or declining an offer; reporting.
rules.add_perm("grants.apply", rules.is_authenticated & applies_for_its_organisation)
# Scoring an application of one's round.
# Filling in and submitting a funded project's quarterly report: its organisation, or the managers.
rules.add_perm("grants.report", rules.is_authenticated & (manages | applies_for_its_organisation))
rules.add_perm("grants.score", rules.is_authenticated & assesses_its_round)
# Seeing a round and its applications: the managers, and the round's assessors.
rules.add_perm("grants.view_round", rules.is_authenticated & (manages | assesses_its_round))
rules.add_perm("grants.declare_conflict", rules.is_authenticated & is_named_assessor)


@rules.predicate
def applies_for_organisation(user: Actor, organisation: Any) -> bool:
    """A member of this applicant organisation."""
    organisation_pk = getattr(organisation, "pk", None)
    return (
        user.is_authenticated
        and organisation_pk is not None
        and ApplicantMember.objects.filter(user_id=user.pk, organisation_id=organisation_pk).exists()
    )


# Inviting colleagues to work on the organisation's applications: its own members.
rules.add_perm("grants.invite_colleagues", rules.is_authenticated & applies_for_organisation)
