"""The areas crime is counted in, by their ONS codes, and where each LSOA lies.

Reference data, imported from ONS files by `import_geography`: no history, no public ids. The ONS
code is what every other app stores and what every URL uses.
"""

from django.db import models

ONS_CODE_LENGTH = 12  # ONS codes have nine characters; Northern Irish small areas differ, so leave room


class AreaLevel(models.TextChoices):
    LSOA11 = "lsoa11", "LSOA (2011)"
    LSOA21 = "lsoa21", "LSOA (2021)"
    WARD = "ward", "Electoral ward"
    LAD = "lad", "Local authority district"
    CSP = "csp", "Community safety partnership"
    PFA = "pfa", "Police force area"
    COUNTY = "county", "County"


LSOA_LEVELS = frozenset({AreaLevel.LSOA11, AreaLevel.LSOA21})


class Area(models.Model):
    """One area with an ONS code.

    An LSOA code that exists in both the 2011 and the 2021 set is the same area in both: it is one row,
    at level lsoa21. Level lsoa11 holds the 2011 LSOAs that 2021 replaced.
    """

    code = models.CharField(max_length=ONS_CODE_LENGTH, unique=True)
    name = models.CharField(max_length=200, blank=True)
    level = models.CharField(max_length=8, choices=AreaLevel.choices)
    lad_code = models.CharField(
        max_length=ONS_CODE_LENGTH,
        blank=True,
        help_text="Wards only: the district the ward lies in. LSOAs are placed by LsoaPlacement.",
    )
    population = models.PositiveIntegerField(
        null=True, blank=True, help_text="Usual residents at Census 2021 (2021 LSOAs only)."
    )
    imd_rank = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Index of Multiple Deprivation 2019 rank, 1 = most deprived (2011 LSOAs).",
    )
    centroid_lat = models.FloatField(null=True, blank=True)
    centroid_lon = models.FloatField(null=True, blank=True)
    boundary = models.JSONField(null=True, blank=True, help_text="A GeoJSON geometry, WGS84.")

    class Meta:
        ordering = ["code"]
        indexes = [models.Index(fields=["level", "lad_code"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})" if self.name else self.code


class Vintage(models.TextChoices):
    ONLY_2011 = "2011", "2011 only (replaced in 2021)"
    BOTH = "2011+2021", "2011 and 2021 (unchanged)"
    ONLY_2021 = "2021", "2021 only (new in 2021)"


VINTAGES_OF_2011 = frozenset({Vintage.ONLY_2011, Vintage.BOTH})
VINTAGES_OF_2021 = frozenset({Vintage.ONLY_2021, Vintage.BOTH})


class PlacementMethod(models.TextChoices):
    LOOKUP = "lookup", "ONS lookup"
    BOUNDARY = "boundary", "Its 2021 boundary's centre lies in a 2011 LSOA"
    NAME = "name", "Its name matched to a district"


class LsoaPlacement(models.Model):
    """The ward, district, partnership, force area and county an LSOA code of either vintage lies in.

    Blank where the sources do not say: a district created after 2019 has no CSP or force area in the
    2019 lookup, and an LSOA placed by its name has no ward.
    """

    lsoa_code = models.CharField(max_length=ONS_CODE_LENGTH, unique=True)
    vintage = models.CharField(max_length=9, choices=Vintage.choices)
    ward_code = models.CharField(max_length=ONS_CODE_LENGTH, blank=True, db_index=True)
    lad_code = models.CharField(max_length=ONS_CODE_LENGTH, db_index=True)
    csp_code = models.CharField(max_length=ONS_CODE_LENGTH, blank=True, db_index=True)
    pfa_code = models.CharField(max_length=ONS_CODE_LENGTH, blank=True, db_index=True)
    county_code = models.CharField(max_length=ONS_CODE_LENGTH, blank=True, db_index=True)
    method = models.CharField(max_length=8, choices=PlacementMethod.choices)

    class Meta:
        ordering = ["lsoa_code"]

    def __str__(self) -> str:
        return f"{self.lsoa_code} in {self.lad_code} ({self.get_method_display()})"


class Postcode(models.Model):
    """A postcode's centre and the 2021 LSOA it lies in, from the ONS Postcode Directory (or the National
    Statistics Postcode Lookup), loaded by `import_postcodes`; what resolves a case's postcode to its area."""

    postcode = models.CharField(max_length=8, unique=True, help_text="Upper case, one space: LE1 5FQ.")
    lsoa_code = models.CharField(max_length=ONS_CODE_LENGTH, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["postcode"]

    def __str__(self) -> str:
        return self.postcode
