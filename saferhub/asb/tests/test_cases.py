"""The case pages: the list and its filters, opening a case (offered the likely existing ones first), the
case page, incidents and parties (offered likely duplicates), and the lead's close, reopen, merge and link."""

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from saferhub.asb.access import CaseAccess, access_to
from saferhub.asb.models import Case, CaseLink, CaseParty, CaseStatus, Incident, Party, PartyRole, RiskLevel
from saferhub.asb.selectors.cases import timeline
from saferhub.asb.tests.case_scene import Scene, scene_build
from saferhub.asb.tests.factories import CaseFactory, IncidentFactory, PartyFactory
from saferhub.audit.models import AuditEvent, AuditVerb

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(world: Any) -> Scene:
    return scene_build(world)


@pytest.fixture
def officer(sign_in: Any) -> Any:
    return sign_in("case_officer")


def case_form(scene: Scene, **changes: Any) -> dict[str, Any]:
    return {
        "summary": "Drug dealing from a garage",
        "lead_organisation": str(scene.council.public_id),
        "lead_officer": "",
        "opened_on": timezone.localdate().isoformat(),
        "address": "",
        "postcode": "LE2 7AB",
        **changes,
    }


def incident_form(scene: Scene, **changes: Any) -> dict[str, Any]:
    return {
        "occurred_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
        "occurred_time": "23:30",
        "reported_on": timezone.localdate().isoformat(),
        "reporting_organisation": str(scene.police.public_id),
        "reference": "POL-2",
        "category": "nuisance",
        "description": "Shouting in the stairwell.",
        "confirmed": "on",
        **changes,
    }


def errors_of(page: Any) -> str:
    assert page.status_code == 400
    text: str = page.content.decode()
    assert "There is a problem" in text
    return text


# --- The list ---------------------------------------------------------------------------------------------


def test_the_list_shows_newest_first_and_filters(officer: Any, world: Any, scene: Scene) -> None:
    older = CaseFactory(
        partnership=world.a,
        lead_organisation=scene.council,
        opened_on=timezone.localdate() - dt.timedelta(days=30),
        status=CaseStatus.CLOSED,
        risk_level=RiskLevel.HIGH,
    )
    text = officer.get("/p/alpha/asb/cases/").content.decode()
    assert text.index(scene.case.reference) < text.index(older.reference)
    assert "Open a case" in text
    closed = officer.get("/p/alpha/asb/cases/?status=closed").content.decode()
    assert older.reference in closed and scene.case.reference not in closed
    high = officer.get("/p/alpha/asb/cases/?risk=high").content.decode()
    assert older.reference in high and scene.case.reference not in high
    mine = officer.get("/p/alpha/asb/cases/?mine=on").content.decode()
    assert scene.case.reference in mine and older.reference not in mine


def test_the_list_pages(officer: Any, world: Any, scene: Scene) -> None:
    CaseFactory.create_batch(25, partnership=world.a, lead_organisation=scene.council)
    first = officer.get("/p/alpha/asb/cases/?status=open").content.decode()
    assert "26 cases" in first and "page=2" in first and "status=open" in first
    assert officer.get("/p/alpha/asb/cases/?status=open&page=2").status_code == 200


# --- Opening a case ---------------------------------------------------------------------------------------


def test_opening_a_case(officer: Any, world: Any, scene: Scene) -> None:
    page = officer.post(
        "/p/alpha/asb/cases/new/",
        case_form(scene, lead_officer=str(world.people["case_officer"].pk)),
    )
    case = Case.objects.get(summary="Drug dealing from a garage")
    assert page.status_code == 302 and page["Location"].endswith(f"/cases/{case.public_id}/")
    assert (case.lead_officer, case.postcode, case.status) == (
        world.people["case_officer"],
        "LE2 7AB",
        "open",
    )
    assert AuditEvent.objects.filter(verb=AuditVerb.CREATED, target_id=str(case.public_id)).exists()


def test_likely_existing_cases_are_offered_first(officer: Any, scene: Scene) -> None:
    page = officer.post("/p/alpha/asb/cases/new/", case_form(scene, postcode="le1 4fp"))
    text = page.content.decode()
    assert page.status_code == 200
    assert scene.case.reference in text and "same postcode" in text
    assert "Open a new case anyway" in text and 'name="confirmed" value="on"' in text
    assert not Case.objects.filter(summary="Drug dealing from a garage").exists()
    officer.post("/p/alpha/asb/cases/new/", case_form(scene, postcode="LE1 4FP", confirmed="on"))
    assert Case.objects.filter(summary="Drug dealing from a garage").exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"summary": ""}, "Enter a summary of the case"),
        ({"postcode": ""}, "Enter an address, a postcode, or a latitude and longitude"),
        ({"postcode": "nowhere"}, "Enter a real postcode, like LE1 5FQ"),
        ({"postcode": "", "latitude": "52.6"}, "Enter the longitude too: a point needs both"),
        ({"opened_on": "2099-01-01"}, "The date the case was opened must be today or in the past"),
        ({"opened_on": "0001-01-01"}, "Enter a date between 1900 and 2100"),
    ],
)
def test_a_case_form_says_what_is_wrong(officer: Any, scene: Scene, changes: Any, message: str) -> None:
    assert message in errors_of(officer.post("/p/alpha/asb/cases/new/", case_form(scene, **changes)))


def test_a_lead_officer_must_work_for_the_lead_organisation(client: Any, world: Any, scene: Scene) -> None:
    client.force_login(world.people["case_officer"])
    text = errors_of(
        client.post("/p/alpha/asb/cases/new/", case_form(scene, lead_officer=str(scene.police_officer.pk)))
    )
    assert "Select a person who works cases for the lead organisation" in text


def test_a_case_is_opened_only_for_ones_own_organisation(officer: Any, scene: Scene) -> None:
    text = errors_of(
        officer.post(
            "/p/alpha/asb/cases/new/", case_form(scene, lead_organisation=str(scene.police.public_id))
        )
    )
    assert "Select one of the organisations you work cases for" in text


# --- The case page ----------------------------------------------------------------------------------------


def test_the_case_page_shows_its_parts(officer: Any, scene: Scene) -> None:
    text = officer.get(scene.url()).content.decode()
    for expected in (scene.case.reference, "Valerie Victim", "Percy Perpetrator", "Shire Police", "Timeline"):
        assert expected in text
    for name in ("asb:case-close", "asb:case-merge", "asb:case-link", "asb:case-edit", "asb:organisations"):
        assert scene.url(name) in text


def test_a_partner_is_not_shown_the_leads_buttons(client: Any, scene: Scene) -> None:
    client.force_login(scene.police_officer)
    text = client.get(scene.url()).content.decode()
    assert scene.url("asb:case-close") not in text and scene.url("asb:organisations") not in text
    assert scene.url("asb:incident-new") in text


def test_typed_text_is_escaped(officer: Any, scene: Scene) -> None:
    Case.objects.filter(pk=scene.case.pk).update(summary="<script>alert(1)</script>")
    text = officer.get(scene.url()).content.decode()
    assert "<script>alert(1)</script>" not in text and "&lt;script&gt;" in text


def access_of(user: Any, scene: Scene) -> CaseAccess:
    access = access_to(user, scene.case)
    assert access is not None
    return access


def test_the_timeline_is_newest_first(scene: Scene, world: Any) -> None:
    with time_machine.travel(timezone.now() + dt.timedelta(days=1), tick=False):
        later = IncidentFactory(case=scene.case, occurred_at=timezone.now(), reference="LATE")
    entries = timeline(scene.case, access_of(world.people["case_officer"], scene))
    moments = [entry.at for entry in entries]
    assert moments == sorted(moments, reverse=True)
    assert "reference LATE" in entries[0].detail
    assert later.reference == "LATE"
    titles = [entry.title for entry in entries]
    assert "Shire Police invited" in titles and "Valerie Victim added as victim" in titles


def test_the_timeline_leaves_out_what_a_partner_does_not_see(world: Any) -> None:
    scene = scene_build(world, items=["incidents"])
    titles = [entry.title for entry in timeline(scene.case, access_of(scene.police_officer, scene))]
    assert not any("Valerie" in title or "Percy" in title for title in titles)


# --- Incidents --------------------------------------------------------------------------------------------


def test_adding_an_incident(officer: Any, scene: Scene) -> None:
    form = incident_form(scene, victim=str(scene.victim.public_id))
    page = officer.post(scene.url("asb:incident-new"), form)
    assert page.status_code == 302
    incident = Incident.objects.get(reference="POL-2")
    assert (incident.case, incident.victim, incident.postcode) == (scene.case, scene.victim.party, "LE1 4FP")
    assert timezone.localtime(incident.occurred_at).hour == 23


def test_an_incident_reference_already_held_is_refused(officer: Any, scene: Scene) -> None:
    before = Incident.objects.count()
    form = incident_form(scene, reference="POL-1", reporting_organisation=str(scene.council.public_id))
    text = errors_of(officer.post(scene.url("asb:incident-new"), form))
    assert "Alpha City Council&#39;s reference POL-1 is already held" in text
    assert Incident.objects.count() == before


def test_likely_duplicate_incidents_are_offered_first(officer: Any, scene: Scene) -> None:
    form = incident_form(scene, reference="POL-1", reporting_organisation=str(scene.council.public_id))
    del form["confirmed"]
    page = officer.post(scene.url("asb:incident-new"), form)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Incidents that may be the same" in text and "same reporting organisation and reference" in text


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"hate_motivated": "on"}, "Select the hate strand: the behaviour is hate-motivated"),
        ({"occurred_time": "25:00"}, "Enter a real time, like 23:30"),
        ({"description": ""}, "Describe what happened"),
        ({"reported_on": "2000-01-01"}, "The date reported must be on or after the date it happened"),
        ({"victim": str(CaseParty().public_id)}, "Select one of the case&#39;s victims"),
    ],
)
def test_an_incident_form_says_what_is_wrong(officer: Any, scene: Scene, changes: Any, message: str) -> None:
    assert message in errors_of(officer.post(scene.url("asb:incident-new"), incident_form(scene, **changes)))


def test_a_hate_motivated_incident_keeps_its_strand(officer: Any, scene: Scene) -> None:
    officer.post(scene.url("asb:incident-new"), incident_form(scene, hate_motivated="on", hate_strand="race"))
    assert Incident.objects.get(reference="POL-2").hate_strand == "race"


# --- Parties ----------------------------------------------------------------------------------------------


def party_form(**changes: Any) -> dict[str, Any]:
    return {"role": "witness", "kind": "person", "name": "Wendy Witness", "date_of_birth": "", **changes}


def test_adding_a_new_party(officer: Any, scene: Scene) -> None:
    page = officer.post(scene.url("asb:party-new"), party_form())
    assert page.status_code == 302
    assert CaseParty.objects.get(case=scene.case, party__name="Wendy Witness").role == PartyRole.WITNESS


def test_a_known_party_is_offered_and_can_be_picked(officer: Any, world: Any, scene: Scene) -> None:
    form = party_form(name="Valery Victim", date_of_birth="1990-05-17")
    page = officer.post(scene.url("asb:party-new"), form)
    text = page.content.decode()
    assert page.status_code == 200 and "Is it one of these?" in text and "Valerie Victim" in text
    assert not Party.objects.filter(name="Valery Victim").exists()
    officer.post(scene.url("asb:party-new"), {**form, "existing": str(scene.victim.party.public_id)})
    assert CaseParty.objects.get(case=scene.case, role=PartyRole.WITNESS).party == scene.victim.party


def test_a_party_not_among_the_matches_cannot_be_picked(officer: Any, world: Any, scene: Scene) -> None:
    stranger = PartyFactory(partnership=world.b, name="Valerie Victim", date_of_birth=dt.date(1990, 5, 17))
    form = party_form(name="Valerie Victim", date_of_birth="1990-05-17", existing=str(stranger.public_id))
    text = errors_of(officer.post(scene.url("asb:party-new"), form))
    assert "Select one of the parties listed, or add a new one" in text
    assert not CaseParty.objects.filter(case=scene.case, role=PartyRole.WITNESS).exists()


def test_a_new_one_is_added_when_none_of_the_matches_is_it(officer: Any, scene: Scene) -> None:
    form = party_form(name="Valerie Victim", date_of_birth="1990-05-17", existing="new")
    assert officer.post(scene.url("asb:party-new"), form).status_code == 302
    assert Party.objects.filter(name="Valerie Victim").count() == 2


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "Enter the name"),
        ({"date_of_birth": "2099-01-01"}, "The date of birth must be today or in the past"),
        ({"date_of_birth": "0001-01-01"}, "Enter a date between 1900 and 2100"),
        ({"role": ""}, "Select the party&#39;s role on the case"),
    ],
)
def test_a_party_form_says_what_is_wrong(officer: Any, scene: Scene, changes: Any, message: str) -> None:
    assert message in errors_of(officer.post(scene.url("asb:party-new"), party_form(**changes)))


def test_the_same_party_twice_in_one_role_is_refused(officer: Any, scene: Scene) -> None:
    form = party_form(role="victim", name="Valerie Victim", existing=str(scene.victim.party.public_id))
    text = errors_of(officer.post(scene.url("asb:party-new"), form))
    assert "Valerie Victim is already on case" in text


# --- Close, reopen, merge, link, edit ---------------------------------------------------------------------


def test_closing_and_reopening(officer: Any, scene: Scene) -> None:
    assert "Say why the case is closed" in errors_of(
        officer.post(scene.url("asb:case-close"), {"comment": ""})
    )
    officer.post(scene.url("asb:case-close"), {"comment": "Perpetrator moved away"})
    scene.case.refresh_from_db()
    assert scene.case.status == CaseStatus.CLOSED
    assert scene.url("asb:case-reopen") in officer.get(scene.url()).content.decode()
    officer.post(scene.url("asb:case-reopen"), {"comment": "Back again"})
    scene.case.refresh_from_db()
    assert scene.case.status == CaseStatus.OPEN


def test_merging_moves_incidents_and_parties(officer: Any, world: Any, scene: Scene) -> None:
    target = CaseFactory(partnership=world.a, lead_organisation=scene.council)
    page = officer.post(scene.url("asb:case-merge"), {"reference": target.reference, "reason": "Same flat"})
    assert page.status_code == 302 and str(target.public_id) in page["Location"]
    scene.case.refresh_from_db()
    assert (scene.case.status, scene.case.merged_into) == (CaseStatus.MERGED, target)
    assert Incident.objects.get(pk=scene.incident.pk).case == target
    assert set(CaseParty.objects.filter(case=target).values_list("party__name", flat=True)) == {
        "Valerie Victim",
        "Percy Perpetrator",
    }
    recorded = AuditEvent.objects.get(target_id=str(target.public_id), verb=AuditVerb.UPDATED)
    assert recorded.context["merged_from"] == scene.case.reference
    assert "Merged into" in officer.get(scene.url()).content.decode()


def test_merging_into_an_invisible_or_same_case_is_refused(officer: Any, world: Any, scene: Scene) -> None:
    theirs = CaseFactory(partnership=world.b, lead_organisation=scene.council)
    text = errors_of(
        officer.post(scene.url("asb:case-merge"), {"reference": theirs.reference, "reason": "x"})
    )
    assert f"There is no case {theirs.reference} that you can see" in text
    text = errors_of(
        officer.post(scene.url("asb:case-merge"), {"reference": scene.case.reference, "reason": "x"})
    )
    assert "cannot be merged into itself" in text
    assert Case.objects.get(pk=scene.case.pk).status == CaseStatus.OPEN


def test_linking_shows_on_both(officer: Any, world: Any, scene: Scene) -> None:
    other = CaseFactory(partnership=world.a, lead_organisation=scene.council)
    officer.post(scene.url("asb:case-link"), {"reference": other.reference.lower(), "reason": "Same family"})
    assert CaseLink.objects.filter(case=scene.case, other=other).exists()
    assert "Same family" in officer.get(scene.url(case=other)).content.decode()
    assert other.reference in officer.get(scene.url()).content.decode()
    text = errors_of(officer.post(scene.url("asb:case-link"), {"reference": other.reference, "reason": "x"}))
    assert "is linked to" in text and "already" in text


def test_editing_a_case(officer: Any, world: Any, scene: Scene) -> None:
    page = officer.post(
        scene.url("asb:case-edit"),
        {
            "summary": "Noise at night",
            "lead_officer": str(world.people["partnership_manager"].pk),
            "postcode": "LE1 5FQ",
        },
    )
    assert page.status_code == 302
    scene.case.refresh_from_db()
    assert (scene.case.summary, scene.case.lead_officer, scene.case.postcode) == (
        "Noise at night",
        world.people["partnership_manager"],
        "LE1 5FQ",
    )
