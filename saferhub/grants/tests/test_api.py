"""Funding in the JSON API: the same figures as the pages, to the penny, scoped the same way; and a project's
report figures written through it under the pages' rules."""

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.utils import timezone

from saferhub.accounts.services import api_token_create
from saferhub.audit.models import AuditEvent, AuditVerb
from saferhub.grants import services
from saferhub.grants.models import ProjectReturnSection
from saferhub.grants.tests.conftest import application_complete
from saferhub.grants.tests.factories import FundFactory, GrantRoundFactory
from saferhub.grants.tests.test_lifecycle import approved
from saferhub.partnerships.models import Role
from saferhub.partnerships.tests.factories import MembershipFactory, UserFactory
from saferhub.reporting import services as reporting


@pytest.fixture
def offered(funding, world, manager):
    award = services.award_offer(
        actor=manager,
        application=approved(funding, world, manager),
        amount_pence=1_000_001,
        instalments=[(1_000_001, None)],
    )
    services.award_respond(actor=funding.applicant, award=award, accept=True)
    return funding.grant_round.fund


def test_a_funds_money_in_whole_pence(offered, api_as):
    fund = offered
    body = api_as("board_member")(f"/partnerships/alpha/funds/{fund.public_id}").json()
    total = fund.total_pence
    assert (body["total_pence"], body["committed_pence"], body["remaining_pence"]) == (
        total,
        1_000_001,
        total - 1_000_001,
    )
    assert body["paid_pence"] == 0 and body["spent_pence"] == 0
    assert [r["title"] for r in body["rounds"]] == [fund.rounds.get().title]


def test_the_list_has_the_partnerships_funds_only(world, api_as):
    FundFactory(partnership=world.a, name="Alpha fund")
    FundFactory(partnership=world.b, name="Beta fund")
    names = [f["name"] for f in api_as("analyst")("/partnerships/alpha/funds").json()]
    assert names == ["Alpha fund"]


def test_another_partnerships_fund_is_404_under_either_slug(world, api_as):
    beta = FundFactory(partnership=world.b)
    read = api_as("partnership_manager")
    assert read(f"/partnerships/alpha/funds/{beta.public_id}").status_code == 404
    assert read(f"/partnerships/beta/funds/{beta.public_id}").status_code == 404


def test_an_application_in_progress_commits_nothing(funding, world, api_as):
    application_complete(funding, world)
    body = api_as("board_member")(f"/partnerships/alpha/funds/{funding.grant_round.fund.public_id}").json()
    assert body["committed_pence"] == 0 and body["remaining_pence"] == body["total_pence"]


# --- Rounds, applications, awards and project reports ----------------------------------------------


class TokenHolder:
    """A partner's system, or an applicant's, holding one person's token: GET, and PUT as JSON."""

    def __init__(self, user):
        _, secret = api_token_create(user=user, name="Tests")
        self.client = Client(headers={"Authorization": f"Bearer {secret}"})

    def get(self, path):
        return self.client.get("/api/v1" + path)

    def put(self, path, body):
        raw = body if isinstance(body, str) else json.dumps(body)
        return self.client.put("/api/v1" + path, raw, content_type="application/json")


@dataclass
class Running:
    application: Any
    award: Any
    project_return: Any


@pytest.fixture
def running(funding, world, manager) -> Running:
    """The applicant's approved project: offered £10,000.01 in two instalments, accepted, the first
    instalment (£6,000.01) paid, £10 clawed back, and its Q1 report opened."""
    application = approved(funding, world, manager)
    award = services.award_offer(
        actor=manager,
        application=application,
        amount_pence=1_000_001,
        instalments=[(600_001, None), (400_000, 1)],
    )
    services.award_respond(actor=funding.applicant, award=award, accept=True)
    services.instalment_pay(
        actor=manager, instalment=award.instalments.get(position=1), paid_on=timezone.localdate()
    )
    services.clawback_record(actor=manager, award=award, amount_pence=1_000, reason="Venue not hired")
    fund = application.grant_round.fund
    _, returns = services.project_returns_open(
        actor=manager, fund=fund, financial_year=fund.financial_year, quarter=1, due_on=dt.date(2026, 7, 31)
    )
    return Running(application, award, returns[0])


def audit_count(verb, record, actor):
    return AuditEvent.objects.filter(
        verb=verb,
        actor=actor,
        target_type=ContentType.objects.get_for_model(record),
        target_id=str(record.public_id),
    ).count()


def outcome_id(running):
    return str(running.application.outcomes.get().public_id)


def figures_path(running, base="/funding"):
    return f"{base}/project-returns/{running.project_return.public_id}/figures"


def test_a_partnerships_rounds_with_their_criteria_and_weights(funding, api_as):
    read = api_as("board_member")
    grant_round = funding.grant_round
    (listed,) = read("/partnerships/alpha/rounds").json()
    assert (listed["id"], listed["status"], listed["max_award_pence"], listed["pass_mark_percent"]) == (
        str(grant_round.public_id),
        "open",
        2_000_000,
        65,
    )
    body = read(f"/partnerships/alpha/rounds/{grant_round.public_id}").json()
    assert [(c["name"], c["weight"], c["max_score"]) for c in body["criteria"]] == [
        ("Fit with the partnership's priorities", 2, 5),
        ("Value for money", 1, 5),
    ]
    assert (body["fund"], body["status"]) == (grant_round.fund.name, "open")


def test_the_managers_read_the_applications_and_reading_one_is_audited(running, world, manager):
    api = TokenHolder(manager)
    (listed,) = api.get("/partnerships/alpha/applications").json()
    assert (listed["title"], listed["status"], listed["amount_requested_pence"], listed["decision"]) == (
        "Safer streets after school",
        "approved",
        1_200_000,
        "approve_with_conditions",
    )
    assert listed["organisation"] == running.application.organisation.name
    body = api.get(f"/partnerships/alpha/applications/{running.application.public_id}").json()
    assert [line["amount_pence"] for line in body["budget"]] == [1_000_000, 200_000]
    assert [(o["id"], o["target"]) for o in body["outcomes"]] == [(outcome_id(running), "40")]
    assert audit_count(AuditVerb.VIEWED, running.application, manager) == 1


def test_a_draft_is_the_applicants_own_not_the_managers(funding, world, api_as):
    draft = application_complete(funding, world)
    read = api_as("partnership_manager")
    assert read("/partnerships/alpha/applications").json() == []
    assert read(f"/partnerships/alpha/applications/{draft.public_id}").status_code == 404


def test_an_assessor_reads_their_rounds_applications_and_one_of_another_round_gets_404(
    running, funding, world
):
    application = running.application
    own = TokenHolder(world.people["grant_assessor"])
    assert [a["id"] for a in own.get("/partnerships/alpha/applications").json()] == [
        str(application.public_id)
    ]
    assert own.get(f"/partnerships/alpha/applications/{application.public_id}").status_code == 200
    other_round = GrantRoundFactory(fund=funding.grant_round.fund)
    assessor = UserFactory(email="assessor@elsewhere.example")
    MembershipFactory(
        user=assessor,
        partnership=world.a,
        organisation=world.records["a"]["priority"].lead_organisation,
        role=Role.GRANT_ASSESSOR,
    )
    other_round.assessors.add(assessor)
    other = TokenHolder(assessor)
    assert other.get("/partnerships/alpha/applications").json() == []
    assert other.get(f"/partnerships/alpha/applications/{application.public_id}").status_code == 404
    assert audit_count(AuditVerb.VIEWED, application, assessor) == 0


def test_an_assessor_who_declared_a_conflict_no_longer_sees_the_application(funding, world):
    application = services.application_submit(
        actor=funding.applicant, application=application_complete(funding, world)
    )
    assessor = world.people["grant_assessor"]
    api = TokenHolder(assessor)
    assert [a["status"] for a in api.get("/partnerships/alpha/applications").json()] == ["submitted"]
    services.conflict_declare(actor=assessor, application=application, reason="I chair its board")
    assert api.get("/partnerships/alpha/applications").json() == []
    assert api.get(f"/partnerships/alpha/applications/{application.public_id}").status_code == 404


def test_another_partnerships_records_are_404_under_either_slug(running, world, manager):
    beta_round = GrantRoundFactory(fund=FundFactory(partnership=world.b))
    assert TokenHolder(manager).get(f"/partnerships/alpha/rounds/{beta_round.public_id}").status_code == 404
    beta = TokenHolder(world.people["other_manager"])
    for path in (
        f"rounds/{running.application.grant_round.public_id}",
        f"applications/{running.application.public_id}",
        f"awards/{running.award.public_id}",
        f"project-returns/{running.project_return.public_id}",
    ):
        assert beta.get(f"/partnerships/beta/{path}").status_code == 404, path
        assert beta.get(f"/partnerships/alpha/{path}").status_code == 404, path
    assert beta.get("/partnerships/beta/awards").json() == []


def test_an_awards_money_in_whole_pence_and_its_instalments(running, api_as):
    read = api_as("board_member")
    (listed,) = read("/partnerships/alpha/awards").json()
    money = {key: value for key, value in listed.items() if key.endswith("_pence")}
    assert money == {
        "amount_pence": 1_000_001,
        "granted_pence": 1_000_001,
        "committed_pence": 999_001,
        "paid_pence": 600_001,
        "spent_pence": 0,
        "unspent_pence": 599_001,
        "clawed_back_pence": 1_000,
    }
    assert (listed["status"], listed["project"]) == ("accepted", "Safer streets after school")
    # The award's own record, with its schedule, is for the managers, as its page is.
    assert read(f"/partnerships/alpha/awards/{running.award.public_id}").status_code == 404
    body = api_as("partnership_manager")(f"/partnerships/alpha/awards/{running.award.public_id}").json()
    assert [(i["amount_pence"], i["after_quarter"], i["paid_on"]) for i in body["instalments"]] == [
        (600_001, None, timezone.localdate().isoformat()),
        (400_000, 1, None),
    ]


def test_an_applicants_token_sees_its_own_applications_and_404_for_another_organisations(running, funding):
    own = TokenHolder(funding.applicant)
    application_path = f"/funding/applications/{running.application.public_id}"
    assert [a["id"] for a in own.get("/funding/applications").json()] == [str(running.application.public_id)]
    assert own.get(application_path).json()["conditions"] == (
        "DBS checks for every youth worker before work starts."
    )
    assert own.get(f"/funding/awards/{running.award.public_id}").json()["paid_pence"] == 600_001
    other = TokenHolder(funding.other_applicant)
    assert other.get("/funding/applications").json() == []
    assert other.get("/funding/awards").json() == []
    assert other.get(application_path).status_code == 404
    assert other.get(f"/funding/awards/{running.award.public_id}").status_code == 404
    assert other.get(f"/funding/project-returns/{running.project_return.public_id}").status_code == 404


def test_a_project_report_as_its_managers_and_its_project_read_it(running, funding, manager):
    (listed,) = TokenHolder(funding.applicant).get("/funding/project-returns").json()
    assert (listed["quarter"], listed["due_on"], listed["status"]) == ("2026/27 Q1", "2026-07-31", "draft")
    assert [s["completed"] for s in listed["sections"]] == [False] * 5
    body = TokenHolder(manager).get(f"/partnerships/alpha/project-returns/{running.project_return.public_id}")
    assert body.json()["figures"] == [
        {
            "outcome_id": outcome_id(running),
            "outcome": "Fewer young people drawn into ASB",
            "measure": "Referrals",
            "target": "40",
            "figure": None,
        }
    ]
    assert audit_count(AuditVerb.VIEWED, running.project_return, manager) == 1


def test_the_project_sends_its_figures_and_the_write_is_audited(running, funding):
    api = TokenHolder(funding.applicant)
    response = api.put(figures_path(running), {"figures": {outcome_id(running): 12.5}})
    assert response.status_code == 200, response.json()
    assert response.json()[0]["figure"] == "12.5"
    running.project_return.refresh_from_db()
    assert running.project_return.figures == {outcome_id(running): "12.5"}
    assert "figures" in running.project_return.sections_completed
    assert audit_count(AuditVerb.UPDATED, running.project_return, funding.applicant) == 1


def test_a_manager_sends_the_figures_under_the_partnership(running, manager):
    path = figures_path(running, base="/partnerships/alpha")
    assert TokenHolder(manager).put(path, {"figures": {outcome_id(running): "7"}}).status_code == 200
    running.project_return.refresh_from_db()
    assert running.project_return.figures == {outcome_id(running): "7"}


def test_figures_of_a_submitted_report_are_refused_saying_why(running, funding):
    sections = {
        ProjectReturnSection.PROGRESS: {"progress": "On track."},
        ProjectReturnSection.FIGURES: {"figures": {outcome_id(running): "12"}},
        ProjectReturnSection.SPEND: {"spend": {}},
        ProjectReturnSection.CASE_STUDY: {"case_study": "A young person found work."},
        ProjectReturnSection.RISKS: {"risks": ""},
    }
    for section, values in sections.items():
        services.project_return_section_save(
            actor=funding.applicant, project_return=running.project_return, section=section, values=values
        )
    reporting.return_submit(actor=funding.applicant, record=running.project_return)
    response = TokenHolder(funding.applicant).put(
        figures_path(running), {"figures": {outcome_id(running): 99}}
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "This project report is submitted: it cannot be changed now"}
    running.project_return.refresh_from_db()
    assert running.project_return.figures == {outcome_id(running): "12"}


NOT_A_NUMBER = "'figures': Enter the figure for ‘Referrals’ as a number, like 12 or 12.5"
SEND_JSON = 'Send JSON: {"figures": {"<outcome id>": 12, ...}}, a figure for every outcome'


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"figures": {"OUTCOME": "twelve"}}, NOT_A_NUMBER),
        ({"figures": {"OUTCOME": True}}, NOT_A_NUMBER),
        ({"figures": {"OUTCOME": -3}}, NOT_A_NUMBER),
        ({"figures": {}}, "'figures': Enter the figure for ‘Referrals’"),
        (
            {"figures": {"OUTCOME": 1, "not-an-outcome": 2}},
            "'figures': not an outcome of this project: not-an-outcome",
        ),
        ({"figures": [12]}, SEND_JSON),
        ("not json", SEND_JSON),
    ],
)
def test_a_figure_that_is_not_a_number_is_refused_saying_what_is_wrong(running, funding, body, detail):
    if isinstance(body, dict) and isinstance(body["figures"], dict):
        body = {"figures": {k.replace("OUTCOME", outcome_id(running)): v for k, v in body["figures"].items()}}
    response = TokenHolder(funding.applicant).put(figures_path(running), body)
    assert response.status_code == 422
    assert response.json() == {"detail": detail}
    running.project_return.refresh_from_db()
    assert running.project_return.figures == {}
    assert audit_count(AuditVerb.UPDATED, running.project_return, funding.applicant) == 0


def test_another_organisations_report_cannot_be_written(running, funding, world):
    body = {"figures": {outcome_id(running): 3}}
    assert TokenHolder(funding.other_applicant).put(figures_path(running), body).status_code == 404
    path = figures_path(running, base="/partnerships/alpha")
    assert TokenHolder(world.people["board_member"]).put(path, body).status_code == 404
    running.project_return.refresh_from_db()
    assert running.project_return.figures == {}
