"""The crime data pages of a partnership: what is held, imports, column mappings, coverage, data quality and
indicators. Reads go through the selectors, writes through the services."""

import calendar
import datetime as dt
from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from saferhub.accounts.requests import SignedInRequest
from saferhub.audit.services import access_refused
from saferhub.crimedata import importing, selectors, services
from saferhub.crimedata.extracts import MappingError
from saferhub.crimedata.forms import ConfirmForm, ImportForm, IndicatorForm, MappingForm, SourcesForm
from saferhub.crimedata.indicator_definitions import IndicatorFileError
from saferhub.crimedata.models import ImportRun, ImportStatus, Indicator
from saferhub.crimedata.stewards import POLICEUK, policeuk_forces_loadable_by, policeuk_refusal
from saferhub.design_system.charts import bar_chart, monthly_axis_labels
from saferhub.partnerships.models import Partnership
from saferhub.partnerships.permissions import partnership_for_action, require_permission
from saferhub.partnerships.selectors import partnership_for

VIEW_DATA = "crimedata.view_data"
IMPORT_DATA = "crimedata.import_data"
CHANGE_INDICATORS = "crimedata.change_indicators"
# What a refused confirm, discard or restore is audited as: loading the run's months.
LOAD_RUN_MONTHS = "crimedata.load_months"
RUNS_PER_PAGE = 50
ACTIVE = (ImportStatus.QUEUED, ImportStatus.RUNNING)


def _form_page(request: HttpRequest, template: str, form: Any, **context: Any) -> HttpResponse:
    """A page that is one form, 400 while it shows errors (as design_system.views.form_page)."""
    status = 400 if form.is_bound and form.errors else 200
    return render(request, template, {"form": form, **context}, status=status)


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


@login_required
def data_index(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_for_action(request.user, slug, VIEW_DATA)
    return render(
        request,
        "crimedata/index.html",
        {
            "partnership": partnership,
            "summary": selectors.store_summary(sources=selectors.sources_visible_to(partnership)),
            "can_import": request.user.has_perm(IMPORT_DATA, partnership),
            "can_change_indicators": request.user.has_perm(CHANGE_INDICATORS, partnership),
        },
    )


@login_required
def import_list(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_for_action(request.user, slug, VIEW_DATA)
    page = Paginator(selectors.import_runs_of(partnership), RUNS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "crimedata/imports.html",
        {
            "partnership": partnership,
            "page": page,
            "labels": _kind_labels(partnership),
            "can_import": request.user.has_perm(IMPORT_DATA, partnership),
        },
    )


def _kind_labels(partnership: Partnership) -> dict[str, str]:
    """What the history calls each kind of import: police.uk, or the mapping's name by its source."""
    labels = {"police.uk": "police.uk"}
    for mapping in selectors.column_mappings_of(partnership):
        labels.setdefault(mapping.source, mapping.name)
    return labels


class UploadLimit(FileUploadHandler):
    """Stops reading an uploaded file once it passes the limit, so a huge upload never reaches the disk.

    Django then reads the rest of the request without keeping it; the form says the file is too large.
    """

    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.exceeded = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > self.limit:
            self.exceeded = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


# The size limit must be in place before the request body is read, and CSRF protection reads it: so this view
# is exempt from the middleware and protects itself, once the limit is in place (Django's documented way).
@csrf_exempt
def import_new(request: SignedInRequest, slug: str) -> HttpResponse:
    limit = UploadLimit(request, settings.SAFERHUB_MAX_UPLOAD_BYTES)
    request.upload_handlers.insert(0, limit)
    return _import_new(request, slug, limit)


@csrf_protect
@login_required
def _import_new(request: SignedInRequest, slug: str, limit: UploadLimit) -> HttpResponse:
    partnership = partnership_for_action(request.user, slug, IMPORT_DATA)
    form = ImportForm(
        _posted(request),
        request.FILES if request.method == "POST" else None,
        mappings=list(selectors.column_mappings_of(partnership)),
        policeuk_allowed=policeuk_forces_loadable_by(request.user) != frozenset(),
        too_large=limit.exceeded,
    )
    if request.method == "POST" and form.is_valid():
        try:
            run = services.import_upload_queue(
                partnership=partnership,
                actor=request.user,
                mapping=form.mapping,
                upload=form.cleaned_data["file"],
            )
        except MappingError as error:
            form.add_error("kind", str(error))
        else:
            run.refresh_from_db(fields=["status"])
            if (
                run.status in ACTIVE
            ):  # the worker may have finished it already; its page then says how it went
                messages.info(request, "The file is uploaded and is being imported")
            return redirect("crimedata:import", slug=slug, run_id=run.public_id)
    return _form_page(
        request,
        "crimedata/import_form.html",
        form,
        partnership=partnership,
        title="Import crime or ASB data",
        submit_text="Import",
        cancel_url=reverse("crimedata:imports", args=[slug]),
        multipart=True,
    )


def _imported_text(run: ImportRun) -> str:
    stored, rejected = run.rows_stored, run.rows_rejected
    text = f"Imported {stored:,} {'row' if stored == 1 else 'rows'}"
    if rejected:
        text += f"; {rejected:,} {'row was' if rejected == 1 else 'rows were'} rejected"
    return text


@login_required
def import_detail(request: HttpRequest, slug: str, run_id: UUID) -> HttpResponse:
    partnership = partnership_for_action(request.user, slug, VIEW_DATA)
    run = selectors.import_run_in(partnership, run_id)
    active = run.status in ACTIVE
    may_load = _may_load(request, partnership, run)
    return render(
        request,
        "crimedata/import_run.html",
        {
            "partnership": partnership,
            "run": run,
            "kind_label": _kind_labels(partnership).get(run.kind, run.kind),
            "forces": [selectors.force_label(force) for force in run.forces],
            "active": active,
            "outcome": _imported_text(run) if run.status == ImportStatus.COMMITTED else "",
            "has_report": selectors.report_file(run) is not None,
            "months": _month_list(run),
            "can_confirm": may_load and run.status == ImportStatus.AWAITING_CONFIRMATION,
            "versions": list(selectors.replaced_versions_of(run)) if may_load else [],
        },
    )


def _may_load(
    request: HttpRequest, partnership: Partnership, run: ImportRun, forces: set[str] | None = None
) -> bool:
    """Whether this person may confirm, discard or undo this run's changes (to `forces`, by default all the
    run's) here; the services check again."""
    if not request.user.has_perm(IMPORT_DATA, partnership):
        return False
    if run.kind != POLICEUK:
        return run.partnership_id == partnership.pk
    return policeuk_refusal(request.user, set(run.forces) if forces is None else forces) is None


def _run_action(
    request: HttpRequest,
    partnership: Partnership,
    run: ImportRun,
    act: Callable[[], str],
    forces: set[str] | None = None,
) -> HttpResponse:
    """A POST that changes a run's months, by a person who may load them: its message, or why not.

    The records are looked up (404) before the role is checked (403), so that nothing says they exist.
    """
    require_permission(request.user, IMPORT_DATA, partnership)  # 403, audited
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not _may_load(request, partnership, run, forces):
        access_refused(actor=request.user, target=run, permission=LOAD_RUN_MONTHS)
        raise PermissionDenied
    try:
        done = act()
    except importing.ImportRefused as refused:
        messages.error(request, f"Nothing changed: {refused}")
    else:
        messages.success(request, done)
    return redirect("crimedata:import", slug=partnership.slug, run_id=run.public_id)


@login_required
def import_confirm(request: HttpRequest, slug: str, run_id: UUID) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    run = selectors.import_run_in(partnership, run_id)
    return _run_action(
        request,
        partnership,
        run,
        lambda: _imported_text(importing.import_run_confirm(run=run, actor=request.user)),
    )


@login_required
def import_discard(request: HttpRequest, slug: str, run_id: UUID) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    run = selectors.import_run_in(partnership, run_id)

    def discard() -> str:
        importing.import_run_discard(run=run, actor=request.user)
        return "The import was discarded: nothing changed"

    return _run_action(request, partnership, run, discard)


@login_required
def version_restore(request: SignedInRequest, slug: str, run_id: UUID, version_id: UUID) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    version = selectors.replaced_version_in(partnership, run_id, version_id)

    def restore() -> str:
        restored = importing.partition_version_restore(
            version=version, actor=request.user, partnership=partnership
        )
        return f"Restored {restored.replaced[0]} as it was before this import"

    return _run_action(request, partnership, version.replaced_by, restore, forces={version.force})


@login_required
def import_progress(request: HttpRequest, slug: str, run_id: UUID) -> JsonResponse:
    """How far an import has got, for the run page's script to show without reloading."""
    partnership = partnership_for_action(request.user, slug, VIEW_DATA)
    run = selectors.import_run_in(partnership, run_id)
    return JsonResponse({"status": run.status, "progress": run.progress, "active": run.status in ACTIVE})


def _month_list(run: ImportRun) -> list[tuple[str, str]]:
    """The run's months as (first, last) 'January 2023' runs."""
    months = [dt.date(int(text[:4]), int(text[5:7]), 1) for text in run.months]
    return [(f"{first:%B %Y}", f"{last:%B %Y}") for first, last in selectors.month_ranges(months)]


@login_required
def import_report(request: HttpRequest, slug: str, run_id: UUID) -> FileResponse:
    partnership = partnership_for_action(request.user, slug, VIEW_DATA)
    run = selectors.import_run_in(partnership, run_id)
    path = selectors.report_file(run)
    if path is None:
        raise Http404("This import has no rejection report")
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=f"rejected-rows-{run.created_at:%Y-%m-%d}-{str(run.public_id)[:8]}.csv",
        content_type="text/csv; charset=utf-8",
    )


@login_required
def mapping_list(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_for_action(request.user, slug, VIEW_DATA)
    return render(
        request,
        "crimedata/mappings.html",
        {
            "partnership": partnership,
            "mappings": selectors.column_mappings_of(partnership),
            "can_change": request.user.has_perm(IMPORT_DATA, partnership),
        },
    )


@login_required
def mapping_new(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_for_action(request.user, slug, IMPORT_DATA)
    initial = {}
    if request.method == "GET" and request.GET.get("from"):
        try:
            public_id = UUID(request.GET["from"])
        except ValueError as error:
            raise Http404("No such column mapping") from error
        initial["text"] = selectors.column_mapping_in(partnership, public_id).text
    form = MappingForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            mapping = services.column_mapping_save(
                partnership=partnership, text=form.cleaned_data["text"], actor=request.user
            )
        except MappingError as error:
            form.add_error("text", str(error))
        else:
            messages.success(request, f"Column mapping ‘{mapping.name}’ saved")
            return redirect("crimedata:mappings", slug=slug)
    return _form_page(
        request,
        "crimedata/mapping_form.html",
        form,
        partnership=partnership,
        title="Add or replace a column mapping",
        submit_text="Save mapping",
        cancel_url=reverse("crimedata:mappings", args=[slug]),
    )


@login_required
def coverage(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_for_action(request.user, slug, VIEW_DATA)
    return render(
        request,
        "crimedata/coverage.html",
        {
            "partnership": partnership,
            "coverage": [
                selectors.coverage_calendar(source=source, label=label)
                for source, label in selectors.sources_visible_to(partnership).items()
            ],
            "month_names": list(calendar.month_abbr[1:]),
        },
    )


@login_required
def quality(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_for_action(request.user, slug, VIEW_DATA)
    return render(
        request,
        "crimedata/quality.html",
        {
            "partnership": partnership,
            "quality": [
                selectors.data_quality_by_month(source=source, label=label)
                for source, label in selectors.sources_visible_to(partnership).items()
            ],
        },
    )


@login_required
def indicator_list(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_for_action(request.user, slug, VIEW_DATA)
    return render(
        request,
        "crimedata/indicators.html",
        {
            "partnership": partnership,
            "groups": selectors.indicator_groups(partnership),
            "labels": selectors.sources_visible_to(partnership),
            "can_change": request.user.has_perm(CHANGE_INDICATORS, partnership),
        },
    )


@login_required
def indicator_new(request: HttpRequest, slug: str) -> HttpResponse:
    """Two steps, no JavaScript: choose the data (a GET form), then define what of it the indicator counts.

    The sources chosen travel as hidden fields of the second step, so its POST carries everything.
    """
    partnership = partnership_for_action(request.user, slug, CHANGE_INDICATORS)
    available = selectors.sources_visible_to(partnership)
    params = request.POST if request.method == "POST" else request.GET
    if request.method == "GET" and request.GET.get("change"):
        # Back to the first step from the second, with the data chosen before still selected.
        choose = SourcesForm(initial={"sources": request.GET.getlist("sources")}, sources=available)
    else:
        choose = SourcesForm(params if "sources" in params or "step" in params else None, sources=available)
    cancel_url = reverse("crimedata:indicators", args=[slug])
    if not available:
        choose = SourcesForm(sources=available)  # the page says there is nothing to count yet
    if not choose.is_bound or not choose.is_valid():
        return _form_page(
            request,
            "crimedata/indicator_sources.html",
            choose,
            partnership=partnership,
            title="Define an indicator",
            cancel_url=cancel_url,
        )
    return _indicator_form_page(
        request,
        partnership,
        "crimedata/indicator_form.html",
        chosen={source: available[source] for source in choose.cleaned_data["sources"]},
        title="Define an indicator",
        cancel_url=cancel_url,
    )


@login_required
def indicator_edit(request: HttpRequest, slug: str, indicator_id: UUID) -> HttpResponse:
    """Change what one of the partnership's own indicators is called and counts (not its data, short name)."""
    partnership = partnership_for(request.user, slug)
    indicator = selectors.own_indicator_in(partnership, indicator_id)
    require_permission(request.user, CHANGE_INDICATORS, partnership)
    available = selectors.sources_visible_to(partnership)
    return _indicator_form_page(
        request,
        partnership,
        "crimedata/indicator_edit.html",
        chosen={source: available.get(source, source) for source in indicator.sources},
        editing=indicator,
        indicator=indicator,
        title=f"Change ‘{indicator.name}’",
        cancel_url=reverse("crimedata:indicator", args=[slug, indicator.public_id]),
    )


def _indicator_form_page(
    request: HttpRequest,
    partnership: Partnership,
    template: str,
    *,
    chosen: dict[str, str],
    editing: Indicator | None = None,
    **context: Any,
) -> HttpResponse:
    """What an indicator counts of the data `chosen` (a new one, or `editing`): saved on a valid POST, then
    its page; otherwise the form, with the definition's errors."""
    fields = selectors.source_fields(sources=list(chosen))
    form = IndicatorForm(
        _posted(request),
        initial=IndicatorForm.initial_of(editing) if editing is not None else None,
        partnership=partnership,
        sources=chosen,
        categories=fields.categories,
        flags=fields.flags,
        editing=editing,
    )
    if request.method == "POST" and form.is_valid():
        try:
            indicator = services.indicator_save(
                partnership=partnership, actor=request.user, values=form.indicator_values()
            )
        except IndicatorFileError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Indicator ‘{indicator.name}’ saved")
            return redirect("crimedata:indicator", slug=partnership.slug, indicator_id=indicator.public_id)
    return _form_page(
        request,
        template,
        form,
        partnership=partnership,
        chosen=chosen,
        submit_text="Save indicator",
        **context,
    )


@login_required
def indicator_remove(request: HttpRequest, slug: str, indicator_id: UUID) -> HttpResponse:
    """Ask, then remove one of the partnership's own indicators; refused while something counts it."""
    partnership = partnership_for(request.user, slug)
    indicator = selectors.own_indicator_in(partnership, indicator_id)
    require_permission(request.user, CHANGE_INDICATORS, partnership)
    form = ConfirmForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_remove(indicator=indicator, actor=request.user)
        except services.IndicatorInUse as in_use:
            form.add_error(None, str(in_use))
        else:
            messages.success(request, f"Indicator ‘{indicator.name}’ removed")
            return redirect("crimedata:indicators", slug=slug)
    return _form_page(
        request,
        "crimedata/indicator_remove.html",
        form,
        partnership=partnership,
        indicator=indicator,
        title=f"Remove ‘{indicator.name}’",
        submit_text="Remove indicator",
        cancel_url=reverse("crimedata:indicator", args=[slug, indicator.public_id]),
    )


@login_required
def indicator_detail(request: HttpRequest, slug: str, indicator_id: UUID) -> HttpResponse:
    partnership = partnership_for_action(request.user, slug, VIEW_DATA)
    indicator = selectors.indicator_in(partnership, indicator_id)
    preview = selectors.indicator_preview(indicator=indicator, partnership=partnership)
    chart = None
    if preview.points:
        months = [point.month for point in preview.points]
        counts = [point.count for point in preview.points if point.count is not None]
        not_held = len(months) - len(counts)
        chart = bar_chart(
            chart_id="indicator-chart",
            title=f"{indicator.name}: count by month, {months[0]:%B %Y} to {months[-1]:%B %Y}",
            description=(
                f"A bar for each month in {preview.area_name}; the highest is {max(counts, default=0):,}."
                + (
                    f" {not_held} {'month is' if not_held == 1 else 'months are'} not held, shaded grey."
                    if not_held
                    else ""
                )
                + " The table gives every figure."
            ),
            labels=[f"{month:%B %Y}" for month in months],
            values=[point.count for point in preview.points],
            axis_labels=monthly_axis_labels(months),
            missing_text="not held",
            width=900,
            height=340,
            max_axis_labels=10,
        )
    labels = selectors.sources_visible_to(partnership)
    return render(
        request,
        "crimedata/indicator.html",
        {
            "partnership": partnership,
            "indicator": indicator,
            "preview": preview,
            "chart": chart,
            "source_labels": [
                labels.get(source) or selectors.SOURCE_LABELS.get(source, source)
                for source in indicator.sources
            ],
            "flag_text": [
                f"{flag}: {'yes' if value else 'no'}" for flag, value in sorted(indicator.flags.items())
            ],
            "can_change": indicator.partnership_id == partnership.pk
            and request.user.has_perm(CHANGE_INDICATORS, partnership),
        },
    )
