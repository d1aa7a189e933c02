"""The steps a record's workflow records, and the deadlines its transitions start and end."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from saferhub.core.models import PublicRecord


class StepBase(PublicRecord):
    """One step in a record's life, kept as its history: which transition, who took it, and their comment.
    A workflow's concrete step model adds its foreign key to the record, with the related name `steps`."""

    kind = models.CharField(max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    comment = models.TextField(blank=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]


class Deadline(PublicRecord):
    """A date by which something is owed on a record: started by one transition, closed by a later one.

    The record's partnership and the person it is due from are kept on the row, so that what is due for a
    partnership or a person is one query; the person is whoever it was due from when it started.
    """

    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    target_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("target_type", "target_id")
    partnership = models.ForeignKey("partnerships.Partnership", on_delete=models.CASCADE, related_name="+")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(max_length=60)
    due_on = models.DateField()
    started_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.CharField(max_length=60, blank=True, help_text="The transition that closed it.")

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["target_type", "target_id"]),
            models.Index(
                fields=["partnership", "due_on"],
                condition=models.Q(closed_at=None),
                name="open_deadlines_by_partnership",
            ),
            models.Index(
                fields=["assignee", "due_on"],
                condition=models.Q(closed_at=None),
                name="open_deadlines_by_assignee",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} due {self.due_on:%d %B %Y}"
