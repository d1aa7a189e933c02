"""Information sharing agreements: the central register of who shares what with whom, on what basis.

An agreement in force between a case's lead organisation and another organisation is what lets that
organisation be invited to the case, and decides which of the case's data items it sees (asb/selectors).
Domain rules §6 (contents, the ICO's headings) and §9.7 (the lifecycle, workflows.py).
"""

import datetime as dt

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from saferhub.core.models import PublicRecord
from saferhub.partnerships.models import Organisation, Partnership
from saferhub.workflow.models import StepBase


class DataItem(models.TextChoices):
    """What of an ASB case an agreement lets its parties share. The lead organisation sees all of it."""

    INCIDENTS = "incidents", "Incidents: what happened, when and where"
    VICTIMS = "victims", "Victims', witnesses' and reporters' details: names, dates of birth, addresses"
    PERPETRATORS = "perpetrators", "Perpetrators' details: names, dates of birth, addresses"
    RISK = "risk", "Risk and vulnerability assessments (can be health data: special category)"
    ENFORCEMENT = "enforcement", "Warnings, contracts, notices and court orders"


class LawfulBasis(models.TextChoices):
    """UK GDPR Article 6(1)."""

    CONSENT = "6_1_a", "Article 6(1)(a): consent"
    CONTRACT = "6_1_b", "Article 6(1)(b): contract"
    LEGAL_OBLIGATION = "6_1_c", "Article 6(1)(c): legal obligation"
    VITAL_INTERESTS = "6_1_d", "Article 6(1)(d): vital interests"
    PUBLIC_TASK = "6_1_e", "Article 6(1)(e): public task"
    LEGITIMATE_INTERESTS = "6_1_f", "Article 6(1)(f): legitimate interests"


class SpecialCategoryCondition(models.TextChoices):
    """UK GDPR Article 9(2), for special category data (health, ethnicity, religion, sexual orientation)."""

    NONE = "", "No special category data"
    EXPLICIT_CONSENT = "9_2_a", "Article 9(2)(a): explicit consent"
    EMPLOYMENT_SOCIAL_PROTECTION = (
        "9_2_b",
        "Article 9(2)(b): employment, social security and social protection",
    )
    VITAL_INTERESTS = "9_2_c", "Article 9(2)(c): vital interests"
    SUBSTANTIAL_PUBLIC_INTEREST = (
        "9_2_g",
        "Article 9(2)(g): substantial public interest (DPA 2018 Sch 1 Part 2)",
    )
    HEALTH_SOCIAL_CARE = "9_2_h", "Article 9(2)(h): health or social care"


class PartyRole(models.TextChoices):
    CONTROLLER = "controller", "Controller"
    JOINT_CONTROLLER = "joint_controller", "Joint controller (Article 26)"
    PROCESSOR = "processor", "Processor"


class AgreementStatus(models.TextChoices):
    """Domain rules §9.7. Renewing and amending are steps that leave an agreement active."""

    DRAFT = "draft", "Draft"
    DPIA = "dpia", "Data protection impact assessment"
    LEGAL_REVIEW = "legal_review", "Legal and information governance review"
    SIGNED = "signed", "Signed"
    ACTIVE = "active", "Active"
    REVIEW_DUE = "review_due", "Review due"
    TERMINATED = "terminated", "Terminated"


# An agreement in these states shares data, between its start and end dates; a review overdue does not
# stop the sharing (the register lists it), an end date passed or a termination does, at once.
SHARING_STATUSES = frozenset({AgreementStatus.ACTIVE, AgreementStatus.REVIEW_DUE})


class SharingAgreement(PublicRecord):
    """An information sharing agreement in the partnership's register (ICO Data Sharing Code headings)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="sharing_agreements")
    title = models.CharField(max_length=200)
    purpose = models.TextField()
    lawful_basis = models.CharField(max_length=10, choices=LawfulBasis.choices)
    special_category_condition = models.CharField(
        max_length=10, choices=SpecialCategoryCondition.choices, blank=True
    )
    criminal_offence_data = models.BooleanField(
        default=False, help_text="Criminal offence data (Article 10; DPA 2018 Part 3 for police processing)."
    )
    crime_and_disorder_s115 = models.BooleanField(
        default=False, help_text="Crime and Disorder Act 1998 s115: the power to share for its purposes."
    )
    crime_and_disorder_s17a = models.BooleanField(
        default=False, help_text="Crime and Disorder Act 1998 s17A: the duty to share depersonalised data."
    )
    other_gateways = models.TextField(blank=True)
    data_items = models.JSONField(default=list, help_text="The DataItem values the parties share.")
    retention = models.TextField(help_text="How long each party keeps the data, and how it is destroyed.")
    security = models.TextField(help_text="How the data is kept and sent securely; breach handling.")
    dpia_reference = models.CharField(max_length=100, blank=True)
    high_risk = models.BooleanField(
        default=False, help_text="Sharing likely to result in high risk: a DPIA is mandatory (§6.5)."
    )
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    review_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT)
    signed_at = models.DateTimeField(null=True, blank=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    terminated_at = models.DateTimeField(null=True, blank=True)
    review_reminded_for = models.DateField(
        null=True, blank=True, help_text="The review date a reminder was last sent for."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["title"]
        indexes = [models.Index(fields=["partnership", "status"])]

    def __str__(self) -> str:
        return self.title

    @property
    def audit_partnership(self) -> Partnership:
        return self.partnership

    def in_force_on(self, day: dt.date) -> bool:
        return (
            self.status in SHARING_STATUSES
            and (self.starts_on is None or self.starts_on <= day)
            and (self.ends_on is None or day <= self.ends_on)
        )

    def data_item_labels(self) -> list[str]:
        return [DataItem(item).label for item in DataItem if item in self.data_items]


class AgreementParty(PublicRecord):
    """An organisation party to an agreement, its role, and who signed for it (senior sign-off, §6.4)."""

    agreement = models.ForeignKey(SharingAgreement, on_delete=models.CASCADE, related_name="parties")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="sharing_parties")
    role = models.CharField(max_length=20, choices=PartyRole.choices, default=PartyRole.CONTROLLER)
    signatory_name = models.CharField(max_length=200, blank=True)
    signatory_role = models.CharField(max_length=200, blank=True)
    signed_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "organisation"], name="one_party_per_organisation")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.agreement}"

    @property
    def audit_partnership(self) -> Partnership:
        return self.agreement.partnership


class AgreementStep(StepBase):
    agreement = models.ForeignKey(SharingAgreement, on_delete=models.CASCADE, related_name="steps")
