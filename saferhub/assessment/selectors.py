"""Reading assessments: scoped to a partnership, and the figures and ranking they give."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, QuerySet, When
from django.db.models.functions import Lower
from django.http import Http404

from saferhub.assessment.figures_cache import cached_figures
from saferhub.assessment.headline import (
    HeadlineTable,
    PeriodKind,
    PeriodSpan,
    headline_table_for,
    periods_ending,
    periods_held,
    periods_without_data,
)
from saferhub.assessment.models import AgreedScore, Assessment, ChosenPriority, Issue, Score
from saferhub.assessment.places import Places, places_for
from saferhub.assessment.scoring import (
    GROUP_LABELS,
    IssueInputs,
    IssueResult,
    ScoringModel,
    Sensitivity,
    Spread,
    ranking,
    scoring_model_from_json,
    sensitivity,
    spread_of,
    trend_key,
    volume_scores,
)
from saferhub.core.actors import Actor
from saferhub.crimedata import counting
from saferhub.crimedata import selectors as crime
from saferhub.crimedata.models import Indicator, IndicatorSet
from saferhub.partnerships.models import Partnership


def _found[T: Any](records: QuerySet[T]) -> T:
    """The one record, or 404: another partnership's id is not found, never refused."""
    record = records.first()
    if record is None:
        raise Http404("Not found")
    return record


def assessments_of(partnership: Partnership) -> QuerySet[Assessment]:
    return Assessment.objects.filter(partnership=partnership).select_related("created_by")


def assessment_in(partnership: Partnership, public_id: Any) -> Assessment:
    """The partnership's assessment with this id; 404 for anyone else's."""
    return _found(
        Assessment.objects.select_related("partnership").filter(partnership=partnership, public_id=public_id)
    )


def issue_in(assessment: Assessment, public_id: Any) -> Issue:
    return _found(
        Issue.objects.select_related("indicator", "assessment__partnership").filter(
            assessment=assessment, public_id=public_id
        )
    )


def chosen_in(assessment: Assessment, public_id: Any) -> ChosenPriority:
    return _found(
        ChosenPriority.objects.select_related("issue", "plan_priority").filter(
            assessment=assessment, public_id=public_id
        )
    )


def indicators_of(assessment: Assessment) -> list[Indicator]:
    return [assessed.indicator for assessed in assessment.assessed.select_related("indicator")]


def indicators_available_to(partnership: Partnership) -> QuerySet[Indicator]:
    """The shared indicators and the partnership's own, for choosing what an assessment covers: total crime
    first (the headline's lead row), then the shared ones and then the partnership's own, by name."""
    return crime.indicators_for(partnership).order_by(
        Case(When(partnership__isnull=True, then=0), default=1),
        Case(When(slug__endswith="total-crime", then=0), default=1),
        Lower("name"),
    )


def indicator_sets_available_to(partnership: Partnership) -> QuerySet[IndicatorSet]:
    return crime.indicator_sets_for(partnership).order_by(
        Case(When(partnership__isnull=True, then=0), default=1), Lower("name")
    )


# What a new assessment covers unless the analyst chooses otherwise: total crime and the police.uk types.
DEFAULT_SET = "policeuk-crime-types"
DEFAULT_TICKED = "policeuk-total-crime"


DEFAULT_KIND: PeriodKind = "financial-year"
MOST_YEARS = 10


def default_indicator_choice(partnership: Partnership) -> dict[str, Any]:
    """The new-assessment form's defaults: the indicators above, the last month their data holds, and as
    many years as it holds (at least 2), so that no year of the default table is without data."""
    indicator_set = crime.indicator_set_for(slug=DEFAULT_SET, partnership=partnership)
    ticked = list(indicators_available_to(partnership).filter(slug=DEFAULT_TICKED))
    members = indicator_set.members.select_related("indicator") if indicator_set else []
    chosen = [*ticked, *(member.indicator for member in members)]
    sources = sorted({source for indicator in chosen for source in indicator.sources})
    initial: dict[str, Any] = {
        "indicator_set": indicator_set.pk if indicator_set else None,
        "indicators": [indicator.pk for indicator in ticked],
        "period_kind": DEFAULT_KIND,
    }
    last_month = crime.latest_month(sources=sources) if sources else None
    if last_month is not None:
        held = counting.months_held(sources=sources)
        years = periods_held(held=held, kind=DEFAULT_KIND, last_month=last_month, most=MOST_YEARS)
        initial |= {"last_month": last_month, "years": max(years, 2)}
    return initial


def source_labels(partnership: Partnership) -> dict[str, str]:
    """What people call each source, police.uk's whether or not the store holds it yet."""
    return {**crime.SOURCE_LABELS, **crime.sources_visible_to(partnership)}


def periods_without_data_of(
    partnership: Partnership,
    indicators: Sequence[Indicator],
    *,
    kind: PeriodKind,
    years: int,
    last_month: Any,
) -> dict[str, tuple[str, ...]]:
    """The periods an assessment of these indicators would cover of which the store holds no month, by the
    name of the sources that lack them (empty when every period holds some data)."""
    periods = periods_ending(last_month, kind=kind, years=years)
    labels = source_labels(partnership)
    found: dict[str, tuple[str, ...]] = {}
    for sources in dict.fromkeys(tuple(indicator.sources) for indicator in indicators):
        empty = periods_without_data(periods, counting.months_held(sources=sources))
        if empty:
            found[", ".join(labels.get(source, source) for source in sources)] = tuple(s.label for s in empty)
    return found


def scoring_model_of(assessment: Assessment) -> ScoringModel:
    return scoring_model_from_json(assessment.scoring)


def indicator_names_of(assessment: Assessment) -> dict[int, str]:
    """Each indicator's name in the assessment: its issue's title, which tells apart two of the same name."""
    return dict(assessment.issues.filter(indicator__isnull=False).values_list("indicator_id", "title"))


def _definition_of(indicator: Indicator) -> tuple[Any, ...]:
    """What an indicator's figures depend on, for a cache key: what it counts, where, and its name."""
    return (indicator.pk, counting.indicator_filter(indicator), indicator.area_code, indicator.name)


def _area_of(assessment: Assessment) -> tuple[Any, ...]:
    return (assessment.partnership.slug, tuple(assessment.partnership.area_codes))


def headline_of(assessment: Assessment) -> HeadlineTable:
    """The assessment's headline table, computed once for each version of the store (figures_cache)."""
    indicators = indicators_of(assessment)
    names = indicator_names_of(assessment)
    definitions = (
        _area_of(assessment),
        assessment.period_kind,
        assessment.years,
        assessment.last_month,
        tuple(_definition_of(indicator) for indicator in indicators),
        tuple(sorted(names.items())),
    )
    return cached_figures(
        "headline",
        definitions,
        lambda: headline_table_for(
            area_code=assessment.partnership.slug,
            indicators=indicators,
            kind=assessment.period_kind,  # type: ignore[arg-type]
            years=assessment.years,
            last_month=assessment.last_month,
            names=names,
        ),
    )


def places_of(assessment: Assessment, indicator: Indicator, span: PeriodSpan) -> Places:
    """Where: the indicator's places in the period, computed once for each version of the store."""
    definitions = (
        _area_of(assessment),
        _definition_of(indicator),
        span,
        assessment.cell_size,
        tuple(assessment.comparator_codes),
    )
    return cached_figures(
        "places",
        definitions,
        lambda: places_for(
            indicator=indicator,
            area_codes=list(assessment.partnership.area_codes),
            scope_code=assessment.partnership.slug,
            span=span,
            cell_size=assessment.cell_size,
            family=list(assessment.comparator_codes),
        ),
    )


def issues_of(assessment: Assessment) -> QuerySet[Issue]:
    return assessment.issues.select_related("indicator")


def own_scores(issue: Issue, user: Actor) -> dict[str, Score]:
    return {score.dimension: score for score in Score.objects.filter(issue=issue, scorer_id=user.pk)}


def scored_issue_ids(assessment: Assessment, user: Actor) -> set[int]:
    return set(
        Score.objects.filter(issue__assessment=assessment, scorer_id=user.pk).values_list(
            "issue_id", flat=True
        )
    )


@dataclass(frozen=True)
class DimensionView:
    """One dimension of one issue as the workshop sees it."""

    slug: str
    label: str
    computed: float | None  # from the data (volume, trend)
    spread: Spread  # the partners' own scores
    agreed: AgreedScore | None
    value: float | None  # what the ranking uses: agreed, else computed, else the partners' median


@dataclass(frozen=True)
class PartnerReason:
    """Why one partner scored an issue as they did, with those scores; shown without the partner's name."""

    scores: tuple[tuple[str, int], ...]  # (dimension label, score), in the model's order
    reason: str


@dataclass(frozen=True)
class IssueView:
    issue: Issue
    dimensions: tuple[DimensionView, ...]
    scorers: int  # how many partners scored it
    reasons: tuple[PartnerReason, ...] = ()  # the partners' who gave one, in the order of their words

    @property
    def inputs(self) -> IssueInputs:
        return IssueInputs(
            key=str(self.issue.public_id),
            title=self.issue.title,
            values={d.slug: d.value for d in self.dimensions},
        )


def computed_scores(model: ScoringModel, headline: HeadlineTable) -> dict[int, dict[str, float]]:
    """Volume and trend scores by indicator id, from the headline table's latest period and change."""
    latest = {row.indicator.pk: row.latest.count for row in headline.rows if row.latest.whole}
    volumes = (
        volume_scores({key: count or 0 for key, count in latest.items()}, top=model.top) if latest else {}
    )
    found: dict[int, dict[str, float]] = defaultdict(dict)
    for row in headline.rows:
        if row.indicator.pk in volumes:
            found[row.indicator.pk]["volume"] = volumes[row.indicator.pk]
        if row.significance is not None and row.absolute_change is not None:
            direction = "rise" if row.absolute_change > 0 else "fall" if row.absolute_change < 0 else "none"
            found[row.indicator.pk]["trend"] = model.trend_scores[
                trend_key(direction, row.significance.significant)
            ]
    return found


def issue_views(assessment: Assessment, *, headline: HeadlineTable | None = None) -> list[IssueView]:
    model = scoring_model_of(assessment)
    computed = computed_scores(model, headline or headline_of(assessment))
    scores: dict[tuple[int, str], list[int]] = defaultdict(list)
    scorers: dict[int, set[int]] = defaultdict(set)
    by_scorer: dict[tuple[int, int], dict[str, Score]] = defaultdict(dict)
    for score in Score.objects.filter(issue__assessment=assessment).only(
        "issue_id", "scorer_id", "dimension", "value", "rationale"
    ):
        scores[(score.issue_id, score.dimension)].append(score.value)
        scorers[score.issue_id].add(score.scorer_id)
        by_scorer[(score.issue_id, score.scorer_id)][score.dimension] = score
    reasons: dict[int, list[PartnerReason]] = defaultdict(list)
    for (issue_id, _scorer), given in by_scorer.items():
        reason = next((score.rationale for score in given.values() if score.rationale.strip()), "")
        if reason:
            ordered = [(d.label, given[d.slug].value) for d in model.dimensions if d.slug in given]
            reasons[issue_id].append(PartnerReason(scores=tuple(ordered), reason=reason))
    agreed = {(a.issue_id, a.dimension): a for a in AgreedScore.objects.filter(issue__assessment=assessment)}
    views = []
    for issue in issues_of(assessment):
        dimensions = []
        for dimension in model.dimensions:
            value_from_data = (
                computed.get(issue.indicator_id or 0, {}).get(dimension.data) if dimension.data else None
            )
            spread = spread_of(scores[(issue.pk, dimension.slug)])
            agreement = agreed.get((issue.pk, dimension.slug))
            value: float | None = (
                float(agreement.value)
                if agreement is not None
                else value_from_data
                if value_from_data is not None
                else spread.median
            )
            dimensions.append(
                DimensionView(
                    slug=dimension.slug,
                    label=dimension.label,
                    computed=value_from_data,
                    spread=spread,
                    agreed=agreement,
                    value=value,
                )
            )
        views.append(
            IssueView(
                issue=issue,
                dimensions=tuple(dimensions),
                scorers=len(scorers[issue.pk]),
                # Sorted by their words, not by who gave them: the workshop shows no names.
                reasons=tuple(sorted(reasons[issue.pk], key=lambda found: found.reason)),
            )
        )
    return views


def partner_dimensions(
    model: ScoringModel, issue: Issue, views: Sequence[IssueView] | None = None
) -> list[str]:
    """The dimensions partners score for this issue: all but those the data gives it."""
    if views is None:
        return [d.slug for d in model.dimensions if not (d.data and issue.indicator_id)]
    view = next(v for v in views if v.issue.pk == issue.pk)
    return [d.slug for d in view.dimensions if d.computed is None]


@dataclass(frozen=True)
class Ranking:
    model: ScoringModel
    results: tuple[IssueResult, ...]
    sensitivity: dict[str, Sensitivity]
    views: dict[str, IssueView]

    def missing(self, result: IssueResult) -> str:
        """What an issue still lacks, in a few words: "Not scored yet" when partners have scored none of its
        dimensions, else the groups still to score, like "harm (2 of 3), partnership position"."""
        if not result.unscored:
            return ""
        view = self.views.get(result.key)
        partners = [d.label for d in view.dimensions if d.computed is None] if view else list(result.unscored)
        if set(partners) <= set(result.unscored):
            return "Not scored yet"
        parts = []
        for group, words in GROUP_LABELS.items():
            labels = [d.label for d in self.model.in_group(group)]
            gaps = [label for label in labels if label in result.unscored]
            if gaps:
                text = (
                    words.lower()
                    if len(gaps) == len(labels)
                    else f"{words.lower()} ({len(gaps)} of {len(labels)})"
                )
                parts.append(text)
        return "Still to score: " + ", ".join(parts)


def ranking_of(
    assessment: Assessment, *, model: ScoringModel | None = None, headline: HeadlineTable | None = None
) -> Ranking:
    """The issues ranked by the assessment's scoring model (or a variant of it: the what-if weights)."""
    model = model or scoring_model_of(assessment)
    views = issue_views(assessment, headline=headline)
    inputs = [view.inputs for view in views]
    return Ranking(
        model=model,
        results=tuple(ranking(model, inputs)),
        sensitivity=sensitivity(model, inputs),
        views={str(view.issue.public_id): view for view in views},
    )


def chosen_priorities(assessment: Assessment) -> QuerySet[ChosenPriority]:
    return assessment.chosen.select_related("issue", "chosen_by", "plan_priority__plan")
