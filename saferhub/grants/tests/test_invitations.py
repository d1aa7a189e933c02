"""Bringing applicants in, as the people do it: a partnership manager invites a voluntary group to a round,
the group's coordinator makes an account from the emailed link and applies; they invite a colleague, who
works on the same application; a group signs up through a round's page and confirms its address. A link
works once, for a few days; an unusable one says so without saying anything about the address."""

import datetime as dt
import re

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from markupsafe import escape

from saferhub.accounts.models import User
from saferhub.audit.models import AuditEvent, AuditVerb
from saferhub.grants.emails import invitation_email_send
from saferhub.grants.models import ApplicantInvitation, ApplicantMember, Application
from saferhub.grants.services.invitations import (
    SIGN_UPS_PER_ADDRESS_PER_DAY,
    colleague_invite,
    round_invitation_create,
    sign_up_request,
)
from saferhub.grants.tests.factories import ApplicantMemberFactory, ApplicationFactory, GrantRoundFactory
from saferhub.grants.workflows import GrantRefused
from saferhub.partnerships.models import Organisation, OrganisationType

SCRIPT = "<script>alert(1)</script>"
PASSWORD = "a-long-passphrase-for-tests-7"
LINK = re.compile(r"https?://\S+(/funding/invitations/[^/\s]+/)")


def invite_url(grant_round):
    return reverse(
        "grants:round-invite",
        kwargs={"slug": grant_round.fund.partnership.slug, "grant_round_id": grant_round.public_id},
    )


def sign_up_url(grant_round):
    return reverse("grants:sign-up", kwargs={"grant_round_id": grant_round.public_id})


def people_url(organisation):
    return reverse("grants:organisation-people", kwargs={"organisation_id": organisation.public_id})


def round_url(grant_round):
    return reverse("grants:apply-round", kwargs={"grant_round_id": grant_round.public_id})


def link_in(email) -> str:
    """The path of the link an email carries."""
    match = LINK.search(email.body)
    assert match, email.body
    return match.group(1)


def invite_form(**changes):
    return {
        "organisation": "",
        "new_organisation_name": "Braunstone Youth Club",
        "full_name": "Sam Patel",
        "email": "Sam@Braunstone.example",
        **changes,
    }


def new_account_form(**changes):
    return {"full_name": "Sam Patel", "password1": PASSWORD, "password2": PASSWORD, **changes}


def sign_up_form(**changes):
    return {
        "organisation_name": "Eyres Monsell Residents",
        "registered_number": "1123456",
        "full_name": "Jo Brown",
        "email": "jo@eyres.example",
        **changes,
    }


@pytest.fixture
def invited(funding, sign_in, django_capture_on_commit_callbacks):
    """A's manager has invited Sam, of a new organisation, to the round: the email's link."""
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_in("partnership_manager").post(invite_url(funding.grant_round), invite_form())
    assert response.status_code == 302
    (email,) = mail.outbox
    return link_in(email)


def test_a_manager_invites_a_new_organisation_and_the_person_applies_from_the_link(
    funding, world, invited, django_capture_on_commit_callbacks
):
    (email,) = mail.outbox
    assert email.to == ["sam@braunstone.example"]
    assert "Hello Sam Patel" in email.body and "Braunstone Youth Club" in email.body
    assert funding.grant_round.title in email.body
    organisation = Organisation.objects.get(name="Braunstone Youth Club")
    assert organisation.type == OrganisationType.VOLUNTARY
    assert not User.objects.filter(email="sam@braunstone.example").exists()

    sam = Client()
    page = sam.get(invited).content.decode()
    assert "Make your account" in page and "Braunstone Youth Club" in page
    response = sam.post(invited, new_account_form())
    assert response.status_code == 302 and response.url == round_url(funding.grant_round)

    person = User.objects.get(email="sam@braunstone.example")
    assert person.full_name == "Sam Patel" and person.check_password(PASSWORD)
    assert ApplicantMember.objects.filter(user=person, organisation=organisation).exists()
    # Signed in, they start an application to the round.
    response = sam.post(round_url(funding.grant_round), {"title": "Safer parks"})
    assert response.status_code == 302
    assert Application.objects.get(title="Safer parks").organisation == organisation
    # Every write was audited: the organisation, the invitation, the account, the membership, the link used.
    for verb, target in (
        (AuditVerb.CREATED, organisation),
        (AuditVerb.CREATED, person),
        (AuditVerb.CREATED, ApplicantMember.objects.get(user=person)),
    ):
        assert AuditEvent.objects.filter(
            verb=verb, target_id__in=[str(target.public_id), str(target.pk)]
        ).exists()
    invitation = ApplicantInvitation.objects.get()
    events = AuditEvent.objects.filter(target_id=str(invitation.public_id))
    assert [(e.verb, e.actor) for e in events.order_by("occurred_at")] == [
        (AuditVerb.CREATED, world.people["partnership_manager"]),
        (AuditVerb.UPDATED, person),
    ]


def test_a_manager_invites_someone_of_an_organisation_that_applied_and_the_page_lists_only_such(
    funding, world, sign_in, django_capture_on_commit_callbacks
):
    known = funding.applicant.applicant_memberships.get().organisation
    ApplicationFactory(grant_round=funding.grant_round, organisation=known)
    # An organisation that has only applied to another partnership's fund is not A's to let people into.
    stranger = ApplicantMemberFactory(organisation__name="Beta Boxing Club").organisation
    ApplicationFactory(grant_round=GrantRoundFactory(fund__partnership=world.b), organisation=stranger)
    manager = sign_in("partnership_manager")

    page = manager.get(invite_url(funding.grant_round)).content.decode()
    assert known.name in page and "Beta Boxing Club" not in page
    refused = manager.post(
        invite_url(funding.grant_round),
        invite_form(organisation=str(stranger.public_id), new_organisation_name=""),
    )
    assert refused.status_code == 400
    assert "Choose an organisation from the list" in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        manager.post(
            invite_url(funding.grant_round),
            invite_form(organisation=str(known.public_id), new_organisation_name=""),
        )
    assert ApplicantInvitation.objects.get().organisation == known
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"new_organisation_name": ""}, "Choose the organisation, or enter the name of a new one"),
        ({"email": "not an address"}, "Enter a valid email address"),
        ({"full_name": ""}, "Enter their full name"),
    ],
)
def test_an_invitation_missing_something_says_what_and_sends_nothing(funding, sign_in, changes, message):
    response = sign_in("partnership_manager").post(invite_url(funding.grant_round), invite_form(**changes))
    assert response.status_code == 400 and message in response.content.decode()
    assert not ApplicantInvitation.objects.exists() and mail.outbox == []


def test_a_new_organisation_with_a_registered_name_is_refused(funding, sign_in):
    taken = funding.applicant.applicant_memberships.get().organisation.name
    response = sign_in("partnership_manager").post(
        invite_url(funding.grant_round), invite_form(new_organisation_name=taken.upper())
    )
    assert response.status_code == 400 and "is already registered" in response.content.decode()


def test_only_the_partnerships_managers_invite_to_its_rounds(funding, sign_in):
    assert sign_in("theme_lead").post(invite_url(funding.grant_round), invite_form()).status_code == 403
    assert sign_in("other_manager").post(invite_url(funding.grant_round), invite_form()).status_code == 404
    assert (
        not ApplicantInvitation.objects.exists()
        and not Organisation.objects.filter(name="Braunstone Youth Club").exists()
    )


def test_a_closed_round_takes_no_invitations(funding, sign_in):
    funding.grant_round.closes_at = timezone.now() - dt.timedelta(hours=1)
    funding.grant_round.save()
    response = sign_in("partnership_manager").post(invite_url(funding.grant_round), invite_form())
    assert response.status_code == 400 and "This round closed at" in response.content.decode()
    assert not ApplicantInvitation.objects.exists()


def test_the_password_is_checked_by_the_projects_validators(funding, invited):
    response = Client().post(invited, new_account_form(password1="short", password2="short"))
    assert response.status_code == 400
    assert "This password is too short" in response.content.decode()
    response = Client().post(invited, new_account_form(password2=PASSWORD + "x"))
    assert "The passwords do not match" in response.content.decode()
    assert not User.objects.filter(email="sam@braunstone.example").exists()


def test_a_link_works_once(funding, invited):
    assert Client().post(invited, new_account_form()).status_code == 302
    for again in (Client().get(invited), Client().post(invited, new_account_form(full_name="Mallory"))):
        assert again.status_code == 404
        assert "This link cannot be used" in again.content.decode()
    assert ApplicantMember.objects.filter(organisation__name="Braunstone Youth Club").count() == 1
    assert not User.objects.filter(full_name="Mallory").exists()


def test_an_expired_link_is_refused_like_an_unknown_one(funding, invited):
    later = timezone.now() + dt.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    with time_machine.travel(later, tick=False):
        expired = Client().post(invited, new_account_form())
    unknown = Client().get(reverse("grants:invitation-accept", kwargs={"token": "not-a-real-token"}))
    tampered = Client().get(invited[:-3] + "00/")
    for response in (expired, unknown, tampered):
        assert response.status_code == 404
        assert "This link cannot be used" in response.content.decode()
        assert "sam@braunstone.example" not in response.content.decode()
    assert not User.objects.filter(email="sam@braunstone.example").exists()


def test_someone_with_an_account_signs_in_and_joins(
    funding, world, client, django_capture_on_commit_callbacks
):
    """An address with an account is invited the same way; the link asks its holder to sign in, then join."""
    manager = Client()
    manager.force_login(world.people["partnership_manager"])
    with django_capture_on_commit_callbacks(execute=True):
        manager.post(invite_url(funding.grant_round), invite_form(email=world.people["nobody"].email))
    link = link_in(mail.outbox[0])

    asks = client.get(link).content.decode()
    assert "Sign in to accept" in asks and reverse("accounts:sign-in") in asks
    client.force_login(world.people["analyst"])
    other = client.get(link).content.decode()
    assert "This link was sent to another email address" in other
    assert client.post(link).status_code == 200
    assert not ApplicantMember.objects.filter(organisation__name="Braunstone Youth Club").exists()

    client.force_login(world.people["nobody"])
    assert "Accept and apply for this organisation" in client.get(link).content.decode()
    # Opening the link changes nothing (mail scanners open links): the button does.
    assert not ApplicantMember.objects.filter(user=world.people["nobody"]).exists()
    response = client.post(link)
    assert response.status_code == 302
    assert ApplicantMember.objects.filter(
        user=world.people["nobody"], organisation__name="Braunstone Youth Club"
    ).exists()


def test_a_colleague_invited_works_on_the_same_application(
    funding, applicant_client, django_capture_on_commit_callbacks
):
    organisation = funding.applicant.applicant_memberships.get().organisation
    application = ApplicationFactory(
        grant_round=funding.grant_round, organisation=organisation, contact=funding.applicant
    )
    page = applicant_client.get(people_url(organisation)).content.decode()
    assert funding.applicant.email in page and "Invite a colleague" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = applicant_client.post(
            people_url(organisation), {"full_name": "Alex Green", "email": "alex@youthgroup.example"}
        )
    assert response.status_code == 302
    assert (
        "Alex Green (alex@youthgroup.example)"
        in applicant_client.get(people_url(organisation)).content.decode()
    )
    (email,) = mail.outbox
    assert funding.applicant.full_name in email.body and organisation.name in email.body

    alex = Client()
    response = alex.post(link_in(email), new_account_form(full_name="Alex Green"))
    assert response.status_code == 302 and response.url == reverse("grants:apply-home")
    application_url = reverse("grants:application", kwargs={"application_id": application.public_id})
    assert alex.get(application_url).status_code == 200
    assert application.title in alex.get(reverse("grants:apply-home")).content.decode()
    both = applicant_client.get(people_url(organisation)).content.decode()
    assert "Alex Green" in both and "alex@youthgroup.example" in both
    assert AuditEvent.objects.filter(
        verb=AuditVerb.CREATED,
        actor=funding.applicant,
        target_id=str(ApplicantInvitation.objects.get().public_id),
    ).exists()


def test_another_organisations_people_are_not_found(funding, client):
    organisation = funding.applicant.applicant_memberships.get().organisation
    client.force_login(funding.other_applicant)
    assert client.get(people_url(organisation)).status_code == 404
    response = client.post(people_url(organisation), {"full_name": "Mallory", "email": "m@evil.example"})
    assert response.status_code == 404
    assert not ApplicantInvitation.objects.exists() and mail.outbox == []


def test_names_typed_are_shown_as_text(funding, applicant_client, django_capture_on_commit_callbacks):
    organisation = funding.applicant.applicant_memberships.get().organisation
    with django_capture_on_commit_callbacks(execute=True):
        applicant_client.post(
            people_url(organisation), {"full_name": SCRIPT, "email": "x@youthgroup.example"}
        )
    page = applicant_client.get(people_url(organisation)).content.decode()
    assert SCRIPT not in page and str(escape(SCRIPT)) in page
    accept = Client().get(link_in(mail.outbox[0])).content.decode()
    assert SCRIPT not in accept
    # The email is plain text: the name is as typed, not as HTML entities.
    assert SCRIPT in mail.outbox[0].body


def test_a_group_signs_up_through_an_open_round_and_confirms_its_address(
    funding, django_capture_on_commit_callbacks
):
    visitor = Client()
    page = visitor.get(sign_up_url(funding.grant_round)).content.decode()
    assert "Sign up your organisation to apply" in page and 'type="password"' not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = visitor.post(sign_up_url(funding.grant_round), sign_up_form())
    assert response.status_code == 302
    assert "Check your email" in visitor.get(response.url).content.decode()
    # Nothing exists until the address is proved.
    assert not Organisation.objects.filter(name="Eyres Monsell Residents").exists()
    assert not User.objects.filter(email="jo@eyres.example").exists()
    (email,) = mail.outbox
    assert email.to == ["jo@eyres.example"] and "Confirm your email address" in email.subject
    link = link_in(email)

    confirm = visitor.get(link).content.decode()
    assert "Confirm your email address and make your account" in confirm and 'name="password1"' in confirm
    assert not User.objects.filter(email="jo@eyres.example").exists()
    response = visitor.post(link, new_account_form(full_name="Jo Brown"))
    assert response.status_code == 302 and response.url == round_url(funding.grant_round)
    organisation = Organisation.objects.get(name="Eyres Monsell Residents")
    assert organisation.type == OrganisationType.VOLUNTARY
    jo = User.objects.get(email="jo@eyres.example")
    assert jo.full_name == "Jo Brown" and jo.check_password(PASSWORD)
    assert ApplicantMember.objects.filter(user=jo, organisation=organisation).exists()
    invitation = ApplicantInvitation.objects.get()
    assert invitation.registered_number == "1123456"
    assert visitor.post(round_url(funding.grant_round), {"title": "Safer alleys"}).status_code == 302
    assert AuditEvent.objects.filter(
        verb=AuditVerb.CREATED, target_id=str(invitation.public_id), actor=None
    ).exists()
    assert AuditEvent.objects.filter(
        verb=AuditVerb.UPDATED, target_id=str(invitation.public_id), actor=jo
    ).exists()


def test_signing_up_says_the_same_whether_or_not_the_address_has_an_account(
    funding, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        new = Client().post(sign_up_url(funding.grant_round), sign_up_form())
        known = Client().post(
            sign_up_url(funding.grant_round),
            sign_up_form(email=funding.applicant.email, organisation_name="Another Group"),
        )
    assert (new.status_code, new.url) == (known.status_code, known.url)
    assert [m.to for m in mail.outbox] == [["jo@eyres.example"], [funding.applicant.email]]
    # The holder of the known address is asked to sign in; their password is not changed.
    asks = Client().get(link_in(mail.outbox[1])).content.decode()
    assert "Sign in to accept" in asks
    funding.applicant.refresh_from_db()
    assert not funding.applicant.check_password(PASSWORD)


def test_one_address_is_sent_only_a_few_sign_up_links_a_day(funding, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(SIGN_UPS_PER_ADDRESS_PER_DAY + 2):
            response = Client().post(sign_up_url(funding.grant_round), sign_up_form())
            assert response.status_code == 302
    assert len(mail.outbox) == SIGN_UPS_PER_ADDRESS_PER_DAY


def test_a_closed_round_takes_no_sign_ups(funding):
    funding.grant_round.closes_at = timezone.now() - dt.timedelta(hours=1)
    funding.grant_round.save()
    page = Client().get(sign_up_url(funding.grant_round)).content.decode()
    assert "This round has closed" in page
    response = Client().post(sign_up_url(funding.grant_round), sign_up_form())
    assert response.status_code == 400
    assert not ApplicantInvitation.objects.exists() and mail.outbox == []


def test_a_round_not_yet_open_has_no_sign_up_page(world):
    later = GrantRoundFactory(
        opens_at=timezone.now() + dt.timedelta(days=3), closes_at=timezone.now() + dt.timedelta(days=30)
    )
    assert Client().get(sign_up_url(later)).status_code == 404


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"organisation_name": ""}, "organisation_name", "Enter your organisation's name"),
        ({"email": "jo at eyres"}, "email", "Enter a valid email address"),
        ({"full_name": "Jo\nBrown"}, "full_name", "Enter the name on one line, without special characters"),
        ({"registered_number": "<b>"}, "registered_number", "Enter the number as the Charity Commission"),
    ],
)
def test_a_sign_up_missing_something_says_what_on_its_field(funding, changes, field, message):
    response = Client().post(sign_up_url(funding.grant_round), sign_up_form(**changes))
    assert response.status_code == 400
    page = response.content.decode()
    assert str(escape(message)) in page and f'href="#id_{field}"' in page
    assert not ApplicantInvitation.objects.exists()


def test_a_signed_up_organisation_name_taken_meanwhile_is_refused_on_confirming(
    funding, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(sign_up_url(funding.grant_round), sign_up_form())
    Organisation.objects.create(name="Eyres Monsell Residents", type=OrganisationType.VOLUNTARY)
    response = Client().post(link_in(mail.outbox[0]), new_account_form(full_name="Jo Brown"))
    assert (
        response.status_code == 400 and "has been registered since you signed up" in response.content.decode()
    )
    assert not User.objects.filter(email="jo@eyres.example").exists()


def test_whoever_signs_up_an_address_never_knows_its_password(funding, django_capture_on_commit_callbacks):
    """Anyone may sign up with anyone's address: the password is chosen on the emailed link's page, so the
    one who signed up cannot sign in as the holder of the address once they confirm it."""
    attackers_password = "the-attackers-passphrase-9"
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(
            sign_up_url(funding.grant_round),
            sign_up_form(password1=attackers_password, password2=attackers_password),
        )
    assert response.status_code == 302
    link = link_in(mail.outbox[0])
    holder = Client()
    # The link's page asks its holder for a password, checked by the project's validators.
    assert 'name="password1"' in holder.get(link).content.decode()
    refused = holder.post(link, new_account_form(password1="short", password2="short"))
    assert refused.status_code == 400 and "This password is too short" in refused.content.decode()
    assert not User.objects.filter(email="jo@eyres.example").exists()

    assert holder.post(link, new_account_form(full_name="Jo Brown")).status_code == 302
    jo = User.objects.get(email="jo@eyres.example")
    assert jo.check_password(PASSWORD) and not jo.check_password(attackers_password)
    signing_in = {"email": "jo@eyres.example", "password": attackers_password}
    assert Client().post(reverse("accounts:sign-in"), signing_in).status_code == 200
    signing_in["password"] = PASSWORD
    assert Client().post(reverse("accounts:sign-in"), signing_in).status_code == 302


ONE_LINE = "Enter the name on one line, without special characters"


@pytest.mark.parametrize(
    "name", ["Braunstone\nYouth Club", "Braunstone\r\nBcc: x@evil.example", "A\u2028B", "A\u202eB"]
)
def test_a_name_on_more_than_one_line_is_refused_on_every_form(funding, sign_in, invited, name):
    manager = sign_in("partnership_manager")
    applicant = Client()
    applicant.force_login(funding.applicant)
    organisation = funding.applicant.applicant_memberships.get().organisation
    for response, field in (
        (
            manager.post(invite_url(funding.grant_round), invite_form(new_organisation_name=name)),
            "new_organisation_name",
        ),
        (manager.post(invite_url(funding.grant_round), invite_form(full_name=name)), "full_name"),
        (
            applicant.post(people_url(organisation), {"full_name": name, "email": "x@y.example"}),
            "full_name",
        ),
        (
            Client().post(sign_up_url(funding.grant_round), sign_up_form(organisation_name=name)),
            "organisation_name",
        ),
        (Client().post(sign_up_url(funding.grant_round), sign_up_form(full_name=name)), "full_name"),
        (Client().post(invited, new_account_form(full_name=name)), "full_name"),
    ):
        page = response.content.decode()
        assert response.status_code == 400 and ONE_LINE in page and f'href="#id_{field}"' in page
    assert ApplicantInvitation.objects.count() == 1 and len(mail.outbox) == 1
    assert not User.objects.filter(email="sam@braunstone.example").exists()


def test_the_services_refuse_a_name_on_more_than_one_line(funding, world):
    organisation = funding.applicant.applicant_memberships.get().organisation
    for refused in (
        lambda: sign_up_request(
            grant_round=funding.grant_round,
            organisation_name="Eyres\nMonsell",
            registered_number="",
            full_name="Jo Brown",
            email="jo@eyres.example",
        ),
        lambda: round_invitation_create(
            actor=world.people["partnership_manager"],
            grant_round=funding.grant_round,
            organisation=None,
            new_organisation_name="Braunstone Youth Club",
            name_given="Sam\rPatel",
            email="sam@braunstone.example",
        ),
        lambda: colleague_invite(
            actor=funding.applicant, organisation=organisation, name_given="Alex\tGreen", email="a@b.example"
        ),
    ):
        with pytest.raises(GrantRefused, match=ONE_LINE):
            refused()
    assert not ApplicantInvitation.objects.exists()
    assert not Organisation.objects.filter(name="Braunstone Youth Club").exists()


def test_an_invitation_recorded_with_a_line_break_is_still_emailed_on_one_line(funding):
    """One recorded before the services refused line breaks."""
    organisation = Organisation.objects.create(name="Braunstone\nYouth Club", type=OrganisationType.VOLUNTARY)
    invitation = ApplicantInvitation.objects.create(
        email="sam@braunstone.example", name_given="Sam Patel", organisation=organisation
    )
    invitation_email_send(invitation)
    (email,) = mail.outbox
    assert email.subject == "You have been invited to apply for funding for Braunstone Youth Club on Saferhub"


def test_someone_signed_in_is_sent_to_the_rounds_page(funding, applicant_client):
    response = applicant_client.get(sign_up_url(funding.grant_round))
    assert response.status_code == 302 and response.url == round_url(funding.grant_round)


@pytest.fixture
def applicant_client(client, funding):
    """The test's client, signed in as the youth group's coordinator."""
    client.force_login(funding.applicant)
    return client


def test_the_service_invites_only_an_organisation_the_partnership_works_with_or_funds(funding, world):
    # The form offers only these; the service refuses the rest too, so no other way in lets a manager into
    # any group's applications.
    stranger = ApplicantMemberFactory(organisation__name="Beta Boxing Club").organisation
    with pytest.raises(
        GrantRefused, match="not a voluntary organisation this partnership works with or funds"
    ):
        round_invitation_create(
            actor=world.people["partnership_manager"],
            grant_round=funding.grant_round,
            organisation=stranger,
            new_organisation_name="",
            name_given="Sam Patel",
            email="sam@boxing.example",
        )
    assert not ApplicantInvitation.objects.exists()
