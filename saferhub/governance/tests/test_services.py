"""Keeping the register: each step of an agreement's life with the words of its refusal, editing and amending,
its parties, and what sharing the agreements in force allow (an agreement ended or terminated stops it)."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from saferhub.audit.models import AuditVerb
from saferhub.governance import selectors, services
from saferhub.governance.models import AgreementStatus, DataItem, LawfulBasis, SharingAgreement
from saferhub.governance.tests.factories import AgreementPartyFactory, agreement_between
from saferhub.governance.workflows import AgreementRefused
from saferhub.partnerships.models import Organisation
from tests.helpers import assert_event, last_event_id, the_one_new_event

TODAY = dt.date(2026, 3, 10)
S = AgreementStatus


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def council(world):
    return Organisation.objects.get(name="Alpha City Council")


@pytest.fixture
def police(world):
    return Organisation.objects.get(name="Shire Police")


def terms(**values):
    return {
        "title": "Referrals of vulnerable victims",
        "purpose": "To support victims of ASB.",
        "lawful_basis": LawfulBasis.PUBLIC_TASK,
        "data_items": [DataItem.INCIDENTS.value, DataItem.VICTIMS.value],
        "retention": "Six years.",
        "security": "Through Saferhub only.",
        **values,
    }


def draft(world, manager, **values):
    return services.agreement_create(actor=manager, partnership=world.a, values=terms(**values))


def step(manager, agreement, name, **kwargs):
    return services.agreement_step(actor=manager, agreement=agreement, name=name, **kwargs)


def test_a_new_agreement_is_a_draft_made_by_the_manager_and_audited(world, manager):
    before = last_event_id()
    agreement = draft(world, manager)
    assert (agreement.status, agreement.created_by, agreement.partnership) == (S.DRAFT, manager, world.a)
    assert list(agreement.steps.values_list("kind", flat=True)) == ["draft"]
    assert_event(
        the_one_new_event(before),
        verb=AuditVerb.CREATED,
        actor=manager,
        partnership=world.a,
        target=agreement,
    )


def test_only_a_manager_drafts_an_agreement(world, sign_in):
    with pytest.raises(PermissionDenied):
        draft(world, world.people["analyst"])
    assert not SharingAgreement.objects.exists()


def test_the_whole_life_of_an_agreement(world, manager, council, police):
    agreement = draft(world, manager, high_risk=True, dpia_reference="DPIA-12")
    agreement = step(manager, agreement, "assess_impact")
    assert agreement.status == S.DPIA
    services.party_add(actor=manager, agreement=agreement, organisation=council, values={})
    party = services.party_add(
        actor=manager,
        agreement=agreement,
        organisation=police,
        values={"signatory_name": "Chief Constable", "signed_on": TODAY},
    )
    agreement = step(manager, agreement, "send_for_review")
    assert agreement.status == S.LEGAL_REVIEW
    services.party_update(
        actor=manager,
        party=agreement.parties.get(organisation=council),
        values={"signatory_name": "Chief Executive", "signed_on": TODAY},
    )
    agreement = step(manager, agreement, "sign")
    assert (agreement.status, agreement.signed_at) == (S.SIGNED, timezone.now())
    services.agreement_update(
        actor=manager,
        agreement=agreement,
        values={"starts_on": TODAY, "review_on": TODAY + dt.timedelta(days=365)},
    )
    agreement = step(manager, agreement, "activate")
    assert agreement.status == S.ACTIVE
    assert selectors.items_shared(world.a, council.pk, police.pk) == {"incidents", "victims"}
    agreement = step(manager, agreement, "renew", review_on=TODAY + dt.timedelta(days=400))
    assert (agreement.status, agreement.review_on) == (S.ACTIVE, TODAY + dt.timedelta(days=400))
    agreement = step(manager, agreement, "terminate", comment="Replaced by the county's agreement")
    assert agreement.status == S.TERMINATED
    assert selectors.items_shared(world.a, council.pk, police.pk) == frozenset()
    assert [s.kind for s in agreement.steps.all()] == [
        "draft",
        "assess_impact",
        "send_for_review",
        "sign",
        "activate",
        "renew",
        "terminate",
    ]
    assert party.agreement_id == agreement.pk


@pytest.mark.parametrize(
    ("status", "name", "message"),
    [
        (
            S.ACTIVE,
            "assess_impact",
            "This agreement is active; it can be sent for its impact assessment only when it is a draft",
        ),
        (
            S.SIGNED,
            "send_for_review",
            "This agreement is signed; it can be sent for legal and information "
            "governance review only when it is a draft or awaiting its impact assessment",
        ),
        (
            S.DRAFT,
            "sign",
            "This agreement is a draft; it can be recorded as signed only when it is in review",
        ),
        (
            S.LEGAL_REVIEW,
            "activate",
            "This agreement is in review; it can be made active only when it is signed",
        ),
        (
            S.DRAFT,
            "renew",
            "This agreement is a draft; it can be renewed only when it is active or review due",
        ),
        (
            S.TERMINATED,
            "terminate",
            "This agreement is terminated; it can be terminated only when it is a "
            "draft or awaiting its impact assessment or in review or signed or active or review due",
        ),
    ],
)
def test_a_step_from_the_wrong_state_says_which_states_allow_it(world, manager, status, name, message):
    agreement = agreement_between(world.a, status=status)
    with pytest.raises(AgreementRefused) as refused:
        step(manager, agreement, name, comment="Why")
    assert str(refused.value) == message
    agreement.refresh_from_db()
    assert agreement.status == status


def test_sending_for_review_needs_parties_data_items_and_for_high_risk_the_dpia(world, manager, council):
    agreement = agreement_between(world.a, status=S.DRAFT, data_items=[], high_risk=True)
    with pytest.raises(
        AgreementRefused, match=r"^Add the organisations that are party to the agreement first$"
    ):
        step(manager, agreement, "send_for_review")
    AgreementPartyFactory(agreement=agreement, organisation=council)
    with pytest.raises(AgreementRefused, match=r"^Say which data items the parties share first$"):
        step(manager, agreement, "send_for_review")
    SharingAgreement.objects.filter(pk=agreement.pk).update(data_items=["incidents"])
    with pytest.raises(
        AgreementRefused, match=r"record the reference of its data protection impact assessment"
    ):
        step(manager, agreement, "send_for_review")
    SharingAgreement.objects.filter(pk=agreement.pk).update(dpia_reference="DPIA-1")
    assert step(manager, agreement, "send_for_review").status == S.LEGAL_REVIEW


def test_signing_needs_every_party_signed_for(world, manager, council, police):
    agreement = agreement_between(world.a, council, status=S.LEGAL_REVIEW)
    AgreementPartyFactory(agreement=agreement, organisation=police, signed_on=None)
    with pytest.raises(AgreementRefused) as refused:
        step(manager, agreement, "sign")
    assert str(refused.value) == "Record who signed for every party first: not yet signed by Shire Police"


def test_activating_needs_dates_with_a_review_after_today(world, manager):
    agreement = agreement_between(world.a, status=S.SIGNED, starts_on=None)
    with pytest.raises(AgreementRefused, match=r"^Set the date the sharing starts and the date"):
        step(manager, agreement, "activate")
    services.agreement_update(
        actor=manager, agreement=agreement, values={"starts_on": TODAY, "review_on": TODAY}
    )
    with pytest.raises(AgreementRefused, match=r"^Set a review date after today first$"):
        step(manager, agreement, "activate")


def test_renewing_needs_a_review_date_after_today_and_a_refusal_keeps_the_old_one(world, manager):
    agreement = agreement_between(world.a, status=S.REVIEW_DUE, review_on=TODAY)
    with pytest.raises(AgreementRefused, match=r"^Set the next review date, after today, first$"):
        step(manager, agreement, "renew", review_on=TODAY)
    agreement.refresh_from_db()
    assert (agreement.status, agreement.review_on) == (S.REVIEW_DUE, TODAY)


def test_terminating_needs_a_comment(world, manager):
    agreement = agreement_between(world.a)
    with pytest.raises(AgreementRefused, match=r"^Say why: a agreement is terminated only with a comment$"):
        step(manager, agreement, "terminate", comment="  ")


def test_the_daily_step_is_not_a_managers(world, manager):
    with pytest.raises(AgreementRefused, match=r"^Choose a step the agreement can take$"):
        step(manager, agreement_between(world.a), "review_due")


def test_terms_change_while_drafted_only_dates_once_signed_and_then_only_by_amending(world, manager):
    agreement = agreement_between(world.a, status=S.LEGAL_REVIEW)
    before = last_event_id()
    assert services.agreement_update(actor=manager, agreement=agreement, values={"title": "New title"}) == [
        "title"
    ]
    assert the_one_new_event(before).context == {"fields": ["title"]}
    SharingAgreement.objects.filter(pk=agreement.pk).update(status=S.SIGNED)
    with pytest.raises(AgreementRefused, match=r"^This agreement is signed: only its dates can change"):
        services.agreement_update(actor=manager, agreement=agreement, values={"title": "Other"})
    SharingAgreement.objects.filter(pk=agreement.pk).update(status=S.ACTIVE)
    with pytest.raises(
        AgreementRefused, match=r"^This agreement is active: its terms change only by amending it$"
    ):
        services.agreement_update(actor=manager, agreement=agreement, values={"starts_on": TODAY})


def test_amending_changes_the_terms_and_records_why_in_one_step(world, manager):
    agreement = agreement_between(world.a, status=S.REVIEW_DUE, review_on=TODAY)
    amended = services.agreement_amend(
        actor=manager,
        agreement=agreement,
        values={"data_items": ["incidents"], "review_on": TODAY + dt.timedelta(days=365)},
        comment="Victims' details no longer shared",
    )
    assert (amended.status, amended.data_items) == (S.ACTIVE, ["incidents"])
    last = amended.steps.last()
    assert (last.kind, last.comment, last.actor) == ("amend", "Victims' details no longer shared", manager)


def test_a_refused_amendment_changes_nothing(world, manager):
    agreement = agreement_between(world.a, status=S.ACTIVE)
    with pytest.raises(AgreementRefused, match=r"only with a comment"):
        services.agreement_amend(
            actor=manager,
            agreement=agreement,
            values={"title": "Sneaked in", "review_on": TODAY + dt.timedelta(days=10)},
            comment="",
        )
    agreement.refresh_from_db()
    assert agreement.title != "Sneaked in"


def test_parties_are_fixed_once_signed(world, manager, council, police):
    agreement = agreement_between(world.a, council, status=S.SIGNED)
    with pytest.raises(AgreementRefused, match=r"^This agreement is signed: its parties change only while"):
        services.party_add(actor=manager, agreement=agreement, organisation=police, values={})
    with pytest.raises(AgreementRefused, match=r"^This agreement is signed: its parties change only while"):
        services.party_remove(actor=manager, party=agreement.parties.get())
    assert agreement.parties.count() == 1


def test_an_organisation_is_a_party_once(world, manager, council):
    agreement = agreement_between(world.a, council, status=S.DRAFT)
    with pytest.raises(AgreementRefused, match=r"^Alpha City Council is already a party to this agreement$"):
        services.party_add(actor=manager, agreement=agreement, organisation=council, values={})


def test_removing_a_party_is_audited(world, manager, council):
    agreement = agreement_between(world.a, council, status=S.DRAFT)
    party = agreement.parties.get()
    before = last_event_id()
    services.party_remove(actor=manager, party=party)
    event = the_one_new_event(before)
    assert (event.verb, event.target_label) == (AuditVerb.DELETED, str(party))
    assert not agreement.parties.exists()


def test_sharing_lapses_the_day_after_the_end_date(world, council, police):
    agreement_between(world.a, council, police, ends_on=TODAY, data_items=["incidents"])
    assert selectors.items_shared(world.a, council.pk, police.pk) == {"incidents"}
    with time_machine.travel(dt.datetime(2026, 3, 11, 0, 1, tzinfo=dt.UTC)):
        assert selectors.items_shared(world.a, council.pk, police.pk) == frozenset()


def test_terminating_stops_sharing_at_once_and_a_review_due_does_not(world, manager, council, police):
    agreement = agreement_between(world.a, council, police, status=S.REVIEW_DUE, review_on=TODAY)
    assert selectors.items_shared(world.a, council.pk, police.pk) == frozenset(
        item.value for item in DataItem
    )
    step(manager, agreement, "terminate", comment="The service closed")
    assert selectors.items_shared(world.a, council.pk, police.pk) == frozenset()
