"""The register in summary, as anyone reuses it without signing in: no drafts, no person's name, the Open
Government Licence, formula-safe CSV and answers a cache can keep."""

import csv
import datetime as dt
import io

from django.test import Client
from django.utils import timezone

from saferhub.governance.models import AgreementStatus
from saferhub.governance.tests.factories import agreement_between
from saferhub.partnerships.models import Organisation

OGL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"


def published(world):
    council = Organisation.objects.get(name="Alpha City Council")
    police = Organisation.objects.get(name="Shire Police")
    agreement_between(
        world.a,
        council,
        police,
        title='=HYPERLINK("http://x")',
        starts_on=dt.date(2026, 1, 1),
        review_on=dt.date(2027, 1, 1),
    )
    agreement_between(world.a, council, title="Still a draft", status=AgreementStatus.DRAFT)
    agreement_between(world.b, police, title="Beta's own")


def test_the_json_lists_the_published_agreements_under_the_licence(world):
    published(world)
    response = Client().get("/open-data/alpha/sharing-agreements.json")
    assert response.status_code == 200
    body = response.json()
    assert body["licence"] == {"name": "Open Government Licence v3.0", "url": OGL}
    assert "Alpha Community Safety Partnership" in body["attribution"]
    assert body["agreements"] == [
        {
            "title": '=HYPERLINK("http://x")',
            "parties": ["Alpha City Council", "Shire Police"],
            "purpose": "To reduce anti-social behaviour and support its victims by working cases together.",
            "status": "Active",
            "in_force": True,
            "starts_on": "2026-01-01",
            "review_on": "2027-01-01",
            "ends_on": None,
        }
    ]
    assert "Jo Senior" not in response.content.decode()
    assert response["Link"] == f'<{OGL}>; rel="license"'
    assert "public" in response["Cache-Control"]


def test_the_csv_opens_formulas_as_text(world):
    published(world)
    response = Client().get("/open-data/alpha/sharing-agreements.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "Title",
        "Parties",
        "Purpose",
        "Status",
        "In force today",
        "Starts",
        "Review date",
        "Ends",
    ]
    assert rows[1][:2] == ['\'=HYPERLINK("http://x")', "Alpha City Council; Shire Police"]
    assert rows[1][3:] == ["Active", "Yes", "2026-01-01", "2027-01-01", ""]
    assert len(rows) == 2


def test_an_agreement_past_its_end_date_is_said_not_to_be_in_force(world):
    council = Organisation.objects.get(name="Alpha City Council")
    ended = timezone.localdate() - dt.timedelta(days=1)
    agreement_between(
        world.a,
        council,
        title="Student housing",
        starts_on=dt.date(2025, 10, 1),
        review_on=ended,
        ends_on=ended,
    )
    (agreement,) = Client().get("/open-data/alpha/sharing-agreements.json").json()["agreements"]
    assert (agreement["status"], agreement["in_force"]) == ("Active", False)


def test_an_unchanged_register_is_not_sent_again(world):
    published(world)
    first = Client().get("/open-data/alpha/sharing-agreements.json")
    again = Client().get("/open-data/alpha/sharing-agreements.json", headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert first["Last-Modified"]


def test_an_unknown_partnership_is_not_found(world):
    assert Client().get("/open-data/nowhere/sharing-agreements.csv").status_code == 404
