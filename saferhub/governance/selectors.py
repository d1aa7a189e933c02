"""Reading the register: agreements scoped to the person, and what the agreements in force let organisations
share. Sharing is worked out when asked, never cached: an agreement ended or terminated stops it at once."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any
from uuid import UUID

from django.db import models
from django.http import Http404
from django.utils import timezone

from saferhub.governance.models import (
    SHARING_STATUSES,
    AgreementParty,
    AgreementStatus,
    SharingAgreement,
)
from saferhub.partnerships.models import Partnership
from saferhub.partnerships.selectors import partnership_ids_visible_to


def agreements_of(partnership: Partnership) -> models.QuerySet[SharingAgreement]:
    return SharingAgreement.objects.filter(partnership=partnership).prefetch_related("parties__organisation")


def agreement_for(user: Any, partnership: Partnership, public_id: UUID) -> SharingAgreement:
    """One of the partnership's agreements, for someone who can see the partnership; else 404."""
    if partnership.pk not in partnership_ids_visible_to(user):
        raise Http404
    try:
        return agreements_of(partnership).get(public_id=public_id)
    except SharingAgreement.DoesNotExist:
        raise Http404 from None


def _governing_partnership_ids(partnership: Partnership) -> list[int]:
    """A case's partnership and those above it: a county's agreement covers its districts' cases."""
    return [partnership.pk, *(ancestor.pk for ancestor in partnership.ancestors())]


def agreements_in_force(
    partnership: Partnership, *, on: dt.date | None = None
) -> models.QuerySet[SharingAgreement]:
    day = on or timezone.localdate()
    return SharingAgreement.objects.filter(
        partnership_id__in=_governing_partnership_ids(partnership), status__in=SHARING_STATUSES
    ).filter(
        models.Q(starts_on__isnull=True) | models.Q(starts_on__lte=day),
        models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=day),
    )


def sharing_between(
    partnership: Partnership, organisation_ids: Iterable[int], *, on: dt.date | None = None
) -> dict[tuple[int, int], frozenset[str]]:
    """For each ordered pair of organisations (one of `organisation_ids`, any other party) that an agreement
    in force joins, the data items they may share: the union over every agreement joining them. One query."""
    wanted = set(organisation_ids)
    parties_by_agreement: dict[int, set[int]] = defaultdict(set)
    items_by_agreement: dict[int, frozenset[str]] = {}
    rows = AgreementParty.objects.filter(agreement__in=agreements_in_force(partnership, on=on)).values_list(
        "agreement_id", "organisation_id", "agreement__data_items"
    )
    for agreement_id, organisation_id, items in rows:
        parties_by_agreement[agreement_id].add(organisation_id)
        items_by_agreement[agreement_id] = frozenset(items or ())
    shared: dict[tuple[int, int], set[str]] = defaultdict(set)
    for agreement_id, parties in parties_by_agreement.items():
        for mine in parties & wanted:
            for theirs in parties - {mine}:
                shared[(mine, theirs)] |= items_by_agreement[agreement_id]
    return {pair: frozenset(items) for pair, items in shared.items()}


def items_shared(
    partnership: Partnership, first_id: int, second_id: int, *, on: dt.date | None = None
) -> frozenset[str]:
    """What the agreements in force let two organisations share (nothing: an empty set)."""
    return sharing_between(partnership, [first_id], on=on).get((first_id, second_id), frozenset())


def reviews_due(*, within_days: int, on: dt.date | None = None) -> models.QuerySet[SharingAgreement]:
    """Agreements in force whose review date is within `within_days` and not yet reminded for."""
    day = on or timezone.localdate()
    return (
        SharingAgreement.objects.filter(
            status__in=SHARING_STATUSES,
            review_on__isnull=False,
            review_on__lte=day + dt.timedelta(days=within_days),
        )
        .exclude(review_reminded_for=models.F("review_on"))
        .select_related("partnership")
    )


def published_register(partnership: Partnership) -> models.QuerySet[SharingAgreement]:
    """The register as the public sees it: every agreement past its draft stages, with its parties."""
    return agreements_of(partnership).exclude(
        status__in=[AgreementStatus.DRAFT, AgreementStatus.DPIA, AgreementStatus.LEGAL_REVIEW]
    )
