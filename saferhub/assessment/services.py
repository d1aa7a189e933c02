"""Writes about assessments. Each runs in one transaction and records one audit event."""

import datetime as dt
import tomllib
from pathlib import Path
from typing import Any

from django.db import transaction

from saferhub.accounts.models import User
from saferhub.assessment.models import (
    AgreedScore,
    AssessedIndicator,
    Assessment,
    ChosenPriority,
    Issue,
    Score,
)
from saferhub.assessment.scoring import ScoringModel
from saferhub.assessment.selectors import source_labels
from saferhub.audit.models import AuditVerb
from saferhub.audit.services import audit_event_record, audited_create, audited_update
from saferhub.core.actors import Actor
from saferhub.crimedata.models import Indicator, IndicatorSet
from saferhub.partnerships.models import Partnership
from saferhub.plans.models import Plan, Priority
from saferhub.plans.services import priority_create

# Issues with no count that every assessment weighs, unless the analyst removes them: docs/assessment.md.
ISSUES_WITHOUT_COUNTS = Path(__file__).resolve().parent / "issues_without_counts.toml"


ISSUE_TITLE_LENGTH = Issue._meta.get_field("title").max_length


class AssessmentError(ValueError):
    """A change the assessment cannot take; the message says why."""


def default_issues_without_counts() -> list[tuple[str, str]]:
    document = tomllib.loads(ISSUES_WITHOUT_COUNTS.read_text(encoding="utf-8"))
    return [(issue["title"], issue.get("description", "")) for issue in document["issues"]]


def issue_titles(
    indicators: list[Indicator], *, indicator_set: IndicatorSet | None, source_labels: dict[str, str]
) -> list[str]:
    """The issue title of each indicator: its name, told apart from another chosen indicator of the same
    name (the pre-ticked police.uk "Total crime" and a set's own) by the set it came from, else its sources,
    else whose it is, else its slug: the first of these that differs between them."""
    in_set = set(indicator_set.members.values_list("indicator_id", flat=True)) if indicator_set else set()

    def qualifiers(indicator: Indicator) -> tuple[str, ...]:
        sources = ", ".join(source_labels.get(source, source) for source in indicator.sources)
        return (
            indicator_set.name if indicator_set is not None and indicator.pk in in_set else sources,
            sources,
            "shared" if indicator.partnership_id is None else "your own",
            indicator.slug,
            str(indicator.pk),
        )

    by_name: dict[str, list[Indicator]] = {}
    for indicator in indicators:
        by_name.setdefault(indicator.name, []).append(indicator)
    titles = {}
    for name, same in by_name.items():
        if len(same) == 1:
            titles[same[0].pk] = name
            continue
        options = [qualifiers(indicator) for indicator in same]
        level = next(i for i in range(len(options[0])) if len({o[i] for o in options}) == len(options))
        for indicator, option in zip(same, options, strict=True):
            titles[indicator.pk] = f"{name} – {option[level]}"[:ISSUE_TITLE_LENGTH]
    return [titles[indicator.pk] for indicator in indicators]


def assessment_create(
    *,
    actor: User | None,
    partnership: Partnership,
    title: str,
    label: str,
    period_kind: str,
    last_month: dt.date,
    years: int,
    indicators: list[Indicator],
    model: ScoringModel,
    indicator_set: IndicatorSet | None = None,
    issues_without_counts: list[tuple[str, str]] | None = None,
) -> Assessment:
    """A new assessment with an issue for every indicator and for each issue with no count. Indicators
    that share a name become issues told apart by their set or source (`issue_titles`)."""
    if Assessment.objects.filter(partnership=partnership, label=label).exists():
        raise AssessmentError(f"{partnership.name} already has an assessment called {label}")
    if not indicators:
        raise AssessmentError("choose at least one indicator")
    without = default_issues_without_counts() if issues_without_counts is None else issues_without_counts
    with transaction.atomic():
        assessment = Assessment.objects.create(
            partnership=partnership,
            title=title,
            label=label,
            period_kind=period_kind,
            last_month=last_month.replace(day=1),
            years=years,
            scoring=model.as_json(),
            created_by=actor,
        )
        AssessedIndicator.objects.bulk_create(
            AssessedIndicator(assessment=assessment, indicator=indicator, position=position)
            for position, indicator in enumerate(indicators, start=1)
        )
        named = issue_titles(
            indicators, indicator_set=indicator_set, source_labels=source_labels(partnership)
        )
        titles = set(named)
        issues = [
            Issue(assessment=assessment, title=title, indicator=indicator, position=position)
            for position, (indicator, title) in enumerate(zip(indicators, named, strict=True), start=1)
        ]
        for offset, (issue_title, description) in enumerate(without, start=len(indicators) + 1):
            if issue_title not in titles:
                titles.add(issue_title)
                issues.append(
                    Issue(assessment=assessment, title=issue_title, description=description, position=offset)
                )
        Issue.objects.bulk_create(issues)
        audit_event_record(
            actor=actor,
            verb=AuditVerb.CREATED,
            target=assessment,
            context={"indicators": [i.slug for i in indicators], "issues": len(issues)},
        )
    return assessment


def assessment_update(*, actor: Actor | None, assessment: Assessment, values: dict[str, Any]) -> list[str]:
    return audited_update(actor=actor, record=assessment, values=values)


def scoring_weights_set(*, actor: Actor | None, assessment: Assessment, model: ScoringModel) -> list[str]:
    """Replace the assessment's scoring model (its weights changed on the settings page)."""
    return audited_update(actor=actor, record=assessment, values={"scoring": model.as_json()})


def issue_add(*, actor: Actor | None, assessment: Assessment, title: str, description: str = "") -> Issue:
    if assessment.issues.filter(title=title).exists():
        raise AssessmentError(f"there is already an issue called {title}")
    return audited_create(
        actor=actor,
        model=Issue,
        values={
            "assessment": assessment,
            "title": title,
            "description": description,
            "position": (
                assessment.issues.order_by("-position").values_list("position", flat=True).first() or 0
            )
            + 1,
        },
    )


def scores_record(*, actor: User, issue: Issue, scores: dict[str, tuple[int | None, str]]) -> None:
    """A partner's own scores of an issue, by dimension: (value, why). None removes that score."""
    with transaction.atomic():
        changed = []
        for dimension, (value, rationale) in scores.items():
            existing = Score.objects.filter(issue=issue, scorer=actor, dimension=dimension).first()
            if value is None:
                if existing is not None:
                    existing.delete()
                    changed.append(dimension)
                continue
            if existing is None:
                Score.objects.create(
                    issue=issue, scorer=actor, dimension=dimension, value=value, rationale=rationale
                )
                changed.append(dimension)
            elif (existing.value, existing.rationale) != (value, rationale):
                existing.value, existing.rationale = value, rationale
                existing.save()
                changed.append(dimension)
        if changed:
            audit_event_record(
                actor=actor, verb=AuditVerb.UPDATED, target=issue, context={"scored": sorted(changed)}
            )


def score_agree(*, actor: User, issue: Issue, dimension: str, value: int | None, rationale: str) -> None:
    """Record (or, with None, withdraw) the partners' agreed score of an issue on a dimension."""
    with transaction.atomic():
        existing = AgreedScore.objects.filter(issue=issue, dimension=dimension).first()
        if value is None:
            if existing is not None:
                existing.delete()
                audit_event_record(
                    actor=actor, verb=AuditVerb.DELETED, target=issue, context={"agreed": dimension}
                )
            return
        if existing is None:
            AgreedScore.objects.create(
                issue=issue, dimension=dimension, value=value, rationale=rationale, agreed_by=actor
            )
        elif (existing.value, existing.rationale) == (value, rationale):
            return
        else:
            existing.value, existing.rationale, existing.agreed_by = value, rationale, actor
            existing.save()
        audit_event_record(
            actor=actor, verb=AuditVerb.UPDATED, target=issue, context={"agreed": dimension, "value": value}
        )


def priority_choose(
    *, actor: Actor | None, assessment: Assessment, issue: Issue, reason: str
) -> ChosenPriority:
    if issue.assessment_id != assessment.pk:
        raise AssessmentError("that issue is not part of this assessment")
    if ChosenPriority.objects.filter(issue=issue).exists():
        raise AssessmentError(f"{issue.title} is already a chosen priority")
    return audited_create(
        actor=actor,
        model=ChosenPriority,
        values={
            "assessment": assessment,
            "issue": issue,
            "reason": reason,
            "chosen_by": actor,
            "position": assessment.chosen.count() + 1,
        },
        context={"reason": reason},
    )


def priority_unchoose(*, actor: Actor | None, chosen: ChosenPriority) -> None:
    with transaction.atomic():
        audit_event_record(actor=actor, verb=AuditVerb.DELETED, target=chosen)
        chosen.delete()


def priority_add_to_plan(*, actor: Actor | None, chosen: ChosenPriority, plan: Plan) -> Priority:
    """Make the chosen priority a priority of the partnership's plan, linked back to the assessment."""
    if plan.partnership_id != chosen.assessment.partnership_id:
        raise AssessmentError("that plan belongs to another partnership")
    if chosen.plan_priority_id is not None:
        raise AssessmentError(f"{chosen.issue.title} is already in a plan")
    with transaction.atomic():
        priority = priority_create(
            actor=actor,
            plan=plan,
            title=chosen.issue.title,
            description=f"Chosen from {chosen.assessment.title}: {chosen.reason}",
        )
        chosen.plan_priority = priority
        chosen.save(update_fields=["plan_priority", "updated_at"])
        audit_event_record(
            actor=actor,
            verb=AuditVerb.UPDATED,
            target=chosen,
            context={"plan_priority": str(priority.public_id)},
        )
    return priority
