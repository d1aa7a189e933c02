"""Taking steps of the incremental approach: the pages, the deadlines each step starts in the workflow's
Deadline table (and in the officer's work list), and resolving."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from saferhub.asb.models import AsbSettings, CaseOrganisation, CaseParty, Intervention, PartyKind, Stage
from saferhub.asb.services.steps import resolve, step_take
from saferhub.asb.tests.perpetrators import on, perpetrator
from saferhub.asb.workflows import EXTEND_CLOSURE_ORDER, CaseRefused
from saferhub.audit.models import AuditEvent, AuditVerb
from saferhub.governance.models import DataItem
from saferhub.governance.tests.factories import agreement_between
from saferhub.partnerships.models import Organisation, Role
from saferhub.partnerships.tests.factories import MembershipFactory, UserFactory
from saferhub.workflow.models import Deadline

pytestmark = pytest.mark.django_db


def steps_url(case_party: CaseParty) -> str:
    return reverse("asb:step-new", args=["alpha", case_party.case.public_id, case_party.public_id])


def open_deadlines(case_party: CaseParty) -> list[tuple[str, dt.date]]:
    return list(
        Deadline.objects.filter(
            target_type=ContentType.objects.get_for_model(CaseParty), target_id=case_party.pk, closed_at=None
        ).values_list("name", "due_on")
    )


def take(world, case_party, step, day, due_on=None):
    with on(day):
        return step_take(
            actor=world.people["case_officer"], case_party=case_party, step=step, issued_on=day, due_on=due_on
        )


# --- Deadlines ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("step", "name", "due_on"),
    [
        (Stage.ABC, "Acceptable Behaviour Contract review", dt.date(2027, 9, 1)),
        (Stage.CPW, "Community Protection Warning compliance deadline", dt.date(2027, 3, 31)),
    ],
)
def test_a_step_starts_its_deadline_from_the_partnerships_settings(world, step, name, due_on):
    percy = perpetrator(world)
    take(world, percy, step, dt.date(2027, 3, 3))
    assert open_deadlines(percy) == [(name, due_on)]
    deadline = Deadline.objects.get(name=name)
    assert deadline.assignee == world.people["case_officer"]


def test_a_warning_takes_the_deadline_the_officer_sets_and_the_settings_change_the_default(world):
    AsbSettings.objects.create(partnership=world.a, cpw_compliance_days=14, cpn_appeal_days=28)
    percy = perpetrator(world)
    take(world, percy, Stage.CPW, dt.date(2027, 3, 1))
    assert open_deadlines(percy) == [
        ("Community Protection Warning compliance deadline", dt.date(2027, 3, 15))
    ]

    other = perpetrator(world, name="Olive Other")
    take(world, other, Stage.CPW, dt.date(2027, 3, 1), due_on=dt.date(2027, 3, 8))
    assert open_deadlines(other) == [
        ("Community Protection Warning compliance deadline", dt.date(2027, 3, 8))
    ]

    take(
        world, percy, Stage.CPN, dt.date(2027, 3, 16), due_on=dt.date(2027, 3, 17)
    )  # not the officer's to set
    assert open_deadlines(percy) == [("Community Protection Notice appeal period ends", dt.date(2027, 4, 13))]


def test_the_fixed_penalty_has_its_payment_deadline_and_ends_the_appeal_period(world):
    percy = perpetrator(world)
    take(world, percy, Stage.CPW, dt.date(2027, 2, 1))
    take(world, percy, Stage.CPN, dt.date(2027, 3, 2))
    take(world, percy, Stage.FPN, dt.date(2027, 4, 1))
    assert open_deadlines(percy) == [("Fixed penalty payment due", dt.date(2027, 4, 15))]


def test_closure_deadlines_follow_the_notice_the_order_and_its_extension(world):
    premises = perpetrator(world, kind=PartyKind.PREMISES, date_of_birth=None, name="12 High Street")
    take(world, premises, Stage.CLOSURE_NOTICE, dt.date(2027, 3, 1))
    assert open_deadlines(premises) == [("Closure order hearing", dt.date(2027, 3, 3))]
    take(world, premises, Stage.CLOSURE_ORDER, dt.date(2027, 3, 2))
    assert open_deadlines(premises) == [("Closure order ends", dt.date(2027, 6, 2))]
    take(world, premises, EXTEND_CLOSURE_ORDER, dt.date(2027, 5, 20), due_on=dt.date(2027, 8, 2))
    assert open_deadlines(premises) == [("Closure order ends", dt.date(2027, 8, 2))]


def test_resolving_needs_a_comment_and_ends_the_deadlines(world):
    percy = perpetrator(world)
    take(world, percy, Stage.CPW, dt.date(2027, 3, 1))
    with on(dt.date(2027, 3, 20)):
        with pytest.raises(CaseRefused, match="only with a comment"):
            resolve(actor=world.people["case_officer"], case_party=percy, comment=" ")
        assert open_deadlines(percy)
        step = resolve(actor=world.people["case_officer"], case_party=percy, comment="Moved away")
    percy.refresh_from_db()
    assert (percy.stage, step.issued_on, step.comment) == (Stage.RESOLVED, dt.date(2027, 3, 20), "Moved away")
    assert open_deadlines(percy) == []


# --- The pages ------------------------------------------------------------------------------------------


def test_the_steps_page_says_which_steps_the_law_allows_today_and_why_not(world, sign_in):
    percy = perpetrator(world)
    take(world, percy, Stage.CPW, dt.date(2027, 3, 1))
    with on(dt.date(2027, 3, 10)):
        page = sign_in("case_officer").get(steps_url(percy))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Steps with Percy Perp" in text
    assert "The warning&#39;s compliance deadline is 29 March 2027" in text
    assert "Issue a Community Protection Notice first: this is for breaching one" in text
    assert "A closure notice closes premises" in text
    assert "Community Protection Warning" in text and "29 March 2027" in text
    viewed = AuditEvent.objects.filter(verb=AuditVerb.VIEWED, target_id=str(percy.public_id))
    assert viewed.count() == 1


def test_a_refused_step_is_shown_again_with_the_guards_reason(world, sign_in):
    percy = perpetrator(world)
    take(world, percy, Stage.CPW, dt.date(2027, 2, 15))
    with on(dt.date(2027, 3, 15)):
        client = sign_in("case_officer")
        form = client.get(steps_url(percy) + "?step=cpn")
        assert "Not allowed if taken today" in form.content.decode()
        response = client.post(
            steps_url(percy), {"step": "cpn", "issued_on": "2027-03-15", "comment": "Still playing music"}
        )
    assert response.status_code == 400
    text = response.content.decode()
    assert "There is a problem" in text
    assert (
        "The warning&#39;s compliance deadline is 15 March 2027: a notice can be issued only once it has "
        "passed"
    ) in text
    assert Intervention.objects.filter(case_party=percy, kind=Stage.CPN).count() == 0


def test_an_officer_takes_a_warning_with_their_own_deadline(world, sign_in):
    percy = perpetrator(world)
    with on(dt.date(2027, 3, 1)):
        client = sign_in("case_officer")
        form = client.get(steps_url(percy) + "?step=cpw")
        assert 'value="2027-03-29"' in form.content.decode(), "the default deadline, filled in"
        response = client.post(
            steps_url(percy),
            {"step": "cpw", "issued_on": "2027-03-01", "due_on": "2027-03-22", "comment": "Music after 11pm"},
        )
    assert response.status_code == 302
    warning = Intervention.objects.get(case_party=percy)
    assert (warning.kind, warning.issued_on, warning.due_on, warning.comment) == (
        Stage.CPW,
        dt.date(2027, 3, 1),
        dt.date(2027, 3, 22),
        "Music after 11pm",
    )


def test_a_step_dated_in_the_future_is_refused_on_the_form(world, sign_in):
    percy = perpetrator(world)
    with on(dt.date(2027, 3, 1)):
        response = sign_in("case_officer").post(
            steps_url(percy), {"step": "advice", "issued_on": "2027-03-02", "comment": ""}
        )
    assert response.status_code == 400
    assert "The date issued must be today or in the past: today is 1 March 2027" in response.content.decode()


def test_an_unknown_step_is_refused_on_the_form(world, sign_in):
    percy = perpetrator(world)
    response = sign_in("case_officer").post(steps_url(percy), {"step": "banish", "issued_on": "2026-01-02"})
    assert response.status_code == 400
    assert "Choose a step of the incremental approach from the list" in response.content.decode()


def test_resolving_on_the_page_needs_a_reason(world, sign_in):
    percy = perpetrator(world)
    client = sign_in("case_officer")
    response = client.post(steps_url(percy), {"step": "resolve", "comment": ""})
    assert response.status_code == 400
    assert "Say why the perpetrator&#39;s case is resolved" in response.content.decode()
    assert client.post(steps_url(percy), {"step": "resolve", "comment": "Moved away"}).status_code == 302
    percy.refresh_from_db()
    assert percy.stage == Stage.RESOLVED


def test_the_conviction_and_an_outcome_are_recorded(world, sign_in):
    percy = perpetrator(world)
    warning = take(world, percy, Stage.CPW, dt.date(2026, 11, 2))
    client = sign_in("case_officer")
    conviction_url = reverse("asb:conviction", args=["alpha", percy.case.public_id, percy.public_id])
    assert client.post(conviction_url, {"convicted_on": "2026-11-20"}).status_code == 302
    percy.refresh_from_db()
    assert percy.convicted_on == dt.date(2026, 11, 20)

    outcome_url = reverse("asb:step-outcome", args=["alpha", percy.case.public_id, warning.public_id])
    assert client.get(outcome_url).status_code == 200
    missing = client.post(outcome_url, {})
    assert missing.status_code == 400 and "Choose what came of the step" in missing.content.decode()
    assert client.post(outcome_url, {"outcome": "breached"}).status_code == 302
    warning.refresh_from_db()
    assert warning.outcome == "breached"
    event = AuditEvent.objects.filter(verb=AuditVerb.UPDATED, target_id=str(warning.public_id)).get()
    assert event.context == {"fields": ["outcome"]}


def test_an_organisation_whose_agreement_does_not_share_enforcement_cannot_see_the_steps(world, client):
    percy = perpetrator(world)
    police = Organisation.objects.get(name="Shire Police")
    council = Organisation.objects.get(name="Alpha City Council")
    agreement_between(world.a, council, police, data_items=[DataItem.INCIDENTS, DataItem.PERPETRATORS])
    CaseOrganisation.objects.create(case=percy.case, organisation=police)
    constable = UserFactory(email="pc@police.example", full_name="PC Shire")
    MembershipFactory(user=constable, partnership=world.a, organisation=police, role=Role.CASE_OFFICER)
    client.force_login(constable)
    assert client.get(steps_url(percy)).status_code == 404


def test_a_victim_has_no_steps_page(world, sign_in):
    percy = perpetrator(world)
    victim = CaseParty.objects.create(case=percy.case, party=percy.party, role="victim")
    assert sign_in("case_officer").get(steps_url(victim)).status_code == 404
