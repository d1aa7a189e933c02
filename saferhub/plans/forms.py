from typing import Any

from django import forms

from saferhub.accounts.models import User
from saferhub.audit.services import normalised_line_endings
from saferhub.design_system.forms import ValidatingModelForm
from saferhub.design_system.widgets import DateInput
from saferhub.partnerships.models import Organisation, Partnership
from saferhub.partnerships.selectors import organisation_choices_in, people_choices_in
from saferhub.plans.models import CrossCuttingTheme, Plan, PlanRevision, Priority
from saferhub.plans.selectors import priorities_to_align_with

MAX_DELIVERABLES = 30


class LineEndingsNormalised:
    """Browsers send a text box's line breaks as CRLF; stored text has LF. Normalising what is typed means a
    save that changes nothing compares equal, so it records nothing in the history or the audit trail."""

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}  # type: ignore[misc]
        for name, value in data.items():
            if isinstance(value, str):
                data[name] = normalised_line_endings(value)
        return data


class PlanForm(LineEndingsNormalised, ValidatingModelForm):
    class Meta:
        model = Plan
        fields = [
            "title",
            "period_start",
            "period_end",
            "foreword",
            "vision",
            "statutory_duties",
            "partnership_expectations",
            "deliverables_label",
        ]
        labels = {
            "title": "Title",
            "period_start": "Plan starts",
            "period_end": "Plan ends",
            "foreword": "Foreword",
            "vision": "Vision",
            "statutory_duties": "Statutory duties and national priorities",
            "partnership_expectations": "What the partnership expects of its partners",
            "deliverables_label": "What the plan calls the work under a priority",
        }
        help_texts = {"deliverables_label": "For example, ‘Key deliverables’ or ‘Delivery themes’"}
        widgets = {"period_start": DateInput(), "period_end": DateInput()}
        error_messages = {
            "title": {"required": "Enter the plan's title"},
            "period_start": {"required": "Enter the date the plan starts", "invalid": "Enter a real date"},
            "period_end": {"required": "Enter the date the plan ends", "invalid": "Enter a real date"},
            "deliverables_label": {"required": "Enter what the plan calls the work under a priority"},
        }

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.partnership = partnership

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end <= start:
            self.add_error("period_end", "The plan must end after it starts")
        title = data.get("title")
        if title:
            clash = Plan.objects.filter(partnership=self.partnership, title__iexact=title)
            if self.instance.pk:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("title", "This partnership already has a plan with this title")
        return data


class RevisionForm(LineEndingsNormalised, ValidatingModelForm):
    class Meta:
        model = PlanRevision
        fields = ["label", "revised_on", "summary"]
        labels = {
            "label": "Name of the revision",
            "revised_on": "Date of the revision",
            "summary": "What changed",
        }
        help_texts = {"label": "For example, ‘Revised April 2025’"}
        widgets = {"revised_on": DateInput()}
        error_messages = {
            "label": {"required": "Enter a name for the revision"},
            "revised_on": {"required": "Enter the date of the revision", "invalid": "Enter a real date"},
        }


class ThemeForm(LineEndingsNormalised, ValidatingModelForm):
    class Meta:
        model = CrossCuttingTheme
        fields = ["title", "description"]
        labels = {"title": "Theme", "description": "Description"}
        error_messages = {"title": {"required": "Enter the theme"}}


class PriorityForm(LineEndingsNormalised, forms.Form):
    title = forms.CharField(
        label="Priority", max_length=200, error_messages={"required": "Enter the priority"}
    )
    description = forms.CharField(label="Description", required=False, widget=forms.Textarea)
    lead_user = forms.ModelChoiceField(
        label="Lead", queryset=User.objects.none(), required=False, empty_label="No lead yet"
    )
    lead_organisation = forms.ModelChoiceField(
        label="Lead organisation",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="No lead yet",
    )
    deliverables = forms.CharField(
        label="Deliverables",
        required=False,
        help_text="One on each line",
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    aligned_to = forms.ModelMultipleChoiceField(
        label="Supports these priorities of the county or the Police and Crime Commissioner",
        queryset=Priority.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, plan: Plan, can_assign_lead: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["deliverables"].label = plan.deliverables_label
        if can_assign_lead:
            self.fields["lead_user"].queryset = people_choices_in(plan.partnership)  # type: ignore[attr-defined]
            self.fields["lead_organisation"].queryset = organisation_choices_in(  # type: ignore[attr-defined]
                plan.partnership
            )
        else:
            del self.fields["lead_user"]
            del self.fields["lead_organisation"]
        alignable = priorities_to_align_with(plan)
        if alignable.exists():
            self.fields["aligned_to"].queryset = alignable  # type: ignore[attr-defined]
            self.fields["aligned_to"].label_from_instance = (  # type: ignore[attr-defined]
                lambda priority: (
                    f"{priority.title} ({priority.plan.partnership.short_name or priority.plan.partnership})"
                )
            )
        else:
            del self.fields["aligned_to"]

    def clean_deliverables(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["deliverables"].splitlines()]
        lines = [line for line in lines if line]
        if len(lines) > MAX_DELIVERABLES:
            raise forms.ValidationError(f"Enter no more than {MAX_DELIVERABLES} deliverables")
        if len(set(lines)) != len(lines):
            raise forms.ValidationError("Each deliverable must be different")
        return lines

    @staticmethod
    def initial_for(priority: Priority) -> dict[str, Any]:
        return {
            "title": priority.title,
            "description": priority.description,
            "lead_user": priority.lead_user,
            "lead_organisation": priority.lead_organisation,
            "deliverables": "\n".join(d.text for d in priority.deliverables.all()),
            "aligned_to": list(priority.aligned_to.all()),
        }
