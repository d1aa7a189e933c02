"""Partnerships (the tenancy), their member organisations, people's roles, groups, meetings and actions."""

from typing import Any

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from saferhub.core.models import PublicRecord


class PartnershipKind(models.TextChoices):
    FORCE_AREA = "force_area", "Force area (Police and Crime Commissioner)"
    COUNTY_BOARD = "county_board", "County strategy board"
    DISTRICT_CSP = "district_csp", "District community safety partnership"
    UNITARY_CSP = "unitary_csp", "Unitary community safety partnership"


class Partnership(PublicRecord):
    """A partnership and everything it owns. The permission boundary of the platform."""

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=80, blank=True)
    kind = models.CharField(max_length=20, choices=PartnershipKind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    area_codes = models.JSONField(
        default=list, blank=True, help_text="ONS codes of the areas it covers (local authority districts)."
    )
    requires_two_factor = models.BooleanField(
        default=False, help_text="Staff roles must use two-factor authentication to sign in."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_partnership(self) -> "Partnership":
        return self

    def ancestors(self) -> list["Partnership"]:
        chain: list[Partnership] = []
        node = self.parent
        while node is not None and node not in chain:
            chain.append(node)
            node = node.parent
        return chain


class OrganisationType(models.TextChoices):
    POLICE = "police", "Police"
    COUNCIL = "council", "Local authority"
    FIRE = "fire", "Fire and rescue"
    PROBATION = "probation", "Probation"
    HEALTH = "health", "Health (integrated care board)"
    OPCC = "opcc", "Office of the Police and Crime Commissioner"
    VOLUNTARY = "voluntary", "Voluntary and community sector"
    HOUSING = "housing", "Housing provider"
    EDUCATION = "education", "Education"
    OTHER = "other", "Other"


class Organisation(PublicRecord):
    """A body that takes part in one or more partnerships (Leicestershire Police sits on several)."""

    name = models.CharField(max_length=200, unique=True)
    type = models.CharField(max_length=20, choices=OrganisationType.choices)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PartnerStatus(models.TextChoices):
    RESPONSIBLE_AUTHORITY = "responsible_authority", "Responsible authority"
    CO_OPERATING_BODY = "co_operating_body", "Co-operating body"
    OTHER_PARTNER = "other_partner", "Other partner"


class PartnerOrganisation(PublicRecord):
    """An organisation's place in a partnership: a responsible authority under the 1998 Act, or not."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="partners")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="partnerships")
    status = models.CharField(max_length=30, choices=PartnerStatus.choices)

    history = HistoricalRecords()

    class Meta:
        ordering = ["status", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "organisation"], name="one_place_per_partnership")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.partnership}"

    @property
    def audit_partnership(self) -> Partnership:
        return self.partnership


class Role(models.TextChoices):
    PARTNERSHIP_MANAGER = "partnership_manager", "Partnership manager"
    ANALYST = "analyst", "Analyst"
    THEME_LEAD = "theme_lead", "Theme lead"
    CASE_OFFICER = "case_officer", "Case officer"
    DHR_COORDINATOR = "dhr_coordinator", "DHR coordinator"
    GRANT_ASSESSOR = "grant_assessor", "Grant assessor"
    BOARD_MEMBER = "board_member", "Board member or scrutiny councillor (read only)"
    ADMINISTRATOR = "administrator", "Administrator"


# Roles that run partnership business; a partnership can require two-factor authentication for them.
STAFF_ROLES = frozenset(set(Role) - {Role.BOARD_MEMBER})
# Roles that manage the partnership's own records: plan, groups, memberships, the audit trail.
MANAGING_ROLES = frozenset({Role.PARTNERSHIP_MANAGER, Role.ADMINISTRATOR})


class Membership(PublicRecord):
    """A person acting for an organisation in a partnership, in one role."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=30, choices=Role.choices)

    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership__name", "user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "partnership", "role"], name="one_membership_per_role")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}, {self.partnership}"

    @property
    def audit_partnership(self) -> Partnership:
        return self.partnership


def role_with_article(role: str) -> str:
    """The role as it ends a sentence: "to be an analyst", "to be a board member ..."."""
    label = Role(role).label.lower()
    return f"{'an' if label[0] in 'aeiou' else 'a'} {label}"


class MembershipInvitation(PublicRecord):
    """A role offered to a person by email: no access until they accept it, when it becomes a Membership.

    Every address is invited the same way, whether or not it already has an account, and the invitation
    names the person as the manager typed: so nothing the manager sees says whose the address is.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership_invitations"
    )
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="invitations")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="invitations")
    role = models.CharField(max_length=30, choices=Role.choices)
    name_given = models.CharField(
        max_length=200, help_text="Their name as the person who invited them typed it."
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "partnership", "role"], name="one_invitation_per_role")
        ]

    def __str__(self) -> str:
        return f"{self.name_given} ({self.user.email}) – {self.get_role_display()}, {self.partnership}"

    @property
    def audit_partnership(self) -> Partnership:
        return self.partnership

    @property
    def role_with_article(self) -> str:
        return role_with_article(self.role)


class GroupKind(models.TextChoices):
    BOARD = "board", "Board"
    SUB_GROUP = "sub_group", "Sub-group"
    JAG = "jag", "Joint action group (JAG)"
    DELIVERY_GROUP = "delivery_group", "Delivery group"


class Group(PublicRecord):
    """A board, sub-group, JAG or delivery group of a partnership."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=GroupKind.choices)
    purpose = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="group_name_per_partnership")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_partnership(self) -> Partnership:
        return self.partnership


class Meeting(PublicRecord):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField()
    title = models.CharField(max_length=200)
    notes = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on:%d %B %Y})"

    @property
    def audit_partnership(self) -> Partnership:
        return self.group.partnership


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CLOSED = "closed", "Closed without completion"


class Action(PublicRecord):
    """An item on a group's action log: who will do what, by when."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="actions")
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    description = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    owner_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    update = models.TextField(blank=True, help_text="Progress so far.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["status", "due_on"]

    def __str__(self) -> str:
        return self.description[:80]

    @property
    def audit_partnership(self) -> Partnership:
        return self.group.partnership

    def is_overdue(self, today: Any) -> bool:
        return (
            self.due_on is not None
            and self.due_on < today
            and self.status
            in {
                ActionStatus.OPEN,
                ActionStatus.IN_PROGRESS,
            }
        )
