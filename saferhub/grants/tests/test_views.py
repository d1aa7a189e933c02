"""The funding pages as a partnership manager and an assessor use them: funds, their money, rounds."""

import datetime as dt

from django.utils import timezone

from saferhub.audit.models import AuditEvent, AuditVerb
from saferhub.grants import services
from saferhub.grants.models import Fund, GrantRound
from saferhub.grants.tests.conftest import application_complete
from saferhub.grants.tests.factories import FundFactory

SCRIPT = "<script>alert(1)</script>"


def test_the_funding_page_lists_each_fund_with_its_money_to_the_penny(world, sign_in):
    FundFactory(partnership=world.a, name="Locality fund", total_pence=23_900_000)
    FundFactory(partnership=world.b, name="Beta's fund")
    page = sign_in("board_member").get("/p/alpha/funding/").content.decode()
    assert "Locality fund" in page and "£239,000.00" in page
    assert "Beta's fund" not in page
    assert "Set up a fund" not in page  # a board member reads


def test_a_manager_sets_up_a_fund_in_pounds_and_it_is_audited(world, sign_in, manager):
    response = sign_in("partnership_manager").post(
        "/p/alpha/funding/funds/new/",
        {
            "name": f"Locality fund {SCRIPT}",
            "funder": "Office of the Police and Crime Commissioner",
            "accountable_body": "Alpha City Council",
            "financial_year": "2026",
            "total_pence": "£239,000",
        },
        follow=True,
    )
    fund = Fund.objects.get(partnership=world.a)
    assert fund.total_pence == 23_900_000 and list(fund.served.all()) == [world.a]
    page = response.content.decode()
    assert SCRIPT not in page and "&lt;script&gt;" in page
    assert AuditEvent.objects.filter(
        verb=AuditVerb.CREATED, target_id=str(fund.public_id), actor=manager
    ).exists()


def test_an_amount_that_is_not_money_is_refused_on_its_field_and_nothing_is_saved(world, sign_in):
    client = sign_in("partnership_manager")
    for typed, error in [
        ("lots", "Enter an amount in pounds, like 12000 or 12,000.50"),
        ("12.345", "no more than 2 decimal places"),
        ("-5", "Enter an amount of £0.00 or more"),
        ("=1+1", "Enter an amount in pounds"),
        ("NaN", "Enter an amount in pounds, like 12000"),
    ]:
        response = client.post(
            "/p/alpha/funding/funds/new/",
            {
                "name": "F",
                "funder": "F",
                "accountable_body": "F",
                "financial_year": "2026",
                "total_pence": typed,
            },
        )
        assert response.status_code == 400, typed
        assert error in response.content.decode(), typed
    assert not Fund.objects.exists()


def test_a_manager_sets_up_a_round_with_weighted_criteria_and_its_assessors(world, sign_in):
    fund = FundFactory(partnership=world.a)
    today = timezone.localdate()
    response = sign_in("partnership_manager").post(
        f"/p/alpha/funding/funds/{fund.public_id}/rounds/new/",
        {
            "title": "Community projects",
            "opens_on": today.isoformat(),
            "closes_on": (today + dt.timedelta(days=27)).isoformat(),
            "eligibility": "Voluntary groups.",
            "max_award_pence": "20,000",
            "pass_mark_percent": "65",
            "questions": "How will you reach young people?\n\n",
            "assessors": [world.people["grant_assessor"].pk],
            "weight_alignment": "2",
            "weight_impact": "2",
            "weight_value": "1",
            "weight_sustainability": "0",
            "weight_equality": "1",
        },
    )
    grant_round = GrantRound.objects.get(fund=fund)
    assert response.status_code == 302
    assert [(c.name, c.weight) for c in grant_round.criteria.all()] == [
        ("Fit with the partnership's priorities", 2),
        ("Impact on local communities", 2),
        ("Value for money", 1),
        ("Equality, diversity and inclusion", 1),
    ]
    assert grant_round.questions == ["How will you reach young people?"]
    assert timezone.localtime(grant_round.closes_at) == dt.datetime.combine(
        today + dt.timedelta(days=28), dt.time.min, tzinfo=timezone.get_current_timezone()
    )
    assert list(grant_round.assessors.all()) == [world.people["grant_assessor"]]


def test_a_round_that_closes_before_it_opens_or_weighs_nothing_is_refused(world, sign_in):
    fund = FundFactory(partnership=world.a)
    today = timezone.localdate()
    response = sign_in("partnership_manager").post(
        f"/p/alpha/funding/funds/{fund.public_id}/rounds/new/",
        {
            "title": "Backwards",
            "opens_on": today.isoformat(),
            "closes_on": (today - dt.timedelta(days=1)).isoformat(),
            "eligibility": "Anyone.",
            "max_award_pence": "1000",
            "pass_mark_percent": "65",
            **{
                f"weight_{key}": "0" for key in ("alignment", "impact", "value", "sustainability", "equality")
            },
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "The round closes on or after the day it opens" in page
    assert "Give at least one criterion a weight above 0" in page
    assert not GrantRound.objects.exists()


def test_the_round_page_shows_each_applications_scores_against_an_independent_sum(
    funding, world, sign_in, manager
):
    application = services.application_submit(
        actor=funding.applicant, application=application_complete(funding, world)
    )
    services.eligibility_decide(actor=manager, application=application, eligible=True)
    fit, value = funding.criteria  # weights 2 and 1, each out of 5: 15 points at most
    services.scores_record(
        actor=funding.assessors[0], application=application, scores={fit: (4, ""), value: (3, "")}
    )
    services.scores_record(
        actor=funding.assessors[1], application=application, scores={fit: (5, ""), value: (1, "")}
    )
    services.moderation_record(actor=manager, application=application, agreed={fit: (4, ""), value: (2, "")})
    page = (
        sign_in("partnership_manager")
        .get(f"/p/alpha/funding/rounds/{funding.grant_round.public_id}/")
        .content.decode()
    )
    mean = round(((2 * 4 + 3) + (2 * 5 + 1)) / 30 * 100, 1)  # 73.3
    moderated = round((2 * 4 + 2) / 15 * 100, 1)  # 66.7
    assert f"{mean}% (2 assessors)" in page
    assert f"{moderated}%" in page and "Fund: at or above the pass mark" in page


def test_a_round_is_hidden_from_staff_who_neither_manage_nor_assess_it(funding, world, sign_in):
    url = f"/p/alpha/funding/rounds/{funding.grant_round.public_id}/"
    assert sign_in("analyst").get(url).status_code == 404
    assert sign_in("other_manager").get(url).status_code == 404
    assert sign_in("partnership_manager").get(url).status_code == 200


def test_an_assessor_sees_the_submitted_applications_without_the_scores_and_not_one_they_conflict_with(
    funding, world, sign_in, manager
):
    services.application_submit(actor=funding.applicant, application=application_complete(funding, world))
    conflicted = services.application_submit(
        actor=funding.applicant, application=application_complete(funding, world)
    )
    application_complete(funding, world)  # a draft, never submitted
    services.eligibility_decide(actor=manager, application=conflicted, eligible=True)
    services.conflict_declare(
        actor=world.people["grant_assessor"], application=conflicted, reason="My charity"
    )
    url = f"/p/alpha/funding/rounds/{funding.grant_round.public_id}/"
    page = sign_in("grant_assessor").get(url).content.decode()
    rows = page.split('data-testid="applications"')[1].split("</table>")[0]
    assert (
        rows.count("Safer streets after school") == 1
    )  # one submitted; not the conflicted one nor the draft
    assert "Assessors' mean" not in page and "Recommendation" not in page
    assert AuditEvent.objects.filter(
        verb=AuditVerb.VIEWED,
        actor=world.people["grant_assessor"],
        target_id=str(funding.grant_round.public_id),
    ).exists()


def test_a_second_fund_of_the_same_name_and_year_is_refused_on_its_field(world, sign_in):
    FundFactory(partnership=world.a, name="Locality fund", financial_year=2026)
    response = sign_in("partnership_manager").post(
        "/p/alpha/funding/funds/new/",
        {
            "name": "locality FUND",
            "funder": "F",
            "accountable_body": "F",
            "financial_year": "2026",
            "total_pence": "1",
        },
    )
    assert response.status_code == 400
    assert "The partnership has a fund of this name for that year already" in response.content.decode()
    assert Fund.objects.count() == 1


def test_an_amount_too_large_to_hold_or_a_date_out_of_range_is_an_error_not_a_crash(world, sign_in):
    client = sign_in("partnership_manager")
    response = client.post(
        "/p/alpha/funding/funds/new/",
        {
            "name": "F",
            "funder": "F",
            "accountable_body": "F",
            "financial_year": "2026",
            "total_pence": "1e30",
        },
    )
    assert response.status_code == 400 and "or less" in response.content.decode()
    fund = FundFactory(partnership=world.a)
    response = client.post(
        f"/p/alpha/funding/funds/{fund.public_id}/rounds/new/",
        {
            "title": "Far future",
            "opens_on": "2026-12-01",
            "closes_on": "9999-12-31",
            "eligibility": "Anyone.",
            "max_award_pence": "1000",
            "pass_mark_percent": "65",
            "weight_alignment": "1",
            **{f"weight_{key}": "0" for key in ("impact", "value", "sustainability", "equality")},
        },
    )
    assert response.status_code == 400
    assert "Enter a date between the years 2000 and 2100" in response.content.decode()
