"""The pages and the API as a person uses them: decide, publish, the PDF, who sees what, the county view."""

import datetime as dt
import json
from decimal import Decimal

import pytest
import time_machine

from saferhub.accounts.services import api_token_create
from saferhub.audit.models import AuditEvent, AuditVerb
from saferhub.documents.models import Document
from saferhub.performance import services
from saferhub.performance.models import Measure, MeasureValue, QuarterlyReturn, ReturnSection
from saferhub.performance.tests.factories import ManualMeasureFactory
from saferhub.plans.services import plan_revise, priority_update
from saferhub.plans.tests.factories import PlanFactory, PriorityFactory


@pytest.fixture
def ready(world, manager, lead):
    """A's Business Crime return for 2025/26 Q2, every section done, submitted; and another priority's."""
    priority = world.records["a"]["priority"]
    ManualMeasureFactory(priority=priority)
    PriorityFactory(plan=priority.plan, title="Serious violence")
    reporting_round, returns = services.reporting_round_open(
        actor=manager, partnership=world.a, financial_year=2025, quarter=2, due_on=dt.date(2025, 10, 31)
    )
    ours = returns[0]
    QuarterlyReturn.objects.filter(pk=ours.pk).update(
        sections_completed=[s.value for s in ReturnSection],
        summary="Shop theft <script>alert(1)</script> fell by a tenth.",
        self_assessment="green",
        measure_figures={str(priority.measures.get().public_id): {"value": "31", "comment": ""}},
    )
    services.return_submit(actor=lead, quarterly_return=ours)
    return reporting_round, ours, returns[1]


def url(world, name, **kwargs):
    from django.urls import reverse

    return reverse(f"performance:{name}", kwargs={"slug": world.a.slug, **kwargs})


def test_a_lead_cannot_see_another_prioritys_return(client, world, lead, ready):
    _, ours, theirs = ready
    client.force_login(lead)
    assert client.get(url(world, "return", return_id=ours.public_id)).status_code == 200
    assert client.get(url(world, "return", return_id=theirs.public_id)).status_code == 404
    response = client.post(
        url(world, "return-risks", return_id=theirs.public_id), {"risks_and_issues": "Mine now"}
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.risks_and_issues == ""


def test_the_manager_returns_a_return_with_a_comment_and_nothing_changes_on_a_bad_form(
    client, world, manager, ready
):
    _, ours, _ = ready
    client.force_login(manager)
    response = client.post(url(world, "return-decide", return_id=ours.public_id), {"decision": "return"})
    assert response.status_code == 400
    assert "Enter what the lead should change" in response.content.decode()
    ours.refresh_from_db()
    assert ours.status == "submitted"
    client.post(
        url(world, "return-decide", return_id=ours.public_id),
        {"decision": "return", "comment": "More detail"},
    )
    ours.refresh_from_db()
    assert ours.status == "returned"
    page = client.get(url(world, "return", return_id=ours.public_id)).content.decode()
    assert "More detail" in page


def test_a_return_that_is_not_submitted_has_nothing_to_accept_or_return(client, world, manager, ready):
    _, ours, _ = ready
    client.force_login(manager)
    submitted = client.get(url(world, "return-decide", return_id=ours.public_id))
    assert submitted.status_code == 200
    assert "Accept or return" in submitted.content.decode()
    ours.status = "draft"
    ours.save()
    for response in (
        client.get(url(world, "return-decide", return_id=ours.public_id)),
        client.post(url(world, "return-decide", return_id=ours.public_id), {"decision": "accept"}),
    ):
        assert response.status_code == 302
        assert response["Location"] == url(world, "return", return_id=ours.public_id)
    page = client.get(url(world, "return", return_id=ours.public_id)).content.decode()
    assert "Only a submitted return can be accepted or returned" in page
    ours.refresh_from_db()
    assert ours.status == "draft"


def test_accepting_turns_the_figure_into_the_measures_and_the_pack_escapes_text(
    client, world, manager, ready, crime_store, django_capture_on_commit_callbacks
):
    reporting_round, ours, _ = ready
    client.force_login(manager)
    client.post(url(world, "return-decide", return_id=ours.public_id), {"decision": "accept", "comment": ""})
    assert MeasureValue.objects.get().value == Decimal(31)
    response = client.post(url(world, "pack-generate", round_id=reporting_round.public_id))
    assert response.status_code == 302
    pack = reporting_round.board_pack
    page = client.get(url(world, "pack", pack_id=pack.public_id)).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page
    assert "Not published" in page
    with django_capture_on_commit_callbacks(execute=True):  # the task worker makes it
        client.get(url(world, "pack-pdf", pack_id=pack.public_id))
    pdf = client.get(url(world, "pack-pdf", pack_id=pack.public_id), follow=True)
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    client.post(url(world, "pack-publish", pack_id=pack.public_id))
    pack.refresh_from_db()
    assert pack.is_published
    assert AuditEvent.objects.filter(target_id=str(pack.public_id), verb=AuditVerb.UPDATED).exists()


def test_board_members_read_only_published_packs(client, world, manager, ready):
    reporting_round, _, _ = ready
    pack = services.board_pack_generate(actor=manager, reporting_round=reporting_round)
    client.force_login(world.people["board_member"])
    assert client.get(url(world, "pack", pack_id=pack.public_id)).status_code == 404
    assert "No board packs published yet" in client.get(url(world, "index")).content.decode()
    services.board_pack_publish(actor=manager, pack=pack)
    assert client.get(url(world, "pack", pack_id=pack.public_id)).status_code == 200
    assert client.post(url(world, "pack-generate", round_id=reporting_round.public_id)).status_code == 403


def test_the_lead_sends_a_figure_through_the_api_and_an_analyst_cannot(client, world, lead, ready):
    measure = Measure.objects.get(priority=world.records["a"]["priority"])
    endpoint = f"/api/v1/partnerships/alpha/measures/{measure.public_id}/figures"
    body = json.dumps({"period_end": "2025-12-31", "value": 33, "note": "Q3 from our system"})
    _, secret = api_token_create(user=lead, name="Feed")
    response = client.post(
        endpoint, body, content_type="application/json", headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["period"] == "2025/26 Q3"
    assert MeasureValue.objects.get(period="2025/26 Q3").value == Decimal(33)
    bad = client.post(
        endpoint,
        json.dumps({"value": "lots"}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert bad.status_code == 422
    future = client.post(
        endpoint,
        json.dumps({"period_end": "2099-12-31", "value": 1}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert future.status_code == 422
    assert "a period still to come has no figure" in future.json()["detail"]
    _, analyst = api_token_create(user=world.people["analyst"], name="Feed")
    refused = client.post(
        endpoint, body, content_type="application/json", headers={"Authorization": f"Bearer {analyst}"}
    )
    assert refused.status_code == 403
    assert MeasureValue.objects.count() == 1


def test_the_county_view_shows_district_priorities_beside_the_countys(client, world):
    county_plan = PlanFactory(partnership=world.county, title="County strategy")
    shared = PriorityFactory(plan=county_plan, title="Reducing re-offending")
    priority_update(actor=None, priority=world.records["a"]["priority"], values={}, aligned_to=[shared])
    client.force_login(world.people["county_manager"])
    page = client.get(f"/p/{world.county.slug}/performance/county/").content.decode()
    assert "Reducing re-offending" in page
    row = page[page.index("Alpha Community Safety Partnership</th>") :][:200]
    assert "Business Crime" in row


def test_what_changed_between_revisions(client, world, manager):
    plan = world.records["a"]["plan"]
    plan_revise(
        actor=manager, plan=plan, label="Revised April 2025", revised_on=dt.date(2025, 4, 1), summary=""
    )
    ManualMeasureFactory(priority=world.records["a"]["priority"], title="Knife sales refused")
    client.force_login(world.people["board_member"])
    page = client.get(url(world, "plan-changes", plan_id=plan.public_id)).content.decode()
    assert "Revised April 2025" in page
    assert "Measure of Business Crime: Knife sales refused (increase to 30)" in page


def test_carrying_measures_forward_into_a_new_plan(client, world, manager):
    old_plan = world.records["a"]["plan"]
    ManualMeasureFactory(priority=world.records["a"]["priority"], title="Knife sales refused")
    new_plan = PlanFactory(
        partnership=world.a,
        title="Plan 2026–2029",
        period_start=dt.date(2026, 4, 1),
        period_end=dt.date(2029, 3, 31),
    )
    new_priority = PriorityFactory(plan=new_plan, title="Business Crime")
    client.force_login(manager)
    form_url = url(world, "carry-forward", plan_id=new_plan.public_id)
    page = client.get(form_url).content.decode()
    assert old_plan.title in page
    measure = Measure.objects.get(title="Knife sales refused")
    client.post(form_url, {f"m_{measure.public_id.hex}": str(new_priority.public_id)})
    copy = Measure.objects.get(priority=new_priority)
    assert (copy.title, copy.target_value) == ("Knife sales refused", Decimal(30))
    assert not copy.values.exists()


def test_the_return_shows_an_automatic_measures_figure_for_its_quarter_not_its_latest(
    client, world, lead, ready, monkeypatch
):
    from saferhub.performance import selectors

    _, ours, _ = ready
    measure = ours.priority.measures.get()
    measure.kind = "automatic"  # in memory only: the page reads its figures from the statuses below
    points = (
        selectors.Point("2025/26 Q2", dt.date(2025, 9, 30), Decimal(410)),
        selectors.Point("2025/26 Q3", dt.date(2025, 12, 31), Decimal(999)),
    )
    status = selectors.MeasureStatus(measure, points, points[-1], "red", "Worsening")
    monkeypatch.setattr(selectors, "return_measures", lambda quarterly_return: [status])
    client.force_login(lead)
    page = client.get(url(world, "return", return_id=ours.public_id)).content.decode()
    assert "Counted from the data: 410 in 2025/26 Q2" in page
    assert "999" not in page


@pytest.fixture
def pack(world, manager, ready):
    reporting_round, _, _ = ready
    return services.board_pack_generate(actor=manager, reporting_round=reporting_round)


def test_the_pack_pdf_is_made_by_the_worker_and_kept_until_the_pack_is_generated_again(
    client, world, manager, pack, crime_store, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    with django_capture_on_commit_callbacks() as queued:
        response = client.get(url(world, "pack-pdf", pack_id=pack.public_id))
    document = Document.objects.get()
    assert response.url == f"/p/alpha/documents/{document.public_id}/"
    assert "Waiting to start: 0% done" in client.get(response.url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        for enqueue in queued:
            enqueue()

    made = client.get(url(world, "pack-pdf", pack_id=pack.public_id))
    assert made.url == f"/p/alpha/documents/{document.public_id}/download/"
    download = client.get(made.url)
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="board-pack-alpha-2025-26-Q2.pdf"'
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(
        verb="viewed", target_id=str(pack.public_id), context__document=str(document.public_id)
    ).exists()

    services.board_pack_generate(actor=manager, reporting_round=pack.reporting_round)
    with django_capture_on_commit_callbacks() as queued:
        again = client.get(url(world, "pack-pdf", pack_id=pack.public_id))
    assert len(queued) == 1 and "/download/" not in again.url


def test_the_board_reads_the_pack_pdf_only_once_the_pack_is_published(
    client, world, manager, pack, crime_store, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(url(world, "pack-pdf", pack_id=pack.public_id))
    document = Document.objects.get()
    client.force_login(world.people["board_member"])
    assert client.get(url(world, "pack-pdf", pack_id=pack.public_id)).status_code == 404
    for suffix in ("", "download/"):
        assert client.get(f"/p/alpha/documents/{document.public_id}/{suffix}").status_code == 404
    services.board_pack_publish(actor=manager, pack=pack)
    assert client.get(f"/p/alpha/documents/{document.public_id}/download/").status_code == 200


def test_the_county_view_says_which_plans_shown_have_ended(client, world):
    county_plan = PlanFactory(
        partnership=world.county,
        title="County strategy",
        period_start=dt.date(2025, 4, 1),
        period_end=dt.date(2028, 3, 31),
    )
    PriorityFactory(plan=county_plan, title="Reducing re-offending")
    district_plan = world.records["a"]["plan"]
    district_plan.period_start, district_plan.period_end = dt.date(2020, 4, 1), dt.date(2023, 3, 31)
    district_plan.save()
    client.force_login(world.people["county_manager"])
    with time_machine.travel(dt.date(2026, 12, 1)):
        page = client.get(f"/p/{world.county.slug}/performance/county/").content.decode()
    ended = page[page.index('data-testid="county-plans-ended"') :][:600]
    assert f"{world.a.name}: {district_plan.title} ended on 31 March 2023" in ended
    assert "County strategy" not in ended  # still in its period
    row = page[page.index(f"{world.a.name}</th>") :][:400]
    assert "From a plan that ended on 31 March 2023" in row
