"""Saving a partnership's casework settings: the row is made on the first save (until then the documented
defaults apply, unsaved: selectors.settings_of), and every change is audited with the fields it changed."""

from typing import Any

from django.db import transaction

from saferhub.asb.models import AsbSettings
from saferhub.audit.services import audited_create, audited_update
from saferhub.core.actors import Actor
from saferhub.partnerships.models import Partnership


def settings_save(*, actor: Actor | None, partnership: Partnership, values: dict[str, Any]) -> AsbSettings:
    """Set the partnership's settings to `values` (field name to value; `risk_matrix` {} for the default)."""
    with transaction.atomic():
        Partnership.objects.select_for_update().filter(pk=partnership.pk).first()
        current = AsbSettings.objects.filter(partnership=partnership).first()
        if current is None:
            return audited_create(
                actor=actor, model=AsbSettings, values={"partnership": partnership, **values}
            )
        audited_update(actor=actor, record=current, values=values)
        return current
