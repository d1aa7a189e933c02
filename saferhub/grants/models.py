"""Partnership funding: a fund, its rounds, the applications to them, the awards made, and the money.

Money is held as whole pence (`BigIntegerField`), never as floats: every total on every page is a sum of
integers and reconciles to the penny (`money.py` computes them; its property test checks they always do).
"""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from saferhub.core.models import PublicRecord
from saferhub.partnerships.models import Organisation, Partnership
from saferhub.plans.models import CrossCuttingTheme, Priority
from saferhub.reporting.models import ReportingRoundBase, ReturnBase, ReturnStepBase
from saferhub.workflow.models import StepBase


class Fund(PublicRecord):
    """Money a funder gives a partnership to grant to projects: the OPCC's locality fund for a year."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="funds")
    name = models.CharField(max_length=200)
    funder = models.CharField(
        max_length=200, help_text="Who gives the money: the Police and Crime Commissioner."
    )
    accountable_body = models.CharField(
        max_length=200, help_text="Who holds and accounts for it: the council, for a locality fund."
    )
    financial_year = models.PositiveIntegerField(
        help_text="The year the financial year starts: 2026 for 2026/27."
    )
    total_pence = models.BigIntegerField()
    served = models.ManyToManyField(
        Partnership, blank=True, related_name="funds_serving", help_text="The partnerships the fund serves."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-financial_year", "name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(total_pence__gte=0), name="fund_total_not_negative"),
            models.UniqueConstraint(
                fields=["partnership", "financial_year", "name"], name="one_fund_per_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_partnership(self) -> Partnership:
        return self.partnership


class GrantRound(PublicRecord):
    """A window in which organisations apply to a fund, with what it asks and how applications are scored."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="rounds")
    title = models.CharField(max_length=200)
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    eligibility = models.TextField(help_text="Who may apply and for what, as the round's page says it.")
    questions = models.JSONField(default=list, blank=True, help_text="The round's own questions, in order.")
    max_award_pence = models.BigIntegerField(help_text="The most one project may ask for.")
    pass_mark_percent = models.PositiveSmallIntegerField(
        help_text="The weighted score, as a percentage of the most it could be, a project must reach."
    )
    assessors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="grant_rounds_assessed"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="round_closes_after_opening"
            ),
            models.CheckConstraint(
                condition=models.Q(max_award_pence__gt=0), name="round_max_award_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(pass_mark_percent__gte=0, pass_mark_percent__lte=100),
                name="round_pass_mark_percent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fund}: {self.title}"

    @property
    def audit_partnership(self) -> Partnership:
        return self.fund.partnership


class Criterion(models.Model):
    """What assessors score each application on, 0 to `max_score`, and how much it weighs in the total."""

    grant_round = models.ForeignKey(GrantRound, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(max_length=200)
    guidance = models.TextField(blank=True)
    weight = models.PositiveSmallIntegerField(default=1)
    max_score = models.PositiveSmallIntegerField(default=5)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["grant_round", "name"], name="one_criterion_per_name"),
            models.CheckConstraint(condition=models.Q(weight__gte=1), name="criterion_weight_positive"),
            models.CheckConstraint(condition=models.Q(max_score__gte=1), name="criterion_max_score_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class ApplicantMember(PublicRecord):
    """A person who applies for an organisation: they see and work on its applications, and no one else's."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="applicant_memberships"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="applicant_members")

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_applicant_membership")
        ]

    def __str__(self) -> str:
        return f"{self.user} for {self.organisation}"


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    INELIGIBLE = "ineligible", "Not eligible"
    ELIGIBLE = "eligible", "Eligible, being scored"
    MODERATED = "moderated", "Moderated"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ApplicationSection(models.TextChoices):
    """The application form's sections, in the order of its task list."""

    ORGANISATION = "organisation", "Your organisation"
    PROJECT = "project", "The project"
    PRIORITIES = "priorities", "The priorities it serves"
    OUTCOMES = "outcomes", "Outcomes and measures"
    BUDGET = "budget", "Budget"
    MATCH_FUNDING = "match_funding", "Match funding"
    QUESTIONS = "questions", "The round's questions"


class Decision(models.TextChoices):
    APPROVE = "approve", "Approve"
    APPROVE_WITH_CONDITIONS = "approve_with_conditions", "Approve with conditions"
    REJECT = "reject", "Reject"


class Application(PublicRecord):
    """An organisation's bid to a round: filled in section by section, submitted, scored and decided."""

    grant_round = models.ForeignKey(GrantRound, on_delete=models.PROTECT, related_name="applications")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="grant_applications"
    )
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="grant_applications",
        help_text="The applicant who started it: the project's returns are addressed to them.",
    )
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    amount_requested_pence = models.BigIntegerField(default=0)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    priorities = models.ManyToManyField(Priority, blank=True, related_name="grant_applications")
    themes = models.ManyToManyField(CrossCuttingTheme, blank=True, related_name="grant_applications")
    # The organisation section's and the round's questions' answers: {"registered_number": ..., "q1": ...}
    answers = models.JSONField(default=dict, blank=True)
    sections_completed = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    decision = models.CharField(max_length=30, choices=Decision.choices, blank=True)
    decision_reason = models.TextField(blank=True)
    conditions = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["grant_round", "title"]

    def __str__(self) -> str:
        return self.title

    @property
    def audit_partnership(self) -> Partnership:
        return self.grant_round.fund.partnership


class BudgetLine(PublicRecord):
    """What the money is for, line by line: the application asks for their sum, and returns report spend
    against each."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="budget_lines")
    item = models.CharField(max_length=200)
    amount_pence = models.BigIntegerField()
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_pence__gt=0), name="budget_line_positive")
        ]

    def __str__(self) -> str:
        return self.item


class MatchFunding(PublicRecord):
    """Money the project has from elsewhere, and whether it is confirmed."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="match_funding")
    source = models.CharField(max_length=200)
    amount_pence = models.BigIntegerField()
    confirmed = models.BooleanField(default=False)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_pence__gt=0), name="match_funding_positive")
        ]

    def __str__(self) -> str:
        return self.source


class Outcome(PublicRecord):
    """What the project promises to change, the measure that will show it, and the target."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="outcomes")
    text = models.CharField(max_length=300)
    measure = models.CharField(max_length=200)
    target = models.DecimalField(max_digits=12, decimal_places=2)
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class ApplicationStep(StepBase):
    """One step in an application's life, with who took it and why: submitted, ruled ineligible, decided."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="steps")

    class Meta(StepBase.Meta):
        pass

    @property
    def audit_partnership(self) -> Partnership:
        return self.application.audit_partnership


class Score(PublicRecord):
    """One assessor's score of one application against one criterion, given alone, with a comment."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="scores")
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="grant_scores"
    )
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    score = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application", "assessor", "criterion"], name="one_grant_score_each"
            )
        ]

    @property
    def audit_partnership(self) -> Partnership:
        return self.application.audit_partnership


class ConflictOfInterest(PublicRecord):
    """An assessor's declaration that they may not score an application (they sit on its organisation's
    board, say): from then on they cannot score it."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="conflicts")
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="grant_conflicts"
    )
    reason = models.TextField()

    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "assessor"], name="one_conflict_each")]

    @property
    def audit_partnership(self) -> Partnership:
        return self.application.audit_partnership


class ModeratedScore(PublicRecord):
    """The score moderation agreed for a criterion, with the reason where it differs from the assessors'."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="moderated_scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="moderated_scores")
    score = models.PositiveSmallIntegerField()
    reason = models.TextField(blank=True)
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "criterion"], name="one_moderated_score_each")
        ]

    @property
    def audit_partnership(self) -> Partnership:
        return self.application.audit_partnership


class AwardStatus(models.TextChoices):
    OFFERED = "offered", "Offered"
    ACCEPTED = "accepted", "Accepted, being monitored"
    DECLINED = "declined", "Declined"
    FINAL_REPORT = "final_report", "Final report in"
    CLOSED = "closed", "Closed"


# A running award: accepted and being monitored, until it is closed. It is paid, varied, reported on and
# clawed back from only while running.
RUNNING_AWARD_STATUSES = frozenset({AwardStatus.ACCEPTED, AwardStatus.FINAL_REPORT})


class Award(PublicRecord):
    """The grant offered to an approved application: its amount, conditions and payment schedule."""

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="award")
    amount_pence = models.BigIntegerField(
        help_text="As offered; approved variations change what is committed."
    )
    conditions = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=AwardStatus.choices, default=AwardStatus.OFFERED)
    respond_by = models.DateField(help_text="The offer lapses unless accepted by this date.")
    offered_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    final_report = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["application__title"]
        constraints = [models.CheckConstraint(condition=models.Q(amount_pence__gt=0), name="award_positive")]

    def __str__(self) -> str:
        return f"Award to {self.application}"

    @property
    def audit_partnership(self) -> Partnership:
        return self.application.audit_partnership


class AwardStep(StepBase):
    """One step in an award's life: offered, accepted, declined, final report, closed."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="steps")

    class Meta(StepBase.Meta):
        pass

    @property
    def audit_partnership(self) -> Partnership:
        return self.award.audit_partnership


class Instalment(PublicRecord):
    """A planned payment of the award: on acceptance, or once the return of a given quarter is accepted."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="instalments")
    position = models.PositiveSmallIntegerField()
    amount_pence = models.BigIntegerField()
    after_quarter = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Paid once this quarter's return is accepted; empty: on acceptance."
    )
    paid_on = models.DateField(null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_pence__gt=0), name="instalment_positive"),
            models.UniqueConstraint(fields=["award", "position"], name="one_instalment_per_position"),
        ]

    @property
    def audit_partnership(self) -> Partnership:
        return self.award.audit_partnership


class VariationStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    APPROVED = "approved", "Approved"
    REFUSED = "refused", "Refused"


class Variation(PublicRecord):
    """A change to an award the project asks for (more or less money, moving money between budget lines, a
    later end): no change without the partnership's written approval, and every request is kept."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="variations")
    description = models.TextField()
    amount_pence = models.BigIntegerField(default=0, help_text="Added to the award; negative to reduce it.")
    status = models.CharField(
        max_length=20, choices=VariationStatus.choices, default=VariationStatus.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_reason = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at"]

    @property
    def audit_partnership(self) -> Partnership:
        return self.award.audit_partnership


class Clawback(PublicRecord):
    """Money the project pays back: an underspend found at reconciliation, or money not spent as agreed."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="clawbacks")
    amount_pence = models.BigIntegerField()
    reason = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_pence__gt=0), name="clawback_positive")
        ]

    @property
    def audit_partnership(self) -> Partnership:
        return self.award.audit_partnership


class Spend(PublicRecord):
    """What the project reports it spent against one budget line, in one return (or its final report)."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="spend")
    budget_line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="spend")
    period = models.CharField(max_length=40, help_text="The return it was reported in: '2026/27 Q1'.")
    amount_pence = models.BigIntegerField()

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_pence__gte=0), name="spend_not_negative"),
            models.UniqueConstraint(
                fields=["award", "budget_line", "period"], name="one_spend_per_line_period"
            ),
        ]

    @property
    def audit_partnership(self) -> Partnership:
        return self.award.audit_partnership


class ProjectReturnRound(ReportingRoundBase):
    """A quarter of the fund's financial year for which every running project reports, by a due date."""

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="return_rounds")
    financial_year = models.PositiveIntegerField()
    quarter = models.PositiveSmallIntegerField(choices=[(q, f"Q{q}") for q in (1, 2, 3, 4)])

    history = HistoricalRecords()

    class Meta:
        ordering = ["-financial_year", "-quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["fund", "financial_year", "quarter"], name="one_project_round_per_quarter"
            ),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4), name="project_quarter_1_to_4"
            ),
        ]

    @property
    def label(self) -> str:
        return f"{self.financial_year}/{(self.financial_year + 1) % 100:02d} Q{self.quarter}"


class ProjectReturnSection(models.TextChoices):
    """The sections of a funded project's quarterly report, in the order the project fills them in."""

    PROGRESS = "progress", "Progress against the outcomes"
    FIGURES = "figures", "The measures' figures"
    SPEND = "spend", "Spend against the budget"
    CASE_STUDY = "case_study", "A case study"
    RISKS = "risks", "Risks and help needed"


class ProjectReturn(ReturnBase):
    """A funded project's report for one quarter: the second kind of return of the reporting rounds
    (returns.py declares it). Its lifecycle, reminders and overdue lists are the reporting app's."""

    reporting_round = models.ForeignKey(ProjectReturnRound, on_delete=models.CASCADE, related_name="returns")
    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="returns")
    progress = models.TextField(blank=True)
    # {outcome public id: "12"}: the figure of each outcome's measure this quarter
    figures = models.JSONField(default=dict, blank=True)
    # {budget line public id: pence}: what was spent on each line this quarter
    spend = models.JSONField(default=dict, blank=True)
    case_study = models.TextField(blank=True)
    risks = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["reporting_round", "award__application__title"]
        constraints = [
            models.UniqueConstraint(fields=["reporting_round", "award"], name="one_return_per_award_round")
        ]

    def __str__(self) -> str:
        return f"{self.award.application}: {self.reporting_round.label} return"


class ProjectReturnStep(ReturnStepBase):
    """One step in a project return's life: opened, submitted, returned with a comment, accepted."""

    project_return = models.ForeignKey(ProjectReturn, on_delete=models.CASCADE, related_name="steps")

    class Meta:
        ordering = ["created_at", "id"]

    @property
    def audit_partnership(self) -> Partnership:
        return self.project_return.audit_partnership


class ApplicantInvitation(PublicRecord):
    """A link emailed to bring a person in to apply for an organisation: a partnership manager's invitation
    to a round, a colleague's invitation, or a voluntary group's own sign-up through a round's page.

    The link's token is not stored: like a password-reset link it is a signature of this record
    (selectors.invitations.invitation_tokens), so it expires with the project's password-reset links and
    stops working once `used_at` is set. A sign-up keeps the group's details here until the link proves the
    address and the person sets their password there: only then do the organisation and the account exist.
    """

    email = models.EmailField()
    name_given = models.CharField(
        max_length=200, help_text="The person's name as typed by whoever invited them, or by them signing up."
    )
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="applicant_invitations",
        help_text="Empty for a sign-up: the organisation is made once the address is confirmed.",
    )
    organisation_name = models.CharField(max_length=200, blank=True, help_text="A signing-up group's name.")
    registered_number = models.CharField(
        max_length=40, blank=True, help_text="A signing-up group's charity or company number."
    )
    grant_round = models.ForeignKey(
        GrantRound,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="invitations",
        help_text="The round the person is sent to once they have accepted.",
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Invitation to {self.name_given} to apply for {self.organisation_title}"

    @property
    def organisation_title(self) -> str:
        return self.organisation.name if self.organisation is not None else self.organisation_name

    @property
    def is_sign_up(self) -> bool:
        return self.organisation_id is None

    @property
    def audit_partnership(self) -> Partnership | None:
        return self.grant_round.fund.partnership if self.grant_round is not None else None
