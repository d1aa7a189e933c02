from typing import Any

from django import forms

from saferhub.design_system.forms import ValidatingModelForm
from saferhub.design_system.widgets import DateInput
from saferhub.partnerships.models import (
    Action,
    ActionStatus,
    Group,
    GroupKind,
    Meeting,
    Organisation,
    PartnerOrganisation,
    Partnership,
    PartnerStatus,
    Role,
)
from saferhub.partnerships.selectors import organisations_in, people_in


class MembershipAddForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": False}),
        error_messages={"required": "Enter their email address", "invalid": "Enter a valid email address"},
    )
    full_name = forms.CharField(
        label="Full name",
        max_length=200,
        help_text="Shown with their invitation until they accept it",
        error_messages={"required": "Enter their full name"},
    )
    organisation = forms.ModelChoiceField(
        label="Organisation they act for",
        queryset=Organisation.objects.none(),
        empty_label="Choose an organisation",
        error_messages={"required": "Select the organisation they act for"},
    )
    role = forms.ChoiceField(
        label="Role",
        choices=Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select their role"},
    )

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            pk__in=[organisation.pk for organisation in organisations_in(partnership)]
        )

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).lower()


class PartnershipSettingsForm(forms.Form):
    requires_two_factor = forms.BooleanField(
        label="Require two-factor authentication for staff roles",
        required=False,
        help_text="Everyone except board members must use an authenticator app to sign in",
    )


class PartnerOrganisationForm(ValidatingModelForm):
    """An organisation's status in this partnership. Its name is shared by every partnership it sits on."""

    class Meta:
        model = PartnerOrganisation
        fields = ["status"]
        labels = {"status": "Status in this partnership"}
        widgets = {"status": forms.RadioSelect(choices=PartnerStatus.choices)}
        error_messages = {"status": {"required": "Select its status in this partnership"}}


class GroupForm(ValidatingModelForm):
    class Meta:
        model = Group
        fields = ["name", "kind", "purpose"]
        labels = {"name": "Name", "kind": "Type of group", "purpose": "Purpose"}
        widgets = {"kind": forms.RadioSelect(choices=GroupKind.choices)}
        error_messages = {
            "name": {"required": "Enter the group's name"},
            "kind": {"required": "Select the type of group"},
        }

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.partnership = partnership

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        clash = Group.objects.filter(partnership=self.partnership, name__iexact=name)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("There is already a group with this name")
        return str(name)


class MeetingForm(ValidatingModelForm):
    class Meta:
        model = Meeting
        fields = ["title", "held_on", "notes"]
        labels = {"title": "Title", "held_on": "Date of the meeting", "notes": "Notes or minutes"}
        widgets = {"held_on": DateInput()}
        error_messages = {
            "title": {"required": "Enter a title for the meeting"},
            "held_on": {"required": "Enter the date of the meeting", "invalid": "Enter a real date"},
        }


class ActionForm(ValidatingModelForm):
    class Meta:
        model = Action
        fields = ["description", "owner", "owner_organisation", "due_on", "status", "update"]
        labels = {
            "description": "Action",
            "owner": "Owner",
            "owner_organisation": "Owning organisation",
            "due_on": "Due date",
            "status": "Status",
            "update": "Progress update",
        }
        widgets = {"due_on": DateInput(), "status": forms.RadioSelect(choices=ActionStatus.choices)}
        error_messages = {
            "description": {"required": "Describe the action"},
            "due_on": {"invalid": "Enter a real date"},
        }

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = self.fields["owner"].queryset.filter(  # type: ignore[attr-defined]
            pk__in=[person.pk for person in people_in(partnership)]
        )
        self.fields["owner_organisation"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            pk__in=[organisation.pk for organisation in organisations_in(partnership)]
        )
        self.fields["owner"].empty_label = "Not assigned"  # type: ignore[attr-defined]
        self.fields["owner_organisation"].empty_label = "Not assigned"  # type: ignore[attr-defined]
