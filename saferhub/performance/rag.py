"""The RAG rule and direction of travel: plain arithmetic on figures, no database (docs/performance.md).

The rule, for a measure with target T, tolerance t% and the partnership's amber margin a%:

    shortfall = how far the latest figure is on the wrong side of T, as a percentage of T
                (reduce: above T; increase: below T; maintain: either side)
    green     shortfall <= t
    amber     t < shortfall <= t + a
    red       shortfall > t + a

A target of 0 has no percentages: exactly on (or better than) it is green, anything worse is red.
"""

from dataclasses import dataclass
from decimal import Decimal

from saferhub.performance.models import Direction, Rag

HUNDRED = Decimal(100)


def shortfall_percent(*, value: Decimal, target: Decimal, direction: str) -> Decimal | None:
    """How far `value` misses `target` on the wrong side, as a percentage of the target (0 when it meets
    it). None when the target is 0 and the value misses it: there is no percentage of nothing."""
    if direction == Direction.REDUCE:
        miss = value - target
    elif direction == Direction.INCREASE:
        miss = target - value
    else:
        miss = abs(value - target)
    if miss <= 0:
        return Decimal(0)
    if target == 0:
        return None
    return miss * HUNDRED / abs(target)


def rag_status(
    *, value: Decimal | None, target: Decimal, direction: str, tolerance: Decimal, amber_margin: Decimal
) -> Rag | None:
    """Red, amber or green for the latest figure; None when there is no figure to judge."""
    if value is None:
        return None
    shortfall = shortfall_percent(value=value, target=target, direction=direction)
    if shortfall is None:
        return Rag.RED
    if shortfall <= tolerance:
        return Rag.GREEN
    if shortfall <= tolerance + amber_margin:
        return Rag.AMBER
    return Rag.RED


IMPROVING = "Improving"
WORSENING = "Worsening"
NO_CHANGE = "No change"
TOO_FEW = "Not enough figures yet"


def direction_of_travel(*, latest: Decimal | None, previous: Decimal | None, direction: str) -> str:
    """Whether the latest figure moved towards what the measure wants, compared with the one before."""
    if latest is None or previous is None:
        return TOO_FEW
    if latest == previous:
        return NO_CHANGE
    if direction == Direction.MAINTAIN:
        return NO_CHANGE if latest == previous else ("Rising" if latest > previous else "Falling")
    better = latest < previous if direction == Direction.REDUCE else latest > previous
    return IMPROVING if better else WORSENING


# Exceptions first: red before amber before green; no status last.
RAG_ORDER = {Rag.RED.value: 0, Rag.AMBER.value: 1, Rag.GREEN.value: 2, "": 3}


def worst(statuses: list[str]) -> str:
    """The most serious of some statuses ('' when none)."""
    known = [status for status in statuses if status]
    return min(known, key=lambda status: RAG_ORDER[status]) if known else ""


@dataclass(frozen=True)
class RuleText:
    """The rule in words, for the measure page and the board pack."""

    green: str
    amber: str
    red: str


def figure_text(value: Decimal) -> str:
    """30.00 -> '30', 1500 -> '1,500', 12.50 -> '12.5'."""
    return f"{value.normalize():,f}" if value == value.to_integral_value() else f"{value.normalize():,}"


def rule_text(*, tolerance: Decimal, amber_margin: Decimal) -> RuleText:
    within, amber = figure_text(tolerance), figure_text(tolerance + amber_margin)
    return RuleText(
        green=f"the latest figure meets the target, or misses it by no more than {within}% of it",
        amber=f"it misses the target by more than {within}% but no more than {amber}%",
        red=f"it misses the target by more than {amber}%",
    )
