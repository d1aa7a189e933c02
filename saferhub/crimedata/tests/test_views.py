"""The crime data pages as an analyst uses them: import, history, coverage, quality, mappings, indicators."""

import io
import re
import zipfile
from pathlib import Path
from tempfile import mkdtemp

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from markupsafe import escape

from saferhub.audit.models import AuditEvent
from saferhub.crimedata.extracts import extract_mapping_parse
from saferhub.crimedata.importing import upload_folder
from saferhub.crimedata.models import ColumnMapping, ImportRun, Indicator, Partition
from saferhub.crimedata.services import column_mapping_save, extract_import, indicators_load
from saferhub.crimedata.tests.crime_files import (
    IN_LEICESTER,
    LEICESTER,
    MAPPING,
    extract_for,
    import_for,
    street_csv,
    street_file,
    upload,
)
from saferhub.crimedata.tests.factories import ColumnMappingFactory, ImportRunFactory, IndicatorFactory

pytestmark = pytest.mark.usefixtures("geography")

POLICEUK_INDICATORS = Path(__file__).resolve().parents[1] / "indicators" / "policeuk.toml"
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def alpha(world, crime_store):
    """Partnership A as the force-area partnership of Leicestershire: its analysts load police.uk data."""
    world.a.area_codes = [LEICESTER]
    world.a.kind = "force_area"
    world.a.save()
    return world.a


# Reading


def test_the_data_index_says_what_is_held_and_links_to_every_page(client, world, alpha, sign_in):
    import_for(alpha, "2023-01", "2023-02", good=5, bad=0)
    page = sign_in("analyst").get("/p/alpha/data/").content.decode()
    assert "police.uk street-level crime" in page
    assert "Leicestershire" in page
    assert "January 2023" in page and "February 2023" in page
    for name in (
        "imports/new/",
        "imports/",
        "mappings/",
        "coverage/",
        "quality/",
        "indicators/",
        "indicators/new/",
    ):
        assert f'href="/p/alpha/data/{name}"' in page


def test_a_board_member_reads_the_index_without_the_links_to_change_anything(client, world, alpha, sign_in):
    page = sign_in("board_member").get("/p/alpha/data/").content.decode()
    assert "No crime or ASB data is held yet" in page
    assert "/data/imports/new/" not in page
    assert "/data/indicators/new/" not in page


def test_the_partnership_page_links_to_its_data(client, world, alpha, sign_in):
    page = sign_in("board_member").get("/p/alpha/").content.decode()
    assert 'href="/p/alpha/data/">Crime and ASB data</a>' in page


# Importing


def test_the_import_form_offers_police_uk_and_each_saved_mapping(client, world, alpha, sign_in):
    column_mapping_save(partnership=alpha, text=MAPPING, actor=None)
    response = sign_in("analyst").get("/p/alpha/data/imports/new/")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in page
    assert "police.uk files (CSV or the zip police.uk gives you)" in page
    assert "Alpha recorded crime extract (local extract)" in page
    assert 'type="file"' in page


def test_a_small_police_uk_file_is_imported_at_once_and_its_page_shows_the_rejections(
    client, world, alpha, sign_in
):
    analyst = world.people["analyst"]
    response = upload(sign_in("analyst"), street_file("2023-01", good=3, bad=1))
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response.url == f"/p/alpha/data/imports/{run.public_id}/"
    assert run.status == "committed"
    assert (run.partnership, run.started_by, run.kind) == (alpha, analyst, "police.uk")
    assert (run.rows_read, run.rows_stored, run.rows_rejected, run.progress) == (4, 3, 1, 100)
    assert run.files == ["2023-01-leicestershire-street.csv"]
    assert Partition.objects.get().rows == 3
    events = AuditEvent.objects.filter(target_id=str(run.public_id), verb="created", actor=analyst)
    assert [event.context.get("uploaded") for event in events.order_by("pk")] == [
        "2023-01-leicestershire-street.csv",
        None,
    ]
    assert events.order_by("pk").last().context["rows_stored"] == 3
    assert not upload_folder(run).exists()  # the upload is not kept once imported

    page = client.get(response.url).content.decode()
    assert "Imported 3 rows; 1 row was rejected" in page
    assert "Imported</strong>" in page
    assert "2023-01-leicestershire-street.csv" in page
    assert "not a police.uk crime type" in page
    assert "Download every rejection (CSV)" in page
    assert 'http-equiv="refresh"' not in page
    assert "<progress" not in page


def test_the_rejection_report_downloads_as_an_attachment(client, world, alpha, sign_in):
    upload(sign_in("analyst"), street_file("2023-01", good=1, bad=2))
    run = ImportRun.objects.get()
    response = client.get(f"/p/alpha/data/imports/{run.public_id}/rejected-rows.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="rejected-rows-')
    body = b"".join(response.streaming_content).decode()
    assert body.splitlines()[0] == "file,line,column,reason"
    assert body.count("not a police.uk crime type") == 2


def test_an_import_with_no_rejections_has_no_report(client, world, alpha, sign_in):
    upload(sign_in("analyst"), street_file("2023-01", good=2, bad=0))
    run = ImportRun.objects.get()
    assert run.report_path == ""
    page = client.get(f"/p/alpha/data/imports/{run.public_id}/").content.decode()
    assert "Download every rejection" not in page
    assert client.get(f"/p/alpha/data/imports/{run.public_id}/rejected-rows.csv").status_code == 404


def nothing_imported():
    return not Partition.objects.exists() and not ImportRun.objects.filter(status="committed").exists()


def test_no_file_is_an_error_and_nothing_is_recorded(client, world, alpha, sign_in):
    response = sign_in("analyst").post("/p/alpha/data/imports/new/", {"kind": "police.uk"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in page
    assert "Select a file to import" in page
    assert 'href="#id_file"' in page
    assert not ImportRun.objects.exists()
    assert nothing_imported()


def test_a_file_of_another_type_is_an_error(client, world, alpha, sign_in):
    file = SimpleUploadedFile("report.pdf", b"%PDF-1.4", "application/pdf")
    response = upload(sign_in("analyst"), file)
    assert response.status_code == 400
    assert "The selected file must be a CSV, XLSX or ZIP file" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_an_xlsx_file_is_not_a_police_uk_file(client, world, alpha, sign_in):
    file = SimpleUploadedFile("2023-01.xlsx", b"PK\x03\x04", "application/octet-stream")
    response = upload(sign_in("analyst"), file)
    assert response.status_code == 400
    assert "must be a CSV or ZIP file for police.uk files" in response.content.decode()


def test_a_file_over_the_limit_is_stopped_as_it_arrives(client, world, alpha, settings, sign_in):
    settings.SAFERHUB_MAX_UPLOAD_BYTES = 1024
    response = upload(sign_in("analyst"), street_file("2023-01", good=40))
    page = response.content.decode()
    assert response.status_code == 400
    assert "The selected file must be smaller than 1 KB" in page
    assert "Select a file to import" not in page
    assert not ImportRun.objects.exists()


def test_a_refused_file_shows_why_on_its_page_and_stores_nothing(client, world, alpha, sign_in):
    file = SimpleUploadedFile("2023-01-leicestershire-street.csv", b"Just,A,Header\n1,2,3\n", "text/csv")
    response = upload(sign_in("analyst"), file)
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Nothing was imported." in page
    assert "2023-01-leicestershire-street.csv: not a police.uk file" in page
    assert "&lt;p" not in page  # the reason is text in the page's markup, not markup shown as text
    assert nothing_imported()
    run = ImportRun.objects.get()
    assert run.status == "refused"  # the attempt stays in the history, with its reason
    assert not upload_folder(run).exists()


def test_a_refused_upload_names_the_file_as_uploaded_not_where_the_server_keeps_it(
    client, world, alpha, crime_store, sign_in
):
    file = SimpleUploadedFile("leicestershire.zip", b"not a zip at all", "application/zip")
    response = upload(sign_in("analyst"), file)
    run = ImportRun.objects.get()
    assert run.status == "refused"
    assert run.error.startswith("leicestershire.zip: not a readable zip archive")
    page = client.get(response.url).content.decode()
    assert "leicestershire.zip: not a readable zip archive" in page
    assert str(crime_store.parent) not in page
    assert "uploads" not in run.error


def test_a_file_whose_every_row_is_rejected_is_refused_and_lists_the_rows(client, world, alpha, sign_in):
    response = upload(sign_in("analyst"), street_file("2023-01", good=0, bad=10))
    run = ImportRun.objects.get()
    assert (run.status, run.rows_read, run.rows_rejected, run.rows_stored) == ("refused", 10, 10, 0)
    assert run.finished_at is not None
    page = client.get(response.url).content.decode()
    assert "every one of its 10 rows was rejected" in page
    assert re.search(r"Rows read\s*</dt>\s*<dd[^>]*>\s*10\s*</dd>", page)
    assert page.count("not a police.uk crime type") == 10
    assert "&lt;p" not in page
    assert nothing_imported()


def test_a_file_of_only_its_header_is_refused_with_a_clear_reason(client, world, alpha, sign_in):
    response = upload(sign_in("analyst"), street_file("2023-01", good=0, bad=0))
    run = ImportRun.objects.get()
    assert run.status == "refused"
    assert "the file holds no rows, only its header" in client.get(response.url).content.decode()


def test_every_upload_is_queued_for_the_worker_and_its_page_shows_a_progress_bar(
    client, world, alpha, sign_in
):
    sign_in("analyst")
    response = client.post(
        "/p/alpha/data/imports/new/", {"kind": "police.uk", "file": street_file("2023-01", good=1)}
    )
    run = ImportRun.objects.get()
    assert run.status == "queued"
    assert upload_folder(run).joinpath("2023-01-leicestershire-street.csv").exists()
    assert not Partition.objects.exists()

    page = client.get(response.url).content.decode()
    assert "The file is uploaded and is being imported" in page
    # No automatic refresh (WCAG 2.2.1): a script keeps the bar current, and a link does without it.
    assert 'http-equiv="refresh"' not in page
    assert '<progress id="import-progress" max="100" value="0">' in page
    assert "Waiting to start: 0% done" in page
    assert "You can leave this page and come back to it from" in page
    assert ">Check progress</a>" in page
    progress = client.get(response.url + "progress.json").json()
    assert progress == {"status": "queued", "progress": 0, "active": True}


def test_a_queued_import_runs_once_the_upload_commits(
    client, world, alpha, django_capture_on_commit_callbacks, sign_in
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(sign_in("analyst"), street_file("2023-01", good=2, bad=0))
    run = ImportRun.objects.get()
    assert (run.status, run.progress, run.rows_stored) == ("committed", 100, 2)
    assert not upload_folder(run).exists()


def test_a_zip_of_police_uk_months_is_imported(client, world, alpha, sign_in):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for month in ("2023-01", "2023-02"):
            archive.writestr(f"{month}/{month}-leicestershire-street.csv", street_csv(month, bad=0))
    file = SimpleUploadedFile("leicestershire.zip", buffer.getvalue(), "application/zip")
    upload(sign_in("analyst"), file)
    run = ImportRun.objects.get()
    assert run.status == "committed"
    assert run.months == ["2023-01", "2023-02"]
    assert run.files == [
        "leicestershire.zip:2023-01/2023-01-leicestershire-street.csv",
        "leicestershire.zip:2023-02/2023-02-leicestershire-street.csv",
    ]


def test_a_local_extract_is_imported_through_its_mapping(client, world, alpha, sign_in):
    mapping = column_mapping_save(partnership=alpha, text=MAPPING, actor=None)
    extract = (
        "Ref,Date,Offence,LSOA,Domestic\n"
        f"A1,03/01/2023,Burglary,{IN_LEICESTER},Y\n"
        f"A2,04/02/2023,Burglary,{IN_LEICESTER},N\n"
        f"A3,31/02/2023,Burglary,{IN_LEICESTER},N\n"
    )
    file = SimpleUploadedFile("extract.csv", extract.encode(), "text/csv")
    response = upload(sign_in("analyst"), file, kind=str(mapping.public_id))
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert (run.kind, run.status, run.rows_stored, run.rows_rejected) == ("alpha.crime", "committed", 2, 1)
    page = client.get(response.url).content.decode()
    assert "Alpha recorded crime extract import" in page
    assert "is not a real date" in page


def test_an_upload_through_a_mapping_saved_outside_the_namespace_is_refused_and_not_kept(
    client, world, alpha, crime_store, sign_in
):
    """A mapping saved before sources were namespaced by the partnership is refused when it is used."""
    text = MAPPING.replace("alpha.crime", "crime")
    mapping = ColumnMappingFactory(
        partnership=alpha, slug="alpha-crime", name="Old", source="crime", text=text
    )
    file = SimpleUploadedFile(
        "extract.csv", f"Ref,Date,Offence,LSOA,Domestic\nA1,03/01/2023,Burglary,{IN_LEICESTER},Y\n".encode()
    )
    response = upload(sign_in("analyst"), file, kind=str(mapping.public_id))
    assert response.status_code == 400
    assert escape("'source' must start with 'alpha.'") in response.content.decode()
    assert not ImportRun.objects.exists()
    assert not list((crime_store / "uploads").glob("*"))  # the file is not kept


def test_a_file_name_is_made_safe_before_it_is_stored(client, world, alpha, sign_in):
    file = SimpleUploadedFile(
        "../../etc/2023-01 leicestershire street.csv", street_csv("2023-01"), "text/csv"
    )
    upload(sign_in("analyst"), file)
    run = ImportRun.objects.get()
    assert run.files == ["2023-01_leicestershire_street.csv"]


# Import history


def test_the_history_lists_the_partnerships_imports_with_who_what_and_a_status(client, world, alpha, sign_in):
    upload(sign_in("analyst"), street_file("2023-01", good=3, bad=1))
    extract_for(world.b)
    page = client.get("/p/alpha/data/imports/").content.decode()
    assert page.count('href="/p/alpha/data/imports/') == 2  # the import link and its one run
    assert world.people["analyst"].full_name in page
    assert "2023-01-leicestershire-street.csv" in page
    assert "govuk-tag--green" in page
    assert "beta-extract-2023-02.csv" not in page


def test_another_partnerships_import_and_its_report_do_not_exist_here(client, world, alpha, sign_in):
    run = extract_for(world.b)
    sign_in("analyst")
    assert client.get(f"/p/alpha/data/imports/{run.public_id}/").status_code == 404
    assert client.get(f"/p/alpha/data/imports/{run.public_id}/rejected-rows.csv").status_code == 404
    # Nor under its own partnership, which the analyst cannot see.
    assert client.get(f"/p/beta/data/imports/{run.public_id}/").status_code == 404


# Coverage and quality


def test_coverage_marks_a_missing_month_inside_the_range_held(client, world, alpha, sign_in):
    import_for(alpha, "2022-11", "2023-01", "2023-03")
    page = sign_in("board_member").get("/p/alpha/data/coverage/").content.decode()
    table = page[page.index('data-testid="coverage-police.uk-street"') :]
    assert table.count("govuk-tag--red") == 2  # December 2022 and February 2023
    assert table.count('<span role="img" aria-label="imported">✓</span>') == 3
    assert "2 months missing:" in page
    assert "December 2022; February 2023." in page
    rows = re.findall(r"<th scope=\"row\" class=\"govuk-table__header\">(\d{4})</th>", table)
    assert rows == ["2022", "2023"]


def test_a_missing_year_is_one_range(client, world, alpha, sign_in):
    import_for(alpha, "2021-12", "2023-01")
    page = sign_in("analyst").get("/p/alpha/data/coverage/").content.decode()
    assert "12 months missing:" in page
    assert "January 2022 to December 2022." in page


def test_data_quality_shows_each_months_rows_locations_vintages_and_rejections(client, world, alpha, sign_in):
    import_for(alpha, "2023-01", good=3, no_location=1, bad=2)
    page = sign_in("analyst").get("/p/alpha/data/quality/").content.decode()
    table = page[page.index('data-testid="quality-police.uk-street-leicestershire"') :]
    cells = re.findall(r'govuk-table__cell--numeric">\s*([^<]*)', table)
    # rows, no location, 2011 codes, 2021 codes, codes in both, rejected
    assert [cell.strip() for cell in cells[:6]] == ["4", "25.0%", "0", "0", "3", "2"]
    assert "January 2023" in table


def test_quality_shows_a_local_extracts_rejections_as_its_imports_total(client, world, alpha, sign_in):
    mapping = column_mapping_save(partnership=alpha, text=MAPPING, actor=None)
    extract = f"Ref,Date,Offence,LSOA,Domestic\nA1,03/01/2023,Burglary,{IN_LEICESTER},Y\nA2,x,Burglary,,N\n"
    upload(sign_in("analyst"), SimpleUploadedFile("x.csv", extract.encode()), str(mapping.public_id))
    run = ImportRun.objects.get()
    page = client.get("/p/alpha/data/quality/").content.decode()
    assert "Alpha recorded crime extract" in page
    assert f'href="/p/alpha/data/imports/{run.public_id}/">1 in its import' in page


def test_another_partnerships_local_extract_is_not_shown(client, world, alpha, sign_in):
    other = MAPPING.replace("alpha", "beta").replace("Alpha", "Beta")
    column_mapping_save(partnership=world.b, text=other, actor=None)
    folder = Path(mkdtemp())
    (folder / "b.csv").write_text(
        f"Ref,Date,Offence,LSOA,Domestic\nB1,03/01/2023,Burglary,{IN_LEICESTER},Y\n"
    )
    extract_import(paths=[folder / "b.csv"], mapping=extract_mapping_parse(other, name="b"))
    sign_in("analyst")
    for page in ("", "coverage/", "quality/", "indicators/new/"):
        assert "beta.crime" not in client.get(f"/p/alpha/data/{page}").content.decode()
    assert "beta.crime" in sign_in("other_manager").get("/p/beta/data/coverage/").content.decode()


# Column mappings


def test_a_mapping_is_saved_from_pasted_text_and_listed(client, world, alpha, sign_in):
    response = sign_in("analyst").post("/p/alpha/data/mappings/new/", {"text": MAPPING})
    assert response.status_code == 302
    mapping = ColumnMapping.objects.get()
    assert (mapping.partnership, mapping.slug, mapping.text) == (alpha, "alpha-crime", MAPPING)
    assert AuditEvent.objects.filter(target_id=str(mapping.public_id), verb="created").exists()
    page = client.get(response.url).content.decode()
    assert "Column mapping ‘Alpha recorded crime extract’ saved" in page
    assert "Stored as the source" in page
    assert f"?from={mapping.public_id}" in page


def test_a_mapping_with_the_same_slug_replaces_the_saved_one(client, world, alpha, sign_in):
    mapping = column_mapping_save(partnership=alpha, text=MAPPING, actor=None)
    sign_in("analyst")
    page = client.get(f"/p/alpha/data/mappings/new/?from={mapping.public_id}").content.decode()
    assert str(escape('category = "Offence"')) in page
    changed = MAPPING.replace('name = "Alpha recorded crime extract"', 'name = "Alpha crimes"')
    client.post("/p/alpha/data/mappings/new/", {"text": changed})
    mapping.refresh_from_db()
    assert (ColumnMapping.objects.count(), mapping.name) == (1, "Alpha crimes")
    assert AuditEvent.objects.filter(target_id=str(mapping.public_id), verb="updated").exists()


def test_a_mapping_whose_source_is_outside_the_namespace_is_an_error_on_the_textarea(
    client, world, alpha, sign_in
):
    column_mapping_save(partnership=world.b, text=MAPPING.replace("alpha.crime", "beta.crime"), actor=None)
    sign_in("analyst")
    pages = [
        client.post("/p/alpha/data/mappings/new/", {"text": MAPPING.replace("alpha.crime", source)})
        for source in ("beta.crime", "gamma.crime")  # another's, held; and nobody's
    ]
    assert [page.status_code for page in pages] == [400, 400]
    message = escape("'source' must start with 'alpha.' (your partnership's short name), e.g. 'alpha.crime'")
    assert all(message in page.content.decode() for page in pages)
    assert not ColumnMapping.objects.filter(partnership=alpha).exists()


def test_a_mapping_that_cannot_be_used_is_an_error_on_the_textarea_and_not_saved(
    client, world, alpha, sign_in
):
    broken = MAPPING.replace("domestic =", "domestc =")
    response = sign_in("analyst").post("/p/alpha/data/mappings/new/", {"text": broken})
    page = response.content.decode()
    assert response.status_code == 400
    assert "[columns] has an unknown key &#39;domestc&#39;" in page
    assert 'href="#id_text"' in page
    assert "domestc" in page  # what was pasted is shown again
    assert not ColumnMapping.objects.exists()


def test_another_partnerships_mapping_cannot_be_copied(client, world, alpha, sign_in):
    text = MAPPING.replace("alpha.crime", "beta.crime")
    mapping = column_mapping_save(partnership=world.b, text=text, actor=None)
    response = sign_in("analyst").get(f"/p/alpha/data/mappings/new/?from={mapping.public_id}")
    assert response.status_code == 404
    assert client.get("/p/alpha/data/mappings/new/?from=not-a-uuid").status_code == 404


def test_a_mapping_name_is_escaped(client, world, alpha, sign_in):
    column_mapping_save(partnership=alpha, text=MAPPING.replace("Alpha recorded", SCRIPT), actor=None)
    page = sign_in("analyst").get("/p/alpha/data/mappings/").content.decode()
    assert SCRIPT not in page
    assert str(escape(SCRIPT)) in page


# Indicators


def test_indicators_are_listed_by_set_with_the_shared_ones(client, world, alpha, sign_in):
    indicators_load(
        path_or_text="""
[[indicators]]
slug = "shared-burglary"
name = "Burglary (shared)"
sources = ["police.uk-street"]
categories = ["Burglary"]

[[sets]]
slug = "shared-set"
name = "Shared headline"
indicators = ["shared-burglary"]
""",
    )
    indicators_load(
        path_or_text='[[indicators]]\nslug = "own"\nname = "Own count"\nsources = ["police.uk-street"]\n',
        partnership=alpha,
    )
    indicators_load(
        path_or_text='[[indicators]]\nslug = "theirs"\nname = "Beta count"\nsources = ["police.uk-street"]\n',
        partnership=world.b,
    )
    page = sign_in("board_member").get("/p/alpha/data/indicators/").content.decode()
    assert "Shared headline" in page and "Burglary (shared)" in page
    assert "Indicators in no set" in page and "Own count" in page
    assert "Beta count" not in page
    assert page.index("Shared headline") < page.index("Indicators in no set")
    assert "/data/indicators/new/" not in page  # a board member defines none


def test_defining_an_indicator_starts_with_the_data_held(client, world, alpha, sign_in):
    import_for(alpha, "2023-01")
    page = sign_in("analyst").get("/p/alpha/data/indicators/new/").content.decode()
    assert 'method="get"' in page
    assert "police.uk street-level crime" in page
    assert 'name="step" value="sources"' in page

    response = client.get("/p/alpha/data/indicators/new/?step=sources")
    assert response.status_code == 400
    assert "Select the data the indicator counts" in response.content.decode()


def test_the_second_step_offers_the_categories_of_the_data_chosen(client, world, alpha, sign_in):
    import_for(alpha, "2023-01", good=2, no_location=1, bad=0)
    page = sign_in("analyst").get("/p/alpha/data/indicators/new/?step=sources&sources=police.uk-street")
    text = page.content.decode()
    assert page.status_code == 200
    assert '<input type="hidden" name="sources" value="police.uk-street">' in text
    assert "It counts police.uk street-level crime." in text
    assert 'value="Burglary"' in text and 'value="Shoplifting"' in text
    assert "Domestic abuse flag" not in text  # police.uk has no flags


def test_the_second_step_links_back_to_the_first_with_the_data_still_chosen(client, world, alpha, sign_in):
    import_for(alpha, "2023-01")
    second = sign_in("analyst").get("/p/alpha/data/indicators/new/?step=sources&sources=police.uk-street")
    link = re.search(r'href="([^"]*change=1[^"]*)"', second.content.decode()).group(1).replace("&amp;", "&")
    first = client.get(link).content.decode()
    assert 'method="get"' in first
    assert re.search(r'value="police.uk-street"\s+checked', first)
    assert "There is a problem" not in first


def indicator_form(**changes):
    return {
        "sources": ["police.uk-street"],
        "name": "Burglary in Leicester",
        "slug": "leicester-burglary",
        "description": "Burglaries police.uk places in Leicester.",
        "categories": ["Burglary"],
        "area_code": "",
        "per_1000": "on",
        **changes,
    }


def test_an_indicator_is_saved_audited_and_previewed(client, world, alpha, sign_in):
    import_for(alpha, "2023-01", "2023-03", good=3, bad=0)
    response = sign_in("analyst").post("/p/alpha/data/indicators/new/", indicator_form())
    indicator = Indicator.objects.get()
    assert response.status_code == 302
    assert response.url == f"/p/alpha/data/indicators/{indicator.public_id}/"
    assert (indicator.partnership, indicator.slug, indicator.sources, indicator.categories) == (
        alpha,
        "leicester-burglary",
        ["police.uk-street"],
        ["Burglary"],
    )
    assert indicator.per_1000 is True
    assert AuditEvent.objects.filter(
        target_id=str(indicator.public_id), verb="created", actor=world.people["analyst"]
    ).exists()

    page = client.get(response.url).content.decode()
    assert "Indicator ‘Burglary in Leicester’ saved" in page
    assert 'role="img"' in page
    assert "<title>Burglary in Leicester: count by month, January 2023 to March 2023</title>" in page
    assert 'aria-label="Burglary in Leicester: count by month, January 2023 to March 2023.' in page
    assert "1 month is not held, shaded grey." in page
    assert "style=" not in page
    table = page[page.index('data-testid="series"') :]
    months = re.findall(r'<th scope="row" class="govuk-table__header">(\w+ \d{4})</th>', table)
    assert months == ["January 2023", "February 2023", "March 2023"]
    assert "Per 1,000 residents" in table
    counts = re.findall(r'govuk-table__cell--numeric"[^>]*>(.*?)</td>', table)
    assert counts[0] == "3" and counts[-2] == "3"  # count, then rate, in each held month
    assert "Not held" in counts[2]
    assert len(re.findall(r'<rect [^>]*fill="#1d70b8"', page)) == 2
    assert len(re.findall(r'<rect [^>]*data-missing="true"', page)) == 1


def test_the_preview_shows_at_most_the_last_36_months(client, world, alpha, sign_in):
    import_for(alpha, "2019-06", "2023-03", good=1, bad=0)
    indicator = IndicatorFactory(partnership=alpha, slug="x", name="X", sources=["police.uk-street"])
    page = sign_in("analyst").get(f"/p/alpha/data/indicators/{indicator.public_id}/").content.decode()
    table = page[page.index('data-testid="series"') :]
    months = re.findall(r'<th scope="row" class="govuk-table__header">(\w+ \d{4})</th>', table)
    assert (len(months), months[0], months[-1]) == (36, "April 2020", "March 2023")
    assert table.count("Not held") == 35


def test_an_indicator_of_a_flag_counts_only_rows_with_it(client, world, alpha, sign_in):
    mapping = column_mapping_save(partnership=alpha, text=MAPPING, actor=None)
    extract = (
        "Ref,Date,Offence,LSOA,Domestic\n"
        f"A1,03/01/2023,Burglary,{IN_LEICESTER},Y\n"
        f"A2,04/01/2023,Burglary,{IN_LEICESTER},N\n"
        f"A3,05/01/2023,Theft,{IN_LEICESTER},Y\n"
    )
    upload(sign_in("analyst"), SimpleUploadedFile("e.csv", extract.encode()), str(mapping.public_id))
    page = client.get("/p/alpha/data/indicators/new/?step=sources&sources=alpha.crime").content.decode()
    assert "Domestic abuse flag" in page
    assert "Alcohol-related flag" not in page  # the mapping reads no alcohol flag
    form = indicator_form(
        sources=["alpha.crime"], slug="domestic", categories=[], domestic="yes", per_1000=""
    )
    response = client.post("/p/alpha/data/indicators/new/", form)
    assert response.status_code == 302
    indicator = Indicator.objects.get()
    assert (indicator.flags, indicator.categories) == ({"domestic": True}, [])
    table = client.get(response.url).content.decode()
    assert re.findall(r'govuk-table__cell--numeric">([\d,]+)</td>', table)[-1] == "2"  # January 2023


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "Enter a name for the indicator"),
        ({"slug": "Not A Slug"}, "The short name must be lower-case letters, digits and hyphens"),
        ({"area_code": "E99999999"}, "Enter the ONS code of an area whose geography is held"),
        ({"area_code": "Leicester"}, "Enter an ONS code, like E05010511"),
        ({"categories": ["Not held"]}, "Select categories the chosen data holds"),
    ],
)
def test_an_indicator_with_errors_is_not_saved(client, world, alpha, changes, message, sign_in):
    import_for(alpha, "2023-01")
    response = sign_in("analyst").post("/p/alpha/data/indicators/new/", indicator_form(**changes))
    assert response.status_code == 400
    assert str(escape(message)) in response.content.decode()
    assert not Indicator.objects.exists()


def test_an_indicator_short_name_is_unique_in_the_partnership(client, world, alpha, sign_in):
    import_for(alpha, "2023-01")
    sign_in("analyst").post("/p/alpha/data/indicators/new/", indicator_form())
    response = client.post("/p/alpha/data/indicators/new/", indicator_form(name="Another"))
    assert response.status_code == 400
    assert "This partnership already has an indicator with this short name" in response.content.decode()
    assert Indicator.objects.count() == 1


def test_sources_that_are_not_held_send_the_analyst_back_to_the_first_step(client, world, alpha, sign_in):
    import_for(alpha, "2023-01")
    response = sign_in("analyst").post(
        "/p/alpha/data/indicators/new/", indicator_form(sources=["beta.crime"])
    )
    assert response.status_code == 400
    assert "Select from the data held" in response.content.decode()
    assert not Indicator.objects.exists()


def test_a_shared_indicator_is_previewed_in_the_partnerships_area(client, world, alpha, sign_in):
    import_for(alpha, "2023-01", good=4)
    indicators_load(path_or_text=POLICEUK_INDICATORS)
    indicator = Indicator.objects.get(slug="policeuk-burglary", partnership=None)
    page = sign_in("analyst").get(f"/p/alpha/data/indicators/{indicator.public_id}/").content.decode()
    assert "Shared indicator" in page
    assert "Alpha Community Safety Partnership (E06000016)" in page
    assert re.findall(r'govuk-table__cell--numeric">([\d,]+)</td>', page)[-1] == "4"


def test_an_indicator_with_no_data_says_so(client, world, alpha, sign_in):
    indicator = IndicatorFactory(partnership=alpha, slug="x", name="X", sources=["police.uk-street"])
    page = sign_in("analyst").get(f"/p/alpha/data/indicators/{indicator.public_id}/").content.decode()
    assert "There is nothing to show: none of the indicator’s sources holds any data yet." in page
    assert "<svg" not in page


def test_another_partnerships_indicator_does_not_exist_here(client, world, alpha, sign_in):
    indicator = IndicatorFactory(partnership=world.b, slug="x", name="X", sources=["police.uk-street"])
    response = sign_in("analyst").get(f"/p/alpha/data/indicators/{indicator.public_id}/")
    assert response.status_code == 404


# Who may do what


WRITES = ["/p/alpha/data/imports/new/", "/p/alpha/data/mappings/new/", "/p/alpha/data/indicators/new/"]
READS = [
    "/p/alpha/data/",
    "/p/alpha/data/imports/",
    "/p/alpha/data/mappings/",
    "/p/alpha/data/coverage/",
    "/p/alpha/data/quality/",
    "/p/alpha/data/indicators/",
]


@pytest.mark.parametrize("who", ["board_member", "case_officer", "theme_lead", "county_manager"])
def test_people_who_do_not_work_with_the_data_read_it_but_change_nothing(client, world, alpha, who, sign_in):
    import_for(alpha, "2023-01", bad=1)
    run = ImportRun.objects.get()
    sign_in(who)
    for url in [*READS, f"/p/alpha/data/imports/{run.public_id}/"]:
        assert client.get(url).status_code == 200, url
    assert client.get(f"/p/alpha/data/imports/{run.public_id}/rejected-rows.csv").status_code == 200
    before = (ImportRun.objects.count(), ColumnMapping.objects.count(), Indicator.objects.count())
    for url in WRITES:
        assert client.get(url).status_code == 403, url
    assert upload(client, street_file("2023-02")).status_code == 403
    assert client.post(WRITES[1], {"text": MAPPING}).status_code == 403
    assert client.post(WRITES[2], indicator_form()).status_code == 403
    assert (ImportRun.objects.count(), ColumnMapping.objects.count(), Indicator.objects.count()) == before
    assert Partition.objects.count() == 1
    refused = AuditEvent.objects.filter(verb="refused", actor=world.people[who])
    assert {event.context["permission"] for event in refused} == {
        "crimedata.import_data",
        "crimedata.change_indicators",
    }


@pytest.mark.parametrize("who", ["analyst", "partnership_manager", "administrator"])
def test_analysts_and_managers_may_import_and_define(client, world, alpha, who, sign_in):
    sign_in(who)
    for url in WRITES:
        assert client.get(url).status_code == 200, url


def test_a_run_page_shows_a_failed_import(client, world, alpha, sign_in):
    run = ImportRunFactory(
        partnership=alpha, kind="police.uk", status="failed", error=f"OSError: disk full {SCRIPT}"
    )
    page = sign_in("analyst").get(f"/p/alpha/data/imports/{run.public_id}/").content.decode()
    assert "The import stopped with an error" in page
    assert str(escape(SCRIPT)) in page and SCRIPT not in page
    assert "govuk-tag--red" in page


def test_a_run_page_shows_a_running_imports_progress(client, world, alpha, sign_in):
    run = ImportRunFactory(partnership=alpha, kind="police.uk", status="running", progress=40)
    page = sign_in("analyst").get(f"/p/alpha/data/imports/{run.public_id}/").content.decode()
    assert "Importing: 40% done" in page
    assert 'value="40"' in page
    assert 'data-module="app-import-progress"' in page


def test_defining_an_indicator_with_no_data_held_says_to_import_first(client, world, alpha, sign_in):
    response = sign_in("analyst").get("/p/alpha/data/indicators/new/?step=sources")
    assert response.status_code == 200
    assert "No crime or ASB data is held yet" in response.content.decode()
