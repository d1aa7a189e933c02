"""A case's pages: the list, opening a case (offering the likely existing ones first), the case itself, its
incidents and parties, and the lead's steps (edit, close, reopen, merge, link).

A case the person may not see is a 404 (selectors); a step their role on it does not allow is a 403. Every
view of a case or an incident is audited: the page shows victims' and perpetrators' details.
"""

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse

from saferhub.accounts.requests import SignedInRequest
from saferhub.asb import services
from saferhub.asb.access import CaseAccess
from saferhub.asb.forms.cases import (
    NEW_PARTY,
    CaseEditForm,
    CaseForm,
    CaseListForm,
    CommentForm,
    IncidentForm,
    OtherCaseForm,
    PartyForm,
)
from saferhub.asb.locations import resolved
from saferhub.asb.models import Case, CaseStatus
from saferhub.asb.selectors import case_with_access, matching
from saferhub.asb.selectors import cases as case_records
from saferhub.asb.services import cases as case_services
from saferhub.asb.workflows import CaseRefused
from saferhub.audit.services import audit_record_viewed
from saferhub.design_system.views import form_page, posted
from saferhub.governance.models import DataItem
from saferhub.partnerships.models import Partnership
from saferhub.partnerships.permissions import partnership_for_action, require_permission
from saferhub.partnerships.selectors import organisation_choices_in, partnership_for

OPEN_CASE, WORK_CASE, LEAD_CASE = "asb.open_case", "asb.work_case", "asb.lead_case"
PER_PAGE = 25


def case_url(case: Case) -> str:
    return reverse("asb:case", args=[case.partnership.slug, case.public_id])


def case_breadcrumbs(partnership: Partnership, case: Case | None = None) -> list[dict[str, str]]:
    crumbs = [
        {"text": partnership.name, "href": reverse("partnerships:partnership", args=[partnership.slug])},
        {"text": "ASB cases", "href": reverse("asb:cases", args=[partnership.slug])},
    ]
    if case is not None:
        crumbs.append({"text": case.reference, "href": case_url(case)})
    return crumbs


def case_for(request: SignedInRequest, slug: str, case_id: UUID) -> tuple[Partnership, Case, CaseAccess]:
    """The case and what the person sees of it: 404 unless they may see it."""
    partnership = partnership_for(request.user, slug)
    case, access = case_with_access(request.user, partnership, case_id)
    return partnership, case, access


def _written(form: forms.Form, write: Callable[[], object]) -> bool:
    """Run the service for a valid form; its refusal goes on the form (kept as typed) instead."""
    try:
        write()
    except CaseRefused as refusal:
        form.add_error(None, str(refusal))
        return False
    return True


def _case_form_page(
    request: SignedInRequest, partnership: Partnership, case: Case, form: forms.Form, **context: Any
) -> HttpResponse:
    return form_page(
        request,
        form,
        caption=f"{case.reference}: {case.summary}",
        cancel_url=case_url(case),
        partnership=partnership,
        breadcrumbs=case_breadcrumbs(partnership, case),
        **context,
    )


def _confirmed_copy(request: SignedInRequest) -> QueryDict:
    """The posted data again, with `confirmed` set: the form the person sends on after seeing the matches."""
    data = request.POST.copy()
    data["confirmed"] = "on"
    return data


def _with_matches(
    request: SignedInRequest, template: str, form: forms.Form, matches: list[Any], **context: Any
) -> HttpResponse:
    """The form again, above it the likely existing records, with the button that goes on anyway."""
    return render(request, template, {"form": form, "matches": matches, **context})


# --- The list, and opening a case -----------------------------------------------------------------------


@login_required
def case_list(request: SignedInRequest, slug: str) -> HttpResponse:
    partnership = partnership_for_action(request.user, slug, OPEN_CASE)
    wards = case_records.ward_choices(request.user, partnership)
    form = CaseListForm(request.GET, wards=wards)
    filters = form.cleaned_data if form.is_valid() else {}
    cases = case_records.case_list(
        request.user,
        partnership,
        status=filters.get("status", ""),
        ward=filters.get("ward", ""),
        risk=filters.get("risk", ""),
        mine=filters.get("mine", False),
    )
    page = Paginator(cases, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "asb/cases/list.html",
        {
            "partnership": partnership,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "ward_names": dict(wards),
            "breadcrumbs": case_breadcrumbs(partnership)[:1],
        },
    )


@login_required
def case_new(request: SignedInRequest, slug: str) -> HttpResponse:
    partnership = partnership_for_action(request.user, slug, OPEN_CASE)
    organisations = case_records.lead_organisation_choices(request.user, partnership)
    organisation_ids = list(organisations.values_list("pk", flat=True))
    form = CaseForm(
        posted(request),
        organisations=organisations,
        officers=case_records.lead_officers(partnership, organisation_ids),
        officer_organisations=case_records.officer_organisations(partnership, organisation_ids),
    )
    context: dict[str, Any] = {
        "title": "Open a case",
        "partnership": partnership,
        "breadcrumbs": case_breadcrumbs(partnership),
        "cancel_url": reverse("asb:cases", args=[slug]),
    }
    if request.method != "POST" or not form.is_valid():
        return form_page(request, form, submit_text="Open the case", **context)
    data = form.cleaned_data
    if not data["confirmed"]:
        place = form.place()
        matches = matching.case_matches(
            request.user, partnership, postcode=place.postcode, address=place.address, limit=5
        )
        if matches:
            again = CaseForm(
                _confirmed_copy(request),
                organisations=organisations,
                officers=case_records.lead_officers(partnership, organisation_ids),
                officer_organisations=case_records.officer_organisations(partnership, organisation_ids),
            )
            return _with_matches(
                request, "asb/cases/new.html", again, matches, submit_text="Open a new case anyway", **context
            )
    case = services.case_open(
        actor=request.user,
        partnership=partnership,
        summary=data["summary"],
        lead_organisation=data["lead_organisation"],
        lead_officer=data["lead_officer"],
        opened_on=data["opened_on"],
        place=form.place(),
    )
    messages.success(request, f"Case {case.reference} opened")
    return redirect(case_url(case))


# --- The case page ----------------------------------------------------------------------------------------


@login_required
def case_page(request: SignedInRequest, slug: str, case_id: UUID) -> HttpResponse:
    partnership, case, access = case_for(request, slug, case_id)
    audit_record_viewed(actor=request.user, target=case)
    sees = {item.name.lower(): access.sees(item) for item in DataItem}
    return render(
        request,
        "asb/cases/case.html",
        {
            "partnership": partnership,
            "case": case,
            "access": access,
            "sees": sees,
            "viewer": case_records.organisation_names(access.organisation_ids if not access.leads else ()),
            "place_names": case_records.place_names(case),
            "victims": case_records.parties_on(case, case_records.VICTIM_ROLES) if sees["victims"] else [],
            "perpetrators": (case_records.parties_on(case, ["perpetrator"]) if sees["perpetrators"] else []),
            "incidents": list(case_records.incidents_of(case)) if sees["incidents"] else [],
            "involvements": list(case_records.involvements_of(case)),
            "linked": case_records.linked_cases(request.user, case),
            "timeline": case_records.timeline(case, access),
            "is_open": case.status == CaseStatus.OPEN,
            "step_names": case_records.STEP_NAMES,
            "breadcrumbs": case_breadcrumbs(partnership),
        },
    )


@login_required
def case_edit(request: SignedInRequest, slug: str, case_id: UUID) -> HttpResponse:
    partnership, case, _ = case_for(request, slug, case_id)
    require_permission(request.user, LEAD_CASE, case)
    form = CaseEditForm(
        posted(request),
        officers=case_records.lead_officers(partnership, [case.lead_organisation_id]),
        initial={
            "summary": case.summary,
            "lead_officer": case.lead_officer,
            "address": case.address,
            "postcode": case.postcode,
            "latitude": case.latitude,
            "longitude": case.longitude,
        },
    )
    if request.method == "POST" and form.is_valid():
        case_services.case_edit(
            actor=request.user,
            case=case,
            summary=form.cleaned_data["summary"],
            lead_officer=form.cleaned_data["lead_officer"],
            place=form.place(),
        )
        messages.success(request, f"Case {case.reference} changed")
        return redirect(case_url(case))
    return _case_form_page(request, partnership, case, form, title="Change the case")


# --- Incidents --------------------------------------------------------------------------------------------


def _closed_notice(request: SignedInRequest, case: Case) -> HttpResponse | None:
    """Back to the case, saying why, when it is not open: only an open case is worked on."""
    if case.status == CaseStatus.OPEN:
        return None
    messages.info(request, f"Case {case.reference} is {case.get_status_display().lower()}: reopen it first")
    return redirect(case_url(case))


def _item_needed(access: CaseAccess, item: str) -> None:
    """A part of the case the person's organisation does not see does not exist for them."""
    if not access.sees(item):
        raise Http404


@login_required
def incident_new(request: SignedInRequest, slug: str, case_id: UUID) -> HttpResponse:
    partnership, case, access = case_for(request, slug, case_id)
    require_permission(request.user, WORK_CASE, case)
    _item_needed(access, DataItem.INCIDENTS)
    closed = _closed_notice(request, case)
    if closed is not None:
        return closed

    def form_of(data: Any) -> IncidentForm:
        return IncidentForm(
            data,
            organisations=organisation_choices_in(partnership).order_by("name"),
            victims=case_records.victims_of(case),
            case=case,
        )

    form = form_of(posted(request))
    context: dict[str, Any] = {"title": "Add an incident"}
    if request.method != "POST" or not form.is_valid():
        return _case_form_page(request, partnership, case, form, submit_text="Add the incident", **context)
    data = form.cleaned_data
    place = form.place()
    if not data["confirmed"]:
        matches = matching.incident_matches(
            request.user,
            partnership,
            reporting_organisation_id=data["reporting_organisation"].pk,
            reference=data["reference"],
            occurred_at=form.occurred_at(),
            postcode=place.postcode,
            lsoa_code=resolved(place)["lsoa_code"],
        )
        if matches:
            return _with_matches(
                request,
                "asb/cases/incident_new.html",
                form_of(_confirmed_copy(request)),
                matches,
                submit_text="Add the incident anyway",
                partnership=partnership,
                case=case,
                caption=f"{case.reference}: {case.summary}",
                cancel_url=case_url(case),
                breadcrumbs=case_breadcrumbs(partnership, case),
                **context,
            )
    victim = data["victim"]
    try:
        services.incident_record(
            actor=request.user,
            partnership=partnership,
            case=case,
            reporting_organisation=data["reporting_organisation"],
            reference=data["reference"],
            occurred_at=form.occurred_at(),
            reported_on=data["reported_on"],
            category=data["category"],
            hate_motivated=data["hate_motivated"],
            hate_strand=data["hate_strand"],
            description=data["description"],
            place=place,
            victim=victim.party if victim is not None else None,
        )
    except services.IncidentAlreadyHeld as held:
        form.add_error(
            "reference",
            f"{held.existing.reporting_organisation}'s reference {held.existing.reference} is already held: "
            "the incident is recorded already",
        )
        return _case_form_page(request, partnership, case, form, submit_text="Add the incident", **context)
    messages.success(request, "Incident added")
    return redirect(case_url(case))


@login_required
def incident_page(request: SignedInRequest, slug: str, case_id: UUID, incident_id: UUID) -> HttpResponse:
    partnership, case, access = case_for(request, slug, case_id)
    incident = case_records.incident_in(case, access, incident_id)
    audit_record_viewed(actor=request.user, target=incident)
    return render(
        request,
        "asb/cases/incident.html",
        {
            "partnership": partnership,
            "case": case,
            "incident": incident,
            "sees_victims": access.sees(DataItem.VICTIMS),
            "place_names": case_records.place_names(incident),
            "breadcrumbs": case_breadcrumbs(partnership, case),
        },
    )


# --- Parties ----------------------------------------------------------------------------------------------


@login_required
def party_new(request: SignedInRequest, slug: str, case_id: UUID) -> HttpResponse:
    partnership, case, access = case_for(request, slug, case_id)
    require_permission(request.user, WORK_CASE, case)
    closed = _closed_notice(request, case)
    if closed is not None:
        return closed
    context: dict[str, Any] = {"title": "Add a party", "submit_text": "Add to the case"}
    form = PartyForm(posted(request))
    if request.method != "POST" or not form.is_valid():
        return _case_form_page(request, partnership, case, form, **context)
    matches = {
        str(match.party.public_id): match
        for match in matching.party_matches(
            request.user,
            partnership,
            name=form.cleaned_data["name"],
            date_of_birth=form.cleaned_data["date_of_birth"],
            postcode=form.cleaned_data["postcode"],
        )
    }
    if matches:
        choices = [(key, f"{match.party.name}: {', '.join(match.reasons)}") for key, match in matches.items()]
        if not request.POST.get("existing"):
            # The matches are a question, not an error: the form comes back as typed, with them to pick from.
            return render(
                request,
                "asb/cases/party_new.html",
                {
                    "form": PartyForm(initial=request.POST.dict(), matches=choices),
                    "matches": list(matches.values()),
                    "partnership": partnership,
                    "case": case,
                    "caption": f"{case.reference}: {case.summary}",
                    "cancel_url": case_url(case),
                    "breadcrumbs": case_breadcrumbs(partnership, case),
                    **context,
                },
            )
        form = PartyForm(request.POST, matches=choices)
        if not form.is_valid():
            return _case_form_page(request, partnership, case, form, **context)
    data = form.cleaned_data
    if not access.sees(case_records.ITEM_OF_ROLE[data["role"]]):
        form.add_error(
            "role", f"Your organisation does not see the case's {data['role']}s: choose another role"
        )
        return _case_form_page(request, partnership, case, form, **context)
    chosen = data.get("existing") or NEW_PARTY
    existing = matches[chosen].party if chosen != NEW_PARTY and chosen in matches else None
    if chosen != NEW_PARTY and existing is None:
        form.add_error("existing", "Select one of the parties listed, or add a new one")
        return _case_form_page(request, partnership, case, form, **context)
    if _written(
        form,
        lambda: case_services.case_party_new(
            actor=request.user,
            case=case,
            role=data["role"],
            existing=existing,
            kind=data["kind"],
            name=data["name"],
            date_of_birth=data["date_of_birth"],
            address=data["address"],
            postcode=data["postcode"],
        ),
    ):
        messages.success(request, f"{existing.name if existing else data['name']} added to the case")
        return redirect(case_url(case))
    return _case_form_page(request, partnership, case, form, **context)


# --- The lead's steps: close, reopen, merge, link ---------------------------------------------------------


def _lead_step(
    request: SignedInRequest,
    slug: str,
    case_id: UUID,
    *,
    title: str,
    required: str,
    step: Callable[..., Case],
    done: str,
) -> HttpResponse:
    partnership, case, _ = case_for(request, slug, case_id)
    require_permission(request.user, LEAD_CASE, case)
    form = CommentForm(posted(request), required=required)
    if (
        request.method == "POST"
        and form.is_valid()
        and _written(form, lambda: step(actor=request.user, case=case, comment=form.cleaned_data["comment"]))
    ):
        messages.success(request, done.format(reference=case.reference))
        return redirect(case_url(case))
    return _case_form_page(request, partnership, case, form, title=title, submit_text=title)


@login_required
def case_close(request: SignedInRequest, slug: str, case_id: UUID) -> HttpResponse:
    return _lead_step(
        request,
        slug,
        case_id,
        title="Close the case",
        required="Say why the case is closed",
        step=case_services.case_close,
        done="Case {reference} closed",
    )


@login_required
def case_reopen(request: SignedInRequest, slug: str, case_id: UUID) -> HttpResponse:
    return _lead_step(
        request,
        slug,
        case_id,
        title="Reopen the case",
        required="Say why the case is reopened",
        step=case_services.case_reopen,
        done="Case {reference} reopened",
    )


def _other_case_step(
    request: SignedInRequest,
    slug: str,
    case_id: UUID,
    *,
    title: str,
    intro: str,
    write: Callable[[Case, Case, str], object],
    done: str,
    to_other: bool = False,
) -> HttpResponse:
    partnership, case, _ = case_for(request, slug, case_id)
    require_permission(request.user, LEAD_CASE, case)
    form = OtherCaseForm(posted(request))
    if request.method == "POST" and form.is_valid():
        reference = form.cleaned_data["reference"]
        other = case_records.case_by_reference(request.user, partnership, reference)
        if other is None:
            form.add_error("reference", f"There is no case {reference.strip()} that you can see")
        elif _written(form, lambda: write(case, other, form.cleaned_data["reason"])):
            messages.success(request, done.format(reference=case.reference, other=other.reference))
            return redirect(case_url(other if to_other else case))
    return _case_form_page(request, partnership, case, form, title=title, intro=intro, submit_text=title)


@login_required
def case_merge(request: SignedInRequest, slug: str, case_id: UUID) -> HttpResponse:
    def merge(case: Case, other: Case, reason: str) -> object:
        if not request.user.has_perm(LEAD_CASE, other):
            raise CaseRefused(
                f"Your organisation does not lead case {other.reference}: ask its lead to merge"
            )
        return case_services.case_merge(actor=request.user, case=case, target=other, comment=reason)

    return _other_case_step(
        request,
        slug,
        case_id,
        title="Merge into another case",
        intro="Its incidents and parties move to the other case, and this case is closed as merged.",
        write=merge,
        done="Case {reference} merged into {other}",
        to_other=True,
    )


@login_required
def case_link(request: SignedInRequest, slug: str, case_id: UUID) -> HttpResponse:
    return _other_case_step(
        request,
        slug,
        case_id,
        title="Link to another case",
        intro="Each case will show the other.",
        write=lambda case, other, reason: case_services.case_link(
            actor=request.user, case=case, other=other, reason=reason
        ),
        done="Case {reference} linked to {other}",
    )
