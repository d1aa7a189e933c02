"""The partnership pages as people use them: home, people and roles, groups, meetings, actions, settings."""

import re

from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from saferhub.accounts.models import User
from saferhub.accounts.tests.factories import TOTPDeviceFactory
from saferhub.audit.models import AuditEvent
from saferhub.geography.models import Area, AreaLevel
from saferhub.partnerships.models import (
    Action,
    Group,
    Meeting,
    Membership,
    MembershipInvitation,
    PartnerOrganisation,
    Partnership,
)
from saferhub.partnerships.tests.factories import (
    GroupFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnerOrganisationFactory,
)

SCRIPT = "<script>alert(1)</script>"
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"


def group_url(world, key="a"):
    group = world.records[key]["group"]
    return f"/p/{group.partnership.slug}/groups/{group.public_id}/"


def council(world):
    return world.records["a"]["membership"].organisation


def csrf_post(client, get_url, data, post_url=None):
    """GET the page as a browser would, then POST its form with the CSRF token it was given."""
    assert client.get(get_url).status_code == 200
    token = client.cookies["csrftoken"].value
    return client.post(post_url or get_url, {**data, "csrfmiddlewaretoken": token})


# Home


def test_home_lists_your_roles(sign_in):
    page = sign_in("partnership_manager").get("/").content.decode()
    assert "Alpha Community Safety Partnership" in page
    assert "Partnership manager" in page
    assert "Alpha City Council" in page
    assert "Beta Community Safety Partnership" not in page
    assert "Partnerships in your area" not in page


def test_home_lists_the_partnerships_beneath_yours(sign_in):
    page = sign_in("county_manager").get("/").content.decode()
    assert "County Strategy Board" in page
    assert "Partnerships in your area" in page
    assert "Alpha Community Safety Partnership" in page
    assert "Beta Community Safety Partnership" in page


def test_home_for_someone_without_roles(sign_in):
    page = sign_in("nobody").get("/").content.decode()
    assert "You do not have a role in any partnership yet" in page


def test_home_asks_a_stranger_to_sign_in(client, world):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


# Adding and removing people


def test_manager_invites_a_new_person_who_gets_no_role_until_they_accept(
    client, world, django_capture_on_commit_callbacks
):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(world.people["partnership_manager"])
    memberships_before = Membership.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = csrf_post(
            csrf_client,
            "/p/alpha/people/add/",
            {
                "email": "New.Person@Alpha.example",
                "full_name": "New Person",
                "organisation": council(world).pk,
                "role": "analyst",
            },
        )
    assert response.status_code == 302
    assert response["Location"] == "/p/alpha/people/"
    invitation = MembershipInvitation.objects.get(user__email="new.person@alpha.example", partnership=world.a)
    assert (invitation.role, invitation.name_given) == ("analyst", "New Person")
    assert Membership.objects.count() == memberships_before
    assert [message.to for message in mail.outbox] == [["new.person@alpha.example"]]
    page = csrf_client.get("/p/alpha/people/").content.decode()
    assert (
        "New Person (new.person@alpha.example) has been invited to be an analyst. "
        "They will appear under People once they accept."
    ) in page
    invited = page.split("Invited, not yet accepted</caption>")[1]
    assert "New Person" in invited
    assert "new.person@alpha.example" in invited
    assert "Alpha City Council" in invited
    assert "Withdraw" in invited


def test_posting_without_the_csrf_token_is_refused(world):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(world.people["partnership_manager"])
    response = csrf_client.post(
        "/p/alpha/people/add/",
        {"email": "x@alpha.example", "full_name": "X", "organisation": council(world).pk, "role": "analyst"},
    )
    assert response.status_code == 403
    assert not User.objects.filter(email="x@alpha.example").exists()


def test_manager_invites_an_existing_person_who_is_told_by_email(
    world, django_capture_on_commit_callbacks, sign_in
):
    users_before = User.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_in("partnership_manager").post(
            "/p/alpha/people/add/",
            {
                "email": "manager@beta.example",
                "full_name": "B. Manager",
                "organisation": council(world).pk,
                "role": "board_member",
            },
        )
    assert response.status_code == 302
    assert User.objects.count() == users_before
    assert not Membership.objects.filter(user=world.people["other_manager"], partnership=world.a).exists()
    assert MembershipInvitation.objects.filter(
        user=world.people["other_manager"], partnership=world.a
    ).exists()
    (email,) = mail.outbox
    assert email.to == ["manager@beta.example"]
    assert "Sign in to Saferhub to accept" in email.body


def assert_add_person_refused(client, data, message):
    before = Membership.objects.count(), MembershipInvitation.objects.count(), User.objects.count()
    response = client.post("/p/alpha/people/add/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert message in page
    assert (Membership.objects.count(), MembershipInvitation.objects.count(), User.objects.count()) == before


def test_add_person_without_an_email(world, sign_in):
    assert_add_person_refused(
        sign_in("partnership_manager"),
        {"email": "", "full_name": "Someone", "organisation": council(world).pk, "role": "analyst"},
        "Enter their email address",
    )


def test_add_a_person_without_their_name(world, sign_in):
    assert_add_person_refused(
        sign_in("partnership_manager"),
        {"email": "unknown@alpha.example", "organisation": council(world).pk, "role": "analyst"},
        "Enter their full name",
    )


def add_person_answer(client, world, email, role="board_member"):
    """What the manager sees after adding `email` under a made-up name: the message and the invitation's row.

    The address is replaced by EMAIL and the invitation's id by ID, so that answers about two addresses
    compare equal when they say the same thing."""
    data = {"email": email, "full_name": "Made Up", "organisation": council(world).pk, "role": role}
    response = client.post("/p/alpha/people/add/", data, follow=True)
    page = response.content.decode()
    notice = page.split('class="govuk-notification-banner__content"')[1].split("</div>")[0]
    invited = page.split("Invited, not yet accepted</caption>")[1].split("</table>")[0]
    row = next((row for row in invited.split("<tr") if email in row), "")
    answer = (str(response.redirect_chain), notice, re.sub(r"[0-9a-f-]{36}", "ID", row))
    return page, tuple(part.replace(email, "EMAIL") for part in answer)


def test_adding_someone_by_email_answers_the_same_whether_or_not_they_have_an_account(client, world, sign_in):
    sign_in("partnership_manager")
    _, stranger = add_person_answer(client, world, "stranger@example.org")
    known_page, known = add_person_answer(client, world, "manager@beta.example")
    _, notice, row = stranger
    assert "Made Up (EMAIL) has been invited to be a board member" in notice
    assert "Made Up" in row and "EMAIL" in row
    assert known == stranger
    # The account's own name, "Beta Manager", is nowhere the manager looks: not the answer, not the People
    # page, not the audit log.
    assert "Beta Manager" not in known_page
    assert "Beta Manager" not in client.get("/p/alpha/people/").content.decode()
    assert "Beta Manager" not in client.get("/p/alpha/audit/").content.decode()


def test_adding_someone_who_already_has_the_role_or_its_invitation_answers_the_same(client, world, sign_in):
    sign_in("partnership_manager")
    _, fresh = add_person_answer(client, world, "stranger@example.org", role="analyst")
    invitations = MembershipInvitation.objects.count()
    _, invited_again = add_person_answer(client, world, "stranger@example.org", role="analyst")
    _, already_analyst = add_person_answer(client, world, "analyst@alpha.example", role="analyst")
    assert invited_again == fresh
    # Someone with the role is listed among the people, so there is no invitation's row to compare.
    assert already_analyst[:-1] == fresh[:-1]
    assert MembershipInvitation.objects.count() == invitations


def test_adding_someone_needs_their_name_whether_or_not_they_have_an_account(client, world, sign_in):
    sign_in("partnership_manager")
    answers = []
    for email in ("manager@beta.example", "stranger@example.org"):
        data = {"email": email, "organisation": council(world).pk, "role": "analyst"}
        response = client.post("/p/alpha/people/add/", data)
        assert response.status_code == 400
        page = response.content.decode()
        answers.append(page[page.index('class="govuk-error-summary"') :].split("</ul>")[0])
    assert answers[0] == answers[1]
    assert "Enter their full name" in answers[0]


def invite_nobody(sign_in, world, role="analyst"):
    """The manager invites the person with no roles; returns their invitation."""
    sign_in("partnership_manager").post(
        "/p/alpha/people/add/",
        {
            "email": "nobody@example.org",
            "full_name": "Nobody",
            "organisation": council(world).pk,
            "role": role,
        },
    )
    return MembershipInvitation.objects.get(user=world.people["nobody"], role=role)


def test_the_invited_person_accepts_on_their_home_page_and_then_has_the_role(world, sign_in):
    invitation = invite_nobody(sign_in, world)
    invitee = Client(enforce_csrf_checks=True)
    invitee.force_login(world.people["nobody"])
    home = invitee.get("/").content.decode()
    assert "Alpha Community Safety Partnership invites you to be an analyst for Alpha City Council" in home
    assert "Invited by Alpha Partnership manager" in home
    assert "You do not have a role in any partnership yet" not in home
    # Until they accept, the partnership is not theirs to see.
    assert invitee.get("/p/alpha/").status_code == 404
    accept_url = f"/invitations/{invitation.public_id}/accept/"
    assert invitee.get(accept_url).status_code == 405
    response = csrf_post(invitee, "/", {}, post_url=accept_url)
    assert response.status_code == 302
    assert response["Location"] == "/p/alpha/"
    page = invitee.get("/p/alpha/").content.decode()
    assert "You are now an analyst in Alpha Community Safety Partnership" in page
    assert Membership.objects.filter(
        user=world.people["nobody"], partnership=world.a, role="analyst"
    ).exists()
    assert not MembershipInvitation.objects.exists()
    assert "invites you" not in invitee.get("/").content.decode()
    # Now a member, they appear under People by their own name.
    people = sign_in("partnership_manager").get("/p/alpha/people/").content.decode()
    assert "No Memberships" in people
    assert "Invited, not yet accepted" not in people


def test_the_invited_person_declines_and_gets_no_role(client, world, sign_in):
    invitation = invite_nobody(sign_in, world)
    sign_in("nobody")
    response = client.post(f"/invitations/{invitation.public_id}/decline/", follow=True)
    assert (
        "You have declined the invitation from Alpha Community Safety Partnership"
        in response.content.decode()
    )
    assert not MembershipInvitation.objects.exists()
    assert not Membership.objects.filter(user=world.people["nobody"]).exists()
    assert client.get("/p/alpha/").status_code == 404
    event = AuditEvent.objects.get(verb="deleted", target_id=str(invitation.public_id))
    assert (event.actor, event.context["outcome"]) == (world.people["nobody"], "declined")


def test_nobody_else_can_accept_or_decline_an_invitation(client, world, sign_in):
    invitation = invite_nobody(sign_in, world)
    for who in ("partnership_manager", "other_manager", "analyst"):
        sign_in(who)
        for answer in ("accept", "decline"):
            assert client.post(f"/invitations/{invitation.public_id}/{answer}/").status_code == 404
    assert MembershipInvitation.objects.filter(pk=invitation.pk).exists()
    assert not Membership.objects.filter(user=world.people["nobody"]).exists()


def test_someone_invited_cannot_yet_own_an_action(world, sign_in):
    invite_nobody(sign_in, world)
    response = sign_in("partnership_manager").post(
        group_url(world) + "actions/new/",
        {"description": "Given to the invitee", "status": "open", "owner": world.people["nobody"].pk},
    )
    assert response.status_code == 400
    assert not Action.objects.filter(description="Given to the invitee").exists()


def test_manager_withdraws_an_invitation_after_confirming(client, world, sign_in):
    invitation = invite_nobody(sign_in, world)
    url = f"/p/alpha/people/invitations/{invitation.public_id}/withdraw/"
    page = client.get(url).content.decode()
    assert "Withdraw the invitation to Nobody?" in page
    assert MembershipInvitation.objects.filter(pk=invitation.pk).exists()
    response = client.post(url, follow=True)
    assert "The invitation to Nobody has been withdrawn" in response.content.decode()
    assert not MembershipInvitation.objects.exists()
    event = AuditEvent.objects.get(verb="deleted", target_id=str(invitation.public_id))
    assert (event.actor, event.context["outcome"]) == (world.people["partnership_manager"], "withdrawn")
    assert "invites you" not in sign_in("nobody").get("/").content.decode()


def test_only_managers_see_the_withdraw_link_or_may_withdraw(client, world, sign_in):
    invitation = invite_nobody(sign_in, world)
    url = f"/p/alpha/people/invitations/{invitation.public_id}/withdraw/"
    sign_in("board_member")
    page = client.get("/p/alpha/people/").content.decode()
    assert "Invited, not yet accepted" in page
    assert "Withdraw" not in page
    assert client.post(url).status_code == 403
    assert sign_in("other_manager").post(url).status_code == 404
    assert MembershipInvitation.objects.filter(pk=invitation.pk).exists()


def test_manager_removes_a_role_after_confirming(client, world, sign_in):
    membership = Membership.objects.get(user=world.people["analyst"], partnership=world.a)
    url = f"/p/alpha/people/{membership.public_id}/remove/"
    sign_in("partnership_manager")
    page = client.get(url).content.decode()
    assert "Remove Alpha Analyst as analyst?" in page
    assert Membership.objects.filter(pk=membership.pk).exists()
    response = client.post(url)
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    event = AuditEvent.objects.get(verb="deleted", target_id=str(membership.public_id))
    assert event.actor == world.people["partnership_manager"]
    page = client.get("/p/alpha/people/").content.decode()
    assert "Alpha Analyst no longer has the role Analyst" in page


def test_removing_a_role_in_another_partnership_is_not_found(world, sign_in):
    membership = world.records["b"]["membership"]
    response = sign_in("partnership_manager").post(f"/p/alpha/people/{membership.public_id}/remove/")
    assert response.status_code == 404
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_people_page_shows_remove_links_only_to_managers(sign_in):
    assert "Add a person" in sign_in("partnership_manager").get("/p/alpha/people/").content.decode()
    page = sign_in("board_member").get("/p/alpha/people/").content.decode()
    assert "Alpha Analyst" in page
    assert "Add a person" not in page
    assert "/remove/" not in page


# Groups, meetings and actions


def test_manager_adds_a_group(client, world, sign_in):
    response = sign_in("partnership_manager").post(
        "/p/alpha/groups/new/", {"name": "Hate Crime Group", "kind": "sub_group", "purpose": "Tackle hate"}
    )
    group = Group.objects.get(partnership=world.a, name="Hate Crime Group")
    assert response["Location"] == f"/p/alpha/groups/{group.public_id}/"
    assert AuditEvent.objects.filter(verb="created", target_id=str(group.public_id)).count() == 1
    assert "Hate Crime Group" in client.get("/p/alpha/").content.decode()


def test_a_group_name_must_be_new_in_the_partnership(world, sign_in):
    response = sign_in("partnership_manager").post(
        "/p/alpha/groups/new/", {"name": "executive board", "kind": "board"}
    )
    assert response.status_code == 400
    assert "There is already a group with this name" in response.content.decode()
    assert Group.objects.filter(partnership=world.a).count() == 1


def test_the_same_group_name_is_fine_in_another_partnership(world, sign_in):
    Group.objects.filter(partnership=world.a).delete()
    response = sign_in("partnership_manager").post(
        "/p/alpha/groups/new/", {"name": "Executive Board", "kind": "board"}
    )
    assert response.status_code == 302


def test_manager_adds_a_meeting(client, world, sign_in):
    response = sign_in("partnership_manager").post(
        group_url(world) + "meetings/new/", {"title": "Autumn board", "held_on": "2025-10-14", "notes": ""}
    )
    assert response.status_code == 302
    page = client.get(group_url(world)).content.decode()
    assert "Autumn board, 14 October 2025" in page
    assert "Meeting added" in page


def test_a_meeting_date_must_be_real(world, sign_in):
    meetings_before = Meeting.objects.count()
    response = sign_in("partnership_manager").post(
        group_url(world) + "meetings/new/", {"title": "Autumn board", "held_on": "2025-02-30"}
    )
    assert response.status_code == 400
    assert "Enter a real date" in response.content.decode()
    assert Meeting.objects.count() == meetings_before


def test_manager_adds_an_action(client, world, sign_in):
    response = sign_in("partnership_manager").post(
        group_url(world) + "actions/new/",
        {
            "description": "Map shop theft hotspots",
            "owner": world.people["analyst"].pk,
            "owner_organisation": "",
            "due_on": "2030-01-31",
            "status": "open",
            "update": "",
        },
    )
    assert response.status_code == 302
    action = Action.objects.get(description="Map shop theft hotspots")
    assert (action.owner, action.group) == (world.people["analyst"], world.records["a"]["group"])
    page = client.get(group_url(world)).content.decode()
    assert "Map shop theft hotspots" in page
    assert "31 January 2030" in page


def test_an_action_needs_a_description(world, sign_in):
    actions_before = Action.objects.count()
    response = sign_in("partnership_manager").post(
        group_url(world) + "actions/new/", {"description": "", "status": "open"}
    )
    assert response.status_code == 400
    assert "Describe the action" in response.content.decode()
    assert Action.objects.count() == actions_before


def test_an_action_owner_must_belong_to_the_partnership(world, sign_in):
    response = sign_in("partnership_manager").post(
        group_url(world) + "actions/new/",
        {"description": "Sneaky", "status": "open", "owner": world.people["other_manager"].pk},
    )
    assert response.status_code == 400
    assert not Action.objects.filter(description="Sneaky").exists()


def test_manager_updates_an_action_and_the_change_is_audited(client, world, sign_in):
    action = world.records["a"]["action"]
    url = group_url(world) + f"actions/{action.public_id}/edit/"
    sign_in("partnership_manager")
    assert "Report on night-time economy" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "description": action.description,
            "owner": "",
            "owner_organisation": "",
            "due_on": "",
            "status": "in_progress",
            "update": "",
        },
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == "in_progress"
    event = AuditEvent.objects.get(verb="updated", target_id=str(action.public_id))
    assert event.actor == world.people["partnership_manager"]
    assert event.context == {"fields": ["status"]}
    page = client.get(group_url(world)).content.decode()
    assert "In progress" in page
    assert "Action updated" in page


def test_saving_an_unchanged_action_records_nothing(world, sign_in):
    action = world.records["a"]["action"]
    sign_in("partnership_manager").post(
        group_url(world) + f"actions/{action.public_id}/edit/",
        {"description": action.description, "status": action.status},
    )
    assert not AuditEvent.objects.filter(verb="updated", target_id=str(action.public_id)).exists()


def test_an_action_of_another_partnership_is_not_found(world, sign_in):
    action_b = world.records["b"]["action"]
    response = sign_in("partnership_manager").get(group_url(world) + f"actions/{action_b.public_id}/edit/")
    assert response.status_code == 404


# Board members read; they do not manage


def manager_pages(world):
    action = world.records["a"]["action"]
    membership = Membership.objects.get(user=world.people["analyst"], partnership=world.a)
    return [
        "/p/alpha/settings/",
        "/p/alpha/people/add/",
        f"/p/alpha/people/{membership.public_id}/remove/",
        "/p/alpha/groups/new/",
        group_url(world) + "meetings/new/",
        group_url(world) + "actions/new/",
        group_url(world) + f"actions/{action.public_id}/edit/",
    ]


def test_a_board_member_reads_the_partnership_and_its_groups(client, world, sign_in):
    sign_in("board_member")
    overview = client.get("/p/alpha/").content.decode()
    assert "Executive Board" in overview
    assert "Add a group" not in overview
    assert "Audit log" not in overview
    group_page = client.get(group_url(world)).content.decode()
    assert "Report on night-time economy" in group_page
    assert "Add an action" not in group_page
    assert "Add a meeting" not in group_page


def test_a_board_member_is_refused_the_manager_pages_and_it_is_audited(client, world, sign_in):
    sign_in("board_member")
    for url in manager_pages(world):
        assert client.get(url).status_code == 403, url
    refusals = AuditEvent.objects.filter(verb="refused", actor=world.people["board_member"])
    assert refusals.count() == len(manager_pages(world))
    assert {event.partnership for event in refusals} == {world.a}
    assert {event.context["permission"] for event in refusals} == {"partnerships.manage_partnership"}


def test_a_board_member_cannot_post_to_the_manager_pages(client, sign_in):
    sign_in("board_member")
    response = client.post("/p/alpha/groups/new/", {"name": "Rogue group", "kind": "board"})
    assert response.status_code == 403
    assert not Group.objects.filter(name="Rogue group").exists()


def test_another_partnerships_manager_finds_nothing(client, world, sign_in):
    sign_in("other_manager")
    for url in ["/p/alpha/", "/p/alpha/people/", group_url(world), *manager_pages(world)]:
        assert client.get(url).status_code == 404, url
    assert not AuditEvent.objects.filter(verb="refused").exists()


def test_the_county_reads_a_district_but_does_not_manage_it(client, sign_in):
    sign_in("county_manager")
    assert client.get("/p/alpha/").status_code == 200
    assert client.get("/p/alpha/groups/new/").status_code == 403


# Settings


def test_manager_requires_two_factor_and_is_then_sent_to_set_it_up(client, world, sign_in):
    sign_in("partnership_manager")
    response = client.post("/p/alpha/settings/", {"requires_two_factor": "on"})
    assert response.status_code == 302
    world.a.refresh_from_db()
    assert world.a.requires_two_factor is True
    event = AuditEvent.objects.get(verb="updated", target_id=str(world.a.public_id))
    assert event.context == {"fields": ["requires_two_factor"]}
    assert client.get("/p/alpha/")["Location"] == "/account/two-factor/"


def test_a_verified_manager_turns_two_factor_off(world):
    Partnership.objects.filter(pk=world.a.pk).update(requires_two_factor=True)
    manager = world.people["partnership_manager"]
    device = TOTPDeviceFactory(user=manager)
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    assert "Require two-factor authentication" in client.get("/p/alpha/settings/").content.decode()
    # A browser sends no value for an unticked box: only the CSRF token travels.
    response = csrf_post(client, "/p/alpha/settings/", {})
    assert response.status_code == 302
    world.a.refresh_from_db()
    assert world.a.requires_two_factor is False
    assert "Not required" in client.get("/p/alpha/").content.decode()


# What people type is shown, never run


def test_html_in_a_group_name_is_shown_escaped(client, sign_in):
    sign_in("partnership_manager").post("/p/alpha/groups/new/", {"name": SCRIPT, "kind": "board"})
    group = Group.objects.get(name=SCRIPT)
    for url in [
        "/p/alpha/",
        f"/p/alpha/groups/{group.public_id}/",
        f"/p/alpha/groups/{group.public_id}/actions/new/",
    ]:
        page = client.get(url).content.decode()
        assert SCRIPT not in page, url
        assert ESCAPED_SCRIPT in page, url


def test_html_in_an_action_is_shown_escaped(client, world, sign_in):
    action = world.records["a"]["action"]
    response = sign_in("partnership_manager").post(
        group_url(world) + f"actions/{action.public_id}/edit/",
        {"description": SCRIPT, "status": "open", "update": SCRIPT},
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.description, action.update) == (SCRIPT, SCRIPT)
    page = client.get(group_url(world)).content.decode()
    assert SCRIPT not in page
    assert ESCAPED_SCRIPT in page


def test_html_in_a_refused_form_is_shown_escaped(sign_in):
    response = sign_in("partnership_manager").post("/p/alpha/groups/new/", {"name": SCRIPT, "kind": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert SCRIPT not in page
    assert ESCAPED_SCRIPT in page


def test_audit_rows_name_the_records_they_are_about(world, sign_in):
    sign_in("partnership_manager").post(
        "/p/alpha/groups/new/", {"name": "Hate Crime Group", "kind": "sub_group"}
    )
    event = AuditEvent.objects.get(verb="created", target_label="Hate Crime Group")
    assert event.target_type == ContentType.objects.get_for_model(Group)
    assert event.partnership == world.a


def test_the_partnership_page_names_the_areas_it_covers(world, sign_in):
    Area.objects.update_or_create(code="E06000016", defaults={"name": "Leicester", "level": AreaLevel.LAD})
    world.a.area_codes = ["E06000016", "E99999999"]
    world.a.save()
    page = sign_in("partnership_manager").get("/p/alpha/").content.decode()
    assert "Leicester (E06000016), E99999999" in page


# Member organisations, groups and meetings: changing and removing them


def partner_url(world, organisation_name, action):
    partner = PartnerOrganisation.objects.get(partnership=world.a, organisation__name=organisation_name)
    return f"/p/alpha/organisations/{partner.public_id}/{action}/"


def test_manager_changes_a_member_organisations_status_and_it_is_audited(client, world, sign_in):
    sign_in("partnership_manager")
    page = client.get("/p/alpha/").content.decode()
    assert partner_url(world, "Shire Police", "edit") in page
    response = client.post(partner_url(world, "Shire Police", "edit"), {"status": "co_operating_body"})
    assert response["Location"] == "/p/alpha/"
    partner = PartnerOrganisation.objects.get(partnership=world.a, organisation__name="Shire Police")
    assert partner.status == "co_operating_body"
    assert AuditEvent.objects.get(verb="updated", target_id=str(partner.public_id)).context == {
        "fields": ["status"]
    }
    # Only A's place changed: the county's and B's stay as they were.
    assert set(
        PartnerOrganisation.objects.filter(organisation__name="Shire Police")
        .exclude(partnership=world.a)
        .values_list("status", flat=True)
    ) == {"responsible_authority"}


def test_an_organisation_that_peoples_roles_name_cannot_be_removed(client, world, sign_in):
    sign_in("partnership_manager")
    url = partner_url(world, "Alpha City Council", "remove")
    page = client.get(url)
    assert page.status_code == 409
    text = page.content.decode()
    assert "Alpha City Council cannot be removed while 8 memberships in this partnership name it" in text
    assert "Remove organisation" not in text
    response = client.post(url)
    assert response.status_code == 409
    assert PartnerOrganisation.objects.filter(
        partnership=world.a, organisation__name="Alpha City Council"
    ).exists()
    assert not AuditEvent.objects.filter(verb="deleted").exists()


def test_an_organisation_a_priority_or_an_action_names_cannot_be_removed(world, sign_in):
    action = world.records["a"]["action"]
    action.owner_organisation = world.records["a"]["priority"].lead_organisation
    action.save()
    response = sign_in("partnership_manager").post(partner_url(world, "Shire Police", "remove"))
    assert response.status_code == 409
    assert "while 1 action and 1 priority in this partnership name it" in response.content.decode()


def test_an_organisation_named_only_elsewhere_is_removed_from_here_and_stays_there(client, world, sign_in):
    probation = OrganisationFactory(name="Shire Probation", type="probation")
    for partnership in (world.a, world.b):
        PartnerOrganisationFactory(
            partnership=partnership, organisation=probation, status="responsible_authority"
        )
    MembershipFactory(
        user=world.people["other_manager"], partnership=world.b, organisation=probation, role="analyst"
    )
    sign_in("partnership_manager")
    assert (
        "Remove organisation" in client.get(partner_url(world, "Shire Probation", "remove")).content.decode()
    )
    response = client.post(partner_url(world, "Shire Probation", "remove"), follow=True)
    assert "Shire Probation is no longer a member organisation" in response.content.decode()
    assert not PartnerOrganisation.objects.filter(partnership=world.a, organisation=probation).exists()
    assert PartnerOrganisation.objects.filter(partnership=world.b, organisation=probation).exists()
    event = AuditEvent.objects.get(verb="deleted")
    assert (event.partnership, event.context["organisation"]) == (world.a, "Shire Probation")


def test_manager_changes_a_group_and_it_is_audited(client, world, sign_in):
    sign_in("partnership_manager")
    assert group_url(world) + "edit/" in client.get(group_url(world)).content.decode()
    response = client.post(
        group_url(world) + "edit/", {"name": "Strategy Board", "kind": "board", "purpose": "Sets the plan"}
    )
    assert response["Location"] == group_url(world)
    group = Group.objects.get(pk=world.records["a"]["group"].pk)
    assert (group.name, group.purpose) == ("Strategy Board", "Sets the plan")
    assert AuditEvent.objects.get(verb="updated").context == {"fields": ["name", "purpose"]}


def test_a_group_cannot_be_renamed_to_another_groups_name(world, sign_in):
    GroupFactory(partnership=world.a, name="JAG North", kind="jag")
    response = sign_in("partnership_manager").post(
        group_url(world) + "edit/", {"name": "jag north", "kind": "board"}
    )
    assert response.status_code == 400
    assert "There is already a group with this name" in response.content.decode()


def test_removing_a_group_says_what_goes_with_it_then_removes_it(client, world, sign_in):
    sign_in("partnership_manager")
    page = client.get(group_url(world) + "remove/").content.decode()
    assert "Its 1 meeting and the 1 action on its log will be removed with it." in page
    response = client.post(group_url(world) + "remove/")
    assert response["Location"] == "/p/alpha/"
    assert not Group.objects.filter(pk=world.records["a"]["group"].pk).exists()
    event = AuditEvent.objects.get(verb="deleted")
    assert event.context == {"meetings": 1, "actions": 1}
    assert event.target_label == "Executive Board"


def meeting_url(world, action):
    return group_url(world) + f"meetings/{world.records['a']['meeting'].public_id}/{action}/"


def test_manager_changes_a_meeting_and_its_minutes_keep_their_line_breaks(client, world, sign_in):
    sign_in("partnership_manager")
    response = client.post(
        meeting_url(world, "edit"),
        {
            "title": "Quarterly board",
            "held_on": "2025-06-01",
            "notes": "Present: A, B\r\nApologies: C\r\n\r\n1. Minutes agreed",
        },
    )
    assert response["Location"] == group_url(world)
    assert AuditEvent.objects.get(verb="updated").context == {"fields": ["notes"]}
    page = client.get(group_url(world)).content.decode()
    assert (
        '<p class="govuk-body">Present: A, B<br>Apologies: C</p><p class="govuk-body">1. Minutes agreed</p>'
        in page
    )


def test_removing_a_meeting_keeps_the_actions_agreed_at_it(client, world, sign_in):
    action = world.records["a"]["action"]
    action.meeting = world.records["a"]["meeting"]
    action.save()
    sign_in("partnership_manager")
    assert (
        "Actions agreed at it stay on the action log"
        in client.get(meeting_url(world, "remove")).content.decode()
    )
    response = client.post(meeting_url(world, "remove"))
    assert response["Location"] == group_url(world)
    assert not Meeting.objects.filter(pk=world.records["a"]["meeting"].pk).exists()
    action.refresh_from_db()
    assert action.meeting is None
    assert AuditEvent.objects.get(verb="deleted").context == {
        "group": "Executive Board",
        "held_on": "2025-06-01",
    }


def test_board_members_see_no_change_links_and_are_refused_the_pages(client, world, sign_in):
    sign_in("board_member")
    assert "/edit/" not in client.get(group_url(world)).content.decode()
    assert "/organisations/" not in client.get("/p/alpha/").content.decode()
    for url in [
        partner_url(world, "Shire Police", "remove"),
        group_url(world) + "remove/",
        meeting_url(world, "remove"),
    ]:
        assert client.post(url).status_code == 403, url
    assert Meeting.objects.filter(pk=world.records["a"]["meeting"].pk).exists()
