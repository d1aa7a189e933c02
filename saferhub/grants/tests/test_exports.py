"""The funding exports as a partnership's people open them in a spreadsheet: a fund's awards and a round's
applications, where a name typed like a formula opens as text and money stays a number."""

import csv
import datetime as dt
import io
from decimal import Decimal

from django.utils import timezone

from saferhub.audit.models import AuditEvent, AuditVerb
from saferhub.design_system.filters import govuk_date
from saferhub.grants.models import ApplicationStatus, Award, Decision, ModeratedScore, Score
from saferhub.grants.tests.factories import ApplicantMemberFactory, ApplicationFactory, FundFactory
from saferhub.grants.tests.test_dashboard import (
    close_with_a_claw_back,
    counted,
    figures_on,
    funded_fund,
    pounds_text,
)

FORMULAS = {
    "diversion": '=HYPERLINK("http://evil.example","Click")',
    "nights": "+1",
    "offer": "-1",
    "declined": "@SUM(A1:A9)",
}


def rows_of(response) -> list[list[str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="')
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_a_funds_awards_open_with_formulas_as_text_and_money_as_numbers(world, manager, sign_in):
    funded = funded_fund(world, manager, names=FORMULAS)
    rows = rows_of(sign_in("board_member").get(f"/p/alpha/funding/funds/{funded.fund.public_id}/awards.csv"))
    assert rows[0] == [
        "Organisation",
        "Project",
        "Priorities",
        "Committed (£)",
        "Paid (£)",
        "Spent (£)",
        "Status",
    ]
    by_project = {row[1]: row for row in rows[1:]}
    assert by_project["Youth diversion"] == [
        "'" + FORMULAS["diversion"],
        "Youth diversion",
        "Business Crime; Violence against women and girls",
        "13000.00",  # £12,000 offered and £1,000 varied
        "6000.00",
        "2500.00",
        "Accepted, being monitored",
    ]
    assert by_project["Safer nights"][0] == "'+1"
    assert by_project["Safer nights"][5] == ""  # no spend reported yet: blank, not 0
    assert by_project["Street pastors"][:2] == ["'-1", "Street pastors"]
    assert by_project["Street pastors"][2:] == ["", "5000.00", "0.00", "", "Offered"]
    assert by_project["Mentoring"][0] == "'@SUM(A1:A9)"
    # The declined offer is listed, holding nothing of the fund.
    assert by_project["Mentoring"][3:] == ["0.00", "0.00", "", "Declined"]


def test_the_committed_column_adds_up_to_the_funds_committed_money(world, manager, sign_in):
    funded = funded_fund(world, manager)
    close_with_a_claw_back(funded, manager)
    # Street pastors' offer lapses unanswered: its money goes back to the fund.
    offer = funded.awards["offer"]
    lapsed_on = timezone.localdate() - dt.timedelta(days=1)
    Award.objects.filter(pk=offer.pk).update(respond_by=lapsed_on)
    client = sign_in("board_member")
    rows = rows_of(client.get(f"/p/alpha/funding/funds/{funded.fund.public_id}/awards.csv"))
    by_project = {row[1]: row for row in rows[1:]}
    # Paid £4,000, £2,400 of it clawed back, the other £4,000 never paid: £1,600, not the £8,000 granted.
    assert by_project["Safer nights"][3:] == ["1600.00", "4000.00", "", "Closed"]
    assert by_project["Street pastors"][3:] == [
        "0.00",
        "0.00",
        "",
        f"Offered, lapsed on {govuk_date(lapsed_on)}",
    ]
    assert by_project["Mentoring"][3] == "0.00"
    awards = Award.objects.filter(application__grant_round__fund=funded.fund)
    committed = sum(counted(award)["committed"] for award in awards)
    assert sum(int(Decimal(row[3]) * 100) for row in rows[1:]) == committed
    page = client.get(f"/p/alpha/funding/funds/{funded.fund.public_id}/").content.decode()
    assert figures_on(page)["committed"] == pounds_text(committed)


def test_another_partnerships_fund_cannot_be_exported(world, sign_in):
    beta = FundFactory(partnership=world.b)
    client = sign_in("partnership_manager")
    assert client.get(f"/p/alpha/funding/funds/{beta.public_id}/awards.csv").status_code == 404
    assert client.get(f"/p/beta/funding/funds/{beta.public_id}/awards.csv").status_code == 404


def _applications(funding):
    """Three applications to the round: scored by two assessors; moderated and rejected; submitted, with
    an organisation named like a formula."""
    first, second = funding.criteria  # weights 2 and 1, each out of 5: at most 15
    made = {}
    for key, name, title, status in [
        ("scored", "Alpha youth club", "Detached youth work", ApplicationStatus.ELIGIBLE),
        ("rejected", "Beta boxing", "Boxing nights", ApplicationStatus.REJECTED),
        ("submitted", "=1+2", "Safer parks", ApplicationStatus.SUBMITTED),
    ]:
        organisation = ApplicantMemberFactory(organisation__name=name).organisation
        made[key] = ApplicationFactory(
            grant_round=funding.grant_round,
            organisation=organisation,
            title=title,
            status=status,
            amount_requested_pence=1_234_567,
        )
    for assessor, scores in zip(funding.assessors, [(4, 3), (5, 5)], strict=False):
        for criterion, score in zip((first, second), scores, strict=True):
            Score.objects.create(
                application=made["scored"], assessor=assessor, criterion=criterion, score=score
            )
    for criterion, score in ((first, 3), (second, 2)):
        ModeratedScore.objects.create(application=made["rejected"], criterion=criterion, score=score)
    made["rejected"].decision = Decision.REJECT
    made["rejected"].save()
    ApplicationFactory(grant_round=funding.grant_round, title="Still a draft")
    return made


def test_a_manager_exports_the_rounds_applications_with_their_scores_and_it_is_audited(
    funding, world, sign_in, manager
):
    _applications(funding)
    url = f"/p/alpha/funding/rounds/{funding.grant_round.public_id}/applications.csv"
    rows = rows_of(sign_in("partnership_manager").get(url))
    assert rows[0] == [
        "Organisation",
        "Title",
        "Amount asked (£)",
        "Status",
        "Assessors' mean score (%)",
        "Moderated score (%)",
        "Decision",
    ]
    assert rows[1:] == [
        # (4×2 + 3) / 15 and (5×2 + 5) / 15: 26 of 30 between them.
        ["Beta boxing", "Boxing nights", "12345.67", "Rejected", "", "53.3", "Reject"],
        ["Alpha youth club", "Detached youth work", "12345.67", "Eligible, being scored", "86.7", "", ""],
        ["'=1+2", "Safer parks", "12345.67", "Submitted", "", "", ""],
    ]
    assert "Still a draft" not in str(rows)
    assert AuditEvent.objects.filter(
        verb=AuditVerb.VIEWED, actor=manager, target_id=str(funding.grant_round.public_id)
    ).exists()


def test_only_the_rounds_managers_export_its_applications(funding, world, sign_in, client):
    url = f"/p/alpha/funding/rounds/{funding.grant_round.public_id}/applications.csv"
    client.force_login(funding.assessors[0])
    assert client.get(url).status_code == 403  # an assessor of the round scores alone
    assert sign_in("board_member").get(url).status_code == 404
    assert sign_in("other_manager").get(url).status_code == 404
    beta_url = f"/p/beta/funding/rounds/{funding.grant_round.public_id}/applications.csv"
    assert sign_in("other_manager").get(beta_url).status_code == 404
