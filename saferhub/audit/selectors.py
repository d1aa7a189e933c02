"""Reading the audit trail: already limited to the partnership the reader manages."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from saferhub.audit.models import AuditEvent, AuditVerb


def audit_events_for_partnership(*, partnership: Any) -> models.QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(partnership=partnership).select_related("actor", "target_type")


def audit_events_for_record(*, record: models.Model) -> models.QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(record),
        target_id=str(getattr(record, "public_id", None) or record.pk),
    ).select_related("actor")


def audit_viewers_of_record(*, record: models.Model) -> models.QuerySet[AuditEvent]:
    return audit_events_for_record(record=record).filter(verb=AuditVerb.VIEWED)
