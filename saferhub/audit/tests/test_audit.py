"""The audit trail cannot be changed, and managers can read it: the log, and the history of one record."""

import uuid

import pytest
from django.db import transaction
from django.db.models import ProtectedError

from saferhub.audit.models import AuditEvent, AuditVerb
from saferhub.audit.services import audit_event_record
from saferhub.partnerships import services as partnership_services
from saferhub.plans import services as plan_services

SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def event(world):
    return audit_event_record(
        actor=world.people["partnership_manager"], verb=AuditVerb.VIEWED, target=world.records["a"]["plan"]
    )


def history_url(kind, record, slug="alpha"):
    return f"/p/{slug}/history/{kind}/{record.public_id}/"


# Append-only


def test_an_event_cannot_be_saved_again(event):
    event.verb = AuditVerb.DELETED
    with pytest.raises(PermissionError):
        event.save()
    event.refresh_from_db()
    assert event.verb == "viewed"


def test_an_event_cannot_be_deleted(event):
    with pytest.raises(PermissionError):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_events_cannot_be_updated_in_bulk(event):
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(verb=AuditVerb.DELETED)
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(target_label="rewritten")
    event.verb = AuditVerb.DELETED
    with pytest.raises(PermissionError), transaction.atomic():
        AuditEvent.objects.bulk_update([event], ["verb"])
    assert AuditEvent.objects.get(pk=event.pk).verb == "viewed"


def test_events_cannot_be_deleted_in_bulk(event):
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.count() == 1


def test_deleting_the_actor_does_not_take_their_events_with_them(world, event):
    with pytest.raises(ProtectedError):
        world.people["partnership_manager"].delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


# The partnership's audit log


def test_manager_reads_the_partnership_log(client, world):
    manager = world.people["partnership_manager"]
    partnership_services.group_create(
        actor=manager, partnership=world.a, name="Hate Crime Group", kind="board"
    )
    partnership_services.action_update(
        actor=manager, action=world.records["a"]["action"], values={"status": "done", "due_on": None}
    )
    partnership_services.group_create(
        actor=world.people["other_manager"], partnership=world.b, name="Beta Only Group", kind="board"
    )
    client.force_login(manager)
    response = client.get("/p/alpha/audit/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Group Hate Crime Group" in page
    assert "Updated: status" in page
    assert "Alpha Partnership manager" in page
    assert "Beta Only Group" not in page


def test_an_empty_log_says_so(client, world):
    client.force_login(world.people["partnership_manager"])
    assert "Nothing recorded yet" in client.get("/p/alpha/audit/").content.decode()


def test_a_board_member_is_refused_the_log_and_it_is_recorded(client, world):
    client.force_login(world.people["board_member"])
    assert client.get("/p/alpha/audit/").status_code == 403
    refusal = AuditEvent.objects.get(verb="refused")
    assert (refusal.actor, refusal.partnership) == (world.people["board_member"], world.a)
    assert refusal.context == {"permission": "audit.view_audit"}


def test_another_partnerships_log_is_not_found(client, world):
    client.force_login(world.people["other_manager"])
    assert client.get("/p/alpha/audit/").status_code == 404
    assert not AuditEvent.objects.filter(verb="refused").exists()


def test_the_log_shows_what_people_typed_as_text(client, world):
    manager = world.people["partnership_manager"]
    partnership_services.group_create(actor=manager, partnership=world.a, name=SCRIPT, kind="board")
    client.force_login(manager)
    page = client.get("/p/alpha/audit/").content.decode()
    assert SCRIPT not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_log_is_paged(client, world):
    manager = world.people["partnership_manager"]
    plan = world.records["a"]["plan"]
    for _ in range(51):
        audit_event_record(actor=manager, verb=AuditVerb.VIEWED, target=plan)
    client.force_login(manager)
    assert "?page=2" in client.get("/p/alpha/audit/").content.decode()
    assert client.get("/p/alpha/audit/?page=2").status_code == 200


# The history of one record


def test_priority_history_shows_changes_events_and_viewers(client, world):
    manager = world.people["partnership_manager"]
    priority = world.records["a"]["priority"]
    client.force_login(manager)
    client.post(
        f"/p/alpha/plans/{priority.plan.public_id}/priorities/{priority.public_id}/edit/",
        {
            "title": "Retail Crime",
            "description": "Shops and markets",
            "lead_user": world.people["theme_lead"].pk,
            "lead_organisation": priority.lead_organisation.pk,
            "deliverables": "Target repeat shoplifting offenders",
        },
    )
    client.force_login(world.people["board_member"])
    assert (
        client.get(f"/p/alpha/plans/{priority.plan.public_id}/priorities/{priority.public_id}/").status_code
        == 200
    )

    client.force_login(manager)
    response = client.get(history_url("priority", priority))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Title" in page
    assert "from “Business Crime” to “Retail Crime”" in page
    assert "from “What the partnership will do.” to “Shops and markets”" in page
    assert "Updated: title, description" in page
    assert "Alpha Partnership manager" in page
    viewers = page.split("Who viewed it", 1)[1]
    assert "Alpha Board member or scrutiny councillor (read only)" in viewers
    assert "No one yet" not in viewers


def test_a_record_nobody_viewed_says_so(client, world):
    client.force_login(world.people["partnership_manager"])
    page = client.get(history_url("group", world.records["a"]["group"])).content.decode()
    assert "Executive Board" in page
    assert "No one yet" in page


def test_plan_history_records_each_version(client, world):
    manager = world.people["partnership_manager"]
    plan = world.records["a"]["plan"]
    plan_services.plan_update(actor=manager, plan=plan, values={"vision": "Safe at night"})
    client.force_login(manager)
    page = client.get(history_url("plan", plan)).content.decode()
    assert "from “A safer city for everyone.” to “Safe at night”" in page
    assert "Created" in page


def test_an_unknown_kind_of_record_is_not_found(client, world):
    client.force_login(world.people["partnership_manager"])
    assert client.get(f"/p/alpha/history/widget/{world.records['a']['plan'].public_id}/").status_code == 404
    assert client.get(f"/p/alpha/history/user/{world.people['analyst'].public_id}/").status_code == 404


def test_an_unknown_record_is_not_found(client, world):
    client.force_login(world.people["partnership_manager"])
    assert client.get(f"/p/alpha/history/priority/{uuid.uuid4()}/").status_code == 404


def test_another_partnerships_record_is_not_found_under_yours(client, world):
    client.force_login(world.people["partnership_manager"])
    for kind in ["priority", "plan", "group", "action", "theme", "membership"]:
        assert client.get(history_url(kind, world.records["b"][kind])).status_code == 404, kind
    assert client.get(history_url("partnership", world.b)).status_code == 404


def test_another_partnerships_manager_cannot_read_the_history(client, world):
    client.force_login(world.people["other_manager"])
    assert client.get(history_url("priority", world.records["a"]["priority"])).status_code == 404
    assert client.get(history_url("priority", world.records["a"]["priority"], slug="beta")).status_code == 404


def test_a_board_member_is_refused_the_history(client, world):
    client.force_login(world.people["board_member"])
    assert client.get(history_url("priority", world.records["a"]["priority"])).status_code == 403
    assert AuditEvent.objects.filter(verb="refused", actor=world.people["board_member"]).count() == 1


def test_history_names_linked_records_and_choices(client, world):
    manager = world.people["partnership_manager"]
    priority = world.records["a"]["priority"]
    plan_services.priority_update(
        actor=manager, priority=priority, values={"lead_user": world.people["analyst"]}
    )
    action = world.records["a"]["action"]
    partnership_services.action_update(actor=manager, action=action, values={"status": "in_progress"})
    client.force_login(manager)
    page = client.get(history_url("priority", priority)).content.decode()
    assert "from “Alpha Theme lead” to “Alpha Analyst”" in page
    page = client.get(history_url("action", action)).content.decode()
    assert "from “Open” to “In progress”" in page


def _edit_priority(client, priority, **changes):
    data = {
        "title": priority.title,
        "description": priority.description,
        "lead_user": priority.lead_user.pk if priority.lead_user else "",
        "lead_organisation": priority.lead_organisation.pk if priority.lead_organisation else "",
        "deliverables": "\n".join(d.text for d in priority.deliverables.all()),
    }
    return client.post(
        f"/p/alpha/plans/{priority.plan.public_id}/priorities/{priority.public_id}/edit/", {**data, **changes}
    )


def test_saving_a_priority_unchanged_from_a_browser_records_no_change(client, world):
    """A browser sends a text box's line breaks as CRLF: that is not a change anyone made."""
    manager = world.people["partnership_manager"]
    priority = world.records["a"]["priority"]
    plan_services.priority_update(
        actor=manager,
        priority=priority,
        values={"description": "Shops and markets.\n\nNight-time economy."},
        deliverables=["Target repeat shoplifting offenders", "Shopwatch radios"],
    )
    versions = priority.history.count()
    client.force_login(manager)
    response = _edit_priority(
        client,
        priority,
        description="Shops and markets.\r\n\r\nNight-time economy.",
        deliverables="Target repeat shoplifting offenders\r\nShopwatch radios\r\n",
    )
    assert response.status_code == 302
    assert priority.history.count() == versions
    assert AuditEvent.objects.filter(verb="updated", target_id=str(priority.public_id)).count() == 1
    changes = client.get(history_url("priority", priority)).content.decode().split("Actions recorded")[0]
    assert changes.count("Description") == 1  # the real change above, not a second one from the browser


def test_priority_history_shows_deliverables_added_reworded_and_removed(client, world):
    manager = world.people["partnership_manager"]
    priority = world.records["a"]["priority"]
    client.force_login(manager)
    _edit_priority(client, priority, deliverables="Target repeat shoplifting offenders\nShopwatch radios")
    _edit_priority(client, priority, deliverables="Target prolific shoplifting offenders\nShopwatch radios")
    _edit_priority(client, priority, deliverables="Target prolific shoplifting offenders")
    changes = client.get(history_url("priority", priority)).content.decode().split("Actions recorded")[0]
    assert "Deliverable added" in changes
    assert "“Shopwatch radios”" in changes
    assert "from “Target repeat shoplifting offenders” to “Target prolific shoplifting offenders”" in changes
    assert "Deliverable removed" in changes
    assert changes.index("Deliverable removed") < changes.index("Deliverable added")  # newest first
