"""The pages of JAG problem places: the partnership's places, a place's plan with its incidents, actions
and crime counts (the JAG meeting's review, printable), and the forms to add and change them."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from saferhub.accounts.requests import SignedInRequest
from saferhub.asb.forms import places as forms
from saferhub.asb.models import ProblemPlace
from saferhub.asb.place_counts import PlaceCounts, place_counts
from saferhub.asb.selectors import places as selectors
from saferhub.asb.services import places as services
from saferhub.design_system.charts import bar_chart, monthly_axis_labels
from saferhub.design_system.views import form_page, posted
from saferhub.partnerships.models import Partnership
from saferhub.partnerships.permissions import partnership_for_action, require_permission
from saferhub.partnerships.selectors import partnership_for

VIEW = "asb.view_places"
CHANGE = "asb.change_places"


def _place_for(request: SignedInRequest, slug: str, place_id: UUID, permission: str) -> ProblemPlace:
    """The place, for someone who may see it (404 otherwise) and whose role allows `permission` (403)."""
    partnership = partnership_for(request.user, slug)
    place = selectors.place_in(partnership, place_id)
    require_permission(request.user, permission, place)
    return place


@login_required
def place_list(request: SignedInRequest, slug: str) -> HttpResponse:
    partnership = partnership_for_action(request.user, slug, VIEW)
    return render(
        request,
        "asb/places/list.html",
        {
            "partnership": partnership,
            "places": selectors.places_of(partnership),
            "can_change": request.user.has_perm(CHANGE, partnership),
        },
    )


def _place_form_page(
    request: SignedInRequest, partnership: Partnership, form: forms.PlaceForm, *, title: str, cancel_url: str
) -> HttpResponse:
    return form_page(
        request,
        form,
        title=title,
        caption=partnership.name,
        submit_text="Save the place",
        cancel_url=cancel_url,
        intro="A point with a radius, or an area pasted as GeoJSON; then the problem-solving plan.",
        partnership=partnership,
    )


@login_required
def place_new(request: SignedInRequest, slug: str) -> HttpResponse:
    partnership = partnership_for_action(request.user, slug, CHANGE)
    form = forms.PlaceForm(posted(request), partnership=partnership)
    if request.method == "POST" and form.is_valid():
        place = services.place_create(actor=request.user, partnership=partnership, values=form.cleaned_data)
        messages.success(request, f"Place ‘{place.name}’ added")
        return redirect("asb:place", slug=slug, place_id=place.public_id)
    return _place_form_page(
        request, partnership, form, title="Add a place", cancel_url=reverse("asb:places", args=[slug])
    )


@login_required
def place_edit(request: SignedInRequest, slug: str, place_id: UUID) -> HttpResponse:
    place = _place_for(request, slug, place_id, CHANGE)
    form = forms.PlaceForm(posted(request), partnership=place.partnership, place=place)
    if request.method == "POST" and form.is_valid():
        changed = services.place_update(actor=request.user, place=place, values=form.cleaned_data)
        messages.success(request, f"Place ‘{place.name}’ saved" if changed else "Nothing was changed")
        return redirect("asb:place", slug=slug, place_id=place.public_id)
    return _place_form_page(
        request,
        place.partnership,
        form,
        title=f"Change {place.name}",
        cancel_url=reverse("asb:place", args=[slug, place.public_id]),
    )


def _chart(place: ProblemPlace, counts: PlaceCounts) -> Any:
    if not counts.months:
        return None
    months = [row.month for row in counts.months]
    return bar_chart(
        chart_id="place-counts",
        title=f"{counts.what} around {place.name}, by month",
        labels=[f"{month:%B %Y}" for month in months],
        values=[row.count for row in counts.months],
        axis_labels=monthly_axis_labels(months),
        description=counts.judgement,
        missing_text="not held",
    )


@login_required
def place_page(request: SignedInRequest, slug: str, place_id: UUID) -> HttpResponse:
    place = _place_for(request, slug, place_id, VIEW)
    choice = forms.CrimeTypeForm(request.GET)
    counts = place_counts(place, partnership=place.partnership, crime_type=choice.chosen())
    printing = request.GET.get("print") == "1"
    return render(
        request,
        "asb/places/place_print.html" if printing else "asb/places/place.html",
        {
            "partnership": place.partnership,
            "place": place,
            "choice": choice,
            "counts": counts,
            "chart": _chart(place, counts),
            "incidents": selectors.incidents_around(request.user, place),
            "actions": selectors.actions_of(place, today=timezone.localdate()),
            "can_change": request.user.has_perm(CHANGE, place),
            "printing": printing,
            "today": timezone.localdate(),
            "print_query": request.GET.urlencode(),
        },
    )


@login_required
def place_action_new(request: SignedInRequest, slug: str, place_id: UUID) -> HttpResponse:
    place = _place_for(request, slug, place_id, CHANGE)
    back = reverse("asb:place", args=[slug, place.public_id])
    if place.group is None:
        return render(
            request,
            "asb/places/no_jag.html",
            {"partnership": place.partnership, "place": place, "back": back},
        )
    form = forms.PlaceActionForm(posted(request), partnership=place.partnership, group=place.group)
    if request.method == "POST" and form.is_valid():
        action = services.place_action_add(actor=request.user, place=place, **form.cleaned_data)
        messages.success(request, f"Action added to {place.group.name}’s action log: {action}")
        return redirect(back)
    return form_page(
        request,
        form,
        title="Add an action",
        caption=place.name,
        submit_text="Add the action",
        cancel_url=back,
        intro=f"The action goes on {place.group.name}’s action log, and shows on this place's plan.",
        partnership=place.partnership,
    )
