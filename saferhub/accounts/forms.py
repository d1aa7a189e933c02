from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation

from saferhub.accounts.models import User
from saferhub.design_system.forms import ValidatingModelForm


class SignInForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": False}),
        error_messages={"required": "Enter your email address", "invalid": "Enter a valid email address"},
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password"},
    )


class SecurityCodeForm(forms.Form):
    code = forms.RegexField(
        label="Security code",
        help_text="The 6-digit code your authenticator app shows now",
        regex=r"^\s*\d{6}\s*$",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        error_messages={
            "required": "Enter the security code",
            "invalid": "Enter the 6-digit security code from your authenticator app",
        },
    )

    def clean_code(self) -> str:
        return str(self.cleaned_data["code"]).strip()


def identity_proof_field() -> forms.CharField:
    """The person's password or a code from the authenticator app they already use."""
    return forms.CharField(
        label="Your password, or a code from the authenticator app you use now",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password or a security code from your authenticator app"},
    )


class IdentityProofForm(forms.Form):
    proof = identity_proof_field()


class TwoFactorSetupForm(SecurityCodeForm):
    """The code from the new device; when it replaces a device, proof that the person is who they say."""

    def __init__(self, *args: Any, replacing: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if replacing:
            self.fields["proof"] = identity_proof_field()
            self.fields["code"].label = "Security code from the new app"
            self.order_fields(["proof", "code"])


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Also sends the link to people invited but not yet signed in, whose password is still unusable."""

    def get_users(self, email: str) -> Iterator[User]:
        return iter(User.objects.filter(email__iexact=email, is_active=True))


class PlainPasswordFieldsMixin:
    """Django's set-password forms as a person reads them.

    Django's hint for the new password is an HTML list, which the GOV.UK macros would print as markup: it is
    given as a sentence instead. A password the validators refuse is reported on the new password field,
    where it was typed, not on its confirmation.
    """

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = " ".join(
            password_validation.password_validators_help_texts()
        )
        self.fields["new_password2"].label = "Confirm your new password"
        self.fields["new_password2"].help_text = "Type the same password again"

    def validate_password_for_user(self, user: Any, password_field_name: str = "") -> None:
        # Django's clean() names the confirmation field here.
        super().validate_password_for_user(user, "new_password1")  # type: ignore[misc]


class SetPasswordForm(PlainPasswordFieldsMixin, auth_forms.SetPasswordForm):
    pass


class PasswordChangeForm(PlainPasswordFieldsMixin, auth_forms.PasswordChangeForm):
    pass


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Token name",
        help_text="What the token is for, for example 'Police performance feed'",
        max_length=100,
        error_messages={
            "required": "Enter a name for the token",
            "max_length": "Token name must be 100 characters or fewer",
        },
    )


class AccountDetailsForm(ValidatingModelForm):
    class Meta:
        model = User
        fields = ["full_name", "job_title"]
        labels = {"full_name": "Full name", "job_title": "Job title"}
        error_messages = {"full_name": {"required": "Enter your full name"}}
