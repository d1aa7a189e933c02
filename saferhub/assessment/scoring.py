"""Priority scoring, MoRiLE-style: the scoring model (scales, dimensions, weights) and the ranking it gives.

MoRiLE's own scales and formula are not public, so nothing here claims to be MoRiLE. The model keeps its
sections apart as MoRiLE does: harm and likelihood make the risk, confidence qualifies it, and the
partnership's position (capacity, capability, influence) is graded separately and weighs in last. The
shipped models live in scoring_models/*.toml; docs/assessment.md explains them. Plain Python: no database.
"""

import statistics
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

GROUPS = ("harm", "likelihood", "confidence", "position")
GROUP_LABELS = {
    "harm": "Harm",
    "likelihood": "Likelihood",
    "confidence": "Confidence",
    "position": "Partnership position",
}
# An issue is ranked once it has a harm and a likelihood score, so neither group may weigh nothing.
RANKED_ON = ("harm", "likelihood")
DATA_KINDS = ("volume", "trend")
TREND_KEYS = ("real_rise", "rise", "steady", "fall", "real_fall")
MODELS_DIR = Path(__file__).resolve().parent / "scoring_models"
DEFAULT_MODEL = "morile-style"


class ScoringModelError(ValueError):
    """A scoring model that cannot be used; the message names the key."""


@dataclass(frozen=True)
class Dimension:
    slug: str
    group: str
    label: str
    scale: tuple[str, ...]  # the words of each score from 0 up, on this dimension's own scale
    help: str = ""
    weight: float = 1.0
    data: str = ""  # "volume" or "trend": computed for an issue with an indicator


@dataclass(frozen=True)
class ScoringModel:
    name: str
    description: str
    scale: tuple[str, ...]  # the label of each score from 0 up
    dimensions: tuple[Dimension, ...]
    position_weight: float
    confidence_multipliers: tuple[float, ...]
    trend_scores: dict[str, int] = field(default_factory=dict)

    @property
    def top(self) -> int:
        return len(self.scale) - 1

    def in_group(self, group: str) -> tuple[Dimension, ...]:
        return tuple(dimension for dimension in self.dimensions if dimension.group == group)

    def dimension(self, slug: str) -> Dimension:
        return next(dimension for dimension in self.dimensions if dimension.slug == slug)

    def with_weights(
        self, weights: Mapping[str, float], *, position_weight: float | None = None
    ) -> "ScoringModel":
        """The same model with some dimensions' weights (and the position weight) changed."""
        return replace(
            self,
            dimensions=tuple(replace(d, weight=weights.get(d.slug, d.weight)) for d in self.dimensions),
            position_weight=self.position_weight if position_weight is None else position_weight,
        )

    def weightless_group(self) -> tuple[str, str] | None:
        """(the slug of its first dimension, why it cannot be) for a group an issue is ranked on whose
        dimensions all weigh nothing; None when each weighs something."""
        for group in RANKED_ON:
            dimensions = self.in_group(group)
            if dimensions and all(d.weight == 0 for d in dimensions):
                return dimensions[0].slug, (
                    f"Give at least one {GROUP_LABELS[group].lower()} dimension a weight above 0: "
                    "without one no issue can be ranked"
                )
        return None

    def direction(self, dimension: Dimension) -> str:
        """Which way a higher score on the dimension pushes an issue's priority, in this model's formula."""
        if dimension.group in ("harm", "likelihood"):
            return f"A higher score raises the issue’s priority: its {dimension.group} counts in its risk."
        if dimension.group == "confidence":
            low, high = self.confidence_multipliers[0], self.confidence_multipliers[-1]
            if low == high:
                return "It does not change the issue’s priority in this model."
            return (
                f"A higher score {'raises' if high > low else 'lowers'} the issue’s priority: its risk is "
                f"multiplied by {low:g} at 0 and by {high:g} at {self.top}."
            )
        if self.position_weight == 0:
            return "It does not change the issue’s priority in this model (the position weight is 0)."
        return (
            "A higher score raises the issue’s priority: the more the partnership can do about it, the more "
            "its risk counts."
        )

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def scoring_model_from_json(data: Mapping[str, Any]) -> ScoringModel:
    """The model stored in an assessment. One stored before dimensions had scales of their own takes each
    dimension's scale from the shipped model's dimension of the same slug, else the model's scale."""
    shipped = {d.slug: d.scale for model in shipped_models().values() for d in model.dimensions}
    return scoring_model_parse(dict(data), name="stored model", scales_before=shipped)


@cache
def _shipped_models() -> tuple[tuple[str, ScoringModel], ...]:
    models = {
        path.stem: scoring_model_parse(tomllib.loads(path.read_text(encoding="utf-8")), name=path.name)
        for path in sorted(MODELS_DIR.glob("*.toml"))
    }
    return tuple({DEFAULT_MODEL: models.pop(DEFAULT_MODEL), **models}.items())


def shipped_models() -> dict[str, ScoringModel]:
    """The models Saferhub ships, by file name, the default first: read once, as they ship with the code."""
    return dict(_shipped_models())


def scoring_model_parse(
    document: dict[str, Any], *, name: str, scales_before: Mapping[str, tuple[str, ...]] | None = None
) -> ScoringModel:
    """A scoring model from its TOML (or stored JSON) form; every mistake is a ScoringModelError. Every
    dimension needs its own `scale`, except in a model stored before they had one (`scales_before`)."""

    def fail(message: str) -> ScoringModelError:
        return ScoringModelError(f"scoring model {name}: {message}")

    scale = document.get("scale")
    if (
        not isinstance(scale, list | tuple)
        or len(scale) < 2
        or not all(isinstance(s, str) and s for s in scale)
    ):
        raise fail("'scale' must list at least two labels, one for each score from 0 up")
    dimensions = []
    for position, table in enumerate(document.get("dimensions") or [], start=1):
        if not isinstance(table, dict):
            raise fail(f"dimension {position} is not a table")
        unknown = set(table) - {"slug", "group", "label", "scale", "help", "weight", "data"}
        if unknown:
            raise fail(f"dimension {position} has an unknown key {sorted(unknown)[0]!r}")
        slug, group, label = table.get("slug"), table.get("group"), table.get("label")
        if not isinstance(slug, str) or not slug:
            raise fail(f"dimension {position} has no 'slug'")
        if group not in GROUPS:
            raise fail(f"dimension {slug!r}: 'group' must be one of {', '.join(GROUPS)}")
        if not isinstance(label, str) or not label:
            raise fail(f"dimension {slug!r} has no 'label'")
        weight = table.get("weight", 1.0)
        if not isinstance(weight, int | float) or isinstance(weight, bool) or weight < 0:
            raise fail(f"dimension {slug!r}: 'weight' must be a number of 0 or more")
        data = table.get("data", "")
        if data and data not in DATA_KINDS:
            raise fail(f"dimension {slug!r}: 'data' must be one of {', '.join(DATA_KINDS)}")
        own_scale = table.get("scale")
        if own_scale is None and scales_before is not None:
            before = scales_before.get(slug, ())
            own_scale = before if len(before) == len(scale) else scale
        if (
            not isinstance(own_scale, list | tuple)
            or len(own_scale) != len(scale)
            or not all(isinstance(words, str) and words for words in own_scale)
        ):
            raise fail(
                f"dimension {slug!r}: 'scale' must give the words of each of its {len(scale)} scores from 0"
            )
        dimensions.append(
            Dimension(
                slug=slug,
                group=group,
                label=label,
                scale=tuple(own_scale),
                help=str(table.get("help", "")),
                weight=float(weight),
                data=data,
            )
        )
    if not dimensions:
        raise fail("has no [[dimensions]]")
    slugs = [d.slug for d in dimensions]
    if len(set(slugs)) != len(slugs):
        raise fail("two dimensions have the same slug")
    for group in ("harm", "likelihood"):
        if not any(d.group == group for d in dimensions):
            raise fail(f"needs at least one {group} dimension")
    if sum(d.group == "confidence" for d in dimensions) > 1:
        raise fail("has more than one confidence dimension")
    multipliers = document.get("confidence_multipliers", [1.0] * len(scale))
    if (
        not isinstance(multipliers, list | tuple)
        or len(multipliers) != len(scale)
        or not all(isinstance(m, int | float) and 0 < m <= 1 for m in multipliers)
    ):
        raise fail(
            f"'confidence_multipliers' must give a number above 0 and at most 1 "
            f"for each of the {len(scale)} scores"
        )
    position_weight = document.get("position_weight", 0.0)
    if not isinstance(position_weight, int | float) or not 0 <= position_weight <= 1:
        raise fail("'position_weight' must be a number from 0 to 1")
    trend_scores = document.get("trend_scores") or dict(zip(TREND_KEYS, (4, 3, 2, 1, 0), strict=True))
    if set(trend_scores) != set(TREND_KEYS) or not all(
        isinstance(v, int) and 0 <= v < len(scale) for v in trend_scores.values()
    ):
        raise fail(
            f"'trend_scores' must give a score from 0 to {len(scale) - 1} for each of {', '.join(TREND_KEYS)}"
        )
    return ScoringModel(
        name=str(document.get("name") or name),
        description=str(document.get("description", "")),
        scale=tuple(scale),
        dimensions=tuple(dimensions),
        position_weight=float(position_weight),
        confidence_multipliers=tuple(float(m) for m in multipliers),
        trend_scores=dict(trend_scores),
    )


# --- Scores to a ranking -------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssueInputs:
    """One issue's score on each dimension (None: not scored yet)."""

    key: str
    title: str
    values: Mapping[str, float | None]


@dataclass(frozen=True)
class GroupScore:
    group: str
    label: str
    value: float | None


@dataclass(frozen=True)
class IssueResult:
    key: str
    title: str
    harm: float | None
    likelihood: float | None
    risk: float | None
    confidence_multiplier: float
    adjusted_risk: float | None
    position: float | None
    score: float | None  # None until harm and likelihood are both scored
    rank: int | None
    unscored: tuple[str, ...]  # labels of the dimensions with no score yet


def _weighted_mean(model: ScoringModel, group: str, values: Mapping[str, float | None]) -> float | None:
    scored = [(d.weight, values.get(d.slug)) for d in model.in_group(group)]
    known = [(weight, value) for weight, value in scored if value is not None]
    total = sum(weight for weight, _ in known)
    if not known or total == 0:
        return None
    return sum(weight * value for weight, value in known) / total


def issue_result(model: ScoringModel, issue: IssueInputs) -> IssueResult:
    harm = _weighted_mean(model, "harm", issue.values)
    likelihood = _weighted_mean(model, "likelihood", issue.values)
    risk = harm * likelihood if harm is not None and likelihood is not None else None
    confidence_dimensions = model.in_group("confidence")
    confidence = issue.values.get(confidence_dimensions[0].slug) if confidence_dimensions else None
    multiplier = model.confidence_multipliers[round(confidence)] if confidence is not None else 1.0
    adjusted = risk * multiplier if risk is not None else None
    position = _weighted_mean(model, "position", issue.values)
    factor = 1.0
    if model.in_group("position"):
        share = (position if position is not None else model.top / 2) / model.top
        factor = (1 - model.position_weight) + model.position_weight * share
    return IssueResult(
        key=issue.key,
        title=issue.title,
        harm=harm,
        likelihood=likelihood,
        risk=risk,
        confidence_multiplier=multiplier,
        adjusted_risk=adjusted,
        position=position,
        score=adjusted * factor if adjusted is not None else None,
        rank=None,
        unscored=tuple(d.label for d in model.dimensions if issue.values.get(d.slug) is None),
    )


def ranking(model: ScoringModel, issues: Sequence[IssueInputs]) -> list[IssueResult]:
    """Every issue's result, highest score first and ranked 1, 2, ...; issues not yet scored enough last,
    unranked. Equal scores share a rank (1, 2, 2, 4)."""
    results = [issue_result(model, issue) for issue in issues]
    scored = sorted((r for r in results if r.score is not None), key=lambda r: (-(r.score or 0), r.title))
    ranked: list[IssueResult] = []
    for position, result in enumerate(scored, start=1):
        tied = ranked and ranked[-1].score is not None and abs(ranked[-1].score - (result.score or 0)) < 1e-9
        ranked.append(replace(result, rank=ranked[-1].rank if tied else position))
    return ranked + sorted((r for r in results if r.score is None), key=lambda r: r.title)


@dataclass(frozen=True)
class RankMove:
    change: str  # "Harm to individuals weighted x0.5"
    rank: int | None


@dataclass(frozen=True)
class Sensitivity:
    key: str
    rank: int | None
    best: int | None
    worst: int | None
    moves: tuple[RankMove, ...]


SENSITIVITY_FACTORS = (0.5, 1.5)


def sensitivity(model: ScoringModel, issues: Sequence[IssueInputs]) -> dict[str, Sensitivity]:
    """How each issue's rank moves when one weight at a time is halved or increased by half (and the
    position weight set to 0 and 1): the best and worst rank it reaches, and the rank under each change."""
    variants: list[tuple[str, ScoringModel]] = []
    for dimension in model.dimensions:
        for factor in SENSITIVITY_FACTORS:
            variants.append(
                (
                    f"{dimension.label} weighted ×{factor:g}",
                    model.with_weights({dimension.slug: dimension.weight * factor}),
                )
            )
    if model.in_group("position"):
        variants.append(("Partnership position ignored", model.with_weights({}, position_weight=0.0)))
        variants.append(("Partnership position counts fully", model.with_weights({}, position_weight=1.0)))
    base = {result.key: result.rank for result in ranking(model, issues)}
    moves: dict[str, list[RankMove]] = {key: [] for key in base}
    for label, variant in variants:
        for result in ranking(variant, issues):
            moves[result.key].append(RankMove(change=label, rank=result.rank))
    found = {}
    for key, rank in base.items():
        ranks = [move.rank for move in moves[key] if move.rank is not None] + (
            [rank] if rank is not None else []
        )
        found[key] = Sensitivity(
            key=key,
            rank=rank,
            best=min(ranks) if ranks else None,
            worst=max(ranks) if ranks else None,
            moves=tuple(move for move in moves[key] if move.rank != rank),
        )
    return found


# --- Partners' scores to one value ------------------------------------------------------------------


@dataclass(frozen=True)
class Spread:
    """What the partners scored on one dimension of one issue, before they agree."""

    values: tuple[int, ...]
    median: float | None
    low: int | None
    high: int | None

    @property
    def agreed_already(self) -> bool:
        return self.low == self.high


def spread_of(values: Sequence[int]) -> Spread:
    ordered = tuple(sorted(values))
    if not ordered:
        return Spread(values=(), median=None, low=None, high=None)
    return Spread(values=ordered, median=float(statistics.median(ordered)), low=ordered[0], high=ordered[-1])


def volume_scores[K](latest_counts: Mapping[K, int], *, top: int) -> dict[K, int]:
    """Each indicator's volume score: its latest count's place among the assessment's indicators, from 0
    (the fewest) to `top` (the most), evenly by rank."""
    ordered = sorted(latest_counts, key=lambda key: latest_counts[key])
    if len(ordered) == 1:
        return {ordered[0]: top}
    return {key: round(top * position / (len(ordered) - 1)) for position, key in enumerate(ordered)}


def trend_key(direction: str, significant: bool) -> str:
    """Which of the model's trend_scores a change earns."""
    if direction == "rise":
        return "real_rise" if significant else "rise"
    if direction == "fall":
        return "real_fall" if significant else "fall"
    return "steady"
