"""The authorisation matrix rows of the funding app's project reports pages, merged by matrix_grants."""

import datetime as dt
from typing import Any

from django.utils import timezone

from saferhub.grants.models import ProjectReturnSection
from tests.security.matrix_words import MANAGER_ONLY, MANAGES, SIGN_IN, Expect, Row, To

# The same row as matrix_grants.APPLICANTS_ONLY (imported from there it would be a circular import): a
# project's own report pages are known only to its organisation's members, and none of the matrix's people
# applies for an organisation. (The page tests let its members in, and keep another organisation's out.)
PROJECTS_ONLY = Row(SIGN_IN, 404, 404, 404, 404, 404, 404, 404)
# A's report is a draft, with nothing to decide: its managers are sent back to it; to anyone else it does
# not exist.
DECIDES = Row(SIGN_IN, To("/p/alpha/funding/reports/"), 404, 404, 404, 404, 404, 404)


def open_form(w: Any) -> dict[str, Any]:
    # Q2: A's Q1 is open already (records()), so this opens a quarter and its report.
    return {
        "quarter": "2",
        "financial_year": "2026",
        "due_on": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
        "remind_days_before": "7",
        "remind_days_after": "3",
    }


def section_form(section: ProjectReturnSection) -> Any:
    """A form for each section; A's award has no outcomes or budget lines, so those two take nothing."""

    def data(w: Any) -> dict[str, Any]:
        forms: dict[str, dict[str, Any]] = {
            ProjectReturnSection.PROGRESS: {"progress": "Twelve sessions run."},
            ProjectReturnSection.FIGURES: {},
            ProjectReturnSection.SPEND: {},
            ProjectReturnSection.CASE_STUDY: {"case_study": "A young person found work."},
            ProjectReturnSection.RISKS: {"risks": "None"},
        }
        return forms[section]

    return data


MATRIX: dict[str, Expect] = {
    "grants:reports-open": Expect(MANAGES, data=open_form),
    "grants:report-round": Expect(MANAGES),
    # A report is its project's and the managers' business: to the partnership's other people it does not
    # exist.
    "grants:report": Expect(MANAGER_ONLY),
    "grants:report-decide": Expect(DECIDES, data=lambda w: {"decision": "accept", "comment": ""}, doer=None),
    "grants:my-report": Expect(PROJECTS_ONLY),
    **{
        f"grants:my-report-{section.value}": Expect(PROJECTS_ONLY, data=section_form(section), doer=None)
        for section in ProjectReturnSection
    },
    "grants:my-report-check": Expect(PROJECTS_ONLY, data=lambda w: {}, doer=None),
}
