"""The open data of what a partnership funded, as anyone reuses it without signing in: only funded projects,
no personal data, the Open Government Licence, and answers a cache can keep."""

import csv
import io
from decimal import Decimal

from django.test import Client

from saferhub.grants.models import Award, AwardStatus
from saferhub.grants.tests.test_dashboard import (
    close_with_a_claw_back,
    counted,
    figures_on,
    funded_fund,
    pounds_text,
)
from saferhub.partnerships.models import Organisation

OGL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"


def test_the_json_lists_each_funded_project_with_what_it_achieved_under_the_licence(world, manager):
    funded_fund(world, manager)
    response = Client().get("/open-data/alpha/funded-projects.json")
    assert response.status_code == 200
    body = response.json()
    assert body["licence"] == {"name": "Open Government Licence v3.0", "url": OGL}
    assert "Alpha Community Safety Partnership" in body["attribution"]
    projects = {project["project"]: project for project in body["projects"]}
    # The offer not yet accepted and the declined one are not funded projects.
    assert set(projects) == {"Youth diversion", "Safer nights"}
    assert projects["Youth diversion"] == {
        "organisation": "Youth diversion group",
        "project": "Youth diversion",
        "fund": "Locality fund",
        "financial_year": "2026/27",
        "amount_awarded_pence": 1_300_000,
        "amount_awarded_pounds": "13000.00",
        "priorities": ["Business Crime", "Violence against women and girls"],
        "status": "Accepted, being monitored",
        "achieved": [
            {
                "outcome": "Fewer young people drawn into ASB",
                "measure": "Referrals",
                "target": "40",
                "reported": "12",
            }
        ],
    }
    # Nothing reported yet is null, not 0.
    assert projects["Safer nights"]["achieved"][0]["reported"] is None
    assert response["Link"] == f'<{OGL}>; rel="license"'


def test_the_csv_has_the_same_projects_with_formulas_opening_as_text(world, manager):
    funded = funded_fund(world, manager)
    Organisation.objects.filter(pk=funded.awards["nights"].application.organisation_id).update(
        name="=cmd|' /C calc'!A0"
    )
    response = Client().get("/open-data/alpha/funded-projects.csv")
    assert response.status_code == 200
    assert response["Link"] == f'<{OGL}>; rel="license"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "Organisation",
        "Project",
        "Fund",
        "Financial year",
        "Amount awarded (£)",
        "Priorities",
        "Status",
        "Achieved against targets",
    ]
    by_project = {row[1]: row for row in rows[1:]}
    assert set(by_project) == {"Youth diversion", "Safer nights"}
    assert by_project["Youth diversion"][2:] == [
        "Locality fund",
        "2026/27",
        "13000.00",
        "Business Crime; Violence against women and girls",
        "Accepted, being monitored",
        "Referrals: 12 against a target of 40",
    ]
    assert by_project["Safer nights"][0] == "'=cmd|' /C calc'!A0"
    assert by_project["Safer nights"][7] == "Patrols: none reported yet against a target of 10"


def test_the_amount_awarded_is_what_each_award_holds_as_the_funds_page_counts_it(world, manager, sign_in):
    funded = funded_fund(world, manager)
    nights = close_with_a_claw_back(funded, manager)
    client = Client()
    projects = {
        p["project"]: p for p in client.get("/open-data/alpha/funded-projects.json").json()["projects"]
    }
    rows = list(csv.reader(io.StringIO(client.get("/open-data/alpha/funded-projects.csv").content.decode())))
    in_csv = {row[1]: int(Decimal(row[4]) * 100) for row in rows[1:]}
    # Paid £4,000, £2,400 of it clawed back, the other £4,000 never paid: £1,600, not the £8,000 granted.
    assert projects["Safer nights"]["status"] == "Closed"
    assert projects["Safer nights"]["amount_awarded_pence"] == in_csv["Safer nights"] == 160_000
    assert projects["Safer nights"]["amount_awarded_pounds"] == "1600.00"

    page = sign_in("board_member").get(f"/p/alpha/funding/funds/{funded.fund.public_id}/").content.decode()
    figures = figures_on(page)
    awards = list(Award.objects.filter(application__grant_round__fund=funded.fund))
    committed = {award.application.title: counted(award)["committed"] for award in awards}
    # Each published project's amount is its committed money on the fund's page.
    for award in awards:
        if award.application.title in projects:
            published = projects[award.application.title]["amount_awarded_pence"]
            assert figures[f"award-{award.public_id}-committed"] == pounds_text(published)
    # The declined offer holds nothing and is not published; the offer still awaiting an answer holds its
    # money on the fund's page but is not a funded project yet: together the rest is the page's committed.
    assert "Mentoring" not in projects and committed["Mentoring"] == 0
    assert {a.application.title for a in awards if a.status == AwardStatus.OFFERED} == {"Street pastors"}
    assert set(projects) == set(in_csv) == {"Youth diversion", "Safer nights"}
    total = sum(p["amount_awarded_pence"] for p in projects.values())
    assert total == sum(in_csv.values()) == sum(committed.values()) - committed["Street pastors"]
    assert figures["committed"] == pounds_text(total + committed["Street pastors"])
    assert nights.status == AwardStatus.CLOSED


def test_no_personal_data_and_none_of_the_reports_own_words_are_published(world, manager):
    funded = funded_fund(world, manager)
    for extension in ("csv", "json"):
        body = Client().get(f"/open-data/alpha/funded-projects.{extension}").content.decode()
        for applicant in funded.applicants.values():
            assert applicant.email not in body and applicant.full_name not in body
        # The application's address and phone, and the report's progress and case study (conftest).
        for private in (
            "1 Secret Lane",
            "01632 960 999",
            "1234567",
            "On track.",
            "A young person found work.",
        ):
            assert private not in body, (extension, private)


def test_the_answers_can_be_cached_and_change_when_the_data_does(world, manager):
    funded = funded_fund(world, manager)
    client = Client()
    first = client.get("/open-data/alpha/funded-projects.json")
    assert "public" in first["Cache-Control"] and "max-age=3600" in first["Cache-Control"]
    assert first.has_header("Last-Modified") and first.has_header("ETag")
    unchanged = client.get("/open-data/alpha/funded-projects.json", headers={"If-None-Match": first["ETag"]})
    assert unchanged.status_code == 304
    csv_etag = client.get("/open-data/alpha/funded-projects.csv")["ETag"]
    assert csv_etag != first["ETag"]
    organisation = funded.awards["diversion"].application.organisation
    organisation.name = "Youth diversion CIO"
    organisation.save()
    changed = client.get("/open-data/alpha/funded-projects.json", headers={"If-None-Match": first["ETag"]})
    assert changed.status_code == 200 and "Youth diversion CIO" in changed.content.decode()
    assert changed["ETag"] != first["ETag"]


def test_an_unknown_partnership_is_not_found_and_one_with_nothing_funded_publishes_an_empty_list(world):
    client = Client()
    assert client.get("/open-data/nowhere/funded-projects.json").status_code == 404
    assert client.get("/open-data/nowhere/funded-projects.csv").status_code == 404
    body = client.get("/open-data/beta/funded-projects.json").json()
    assert body["projects"] == [] and body["licence"]["url"] == OGL
    assert client.post("/open-data/alpha/funded-projects.json").status_code in (403, 405)
