"""Base models every domain record builds on."""

import uuid

from django.db import models


class PublicRecord(models.Model):
    """A record with a UUID for URLs (never the sequential key) and creation/update times."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
