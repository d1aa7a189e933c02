"""Reading the incremental approach: a perpetrator and their steps for someone who may see them, the
deadline a step would start, whether a step is allowed now (and why not), the steps' deadlines due for a
person, and the partnership's letter templates."""

import copy
import datetime as dt
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db import models
from django.http import Http404

from saferhub.asb.access import CaseAccess
from saferhub.asb.models import CaseParty, Intervention, LetterTemplate, PartyRole, Stage
from saferhub.asb.selectors import case_with_access, settings_of
from saferhub.asb.workflows import EXTEND_CLOSURE_ORDER, PERPETRATOR_WORKFLOW
from saferhub.core.months import months_after
from saferhub.governance.models import DataItem
from saferhub.partnerships.models import Partnership

RESOLVE = "resolve"
# The steps an officer takes on the step page, in the workflow's order; resolving is one more choice.
STEP_NAMES: tuple[str, ...] = tuple(t.name for t in PERPETRATOR_WORKFLOW.transitions if t.name != RESOLVE)
# Where the law leaves the deadline to the officer: a warning's reasonable time to comply (s43(1)(c)), a
# closure order shorter than the longest (s80), and the new end an extension sets (s82).
OFFICER_SETS_DEADLINE = frozenset({Stage.CPW, Stage.CLOSURE_ORDER, EXTEND_CLOSURE_ORDER})


def step_label(step: str) -> str:
    if step == EXTEND_CLOSURE_ORDER:
        return "Extend the closure order"
    if step == RESOLVE:
        return "Resolved: no further action"
    return str(Stage(step).label)


def default_due_on(case_party: CaseParty, step: str, issued_on: dt.date) -> dt.date | None:
    """The deadline a step taken on `issued_on` starts, from the partnership's settings; None for a step
    that starts none (advice, warning letter, prosecution, injunction, CBO) or whose end the officer sets
    (an extension)."""
    rules = settings_of(case_party.case.partnership)
    days: dict[str, int] = {
        Stage.ABC: rules.abc_review_days,
        Stage.CPW: rules.cpw_compliance_days,
        Stage.CPN: rules.cpn_appeal_days,
        Stage.FPN: rules.fpn_payment_days,
    }
    if step in days:
        return issued_on + dt.timedelta(days=days[step])
    if step == Stage.CLOSURE_NOTICE:
        return issued_on + dt.timedelta(hours=rules.closure_hearing_hours)
    if step == Stage.CLOSURE_ORDER:
        return months_after(issued_on, rules.closure_order_months)
    return None


def step_refusal(case_party: CaseParty, step: str, *, issued_on: dt.date, due_on: dt.date | None) -> str:
    """Why the step, taken on `issued_on` with deadline `due_on`, would be refused ("" when it would not),
    judged as the workflow judges it, on a copy of the perpetrator that is never saved."""
    transition = PERPETRATOR_WORKFLOW.transition_named(step)
    if case_party.stage not in transition.sources:
        return str(PERPETRATOR_WORKFLOW.refusal(transition, case_party.stage))
    if transition.check is None:  # resolving: from any open stage, with a comment
        return ""
    trial = copy.copy(case_party)
    trial.stage_since, trial.stage_due_on = issued_on, due_on
    return transition.check(trial)


@dataclass(frozen=True)
class StepOption:
    name: str
    label: str
    refusal: str


def step_options(case_party: CaseParty, today: dt.date) -> list[StepOption]:
    """Each step, and why it could not be taken today with its default deadline ("" when it could)."""
    return [
        StepOption(
            name=step,
            label=step_label(step),
            refusal=step_refusal(
                case_party, step, issued_on=today, due_on=default_due_on(case_party, step, today)
            ),
        )
        for step in STEP_NAMES
    ]


def _sees_enforcement(access: CaseAccess) -> bool:
    return access.sees(DataItem.ENFORCEMENT) and access.sees(DataItem.PERPETRATORS)


def perpetrator_for(
    user: Any, partnership: Partnership, case_id: UUID, case_party_id: UUID
) -> tuple[CaseParty, CaseAccess]:
    """A perpetrator on a case the person may see, with its enforcement: 404 otherwise."""
    case, access = case_with_access(user, partnership, case_id)
    if not _sees_enforcement(access):
        raise Http404
    case_party = (
        CaseParty.objects.filter(case=case, public_id=case_party_id, role=PartyRole.PERPETRATOR)
        .select_related("party")
        .first()
    )
    if case_party is None:
        raise Http404
    case_party.case = case
    return case_party, access


def intervention_for(
    user: Any, partnership: Partnership, case_id: UUID, intervention_id: UUID
) -> Intervention:
    """A step taken with a perpetrator on a case the person may see, with its enforcement: 404 otherwise."""
    case, access = case_with_access(user, partnership, case_id)
    if not _sees_enforcement(access):
        raise Http404
    intervention = (
        Intervention.objects.filter(case_party__case=case, public_id=intervention_id)
        .select_related("case_party__party", "actor")
        .first()
    )
    if intervention is None:
        raise Http404
    intervention.case_party.case = case
    return intervention


def steps_taken(case_party: CaseParty) -> models.QuerySet[Intervention]:
    """The steps taken with the perpetrator, newest first."""
    return case_party.steps.select_related("actor").order_by("-issued_on", "-id")


def letter_templates_of(partnership: Partnership) -> dict[str, LetterTemplate]:
    """The partnership's own wording of its letters, by stage."""
    return {template.stage: template for template in LetterTemplate.objects.filter(partnership=partnership)}


def letter_template_of(partnership: Partnership, stage: str) -> LetterTemplate | None:
    return LetterTemplate.objects.filter(partnership=partnership, stage=stage).first()
