"""Every write of the funding cycle: funds and rounds, applications, scoring and moderation, decisions,
offers, payments, variations, spend, claw-back and closing. Each runs in one transaction with its audit
event; a lifecycle step goes through the workflow engine (workflows.py), which records it.

Money is whole pence. A service that commits money (an offer, a variation, giving a lapsed offer longer)
locks the fund's row first, so that two at once cannot together exceed what is left; one that pays or
claws back locks the award's.
"""

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from saferhub.accounts.models import User
from saferhub.audit.models import AuditVerb
from saferhub.audit.services import audit_event_record, audited_create, audited_update
from saferhub.core.actors import Actor
from saferhub.design_system.filters import pounds
from saferhub.grants import selectors
from saferhub.grants.models import (
    RUNNING_AWARD_STATUSES,
    ApplicantMember,
    Application,
    ApplicationSection,
    ApplicationStatus,
    Award,
    AwardStatus,
    BudgetLine,
    Clawback,
    ConflictOfInterest,
    Criterion,
    Decision,
    Fund,
    GrantRound,
    Instalment,
    MatchFunding,
    ModeratedScore,
    Outcome,
    ProjectReturn,
    ProjectReturnRound,
    ProjectReturnSection,
    Score,
    Spend,
    Variation,
    VariationStatus,
)
from saferhub.grants.returns import PROJECT_RETURN
from saferhub.grants.workflows import OFFER_RESPONSE, GrantRefused
from saferhub.partnerships.models import Organisation, Partnership
from saferhub.plans.models import CrossCuttingTheme, Priority
from saferhub.reporting import services as reporting
from saferhub.workflow.services import deadline_reschedule, transition


@dataclass(frozen=True)
class CriterionSpec:
    name: str
    weight: int = 1
    guidance: str = ""
    max_score: int = 5


# Funds and rounds


def fund_create(
    *,
    actor: Actor | None,
    partnership: Partnership,
    name: str,
    funder: str,
    accountable_body: str,
    financial_year: int,
    total_pence: int,
    served: Iterable[Partnership] = (),
) -> Fund:
    with transaction.atomic():
        fund = audited_create(
            actor=actor,
            model=Fund,
            values={
                "partnership": partnership,
                "name": name,
                "funder": funder,
                "accountable_body": accountable_body,
                "financial_year": financial_year,
                "total_pence": total_pence,
                "created_by": actor if isinstance(actor, User) else None,
            },
        )
        fund.served.set([partnership, *served])
    return fund


def round_create(
    *,
    actor: Actor | None,
    fund: Fund,
    title: str,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    eligibility: str,
    max_award_pence: int,
    criteria: Sequence[CriterionSpec],
    questions: Sequence[str] = (),
    pass_mark_percent: int | None = None,
    assessors: Iterable[User] = (),
) -> GrantRound:
    assessors = list(assessors)
    if closes_at <= opens_at:
        raise GrantRefused("A round closes after it opens")
    if not criteria:
        raise GrantRefused("A round needs at least one criterion to score applications against")
    with transaction.atomic():
        grant_round = audited_create(
            actor=actor,
            model=GrantRound,
            values={
                "fund": fund,
                "title": title,
                "opens_at": opens_at,
                "closes_at": closes_at,
                "eligibility": eligibility,
                "questions": list(questions),
                "max_award_pence": max_award_pence,
                "pass_mark_percent": (
                    settings.SAFERHUB_GRANT_PASS_MARK_PERCENT
                    if pass_mark_percent is None
                    else pass_mark_percent
                ),
            },
            context={
                "criteria": [criterion.name for criterion in criteria],
                "assessors": sorted(str(person) for person in assessors),
            },
        )
        Criterion.objects.bulk_create(
            Criterion(
                grant_round=grant_round,
                name=spec.name,
                weight=spec.weight,
                guidance=spec.guidance,
                max_score=spec.max_score,
                position=position,
            )
            for position, spec in enumerate(criteria)
        )
        grant_round.assessors.set(list(assessors))
    return grant_round


def round_close(*, actor: Actor | None, grant_round: GrantRound) -> GrantRound:
    """End an open round now, before its closing time: it takes no more applications."""
    with transaction.atomic():
        locked = GrantRound.objects.select_for_update().get(pk=grant_round.pk)
        _require_manager(actor, locked)
        now = timezone.now()
        if locked.closes_at <= now:
            raise GrantRefused("This round has closed already")
        if locked.opens_at > now:
            raise GrantRefused("This round has not opened yet: change its dates instead")
        audited_update(actor=actor, record=locked, values={"closes_at": now})
    return locked


def applicant_add(*, actor: Actor | None, user: User, organisation: Organisation) -> ApplicantMember:
    """Let `user` apply for `organisation` (and see its applications); idempotent."""
    existing = ApplicantMember.objects.filter(user=user, organisation=organisation).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        return audited_create(
            actor=actor, model=ApplicantMember, values={"user": user, "organisation": organisation}
        )


# Applying


def application_start(
    *, actor: User, grant_round: GrantRound, organisation: Organisation, title: str
) -> Application:
    """Start an application for the person's organisation, while the round is open."""
    application = Application(grant_round=grant_round, organisation=organisation, contact=actor, title=title)
    return transition(actor=actor, record=application, name="start")


def _editable(actor: Actor | None, application: Application) -> Application:
    """The application under the row lock, while it is still a draft and the person may change it."""
    if actor is None or not actor.has_perm("grants.apply", application):
        raise GrantRefused("Only the applicant organisation can change its application")
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.status != ApplicationStatus.DRAFT:
        raise GrantRefused(
            f"This application is {locked.get_status_display().lower()}: it can be changed only while a draft"
        )
    return locked


def _section_done(locked: Application, section: ApplicationSection) -> None:
    if section.value not in locked.sections_completed:
        locked.sections_completed = [*locked.sections_completed, section.value]


def application_section_save(
    *, actor: Actor | None, application: Application, section: ApplicationSection, values: Mapping[str, Any]
) -> Application:
    """Save one section of the task list ("save and come back later"): the section is then complete.

    `values` by section: organisation and questions: `answers` ({key: text}); project: `title`, `summary`,
    `amount_requested_pence`, `starts_on`, `ends_on`; priorities: `priorities` and `themes` (records of the
    partnership's current plan); outcomes: `outcomes` ([(text, measure, target)]); budget: `lines`
    ([(item, pence)]); match funding: `sources` ([(source, pence, confirmed)]).
    """
    with transaction.atomic():
        locked = _editable(actor, application)
        changed = _apply_section(locked, section, values)
        _section_done(locked, section)
        locked.save()
        audit_event_record(
            actor=actor,
            verb=AuditVerb.UPDATED,
            target=locked,
            context={"section": section.value, "fields": changed},
        )
    return locked


def _apply_section(locked: Application, section: ApplicationSection, values: Mapping[str, Any]) -> list[str]:
    if section in (ApplicationSection.ORGANISATION, ApplicationSection.QUESTIONS):
        locked.answers = {**locked.answers, **{str(k): str(v) for k, v in values["answers"].items()}}
        return ["answers"]
    if section == ApplicationSection.PROJECT:
        fields = ["title", "summary", "amount_requested_pence", "starts_on", "ends_on"]
        for field in fields:
            setattr(locked, field, values[field])
        return fields
    if section == ApplicationSection.PRIORITIES:
        _priorities_set(locked, values["priorities"], values.get("themes", ()))
        return ["priorities", "themes"]
    if section == ApplicationSection.OUTCOMES:
        locked.outcomes.all().delete()
        Outcome.objects.bulk_create(
            Outcome(application=locked, text=text, measure=measure, target=Decimal(target), position=position)
            for position, (text, measure, target) in enumerate(values["outcomes"])
        )
        return ["outcomes"]
    if section == ApplicationSection.BUDGET:
        locked.budget_lines.all().delete()
        BudgetLine.objects.bulk_create(
            BudgetLine(application=locked, item=item, amount_pence=pence, position=position)
            for position, (item, pence) in enumerate(values["lines"])
        )
        return ["budget_lines"]
    locked.match_funding.all().delete()
    MatchFunding.objects.bulk_create(
        MatchFunding(application=locked, source=source, amount_pence=pence, confirmed=confirmed)
        for source, pence, confirmed in values["sources"]
    )
    return ["match_funding"]


def _priorities_set(
    locked: Application, priorities: Iterable[Priority], themes: Iterable[CrossCuttingTheme]
) -> None:
    """The priorities are chosen from the plans of the partnerships the fund serves, never typed."""
    served = set(locked.grant_round.fund.served.values_list("pk", flat=True))
    chosen, themes = list(priorities), list(themes)
    if any(priority.plan.partnership_id not in served for priority in chosen):
        raise GrantRefused("Choose priorities from the plans of the partnerships this fund serves")
    if any(theme.plan.partnership_id not in served for theme in themes):
        raise GrantRefused("Choose themes from the plans of the partnerships this fund serves")
    locked.priorities.set(chosen)
    locked.themes.set(themes)


def application_submit(*, actor: Actor | None, application: Application) -> Application:
    return transition(actor=actor, record=application, name="submit")


def application_withdraw(*, actor: Actor | None, application: Application, reason: str = "") -> Application:
    return transition(actor=actor, record=application, name="withdraw", comment=reason)


# Eligibility, scoring, moderation and the decision


def eligibility_decide(
    *, actor: Actor | None, application: Application, eligible: bool, reason: str = ""
) -> Application:
    name = "rule_eligible" if eligible else "rule_ineligible"
    return transition(actor=actor, record=application, name=name, comment=reason)


def conflict_declare(*, actor: User, application: Application, reason: str) -> ConflictOfInterest:
    """The assessor may not score this application; any score they gave it is withdrawn."""
    if not actor.has_perm("grants.declare_conflict", application):
        raise GrantRefused("Only an assessor of this round can declare a conflict with its applications")
    if not reason.strip():
        raise GrantRefused("Say what the conflict is")
    if application.status not in (ApplicationStatus.SUBMITTED, ApplicationStatus.ELIGIBLE):
        raise GrantRefused(
            f"This application is {application.get_status_display().lower()}: a conflict is declared before "
            "it is moderated"
        )
    with transaction.atomic():
        withdrawn = Score.objects.filter(application=application, assessor=actor)
        if withdrawn.exists():
            audit_event_record(
                actor=actor,
                verb=AuditVerb.DELETED,
                target=application,
                context={"scores withdrawn": sorted(withdrawn.values_list("criterion__name", flat=True))},
            )
            withdrawn.delete()
        existing = ConflictOfInterest.objects.filter(application=application, assessor=actor).first()
        if existing is not None:
            return existing
        return audited_create(
            actor=actor,
            model=ConflictOfInterest,
            values={"application": application, "assessor": actor, "reason": reason},
        )


def scores_record(
    *, actor: User, application: Application, scores: Mapping[Criterion, tuple[int, str]]
) -> None:
    """An assessor's own scores of an application, each criterion 0 to its most, with a comment."""
    if not actor.has_perm("grants.score", application):
        raise GrantRefused(
            "Only an assessor of this round who has declared no conflict with the application can score it"
        )
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status != ApplicationStatus.ELIGIBLE:
            raise GrantRefused(
                f"This application is {locked.get_status_display().lower()}: it is scored only while "
                "eligible and not yet moderated"
            )
        for criterion, (score, comment) in scores.items():
            _score_check(locked, criterion, score)
            Score.objects.update_or_create(
                application=locked,
                assessor=actor,
                criterion=criterion,
                defaults={"score": score, "comment": comment},
            )
        audit_event_record(
            actor=actor,
            verb=AuditVerb.UPDATED,
            target=locked,
            context={"scored": sorted(criterion.name for criterion in scores)},
        )


def _score_check(application: Application, criterion: Criterion, score: int) -> None:
    if criterion.grant_round_id != application.grant_round_id:
        raise GrantRefused(f"{criterion} is not a criterion of this application's round")
    if not 0 <= score <= criterion.max_score:
        raise GrantRefused(f"Score {criterion} from 0 to {criterion.max_score}")


def moderation_record(
    *, actor: Actor | None, application: Application, agreed: Mapping[Criterion, tuple[int, str]]
) -> Application:
    """Record the agreed score of every criterion, with reasons, and finish the moderation."""
    with transaction.atomic():
        if actor is None or not actor.has_perm("grants.manage", application):
            return transition(actor=actor, record=application, name="moderate")  # refuses, audited
        for criterion, (score, reason) in agreed.items():
            _score_check(application, criterion, score)
            ModeratedScore.objects.update_or_create(
                application=application,
                criterion=criterion,
                defaults={
                    "score": score,
                    "reason": reason,
                    "agreed_by": actor if isinstance(actor, User) else None,
                },
            )
        return transition(actor=actor, record=application, name="moderate")


def application_decide(
    *, actor: Actor | None, application: Application, decision: Decision, reason: str, conditions: str = ""
) -> Application:
    """Approve (with conditions, where there are any) or reject a moderated application, saying why."""
    if decision == Decision.APPROVE_WITH_CONDITIONS and not conditions.strip():
        raise GrantRefused("Say what the conditions are, or approve without conditions")
    with transaction.atomic():
        name = "reject" if decision == Decision.REJECT else "approve"
        decided = transition(actor=actor, record=application, name=name, comment=reason)
        decided.decision, decided.decision_reason, decided.conditions = decision, reason, conditions
        decided.save(update_fields=["decision", "decision_reason", "conditions", "updated_at"])
    return decided


# Awards and money


def award_offer(
    *,
    actor: Actor | None,
    application: Application,
    amount_pence: int,
    instalments: Sequence[tuple[int, int | None]],
    conditions: str = "",
    respond_by: dt.date | None = None,
) -> Award:
    """Offer an approved application its grant, paid in `instalments` ((pence, after which quarter's return
    is accepted; None on acceptance)), which add up to the award. Never more than the fund has left."""
    if amount_pence <= 0:
        raise GrantRefused("An award is more than £0.00")
    if any(quarter is not None and not 1 <= quarter <= 4 for _, quarter in instalments):
        raise GrantRefused("An instalment is paid on acceptance or after the report of Q1, Q2, Q3 or Q4")
    if sum(pence for pence, _ in instalments) != amount_pence:
        raise GrantRefused(
            f"The instalments add up to {pounds(sum(p for p, _ in instalments))}, not the award's "
            f"{pounds(amount_pence)}: make them the same"
        )
    if any(pence <= 0 for pence, _ in instalments):
        raise GrantRefused("Each instalment is more than £0.00")
    due = respond_by or timezone.localdate() + dt.timedelta(
        days=settings.SAFERHUB_GRANT_OFFER_ACCEPTANCE_DAYS
    )
    if due < timezone.localdate():
        raise GrantRefused("Give the applicant until today or later to answer the offer")
    with transaction.atomic():
        Fund.objects.select_for_update().get(pk=application.grant_round.fund_id)
        award = Award(
            application=application,
            amount_pence=amount_pence,
            conditions=conditions or application.conditions,
            respond_by=due,
        )
        award = transition(actor=actor, record=award, name="offer")
        Instalment.objects.bulk_create(
            Instalment(award=award, position=position, amount_pence=pence, after_quarter=quarter)
            for position, (pence, quarter) in enumerate(instalments, start=1)
        )
    return award


def offer_extend(*, actor: Actor | None, award: Award, respond_by: dt.date) -> Award:
    """Give the applicant longer to accept an offer. A lapsed offer held no money, so giving it longer takes
    the money again: only if the fund still has it."""
    with transaction.atomic():
        Fund.objects.select_for_update().get(pk=award.application.grant_round.fund_id)
        locked = Award.objects.select_for_update().get(pk=award.pk)
        _require_manager(actor, locked)
        if locked.status != AwardStatus.OFFERED:
            raise GrantRefused(
                f"This award is {locked.get_status_display().lower()}: only an offer is extended"
            )
        if respond_by < timezone.localdate():
            raise GrantRefused("Give a date from today on")
        if selectors.award_money(locked).lapsed:
            remaining = selectors.fund_money(locked.application.grant_round.fund).remaining
            if locked.amount_pence > remaining:
                raise GrantRefused(
                    f"The offer lapsed and its money went back to the fund, which has {pounds(remaining)} "
                    f"left, less than the {pounds(locked.amount_pence)} offered"
                )
        audited_update(actor=actor, record=locked, values={"respond_by": respond_by})
        deadline_reschedule(record=locked, name=OFFER_RESPONSE, due_on=respond_by)
    return locked


def award_respond(*, actor: Actor | None, award: Award, accept: bool) -> Award:
    return transition(actor=actor, record=award, name="accept" if accept else "decline")


def instalment_pay(*, actor: Actor | None, instalment: Instalment, paid_on: dt.date) -> Instalment:
    """Record that an instalment was paid: only of an accepted award, once, and never beyond what it
    grants."""
    with transaction.atomic():
        award = Award.objects.select_for_update().get(pk=instalment.award_id)
        _require_manager(actor, award)
        locked = Instalment.objects.select_for_update().get(pk=instalment.pk)
        if award.status not in RUNNING_AWARD_STATUSES:
            raise GrantRefused(
                f"This award is {award.get_status_display().lower()}: instalments are paid only once it is "
                "accepted"
            )
        if locked.paid_on is not None:
            raise GrantRefused(f"This instalment was paid on {locked.paid_on:%-d %B %Y}")
        if paid_on > timezone.localdate():
            raise GrantRefused(
                "A payment is recorded once it is made: give a date from before today, or today"
            )
        accepted_on = timezone.localdate(award.accepted_at) if award.accepted_at else None
        if accepted_on is not None and paid_on < accepted_on:
            raise GrantRefused(
                f"The offer was accepted on {accepted_on:%-d %B %Y}: a payment is made on that day or after"
            )
        if locked.after_quarter is not None and not selectors.quarter_report_accepted(
            award, locked.after_quarter
        ):
            raise GrantRefused(
                f"This instalment is paid once the project's Q{locked.after_quarter} report is accepted"
            )
        money = selectors.award_money(award)
        if money.paid + locked.amount_pence > money.granted:
            raise GrantRefused(
                f"Paying {pounds(locked.amount_pence)} would take the payments to "
                f"{pounds(money.paid + locked.amount_pence)}, more than the {pounds(money.granted)} granted"
            )
        audited_update(
            actor=actor,
            record=locked,
            values={"paid_on": paid_on, "paid_by": actor if isinstance(actor, User) else None},
        )
    return locked


def _require_manager(actor: Actor | None, record: Any) -> None:
    if actor is None or not actor.has_perm("grants.manage", record):
        raise GrantRefused("Only the partnership's managers can do this")


def variation_request(
    *, actor: Actor | None, award: Award, description: str, amount_pence: int = 0
) -> Variation:
    if actor is None or not actor.has_perm("grants.apply", award):
        raise GrantRefused("Only the funded organisation can ask for a variation")
    if award.status not in RUNNING_AWARD_STATUSES:
        raise GrantRefused("A variation is asked for only while the award is running")
    if not description.strip():
        raise GrantRefused("Say what should change, and why")
    with transaction.atomic():
        return audited_create(
            actor=actor,
            model=Variation,
            values={
                "award": award,
                "description": description,
                "amount_pence": amount_pence,
                "requested_by": actor if isinstance(actor, User) else None,
            },
        )


def variation_decide(*, actor: Actor | None, variation: Variation, approve: bool, reason: str) -> Variation:
    """Approve or refuse a variation in writing. An increase never exceeds what the fund has left; a
    reduction never takes the award below what has been paid."""
    if not reason.strip():
        raise GrantRefused("Say why: a variation is decided in writing")
    with transaction.atomic():
        award = Award.objects.select_for_update().get(pk=variation.award_id)
        _require_manager(actor, award)
        Fund.objects.select_for_update().get(pk=award.application.grant_round.fund_id)
        locked = Variation.objects.select_for_update().get(pk=variation.pk)
        if locked.status != VariationStatus.REQUESTED:
            raise GrantRefused(f"This variation was {locked.get_status_display().lower()} already")
        if approve and award.status not in RUNNING_AWARD_STATUSES:
            raise GrantRefused(
                f"This award is {award.get_status_display().lower()}: a variation is approved only while "
                "it runs"
            )
        if approve:
            _variation_affordable(award, locked.amount_pence)
            _instalments_vary(award, locked.amount_pence)
        audited_update(
            actor=actor,
            record=locked,
            values={
                "status": VariationStatus.APPROVED if approve else VariationStatus.REFUSED,
                "decision_reason": reason,
                "decided_by": actor if isinstance(actor, User) else None,
                "decided_at": timezone.now(),
            },
        )
    return locked


def _instalments_vary(award: Award, change: int) -> None:
    """Keep the payment schedule adding up to what the award grants: an increase is paid as an instalment
    of its own on approval; a reduction comes off the unpaid instalments, the last first."""
    if change > 0:
        position = (award.instalments.aggregate(last=models.Max("position"))["last"] or 0) + 1
        Instalment.objects.create(award=award, position=position, amount_pence=change)
        return
    to_take = -change
    for instalment in award.instalments.filter(paid_on__isnull=True).order_by("-position"):
        if to_take == 0:
            break
        taken = min(instalment.amount_pence, to_take)
        to_take -= taken
        if taken == instalment.amount_pence:
            instalment.delete()
        else:
            instalment.amount_pence -= taken
            instalment.save(update_fields=["amount_pence", "updated_at"])


def _variation_affordable(award: Award, change: int) -> None:
    money = selectors.award_money(award)
    most = award.application.grant_round.max_award_pence
    if money.granted + change > most:
        raise GrantRefused(
            f"The round funds a project with at most {pounds(most)}: this variation would take the award to "
            f"{pounds(money.granted + change)}"
        )
    if change > 0:
        remaining = selectors.fund_money(award.application.grant_round.fund).remaining
        if change > remaining:
            raise GrantRefused(
                f"The fund has {pounds(remaining)} left, less than the {pounds(change)} this variation adds"
            )
    if money.granted + change < money.paid:
        raise GrantRefused(
            f"{pounds(money.paid)} has been paid already: the award cannot be reduced below it"
        )
    if money.granted + change <= 0:
        raise GrantRefused("A variation cannot take the award to nothing: close the award instead")


def spend_record(*, actor: Actor | None, award: Award, period: str, spend: Mapping[BudgetLine, int]) -> None:
    """Record what the project spent in a period against each budget line, replacing what that period said
    before: an accepted quarterly report's spend, or a manager's correction at reconciliation. The project
    itself reports spend only through its reports, which a manager accepts."""
    with transaction.atomic():
        locked = Award.objects.select_for_update().get(pk=award.pk)
        _require_manager(actor, locked)
        if locked.status not in RUNNING_AWARD_STATUSES:
            raise GrantRefused("Spend is recorded only while the award is running")
        for line, pence in spend.items():
            if line.application_id != locked.application_id:
                raise GrantRefused(f"{line} is not a line of this project's budget")
            if pence < 0:
                raise GrantRefused(f"The spend on {line} cannot be less than £0.00")
            Spend.objects.update_or_create(
                award=locked, budget_line=line, period=period, defaults={"amount_pence": pence}
            )
        audit_event_record(
            actor=actor,
            verb=AuditVerb.UPDATED,
            target=locked,
            context={"spend": period, "pence": sum(spend.values())},
        )


def final_report_send(*, actor: Actor | None, award: Award, report: str) -> Award:
    with transaction.atomic():
        locked = Award.objects.select_for_update().get(pk=award.pk)
        if actor is None or not actor.has_perm("grants.apply", locked):
            return transition(actor=actor, record=locked, name="report_final")  # refuses, audited
        locked.final_report = report
        locked.save(update_fields=["final_report", "updated_at"])
        return transition(actor=actor, record=locked, name="report_final")


def clawback_record(*, actor: Actor | None, award: Award, amount_pence: int, reason: str) -> Clawback:
    """Record money the project pays back: never more than it was paid and has not spent."""
    if amount_pence <= 0:
        raise GrantRefused("A claw-back is more than £0.00")
    if not reason.strip():
        raise GrantRefused("Say why the money is clawed back")
    with transaction.atomic():
        locked = Award.objects.select_for_update().get(pk=award.pk)
        _require_manager(actor, locked)
        if locked.status not in RUNNING_AWARD_STATUSES:
            raise GrantRefused("Money is clawed back only from a running award, before it is closed")
        unspent = selectors.award_money(locked).unspent
        if amount_pence > unspent:
            raise GrantRefused(
                f"The project holds {pounds(unspent)} paid and not spent: no more than that can be clawed "
                "back"
            )
        return audited_create(
            actor=actor,
            model=Clawback,
            values={
                "award": locked,
                "amount_pence": amount_pence,
                "reason": reason,
                "recorded_by": actor if isinstance(actor, User) else None,
            },
        )


def award_close(*, actor: Actor | None, award: Award, comment: str = "") -> Award:
    """Close a reconciled award: what it has not paid goes back to the fund."""
    return transition(actor=actor, record=award, name="close", comment=comment)


# Funded projects' quarterly reports: a kind of return of the reporting rounds (returns.py)


def project_returns_open(
    *,
    actor: Actor | None,
    fund: Fund,
    financial_year: int,
    quarter: int,
    due_on: dt.date,
    remind_days_before: int = 7,
    remind_days_after: int = 3,
) -> tuple[ProjectReturnRound, list[ProjectReturn]]:
    """Open a quarter's reports for every running project of the fund, reminding each project's contact
    `remind_days_before` the due date and, while not submitted, `remind_days_after` it. Idempotent, as
    every round is: a quarter already open keeps its dates and gains reports only for projects that started
    running since."""
    _require_manager(actor, fund)
    return reporting.round_open(
        kind=PROJECT_RETURN,
        actor=actor,
        partnership=fund.partnership,
        period={"fund": fund, "financial_year": financial_year, "quarter": quarter},
        due_on=due_on,
        remind_days_before=remind_days_before,
        remind_days_after=remind_days_after,
    )


# The fields each section of a project report owns: nothing else of the report is written through them.
PROJECT_RETURN_FIELDS = {
    ProjectReturnSection.PROGRESS: ("progress",),
    ProjectReturnSection.FIGURES: ("figures",),
    ProjectReturnSection.SPEND: ("spend",),
    ProjectReturnSection.CASE_STUDY: ("case_study",),
    ProjectReturnSection.RISKS: ("risks",),
}


def project_return_section_save(
    *,
    actor: Actor | None,
    project_return: ProjectReturn,
    section: ProjectReturnSection,
    values: Mapping[str, Any],
) -> list[str]:
    """Save a section of a project's report: the funded organisation (or a manager) only. The figures are
    keyed by the project's own outcomes and the spend (whole pence, none negative) by its own budget lines;
    anything else is refused."""
    if actor is None or not actor.has_perm("grants.report", project_return):
        raise GrantRefused("Only the funded organisation or the partnership's managers fill in its reports")
    application = project_return.award.application
    owned = {field: values[field] for field in PROJECT_RETURN_FIELDS[section]}
    if section == ProjectReturnSection.FIGURES:
        outcomes = {str(key) for key in application.outcomes.values_list("public_id", flat=True)}
        if set(owned["figures"]) - outcomes:
            raise GrantRefused("Give figures only for the project's own outcomes")
    if section == ProjectReturnSection.SPEND:
        lines = {str(key) for key in application.budget_lines.values_list("public_id", flat=True)}
        if set(owned["spend"]) - lines:
            raise GrantRefused("Give spend only against the project's own budget lines")
        if any(not isinstance(pence, int) or pence < 0 for pence in owned["spend"].values()):
            raise GrantRefused("Give each line's spend in whole pence, £0.00 or more")
    return reporting.section_save(actor=actor, record=project_return, section=section.value, values=owned)


def project_return_accept(
    *, actor: Actor | None, project_return: ProjectReturn, comment: str = ""
) -> ProjectReturn:
    """Accept a project's report; its spend, line by line, then counts in the fund's figures."""
    with transaction.atomic():
        accepted = reporting.return_accept(actor=actor, record=project_return, comment=comment)
        lines = {str(line.public_id): line for line in accepted.award.application.budget_lines.all()}
        spend_record(
            actor=actor,
            award=accepted.award,
            period=accepted.reporting_round.label,
            spend={lines[key]: int(pence) for key, pence in accepted.spend.items() if key in lines},
        )
    return accepted
