"""The managers' report of the partnership's ASB casework: figures only, for a period they choose."""

import datetime as dt

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from saferhub.asb.selectors.reports import AsbReport, Period, asb_report
from saferhub.core.months import months_after
from saferhub.design_system.charts import BarChart, bar_chart
from saferhub.partnerships.permissions import partnership_for_action

MANAGE = "asb.manage"
DEFAULT_PERIOD = "12"
PERIODS = {
    "3": "The last 3 months",
    "6": "The last 6 months",
    "12": "The last 12 months",
    "24": "The last 2 years",
}


class PeriodForm(forms.Form):
    months = forms.ChoiceField(
        label="Period",
        choices=list(PERIODS.items()),
        widget=forms.Select,
        error_messages={"invalid_choice": "Select a period from the list"},
    )

    def period(self, today: dt.date) -> Period:
        """The whole months of the choice, this month (so far) the last of them."""
        months = int(self.cleaned_data["months"])
        return Period(starts_on=months_after(today.replace(day=1), 1 - months), ends_on=today)


@login_required
def reports(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_for_action(request.user, slug, MANAGE)
    form = PeriodForm(request.GET if "months" in request.GET else {"months": DEFAULT_PERIOD})
    if not form.is_valid():
        return render(
            request, "asb/reports/reports.html", {"partnership": partnership, "form": form}, status=400
        )
    today = timezone.localdate()
    report = asb_report(partnership, period=form.period(today), today=today)
    return render(
        request,
        "asb/reports/reports.html",
        {
            "partnership": partnership,
            "form": form,
            "period_label": PERIODS[form.cleaned_data["months"]],
            "report": report,
            "month_chart": _month_chart(report),
        },
    )


def _month_chart(report: AsbReport) -> BarChart | None:
    months = report.incidents_by_month
    if not report.incidents:
        return None
    not_held = sum(1 for month in months if month.total is None)
    return bar_chart(
        chart_id="incidents-by-month",
        title=f"Incidents by month, {months[0].month:%B %Y} to {months[-1].month:%B %Y}",
        description=(
            f"A bar for each month; the highest is {max(m.total or 0 for m in months):,}."
            + (
                f" {not_held} before the first incident recorded, shaded grey: no data held."
                if not_held
                else ""
            )
            + " The table below gives every figure, by category."
        ),
        labels=[f"{month.month:%B %Y}" for month in months],
        values=[month.total for month in months],
        axis_labels=[f"{month.month:%b %y}" for month in months],
        missing_text="no data held",
        width=900,
        max_axis_labels=12,
    )
