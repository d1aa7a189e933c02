"""Documents made by the task worker (PDFs of reports and board packs), kept until their figures change."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from saferhub.core.models import PublicRecord
from saferhub.partnerships.models import Partnership

# A document being made that has not moved for this long was abandoned (its worker stopped): it counts as
# failed, so it can be tried again. Rendering reports progress well within it.
ABANDONED_AFTER = dt.timedelta(minutes=10)
ABANDONED_TEXT = "Making the PDF stopped before it finished, so there is no PDF. Try again."


class DocumentStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    MAKING = "making", "Being made"
    MADE = "made", "Ready"
    FAILED = "failed", "Failed"


ACTIVE_STATUSES = (DocumentStatus.QUEUED, DocumentStatus.MAKING)


class Document(PublicRecord):
    """One document of a kind (an app's, see registry.py) and its parameters, as made from some figures."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(max_length=60)
    params = models.JSONField(default=dict, blank=True, help_text="Which record, which version: JSON only.")
    params_key = models.CharField(max_length=64, help_text="SHA-256 of the parameters as canonical JSON.")
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of the figures it was made from.")
    status = models.CharField(max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent done, for the progress bar.")
    error = models.TextField(blank=True, help_text="Why it could not be made, in plain words for its page.")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    made_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["partnership", "kind", "params_key"], name="document_lookup")]
        constraints = [
            # A second ask while one is queued or being made finds it rather than queueing another.
            models.UniqueConstraint(
                fields=["partnership", "kind", "params_key"],
                condition=models.Q(status__in=ACTIVE_STATUSES),
                name="one_document_in_the_making",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} document of {self.created_at:%d %B %Y %H:%M}"

    @property
    def audit_partnership(self) -> Partnership:
        return self.partnership

    @property
    def is_abandoned(self) -> bool:
        return self.status == DocumentStatus.MAKING and timezone.now() - self.updated_at > ABANDONED_AFTER

    @property
    def is_active(self) -> bool:
        """Queued or being made, and still moving: its page shows the progress."""
        return self.status in ACTIVE_STATUSES and not self.is_abandoned
