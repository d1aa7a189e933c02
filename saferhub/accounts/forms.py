from collections.abc import Iterator

from django import forms
from django.contrib.auth import forms as auth_forms

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


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Also sends the link to people invited but not yet signed in, whose password is still unusable."""

    def get_users(self, email: str) -> Iterator[User]:
        return iter(User.objects.filter(email__iexact=email, is_active=True))


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
