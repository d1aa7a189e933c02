"""The fund's dashboard as a partnership's people read it: its money, the forecast underspend, the projects
by priority, the overdue project reports and the cost per outcome. Every figure on the page is checked
against sums of the records counted here, row by row, independently of money.py."""

import datetime as dt
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from django.utils import timezone

from saferhub.grants import services
from saferhub.grants.models import (
    Application,
    ApplicationStatus,
    Award,
    AwardStatus,
    Clawback,
    Fund,
    Instalment,
    ProjectReturn,
    Spend,
    Variation,
    VariationStatus,
)
from saferhub.grants.tests.conftest import quarter_reported
from saferhub.grants.tests.factories import (
    ApplicantMemberFactory,
    ApplicationFactory,
    FundFactory,
    GrantRoundFactory,
)
from saferhub.plans.tests.factories import PriorityFactory
from saferhub.reporting.models import ReturnStatus


@dataclass
class Funded:
    fund: Fund
    # "diversion" serves two priorities and has reported a quarter; "nights" has not reported; "offer" is
    # an offer not yet answered, serving no priority; "declined" was declined.
    awards: dict[str, Award]
    applicants: dict[str, Any]


def _project(grant_round, *, title, organisation_name, starts_on=None, ends_on=None, priorities=()):
    applicant = ApplicantMemberFactory(
        organisation__name=organisation_name, user__full_name=f"Coordinator of {title}"
    )
    application = ApplicationFactory(
        grant_round=grant_round,
        organisation=applicant.organisation,
        contact=applicant.user,
        title=title,
        amount_requested_pence=1_500_000,
        status=ApplicationStatus.APPROVED,
        starts_on=starts_on,
        ends_on=ends_on,
        answers={"registered_number": "1234567", "address": "1 Secret Lane, Alpha", "phone": "01632 960 999"},
    )
    application.priorities.set(priorities)
    application.budget_lines.create(item="Youth workers", amount_pence=1_500_000)
    return application, applicant.user


def funded_fund(world, manager, names: dict[str, str] | None = None) -> Funded:
    """A fund of A with four awards through the services: see `Funded`. `names` overrides organisations'
    names by project key."""
    names = names or {}
    fund = FundFactory(partnership=world.a, name="Locality fund", total_pence=5_000_000)
    fund.served.add(world.a)
    grant_round = GrantRoundFactory(fund=fund, max_award_pence=2_000_000)
    business_crime = world.records["a"]["priority"]
    violence = PriorityFactory(plan=business_crime.plan, title="Violence against women and girls", position=2)
    year = fund.financial_year
    specs: dict[str, dict[str, Any]] = {
        "diversion": {
            "title": "Youth diversion",
            "starts_on": dt.date(year, 4, 1),
            "ends_on": dt.date(year + 1, 3, 31),
            "priorities": [business_crime, violence],
        },
        "nights": {
            "title": "Safer nights",
            "starts_on": dt.date(year, 4, 1),
            "ends_on": dt.date(year, 9, 30),
            "priorities": [business_crime],
        },
        "offer": {"title": "Street pastors"},
        "declined": {"title": "Mentoring", "priorities": [violence]},
    }
    applications, applicants = {}, {}
    for key, spec in specs.items():
        applications[key], applicants[key] = _project(
            grant_round, organisation_name=names.get(key, f"{spec['title']} group"), **spec
        )
    applications["diversion"].outcomes.create(
        text="Fewer young people drawn into ASB", measure="Referrals", target=Decimal("40")
    )
    applications["nights"].outcomes.create(text="Calmer night-time economy", measure="Patrols", target=10)
    amounts = {"diversion": 1_200_000, "nights": 800_000, "offer": 500_000, "declined": 300_000}
    awards = {
        key: services.award_offer(
            actor=manager,
            application=applications[key],
            amount_pence=amount,
            instalments=[(amount // 2, None), (amount - amount // 2, 1)],
        )
        for key, amount in amounts.items()
    }
    for key in ("diversion", "nights", "declined"):
        awards[key] = services.award_respond(
            actor=applicants[key], award=awards[key], accept=key != "declined"
        )
    for key in ("diversion", "nights"):
        services.instalment_pay(
            actor=manager, instalment=awards[key].instalments.get(position=1), paid_on=timezone.localdate()
        )
    variation = services.variation_request(
        actor=applicants["diversion"],
        award=awards["diversion"],
        description="More sessions",
        amount_pence=100_000,
    )
    services.variation_decide(actor=manager, variation=variation, approve=True, reason="Worth it")
    # Q1 is due on 31 July of the fund's year (conftest): Safer nights' report stays a draft, overdue.
    line = applications["diversion"].budget_lines.get()
    quarter_reported(manager, awards["diversion"], applicants["diversion"], 1, {line: 250_000})
    return Funded(fund, {key: Award.objects.get(pk=award.pk) for key, award in awards.items()}, applicants)


def close_with_a_claw_back(funded: Funded, manager) -> Award:
    """Safer nights, paid its first £4,000 and nothing spent, pays £2,400 back and is closed: it holds £1,600
    of the £8,000 it was granted (the second £4,000, never paid, goes back to the fund)."""
    nights = funded.awards["nights"]
    services.clawback_record(actor=manager, award=nights, amount_pence=240_000, reason="Fewer nights run")
    services.final_report_send(actor=funded.applicants["nights"], award=nights, report="Ran six nights.")
    closed = services.award_close(actor=manager, award=nights)
    funded.awards["nights"] = closed
    return closed


# --- The independent sums --------------------------------------------------------------------------


def pounds_text(pence: int) -> str:
    return f"£{pence // 100:,}.{pence % 100:02d}"


def _sum(rows) -> int:
    return sum(row.amount_pence for row in rows)


def counted(award: Award) -> dict[str, int]:
    """An award's money, from its rows."""
    offered = award.amount_pence
    varied = _sum(Variation.objects.filter(award=award, status=VariationStatus.APPROVED))
    paid = _sum(Instalment.objects.filter(award=award, paid_on__isnull=False))
    spent = _sum(Spend.objects.filter(award=award))
    clawed_back = _sum(Clawback.objects.filter(award=award))
    lapsed = award.status == AwardStatus.OFFERED and award.respond_by < timezone.localdate()
    if award.status == AwardStatus.DECLINED or lapsed:
        committed = 0
    elif award.status == AwardStatus.CLOSED:
        committed = paid - clawed_back
    else:
        committed = offered + varied - clawed_back
    return {"committed": committed, "paid": paid, "spent": spent, "clawed_back": clawed_back}


def forecast_underspend(award: Award, committed: int, spent: int) -> int | None:
    """Spend to the end of the latest accepted quarter, at that monthly rate over all the project's months."""
    quarters = [
        (r.reporting_round.financial_year, r.reporting_round.quarter)
        for r in ProjectReturn.objects.filter(award=award, status=ReturnStatus.ACCEPTED)
    ]
    application = award.application
    if not quarters or application.starts_on is None or application.ends_on is None:
        return None
    year, quarter = max(quarters)
    # Months counted from January of year 0: the quarter's last month (June for Q1) is year * 12 + 5.
    last_month = year * 12 + 2 + 3 * quarter
    first_month = application.starts_on.year * 12 + application.starts_on.month - 1
    end_month = application.ends_on.year * 12 + application.ends_on.month - 1
    months = end_month - first_month + 1
    covered = min(last_month - first_month + 1, months)
    return max(committed - spent * months // covered, 0)


def figures_on(page: str) -> dict[str, str]:
    return dict(re.findall(r'data-figure="([^"]+)"[^>]*>([^<]*)<', page))


def table(page: str, testid: str) -> str:
    return page.split(f'data-testid="{testid}"')[1].split("</table>")[0]


# --- The tests ------------------------------------------------------------------------------------


@pytest.fixture
def funded(world, manager) -> Funded:
    return funded_fund(world, manager)


def test_every_figure_on_the_dashboard_equals_the_sum_of_its_records(funded, sign_in):
    page = sign_in("board_member").get(f"/p/alpha/funding/funds/{funded.fund.public_id}/").content.decode()
    figures = figures_on(page)
    awards = list(Award.objects.filter(application__grant_round__fund=funded.fund))
    money = {award.pk: counted(award) for award in awards}
    committed = sum(m["committed"] for m in money.values())
    assert figures["total"] == pounds_text(5_000_000)
    assert figures["committed"] == pounds_text(committed)
    assert figures["paid"] == pounds_text(sum(m["paid"] for m in money.values()))
    assert figures["spent"] == pounds_text(sum(m["spent"] for m in money.values()))
    assert figures["clawed-back"] == pounds_text(0)
    assert figures["remaining"] == pounds_text(5_000_000 - committed)
    running = [a for a in awards if a.status == AwardStatus.ACCEPTED]
    forecasts = [forecast_underspend(a, money[a.pk]["committed"], money[a.pk]["spent"]) for a in running]
    assert figures["forecast-underspend"] == pounds_text(sum(f for f in forecasts if f is not None))
    # Youth diversion: £12,000 + £1,000 varied, £2,500 spent in its first 3 of 12 months: £10,000 by its
    # end, so £3,000 unspent.
    assert figures[f"award-{funded.awards['diversion'].public_id}-forecast-underspend"] == "£3,000.00"
    for award in awards:
        key = f"award-{award.public_id}"
        assert figures[f"{key}-committed"] == pounds_text(money[award.pk]["committed"]), award
        assert figures[f"{key}-paid"] == pounds_text(money[award.pk]["paid"]), award
        has_spend = Spend.objects.filter(award=award).exists()
        assert figures[f"{key}-spent"] == (
            pounds_text(money[award.pk]["spent"]) if has_spend else "None reported yet"
        )


def test_a_closed_award_holds_only_what_it_paid_and_kept(funded, manager, sign_in):
    nights = close_with_a_claw_back(funded, manager)
    page = sign_in("board_member").get(f"/p/alpha/funding/funds/{funded.fund.public_id}/").content.decode()
    figures = figures_on(page)
    awards = Award.objects.filter(application__grant_round__fund=funded.fund)
    assert figures[f"award-{nights.public_id}-committed"] == pounds_text(counted(nights)["committed"])
    assert figures[f"award-{nights.public_id}-committed"] == "£1,600.00"
    assert figures["committed"] == pounds_text(sum(counted(award)["committed"] for award in awards))
    assert figures["clawed-back"] == "£2,400.00"


def test_projects_by_priority_count_a_two_priority_project_under_each_and_once_in_the_total(funded, sign_in):
    page = sign_in("board_member").get(f"/p/alpha/funding/funds/{funded.fund.public_id}/").content.decode()
    figures = figures_on(page)
    live = [a for a in funded.awards.values() if a.status != AwardStatus.DECLINED]
    money = {a.pk: counted(a) for a in live}
    rows = table(page, "priorities")
    assert rows.index("Business Crime") < rows.index("Violence against women and girls")
    for position, title in enumerate(["Business Crime", "Violence against women and girls"], start=1):
        serving = [a for a in live if a.application.priorities.filter(title=title).exists()]
        assert figures[f"priority-{position}-projects"] == str(len(serving))
        assert figures[f"priority-{position}-committed"] == pounds_text(
            sum(money[a.pk]["committed"] for a in serving)
        )
    # Youth diversion is under both priorities, but once in the total: the declined offer is in neither.
    assert figures["priority-1-projects"] == "2" and figures["priority-2-projects"] == "1"
    assert figures["no-priority-projects"] == "1"  # the offer to Street pastors
    assert figures["all-projects-projects"] == str(len(live)) == "3"
    assert figures["all-projects-committed"] == figures["committed"]
    assert figures["all-projects-spent"] == figures["spent"]
    assert "counted in full under each" in page
    # Street pastors has not reported spend: its row says so rather than £0.00.
    assert figures["no-priority-spent"] == "None reported yet"


def test_each_award_links_to_its_page(funded, sign_in):
    page = sign_in("board_member").get(f"/p/alpha/funding/funds/{funded.fund.public_id}/").content.decode()
    for award in funded.awards.values():
        assert f'href="/p/alpha/funding/awards/{award.public_id}/"' in page


def test_an_overdue_project_report_is_listed_and_a_reported_one_is_not(funded, sign_in):
    page = sign_in("board_member").get(f"/p/alpha/funding/funds/{funded.fund.public_id}/").content.decode()
    overdue = table(page, "overdue")
    assert "Safer nights" in overdue and "2026/27 Q1" in overdue and "31 July 2026" in overdue
    assert "Youth diversion" not in overdue
    assert f"/p/alpha/funding/awards/{funded.awards['nights'].public_id}/" in overdue


def test_the_index_shows_each_funds_forecast_underspend_and_overdue_reports(funded, sign_in):
    page = sign_in("board_member").get("/p/alpha/funding/").content.decode()
    figures = figures_on(page)
    assert figures["forecast-underspend"] == "£3,000.00"
    assert figures["overdue"] == "1"
    assert "/open-data/alpha/funded-projects.csv" in page and "/open-data/alpha/funded-projects.json" in page


def test_a_project_that_has_not_reported_is_not_enough_data_never_nothing(funded, sign_in):
    page = sign_in("board_member").get(f"/p/alpha/funding/funds/{funded.fund.public_id}/").content.decode()
    figures = figures_on(page)
    nights = funded.awards["nights"]
    assert figures[f"award-{nights.public_id}-forecast-underspend"] == "Not enough data"
    assert figures[f"award-{funded.awards['offer'].public_id}-forecast-underspend"] == "Not running"
    assert "1 running project has no start and end dates or no accepted report yet" in page
    outcome = nights.application.outcomes.get()
    assert figures[f"outcome-{outcome.public_id}-reported"] == "None reported yet"
    assert figures[f"outcome-{outcome.public_id}-cost"] == "Not enough data"
    assert "the spend its accepted reports show is taken at the same monthly rate" in page


def test_cost_per_outcome_is_the_awards_money_over_the_figures_reported(funded, sign_in):
    page = sign_in("board_member").get(f"/p/alpha/funding/funds/{funded.fund.public_id}/").content.decode()
    figures = figures_on(page)
    diversion = funded.awards["diversion"]
    outcome = diversion.application.outcomes.get()
    reported = sum(
        Decimal(r.figures[str(outcome.public_id)])
        for r in ProjectReturn.objects.filter(award=diversion, status=ReturnStatus.ACCEPTED)
    )
    committed = counted(diversion)["committed"]
    assert figures[f"outcome-{outcome.public_id}-reported"] == "12"
    cost = int((Decimal(committed) / reported).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    assert figures[f"outcome-{outcome.public_id}-cost"] == pounds_text(cost) == "£1,083.33"


def test_a_fund_with_nothing_awarded_shows_no_data_rather_than_nothing_spent(world, sign_in):
    fund = FundFactory(partnership=world.a)
    page = sign_in("board_member").get(f"/p/alpha/funding/funds/{fund.public_id}/").content.decode()
    figures = figures_on(page)
    assert figures["spent"] == "None reported yet"
    assert figures["forecast-underspend"] == "Not enough data"
    assert "No awards yet." in page and "No projects hold money from this fund yet." in page
    assert "No project report of this fund is overdue." in page


def test_another_partnerships_fund_is_not_found(world, sign_in):
    beta = FundFactory(partnership=world.b)
    client = sign_in("partnership_manager")
    assert client.get(f"/p/alpha/funding/funds/{beta.public_id}/").status_code == 404
    assert client.get(f"/p/beta/funding/funds/{beta.public_id}/").status_code == 404


def test_project_titles_typed_by_applicants_are_escaped(world, manager, sign_in):
    funded = funded_fund(world, manager)
    Application.objects.filter(pk=funded.awards["nights"].application_id).update(title="<script>x</script>")
    page = sign_in("board_member").get(f"/p/alpha/funding/funds/{funded.fund.public_id}/").content.decode()
    assert "<script>x</script>" not in page and "&lt;script&gt;x&lt;/script&gt;" in page
