"""The audit log of a partnership and the history of one record: what changed, who did it, who viewed it."""

from typing import Any
from uuid import UUID

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from saferhub.audit.selectors import audit_events_for_partnership, audit_events_for_record
from saferhub.audit.services import value_changed
from saferhub.core.registry import history_models, history_parts
from saferhub.partnerships.permissions import partnership_for_action, require_permission
from saferhub.partnerships.selectors import partnership_for

# The records whose history can be shown, by the name used in their URL: each app declares its own.
HISTORY_MODELS = history_models()
VIEW_AUDIT = "audit.view_audit"


@login_required
def partnership_log(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_for_action(request.user, slug, VIEW_AUDIT)
    page = Paginator(audit_events_for_partnership(partnership=partnership), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "audit/partnership_log.html", {"partnership": partnership, "page": page})


def _as_text(record: Any, field_name: str, value: Any) -> str:
    """A stored value as a person reads it: the name of a linked record, the label of a choice."""
    if value is None or value == "":
        return ""
    field = record._meta.get_field(field_name)
    if field.is_relation and field.related_model is not None:
        linked = field.related_model._default_manager.filter(pk=value).first()
        return str(linked) if linked is not None else "(deleted)"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


# Records whose history includes their parts' (a priority's deliverables), by the same name.
HISTORY_PARTS = history_parts()


def _field_changes(record: Any, version: Any, previous: Any) -> list[dict[str, Any]]:
    """The fields that changed from `previous` to `version`, as a person reads them. A change of line endings
    alone (an old save of a text box) is not a change anyone made, so it is not shown."""
    return [
        {
            "field": record._meta.get_field(change.field).verbose_name,
            "old": _as_text(record, change.field, change.old),
            "new": _as_text(record, change.field, change.new),
        }
        for change in version.diff_against(previous, excluded_fields=["updated_at"]).changes
        if value_changed(change.old, change.new)
    ]


def _changes(record: Any) -> list[dict[str, Any]]:
    """Each saved version of the record with the fields that changed from the one before."""
    versions = list(record.history.select_related("history_user").order_by("history_date", "history_id"))
    changes = []
    previous = None
    for version in versions:
        fields: list[dict[str, Any]] = [] if previous is None else _field_changes(record, version, previous)
        previous = version
        if version.history_type == "~" and not fields:
            continue  # saved with nothing a person would see changed
        changes.append(
            {
                "when": version.history_date,
                "who": version.history_user,
                "kind": version.get_history_type_display(),
                "fields": fields,
            }
        )
    return changes


def _part_changes(kind: str, record: Any) -> list[dict[str, Any]]:
    """What was added to, changed in and removed from the record's parts (a priority's deliverables)."""
    if kind not in HISTORY_PARTS:
        return []
    parts = HISTORY_PARTS[kind]
    versions = (
        apps.get_model(parts.model)
        .history.filter(**{parts.record_field: record.pk})
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    changes = []
    last_text: dict[int, str] = {}
    for version in versions:
        before, text = last_text.get(version.id), getattr(version, parts.text_field)
        last_text[version.id] = text
        if version.history_type == "+":
            field = {"field": f"{parts.noun} added", "new": text}
        elif version.history_type == "-":
            field = {"field": f"{parts.noun} removed", "old": text}
        elif before is not None and before != text:
            field = {"field": parts.noun, "old": before, "new": text}
        else:
            continue  # moved, not reworded
        changes.append(
            {
                "when": version.history_date,
                "who": version.history_user,
                "kind": version.get_history_type_display(),
                "fields": [field],
            }
        )
    return changes


@login_required
def record_history(request: HttpRequest, slug: str, model: str, record_id: UUID) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    if model not in HISTORY_MODELS:
        raise Http404("No such kind of record")
    record = apps.get_model(HISTORY_MODELS[model]).objects.filter(public_id=record_id).first()
    if record is None or record.audit_partnership != partnership:
        raise Http404("No such record")
    require_permission(request.user, VIEW_AUDIT, record)
    events = audit_events_for_record(record=record)
    return render(
        request,
        "audit/record_history.html",
        {
            "partnership": partnership,
            "record": record,
            "kind": model,
            "changes": sorted(
                [*_changes(record), *_part_changes(model, record)],
                key=lambda change: change["when"],
                reverse=True,
            ),
            "events": events.exclude(verb="viewed")[:200],
            "views": events.filter(verb="viewed")[:200],
        },
    )
