"""A quarter's board pack lists the partnership's funded projects: their money to the penny, the priorities
they serve and their report of that quarter."""

import datetime as dt

from django.utils import timezone

from saferhub.grants import services
from saferhub.grants.tests.conftest import quarter_reported
from saferhub.grants.tests.test_lifecycle import approved
from saferhub.performance import services as performance


def test_the_pack_lists_each_funded_project_with_its_money_and_its_quarters_report(funding, world, manager):
    award = services.award_offer(
        actor=manager,
        application=approved(funding, world, manager),
        amount_pence=1_000_000,
        instalments=[(600_000, None), (400_000, 2)],
    )
    award = services.award_respond(actor=funding.applicant, award=award, accept=True)
    services.instalment_pay(
        actor=manager, instalment=award.instalments.get(position=1), paid_on=timezone.localdate()
    )
    workers, venue = award.application.budget_lines.all()
    quarter_reported(manager, award, funding.applicant, 1, {workers: 250_001, venue: 0})
    q1, _ = performance.reporting_round_open(
        actor=manager, partnership=world.a, financial_year=2026, quarter=1, due_on=dt.date(2026, 7, 31)
    )
    q2, _ = performance.reporting_round_open(
        actor=manager, partnership=world.a, financial_year=2026, quarter=2, due_on=dt.date(2026, 10, 31)
    )
    [project] = performance.board_pack_generate(actor=manager, reporting_round=q1).snapshot["funded_projects"]
    assert project == {
        "project": "Safer streets after school",
        "organisation": award.application.organisation.name,
        "fund": funding.grant_round.fund.name,
        "priorities": ["Business Crime"],
        "granted_pence": 1_000_000,
        "paid_pence": 600_000,
        "spent_pence": 250_001,
        "spend_reported": True,
        "report": "Accepted",
        "progress": "On track.",
    }
    [later] = performance.board_pack_generate(actor=manager, reporting_round=q2).snapshot["funded_projects"]
    assert later["report"] == "No report asked for this quarter" and later["progress"] == ""


def test_the_pack_page_shows_the_projects_money_in_pounds(funding, world, manager, sign_in):
    award = services.award_offer(
        actor=manager,
        application=approved(funding, world, manager),
        amount_pence=1_134_567,
        instalments=[(1_134_567, None)],
    )
    services.award_respond(actor=funding.applicant, award=award, accept=True)
    q1, _ = performance.reporting_round_open(
        actor=manager, partnership=world.a, financial_year=2026, quarter=1, due_on=dt.date(2026, 7, 31)
    )
    pack = performance.board_pack_generate(actor=manager, reporting_round=q1)
    page = (
        sign_in("partnership_manager")
        .get(f"/p/alpha/performance/board-packs/{pack.public_id}/")
        .content.decode()
    )
    assert "£11,345.67" in page and "No report asked for this quarter" in page
    # Nothing reported spent yet: the pack does not say £0.00 was spent.
    assert "None reported yet" in page
