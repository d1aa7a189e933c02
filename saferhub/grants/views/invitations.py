"""Bringing applicants in: a manager invites an organisation to a round, an applicant invites colleagues,
and a voluntary group signs up through a round's page. Each sends a link that works once, for a few days;
opening it makes the person's account (if they have none) and makes them one of the organisation's
applicants."""

from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from saferhub.accounts.models import User
from saferhub.accounts.requests import SignedInRequest
from saferhub.accounts.services import user_sign_in
from saferhub.design_system.filters import govuk_datetime
from saferhub.design_system.views import form_page
from saferhub.grants import selectors
from saferhub.grants.forms import invitations as forms
from saferhub.grants.models import ApplicantInvitation, GrantRound
from saferhub.grants.selectors import invitations as invitation_selectors
from saferhub.grants.services import invitations as invitation_services
from saferhub.grants.workflows import GrantRefused
from saferhub.partnerships.permissions import require_permission
from saferhub.partnerships.selectors import partnership_for

MANAGE = "grants.manage"
LINK_DAYS = invitation_selectors.LINK_DAYS


def _notice(
    request: HttpRequest,
    *,
    title: str,
    paragraphs: list[str],
    links: list[tuple[str, str]] | None = None,
    button: str = "",
    problem: str = "",
    status: int = 200,
    **context: Any,
) -> HttpResponse:
    """A page that tells the person one thing: what it means, where to go next, and at most one button."""
    return render(
        request,
        "grants/invitations/notice.html",
        {
            "title": title,
            "paragraphs": paragraphs,
            "links": links or [],
            "button": button,
            "problem": problem,
            **context,
        },
        status=400 if problem else status,
    )


def _sign_in_url(next_url: str) -> str:
    return reverse("accounts:sign-in") + "?" + urlencode({"next": next_url})


# A manager invites an organisation to a round


@login_required
def round_invite(request: SignedInRequest, slug: str, grant_round_id: UUID) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    grant_round = invitation_selectors.round_of_partnership(partnership, grant_round_id)
    require_permission(request.user, MANAGE, grant_round)
    round_url = reverse("grants:round", args=[slug, grant_round.public_id])
    form = forms.RoundInviteForm(request.POST or None, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        try:
            invitation_services.round_invitation_create(
                actor=request.user,
                grant_round=grant_round,
                organisation=form.cleaned_data["organisation"],
                new_organisation_name=form.cleaned_data["new_organisation_name"],
                name_given=form.cleaned_data["full_name"],
                email=form.cleaned_data["email"],
            )
        except GrantRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, f"Invitation sent to {form.cleaned_data['full_name']}")
            return redirect(round_url)
    return form_page(
        request,
        form,
        title="Invite an organisation to apply",
        caption=grant_round.title,
        intro=(
            "We email the person a link to make their account and apply for their organisation. The link "
            f"works once, for {LINK_DAYS} days."
        ),
        submit_text="Send the invitation",
        cancel_url=round_url,
        partnership=partnership,
        breadcrumbs=[
            {"text": "Funding", "href": reverse("grants:index", args=[slug])},
            {
                "text": grant_round.fund.name,
                "href": reverse("grants:fund", args=[slug, grant_round.fund.public_id]),
            },
            {"text": grant_round.title, "href": round_url},
        ],
    )


# A voluntary group signs up through a round's page


def _round_is_open(grant_round: GrantRound) -> bool:
    return grant_round.opens_at <= timezone.now() < grant_round.closes_at


def sign_up(request: HttpRequest, grant_round_id: UUID) -> HttpResponse:
    grant_round = selectors.round_for_applicants(grant_round_id)
    round_url = reverse("grants:apply-round", args=[grant_round.public_id])
    if request.user.is_authenticated:
        messages.info(request, "You are signed in already: apply from the round's page")
        return redirect(round_url)
    breadcrumbs = [{"text": grant_round.title, "href": round_url}]
    if "sent" in request.GET:
        return _notice(
            request,
            title="Check your email",
            paragraphs=[
                "We have sent a link to the email address you gave. Open it to confirm your address and "
                "choose your password: your organisation and your account are made then. The link works "
                f"once, for {LINK_DAYS} days.",
                "If no email comes within a few minutes, look in your spam folder, or sign up again.",
            ],
            breadcrumbs=breadcrumbs,
        )
    if not _round_is_open(grant_round):
        return _notice(
            request,
            title="This round has closed",
            paragraphs=[
                f"{grant_round.title} closed at {govuk_datetime(grant_round.closes_at)}: it takes no more "
                "applications, so you cannot sign up through it."
            ],
            links=[("Sign in to see the rounds open now", _sign_in_url(reverse("grants:apply-home")))],
            status=400 if request.method == "POST" else 200,
            breadcrumbs=breadcrumbs,
        )
    form = forms.SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation_services.sign_up_request(grant_round=grant_round, **form.sign_up_values())
        except GrantRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            return redirect(reverse("grants:sign-up", args=[grant_round.public_id]) + "?sent")
    return form_page(
        request,
        form,
        title="Sign up your organisation to apply",
        caption=grant_round.title,
        intro=(
            "For a voluntary or community group that does not use Saferhub yet. We email you a link to "
            "confirm your address and choose your password; once you have, you can start your "
            "application. If you already have an "
            "account, sign in instead: a colleague who already applies for your organisation can invite you."
        ),
        submit_text="Sign up",
        cancel_url=round_url,
        breadcrumbs=breadcrumbs,
    )


# Opening the link


def _destination(invitation: ApplicantInvitation) -> str:
    """The round the person was invited to, once it has opened; else their applications."""
    grant_round = invitation.grant_round
    if grant_round is not None and grant_round.opens_at <= timezone.now():
        return reverse("grants:apply-round", args=[grant_round.public_id])
    return reverse("grants:apply-home")


def _accepted(request: HttpRequest, invitation: ApplicantInvitation) -> HttpResponse:
    messages.success(request, f"You now apply for {invitation.organisation_title}")
    return redirect(_destination(invitation))


def _unusable(request: HttpRequest) -> HttpResponse:
    """The one answer for a link that is unknown, tampered with, expired or used: it says nothing about
    the address it was sent to."""
    return _notice(
        request,
        title="This link cannot be used",
        paragraphs=[
            f"The link may have been used already, or be more than {LINK_DAYS} days old, or have been copied "
            "wrongly.",
            "If you have used it already, sign in with your email address and password.",
            "Otherwise ask whoever invited you to invite you again, or, if you were signing your "
            "organisation up, sign up again through the round's page.",
        ],
        links=[("Sign in", reverse("accounts:sign-in"))],
        status=404,
    )


def _caption(invitation: ApplicantInvitation) -> str:
    return (
        invitation.grant_round.title if invitation.grant_round is not None else invitation.organisation_title
    )


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitation_selectors.invitation_for_token(token)
    if invitation is None:
        return _unusable(request)
    if isinstance(request.user, User):
        return _accept_signed_in(request, invitation, request.user)
    if invitation_selectors.account_of(invitation.email) is not None:
        # Only the holder of the address has the link: telling them they have an account tells no one else.
        return _notice(
            request,
            title="Sign in to accept",
            paragraphs=[
                f"You already have a Saferhub account with this email address ({invitation.email}). Sign in "
                "with it: you will come back here to accept."
            ],
            links=[("Sign in", _sign_in_url(request.path))],
            caption=_caption(invitation),
        )
    return _accept_new_account(request, invitation)


def _accept_signed_in(request: HttpRequest, invitation: ApplicantInvitation, user: User) -> HttpResponse:
    if user.email.lower() != invitation.email:
        return _notice(
            request,
            title="This link was sent to another email address",
            paragraphs=[
                "You are signed in with a different email address from the one this link was sent to. Sign "
                "out, then open the link again."
            ],
            caption=_caption(invitation),
        )
    problem = ""
    if request.method == "POST":
        try:
            invitation_services.invitation_accept(invitation=invitation, user=user)
        except GrantRefused as refusal:
            problem = str(refusal)
        else:
            return _accepted(request, invitation)
    return _notice(
        request,
        title=f"Apply for {invitation.organisation_title}",
        paragraphs=_accept_explanation(invitation),
        button="Accept and apply for this organisation",
        problem=problem,
        caption=_caption(invitation),
    )


def _accept_explanation(invitation: ApplicantInvitation) -> list[str]:
    if invitation.is_sign_up:
        return [
            f"Confirm your email address to register {invitation.organisation_title} and apply for it. You "
            "will be able to start an application, and invite colleagues to work on it with you. If you "
            "did not sign up, leave this page: nothing is made unless you accept."
        ]
    who = invitation.invited_by.full_name if invitation.invited_by is not None else "Someone"
    return [
        f"{who} has invited you to apply for funding for {invitation.organisation_title}. You will see its "
        "applications, and be able to start and work on them with its other people."
    ]


def _accept_new_account(request: HttpRequest, invitation: ApplicantInvitation) -> HttpResponse:
    """A person without an account, invited or signed up alike, chooses their password here: only the holder
    of the address has the link, so only they ever know it."""
    form = forms.NewAccountForm(
        request.POST or None, email=invitation.email, initial={"full_name": invitation.name_given}
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = invitation_services.invitation_accept_with_new_account(
                invitation=invitation,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
            )
        except GrantRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            user_sign_in(request=request, user=user)
            return _accepted(request, invitation)
    return form_page(
        request,
        form,
        title="Confirm your email address and make your account"
        if invitation.is_sign_up
        else "Make your account",
        caption=_caption(invitation),
        intro=" ".join(_accept_explanation(invitation))
        + f" You will sign in with this email address: {invitation.email}.",
        submit_text="Make my account and accept",
    )


# An organisation's people


@login_required
def organisation_people(request: SignedInRequest, organisation_id: UUID) -> HttpResponse:
    """Who applies for the organisation, the invitations waiting, and a form to invite a colleague."""
    organisation = invitation_selectors.organisation_of_applicant(request.user, organisation_id)
    form = forms.PersonInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation_services.colleague_invite(
                actor=request.user,
                organisation=organisation,
                name_given=form.cleaned_data["full_name"],
                email=form.cleaned_data["email"],
            )
        except GrantRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, f"Invitation sent to {form.cleaned_data['full_name']}")
            return redirect(request.path)
    return render(
        request,
        "grants/invitations/people.html",
        {
            "organisation": organisation,
            "people": invitation_selectors.applicant_people(organisation),
            "invitations": invitation_selectors.invitations_waiting(organisation),
            "form": form,
            "link_days": LINK_DAYS,
            "breadcrumbs": [{"text": "Applying for funding", "href": reverse("grants:apply-home")}],
        },
        status=400 if form.errors else 200,
    )
