"""The partnership manager's award pages as they use them: the offer and its schedule, payments tied to a
quarter's report, variations, claw-back and closing, and the award's page, every figure to the penny."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from saferhub.audit.models import AuditEvent, AuditVerb
from saferhub.grants import services
from saferhub.grants.models import Award, AwardStatus, Clawback, Spend, VariationStatus
from saferhub.grants.tests.conftest import quarter_reported
from saferhub.grants.tests.test_lifecycle import approved

SCRIPT = "<script>alert(1)</script>"


def offer_url(application) -> str:
    return f"/p/alpha/funding/applications/{application.public_id}/offer/"


def award_url(award) -> str:
    return f"/p/alpha/funding/awards/{award.public_id}/"


def offer_form(**changes) -> dict[str, str]:
    """An offer of £10,000 in full, to accept within four weeks."""
    return {
        "amount_pence": "10,000",
        "conditions": "DBS checks for every youth worker before work starts.",
        "respond_by": (timezone.localdate() + dt.timedelta(days=28)).isoformat(),
        "schedule": "full",
        **changes,
    }


def accepted_award(funding, world, manager, instalments=((1_000_000, None),)) -> Award:
    """A's approved application, offered £10,000 in these instalments, and accepted."""
    award = services.award_offer(
        actor=manager,
        application=approved(funding, world, manager),
        amount_pence=sum(pence for pence, _ in instalments),
        instalments=list(instalments),
    )
    return services.award_respond(actor=funding.applicant, award=award, accept=True)


def figures(page: str) -> dict[str, str]:
    """The award page's money table, by the test id of each figure: {"paid": "£6,000.00", ...}."""
    return dict(re.findall(r'data-testid="([a-z-]+)">(-?£[\d,]+\.\d\d)<', page))


def test_an_offer_in_two_instalments_that_add_up_is_made_with_the_decisions_conditions(
    funding, world, manager, sign_in
):
    application = approved(funding, world, manager)
    client = sign_in("partnership_manager")
    page = client.get(offer_url(application)).content.decode()
    assert "DBS checks for every youth worker before work starts." in page  # the decision's conditions
    assert 'value="12,000.00"' in page  # the amount asked for
    respond_by = timezone.localdate() + dt.timedelta(days=28)  # SAFERHUB_GRANT_OFFER_ACCEPTANCE_DAYS
    assert f'value="{respond_by.isoformat()}"' in page
    response = client.post(
        offer_url(application),
        offer_form(
            schedule="instalments",
            amount_1="6,000",
            after_quarter_1="",
            amount_2="4,000",
            after_quarter_2="1",
        ),
    )
    award = Award.objects.get(application=application)
    assert response.status_code == 302 and response.url == award_url(award)
    assert award.amount_pence == 1_000_000 and award.status == AwardStatus.OFFERED
    assert [(i.amount_pence, i.after_quarter) for i in award.instalments.all()] == [
        (600_000, None),
        (400_000, 1),
    ]


def test_instalments_that_do_not_add_up_are_refused_with_both_sums_and_nothing_is_saved(
    funding, world, manager, sign_in
):
    application = approved(funding, world, manager)
    response = sign_in("partnership_manager").post(
        offer_url(application),
        offer_form(schedule="instalments", amount_1="6,000", amount_2="3,000", after_quarter_2="2"),
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "The instalments add up to £9,000.00, not the award&#39;s £10,000.00" in page
    assert 'value="3,000"' in page  # the form is kept as typed
    assert not Award.objects.filter(application=application).exists()


def test_an_offer_above_the_money_left_in_the_fund_is_refused_saying_what_is_left(
    funding, world, manager, sign_in
):
    application = approved(funding, world, manager)
    fund = funding.grant_round.fund
    fund.total_pence = 1_000_000
    fund.save()
    client = sign_in("partnership_manager")
    assert "£10,000.00" in client.get(offer_url(application)).content.decode()  # left to offer
    response = client.post(offer_url(application), offer_form(amount_pence="12,000"))
    assert response.status_code == 400
    assert "The fund has £10,000.00 left to offer: offer no more than that" in response.content.decode()
    assert not Award.objects.filter(application=application).exists()


def test_an_application_offered_its_award_already_is_sent_to_the_award(funding, world, manager, sign_in):
    award = accepted_award(funding, world, manager)
    response = sign_in("partnership_manager").post(offer_url(award.application), offer_form(), follow=True)
    assert response.redirect_chain == [(award_url(award), 302)]
    assert "offered its award already" in response.content.decode()
    assert Award.objects.count() == 1


def test_an_instalment_after_q1_is_paid_only_once_the_q1_report_is_accepted(funding, world, manager, sign_in):
    award = accepted_award(funding, world, manager, instalments=((600_000, None), (400_000, 1)))
    second = award.instalments.get(position=2)
    client = sign_in("partnership_manager")
    page = client.get(award_url(award)).content.decode()
    assert page.count("Record payment") == 1 and "Once the Q1 report is accepted" in page
    pay = f"{award_url(award)}instalments/{second.public_id}/pay/"
    assert "report has not been accepted yet" in client.get(pay).content.decode()
    today = timezone.localdate().isoformat()
    response = client.post(pay, {"paid_on": today})
    assert response.status_code == 400
    assert "This instalment is paid once the project&#39;s Q1 report is accepted" in response.content.decode()
    second.refresh_from_db()
    assert second.paid_on is None

    workers, venue = award.application.budget_lines.all()
    quarter_reported(manager, award, funding.applicant, 1, {workers: 300_000, venue: 100_000})
    response = client.post(pay, {"paid_on": today})
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.paid_on == timezone.localdate() and second.paid_by == manager
    assert "Paid on" in client.get(award_url(award)).content.decode()


def test_a_payment_in_the_future_is_refused_on_its_field(funding, world, manager, sign_in):
    award = accepted_award(funding, world, manager)
    instalment = award.instalments.get()
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = sign_in("partnership_manager").post(
        f"{award_url(award)}instalments/{instalment.public_id}/pay/", {"paid_on": tomorrow}
    )
    assert response.status_code == 400 and "it cannot be in the future" in response.content.decode()
    instalment.refresh_from_db()
    assert instalment.paid_on is None


def test_a_variation_is_approved_and_another_refused_in_writing(funding, world, manager, sign_in):
    award = accepted_award(funding, world, manager)
    more = services.variation_request(
        actor=funding.applicant, award=award, description=f"Two more sessions {SCRIPT}", amount_pence=100_000
    )
    later = services.variation_request(actor=funding.applicant, award=award, description="End in May")
    client = sign_in("partnership_manager")
    decide = f"{award_url(award)}variations/{more.public_id}/"
    page = client.get(decide).content.decode()
    assert "Two more sessions &lt;script&gt;" in page and SCRIPT not in page
    assert "£10,000.00, then £11,000.00 if approved" in page  # granted
    assert "£40,000.00, then £39,000.00 if approved" in page  # left in the fund
    response = client.post(decide, {"decision": "approve", "reason": ""})
    assert (
        response.status_code == 400
        and "Say why: a variation is decided in writing" in response.content.decode()
    )

    assert client.post(decide, {"decision": "approve", "reason": "Good results"}).status_code == 302
    refuse = client.post(
        f"{award_url(award)}variations/{later.public_id}/", {"decision": "refuse", "reason": "Too late"}
    )
    assert refuse.status_code == 302
    assert [(v.status, v.decision_reason) for v in award.variations.order_by("created_at")] == [
        (VariationStatus.APPROVED, "Good results"),
        (VariationStatus.REFUSED, "Too late"),
    ]
    page = client.get(award_url(award)).content.decode()
    assert figures(page)["granted"] == "£11,000.00"
    assert "Approved on" in page and "Refused on" in page
    # Decided already: back to the award, saying so.
    response = client.get(decide, follow=True)
    assert (
        response.redirect_chain == [(award_url(award), 302)]
        and "approved already" in response.content.decode()
    )


def test_a_claw_back_above_what_is_unspent_is_refused_showing_the_most_it_can_be(
    funding, world, manager, sign_in
):
    award = accepted_award(funding, world, manager)
    services.instalment_pay(actor=manager, instalment=award.instalments.get(), paid_on=timezone.localdate())
    workers, venue = award.application.budget_lines.all()
    services.spend_record(
        actor=manager, award=award, period="2026/27 Q1", spend={workers: 700_000, venue: 150_000}
    )
    client = sign_in("partnership_manager")
    url = f"{award_url(award)}clawback/"
    assert "The most that can be clawed back" in (page := client.get(url).content.decode())
    assert "£1,500.00" in page
    response = client.post(url, {"amount_pence": "1,500.01", "reason": "Underspend"})
    assert response.status_code == 400
    assert (
        "The project holds £1,500.00 paid and not spent: claw back no more than that"
        in response.content.decode()
    )
    assert not Clawback.objects.exists()
    assert client.post(url, {"amount_pence": "1,500", "reason": "Underspend on venue"}).status_code == 302
    assert Clawback.objects.get().amount_pence == 150_000


def test_a_manager_records_spend_per_budget_line_for_a_period(funding, world, manager, sign_in):
    award = accepted_award(funding, world, manager)
    workers = award.application.budget_lines.first()
    client = sign_in("partnership_manager")
    url = f"{award_url(award)}spend/"
    response = client.post(url, {"period": "Reconciliation", "line_1": "", "line_2": ""})
    assert (
        response.status_code == 400
        and "Enter the spend on at least one budget line" in response.content.decode()
    )
    assert client.post(url, {"period": "Reconciliation", "line_1": "2,500", "line_2": ""}).status_code == 302
    assert [(s.budget_line, s.period, s.amount_pence) for s in Spend.objects.all()] == [
        (workers, "Reconciliation", 250_000)
    ]


def test_closing_needs_the_final_report_and_a_confirmation(funding, world, manager, sign_in):
    award = accepted_award(funding, world, manager)
    client = sign_in("partnership_manager")
    url = f"{award_url(award)}close/"
    assert "Close the award" not in client.get(award_url(award)).content.decode()
    response = client.post(url, {"comment": "Done", "reconciled": "on"})
    assert response.status_code == 400  # refused by the service, shown on the page, never a 500
    assert "it can be closed only when it is final report in" in response.content.decode()

    services.final_report_send(actor=funding.applicant, award=award, report="Forty young people reached.")
    assert "Close the award" in client.get(award_url(award)).content.decode()
    response = client.post(url, {"comment": "Reconciled"})
    assert response.status_code == 400 and "Confirm the award is reconciled" in response.content.decode()
    assert client.post(url, {"comment": "Reconciled", "reconciled": "on"}).status_code == 302
    award.refresh_from_db()
    assert award.status == AwardStatus.CLOSED
    page = client.get(award_url(award)).content.decode()
    assert "closed by" in page and "Reconciled" in page
    assert figures(page)["committed"] == "£0.00"  # nothing was paid: all of it went back to the fund


def test_every_figure_on_the_award_page_matches_sums_of_its_records(funding, world, manager, sign_in):
    award = accepted_award(funding, world, manager, instalments=((600_000, None), (400_000, 1)))
    first, second = award.instalments.all()
    services.instalment_pay(actor=manager, instalment=first, paid_on=timezone.localdate())
    workers, venue = award.application.budget_lines.all()
    quarter_reported(manager, award, funding.applicant, 1, {workers: 350_000, venue: 125_050})
    services.instalment_pay(actor=manager, instalment=second, paid_on=timezone.localdate())
    more = services.variation_request(
        actor=funding.applicant, award=award, description="More", amount_pence=50_000
    )
    services.variation_decide(actor=manager, variation=more, approve=True, reason="Agreed")
    services.clawback_record(actor=manager, award=award, amount_pence=20_001, reason="Not spent as agreed")

    page = sign_in("partnership_manager").get(award_url(award)).content.decode()
    granted = award.amount_pence + sum(v.amount_pence for v in award.variations.filter(status="approved"))
    paid = sum(i.amount_pence for i in award.instalments.exclude(paid_on=None))
    spent = sum(s.amount_pence for s in Spend.objects.filter(award=award))
    clawed_back = sum(c.amount_pence for c in award.clawbacks.all())
    assert (granted, paid, spent, clawed_back) == (1_050_000, 1_000_000, 475_050, 20_001)

    def money(pence: int) -> str:
        return f"£{pence // 100:,}.{pence % 100:02d}"

    assert figures(page) == {
        "granted": money(granted),
        "committed": money(granted - clawed_back),
        "paid": money(paid),
        "spent": money(spent),
        "unspent": money(paid - spent - clawed_back),
        "clawed-back": money(clawed_back),
        "spend-total": money(spent),
    }
    assert "2026/27 Q1 report" in page and "Accepted" in page  # the quarter's report, linked
    assert f"/p/alpha/funding/reports/{award.returns.get().public_id}/" in page
    assert "Not spent as agreed" in page
    assert AuditEvent.objects.filter(
        verb=AuditVerb.VIEWED, target_id=str(award.public_id), actor=manager
    ).exists()


def test_a_project_that_has_reported_no_spend_shows_none_reported_never_nothing_spent(
    funding, world, manager, sign_in
):
    award = accepted_award(funding, world, manager)
    services.instalment_pay(actor=manager, instalment=award.instalments.get(), paid_on=timezone.localdate())
    client = sign_in("partnership_manager")
    cells = dict(
        re.findall(r'data-testid="([a-z-]+)">([^<]*)<', client.get(award_url(award)).content.decode())
    )
    assert cells["paid"] == "£10,000.00"
    assert cells["spent"] == "None reported yet"
    assert cells["unspent"] == "Not known: no spend reported yet"
    for action in ("clawback/", "close/"):
        facts = client.get(f"{award_url(award)}{action}").content.decode().split('data-testid="facts"')[1]
        spent = facts.split("Spent")[1].split("</dd>")[0]
        assert "None reported yet" in spent and "£" not in spent, action

    # Spend reported as nothing at all is a figure: £0.00, and all the money paid is not spent.
    workers = award.application.budget_lines.first()
    services.spend_record(actor=manager, award=award, period="2026/27 Q1", spend={workers: 0})
    cells = dict(
        re.findall(r'data-testid="([a-z-]+)">([^<]*)<', client.get(award_url(award)).content.decode())
    )
    assert (cells["spent"], cells["unspent"]) == ("£0.00", "£10,000.00")
    facts = client.get(f"{award_url(award)}clawback/").content.decode().split('data-testid="facts"')[1]
    assert "None reported yet" not in facts and "£0.00" in facts.split("Spent")[1].split("</dd>")[0]


def test_another_partnerships_manager_gets_404_and_a_non_manager_403(
    funding, world, manager, sign_in, client
):
    award = accepted_award(funding, world, manager)
    instalment = award.instalments.get()
    urls = [
        award_url(award),
        f"{award_url(award)}extend/",
        f"{award_url(award)}instalments/{instalment.public_id}/pay/",
        f"{award_url(award)}spend/",
        f"{award_url(award)}clawback/",
        f"{award_url(award)}close/",
    ]
    for who, status in (("other_manager", 404), ("board_member", 403), ("grant_assessor", 403)):
        client.force_login(world.people[who])
        for url in urls:
            assert client.get(url).status_code == status, (who, url)
            assert client.post(url, {"paid_on": timezone.localdate().isoformat()}).status_code == status
    instalment.refresh_from_db()
    assert instalment.paid_on is None


@pytest.mark.parametrize(
    ("who", "status"), [("other_manager", 404), ("board_member", 404), ("assessor", 403)]
)
def test_the_offer_page_is_the_rounds_managers_alone(funding, world, manager, client, who, status):
    """An application is known to the round's managers and assessors: a 404 to anyone else."""
    application = approved(funding, world, manager)
    client.force_login(funding.assessors[0] if who == "assessor" else world.people[who])
    assert client.get(offer_url(application)).status_code == status
    assert client.post(offer_url(application), offer_form()).status_code == status
    assert not Award.objects.exists()


def test_html_in_the_conditions_is_shown_as_typed_never_run(funding, world, manager, sign_in):
    application = approved(funding, world, manager)
    client = sign_in("partnership_manager")
    client.post(offer_url(application), offer_form(conditions=f"Keep registers {SCRIPT}"))
    award = Award.objects.get(application=application)
    assert award.conditions == f"Keep registers {SCRIPT}"
    page = client.get(award_url(award)).content.decode()
    assert "Keep registers &lt;script&gt;alert(1)&lt;/script&gt;" in page and SCRIPT not in page


def test_an_offer_is_given_longer_from_a_date_from_today(funding, world, manager, sign_in):
    application = approved(funding, world, manager)
    award = services.award_offer(
        actor=manager, application=application, amount_pence=1_000_000, instalments=[(1_000_000, None)]
    )
    client = sign_in("partnership_manager")
    url = f"{award_url(award)}extend/"
    assert "Give longer to accept" in client.get(award_url(award)).content.decode()
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    response = client.post(url, {"respond_by": yesterday.isoformat()})
    assert response.status_code == 400 and "Enter a date from today on" in response.content.decode()
    later = timezone.localdate() + dt.timedelta(days=60)
    assert client.post(url, {"respond_by": later.isoformat()}).status_code == 302
    award.refresh_from_db()
    assert award.respond_by == later
