"""JAG problem places: adding and changing a place, its area's checks, the incidents around it and who sees
what of them, its actions on the JAG's action log, and who may do what."""

import datetime as dt
import json
import re

import pytest
import time_machine
from django import forms
from django.utils import timezone

from saferhub.asb.forms.places import polygon_parse
from saferhub.asb.models import IncidentCategory, PlaceAction, ProblemPlace
from saferhub.asb.tests.factories import CaseFactory, IncidentFactory, ProblemPlaceFactory
from saferhub.audit.models import AuditEvent, AuditVerb
from saferhub.partnerships.models import ActionStatus, GroupKind, Organisation, Role
from saferhub.partnerships.selectors import actions_of
from saferhub.partnerships.tests.factories import GroupFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

CLOCK_TOWER = (52.6354, -1.1334)
# A square of about 220 m by 220 m around the clock tower, longitude first as GeoJSON has it.
SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[-1.135, 52.6344], [-1.1318, 52.6344], [-1.1318, 52.6364], [-1.135, 52.6364], [-1.135, 52.6344]]
    ],
}


def _form(**changes):
    return {
        "name": "Clock Tower",
        "kind": "hotspot",
        "latitude": str(CLOCK_TOWER[0]),
        "longitude": str(CLOCK_TOWER[1]),
        "radius_metres": "250",
        "area": "",
        "scanning": "Street drinking and fights after 10pm",
        "analysis": "",
        "response": "",
        "assessment": "",
        "response_started_on": "",
        "status": "open",
        **changes,
    }


def _place(world, **values):
    jag = GroupFactory(partnership=world.a, kind=GroupKind.JAG, name="City Centre JAG")
    return ProblemPlaceFactory(partnership=world.a, group=jag, **values)


def _url(place, page="", **kwargs):
    return f"/p/alpha/asb/places/{place.public_id}/{page}"


# --- Adding and changing a place -----------------------------------------------------------------------


def test_a_case_officer_adds_a_place_with_its_jag_and_it_is_audited(world, sign_in):
    jag = GroupFactory(partnership=world.a, kind=GroupKind.JAG, name="City Centre JAG")
    GroupFactory(partnership=world.a, kind=GroupKind.BOARD, name="Not a JAG")
    client = sign_in("case_officer")

    page = client.get("/p/alpha/asb/places/new/")
    assert "City Centre JAG" in page.text and "Not a JAG" not in page.text

    response = client.post("/p/alpha/asb/places/new/", _form(group=str(jag.pk)))
    place = ProblemPlace.objects.get(partnership=world.a)
    assert response.status_code == 302 and response["Location"] == _url(place)
    assert (place.group, place.radius_metres, place.scanning) == (
        jag,
        250,
        "Street drinking and fights after 10pm",
    )
    assert AuditEvent.objects.filter(verb=AuditVerb.CREATED, target_id=str(place.public_id)).exists()

    listing = client.get("/p/alpha/asb/places/").text
    assert "Clock Tower" in listing and "City Centre JAG" in listing and "Add a place" in listing


def test_changing_a_place_is_audited_with_the_fields_changed(world, sign_in):
    place = _place(world, name="Clock Tower")
    response = sign_in("case_officer").post(
        _url(place, "edit/"),
        _form(group=str(place.group_id), response_started_on="2026-03-02", status="closed"),
    )
    assert response.status_code == 302
    place.refresh_from_db()
    assert place.response_started_on == dt.date(2026, 3, 2) and place.status == "closed"
    event = AuditEvent.objects.get(verb=AuditVerb.UPDATED, target_id=str(place.public_id))
    assert set(event.context["fields"]) >= {"response_started_on", "status"}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"latitude": "48.85", "longitude": "2.35"}, "Enter a latitude in the UK"),
        (
            {"latitude": "", "longitude": ""},
            "Enter the latitude and longitude of the place, or paste its area",
        ),
        ({"radius_metres": "10"}, "Enter a radius of at least 25 metres"),
        ({"radius_metres": "5000"}, "Enter a radius of at most 2,000 metres"),
        ({"area": "{not json"}, "The area is not GeoJSON: the text is not valid JSON"),
        (
            {"area": '{"type": "LineString", "coordinates": []}'},
            "The area must be a GeoJSON Polygon, not a LineString",
        ),
        ({"response_started_on": "2026-02-30"}, "Enter a real date for when the response started"),
    ],
)
def test_a_wrong_place_is_refused_with_a_specific_error(world, sign_in, changes, message):
    response = sign_in("case_officer").post("/p/alpha/asb/places/new/", _form(**changes))
    assert response.status_code == 400
    assert "There is a problem" in response.text and message in response.text
    assert not ProblemPlace.objects.exists()


def test_the_same_name_twice_is_refused(world, sign_in):
    _place(world, name="Clock Tower")
    response = sign_in("case_officer").post("/p/alpha/asb/places/new/", _form(name="clock tower"))
    assert response.status_code == 400 and "There is already a place with this name" in response.text


@pytest.mark.parametrize(
    ("area", "message"),
    [
        (
            {"type": "Polygon", "coordinates": [[[-1.13, 52.63], [-1.12, 52.63], [-1.13, 52.63]]]},
            "at least 4 positions",
        ),
        (
            {
                "type": "Polygon",
                "coordinates": [[[-1.13, 52.63], [-1.12, 52.63], [-1.12, 52.64], [-1.13, 52.64]]],
            },
            "must end at the position it starts from",
        ),
        (
            {
                "type": "Polygon",
                "coordinates": [[[52.63, -1.13], [52.63, -1.12], [52.64, -1.12], [52.63, -1.13]]],
            },
            "has a point outside the UK (52.63, -1.13): give longitude first",
        ),
        (
            {
                "type": "Polygon",
                "coordinates": [
                    [[-1.13, 52.63], [-1.12, 52.64], [-1.12, 52.63], [-1.13, 52.64], [-1.13, 52.63]]
                ],
            },
            "crosses itself",
        ),
        (
            {"type": "Polygon", "coordinates": [[["a", 52.63]] * 4]},
            "must be [longitude, latitude] in numbers",
        ),
        ({"type": "MultiPolygon", "coordinates": []}, "not a MultiPolygon"),
    ],
)
def test_a_broken_polygon_is_refused_saying_what_is_wrong(area, message):
    with pytest.raises(forms.ValidationError, match=re.escape(message)):
        polygon_parse(json.dumps(area))


def test_an_area_pasted_as_a_feature_is_kept_and_its_centre_is_the_point(world, sign_in):
    feature = {"type": "Feature", "properties": {}, "geometry": SQUARE}
    response = sign_in("case_officer").post(
        "/p/alpha/asb/places/new/", _form(latitude="", longitude="", area=json.dumps(feature))
    )
    assert response.status_code == 302
    place = ProblemPlace.objects.get()
    assert place.area == SQUARE
    assert place.latitude == pytest.approx(52.6354) and place.longitude == pytest.approx(-1.1334)
    edit = sign_in("case_officer").get(_url(place, "edit/"))
    assert edit.status_code == 200 and "[-1.135, 52.6344]" in edit.text


# --- The incidents around it ---------------------------------------------------------------------------


def _incidents_at_the_clock_tower(world):
    council = Organisation.objects.get(name="Alpha City Council")
    case = CaseFactory(partnership=world.a, lead_organisation=council, reference="ASB-2026-00077")
    now = timezone.now()
    IncidentFactory(
        case=case,
        latitude=52.6356,
        longitude=-1.1330,
        category=IncidentCategory.NUISANCE,
        occurred_at=now,
        description="Val Victim's door kicked in by Percy",
    )
    IncidentFactory(
        case=case, latitude=52.6350, longitude=-1.1340, category=IncidentCategory.PERSONAL, occurred_at=now
    )
    # 1.1 km away: not at the place.
    IncidentFactory(case=case, latitude=52.6450, longitude=-1.1334, occurred_at=now)
    return case


def test_someone_without_a_case_role_sees_only_counts_by_month_and_category(world, sign_in):
    place = _place(world)
    _incidents_at_the_clock_tower(world)
    page = sign_in("board_member").get(_url(place))
    assert page.status_code == 200
    assert "2 incidents recorded in the partnership" in page.text
    assert 'data-testid="incident-counts"' in page.text
    assert "ASB-2026-00077" not in page.text
    assert "Val Victim" not in page.text and "kicked in" not in page.text
    assert 'data-testid="incidents"' not in page.text


def test_a_case_worker_sees_the_incidents_on_cases_they_can_see_but_no_personal_details(
    world, sign_in, client
):
    place = _place(world)
    case = _incidents_at_the_clock_tower(world)
    page = sign_in("case_officer").get(_url(place))
    assert 'data-testid="incidents"' in page.text
    assert page.text.count(f"/p/alpha/asb/cases/{case.public_id}/") == 2
    assert "kicked in" not in page.text and "Val Victim" not in page.text

    # A case officer of the police, whose organisation is not on the council's case, sees only the counts.
    police_officer = UserFactory(email="officer@police.example")
    MembershipFactory(
        user=police_officer,
        partnership=world.a,
        organisation=Organisation.objects.get(name="Shire Police"),
        role=Role.CASE_OFFICER,
    )
    client.force_login(police_officer)
    page = client.get(_url(place))
    assert "2 incidents recorded" in page.text
    assert "ASB-2026-00077" not in page.text
    assert "None of these incidents is on a case you can see." in page.text


def test_a_polygon_counts_the_incidents_inside_it_only(world, sign_in):
    place = _place(world, area=SQUARE, radius_metres=2000)
    _incidents_at_the_clock_tower(world)
    page = sign_in("board_member").get(_url(place))
    assert "2 incidents recorded in the partnership with a point within the area drawn" in page.text


# --- Actions on the JAG's action log -------------------------------------------------------------------


def test_an_action_goes_on_the_jags_action_log_and_shows_on_the_place(world, sign_in):
    place = _place(world)
    meeting = place.group.meetings.create(title="JAG, March", held_on=dt.date(2026, 3, 10))
    owner = world.people["analyst"]
    response = sign_in("case_officer").post(
        _url(place, "actions/new/"),
        {
            "description": "Dispersal patrols on Friday nights",
            "owner": str(owner.pk),
            "owner_organisation": str(Organisation.objects.get(name="Shire Police").pk),
            "due_on": "2030-04-30",
            "meeting": str(meeting.pk),
        },
    )
    assert response.status_code == 302 and response["Location"] == _url(place)
    (action,) = actions_of(place.group)
    assert (action.description, action.owner, action.due_on, action.meeting) == (
        "Dispersal patrols on Friday nights",
        owner,
        dt.date(2030, 4, 30),
        meeting,
    )
    assert PlaceAction.objects.get(place=place).action == action
    assert AuditEvent.objects.filter(verb=AuditVerb.CREATED, target_id=str(action.public_id)).exists()

    page = sign_in("board_member").get(_url(place)).text
    assert (
        "Dispersal patrols on Friday nights" in page and owner.full_name in page and "30 April 2030" in page
    )
    assert "Agreed at JAG, March" in page and "Overdue" not in page
    assert "Add an action" not in page


def test_an_owner_or_meeting_from_elsewhere_is_refused(world, sign_in):
    place = _place(world)
    other_meeting = world.records["a"]["group"].meetings.create(title="Board", held_on=dt.date(2026, 3, 1))
    response = sign_in("case_officer").post(
        _url(place, "actions/new/"),
        {
            "description": "Patrols",
            "owner": str(world.people["other_manager"].pk),
            "due_on": "2030-04-30",
            "meeting": str(other_meeting.pk),
        },
    )
    assert response.status_code == 400
    assert "Select a person in the partnership" in response.text
    assert "Select one of the JAG’s meetings" in response.text
    assert not PlaceAction.objects.exists()


def test_a_place_without_a_jag_asks_for_one_before_an_action(world, sign_in):
    place = ProblemPlaceFactory(partnership=world.a)
    page = sign_in("case_officer").get(_url(place, "actions/new/"))
    assert page.status_code == 200 and "Give the place to a JAG first" in page.text


@time_machine.travel(dt.datetime(2026, 5, 1, 9, tzinfo=dt.UTC), tick=False)
def test_an_open_action_past_its_due_date_is_overdue_and_a_done_one_is_not(world, sign_in):
    place = _place(world)
    for description, due_on, status in (
        ("Due yesterday", dt.date(2026, 4, 30), ActionStatus.OPEN),
        ("Due today", dt.date(2026, 5, 1), ActionStatus.IN_PROGRESS),
        ("Done late", dt.date(2026, 4, 1), ActionStatus.DONE),
    ):
        action = place.group.actions.create(description=description, due_on=due_on, status=status)
        PlaceAction.objects.create(place=place, action=action)
    page = sign_in("board_member").get(_url(place)).text
    rows = page.split('data-testid="actions"')[1].split("</table>")[0].split("<tr")
    overdue = {row.split("</td>")[0].split(">")[-1] for row in rows if "Overdue" in row}
    assert overdue == {"Due yesterday"}
    listing = sign_in("board_member").get("/p/alpha/asb/places/").text
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">2</td>' in listing


# --- Who may do what -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "page", "status"),
    [
        ("board_member", "", 200),
        ("board_member", "edit/", 403),
        ("board_member", "actions/new/", 403),
        ("analyst", "edit/", 403),
        ("case_officer", "edit/", 200),
        ("partnership_manager", "actions/new/", 200),
        ("county_manager", "", 200),
        ("county_manager", "edit/", 403),
        ("other_manager", "", 404),
        ("nobody", "", 404),
    ],
)
def test_who_may_read_and_change_a_place(world, sign_in, who, page, status):
    place = _place(world)
    assert sign_in(who).get(_url(place, page)).status_code == status


def test_another_partnerships_place_does_not_exist_here(world, sign_in):
    theirs = ProblemPlaceFactory(partnership=world.b, name="Their place")
    assert sign_in("partnership_manager").get(_url(theirs)).status_code == 404
    assert sign_in("partnership_manager").get(_url(theirs, "edit/")).status_code == 404


def test_a_refusal_is_audited_and_the_add_button_is_not_offered(world, sign_in):
    client = sign_in("board_member")
    assert client.get("/p/alpha/asb/places/new/").status_code == 403
    assert AuditEvent.objects.filter(verb=AuditVerb.REFUSED, actor=world.people["board_member"]).exists()
    assert "Add a place" not in client.get("/p/alpha/asb/places/").text
