"""Pages for partnerships: the home page, a partnership, its people, groups, meetings and action log."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from saferhub.core.registry import navigation, work_by_heading
from saferhub.design_system.views import form_page
from saferhub.partnerships import selectors, services
from saferhub.partnerships.forms import (
    ActionForm,
    GroupForm,
    MeetingForm,
    MembershipAddForm,
    PartnerOrganisationForm,
    PartnershipSettingsForm,
)
from saferhub.partnerships.models import role_with_article
from saferhub.partnerships.permissions import partnership_for_action, require_permission

MANAGE = "partnerships.manage_partnership"


@login_required
def home(request: HttpRequest) -> HttpResponse:
    memberships = selectors.memberships_of(request.user)
    member_of = {membership.partnership_id for membership in memberships}
    also_visible = [p for p in selectors.partnerships_visible_to(request.user) if p.id not in member_of]
    today = timezone.localdate()
    return render(
        request,
        "partnerships/home.html",
        {
            "today": today,
            "work": work_by_heading(request.user, today),
            "memberships": memberships,
            "also_visible": also_visible,
            "invitations": selectors.invitations_for(request.user),
        },
    )


@login_required
@require_POST
def invitation_accept(request: HttpRequest, invitation_id: UUID) -> HttpResponse:
    invitation = selectors.invitation_for(request.user, invitation_id)
    membership = services.membership_invitation_accept(invitation=invitation)
    messages.success(request, f"You are now {invitation.role_with_article} in {membership.partnership.name}")
    return redirect("partnerships:partnership", slug=membership.partnership.slug)


@login_required
@require_POST
def invitation_decline(request: HttpRequest, invitation_id: UUID) -> HttpResponse:
    invitation = selectors.invitation_for(request.user, invitation_id)
    services.membership_invitation_decline(invitation=invitation)
    messages.success(request, f"You have declined the invitation from {invitation.partnership.name}")
    return redirect("partnerships:home")


@login_required
def partnership_overview(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = selectors.partnership_for(request.user, slug)
    return render(
        request,
        "partnerships/partnership.html",
        {
            "partnership": partnership,
            "areas": selectors.areas_covered_by(partnership),
            "partners": selectors.partner_organisations_of(partnership),
            "groups": selectors.groups_of(partnership),
            "children": selectors.partnerships_visible_to(request.user).filter(parent=partnership),
            "can_manage": request.user.has_perm(MANAGE, partnership),
            "your_roles": selectors.role_labels_in(request.user, partnership),
            "navigation": [
                entry
                for entry in navigation()
                if entry.permission is None or request.user.has_perm(entry.permission, partnership)
            ],
        },
    )


@login_required
def people(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = selectors.partnership_for(request.user, slug)
    return render(
        request,
        "partnerships/people.html",
        {
            "partnership": partnership,
            "memberships": selectors.memberships_in(partnership),
            "invitations": selectors.invitations_in(partnership),
            "can_manage": request.user.has_perm(MANAGE, partnership),
        },
    )


@login_required
def membership_add(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_for_action(request.user, slug, MANAGE)
    form = MembershipAddForm(request.POST or None, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.membership_invitation_create(
            actor=request.user,
            partnership=partnership,
            email=data["email"],
            name_given=data["full_name"],
            organisation=data["organisation"],
            role=data["role"],
        )
        # Built from what the manager typed alone, whatever the address turned out to be (a new person, an
        # existing account, someone who already has the role): the answer must not tell them which.
        role = role_with_article(data["role"])
        messages.success(
            request,
            f"{data['full_name']} ({data['email']}) has been invited to be {role}. "
            "They will appear under People once they accept.",
        )
        return redirect("partnerships:people", slug=slug)
    return form_page(
        request,
        form,
        title="Add a person",
        caption=partnership.name,
        submit_text="Add person",
        cancel_url=reverse("partnerships:people", args=[slug]),
        partnership=partnership,
    )


@login_required
def membership_remove(request: HttpRequest, slug: str, membership_id: UUID) -> HttpResponse:
    partnership = selectors.partnership_for(request.user, slug)
    membership = selectors.membership_in(partnership, membership_id)
    require_permission(request.user, MANAGE, membership)
    if request.method == "POST":
        services.membership_end(actor=request.user, membership=membership)
        messages.success(request, f"{membership.user} no longer has the role {membership.get_role_display()}")
        return redirect("partnerships:people", slug=slug)
    return render(
        request, "partnerships/membership_remove.html", {"partnership": partnership, "membership": membership}
    )


@login_required
def invitation_withdraw(request: HttpRequest, slug: str, invitation_id: UUID) -> HttpResponse:
    partnership = selectors.partnership_for(request.user, slug)
    invitation = selectors.invitation_in(partnership, invitation_id)
    require_permission(request.user, MANAGE, invitation)
    if request.method == "POST":
        services.membership_invitation_withdraw(actor=request.user, invitation=invitation)
        messages.success(request, f"The invitation to {invitation.name_given} has been withdrawn")
        return redirect("partnerships:people", slug=slug)
    return _confirm_remove(
        request,
        partnership=partnership,
        title=f"Withdraw the invitation to {invitation.name_given}?",
        caption=partnership.name,
        consequences=[
            f"They will no longer be able to accept the role of {invitation.get_role_display().lower()}. "
            "You can invite them again later."
        ],
        submit_text="Withdraw invitation",
        cancel_url=reverse("partnerships:people", args=[slug]),
    )


@login_required
def partnership_settings(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_for_action(request.user, slug, MANAGE)
    form = PartnershipSettingsForm(
        request.POST or None, initial={"requires_two_factor": partnership.requires_two_factor}
    )
    if request.method == "POST" and form.is_valid():
        services.partnership_settings_update(
            actor=request.user,
            partnership=partnership,
            requires_two_factor=form.cleaned_data["requires_two_factor"],
        )
        messages.success(request, "Settings saved")
        return redirect("partnerships:partnership", slug=slug)
    return form_page(
        request,
        form,
        title="Partnership settings",
        caption=partnership.name,
        cancel_url=reverse("partnerships:partnership", args=[slug]),
        partnership=partnership,
    )


def _confirm_remove(
    request: HttpRequest,
    *,
    partnership: Any,
    title: str,
    caption: str,
    consequences: list[str],
    submit_text: str,
    cancel_url: str,
    refusal: str = "",
) -> HttpResponse:
    """The page that asks before a removal, or says why it cannot happen yet (409)."""
    return render(
        request,
        "partnerships/confirm_remove.html",
        {
            "partnership": partnership,
            "title": title,
            "caption": caption,
            "consequences": consequences,
            "submit_text": submit_text,
            "cancel_url": cancel_url,
            "refusal": refusal,
        },
        status=409 if refusal else 200,
    )


@login_required
def partner_edit(request: HttpRequest, slug: str, partner_id: UUID) -> HttpResponse:
    partnership = selectors.partnership_for(request.user, slug)
    partner = selectors.partner_in(partnership, partner_id)
    require_permission(request.user, MANAGE, partner)
    form = PartnerOrganisationForm(request.POST or None, instance=partner)
    if request.method == "POST" and form.is_valid():
        services.partner_organisation_update(
            actor=request.user, partner=partner, status=form.cleaned_data["status"]
        )
        messages.success(request, f"{partner.organisation} is now {partner.get_status_display().lower()}")
        return redirect("partnerships:partnership", slug=slug)
    return form_page(
        request,
        form,
        title=f"Change {partner.organisation}",
        caption=partnership.name,
        intro="Its name and type are shared with the other partnerships it sits on.",
        cancel_url=reverse("partnerships:partnership", args=[slug]),
        partnership=partnership,
    )


@login_required
def partner_remove(request: HttpRequest, slug: str, partner_id: UUID) -> HttpResponse:
    partnership = selectors.partnership_for(request.user, slug)
    partner = selectors.partner_in(partnership, partner_id)
    require_permission(request.user, MANAGE, partner)
    refusal = ""
    if request.method == "POST":
        try:
            services.partner_organisation_remove(actor=request.user, partner=partner)
        except services.RecordInUse as in_use:
            refusal = str(in_use)
        else:
            messages.success(request, f"{partner.organisation} is no longer a member organisation")
            return redirect("partnerships:partnership", slug=slug)
    else:
        refusal = selectors.partner_removal_refusal(partner)
    return _confirm_remove(
        request,
        partnership=partnership,
        title=f"Remove {partner.organisation} from the partnership?",
        caption=partnership.name,
        consequences=["It stays on the other partnerships it sits on."],
        submit_text="Remove organisation",
        cancel_url=reverse("partnerships:partnership", args=[slug]),
        refusal=refusal,
    )


@login_required
def group_new(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_for_action(request.user, slug, MANAGE)
    form = GroupForm(request.POST or None, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        group = services.group_create(actor=request.user, partnership=partnership, **form.cleaned_data)
        return redirect("partnerships:group", slug=slug, group_id=group.public_id)
    return form_page(
        request,
        form,
        title="Add a group",
        caption=partnership.name,
        submit_text="Add group",
        cancel_url=reverse("partnerships:partnership", args=[slug]),
        partnership=partnership,
    )


@login_required
def group_detail(request: HttpRequest, slug: str, group_id: UUID) -> HttpResponse:
    partnership = selectors.partnership_for(request.user, slug)
    group = selectors.group_in(partnership, group_id)
    return render(
        request,
        "partnerships/group.html",
        {
            "partnership": partnership,
            "group": group,
            "meetings": selectors.meetings_of(group),
            "actions": selectors.actions_of(group),
            "today": timezone.localdate(),
            "can_manage": request.user.has_perm(MANAGE, group),
        },
    )


@login_required
def group_edit(request: HttpRequest, slug: str, group_id: UUID) -> HttpResponse:
    partnership = selectors.partnership_for(request.user, slug)
    group = selectors.group_in(partnership, group_id)
    require_permission(request.user, MANAGE, group)
    form = GroupForm(request.POST or None, instance=group, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        services.group_update(actor=request.user, group=group, values=form.cleaned_data)
        messages.success(request, "Group updated")
        return redirect("partnerships:group", slug=slug, group_id=group_id)
    return form_page(
        request,
        form,
        title="Change the group",
        caption=group.name,
        cancel_url=reverse("partnerships:group", args=[slug, group_id]),
        partnership=partnership,
    )


@login_required
def group_remove(request: HttpRequest, slug: str, group_id: UUID) -> HttpResponse:
    partnership = selectors.partnership_for(request.user, slug)
    group = selectors.group_in(partnership, group_id)
    require_permission(request.user, MANAGE, group)
    if request.method == "POST":
        services.group_remove(actor=request.user, group=group)
        messages.success(request, f"{group.name} has been removed")
        return redirect("partnerships:partnership", slug=slug)
    meetings, actions = group.meetings.count(), group.actions.count()
    return _confirm_remove(
        request,
        partnership=partnership,
        title=f"Remove {group.name}?",
        caption=group.get_kind_display(),
        consequences=[
            f"Its {meetings} meeting{'' if meetings == 1 else 's'} and the {actions} "
            f"action{'' if actions == 1 else 's'} on its log will be removed with it.",
            "The audit log keeps a record of what was removed, and by whom.",
        ],
        submit_text="Remove group",
        cancel_url=reverse("partnerships:group", args=[slug, group_id]),
    )


@login_required
def meeting_new(request: HttpRequest, slug: str, group_id: UUID) -> HttpResponse:
    partnership = selectors.partnership_for(request.user, slug)
    group = selectors.group_in(partnership, group_id)
    require_permission(request.user, MANAGE, group)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.meeting_create(actor=request.user, group=group, **form.cleaned_data)
        messages.success(request, "Meeting added")
        return redirect("partnerships:group", slug=slug, group_id=group_id)
    return form_page(
        request,
        form,
        title="Add a meeting",
        caption=group.name,
        submit_text="Add meeting",
        cancel_url=reverse("partnerships:group", args=[slug, group_id]),
        partnership=partnership,
    )


@login_required
def meeting_edit(request: HttpRequest, slug: str, group_id: UUID, meeting_id: UUID) -> HttpResponse:
    partnership = selectors.partnership_for(request.user, slug)
    group = selectors.group_in(partnership, group_id)
    meeting = selectors.meeting_in(group, meeting_id)
    require_permission(request.user, MANAGE, meeting)
    form = MeetingForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        services.meeting_update(actor=request.user, meeting=meeting, values=form.cleaned_data)
        messages.success(request, "Meeting updated")
        return redirect("partnerships:group", slug=slug, group_id=group_id)
    return form_page(
        request,
        form,
        title="Change the meeting",
        caption=group.name,
        cancel_url=reverse("partnerships:group", args=[slug, group_id]),
        partnership=partnership,
    )


@login_required
def meeting_remove(request: HttpRequest, slug: str, group_id: UUID, meeting_id: UUID) -> HttpResponse:
    partnership = selectors.partnership_for(request.user, slug)
    group = selectors.group_in(partnership, group_id)
    meeting = selectors.meeting_in(group, meeting_id)
    require_permission(request.user, MANAGE, meeting)
    if request.method == "POST":
        services.meeting_remove(actor=request.user, meeting=meeting)
        messages.success(request, f"{meeting} has been removed")
        return redirect("partnerships:group", slug=slug, group_id=group_id)
    return _confirm_remove(
        request,
        partnership=partnership,
        title=f"Remove {meeting}?",
        caption=group.name,
        consequences=["Its notes will be removed. Actions agreed at it stay on the action log."],
        submit_text="Remove meeting",
        cancel_url=reverse("partnerships:group", args=[slug, group_id]),
    )


@login_required
def action_new(request: HttpRequest, slug: str, group_id: UUID) -> HttpResponse:
    partnership = selectors.partnership_for(request.user, slug)
    group = selectors.group_in(partnership, group_id)
    require_permission(request.user, MANAGE, group)
    form = ActionForm(request.POST or None, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        services.action_create(actor=request.user, group=group, **form.cleaned_data)
        messages.success(request, "Action added to the log")
        return redirect("partnerships:group", slug=slug, group_id=group_id)
    return form_page(
        request,
        form,
        title="Add an action",
        caption=group.name,
        submit_text="Add action",
        cancel_url=reverse("partnerships:group", args=[slug, group_id]),
        partnership=partnership,
    )


@login_required
def action_edit(request: HttpRequest, slug: str, group_id: UUID, action_id: UUID) -> HttpResponse:
    partnership = selectors.partnership_for(request.user, slug)
    group = selectors.group_in(partnership, group_id)
    action = selectors.action_in(group, action_id)
    require_permission(request.user, MANAGE, action)
    form = ActionForm(request.POST or None, instance=action, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        services.action_update(actor=request.user, action=action, values=form.cleaned_data)
        messages.success(request, "Action updated")
        return redirect("partnerships:group", slug=slug, group_id=group_id)
    return form_page(
        request,
        form,
        title="Update an action",
        caption=group.name,
        cancel_url=reverse("partnerships:group", args=[slug, group_id]),
        partnership=partnership,
    )
