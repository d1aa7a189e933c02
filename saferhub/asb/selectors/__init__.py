"""Reading ASB casework, scoped to the person (access.py): a case they may not see is a 404, and no message
says that it exists. The topics' selectors are modules beside this one."""

from typing import Any
from uuid import UUID

from django.db import models
from django.http import Http404

from saferhub.asb.access import CaseAccess, access_to, visible_cases
from saferhub.asb.models import AsbSettings, Case
from saferhub.partnerships.models import Partnership


def settings_of(partnership: Partnership) -> AsbSettings:
    """The partnership's casework settings; the documented defaults (unsaved) until a manager changes one."""
    found = AsbSettings.objects.filter(partnership=partnership).first()
    return found if found is not None else AsbSettings(partnership=partnership)


def cases_visible_to(user: Any, partnership: Partnership) -> models.QuerySet[Case]:
    return Case.objects.filter(partnership=partnership).filter(visible_cases(user, partnership))


def case_with_access(user: Any, partnership: Partnership, public_id: UUID) -> tuple[Case, CaseAccess]:
    """One of the partnership's cases and what the person may see of it; 404 when they may see none of it."""
    case = (
        Case.objects.filter(partnership=partnership, public_id=public_id)
        .select_related("partnership", "lead_organisation", "lead_officer", "merged_into")
        .first()
    )
    access = access_to(user, case) if case is not None else None
    if case is None or access is None:
        raise Http404
    return case, access
