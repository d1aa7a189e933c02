"""Anti-social behaviour casework: cases, the people and places in them, incidents, victims' risk, the
incremental approach for perpetrators, and the JAG's problem places.

Who sees a case: the organisations on it, within what the sharing agreements in force allow (selectors).
Lifecycles (workflows.py): a case (open, closed, merged) and a perpetrator's steps (domain rules §9.3).
"""

import datetime as dt

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from saferhub.core.models import PublicRecord
from saferhub.partnerships.models import Action, Group, Organisation, Partnership
from saferhub.workflow.models import StepBase


class Located(models.Model):
    """Where something is: an address, a postcode or a point, resolved to its LSOA and ward when it can be."""

    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=8, blank=True, help_text="Normalised: upper case, one space.")
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    lsoa_code = models.CharField(max_length=12, blank=True)
    ward_code = models.CharField(max_length=12, blank=True)

    class Meta:
        abstract = True

    @property
    def has_location(self) -> bool:
        return bool(self.address or self.postcode or self.latitude is not None or self.lsoa_code)


# --- The partnership's settings -------------------------------------------------------------------------


class AsbSettings(PublicRecord):
    """A partnership's local policy for casework. Every number the domain rules mark unconfirmed or local
    is here, with its documented default (docs/asb.md); the statutory ages are not (models below)."""

    partnership = models.OneToOneField(Partnership, on_delete=models.CASCADE, related_name="asb_settings")
    risk_assessment_within_days = models.PositiveSmallIntegerField(
        default=5, help_text="Days from a case's opening by which its first risk assessment is due."
    )
    risk_review_every_days = models.PositiveSmallIntegerField(
        default=28, help_text="Days from one risk assessment to its review."
    )
    abc_review_days = models.PositiveSmallIntegerField(
        default=182, help_text="Days from an Acceptable Behaviour Contract to its review."
    )
    cpw_compliance_days = models.PositiveSmallIntegerField(
        default=28, help_text="The compliance period a Community Protection Warning gives, unless set."
    )
    cpn_appeal_days = models.PositiveSmallIntegerField(
        default=21, help_text="Days to appeal a Community Protection Notice to the magistrates (s46)."
    )
    fpn_payment_days = models.PositiveSmallIntegerField(
        default=14, help_text="Days to pay a fixed penalty notice."
    )
    closure_hearing_hours = models.PositiveSmallIntegerField(
        default=48, help_text="Hours from a closure notice by which the court must hear the order."
    )
    closure_order_months = models.PositiveSmallIntegerField(
        default=3, help_text="The longest a closure order lasts when made."
    )
    closure_order_max_months = models.PositiveSmallIntegerField(
        default=6, help_text="The longest a closure order lasts with its extensions."
    )
    new_incident_days = models.PositiveSmallIntegerField(
        default=7, help_text="How long an incident someone else recorded on your case shows in My work."
    )
    risk_matrix = models.JSONField(
        default=dict,
        blank=True,
        help_text="The risk questions and thresholds; empty for the default matrix (asb/risk.py).",
    )

    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"ASB settings of {self.partnership}"

    @property
    def audit_partnership(self) -> Partnership:
        return self.partnership


# --- Cases ----------------------------------------------------------------------------------------------


class CaseStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"
    MERGED = "merged", "Merged into another case"


class Flag(models.TextChoices):
    NONE = "", "None"
    JAG = "jag", "Joint Action Group"
    CASE_CONFERENCE = "case_conference", "Case conference"


class RiskLevel(models.TextChoices):
    STANDARD = "standard", "Standard"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class Case(PublicRecord, Located):
    """An ASB case: the behaviour at a place, the people in it, and what the partnership does about it."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="asb_cases")
    reference = models.CharField(max_length=20, help_text="The partnership's own: ASB-2026-00001.")
    summary = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    lead_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="asb_cases_led"
    )
    lead_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="asb_cases_led",
    )
    opened_on = models.DateField()
    closed_at = models.DateTimeField(null=True, blank=True)
    risk_level = models.CharField(
        max_length=10, choices=RiskLevel.choices, blank=True, help_text="From the latest risk assessment."
    )
    risk_review_due_on = models.DateField(null=True, blank=True)
    flagged_for = models.CharField(max_length=20, choices=Flag.choices, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-opened_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "reference"], name="one_case_per_reference")
        ]
        indexes = [
            models.Index(fields=["partnership", "status", "opened_on"]),
            models.Index(fields=["partnership", "postcode"]),
            models.Index(fields=["partnership", "ward_code"]),
            models.Index(fields=["lead_officer", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.summary}"

    @property
    def audit_partnership(self) -> Partnership:
        return self.partnership


class CaseStep(StepBase):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="steps")


class CaseOrganisation(PublicRecord):
    """An organisation invited to work on a case, until it is removed (the row stays, as the record)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="involvements")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="asb_involvements")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "organisation"],
                condition=models.Q(removed_at=None),
                name="one_live_involvement_per_organisation",
            )
        ]
        indexes = [models.Index(fields=["organisation", "removed_at"])]

    def __str__(self) -> str:
        return f"{self.organisation} on {self.case.reference}"

    @property
    def audit_partnership(self) -> Partnership:
        return self.case.partnership


class CaseLink(PublicRecord):
    """Two cases an officer says are related (the same family, the same block), each shown on the other."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="links_from")
    other = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="links_to")
    reason = models.CharField(max_length=200)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "other"], name="one_link_per_pair")]

    @property
    def audit_partnership(self) -> Partnership:
        return self.case.partnership


# --- People and places ------------------------------------------------------------------------------------


class PartyKind(models.TextChoices):
    PERSON = "person", "Person"
    HOUSEHOLD = "household", "Household"
    BUSINESS = "business", "Business"
    PREMISES = "premises", "Premises"


class Party(PublicRecord):
    """A person, household, business or premises known to the partnership, once, whatever cases it is in.

    `family_key` and `given_key` are phonetic keys of the name (asb/matching.py), indexed, so that likely
    duplicates are found by the database among a few candidates, never by reading every name.
    """

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="asb_parties")
    kind = models.CharField(max_length=10, choices=PartyKind.choices, default=PartyKind.PERSON)
    name = models.CharField(max_length=200)
    date_of_birth = models.DateField(null=True, blank=True)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    family_key = models.CharField(max_length=20, blank=True)
    given_key = models.CharField(max_length=20, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["partnership", "family_key"]),
            models.Index(fields=["partnership", "date_of_birth"]),
            models.Index(fields=["partnership", "postcode"]),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_partnership(self) -> Partnership:
        return self.partnership


class PartyRole(models.TextChoices):
    VICTIM = "victim", "Victim"
    PERPETRATOR = "perpetrator", "Perpetrator"
    WITNESS = "witness", "Witness"
    REPORTER = "reporter", "Reporter"


class Stage(models.TextChoices):
    """A perpetrator's place on the incremental approach (domain rules §3, §9.3), in its usual order."""

    NONE = "none", "No action yet"
    ADVICE = "advice", "Advice"
    WARNING_LETTER = "warning_letter", "Warning letter"
    ABC = "abc", "Acceptable Behaviour Contract"
    CPW = "cpw", "Community Protection Warning"
    CPN = "cpn", "Community Protection Notice"
    FPN = "fpn", "Fixed penalty notice"
    PROSECUTION = "prosecution", "Prosecution for breach"
    INJUNCTION = "injunction", "Civil injunction applied for"
    CBO = "cbo", "Criminal Behaviour Order requested"
    CLOSURE_NOTICE = "closure_notice", "Closure notice"
    CLOSURE_ORDER = "closure_order", "Closure order"
    RESOLVED = "resolved", "Resolved"


class CaseParty(PublicRecord):
    """A party's part in one case. A perpetrator's `stage` is its place on the incremental approach; the
    step being taken sets `stage_since` and `stage_due_on` (the deadline it starts) before it moves."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="roles")
    role = models.CharField(max_length=12, choices=PartyRole.choices)
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.NONE)
    stage_since = models.DateField(null=True, blank=True)
    stage_due_on = models.DateField(null=True, blank=True)
    convicted_on = models.DateField(
        null=True, blank=True, help_text="A conviction, which a Criminal Behaviour Order needs."
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["role", "party__name"]
        constraints = [
            models.UniqueConstraint(fields=["case", "party", "role"], name="one_role_per_party_per_case")
        ]

    def __str__(self) -> str:
        return f"{self.party} ({self.get_role_display().lower()}) on {self.case.reference}"

    @property
    def audit_partnership(self) -> Partnership:
        return self.case.partnership


class InterventionOutcome(models.TextChoices):
    PENDING = "pending", "Not yet known"
    COMPLIED = "complied", "Complied"
    BREACHED = "breached", "Breached"
    GRANTED = "granted", "Granted by the court"
    REFUSED = "refused", "Refused by the court"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Intervention(StepBase):
    """One step of the incremental approach taken with a perpetrator: the perpetrator workflow's step
    record, with the day it was taken, the deadline it started and, later, its outcome."""

    case_party = models.ForeignKey(CaseParty, on_delete=models.CASCADE, related_name="steps")
    issued_on = models.DateField()
    due_on = models.DateField(null=True, blank=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(
        max_length=12, choices=InterventionOutcome.choices, default=InterventionOutcome.PENDING
    )

    history = HistoricalRecords()

    @property
    def audit_partnership(self) -> Partnership:
        return self.case_party.case.partnership


class IncidentCategory(models.TextChoices):
    PERSONAL = "personal", "Personal"
    NUISANCE = "nuisance", "Nuisance"
    ENVIRONMENTAL = "environmental", "Environmental"


class HateStrand(models.TextChoices):
    NONE = "", "Not hate-motivated"
    RACE = "race", "Race or ethnicity"
    RELIGION = "religion", "Religion or belief"
    SEXUAL_ORIENTATION = "sexual_orientation", "Sexual orientation"
    DISABILITY = "disability", "Disability"
    TRANSGENDER = "transgender", "Transgender identity"
    OTHER = "other", "Other"


class Incident(PublicRecord, Located):
    """One report of behaviour, from the organisation that took it, under its own reference. The same
    organisation's reference is stored once (the constraint); an incident may wait without a case."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="asb_incidents")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="incidents")
    occurred_at = models.DateTimeField(help_text="When the behaviour happened.")
    reported_on = models.DateField()
    reporting_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(max_length=60, blank=True, help_text="The reporting organisation's own.")
    category = models.CharField(max_length=15, choices=IncidentCategory.choices)
    hate_motivated = models.BooleanField(default=False)
    hate_strand = models.CharField(max_length=20, choices=HateStrand.choices, blank=True)
    description = models.TextField()
    victim = models.ForeignKey(
        Party, null=True, blank=True, on_delete=models.SET_NULL, related_name="incidents"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "reporting_organisation", "reference"],
                condition=~models.Q(reference=""),
                name="one_incident_per_reference",
            ),
            models.CheckConstraint(
                condition=models.Q(hate_motivated=True) | models.Q(hate_strand=""),
                name="hate_strand_only_when_hate_motivated",
            ),
        ]
        indexes = [
            models.Index(fields=["case", "occurred_at"]),
            models.Index(fields=["partnership", "occurred_at"]),
            models.Index(fields=["partnership", "postcode"]),
            models.Index(fields=["partnership", "lsoa_code"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} incident on {self.occurred_at:%d %B %Y}"

    @property
    def audit_partnership(self) -> Partnership:
        return self.partnership


class RiskAssessment(PublicRecord):
    """A victim's risk and vulnerability, at a case's start or a review: the answers, and the questions
    and thresholds they were scored against (kept, so a later change to the matrix rewrites nothing)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="risk_assessments")
    victim = models.ForeignKey(CaseParty, on_delete=models.CASCADE, related_name="risk_assessments")
    assessed_on = models.DateField()
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    matrix = models.JSONField(help_text="The questions and thresholds scored against.")
    answers = models.JSONField(help_text="The keys of the questions answered yes.")
    score = models.PositiveSmallIntegerField()
    level = models.CharField(max_length=10, choices=RiskLevel.choices)
    notes = models.TextField(blank=True)
    next_review_on = models.DateField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["-assessed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_level_display()} risk on {self.assessed_on:%d %B %Y}"

    @property
    def audit_partnership(self) -> Partnership:
        return self.case.partnership


class LetterTemplate(PublicRecord):
    """The partnership's wording of the letter or notice a step of the incremental approach sends."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="asb_letter_templates"
    )
    stage = models.CharField(max_length=20, choices=Stage.choices)
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Plain text with placeholders such as {perpetrator_name}.")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["stage"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "stage"], name="one_template_per_stage")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def audit_partnership(self) -> Partnership:
        return self.partnership


# --- JAG problem places ---------------------------------------------------------------------------------


class PlaceKind(models.TextChoices):
    HOTSPOT = "hotspot", "Hotspot"
    PREMISES = "premises", "Premises"
    PARK = "park", "Park or open space"
    STREET = "street", "Street or estate"
    OTHER = "other", "Other"


class PlaceStatus(models.TextChoices):
    OPEN = "open", "Being worked on"
    CLOSED = "closed", "Closed"


class ProblemPlace(PublicRecord):
    """A place a Joint Action Group works on: a point with a radius, or an area (a GeoJSON polygon), with its
    problem-solving plan (scanning, analysis, response, assessment) and the day the response began, which
    splits the crime counts around it into before and after."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="problem_places")
    group = models.ForeignKey(
        Group,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="problem_places",
        help_text="The JAG that reviews it.",
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=PlaceKind.choices)
    latitude = models.FloatField()
    longitude = models.FloatField()
    radius_metres = models.PositiveIntegerField(default=250)
    area = models.JSONField(null=True, blank=True, help_text="A GeoJSON polygon, WGS84; else the circle.")
    scanning = models.TextField(blank=True)
    analysis = models.TextField(blank=True)
    response = models.TextField(blank=True)
    assessment = models.TextField(blank=True)
    response_started_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=PlaceStatus.choices, default=PlaceStatus.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="one_problem_place_per_name")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_partnership(self) -> Partnership:
        return self.partnership


class PlaceAction(models.Model):
    """An action on the JAG's action log that belongs to a problem place's plan."""

    place = models.ForeignKey(ProblemPlace, on_delete=models.CASCADE, related_name="action_links")
    action = models.OneToOneField(Action, on_delete=models.CASCADE, related_name="problem_place_link")

    def __str__(self) -> str:
        return f"{self.action} at {self.place}"


def age_on(date_of_birth: dt.date, day: dt.date) -> int:
    """Age in whole years on `day`; someone born on 29 February turns a year older on 1 March in a year
    without one."""
    years = day.year - date_of_birth.year
    return years - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))
