"""The applicant's pages after it applies, as a voluntary group's coordinator uses them: the award and its
money, answering the offer, asking for a variation, the final report, withdrawing an application, and the
home page's list of what is due next. Each refusal says why and changes nothing; another organisation's
people never see the award or the application."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from markupsafe import escape

from saferhub.design_system.filters import govuk_date
from saferhub.grants import services
from saferhub.grants.models import ApplicationStatus, AwardStatus, Variation, VariationStatus
from saferhub.grants.tests.conftest import application_complete
from saferhub.grants.tests.test_lifecycle import approved
from saferhub.grants.workflows import GrantRefused

SCRIPT = "<script>alert(1)</script>"
ACCEPTING = {"answer": "accept", "conditions_accepted": "on"}


def award_url(name, award):
    return reverse(f"grants:{name}", kwargs={"award_id": award.public_id})


def withdraw_url(application):
    return reverse("grants:application-withdraw", kwargs={"application_id": application.public_id})


@pytest.fixture
def applicant(client, funding):
    client.force_login(funding.applicant)
    return client


@pytest.fixture
def offered(funding, world, manager):
    """£10,000 offered to the youth group: £6,000 paid on acceptance and £4,000 after its Q1 report."""
    return services.award_offer(
        actor=manager,
        application=approved(funding, world, manager),
        amount_pence=1_000_000,
        instalments=[(600_000, None), (400_000, 1)],
        respond_by=timezone.localdate() + dt.timedelta(days=28),
    )


@pytest.fixture
def accepted(offered, funding):
    return services.award_respond(actor=funding.applicant, award=offered, accept=True)


def test_accepting_the_offer_confirms_its_conditions_and_shows_the_first_payment_due(
    offered, applicant, manager
):
    page = applicant.get(award_url("my-award", offered)).content.decode()
    assert "£10,000.00" in page and "DBS checks for every youth worker" in page
    assert f"Accept or decline the offer by {govuk_date(offered.respond_by)}" in page

    form = applicant.get(award_url("offer-respond", offered)).content.decode()
    assert "DBS checks for every youth worker" in form and "Once your Q1 report is accepted" in form
    unconfirmed = applicant.post(award_url("offer-respond", offered), {"answer": "accept"})
    assert unconfirmed.status_code == 400
    assert (
        "Confirm that your organisation will meet the offer&#39;s conditions" in unconfirmed.content.decode()
    )
    offered.refresh_from_db()
    assert offered.status == AwardStatus.OFFERED

    response = applicant.post(award_url("offer-respond", offered), ACCEPTING)
    assert response.status_code == 302 and response.url == award_url("my-award", offered)
    offered.refresh_from_db()
    assert offered.status == AwardStatus.ACCEPTED
    page = applicant.get(award_url("my-award", offered)).content.decode()
    assert "Accepted, being monitored" in page and "Due now" in page
    assert "Accepted on" in page and "Answer the offer by" not in page
    assert award_url("offer-respond", offered) not in page

    services.instalment_pay(
        actor=manager, instalment=offered.instalments.first(), paid_on=timezone.localdate()
    )
    money = applicant.get(award_url("my-award", offered)).content.decode()
    assert "Paid so far" in money and "£6,000.00" in money and "£4,000.00" in money
    assert "Due now" not in money


def _spent_on(page: str) -> str:
    """What the award page's money says was spent."""
    money = page.split('data-testid="money"')[1]
    return money.split("Spent, as your accepted reports say")[1].split("</dd>")[0].split(">")[-1].strip()


def test_spend_not_yet_reported_shows_none_reported_never_nothing_spent(accepted, applicant, manager):
    services.instalment_pay(
        actor=manager, instalment=accepted.instalments.first(), paid_on=timezone.localdate()
    )
    assert _spent_on(applicant.get(award_url("my-award", accepted)).content.decode()) == "None reported yet"
    line = accepted.application.budget_lines.first()
    services.spend_record(actor=manager, award=accepted, period="2026/27 Q1", spend={line: 123_456})
    assert _spent_on(applicant.get(award_url("my-award", accepted)).content.decode()) == "£1,234.56"


def test_declining_the_offer_gives_it_up_and_it_cannot_be_answered_again(offered, applicant):
    response = applicant.post(award_url("offer-respond", offered), {"answer": "decline"})
    assert response.status_code == 302
    offered.refresh_from_db()
    assert offered.status == AwardStatus.DECLINED
    page = applicant.get(award_url("my-award", offered)).content.decode()
    assert "Declined" in page and "Not paid" in page and "To come" not in page
    again = applicant.post(award_url("offer-respond", offered), ACCEPTING)
    assert again.status_code == 400
    assert "This offer has been answered already: the award is declined" in again.content.decode()
    offered.refresh_from_db()
    assert offered.status == AwardStatus.DECLINED


def test_a_lapsed_offer_is_refused_with_its_date(offered, funding, applicant):
    lapsed_on = govuk_date(offered.respond_by)
    with time_machine.travel(offered.respond_by + dt.timedelta(days=1)):
        applicant.force_login(funding.applicant)  # signed in again: the session would have expired
        page = applicant.get(award_url("offer-respond", offered)).content.decode()
        assert f"This offer lapsed on {lapsed_on}" in page and 'name="answer"' not in page
        assert (
            f"This offer lapsed on {lapsed_on}"
            in applicant.get(award_url("my-award", offered)).content.decode()
        )
        response = applicant.post(award_url("offer-respond", offered), ACCEPTING)
        assert response.status_code == 400 and "lapsed" in response.content.decode()
        home = applicant.get(reverse("grants:apply-home")).content.decode()
        assert "The offer lapsed" in home and "Overdue" in home
    offered.refresh_from_db()
    assert offered.status == AwardStatus.OFFERED


def test_a_variation_asked_for_shows_as_requested_with_its_money(accepted, applicant):
    response = applicant.post(
        award_url("variation-new", accepted),
        {"description": "End in June instead of March", "amount_pence": "-500"},
    )
    assert response.status_code == 302 and response.url == award_url("my-award", accepted)
    variation = Variation.objects.get(award=accepted)
    assert (variation.amount_pence, variation.status) == (-50_000, VariationStatus.REQUESTED)
    page = applicant.get(award_url("my-award", accepted)).content.decode()
    assert "End in June instead of March" in page and "-£500.00" in page and "Requested" in page


def test_a_variation_with_no_money_is_zero_and_one_below_nothing_is_refused_on_its_field(accepted, applicant):
    applicant.post(award_url("variation-new", accepted), {"description": "A later end", "amount_pence": ""})
    assert Variation.objects.get(award=accepted).amount_pence == 0
    for amount, error in [
        ("-10,000.01", "Enter an amount of -£10,000.00 or more"),
        ("-1e30", "Enter an amount of -£10,000.00 or more"),
        ("lots", "Enter an amount in pounds"),
    ]:
        response = applicant.post(
            award_url("variation-new", accepted), {"description": "Less", "amount_pence": amount}
        )
        assert response.status_code == 400 and error in response.content.decode(), amount
    response = applicant.post(award_url("variation-new", accepted), {"amount_pence": "5"})
    assert "Say what should change, and why" in response.content.decode()
    assert Variation.objects.filter(award=accepted).count() == 1


def test_a_variation_of_an_offer_not_yet_accepted_is_refused(offered, applicant):
    response = applicant.post(
        award_url("variation-new", offered), {"description": "More", "amount_pence": "5"}
    )
    assert response.status_code == 400
    assert "a variation is asked for only while the project runs" in response.content.decode()
    assert not Variation.objects.exists()


def test_a_refusal_of_the_service_shows_on_the_form(accepted, applicant, monkeypatch):
    def refuse(**kwargs):
        raise GrantRefused("A variation is asked for only while the award is running")

    monkeypatch.setattr(services, "variation_request", refuse)
    response = applicant.post(award_url("variation-new", accepted), {"description": "More"})
    assert response.status_code == 400
    assert "A variation is asked for only while the award is running" in response.content.decode()


def test_the_final_report_is_sent_once_and_shown(accepted, applicant):
    empty = applicant.post(award_url("final-report", accepted), {"report": " "})
    assert empty.status_code == 400 and "Write the final report before you send it" in empty.content.decode()
    response = applicant.post(award_url("final-report", accepted), {"report": "Forty young people reached."})
    assert response.status_code == 302
    accepted.refresh_from_db()
    assert accepted.status == AwardStatus.FINAL_REPORT
    page = applicant.get(award_url("my-award", accepted)).content.decode()
    assert "Forty young people reached." in page and award_url("final-report", accepted) not in page
    again = applicant.post(award_url("final-report", accepted), {"report": "Another"})
    assert again.status_code == 400 and "the final report is sent once" in again.content.decode()


def test_withdrawing_a_submitted_application_needs_a_reason(funding, world, applicant):
    application = services.application_submit(
        actor=funding.applicant, application=application_complete(funding, world)
    )
    page = applicant.get(reverse("grants:application", args=[application.public_id])).content.decode()
    assert withdraw_url(application) in page
    no_reason = applicant.post(withdraw_url(application), {"reason": ""})
    assert no_reason.status_code == 400
    assert "Say why you are withdrawing the application" in no_reason.content.decode()

    response = applicant.post(withdraw_url(application), {"reason": "Our youth worker has left"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN
    assert application.steps.last().comment == "Our youth worker has left"
    page = applicant.get(reverse("grants:application", args=[application.public_id])).content.decode()
    assert "Withdrawn" in page and withdraw_url(application) not in page
    again = applicant.get(withdraw_url(application)).content.decode()
    assert "an application can be withdrawn only until the partnership decides it" in again


def test_a_decided_application_cannot_be_withdrawn_and_links_to_its_award(offered, applicant):
    application = offered.application
    page = applicant.get(reverse("grants:application", args=[application.public_id])).content.decode()
    assert award_url("my-award", offered) in page and withdraw_url(application) not in page
    response = applicant.post(withdraw_url(application), {"reason": "Changed our minds"})
    assert response.status_code == 400
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED


def test_another_organisations_member_gets_404_on_every_page(accepted, funding, client):
    client.force_login(funding.other_applicant)
    for name in ("my-award", "offer-respond", "variation-new", "final-report"):
        assert client.get(award_url(name, accepted)).status_code == 404, name
        assert client.post(award_url(name, accepted), {"description": "x", "report": "x"}).status_code == 404
    application = accepted.application
    assert client.get(withdraw_url(application)).status_code == 404
    assert client.post(withdraw_url(application), {"reason": "x"}).status_code == 404
    assert accepted.variations.count() == 0 and accepted.final_report == ""
    assert "Safer streets" not in client.get(reverse("grants:apply-home")).content.decode()


def test_html_typed_in_text_is_escaped(offered, funding, applicant):
    offered.conditions = SCRIPT
    offered.save()
    applicant.post(award_url("offer-respond", offered), ACCEPTING)
    applicant.post(award_url("variation-new", offered), {"description": SCRIPT, "amount_pence": "0"})
    applicant.post(award_url("final-report", offered), {"report": SCRIPT})
    page = applicant.get(award_url("my-award", offered)).content.decode()
    assert SCRIPT not in page and page.count(str(escape(SCRIPT))) == 3


def test_the_home_page_lists_what_each_award_needs_next(offered, funding, world, manager, applicant):
    home = applicant.get(reverse("grants:apply-home")).content.decode()
    assert award_url("my-award", offered) in home
    assert f"Accept or decline the offer by {govuk_date(offered.respond_by)}" in home

    services.award_respond(actor=funding.applicant, award=offered, accept=True)
    fund = funding.grant_round.fund
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    next_month = timezone.localdate() + dt.timedelta(days=30)
    services.project_returns_open(actor=manager, fund=fund, financial_year=2026, quarter=1, due_on=yesterday)
    services.project_returns_open(actor=manager, fund=fund, financial_year=2026, quarter=2, due_on=next_month)
    home = applicant.get(reverse("grants:apply-home")).content.decode()
    assert "Accept or decline the offer" not in home
    assert (
        'Send your 2026/27 Q1 report</a> <strong class="govuk-tag govuk-tag--red">Overdue</strong> '
        f"was due {govuk_date(yesterday)}" in home
    )
    assert f"Send your 2026/27 Q2 report</a> by {govuk_date(next_month)}" in home
    award_page = applicant.get(award_url("my-award", offered)).content.decode()
    assert "2026/27 Q1 report" in award_page and "Overdue" in award_page
