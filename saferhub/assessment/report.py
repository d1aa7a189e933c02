"""The assessment report: what it holds (summary, headline table, trends, places, ranking, priorities), for
the HTML page and the tagged PDF, in a full version and a public one of aggregate figures only.

The public version leaves out what partners said on their own (their individual scores and reasons) and
the workshop's working: it shows the figures, the agreed ranking and the priorities chosen.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from saferhub.assessment import selectors
from saferhub.assessment.headline import HeadlineTable
from saferhub.assessment.models import Assessment, ChosenPriority
from saferhub.assessment.places import Places
from saferhub.assessment.trends import Trend, trend_of
from saferhub.design_system.pdf import pdf_from_html

# The report maps the first indicator (the headline's lead row) and each chosen priority's indicator.
MAX_PLACES = 4


@dataclass(frozen=True)
class Report:
    assessment: Assessment
    public: bool
    headline: HeadlineTable
    trends: tuple[Trend, ...]
    places: tuple[Places, ...]
    ranking: selectors.Ranking
    chosen: tuple[ChosenPriority, ...]
    made_at: dt.datetime


def report_of(assessment: Assessment, *, public: bool) -> Report:
    headline = selectors.headline_of(assessment)
    chosen = tuple(selectors.chosen_priorities(assessment))
    mapped = [row.indicator for row in headline.rows[:1]]
    for choice in chosen:
        indicator = choice.issue.indicator
        if indicator is not None and indicator not in mapped:
            mapped.append(indicator)
    return Report(
        assessment=assessment,
        public=public,
        headline=headline,
        trends=tuple(trend_of(row, chart_id=f"trend-{index}") for index, row in enumerate(headline.rows)),
        places=tuple(
            selectors.places_of(assessment, indicator, headline.periods[-1])
            for indicator in mapped[:MAX_PLACES]
        ),
        ranking=selectors.ranking_of(assessment, headline=headline),
        chosen=chosen,
        made_at=timezone.localtime(),
    )


def assessment_report_pdf(
    assessment: Assessment, *, public: bool, on_progress: Callable[[int], None] = lambda percent: None
) -> bytes:
    """The report as a tagged PDF (PDF/UA-1), from the same sections as the page; `on_progress` hears how far
    it has got (per cent), for the task worker's progress page."""
    report = report_of(assessment, public=public)
    on_progress(50)  # the figures are counted; drawing and laying out the PDF is the rest
    html = render_to_string(
        "assessment/report_print.html", {"report": report, "partnership": assessment.partnership}
    )
    return pdf_from_html(html, base_url=settings.SAFERHUB_BASE_URL)
