"""police.uk data is shared by every partnership of a force area: who may load it, confirming a change to
months held, every touched partnership seeing it, and restoring a month's earlier version."""

import datetime as dt
import io
import re
from pathlib import Path
from tempfile import mkdtemp

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import TestCase

from saferhub.audit.models import AuditEvent
from saferhub.crimedata import counting
from saferhub.crimedata.importing import ImportRefused
from saferhub.crimedata.models import ImportRun, Partition, PartitionVersion
from saferhub.crimedata.services import crime_import, crime_store_check
from saferhub.crimedata.tests.crime_files import LEICESTER, street_csv
from saferhub.partnerships.models import Role
from saferhub.partnerships.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.usefixtures("geography", "crime_store")

NWL = "E07000134"
JANUARY = dt.date(2023, 1, 1)


@pytest.fixture
def llr(db):
    """The demo's shape: the LLR force-area partnership, Leicester and North West Leicestershire in it."""
    council = OrganisationFactory(name="A council")
    force_area = PartnershipFactory(slug="llr", kind="force_area", area_codes=[LEICESTER, NWL])
    leicester = PartnershipFactory(
        slug="leicester", kind="unitary_csp", area_codes=[LEICESTER], parent=force_area
    )
    nwl = PartnershipFactory(slug="nwl", kind="district_csp", area_codes=[NWL], parent=force_area)
    people = {}
    for key, partnership, role in (
        ("opcc_analyst", force_area, Role.ANALYST),
        ("leicester_analyst", leicester, Role.ANALYST),
        ("nwl_manager", nwl, Role.PARTNERSHIP_MANAGER),
    ):
        people[key] = UserFactory(email=f"{key}@llr.example")
        MembershipFactory(user=people[key], partnership=partnership, organisation=council, role=role)
    return {"llr": force_area, "leicester": leicester, "nwl": nwl, **people}


def month_file(month="2023-01", **rows):
    path = Path(mkdtemp()) / f"{month}-leicestershire-street.csv"
    path.write_bytes(street_csv(month, **rows))
    return path


def leicester_january():
    """Leicester's January 2023 crimes, by category, as every page counts them."""
    rows = counting.period_counts(
        scope=counting.area_scope(LEICESTER),
        what=counting.CountFilter(),
        period="month",
        month_from=JANUARY,
        month_to=JANUARY,
    )
    return {row["category"]: row["count"] for row in rows}


def upload(client, person, month="2023-01", slug="nwl", **rows):
    client.force_login(person)
    file = SimpleUploadedFile(f"{month}-leicestershire-street.csv", street_csv(month, **rows), "text/csv")
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(f"/p/{slug}/data/imports/new/", {"kind": "police.uk", "file": file})


def post(client, url):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(url)


@pytest.fixture
def held(llr):
    """January 2023 as the installation's operator loaded it: five burglaries in Leicester, two with no
    location."""
    return crime_import(paths=[month_file(good=5, bad=0, no_location=2)])


def test_a_district_manager_cannot_replace_the_forces_month_on_the_page(client, llr, held):
    before = leicester_january()
    response = upload(client, llr["nwl_manager"], good=1, bad=0)
    assert response.status_code == 400
    assert "only the analysts and managers of the force area" in response.content.decode()
    assert leicester_january() == before == {"Burglary": 5}
    assert Partition.objects.get().rows == 7
    assert ImportRun.objects.count() == 1


def test_nor_through_the_service_whatever_page_it_comes_from(llr, held):
    with pytest.raises(ImportRefused, match=r"police\.uk data for leicestershire"):
        crime_import(paths=[month_file(good=1, bad=0)], actor=llr["nwl_manager"], partnership=llr["nwl"])
    assert leicester_january() == {"Burglary": 5}
    assert AuditEvent.objects.filter(verb="refused", actor=llr["nwl_manager"]).exists()


def test_the_command_refuses_a_person_who_is_not_the_forces_steward(llr, held):
    stderr = io.StringIO()
    with pytest.raises(SystemExit) as stopped:
        call_command(
            "import_crime", str(month_file(good=1, bad=0)), "--as", "nwl_manager@llr.example", stderr=stderr
        )
    assert stopped.value.code == 2
    assert "Nothing imported: police.uk data for leicestershire" in stderr.getvalue()
    assert leicester_january() == {"Burglary": 5}


def test_a_steward_re_import_shows_what_it_changes_and_waits_for_confirmation(client, llr, held):
    response = upload(client, llr["opcc_analyst"], slug="llr", good=1, bad=0)
    run = ImportRun.objects.latest("created_at")
    assert run.status == "awaiting"
    assert leicester_january() == {"Burglary": 5}  # nothing changed yet
    page = client.get(response.url).content.decode()
    assert "police.uk-street, leicestershire, 2023-01: 7 rows held, 1 after" in page
    assert re.search(r"Burglary</th>\s*<td[^>]*>5</td>\s*<td[^>]*>1</td>", page)
    assert re.search(r"Shoplifting</th>\s*<td[^>]*>2</td>\s*<td[^>]*>0</td>", page)
    assert "Replace the months held" in page

    confirm = f"/p/llr/data/imports/{run.public_id}/confirm/"
    assert post(client, confirm).status_code == 302
    assert leicester_january() == {"Burglary": 1}
    run.refresh_from_db()
    assert (run.status, run.replaced) == ("committed", ["police.uk-street leicestershire 2023-01"])

    # The confirmation applies that run's files once; replaying it changes nothing more.
    response = post(client, confirm)
    assert (
        "Nothing changed: this import is not waiting for confirmation"
        in client.get(response.url).content.decode()
    )


def test_a_re_import_can_be_discarded_and_changes_nothing(client, llr, held):
    upload(client, llr["opcc_analyst"], slug="llr", good=1, bad=0)
    run = ImportRun.objects.latest("created_at")
    post(client, f"/p/llr/data/imports/{run.public_id}/discard/")
    run.refresh_from_db()
    assert run.status == "refused"
    assert leicester_january() == {"Burglary": 5}
    assert not crime_store_check(repair=False).orphan_files


def test_a_confirmation_made_stale_by_another_import_is_refused(client, llr, held):
    upload(client, llr["opcc_analyst"], slug="llr", good=1, bad=0)
    waiting = ImportRun.objects.latest("created_at")
    crime_import(paths=[month_file(good=3, bad=0)], replace=True)
    response = post(client, f"/p/llr/data/imports/{waiting.public_id}/confirm/")
    assert "has changed since this import was read" in client.get(response.url).content.decode()
    assert leicester_january() == {"Burglary": 3}


def test_a_district_person_cannot_confirm_a_stewards_import(client, llr, held):
    upload(client, llr["opcc_analyst"], slug="llr", good=1, bad=0)
    run = ImportRun.objects.latest("created_at")
    client.force_login(llr["leicester_analyst"])
    # Until it is confirmed it touches no one else's data, so it is not in Leicester's history.
    assert post(client, f"/p/leicester/data/imports/{run.public_id}/confirm/").status_code == 404
    assert leicester_january() == {"Burglary": 5}


def test_every_partnership_the_import_touches_sees_it_in_its_history_and_audit_log(client, llr, held):
    upload(client, llr["opcc_analyst"], slug="llr", good=1, bad=0)
    run = ImportRun.objects.latest("created_at")
    post(client, f"/p/llr/data/imports/{run.public_id}/confirm/")
    for slug in ("leicester", "nwl"):
        partnership = llr[slug]
        assert AuditEvent.objects.filter(
            partnership=partnership, target_id=str(run.public_id), verb="created"
        ).exists()
    client.force_login(llr["leicester_analyst"])
    history = client.get("/p/leicester/data/imports/").content.decode()
    assert f'href="/p/leicester/data/imports/{run.public_id}/"' in history
    assert client.get(f"/p/leicester/data/imports/{run.public_id}/").status_code == 200
    # The operator's first load of the month touched them too.
    assert f'href="/p/leicester/data/imports/{held.public_id}/"' in history


def test_a_replaced_month_is_kept_and_restored_with_its_old_counts(client, llr, held):
    upload(client, llr["opcc_analyst"], slug="llr", good=1, bad=0)
    run = ImportRun.objects.latest("created_at")
    post(client, f"/p/llr/data/imports/{run.public_id}/confirm/")
    version = PartitionVersion.objects.get()
    assert (version.rows, version.import_run) == (7, held)
    # A store check with --repair keeps the version's file: it is not stray.
    check = crime_store_check(repair=True)
    assert not check.orphan_files
    page = client.get(f"/p/llr/data/imports/{run.public_id}/").content.decode()
    assert "Restore leicestershire 2023-01 as imported on" in page

    response = post(client, f"/p/llr/data/imports/{run.public_id}/versions/{version.public_id}/restore/")
    assert "Restored police.uk-street leicestershire 2023-01" in client.get(response.url).content.decode()
    assert leicester_january() == {"Burglary": 5}
    restore = ImportRun.objects.latest("created_at")
    assert (restore.kind, restore.status, restore.started_by) == (
        "police.uk",
        "committed",
        llr["opcc_analyst"],
    )
    assert AuditEvent.objects.filter(partnership=llr["leicester"], target_id=str(restore.public_id)).exists()
    # What the restore replaced is kept in its turn.
    assert list(PartitionVersion.objects.values_list("rows", "replaced_by")) == [(1, restore.pk)]


def test_a_district_person_cannot_restore(client, llr, held):
    crime_import(paths=[month_file(good=1, bad=0)], replace=True)
    version = PartitionVersion.objects.get()
    client.force_login(llr["leicester_analyst"])
    url = f"/p/leicester/data/imports/{version.replaced_by.public_id}/versions/{version.public_id}/restore/"
    assert post(client, url).status_code == 403
    assert leicester_january() == {"Burglary": 1}


def test_the_command_lists_the_changes_and_replaces_only_with_replace(llr, held):
    path = month_file(good=1, bad=0)
    stderr = io.StringIO()
    with pytest.raises(SystemExit) as stopped:
        call_command("import_crime", str(path), "--as", "opcc_analyst@llr.example", stderr=stderr)
    assert stopped.value.code == 2
    assert "police.uk-street leicestershire 2023-01: 7 rows held, 1 in the files" in stderr.getvalue()
    assert "Burglary: 5 -> 1" in stderr.getvalue()
    assert leicester_january() == {"Burglary": 5}
    assert not crime_store_check(repair=False).orphan_files

    call_command(
        "import_crime", str(path), "--as", "opcc_analyst@llr.example", "--replace", stdout=io.StringIO()
    )
    assert leicester_january() == {"Burglary": 1}
