"""Writing the partnership's own wording of the letters and notices the incremental approach sends."""

from django.db import transaction

from saferhub.asb.letters import LETTER_STAGES, allowed_placeholders, unknown_placeholders
from saferhub.asb.models import LetterTemplate
from saferhub.asb.workflows import CaseRefused
from saferhub.audit.services import (
    audited_create,
    audited_update,
    normalised_line_endings,
    value_changed,
)
from saferhub.core.actors import Actor
from saferhub.partnerships.models import Partnership


def letter_template_save(
    *, actor: Actor, partnership: Partnership, stage: str, title: str, body: str
) -> LetterTemplate:
    """Set the partnership's title and body of the stage's letter (it replaces the shipped default).
    Refused for a stage that sends no letter, or wording with a placeholder no letter can fill in."""
    if stage not in LETTER_STAGES:
        raise CaseRefused("That step sends no letter")
    unknown = unknown_placeholders(title + body)
    if unknown:
        raise CaseRefused(
            f"No letter can fill in {', '.join('{' + name + '}' for name in unknown)}: "
            f"use only {allowed_placeholders()}"
        )
    wording = {"title": title.strip(), "body": normalised_line_endings(body).strip()}
    editor = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        existing = (
            LetterTemplate.objects.select_for_update().filter(partnership=partnership, stage=stage).first()
        )
        if existing is None:
            return audited_create(
                actor=actor,
                model=LetterTemplate,
                values={"partnership": partnership, "stage": stage, "updated_by": editor, **wording},
                context={"stage": stage},
            )
        if any(value_changed(getattr(existing, name), value) for name, value in wording.items()):
            audited_update(actor=actor, record=existing, values={**wording, "updated_by": editor})
        return existing
