"""Open data: what a partnership funded, for how much, for which priority, and what it achieved.

Public (no sign-in), under the Open Government Licence: the licence is in the JSON and, for the CSV (which
has no standard place for it), in a `Link: <...>; rel="license"` header on both. Only what is public once a
project is funded: the organisation (a voluntary group's name), the project, its fund, year, award,
priorities, status and its reports' figures against their targets; no person's name or contact details, and
none of the reports' own words. Cacheable: Last-Modified and ETag from the newest change to what it shows.

The amount awarded is what the award holds of the fund, as the fund's page counts it committed: the offer
with its approved variations, less any claw-back, while the project runs; once the award is closed, only
what was paid and not clawed back (what was never paid went back to the fund). A declined or lapsed offer
was never funded and is not published.
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import condition, require_safe

from saferhub.core.csv import csv_response
from saferhub.core.open_data import attribution, licence_json, published
from saferhub.core.request_memo import memoised
from saferhub.grants.selectors import dashboard as dashboard_selectors
from saferhub.grants.selectors.dashboard import FundedProject, OutcomeAchieved
from saferhub.grants.views.exports import pounds_number
from saferhub.partnerships.models import Partnership


def _changed_at(slug: str) -> dt.datetime | None:
    """The newest change to the partnership's open data, asked once for the ETag and Last-Modified both;
    an unknown slug is a 404 here already."""

    def newest() -> dt.datetime | None:
        partnership = dashboard_selectors.partnership_of_open_data(slug)
        return dashboard_selectors.open_data_changed_at(partnership)

    return memoised(("grants-open-data-changed", slug), newest)


def _last_modified(request: HttpRequest, slug: str, extension: str) -> dt.datetime | None:
    return _changed_at(slug)


def _etag(request: HttpRequest, slug: str, extension: str) -> str | None:
    changed = _changed_at(slug)
    return None if changed is None else f"{slug}-{extension}-{changed.timestamp():.6f}"


def _achieved_json(achieved: OutcomeAchieved) -> dict[str, Any]:
    return {
        "outcome": achieved.outcome.text,
        "measure": achieved.outcome.measure,
        "target": achieved.target_text,
        # Null, not 0, until an accepted report gives a figure.
        "reported": achieved.reported_text,
    }


def _project_json(project: FundedProject) -> dict[str, Any]:
    return {
        "organisation": project.organisation,
        "project": project.project,
        "fund": project.fund,
        "financial_year": project.financial_year,
        "amount_awarded_pence": project.awarded,
        # Exact, as a string: a JSON number would be read as a float.
        "amount_awarded_pounds": str(pounds_number(project.awarded)),
        "priorities": project.priorities,
        "status": project.status,
        "achieved": [_achieved_json(achieved) for achieved in project.achieved],
    }


def _achieved_text(achieved: OutcomeAchieved) -> str:
    reported = achieved.reported_text or "none reported yet"
    return f"{achieved.outcome.measure}: {reported} against a target of {achieved.target_text}"


def _as_json(partnership: Partnership, projects: list[FundedProject]) -> HttpResponse:
    return JsonResponse(
        {
            "partnership": partnership.name,
            "licence": licence_json(),
            "attribution": attribution(partnership.name),
            "projects": [_project_json(project) for project in projects],
        },
        json_dumps_params={"ensure_ascii": False},
    )


def _as_csv(partnership: Partnership, projects: list[FundedProject]) -> HttpResponse:
    return csv_response(
        [
            "Organisation",
            "Project",
            "Fund",
            "Financial year",
            "Amount awarded (£)",
            "Priorities",
            "Status",
            "Achieved against targets",
        ],
        (
            [
                project.organisation,
                project.project,
                project.fund,
                project.financial_year,
                pounds_number(project.awarded),
                "; ".join(project.priorities),
                project.status,
                "; ".join(_achieved_text(achieved) for achieved in project.achieved),
            ]
            for project in projects
        ),
        filename=f"{partnership.slug} funded projects",
    )


@require_safe
@condition(etag_func=_etag, last_modified_func=_last_modified)
def funded_projects(request: HttpRequest, slug: str, extension: str) -> HttpResponse:
    partnership = dashboard_selectors.partnership_of_open_data(slug)
    projects = dashboard_selectors.funded_projects(partnership)
    return published((_as_json if extension == "json" else _as_csv)(partnership, projects))
