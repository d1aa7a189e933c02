"""Reads of the assessing pages: an application as the partnership's staff see it, the scores each may see,
what its state allows next, and a round's ranking against the money its fund has left.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.db import models
from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from saferhub.core.actors import Actor
from saferhub.grants import selectors
from saferhub.grants.models import (
    Application,
    ApplicationStatus,
    ApplicationStep,
    Award,
    ConflictOfInterest,
    Criterion,
    GrantRound,
    ModeratedScore,
    Score,
)
from saferhub.grants.workflows import APPLICATION_WORKFLOW
from saferhub.partnerships.models import Partnership

S = ApplicationStatus
# Once moderated, the scores are no longer given alone: the round's assessors may see each other's.
MODERATED_OR_LATER = frozenset({S.MODERATED, S.APPROVED, S.REJECTED})
# Still competing for the fund's money: being scored, moderated, or approved and not yet offered an award.
RANKED = frozenset({S.ELIGIBLE, S.MODERATED, S.APPROVED})


def application_for_staff(user: Actor, partnership: Partnership, public_id: Any) -> Application:
    """A submitted application to a round of the partnership's funds, for its managers and the round's named
    assessors (a conflicted one included: the page tells them why they see no more). A draft is the
    applicant's own. Anyone else gets a 404."""
    try:
        application = (
            Application.objects.exclude(status=S.DRAFT)
            .select_related("grant_round__fund__partnership", "organisation")
            .get(public_id=public_id, grant_round__fund__partnership=partnership)
        )
    except (Application.DoesNotExist, ValueError, TypeError):
        raise Http404("No such application") from None
    if not (
        user.has_perm("grants.manage", application)
        or application.grant_round.assessors.filter(pk=user.pk).exists()
    ):
        raise Http404("No such application")
    return application


def conflict_of(application: Application, user: Actor) -> ConflictOfInterest | None:
    """The conflict of interest this person declared with the application, if they did."""
    return ConflictOfInterest.objects.filter(application=application, assessor_id=user.pk).first()


def conflicts_of(application: Application) -> models.QuerySet[ConflictOfInterest]:
    return application.conflicts.select_related("assessor").order_by("created_at", "id")


def award_of(application: Application) -> Award | None:
    return Award.objects.filter(application=application).first()


class Step(StrEnum):
    """The assessing steps an application's state may allow: each is a page."""

    ELIGIBILITY = "eligibility"
    CONFLICT = "conflict"
    SCORE = "score"
    MODERATE = "moderate"
    DECIDE = "decide"


def _sources(transition: str) -> frozenset[str]:
    return APPLICATION_WORKFLOW.transition_named(transition).sources


# The states each step is taken in, and the rule the page gives when it is not. Scoring and declaring a
# conflict are not lifecycle steps: their states are the ones services.scores_record and conflict_declare
# check.
STEP_STATES: dict[Step, tuple[frozenset[str], str]] = {
    Step.ELIGIBILITY: (_sources("rule_eligible"), "its eligibility is ruled on once it is submitted"),
    Step.CONFLICT: (frozenset({S.SUBMITTED, S.ELIGIBLE}), "a conflict is declared before it is moderated"),
    Step.SCORE: (frozenset({S.ELIGIBLE}), "it is scored only while eligible and not yet moderated"),
    Step.MODERATE: (_sources("moderate"), "it is moderated once it is eligible and scored"),
    Step.DECIDE: (_sources("approve"), "it is decided once it is moderated"),
}


def step_refusal(application: Application, step: Step) -> str:
    """Why the application's state does not allow the step now, or "" when it does."""
    states, rule = STEP_STATES[step]
    if application.status in states:
        return ""
    return f"This application is {application.get_status_display().lower()}: {rule}"


def steps_open(application: Application) -> frozenset[Step]:
    """The steps the application's state allows (whether this person may take them is the permissions')."""
    return frozenset(step for step in Step if not step_refusal(application, step))


def score_refusal(application: Application, user: Actor) -> str:
    """Why this assessor cannot score the application now: a conflict they declared, or its state."""
    conflict = conflict_of(application, user)
    if conflict is not None:
        return (
            f"You declared a conflict of interest with this application on {conflict.created_at:%-d %B %Y} "
            f"(“{conflict.reason}”), so you cannot score it"
        )
    return step_refusal(application, Step.SCORE)


@dataclass(frozen=True)
class ScoreSpread:
    """What the assessors scored on one criterion, before moderation agrees one score (the shape of the
    assessment workshop's spread, with the mean the round's scores use)."""

    values: tuple[int, ...]
    low: int | None
    high: int | None
    mean: Decimal | None

    @property
    def agreed_already(self) -> bool:
        return self.low == self.high


def spread_of(values: list[int]) -> ScoreSpread:
    ordered = tuple(sorted(values))
    if not ordered:
        return ScoreSpread(values=(), low=None, high=None, mean=None)
    mean = (Decimal(sum(ordered)) / len(ordered)).quantize(Decimal("0.1"))
    return ScoreSpread(values=ordered, low=ordered[0], high=ordered[-1], mean=mean)


@dataclass(frozen=True)
class CriterionScores:
    """One criterion of an application: the assessors' scores with their comments, and the agreed one."""

    criterion: Criterion
    scores: list[Score]
    moderated: ModeratedScore | None

    @property
    def spread(self) -> ScoreSpread:
        return spread_of([score.score for score in self.scores])


def criterion_scores(application: Application, *, assessor: Actor | None = None) -> list[CriterionScores]:
    """Each criterion of the application's round with its scores (every assessor's, or only `assessor`'s),
    by assessor name, and the moderated score: three queries."""
    scores = application.scores.select_related("assessor").order_by("assessor__full_name", "assessor_id")
    if assessor is not None:
        scores = scores.filter(assessor_id=assessor.pk)
    by_criterion: dict[int, list[Score]] = defaultdict(list)
    for score in scores:
        by_criterion[score.criterion_id].append(score)
    moderated = {agreed.criterion_id: agreed for agreed in application.moderated_scores.all()}
    return [
        CriterionScores(criterion, by_criterion[criterion.pk], moderated.get(criterion.pk))
        for criterion in application.grant_round.criteria.all()
    ]


def sees_every_score(user: Actor, application: Application) -> bool:
    """The managers always; the round's assessors once it is moderated. Before, each scores alone."""
    return user.has_perm("grants.manage", application) or application.status in MODERATED_OR_LATER


def application_history(application: Application) -> list[tuple[str, ApplicationStep]]:
    """The application's steps, oldest first, each with its label ("submitted", "passed to the
    assessors")."""
    return [
        (APPLICATION_WORKFLOW.transition_named(step.kind).label, step)
        for step in application.steps.select_related("actor")
    ]


def is_assessor_of(grant_round: GrantRound, user: Actor) -> bool:
    return grant_round.assessors.filter(pk=user.pk).exists()


def applications_to_score(grant_round: GrantRound, user: Actor) -> list[Application]:
    """The assessor's work list: the round's applications being scored that they have not declared a
    conflict with and have not yet scored on every criterion."""
    criteria = grant_round.criteria.count()
    return list(
        grant_round.applications.filter(status=S.ELIGIBLE)
        .exclude(conflicts__assessor_id=user.pk)
        .annotate(scored=Count("scores", filter=Q(scores__assessor_id=user.pk)))
        .filter(scored__lt=criteria)
        .select_related("organisation")
        .order_by("title")
    )


@dataclass(frozen=True)
class RankedApplication:
    """An application in the round's ranking: its score (moderated, else the assessors' mean), and, when it
    reaches the pass mark, the running total of what it and those above it ask for."""

    application: Application
    percent: Decimal | None
    moderated: bool
    passes: bool
    running_total_pence: int | None
    within_money: bool


@dataclass(frozen=True)
class Ranking:
    remaining_pence: int
    pass_mark_percent: int
    rows: list[RankedApplication]

    @property
    def runs_out_at(self) -> RankedApplication | None:
        """The first application above the pass mark that the money left would not fund."""
        return next((row for row in self.rows if row.passes and not row.within_money), None)

    @property
    def funded_pence(self) -> int:
        """What the applications the money left would fund ask for, together."""
        return max((row.running_total_pence or 0 for row in self.rows if row.within_money), default=0)


def round_ranking(
    grant_round: GrantRound, scores: dict[int, selectors.ApplicationScores] | None = None
) -> Ranking:
    """The round's applications still competing for money (being scored, moderated, or approved without an
    offer yet), best first, against what the fund has left: a running total of the requests of those at or
    above the pass mark shows which ones the money would fund, in order, and where it runs out. One not yet
    scored by any assessor on every criterion is listed last, unranked."""
    scores = selectors.application_scores(grant_round) if scores is None else scores
    remaining = selectors.fund_money(grant_round.fund).remaining
    candidates = grant_round.applications.filter(status__in=RANKED, award__isnull=True).select_related(
        "organisation"
    )
    ordered = sorted(
        candidates,
        key=lambda a: (
            scores[a.pk].standing is None,
            -(scores[a.pk].standing or 0),
            a.submitted_at or timezone.now(),
            a.title,
        ),
    )
    rows, total = [], 0
    for application in ordered:
        score = scores[application.pk]
        passes = bool(score.reaches_pass_mark(score.standing))
        if passes:
            total += application.amount_requested_pence
        rows.append(
            RankedApplication(
                application=application,
                percent=score.moderated_percent if score.moderated is not None else score.mean_percent,
                moderated=score.moderated is not None,
                passes=passes,
                running_total_pence=total if passes else None,
                within_money=passes and total <= remaining,
            )
        )
    return Ranking(remaining_pence=remaining, pass_mark_percent=grant_round.pass_mark_percent, rows=rows)


def round_close_refusal(grant_round: GrantRound) -> str:
    """Why the round cannot be closed now (as services.round_close refuses), or ""."""
    now = timezone.now()
    if grant_round.closes_at <= now:
        return "This round has closed already"
    if grant_round.opens_at > now:
        return "This round has not opened yet: change its dates instead"
    return ""


def drafts_of(grant_round: GrantRound) -> int:
    """How many applications to the round are still drafts: closing it stops them being submitted."""
    return grant_round.applications.filter(status=S.DRAFT).count()
