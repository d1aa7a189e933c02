"""Signing in and out, two-factor authentication, the account page and API tokens."""

import base64
import io
from typing import Any

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from saferhub.accounts import services
from saferhub.accounts.forms import (
    AccountDetailsForm,
    ApiTokenForm,
    IdentityProofForm,
    PasswordChangeForm,
    PasswordResetForm,
    SecurityCodeForm,
    SetPasswordForm,
    SignInForm,
    TwoFactorSetupForm,
)
from saferhub.accounts.models import User
from saferhub.design_system.views import form_page

PENDING_USER_KEY = "saferhub_pending_user"
NEXT_KEY = "saferhub_next"
WRONG_CODE = "The security code is wrong or has expired: enter the code your app shows now"
WRONG_PROOF = "That is not your password or a current code from your authenticator app"


def signed_in_user(request: HttpRequest) -> User:
    """The person behind a request that `login_required` has let through."""
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("partnerships:home")


def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("partnerships:home")
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].lower()
        user = authenticate(request, email=email, password=form.cleaned_data["password"])
        if isinstance(user, User):
            next_url = _safe_next(request, request.GET.get("next"))
            device = services.totp_device_confirmed_for(user)
            if device is None:
                services.user_sign_in(request=request, user=user)
                return HttpResponseRedirect(next_url)
            request.session[PENDING_USER_KEY] = user.pk
            request.session[NEXT_KEY] = next_url
            return redirect("accounts:sign-in-code")
        services.user_sign_in_failed(email=email)
        form.add_error(None, "Enter a correct email address and password")
    return render(request, "accounts/sign_in.html", {"form": form})


def sign_in_code(request: HttpRequest) -> HttpResponse:
    pending_id = request.session.get(PENDING_USER_KEY)
    pending = User.objects.filter(pk=pending_id, is_active=True).first() if pending_id else None
    if pending is None:
        return redirect("accounts:sign-in")
    form = SecurityCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.totp_device_confirmed_for(pending)
        if device is not None and not device.verify_is_allowed()[0]:
            form.add_error("code", "You entered a wrong code just now: wait a few seconds, then try again")
        elif device is not None and device.verify_token(form.cleaned_data["code"]):
            next_url = request.session.pop(NEXT_KEY, reverse("partnerships:home"))
            request.session.pop(PENDING_USER_KEY, None)
            services.user_sign_in(request=request, user=pending, device=device)
            return HttpResponseRedirect(next_url)
        else:
            services.user_sign_in_failed(email=pending.email)
            form.add_error("code", WRONG_CODE)
    return render(request, "accounts/sign_in_code.html", {"form": form})


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    services.user_sign_out(request=request)
    messages.success(request, "You have signed out")
    return redirect("accounts:sign-in")


def locked_out(request: HttpRequest, *args: Any) -> HttpResponse:
    return render(request, "accounts/locked_out.html", status=429)


@login_required
def account(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = AccountDetailsForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        services.user_details_update(
            user=user, full_name=form.cleaned_data["full_name"], job_title=form.cleaned_data["job_title"]
        )
        messages.success(request, "Your details have been saved")
        return redirect("accounts:account")
    return render(
        request,
        "accounts/account.html",
        {
            "form": form,
            "has_two_factor": services.totp_device_confirmed_for(user) is not None,
            "tokens": user.api_tokens.all(),
        },
    )


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app; replacing the one in use also needs the password or its code."""
    user = signed_in_user(request)
    replacing = services.totp_device_confirmed_for(user) is not None
    form = TwoFactorSetupForm(request.POST or None, replacing=replacing)
    device = services.totp_device_unconfirmed_for(user)
    if request.method == "POST" and device is not None and form.is_valid():
        if replacing and not services.user_identity_confirm(
            request=request, user=user, proof=form.cleaned_data["proof"], purpose="two_factor_replace"
        ):
            form.add_error("proof", WRONG_PROOF)
        elif services.totp_device_confirm(
            request=request, user=user, device=device, token=form.cleaned_data["code"]
        ):
            messages.success(request, "Two-factor authentication is set up")
            return redirect("accounts:account")
        else:
            form.add_error("code", WRONG_CODE)
    if device is None or request.method == "GET":
        device = services.totp_device_start(user=user)
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/two_factor_setup.html",
        {"form": form, "qr_code": _qr_svg(device.config_url), "secret": secret, "replacing": replacing},
    )


@login_required
def two_factor_remove(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if services.totp_device_confirmed_for(user) is None:
        return redirect("accounts:account")
    form = IdentityProofForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.user_identity_confirm(
            request=request, user=user, proof=form.cleaned_data["proof"], purpose="two_factor_remove"
        ):
            services.totp_device_remove(user=user)
            messages.success(request, "Two-factor authentication has been removed")
            return redirect("accounts:account")
        form.add_error("proof", WRONG_PROOF)
    return form_page(
        request,
        form,
        title="Remove two-factor authentication",
        intro=(
            "You will then sign in with your password alone. If a partnership you work in requires "
            "two-factor authentication, you will be asked to set it up again. We will email you to say "
            "it has been removed."
        ),
        submit_text="Remove two-factor authentication",
        cancel_url=reverse("accounts:account"),
    )


@login_required
def api_token_new(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token, secret = services.api_token_create(user=user, name=form.cleaned_data["name"])
        return render(request, "accounts/api_token_created.html", {"token": token, "secret": secret})
    return render(request, "accounts/api_token_new.html", {"form": form})


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, token_id: str) -> HttpResponse:
    user = signed_in_user(request)
    token = user.api_tokens.filter(public_id=token_id, revoked_at__isnull=True).first()
    if token is None:
        raise Http404
    services.api_token_revoke(user=user, token=token)
    messages.success(request, f"The token ‘{token.name}’ has been revoked")
    return redirect("accounts:account")


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-sent")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.password_changed(user=form.user)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:account")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.password_changed(user=form.user)
        messages.success(self.request, "Your password has been changed")
        return response
