"""CSV exports of a fund's awards and a round's applications, safe to open in a spreadsheet.

Every cell goes through saferhub.core.csv: text that starts like a formula (=, +, -, @, a tab or a carriage
return) opens as text. Money is written in pounds as a number (a Decimal, which the guard leaves alone), so
a spreadsheet can add it up and a genuinely negative amount stays a negative number; only text is guarded.
"""

from decimal import Decimal
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse

from saferhub.accounts.requests import SignedInRequest
from saferhub.audit.services import audit_record_viewed
from saferhub.core.csv import csv_response
from saferhub.design_system.filters import govuk_date
from saferhub.grants import selectors
from saferhub.grants.selectors import dashboard as dashboard_selectors
from saferhub.partnerships.permissions import require_permission
from saferhub.partnerships.selectors import partnership_for

MANAGE = "grants.manage"


def pounds_number(pence: int) -> Decimal:
    """Whole pence as pounds, exactly: 123456 is 1234.56."""
    return Decimal(pence).scaleb(-2)


def _status_text(row: dashboard_selectors.AwardRow) -> str:
    """The award's status, with when its offer lapsed if it did (as the fund's page says it)."""
    status = row.award.get_status_display()
    if row.money.lapsed:
        return f"{status}, lapsed on {govuk_date(row.award.respond_by)}"
    return status


@login_required
def fund_awards_csv(request: SignedInRequest, slug: str, fund_id: UUID) -> HttpResponse:
    """The fund's awards, as its page lists them: anyone in the partnership who may read the fund.

    "Committed" is what each award holds of the fund, as the fund's page shows it, so the column adds up to
    the page's committed money: the offer with its approved variations less any claw-back while it runs,
    only what was paid and kept once closed. A declined offer, or one left to lapse, is listed with its
    status and £0 committed: it holds nothing, but the offer was made."""
    partnership = partnership_for(request.user, slug)
    fund = selectors.fund_in(partnership, fund_id)
    return csv_response(
        [
            "Organisation",
            "Project",
            "Priorities",
            "Committed (£)",
            "Paid (£)",
            "Spent (£)",
            "Status",
        ],
        (
            [
                row.award.application.organisation.name,
                row.award.application.title,
                "; ".join(priority.title for priority in row.priorities),
                pounds_number(row.money.committed),
                pounds_number(row.money.paid),
                # Blank, not 0, until the project reports any spend.
                pounds_number(row.money.spent) if row.spend_reported else "",
                _status_text(row),
            ]
            for row in dashboard_selectors.award_rows(fund)
        ),
        filename=f"{fund.name} {dashboard_selectors.financial_year_label(fund.financial_year)} awards",
    )


@login_required
def round_applications_csv(request: SignedInRequest, slug: str, grant_round_id: UUID) -> HttpResponse:
    """The round's submitted applications with their scores and decisions: its managers only (an assessor
    scores alone and is refused; anyone else is told the round does not exist). Audited, as the round's
    page is."""
    partnership = partnership_for(request.user, slug)
    grant_round = selectors.round_for(request.user, partnership, grant_round_id)
    require_permission(request.user, MANAGE, grant_round)
    audit_record_viewed(actor=request.user, target=grant_round)
    scores = selectors.application_scores(grant_round)
    return csv_response(
        [
            "Organisation",
            "Title",
            "Amount asked (£)",
            "Status",
            "Assessors' mean score (%)",
            "Moderated score (%)",
            "Decision",
        ],
        (
            [
                application.organisation.name,
                application.title,
                pounds_number(application.amount_requested_pence),
                application.get_status_display(),
                # Blank, not 0, until it has been scored or moderated.
                scores[application.pk].mean_percent,
                scores[application.pk].moderated_percent,
                application.get_decision_display(),
            ]
            for application in selectors.applications_of_round(grant_round, request.user)
        ),
        filename=f"{grant_round.title} applications",
    )
