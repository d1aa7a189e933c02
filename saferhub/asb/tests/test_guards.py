"""The law's guards on the steps of the incremental approach, on their edge days (domain rules §3, §9.3)."""

import datetime as dt

import pytest

from saferhub.asb.models import CaseParty, PartyKind, Stage
from saferhub.asb.selectors.steps import step_refusal
from saferhub.asb.services.steps import conviction_record, step_take
from saferhub.asb.tests.perpetrators import on, perpetrator
from saferhub.asb.workflows import EXTEND_CLOSURE_ORDER, CaseRefused

pytestmark = pytest.mark.django_db


def take(world, case_party, step, day, due_on=None):
    """Take the step on `day`, being on that day."""
    with on(day):
        return step_take(
            actor=world.people["case_officer"], case_party=case_party, step=step, issued_on=day, due_on=due_on
        )


def refused(world, case_party, step, day, due_on=None) -> str:
    with pytest.raises(CaseRefused) as refusal:
        take(world, case_party, step, day, due_on)
    return str(refusal.value)


def fresh(case_party: CaseParty) -> CaseParty:
    case_party.refresh_from_db()
    return case_party


# --- Community Protection Notice ------------------------------------------------------------------------


def test_a_notice_is_refused_on_the_warnings_deadline_and_allowed_the_day_after(world):
    percy = perpetrator(world)
    take(world, percy, Stage.CPW, dt.date(2027, 2, 15))  # 28 days to comply: until 15 March 2027

    assert refused(world, percy, Stage.CPN, dt.date(2027, 3, 15)) == (
        "The warning's compliance deadline is 15 March 2027: a notice can be issued only once it has passed"
    )
    assert fresh(percy).stage == Stage.CPW
    assert percy.stage_since == dt.date(2027, 2, 15), "a refused step leaves the perpetrator as they were"

    notice = take(world, percy, Stage.CPN, dt.date(2027, 3, 16))
    assert (fresh(percy).stage, notice.kind, notice.issued_on) == (Stage.CPN, Stage.CPN, dt.date(2027, 3, 16))


def test_a_notice_needs_a_warning_first(world):
    percy = perpetrator(world)
    assert refused(world, percy, Stage.CPN, dt.date(2027, 3, 1)) == (
        "Issue a Community Protection Warning first: a notice follows a written warning"
    )


def test_a_notice_is_refused_at_fifteen_and_364_days_and_allowed_on_the_sixteenth_birthday(world):
    young = perpetrator(world, date_of_birth=dt.date(2011, 3, 20))
    take(world, young, Stage.CPW, dt.date(2027, 2, 1))

    assert refused(world, young, Stage.CPN, dt.date(2027, 3, 19)) == (
        "Percy Perp is 15 on 19 March 2027: a Community Protection Notice is issued only to a person aged "
        "16 or over"
    )
    take(world, young, Stage.CPN, dt.date(2027, 3, 20))
    assert fresh(young).stage == Stage.CPN


def test_someone_born_on_29_february_can_be_given_a_notice_on_their_sixteenth_birthday(world):
    leapling = perpetrator(world, date_of_birth=dt.date(2012, 2, 29))
    take(world, leapling, Stage.CPW, dt.date(2028, 1, 10))

    assert "is 15 on 28 February 2028" in refused(world, leapling, Stage.CPN, dt.date(2028, 2, 28))
    take(world, leapling, Stage.CPN, dt.date(2028, 2, 29))
    assert fresh(leapling).stage == Stage.CPN


def test_a_notice_to_a_person_without_a_date_of_birth_is_refused(world):
    unknown_age = perpetrator(world, date_of_birth=None)
    take(world, unknown_age, Stage.CPW, dt.date(2027, 2, 1))
    assert refused(world, unknown_age, Stage.CPN, dt.date(2027, 3, 10)) == (
        "Record Percy Perp's date of birth first: a Community Protection Notice is issued only to a person "
        "aged 16 or over"
    )


def test_a_notice_to_a_business_needs_no_age(world):
    shop = perpetrator(world, kind=PartyKind.BUSINESS, date_of_birth=None, name="Late Night Off-Licence Ltd")
    take(world, shop, Stage.CPW, dt.date(2027, 2, 1))
    take(world, shop, Stage.CPN, dt.date(2027, 3, 2))
    assert fresh(shop).stage == Stage.CPN


# --- Breach: fixed penalty and prosecution --------------------------------------------------------------


@pytest.mark.parametrize("step", [Stage.FPN, Stage.PROSECUTION])
def test_a_fixed_penalty_or_prosecution_is_for_breaching_a_notice(world, step):
    percy = perpetrator(world)
    take(world, percy, Stage.CPW, dt.date(2027, 2, 1))
    assert refused(world, percy, step, dt.date(2027, 3, 2)) == (
        "Issue a Community Protection Notice first: this is for breaching one"
    )
    take(world, percy, Stage.CPN, dt.date(2027, 3, 2))
    take(world, percy, step, dt.date(2027, 4, 1))
    assert fresh(percy).stage == step


# --- Civil injunction and Criminal Behaviour Order ------------------------------------------------------


def test_an_injunction_is_refused_at_nine_and_allowed_on_the_tenth_birthday_of_a_29_february_child(world):
    """Born 29 February 2016: in 2026, without a 29 February, they turn 10 on 1 March."""
    child = perpetrator(world, date_of_birth=dt.date(2016, 2, 29))
    assert refused(world, child, Stage.INJUNCTION, dt.date(2026, 2, 28)) == (
        "Percy Perp is 9 on 28 February 2026: an injunction is made only to a person aged 10 or over"
    )
    take(world, child, Stage.INJUNCTION, dt.date(2026, 3, 1))
    assert fresh(child).stage == Stage.INJUNCTION


def test_an_injunction_is_against_a_person(world):
    household = perpetrator(world, kind=PartyKind.HOUSEHOLD, date_of_birth=None, name="The Flat 3 household")
    assert "made against a person aged 10 or over" in refused(
        world, household, Stage.INJUNCTION, dt.date(2027, 3, 1)
    )


def test_a_criminal_behaviour_order_needs_a_conviction_on_or_before_the_request(world):
    percy = perpetrator(world)
    request_day = dt.date(2027, 5, 10)
    no_conviction = "Record the conviction first: a Criminal Behaviour Order is made only on conviction"
    assert refused(world, percy, Stage.CBO, request_day) == no_conviction

    with on(request_day + dt.timedelta(days=1)):
        conviction_record(
            actor=world.people["case_officer"],
            case_party=percy,
            convicted_on=request_day + dt.timedelta(days=1),
        )
    assert refused(world, fresh(percy), Stage.CBO, request_day) == no_conviction, (
        "convicted after the request"
    )

    with on(request_day):
        conviction_record(actor=world.people["case_officer"], case_party=percy, convicted_on=request_day)
    take(world, fresh(percy), Stage.CBO, request_day)
    assert fresh(percy).stage == Stage.CBO


def test_a_conviction_cannot_be_recorded_in_the_future(world):
    percy = perpetrator(world)
    with on(dt.date(2027, 5, 10)), pytest.raises(CaseRefused, match="must be today or in the past"):
        conviction_record(
            actor=world.people["case_officer"], case_party=percy, convicted_on=dt.date(2027, 5, 11)
        )


# --- Closure --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [PartyKind.PERSON, PartyKind.HOUSEHOLD])
def test_a_closure_notice_closes_premises_not_people(world, kind):
    percy = perpetrator(world, kind=kind)
    assert refused(world, percy, Stage.CLOSURE_NOTICE, dt.date(2027, 3, 1)) == (
        "A closure notice closes premises: add the premises to the case"
    )


@pytest.mark.parametrize("kind", [PartyKind.PREMISES, PartyKind.BUSINESS])
def test_a_closure_notice_is_served_on_premises_or_a_business(world, kind):
    premises = perpetrator(world, kind=kind, date_of_birth=None, name="12 High Street")
    notice = take(world, premises, Stage.CLOSURE_NOTICE, dt.date(2027, 3, 1))
    assert notice.due_on == dt.date(2027, 3, 3), "heard within 48 hours"


def premises_with_notice(world, served_on):
    premises = perpetrator(world, kind=PartyKind.PREMISES, date_of_birth=None, name="12 High Street")
    take(world, premises, Stage.CLOSURE_NOTICE, served_on)
    return premises


def test_a_closure_order_is_made_within_48_hours_of_the_notice(world):
    premises = premises_with_notice(world, dt.date(2027, 3, 1))
    assert refused(world, premises, Stage.CLOSURE_ORDER, dt.date(2027, 3, 4)) == (
        "The closure notice of 1 March 2027 had to be heard within 48 hours, by 3 March 2027: "
        "issue a new notice"
    )
    order = take(world, premises, Stage.CLOSURE_ORDER, dt.date(2027, 3, 3))
    assert order.due_on == dt.date(2027, 6, 3), "3 months by default"


def test_a_closure_order_needs_a_notice(world):
    premises = perpetrator(world, kind=PartyKind.PREMISES, date_of_birth=None)
    assert "Issue a closure notice first" in refused(
        world, premises, Stage.CLOSURE_ORDER, dt.date(2027, 3, 3)
    )


def test_a_closure_order_lasts_at_most_three_months(world):
    premises = premises_with_notice(world, dt.date(2027, 3, 1))
    assert refused(world, premises, Stage.CLOSURE_ORDER, dt.date(2027, 3, 2), due_on=dt.date(2027, 6, 3)) == (
        "A closure order lasts at most 3 months: until 2 June 2027 at the latest"
    )
    order = take(world, premises, Stage.CLOSURE_ORDER, dt.date(2027, 3, 2), due_on=dt.date(2027, 5, 1))
    assert order.due_on == dt.date(2027, 5, 1), "the court may make it shorter"


def test_an_extension_keeps_the_order_within_six_months_in_all(world):
    premises = premises_with_notice(world, dt.date(2027, 3, 1))
    take(world, premises, Stage.CLOSURE_ORDER, dt.date(2027, 3, 2))  # until 2 June 2027

    assert refused(
        world, premises, EXTEND_CLOSURE_ORDER, dt.date(2027, 5, 20), due_on=dt.date(2027, 9, 3)
    ) == ("A closure order lasts at most 6 months in all, until 2 September 2027 for this one")
    assert refused(
        world, premises, EXTEND_CLOSURE_ORDER, dt.date(2027, 5, 20), due_on=dt.date(2027, 6, 2)
    ) == ("An extension ends after the order does now, 2 June 2027")
    assert refused(world, premises, EXTEND_CLOSURE_ORDER, dt.date(2027, 5, 20)) == (
        "Enter the day the extended closure order ends"
    )
    extension = take(world, premises, EXTEND_CLOSURE_ORDER, dt.date(2027, 5, 20), due_on=dt.date(2027, 9, 2))
    assert (fresh(premises).stage, extension.due_on) == (Stage.CLOSURE_ORDER, dt.date(2027, 9, 2))


def test_only_a_closure_order_can_be_extended(world):
    premises = premises_with_notice(world, dt.date(2027, 3, 1))
    assert refused(
        world, premises, EXTEND_CLOSURE_ORDER, dt.date(2027, 3, 2), due_on=dt.date(2027, 5, 1)
    ) == (
        "This perpetrator's case is closure notice; it can be given a longer closure order only when it is "
        "closure order"
    )


def test_an_expired_order_cannot_be_extended_and_a_later_order_is_measured_from_itself(world):
    premises = premises_with_notice(world, dt.date(2027, 3, 1))
    take(world, premises, Stage.CLOSURE_ORDER, dt.date(2027, 3, 2))  # until 2 June 2027
    assert refused(
        world, premises, EXTEND_CLOSURE_ORDER, dt.date(2027, 6, 3), due_on=dt.date(2027, 8, 1)
    ) == ("The closure order ended on 2 June 2027: an order is extended while in force")
    # A year on, a new notice and order: its extension is measured from the new order, not the first.
    take(world, premises, Stage.CLOSURE_NOTICE, dt.date(2028, 3, 1))
    take(world, premises, Stage.CLOSURE_ORDER, dt.date(2028, 3, 2))
    extension = take(world, premises, EXTEND_CLOSURE_ORDER, dt.date(2028, 5, 1), due_on=dt.date(2028, 9, 1))
    assert extension.due_on == dt.date(2028, 9, 1)


def test_a_step_back_dated_before_the_one_it_needs_is_refused(world):
    percy = perpetrator(world)
    take(world, percy, Stage.CPW, dt.date(2027, 1, 10))
    take(world, percy, Stage.CPN, dt.date(2027, 3, 20))
    assert "Issue a Community Protection Notice first" in refused(
        world, percy, Stage.FPN, dt.date(2027, 2, 1)
    )
    premises = premises_with_notice(world, dt.date(2027, 3, 10))
    assert "Issue a closure notice first" in refused(
        world, premises, Stage.CLOSURE_ORDER, dt.date(2027, 3, 1)
    )


def test_a_withdrawn_warning_is_no_ground_for_a_notice(world):
    percy = perpetrator(world)
    warning = take(world, percy, Stage.CPW, dt.date(2027, 1, 10))
    warning.outcome = "withdrawn"
    warning.save()
    assert "Issue a Community Protection Warning first" in refused(
        world, percy, Stage.CPN, dt.date(2027, 3, 1)
    )


def test_the_same_step_on_the_same_day_is_recorded_once(world):
    percy = perpetrator(world)
    take(world, percy, Stage.ADVICE, dt.date(2027, 1, 10))
    assert refused(world, percy, Stage.ADVICE, dt.date(2027, 1, 10)) == (
        "This step was already recorded with Percy Perp on 10 January 2027"
    )
    assert fresh(percy).steps.count() == 1


def test_a_deadline_more_than_a_year_away_is_refused(world):
    percy = perpetrator(world)
    assert refused(world, percy, Stage.CPW, dt.date(2027, 1, 10), due_on=dt.date(9999, 12, 31)) == (
        "The deadline must be within a year of the date issued, by 11 January 2028"
    )


# --- What every step needs ------------------------------------------------------------------------------


def test_a_step_cannot_be_dated_in_the_future(world):
    percy = perpetrator(world)
    with on(dt.date(2027, 3, 1)), pytest.raises(CaseRefused) as refusal:
        step_take(
            actor=world.people["case_officer"],
            case_party=percy,
            step=Stage.ADVICE,
            issued_on=dt.date(2027, 3, 2),
        )
    assert str(refusal.value) == "The date issued must be today or in the past: today is 1 March 2027"


def test_the_preview_judges_a_step_as_the_workflow_does_and_saves_nothing(world):
    percy = perpetrator(world)
    take(world, percy, Stage.CPW, dt.date(2027, 2, 15))
    fresh(percy)
    assert step_refusal(percy, Stage.CPN, issued_on=dt.date(2027, 3, 15), due_on=None).startswith(
        "The warning's compliance deadline is 15 March 2027"
    )
    assert step_refusal(percy, Stage.CPN, issued_on=dt.date(2027, 3, 16), due_on=None) == ""
    assert fresh(percy).stage_since == dt.date(2027, 2, 15)
