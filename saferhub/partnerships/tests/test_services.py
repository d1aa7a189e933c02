"""Every partnership service writes what it says and leaves one audit row behind it."""

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.core import mail

from saferhub.accounts.models import User
from saferhub.audit.models import AuditEvent
from saferhub.partnerships import services
from saferhub.partnerships.models import Membership, Organisation, Role


def audit_rows(target):
    return list(
        AuditEvent.objects.filter(
            target_type=ContentType.objects.get_for_model(target),
            target_id=str(getattr(target, "public_id", None) or target.pk),
        )
    )


def the_one_new_event(before_id):
    """The single audit row written since `before_id`; fails if there is not exactly one."""
    rows = list(AuditEvent.objects.filter(id__gt=before_id))
    assert len(rows) == 1, [(row.verb, row.target_label) for row in rows]
    return rows[0]


def last_event_id():
    latest = AuditEvent.objects.order_by("-id").first()
    return latest.id if latest else 0


def assert_event(event, *, verb, actor, partnership, target):
    assert event.verb == verb
    assert event.actor == actor
    assert event.partnership == partnership
    assert event.target_type == ContentType.objects.get_for_model(target)
    assert event.target_id == str(getattr(target, "public_id", None) or target.pk)
    assert event.target_label == str(target)[:300]


def test_partnership_create_audits_the_new_partnership(world):
    manager = world.people["county_manager"]
    before = last_event_id()
    partnership = services.partnership_create(
        actor=manager, slug="gamma", name="Gamma CSP", kind="district_csp", parent=world.county
    )
    assert partnership.parent == world.county
    event = the_one_new_event(before)
    assert_event(event, verb="created", actor=manager, partnership=partnership, target=partnership)


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
    organisation = Organisation.objects.create(name="Shire Fire", type="fire")
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


def test_membership_add_person_creates_and_invites_a_new_person(world, django_capture_on_commit_callbacks):
    manager = world.people["partnership_manager"]
    organisation = world.records["a"]["membership"].organisation
    before = last_event_id()
    with django_capture_on_commit_callbacks(execute=True):
        membership = services.membership_add_person(
            actor=manager,
            partnership=world.a,
            email="new.person@alpha.example",
            full_name="New Person",
            organisation=organisation,
            role=Role.ANALYST,
        )
    user = User.objects.get(email="new.person@alpha.example")
    assert (membership.user, membership.role, membership.partnership) == (user, "analyst", world.a)
    assert user.full_name == "New Person"
    # Two events, both the manager's: the account they created and the role they gave it.
    account_event, membership_event = AuditEvent.objects.filter(id__gt=before).order_by("id")
    assert_event(account_event, verb="created", actor=manager, partnership=None, target=user)
    assert_event(membership_event, verb="created", actor=manager, partnership=world.a, target=membership)
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["new.person@alpha.example"]
    assert world.a.name in email.subject
    assert "/password-reset/" in email.body
    assert "New Person" in email.body


def test_membership_add_person_sends_nothing_before_commit(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.membership_add_person(
            actor=world.people["partnership_manager"],
            partnership=world.a,
            email="new.person@alpha.example",
            full_name="New Person",
            organisation=world.records["a"]["membership"].organisation,
            role=Role.ANALYST,
        )
    assert mail.outbox == []
    assert len(callbacks) == 1


def test_membership_add_person_reuses_an_existing_user_without_inviting(
    world, django_capture_on_commit_callbacks
):
    manager = world.people["partnership_manager"]
    beta_manager = world.people["other_manager"]
    users_before = User.objects.count()
    before = last_event_id()
    with django_capture_on_commit_callbacks(execute=True):
        membership = services.membership_add_person(
            actor=manager,
            partnership=world.a,
            email=beta_manager.email,
            full_name="Ignored Name",
            organisation=world.records["a"]["membership"].organisation,
            role=Role.BOARD_MEMBER,
        )
    assert membership.user == beta_manager
    assert User.objects.count() == users_before
    beta_manager.refresh_from_db()
    assert beta_manager.full_name == "Beta Manager"
    event = the_one_new_event(before)
    assert_event(event, verb="created", actor=manager, partnership=world.a, target=membership)
    assert mail.outbox == []


def test_membership_add_person_finds_an_existing_user_whatever_the_case(world):
    membership = services.membership_add_person(
        actor=world.people["partnership_manager"],
        partnership=world.a,
        email="Manager@Beta.example",
        full_name="",
        organisation=world.records["a"]["membership"].organisation,
        role=Role.BOARD_MEMBER,
    )
    assert membership.user == world.people["other_manager"]
