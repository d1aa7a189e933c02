"""The forms that bring applicants in: an invitation, a sign-up and a new account. They validate only: the
services write."""

from typing import Any

from django import forms
from django.contrib.auth import password_validation

from saferhub.accounts.models import User
from saferhub.grants.selectors.invitations import organisation_named, organisations_known_to
from saferhub.grants.services.invitations import ONE_LINE_NAME, is_one_line_name
from saferhub.partnerships.models import Organisation, Partnership

NAME_TAKEN = (
    "An organisation called ‘{name}’ is already registered: if it is yours, ask its people to invite you"
)


def _email_field(label: str, required_message: str, autocomplete: str) -> forms.EmailField:
    return forms.EmailField(
        label=label,
        widget=forms.EmailInput(attrs={"autocomplete": autocomplete, "spellcheck": False}),
        error_messages={
            "required": required_message,
            "invalid": "Enter a valid email address, like name@example.org",
        },
    )


def _one_line_name_check(name: str) -> None:
    if not is_one_line_name(name):
        raise forms.ValidationError(ONE_LINE_NAME)


def _name_field(label: str, required_message: str, help_text: str = "") -> forms.CharField:
    """A person's or an organisation's name: it goes into the invitation's email, so on one line."""
    return forms.CharField(
        label=label,
        max_length=200,
        help_text=help_text,
        validators=[_one_line_name_check],
        error_messages={
            "required": required_message,
            "max_length": f"{label} must be 200 characters or fewer",
        },
    )


class PersonInviteForm(forms.Form):
    """Who to invite: their name and email address. A colleague's invitation is just this."""

    full_name = _name_field("Their full name", "Enter their full name", "Used to greet them in the email")
    email = _email_field("Their email address", "Enter their email address", autocomplete="off")

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).lower()


class RoundInviteForm(PersonInviteForm):
    """A manager invites a person of a voluntary organisation the partnership knows, or of a new one."""

    organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label="A new organisation (enter its name below)",
        error_messages={"invalid_choice": "Choose an organisation from the list, or enter a new one's name"},
        help_text="A voluntary or community organisation the partnership works with or has funded",
    )
    new_organisation_name = forms.CharField(
        label="Name of a new organisation",
        max_length=200,
        required=False,
        help_text="Its full registered name. Leave blank if you chose an organisation above",
        validators=[_one_line_name_check],
        error_messages={"max_length": "The organisation's name must be 200 characters or fewer"},
    )

    field_order = ["organisation", "new_organisation_name", "full_name", "email"]

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations_known_to(partnership)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        organisation, new_name = cleaned.get("organisation"), cleaned.get("new_organisation_name", "").strip()
        if (
            organisation is None
            and not new_name
            and not self.errors.keys() & {"organisation", "new_organisation_name"}
        ):
            self.add_error("organisation", "Choose the organisation, or enter the name of a new one")
        elif organisation is not None and new_name:
            self.add_error(
                "new_organisation_name", "Leave the new organisation's name blank when you choose one above"
            )
        elif organisation is None and new_name and organisation_named(new_name):
            self.add_error("new_organisation_name", NAME_TAKEN.format(name=new_name))
        return cleaned


class PasswordFieldsMixin:
    """A new password, checked by the project's validators, typed twice."""

    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]
    add_error: Any

    def password_fields(self) -> None:
        self.fields["password1"] = forms.CharField(
            label="Choose a password",
            strip=False,
            help_text=" ".join(password_validation.password_validators_help_texts()),
            widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
            error_messages={"required": "Choose a password"},
        )
        self.fields["password2"] = forms.CharField(
            label="Confirm your password",
            strip=False,
            help_text="Type the same password again",
            widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
            error_messages={"required": "Type your password again"},
        )

    def password_check(self, email: str, full_name: str) -> None:
        """The validators see the person's email and name, so a password like them is refused."""
        password, again = self.cleaned_data.get("password1"), self.cleaned_data.get("password2")
        if not password or not again:
            return
        if password != again:
            self.add_error("password2", "The passwords do not match: type the same password twice")
            return
        try:
            password_validation.validate_password(password, User(email=email, full_name=full_name))
        except forms.ValidationError as refusal:
            self.add_error("password1", refusal)


class NewAccountForm(PasswordFieldsMixin, forms.Form):
    """An invited person new to Saferhub: their name as they want it, and a password."""

    full_name = _name_field("Your full name", "Enter your full name")

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email
        self.password_fields()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.password_check(self.email, cleaned.get("full_name", ""))
        return cleaned


class SignUpForm(forms.Form):
    """A voluntary group signing up through a round's page: the organisation, and the person applying. No
    password: anyone may sign up with any address, so the password is chosen on the emailed link's page
    (NewAccountForm), by whoever holds the address."""

    organisation_name = _name_field(
        "Your organisation's name", "Enter your organisation's name", "Its full registered name"
    )
    registered_number = forms.RegexField(
        label="Charity or company number",
        regex=r"^\s*[A-Za-z0-9][A-Za-z0-9 -]{2,30}\s*$",
        required=False,
        help_text="Leave blank if your group is not registered",
        error_messages={"invalid": "Enter the number as the Charity Commission or Companies House shows it"},
    )
    full_name = _name_field("Your full name", "Enter your full name")
    email = _email_field("Your email address", "Enter your email address", autocomplete="email")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[
            "email"
        ].help_text = (
            "We will send a link to it: you confirm your address and choose your password by opening it"
        )

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).lower()

    def clean_organisation_name(self) -> str:
        name = str(self.cleaned_data["organisation_name"]).strip()
        if organisation_named(name):
            raise forms.ValidationError(NAME_TAKEN.format(name=name))
        return name

    def sign_up_values(self) -> dict[str, str]:
        """What `sign_up_request` takes."""
        data = self.cleaned_data
        return {
            "organisation_name": data["organisation_name"],
            "registered_number": data["registered_number"],
            "full_name": data["full_name"],
            "email": data["email"],
        }
