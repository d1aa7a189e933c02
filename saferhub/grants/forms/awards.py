"""The partnership managers' forms for awards: the offer and its payment schedule, giving an offer longer,
recording a payment, deciding a variation, recording spend, clawing back and closing. They validate only:
the services write (and refuse what the records do not allow)."""

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone

from saferhub.design_system.filters import pounds
from saferhub.design_system.widgets import DateInput
from saferhub.grants.forms.applying import RowPoundsField, RowsForm
from saferhub.grants.forms.fields import PoundsField, text_box
from saferhub.grants.models import Application, BudgetLine

IN_FULL, IN_INSTALMENTS = "full", "instalments"
QUARTERS = (1, 2, 3, 4)


def _date(label: str, *, required: str, hint: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        help_text=hint,
        widget=DateInput(),
        error_messages={"required": required, "invalid": "Enter a real date, like 2026-09-30"},
    )


def _from_today(day: dt.date | None, field: str, form: forms.Form) -> None:
    if day is not None and day < timezone.localdate():
        form.add_error(field, "Enter a date from today on")


def _acceptance_date() -> dt.date:
    """The date an offer made today must be accepted by."""
    return timezone.localdate() + dt.timedelta(days=settings.SAFERHUB_GRANT_OFFER_ACCEPTANCE_DAYS)


def when_paid(quarter: int | None) -> str:
    """When an instalment is paid, as the schedule says it."""
    return "On acceptance" if quarter is None else f"After the Q{quarter} report is accepted"


class OfferForm(RowsForm):
    """The offer: its amount (never more than asked for, nor than the fund has left), conditions, the date
    to accept by and the payment schedule: in full on acceptance, or instalments that add up to it."""

    template_name = "grants/awards/offer_form.html"
    max_rows = 6
    noun = "Instalment"
    beginning = ("amount",)

    amount_pence = PoundsField(label="Amount, in pounds", error_messages={"required": "Enter the amount"})
    conditions = text_box(
        "Conditions", hint="What the project must do to be paid, as the offer letter will say", rows=5
    )
    respond_by = _date(
        "Accept by", required="Enter the date the offer must be accepted by", hint="The offer lapses after it"
    )
    schedule = forms.ChoiceField(
        label="How is it paid?",
        widget=forms.RadioSelect,
        choices=[(IN_FULL, "In full, once the offer is accepted"), (IN_INSTALMENTS, "In instalments")],
        initial=IN_FULL,
        error_messages={"required": "Select how the award is paid"},
    )

    def __init__(self, *args: Any, application: Application, remaining_pence: int, **kwargs: Any) -> None:
        super().__init__(*args, application=application, **kwargs)
        self.remaining_pence = remaining_pence
        self.requested_pence = application.amount_requested_pence
        self.fields["amount_pence"].help_text = (
            f"The application asked for {pounds(self.requested_pence)}. "
            f"The fund has {pounds(remaining_pence)} left to offer"
        )
        self.initial.setdefault("amount_pence", min(self.requested_pence, max(remaining_pence, 0)) or None)
        self.initial.setdefault("conditions", application.conditions)
        self.initial.setdefault("respond_by", _acceptance_date())

    def saved_rows(self) -> list[dict[str, Any]]:
        return []

    def row_fields(self, row: str) -> dict[str, forms.Field]:
        return {
            "amount": RowPoundsField(label="Amount, in pounds", row=row),
            "after_quarter": forms.TypedChoiceField(
                label="Paid",
                required=False,
                coerce=int,
                empty_value=None,
                choices=[("", when_paid(None)), *[(str(q), when_paid(q)) for q in QUARTERS]],
                error_messages={"invalid_choice": f"{row}: select when it is paid"},
            ),
        }

    def row_missing(self, row: str) -> dict[str, str]:
        return {"amount": f"{row}: enter the amount"}

    def fixed_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("amount_pence", "conditions", "respond_by", "schedule")]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        amount = data.get("amount_pence")
        if amount is not None and amount > self.requested_pence:
            self.add_error(
                "amount_pence",
                f"The application asked for {pounds(self.requested_pence)}: offer no more than that",
            )
        elif amount is not None and amount > self.remaining_pence:
            self.add_error(
                "amount_pence",
                f"The fund has {pounds(self.remaining_pence)} left to offer: offer no more than that",
            )
        _from_today(data.get("respond_by"), "respond_by", self)
        if data.get("schedule") == IN_INSTALMENTS:
            self._instalments_check(amount)
        return data

    def _instalments_check(self, amount: int | None) -> None:
        if not self.rows:
            self.add_error("amount_1", "Enter at least one instalment, or choose to pay in full")
            return
        if amount is None or any(row["amount"] is None for row in self.rows):
            return  # the missing amounts have their own errors
        total = sum(row["amount"] for row in self.rows)
        if total != amount:
            self.add_error(
                "amount_1",
                f"The instalments add up to {pounds(total)}, not the award's {pounds(amount)}: "
                "make them the same",
            )

    def offer_values(self) -> dict[str, Any]:
        """What `award_offer` takes."""
        data = self.cleaned_data
        if data["schedule"] == IN_FULL:
            instalments = [(data["amount_pence"], None)]
        else:
            instalments = [(row["amount"], row["after_quarter"]) for row in self.rows]
        return {
            "amount_pence": data["amount_pence"],
            "conditions": data["conditions"],
            "respond_by": data["respond_by"],
            "instalments": instalments,
        }


class ExtendForm(forms.Form):
    respond_by = _date("Accept by", required="Enter the new date the offer must be accepted by")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["respond_by"].initial = _acceptance_date()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _from_today(data.get("respond_by"), "respond_by", self)
        return data


class PaymentForm(forms.Form):
    paid_on = _date("Paid on", required="Enter the date it was paid", hint="The date the money left the fund")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["paid_on"].initial = timezone.localdate()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        paid_on = data.get("paid_on")
        if paid_on is not None and paid_on > timezone.localdate():
            self.add_error("paid_on", "Enter the date it was paid: it cannot be in the future")
        return data


APPROVE, REFUSE = "approve", "refuse"


class VariationDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        widget=forms.RadioSelect,
        choices=[(APPROVE, "Approve the variation"), (REFUSE, "Refuse it")],
        error_messages={"required": "Select whether you approve or refuse the variation"},
    )
    reason = text_box(
        "Why",
        required="Say why: a variation is decided in writing",
        hint="The project sees this with your decision",
    )


class SpendForm(forms.Form):
    """What the project spent in one period against each line of its budget: a line left blank is left as
    it was."""

    period = forms.CharField(
        label="Period",
        max_length=40,
        help_text="The quarter it was spent in, like 2026/27 Q1, or ‘Reconciliation’ for a correction",
        error_messages={
            "required": "Enter the period the spend is for",
            "max_length": "Enter the period in 40 characters or fewer",
        },
    )

    def __init__(self, *args: Any, lines: list[BudgetLine], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.line_of: dict[str, BudgetLine] = {}
        for number, line in enumerate(lines, start=1):
            name = f"line_{number}"
            self.line_of[name] = line
            self.fields[name] = PoundsField(
                label=f"Spent on ‘{line.item}’, in pounds",
                help_text=f"Its budget is {pounds(line.amount_pence)}",
                minimum_pence=0,
                required=False,
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.line_of:
            raise forms.ValidationError("This project's budget has no lines to record spend against")
        if all(data.get(name) is None for name in self.line_of) and not any(
            self.has_error(name) for name in self.line_of
        ):
            self.add_error(next(iter(self.line_of)), "Enter the spend on at least one budget line")
        return data

    def spend(self) -> dict[BudgetLine, int]:
        """{budget line: pence} of the lines filled in."""
        return {
            line: self.cleaned_data[name]
            for name, line in self.line_of.items()
            if self.cleaned_data.get(name) is not None
        }


class ClawbackForm(forms.Form):
    amount_pence = PoundsField(label="Amount, in pounds", error_messages={"required": "Enter the amount"})
    reason = text_box("Why", required="Say why the money is clawed back")

    def __init__(self, *args: Any, most_pence: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.most_pence = most_pence
        self.fields["amount_pence"].help_text = f"No more than {pounds(most_pence)}"

    def clean_amount_pence(self) -> int:
        amount: int = self.cleaned_data["amount_pence"]
        if amount > self.most_pence:
            raise forms.ValidationError(
                f"The project holds {pounds(self.most_pence)} paid and not spent: claw back no more than that"
            )
        return amount


class CloseForm(forms.Form):
    comment = text_box("Comment (optional)", hint="Kept in the award's history")
    reconciled = forms.BooleanField(
        label="I have checked the project's spend and final report: the award is reconciled",
        error_messages={"required": "Confirm the award is reconciled before you close it"},
    )
