"""What an application or an award needs before it may move on: each check returns why not, in words the
person can act on, or "" when nothing is missing. The workflows (workflows.py) run them under the row lock.
"""

from django.utils import timezone

from saferhub.design_system.filters import pounds
from saferhub.grants import selectors
from saferhub.grants.models import Application, ApplicationSection, ApplicationStatus, Award, Criterion


def _when(moment: object) -> str:
    local = timezone.localtime(moment)  # type: ignore[arg-type]
    return f"{local:%H:%M} on {local:%-d %B %Y}"


def round_open_refusal(application: Application) -> str:
    grant_round = application.grant_round
    now = timezone.now()
    if now < grant_round.opens_at:
        return f"This round opens at {_when(grant_round.opens_at)}: you can apply from then"
    if now >= grant_round.closes_at:
        return f"This round closed at {_when(grant_round.closes_at)}: it takes no more applications"
    return ""


def missing_sections(application: Application) -> list[str]:
    """The labels of the task list's sections not yet completed, in order."""
    return [
        section.label for section in ApplicationSection if section.value not in application.sections_completed
    ]


def submission_refusal(application: Application) -> str:
    grant_round = application.grant_round
    if timezone.now() >= grant_round.closes_at:
        return (
            f"This round closed at {_when(grant_round.closes_at)}, so the application cannot be submitted: "
            "a late application is not accepted"
        )
    missing = missing_sections(application)
    if missing:
        return "Complete every section before you submit: " + ", ".join(missing)
    requested = application.amount_requested_pence
    if requested > grant_round.max_award_pence:
        return (
            f"The application asks for {pounds(requested)}; this round funds a project up to "
            f"{pounds(grant_round.max_award_pence)}"
        )
    budget = sum(line.amount_pence for line in application.budget_lines.all())
    if budget != requested:
        return (
            f"The budget adds up to {pounds(budget)} but the application asks for {pounds(requested)}: "
            "make them the same"
        )
    if not application.priorities.exists():
        return "Choose at least one of the partnership's priorities that the project serves"
    return ""


def moderation_refusal(application: Application) -> str:
    agreed = set(application.moderated_scores.values_list("criterion_id", flat=True))
    missing = [
        c.name for c in Criterion.objects.filter(grant_round=application.grant_round) if c.pk not in agreed
    ]
    if missing:
        return "Agree a score for every criterion before the moderation is finished: " + ", ".join(missing)
    return ""


def offer_refusal(award: Award) -> str:
    application = award.application
    if application.status != ApplicationStatus.APPROVED:
        return "Only an approved application can be offered an award"
    if Award.objects.filter(application=application).exists():
        return "This application has been offered its award already: change it through a variation"
    if award.amount_pence > application.amount_requested_pence:
        return (
            f"The application asked for {pounds(application.amount_requested_pence)}: an award cannot "
            "be more than was asked for"
        )
    fund = application.grant_round.fund
    remaining = selectors.fund_money(fund).remaining
    if award.amount_pence > remaining:
        return (
            f"The fund has {pounds(remaining)} left to offer, less than the {pounds(award.amount_pence)} "
            "of this award: no award may exceed the money left"
        )
    return ""


def final_report_refusal(award: Award) -> str:
    return "" if award.final_report.strip() else "Write the final report before you send it"
