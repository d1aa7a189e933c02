"""The crime store's manifest (which partition file is current), its import runs, and indicators."""

from django.conf import settings
from django.db import models

from saferhub.core.models import PublicRecord
from saferhub.partnerships.models import Partnership

# A local extract's source is its partnership's slug (up to 80 characters), a dot and a name of up to 40.
SOURCE_MAX_LENGTH = 121


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    # police.uk months already held would change: nothing is current until a data steward confirms.
    AWAITING_CONFIRMATION = "awaiting", "Waiting for confirmation"
    COMMITTED = "committed", "Imported"
    REFUSED = "refused", "Refused"
    FAILED = "failed", "Failed"


class ImportRun(PublicRecord):
    """One import: what was given, what was stored and rejected, and the rejection report."""

    partnership = models.ForeignKey(
        Partnership, null=True, blank=True, on_delete=models.PROTECT, related_name="crime_imports"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(
        max_length=SOURCE_MAX_LENGTH, help_text="police.uk, or the source of a local extract's mapping."
    )
    status = models.CharField(max_length=20, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    files = models.JSONField(default=list, blank=True)
    rows_read = models.BigIntegerField(default=0)
    rows_stored = models.BigIntegerField(default=0)
    rows_rejected = models.BigIntegerField(default=0)
    rejections = models.JSONField(default=list, blank=True, help_text="The first 100 rejections.")
    report_path = models.CharField(max_length=300, blank=True, help_text="Every rejection, as CSV.")
    months = models.JSONField(default=list, blank=True)
    forces = models.JSONField(default=list, blank=True)
    replaced = models.JSONField(default=list, blank=True, help_text="Partitions this import replaced.")
    notes = models.JSONField(default=list, blank=True)
    pending = models.JSONField(
        default=list,
        blank=True,
        help_text="Awaiting confirmation: the partitions written (not current) that confirming makes so.",
    )
    changes = models.JSONField(
        default=list,
        blank=True,
        help_text="The held months it changes: rows per category before and after, per force and month.",
    )
    touched = models.ManyToManyField(
        Partnership,
        blank=True,
        related_name="crime_imports_touching",
        help_text="The partnerships whose area its police.uk data covers: each sees it in its history.",
    )
    error = models.TextField(blank=True)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent done, for the progress bar.")
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} import of {self.created_at:%d %B %Y %H:%M}"

    @property
    def audit_partnership(self) -> Partnership | None:
        return self.partnership


class PartitionFile(models.Model):
    """One Parquet file of one (source, force, month) and what it holds: the current one or a kept one."""

    source = models.CharField(max_length=SOURCE_MAX_LENGTH)
    force = models.CharField(max_length=60)
    month = models.DateField()
    path = models.CharField(max_length=300)
    checksum = models.CharField(max_length=64)
    rows = models.PositiveIntegerField()
    no_location_rows = models.PositiveIntegerField()
    lsoa_2011_rows = models.PositiveIntegerField()
    lsoa_2021_rows = models.PositiveIntegerField()

    class Meta:
        abstract = True


class Partition(PartitionFile):
    """The current Parquet file of one (source, force, month). Re-importing a month replaces its row."""

    import_run = models.ForeignKey(ImportRun, on_delete=models.PROTECT, related_name="partitions")
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["source", "force", "month"]
        constraints = [
            models.UniqueConstraint(fields=["source", "force", "month"], name="one_file_per_force_month")
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.force} {self.month:%Y-%m}"


class PartitionVersion(PublicRecord, PartitionFile):
    """A partition file an import (or a restore) replaced: kept, with its manifest row, to be restored."""

    import_run = models.ForeignKey(ImportRun, on_delete=models.PROTECT, related_name="+")
    replaced_by = models.ForeignKey(ImportRun, on_delete=models.PROTECT, related_name="replaced_versions")

    class Meta:
        ordering = ["source", "force", "month", "-created_at"]

    def __str__(self) -> str:
        return (
            f"{self.source} {self.force} {self.month:%Y-%m} as imported {self.import_run.created_at:%d %B %Y}"
        )


class StaleAggregate(models.Model):
    """A (source, year) whose aggregate must be rebuilt: marked in the import's transaction, cleared after."""

    source = models.CharField(max_length=SOURCE_MAX_LENGTH)
    year = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "year"], name="one_stale_mark_per_source_year")
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.year}"


class Indicator(PublicRecord):
    """A named, saved count: which sources, categories and flags, in which area, optionally per 1,000 people.

    The strategic assessment, performance measures and the public site count indicators. One with no
    partnership is shared by every partnership (the police.uk crime types).
    """

    partnership = models.ForeignKey(
        Partnership, null=True, blank=True, on_delete=models.CASCADE, related_name="indicators"
    )
    slug = models.SlugField(max_length=80)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    sources = models.JSONField(default=list, help_text="Sources counted, e.g. ['police.uk-street'].")
    categories = models.JSONField(default=list, blank=True, help_text="Categories counted; none means all.")
    subcategories = models.JSONField(default=list, blank=True)
    flags = models.JSONField(default=dict, blank=True, help_text="e.g. {'domestic': true}")
    asb_types = models.JSONField(default=list, blank=True)
    area_code = models.CharField(
        max_length=20, blank=True, help_text="ONS code of the area; blank means the partnership's own area."
    )
    per_1000 = models.BooleanField(default=False, help_text="Also show a rate per 1,000 residents.")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "slug"], name="indicator_slug_per_partnership"),
            models.UniqueConstraint(
                fields=["slug"], condition=models.Q(partnership__isnull=True), name="shared_indicator_slug"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_partnership(self) -> Partnership | None:
        return self.partnership


class IndicatorSet(PublicRecord):
    """An ordered list of indicators, e.g. the rows of a headline table."""

    partnership = models.ForeignKey(
        Partnership, null=True, blank=True, on_delete=models.CASCADE, related_name="indicator_sets"
    )
    slug = models.SlugField(max_length=80)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    indicators = models.ManyToManyField(Indicator, through="IndicatorSetMember", related_name="sets")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "slug"], name="indicator_set_slug_per_partnership"
            ),
            models.UniqueConstraint(
                fields=["slug"],
                condition=models.Q(partnership__isnull=True),
                name="shared_indicator_set_slug",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_partnership(self) -> Partnership | None:
        return self.partnership


class IndicatorSetMember(models.Model):
    indicator_set = models.ForeignKey(IndicatorSet, on_delete=models.CASCADE, related_name="members")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["indicator_set", "indicator"], name="indicator_once_per_set")
        ]

    def __str__(self) -> str:
        return f"{self.indicator_set}: {self.position}. {self.indicator}"


class ColumnMapping(PublicRecord):
    """A partnership's saved column mapping for its local extracts: the TOML exactly as written.

    The text is kept, not a parsed form, so that what the analyst wrote (comments included) is what they
    get back; it is checked by parsing whenever it is saved (crimedata.extracts).
    """

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="column_mappings")
    slug = models.SlugField(max_length=80)
    name = models.CharField(max_length=200)
    source = models.CharField(
        max_length=SOURCE_MAX_LENGTH,
        help_text="The source its rows are stored under (from the text): '<partnership slug>.<name>'.",
    )
    text = models.TextField(help_text="The mapping file (TOML), as written.")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "slug"], name="column_mapping_slug_per_partnership"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_partnership(self) -> Partnership:
        return self.partnership
