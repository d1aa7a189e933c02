"""An applicant's forms: starting an application, then one for each section of its task list. They validate
only: the services write."""

import re
from typing import Any, cast

from django import forms
from django.db import models

from saferhub.design_system.filters import figure_text, pounds
from saferhub.design_system.widgets import DateInput
from saferhub.grants.forms.fields import MAX_TEXT, PoundsField
from saferhub.grants.models import Application, ApplicationSection
from saferhub.grants.selectors import PlanChoices
from saferhub.partnerships.models import Organisation

# Applying for funding: starting an application, then one form for each section of its task list


NO_ORGANISATION = (
    "You cannot start an application: you do not apply for any organisation. Ask the partnership that runs "
    "the fund to add you as your organisation's applicant"
)
NO_PRIORITIES = (
    "There are no priorities to choose from: none of the partnerships this fund serves has a current plan "
    "with priorities. Contact the partnership before you go on"
)


class StartForm(forms.Form):
    """The project's title and, for someone who applies for more than one organisation, which one."""

    title = forms.CharField(
        label="Project title",
        max_length=200,
        error_messages={
            "required": "Enter the project's title",
            "max_length": "Enter a title of 200 characters or fewer",
        },
    )
    organisation = forms.ModelChoiceField(
        label="Which organisation is applying?",
        queryset=Organisation.objects.none(),
        to_field_name="public_id",
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Select the organisation that is applying",
            "invalid_choice": "Select one of the organisations you apply for",
        },
    )

    def __init__(self, *args: Any, organisations: models.QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisations = list(organisations)
        if len(self.organisations) > 1:
            cast(forms.ModelChoiceField, self.fields["organisation"]).queryset = organisations
        else:
            del self.fields["organisation"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.organisations:
            raise forms.ValidationError(NO_ORGANISATION)
        if len(self.organisations) == 1:
            data["organisation"] = self.organisations[0]
        return data


def applicant_text(
    label: str, *, required: str, max_length: int = MAX_TEXT, hint: str = "", rows: int = 0
) -> forms.CharField:
    """A text answer: `required` is the error when it is left empty; `rows` makes it a text area."""
    return forms.CharField(
        label=label,
        help_text=hint,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput(),
        error_messages={
            "required": required,
            "max_length": f"{required} in {max_length:,} characters or fewer",
        },
    )


# Charity Commission, OSCR and Companies House numbers: 1234567, 1234567-1, SC012345, OC301234.
REGISTERED_NUMBER = re.compile(r"[A-Z0-9]+(?:[ -][A-Z0-9]+)*")
# A UK number (0 and 9 or 10 more digits) or an international one (+ and 8 to 15 digits), once spaces,
# brackets and hyphens are taken out.
TELEPHONE = re.compile(r"0\d{9,10}|\+\d{8,15}")

# The organisation section's answers, by their key in `Application.answers`, with what they are.
ORGANISATION_ANSWERS = (
    ("registered_number", "Registered charity or company number"),
    ("address", "Address"),
    ("phone", "Telephone number"),
)


class OrganisationForm(forms.Form):
    registered_number = applicant_text(
        "Registered charity or company number",
        required="Enter your organisation's registered charity or company number",
        max_length=20,
        hint="Your number with the Charity Commission, OSCR or Companies House, like 1234567 or SC012345",
    )
    address = applicant_text(
        "Address",
        required="Enter your organisation's address",
        max_length=500,
        hint="Where the partnership can write to the organisation, with the postcode",
        rows=4,
    )
    phone = applicant_text(
        "Telephone number",
        required="Enter your organisation's telephone number",
        max_length=30,
        hint="For international numbers include the country code",
    )

    def __init__(self, *args: Any, application: Application, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phone"].widget.attrs.update({"autocomplete": "tel", "inputmode": "tel"})
        for key, _ in ORGANISATION_ANSWERS:
            self.initial.setdefault(key, application.answers.get(key, ""))

    def clean_registered_number(self) -> str:
        number = " ".join(self.cleaned_data["registered_number"].upper().split())
        if not REGISTERED_NUMBER.fullmatch(number):
            raise forms.ValidationError(
                "Enter the registered charity or company number in letters, numbers, spaces and hyphens "
                "only, like 1234567 or SC012345"
            )
        return number

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"]
        if not TELEPHONE.fullmatch(re.sub(r"[\s()-]", "", phone)):
            raise forms.ValidationError("Enter a telephone number, like 01632 960 001 or +44 808 157 0192")
        return phone

    def values(self) -> dict[str, Any]:
        return {"answers": {key: self.cleaned_data[key] for key, _ in ORGANISATION_ANSWERS}}


class ProjectForm(forms.Form):
    title = applicant_text("Project title", required="Enter the project's title", max_length=200)
    summary = applicant_text(
        "What the project will do",
        required="Enter what the project will do",
        hint="Who it is for, what it will do, and where and when",
        rows=6,
    )
    amount_requested_pence = PoundsField(
        label="How much the project asks for, in pounds",
        error_messages={"required": "Enter how much the project asks for"},
    )
    starts_on = forms.DateField(
        label="The project starts on",
        widget=DateInput(),
        error_messages={
            "required": "Enter the date the project starts",
            "invalid": "Enter the date the project starts as a real date, like 2026-09-01",
        },
    )
    ends_on = forms.DateField(
        label="The project ends on",
        widget=DateInput(),
        error_messages={
            "required": "Enter the date the project ends",
            "invalid": "Enter the date the project ends as a real date, like 2027-03-31",
        },
    )

    def __init__(self, *args: Any, application: Application, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        most = pounds(application.grant_round.max_award_pence)
        amount = self.fields["amount_requested_pence"]
        amount.help_text = f"This round funds a project up to {most}. The budget's lines must add up to it"
        saved = ApplicationSection.PROJECT.value in application.sections_completed
        self.initial.setdefault("title", application.title)
        self.initial.setdefault("summary", application.summary)
        self.initial.setdefault(
            "amount_requested_pence", application.amount_requested_pence if saved else None
        )
        self.initial.setdefault("starts_on", application.starts_on)
        self.initial.setdefault("ends_on", application.ends_on)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "Enter an end date on or after the date the project starts")
        return data

    def values(self) -> dict[str, Any]:
        return {key: self.cleaned_data[key] for key in self.fields}


class PrioritiesForm(forms.Form):
    """Checkboxes of the priorities and cross-cutting themes of the plans the fund serves, never typed."""

    priorities = forms.MultipleChoiceField(
        label="Which of the partnership's priorities does the project serve?",
        help_text="Select all that apply",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select at least one priority the project serves",
            "invalid_choice": "Select priorities from the list: one you chose is no longer in a current plan",
        },
    )
    themes = forms.MultipleChoiceField(
        label="Which cross-cutting themes does it serve? (optional)",
        help_text="Select all that apply",
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={
            "invalid_choice": "Select themes from the list: one you chose is no longer in a current plan"
        },
    )

    def __init__(self, *args: Any, application: Application, choices: PlanChoices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

        def label(record: Any) -> str:
            return (
                f"{record.plan.partnership.name}: {record.title}" if choices.several_plans else record.title
            )

        self.priority_of = {str(p.public_id): p for p in choices.priorities}
        self.theme_of = {str(t.public_id): t for t in choices.themes}
        priorities = cast(forms.MultipleChoiceField, self.fields["priorities"])
        priorities.choices = [(key, label(p)) for key, p in self.priority_of.items()]
        themes = cast(forms.MultipleChoiceField, self.fields["themes"])
        themes.choices = [(key, label(t)) for key, t in self.theme_of.items()]
        if not choices.priorities:
            priorities.error_messages["required"] = NO_PRIORITIES
        if not choices.themes:
            del self.fields["themes"]
        self.initial.setdefault(
            "priorities", [str(key) for key in application.priorities.values_list("public_id", flat=True)]
        )
        self.initial.setdefault(
            "themes", [str(key) for key in application.themes.values_list("public_id", flat=True)]
        )

    def values(self) -> dict[str, Any]:
        return {
            "priorities": [self.priority_of[key] for key in self.cleaned_data["priorities"]],
            "themes": [self.theme_of[key] for key in self.cleaned_data.get("themes", [])],
        }


def _in_row(row: str, message: str) -> str:
    """'Budget line 2: enter an amount of £0.01 or more', from a field's own message."""
    return f"{row}: {message[:1].lower()}{message[1:]}"


class RowPoundsField(PoundsField):
    """An amount in pounds in a numbered row: each of its errors names the row."""

    def __init__(self, *, row: str, **kwargs: Any) -> None:
        self.row = row
        super().__init__(required=False, **kwargs)

    def clean(self, value: Any) -> Any:
        try:
            return super().clean(value)
        except forms.ValidationError as error:
            raise forms.ValidationError([_in_row(self.row, m) for m in error.messages]) from None


def _row_text(label: str, *, row: str, asks: str, max_length: int) -> forms.CharField:
    """A text field of a numbered row; `asks` is what it asks for, as its errors say it."""
    return forms.CharField(
        label=label,
        required=False,
        max_length=max_length,
        error_messages={"max_length": f"{row}: enter {asks} in {max_length:,} characters or fewer"},
    )


class RowsForm(forms.Form):
    """Up to `max_rows` rows of the same fields, each named `<field>_<row number>`. A blank row is left out;
    a row begun needs every field `row_missing` names; every error names its row ("Outcome 2: ...")."""

    template_name = "grants/forms/rows.html"
    max_rows: int
    noun: str
    # The fields whose being filled in begins a row (a radio button once pressed cannot be cleared).
    beginning: tuple[str, ...] = ()
    # The error when every row is left blank; empty when no rows at all is an answer.
    at_least_one = ""

    def __init__(self, *args: Any, application: Application, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.application = application
        self.names: tuple[str, ...] = ()
        for number in range(1, self.max_rows + 1):
            fields = self.row_fields(f"{self.noun} {number}")
            self.names = tuple(fields)
            for name, field in fields.items():
                self.fields[f"{name}_{number}"] = field
        for number, row in enumerate(self.saved_rows()[: self.max_rows], start=1):
            for name, value in row.items():
                self.initial.setdefault(f"{name}_{number}", value)
        self.rows: list[dict[str, Any]] = []

    def saved_rows(self) -> list[dict[str, Any]]:
        """The application's rows as it has them, as the fields show them."""
        raise NotImplementedError

    def row_fields(self, row: str) -> dict[str, forms.Field]:
        raise NotImplementedError

    def row_missing(self, row: str) -> dict[str, str]:
        """What to say for each field a row begun needs but was left blank, by the field's name."""
        raise NotImplementedError

    def row_groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [
            (f"{self.noun} {number}", [self[f"{name}_{number}"] for name in self.names])
            for number in range(1, self.max_rows + 1)
        ]

    def summary_text(self) -> str:
        """A line the page shows below the rows (a budget's total); none by default."""
        return ""

    def _begun(self, number: int) -> bool:
        return any(str(self[f"{name}_{number}"].data or "").strip() for name in self.beginning)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.rows = []
        for number in range(1, self.max_rows + 1):
            if not self._begun(number):
                continue
            row = {name: data.get(f"{name}_{number}") for name in self.names}
            for name, message in self.row_missing(f"{self.noun} {number}").items():
                key = f"{name}_{number}"
                if row[name] in (None, "") and not self.has_error(key):
                    self.add_error(key, message)
            self.rows.append(row)
        if not self.rows and self.at_least_one:
            self.add_error(f"{self.names[0]}_1", self.at_least_one)
        return data


class OutcomesForm(RowsForm):
    max_rows = 5
    noun = "Outcome"
    beginning = ("text", "measure", "target")
    at_least_one = "Enter at least one outcome, with how you will measure it and its target"

    def saved_rows(self) -> list[dict[str, Any]]:
        return [
            # 40 rather than 40.00, and never 4E+1
            {"text": o.text, "measure": o.measure, "target": figure_text(o.target)}
            for o in self.application.outcomes.all()
        ]

    def row_fields(self, row: str) -> dict[str, forms.Field]:
        return {
            "text": _row_text("What will change", row=row, asks="what will change", max_length=300),
            "measure": _row_text(
                "How you will measure it", row=row, asks="how you will measure it", max_length=200
            ),
            "target": forms.DecimalField(
                label="Target number",
                required=False,
                max_digits=12,
                decimal_places=2,
                min_value=0,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
                error_messages={
                    "invalid": f"{row}: enter the target as a number, like 40 or 12.5",
                    "max_digits": f"{row}: enter a target below 10,000,000,000",
                    "max_whole_digits": f"{row}: enter a target below 10,000,000,000",
                    "max_decimal_places": f"{row}: enter the target with no more than 2 decimal places",
                    "min_value": f"{row}: enter a target of 0 or more",
                },
            ),
        }

    def row_missing(self, row: str) -> dict[str, str]:
        return {
            "text": f"{row}: enter what will change",
            "measure": f"{row}: enter how you will measure it",
            "target": f"{row}: enter the target number",
        }

    def values(self) -> dict[str, Any]:
        return {"outcomes": [(row["text"], row["measure"], str(row["target"])) for row in self.rows]}


class BudgetForm(RowsForm):
    max_rows = 8
    noun = "Budget line"
    beginning = ("item", "amount")
    at_least_one = "Enter at least one budget line, with what it is for and its amount"

    def saved_rows(self) -> list[dict[str, Any]]:
        return [
            {"item": line.item, "amount": line.amount_pence} for line in self.application.budget_lines.all()
        ]

    def row_fields(self, row: str) -> dict[str, forms.Field]:
        return {
            "item": _row_text("What the money is for", row=row, asks="what the money is for", max_length=200),
            "amount": RowPoundsField(label="Amount, in pounds", row=row),
        }

    def row_missing(self, row: str) -> dict[str, str]:
        return {"item": f"{row}: enter what the money is for", "amount": f"{row}: enter the amount"}

    def total_pence(self) -> int:
        """The lines' amounts as they stand on the page (saved, or as typed), leaving out any not money."""
        total = 0
        for number in range(1, self.max_rows + 1):
            try:
                total += self.fields[f"amount_{number}"].clean(self[f"amount_{number}"].value()) or 0
            except forms.ValidationError:
                continue
        return total

    def summary_text(self) -> str:
        text = f"The budget adds up to {pounds(self.total_pence())}."
        requested = self.application.amount_requested_pence
        if requested:
            text += f" The project asks for {pounds(requested)}: the two must be the same before you submit."
        return text

    def values(self) -> dict[str, Any]:
        return {"lines": [(row["item"], row["amount"]) for row in self.rows]}


class MatchFundingForm(RowsForm):
    max_rows = 4
    noun = "Match funding"
    beginning = ("source", "amount")

    def saved_rows(self) -> list[dict[str, Any]]:
        return [
            {"source": m.source, "amount": m.amount_pence, "confirmed": "yes" if m.confirmed else "no"}
            for m in self.application.match_funding.all()
        ]

    def row_fields(self, row: str) -> dict[str, forms.Field]:
        return {
            "source": _row_text(
                "Where the money comes from", row=row, asks="where the money comes from", max_length=200
            ),
            "amount": RowPoundsField(label="Amount, in pounds", row=row),
            "confirmed": forms.ChoiceField(
                label="Is this money confirmed?",
                required=False,
                widget=forms.RadioSelect,
                choices=[("yes", "Yes"), ("no", "No")],
                error_messages={"invalid_choice": f"{row}: select yes or no for whether it is confirmed"},
            ),
        }

    def row_missing(self, row: str) -> dict[str, str]:
        return {
            "source": f"{row}: enter where the money comes from",
            "amount": f"{row}: enter the amount",
            "confirmed": f"{row}: select whether the money is confirmed",
        }

    def values(self) -> dict[str, Any]:
        return {"sources": [(row["source"], row["amount"], row["confirmed"] == "yes") for row in self.rows]}


def question_key(number: int) -> str:
    """Where the answer to the round's question `number` (from 1) is kept in `Application.answers`."""
    return f"q{number}"


class QuestionsForm(forms.Form):
    """A text area for each of the round's own questions, labelled with the question."""

    def __init__(self, *args: Any, application: Application, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for number, question in enumerate(application.grant_round.questions, start=1):
            key = question_key(number)
            self.fields[key] = applicant_text(
                f"{number}. {question}", required=f"Enter your answer to question {number}", rows=6
            )
            self.initial.setdefault(key, application.answers.get(key, ""))

    def values(self) -> dict[str, Any]:
        return {"answers": {key: self.cleaned_data[key] for key in self.fields}}
