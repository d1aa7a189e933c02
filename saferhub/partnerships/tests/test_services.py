"""Every partnership service writes what it says and leaves one audit row behind it."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.exceptions import ValidationError

from saferhub.accounts.models import User
from saferhub.audit.models import AuditEvent
from saferhub.partnerships import services
from saferhub.partnerships.models import Membership, MembershipInvitation, Partnership, Role
from saferhub.partnerships.tests.factories import OrganisationFactory
from tests.helpers import assert_event, last_event_id, the_one_new_event


def audit_rows(target):
    return list(
        AuditEvent.objects.filter(
            target_type=ContentType.objects.get_for_model(target),
            target_id=str(getattr(target, "public_id", None) or target.pk),
        )
    )


def test_partnership_create_audits_the_new_partnership(world):
    manager = world.people["county_manager"]
    before = last_event_id()
    partnership = services.partnership_create(
        actor=manager, slug="gamma", name="Gamma CSP", kind="district_csp", parent=world.county
    )
    assert partnership.parent == world.county
    event = the_one_new_event(before)
    assert_event(event, verb="created", actor=manager, partnership=partnership, target=partnership)


def test_partnership_create_refuses_a_slug_with_a_dot(world):
    """A dot would let '<slug>.' begin another partnership's local extract sources (crimedata)."""
    with pytest.raises(ValidationError):
        services.partnership_create(actor=None, slug="gamma.csp", name="Gamma CSP", kind="district_csp")
    assert not Partnership.objects.filter(name="Gamma CSP").exists()


def test_partnership_settings_update_audits_the_changed_setting(world):
    manager = world.people["partnership_manager"]
    before = last_event_id()
    changed = services.partnership_settings_update(
        actor=manager, partnership=world.a, requires_two_factor=True
    )
    assert changed == ["requires_two_factor"]
    world.a.refresh_from_db()
    assert world.a.requires_two_factor is True
    event = the_one_new_event(before)
    assert_event(event, verb="updated", actor=manager, partnership=world.a, target=world.a)
    assert event.context == {"fields": ["requires_two_factor"]}


def test_organisation_create_audits_without_a_partnership(world):
    manager = world.people["partnership_manager"]
    before = last_event_id()
    organisation = services.organisation_create(actor=manager, name="Shire Fire", type="fire")
    event = the_one_new_event(before)
    assert_event(event, verb="created", actor=manager, partnership=None, target=organisation)


def test_partner_organisation_add_audits_in_the_partnership(world):
    manager = world.people["partnership_manager"]
    organisation = OrganisationFactory(name="Shire Fire", type="fire")
    before = last_event_id()
    partner = services.partner_organisation_add(
        actor=manager, partnership=world.a, organisation=organisation, status="co_operating_body"
    )
    event = the_one_new_event(before)
    assert_event(event, verb="created", actor=manager, partnership=world.a, target=partner)


def test_membership_create_audits_who_and_which_role(world):
    manager = world.people["partnership_manager"]
    analyst = world.people["analyst"]
    before = last_event_id()
    membership = services.membership_create(
        actor=manager,
        user=analyst,
        partnership=world.a,
        organisation=world.records["a"]["membership"].organisation,
        role=Role.CASE_OFFICER,
    )
    event = the_one_new_event(before)
    assert_event(event, verb="created", actor=manager, partnership=world.a, target=membership)
    assert event.context == {"user": analyst.email, "role": "case_officer"}


def test_membership_end_deletes_and_audits(world):
    manager = world.people["partnership_manager"]
    membership = Membership.objects.get(user=world.people["analyst"], partnership=world.a)
    public_id, label = str(membership.public_id), str(membership)
    before = last_event_id()
    services.membership_end(actor=manager, membership=membership)
    assert not Membership.objects.filter(public_id=public_id).exists()
    event = the_one_new_event(before)
    assert (event.verb, event.actor, event.partnership) == ("deleted", manager, world.a)
    assert event.target_type == ContentType.objects.get_for_model(Membership)
    assert (event.target_id, event.target_label) == (public_id, label)
    assert event.context == {"user": world.people["analyst"].email, "role": "analyst"}


def test_group_create_audits(world):
    manager = world.people["partnership_manager"]
    before = last_event_id()
    group = services.group_create(
        actor=manager, partnership=world.a, name="Hate Crime Group", kind="sub_group"
    )
    event = the_one_new_event(before)
    assert_event(event, verb="created", actor=manager, partnership=world.a, target=group)


def test_meeting_create_audits_in_the_groups_partnership(world):
    manager = world.people["partnership_manager"]
    before = last_event_id()
    meeting = services.meeting_create(
        actor=manager, group=world.records["a"]["group"], held_on=dt.date(2025, 9, 1), title="September"
    )
    event = the_one_new_event(before)
    assert_event(event, verb="created", actor=manager, partnership=world.a, target=meeting)


def test_action_create_audits_in_the_groups_partnership(world):
    manager = world.people["partnership_manager"]
    before = last_event_id()
    action = services.action_create(
        actor=manager, group=world.records["a"]["group"], description="Map shop theft hotspots"
    )
    assert action.status == "open"
    event = the_one_new_event(before)
    assert_event(event, verb="created", actor=manager, partnership=world.a, target=action)


def test_action_update_records_only_the_fields_that_changed(world):
    manager = world.people["partnership_manager"]
    action = world.records["a"]["action"]
    before = last_event_id()
    changed = services.action_update(
        actor=manager,
        action=action,
        values={"description": action.description, "status": "done", "update": "Reported in June"},
    )
    assert changed == ["status", "update"]
    action.refresh_from_db()
    assert (action.status, action.update) == ("done", "Reported in June")
    event = the_one_new_event(before)
    assert_event(event, verb="updated", actor=manager, partnership=world.a, target=action)
    assert event.context == {"fields": ["status", "update"]}


def test_action_update_with_nothing_changed_writes_nothing(world):
    action = world.records["a"]["action"]
    history_before = action.history.count()
    before = last_event_id()
    changed = services.action_update(
        actor=world.people["partnership_manager"],
        action=action,
        values={"description": action.description, "status": action.status},
    )
    assert changed == []
    assert last_event_id() == before
    assert action.history.count() == history_before


def invite(world, email, *, name_given="New Person", role=Role.ANALYST):
    services.membership_invitation_create(
        actor=world.people["partnership_manager"],
        partnership=world.a,
        email=email,
        name_given=name_given,
        organisation=world.records["a"]["membership"].organisation,
        role=role,
    )
    return MembershipInvitation.objects.filter(
        user__email=email.lower(), partnership=world.a, role=role
    ).first()


def test_inviting_a_new_address_creates_the_account_and_invites_it(world, django_capture_on_commit_callbacks):
    manager = world.people["partnership_manager"]
    memberships_before = Membership.objects.count()
    before = last_event_id()
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(world, "New.Person@alpha.example")
    user = User.objects.get(email="new.person@alpha.example")
    assert user.full_name == "New Person"
    assert (invitation.user, invitation.name_given, invitation.invited_by) == (user, "New Person", manager)
    # No role until they accept it.
    assert Membership.objects.count() == memberships_before
    # Two events, both the manager's: the account they created and the invitation.
    account_event, invitation_event = AuditEvent.objects.filter(id__gt=before).order_by("id")
    assert_event(account_event, verb="created", actor=manager, partnership=None, target=user)
    assert_event(invitation_event, verb="created", actor=manager, partnership=world.a, target=invitation)
    (email,) = mail.outbox
    assert email.to == ["new.person@alpha.example"]
    assert world.a.name in email.subject
    assert "/password-reset/" in email.body
    assert "New Person" in email.body
    assert "asked to accept the invitation" in email.body


def test_inviting_sends_nothing_before_commit(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invite(world, "new.person@alpha.example")
    assert mail.outbox == []
    assert len(callbacks) == 1


def test_inviting_an_existing_account_keeps_its_name_and_tells_its_holder(
    world, django_capture_on_commit_callbacks
):
    manager = world.people["partnership_manager"]
    beta_manager = world.people["other_manager"]
    users_before = User.objects.count()
    before = last_event_id()
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(world, "Manager@Beta.example", name_given="Typed Name", role=Role.BOARD_MEMBER)
    assert (invitation.user, invitation.name_given) == (beta_manager, "Typed Name")
    assert User.objects.count() == users_before
    beta_manager.refresh_from_db()
    assert beta_manager.full_name == "Beta Manager"
    assert not Membership.objects.filter(user=beta_manager, partnership=world.a).exists()
    assert_event(
        the_one_new_event(before), verb="created", actor=manager, partnership=world.a, target=invitation
    )
    (email,) = mail.outbox
    assert email.to == ["manager@beta.example"]
    assert (
        "Alpha Partnership manager has invited you to Alpha Community Safety Partnership as a board member"
        in email.body
    )
    assert "/sign-in/" in email.body
    assert "/password-reset/" not in email.body


def test_inviting_an_account_that_never_chose_a_password_sends_the_link_again(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(world, "new.person@alpha.example", role=Role.ANALYST)
        invite(world, "new.person@alpha.example", role=Role.THEME_LEAD)
    assert ["/password-reset/" in email.body for email in mail.outbox] == [True, True]


def test_inviting_someone_who_has_the_role_changes_nothing_and_an_invitation_is_sent_again(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(world, "manager@beta.example")
    mail.outbox.clear()
    invitations_before = MembershipInvitation.objects.count()
    before = last_event_id()
    with django_capture_on_commit_callbacks(execute=True):
        invite(world, "manager@beta.example", name_given="Another Name")
        assert invite(world, "analyst@alpha.example") is None
    assert MembershipInvitation.objects.count() == invitations_before
    assert last_event_id() == before
    # The pending invitation is sent again, as a reminder; the one who has the role hears nothing.
    assert [email.to for email in mail.outbox] == [["manager@beta.example"]]


def test_accepting_makes_the_membership_and_closes_the_invitation(world):
    invitation = invite(world, "nobody@example.org", name_given="Typed Name")
    nobody = world.people["nobody"]
    before = last_event_id()
    membership = services.membership_invitation_accept(invitation=invitation)
    assert (membership.user, membership.partnership, membership.role) == (nobody, world.a, "analyst")
    assert membership.organisation == world.records["a"]["membership"].organisation
    assert not MembershipInvitation.objects.exists()
    membership_event, invitation_event = AuditEvent.objects.filter(id__gt=before).order_by("id")
    assert_event(membership_event, verb="created", actor=nobody, partnership=world.a, target=membership)
    assert_event(invitation_event, verb="deleted", actor=nobody, partnership=world.a, target=invitation)
    assert invitation_event.context["outcome"] == "accepted"


def test_declining_and_withdrawing_close_the_invitation_and_give_no_role(world):
    manager, nobody = world.people["partnership_manager"], world.people["nobody"]
    declined = invite(world, "nobody@example.org", role=Role.ANALYST)
    withdrawn = invite(world, "nobody@example.org", role=Role.THEME_LEAD)
    before = last_event_id()
    services.membership_invitation_decline(invitation=declined)
    event = the_one_new_event(before)
    assert_event(event, verb="deleted", actor=nobody, partnership=world.a, target=declined)
    assert event.context["outcome"] == "declined"
    before = last_event_id()
    services.membership_invitation_withdraw(actor=manager, invitation=withdrawn)
    event = the_one_new_event(before)
    assert_event(event, verb="deleted", actor=manager, partnership=world.a, target=withdrawn)
    assert event.context["outcome"] == "withdrawn"
    assert not MembershipInvitation.objects.exists()
    assert not Membership.objects.filter(user=nobody).exists()
