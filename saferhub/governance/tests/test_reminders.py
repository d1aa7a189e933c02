"""The daily job: the managers are reminded once per review date, from GOVERNANCE_REVIEW_REMINDER_DAYS before
it, and an active agreement whose review date has come becomes due for review (and still shares)."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from saferhub.governance import selectors
from saferhub.governance.models import AgreementStatus
from saferhub.governance.tests.factories import agreement_between
from saferhub.partnerships.models import Organisation

REVIEW = dt.date(2026, 6, 30)


def run_on(day, capture):
    out = StringIO()
    with time_machine.travel(dt.datetime.combine(day, dt.time(6), tzinfo=dt.UTC)), capture(execute=True):
        call_command("send_agreement_reminders", stdout=out)
    return out.getvalue()


@pytest.fixture
def agreement(world):
    council = Organisation.objects.get(name="Alpha City Council")
    police = Organisation.objects.get(name="Shire Police")
    return agreement_between(
        world.a,
        council,
        police,
        title="Fire & rescue referrals",
        starts_on=dt.date(2025, 7, 1),
        review_on=REVIEW,
    )


def test_the_managers_are_reminded_once_from_thirty_days_before(
    world, agreement, django_capture_on_commit_callbacks
):
    assert "Reminded the managers of 0 agreements" in run_on(
        dt.date(2026, 5, 30), django_capture_on_commit_callbacks
    )
    assert mail.outbox == []
    output = run_on(dt.date(2026, 5, 31), django_capture_on_commit_callbacks)
    assert "Reminded the managers of 1 agreement (reviews within 30 days)" in output
    assert sorted(message.to[0] for message in mail.outbox) == [
        "administrator@alpha.example",
        "partnership_manager@alpha.example",
    ]
    message = mail.outbox[0]
    assert message.subject == "Information sharing agreement due for review: Fire & rescue referrals"
    assert '"Fire & rescue referrals"' in message.body and "30 June 2026" in message.body
    run_on(dt.date(2026, 6, 1), django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2


def test_the_reminder_days_are_a_setting(world, agreement, settings, django_capture_on_commit_callbacks):
    settings.GOVERNANCE_REVIEW_REMINDER_DAYS = 7
    run_on(dt.date(2026, 6, 22), django_capture_on_commit_callbacks)
    assert mail.outbox == []
    run_on(dt.date(2026, 6, 23), django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2


def test_the_agreement_is_due_for_review_on_its_review_date_and_still_shares(
    world, agreement, django_capture_on_commit_callbacks
):
    assert "0 agreements now due" in run_on(dt.date(2026, 6, 29), django_capture_on_commit_callbacks)
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.ACTIVE
    assert "1 agreement now due for review" in run_on(REVIEW, django_capture_on_commit_callbacks)
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.REVIEW_DUE
    step = agreement.steps.last()
    assert (step.kind, step.actor) == ("review_due", None)
    assert selectors.agreements_in_force(world.a, on=REVIEW).filter(pk=agreement.pk).exists()


def test_a_new_review_date_is_reminded_again(world, agreement, django_capture_on_commit_callbacks):
    run_on(dt.date(2026, 6, 1), django_capture_on_commit_callbacks)
    agreement.refresh_from_db()
    agreement.review_on = dt.date(2027, 6, 30)
    agreement.save()
    run_on(dt.date(2027, 6, 1), django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 4
