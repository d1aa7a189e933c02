"""The RAG rule and direction of travel: plain arithmetic on figures, no database (docs/performance.md).

The rule, for a measure with target T, tolerance t% and the partnership's amber margin a%:

    shortfall = how far the latest figure is on the wrong side of T, as a percentage of T
                (reduce: above T; increase: below T; maintain: either side)
    green     shortfall <= t
    amber     t < shortfall <= t + a
    red       shortfall > t + a

A target of 0 has no percentages: exactly on (or better than) it is green, anything worse is red.

A figure whose period ended more than two of the measure's periods before the day it is judged is stale: it
earns no red, amber or green but "Out of date", so an old figure never passes for a current one.

The direction of travel compares like with like: the latest figure against the figure for the same period a
year before (the same month, quarter or financial year), so a season's rise or fall is not read as a trend.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from saferhub.performance.models import Direction, Frequency, Rag

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


# Not a Rag choice: a measure whose latest figure is too old to judge (see is_stale).
STALE = "stale"
STALE_LABEL = "Out of date"

# A figure stays current for this many of its measure's periods after its period ends.
PERIODS_BEFORE_STALE = 2
MONTHS_IN_PERIOD = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3, Frequency.ANNUAL: 12}
PERIOD_NAMES = {Frequency.MONTHLY: "month", Frequency.QUARTERLY: "quarter", Frequency.ANNUAL: "year"}


def months_between(earlier: dt.date, later: dt.date) -> int:
    """Whole calendar months from the month of `earlier` to the month of `later`."""
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def is_stale(*, period_end: dt.date, frequency: str, as_of: dt.date) -> bool:
    """Whether a figure for the period ending `period_end` is too old to judge the measure by on `as_of`."""
    return months_between(period_end, as_of) > PERIODS_BEFORE_STALE * MONTHS_IN_PERIOD[Frequency(frequency)]


def stale_rule_text(frequency: str) -> str:
    return (
        f"a figure counts for {PERIODS_BEFORE_STALE} {PERIOD_NAMES[Frequency(frequency)]}s after its period "
        f"ends; an older one is “{STALE_LABEL}” and earns no red, amber or green"
    )


def status_reason(
    *, value: Decimal, target: Decimal, direction: str, tolerance: Decimal, amber_margin: Decimal
) -> str:
    """Why the figure earns its status, in words: how far it misses the target, and the rule's bounds."""
    shortfall = shortfall_percent(value=value, target=target, direction=direction)
    aim = f"the target of {figure_text(target)}"
    if shortfall == 0:
        return f"{figure_text(value)} meets {aim}"
    if shortfall is None:
        return f"{figure_text(value)} misses {aim}: on a target of 0 anything worse is red"
    return (
        f"{figure_text(value)} misses {aim} by {figure_text(shortfall.quantize(Decimal('0.1')))}% "
        f"(green within {figure_text(tolerance)}%, amber within {figure_text(tolerance + amber_margin)}%)"
    )


IMPROVING = "Improving"
WORSENING = "Worsening"
NO_CHANGE = "No change"
TOO_FEW = "Not enough figures yet"


def direction_of_travel(*, latest: Decimal | None, previous: Decimal | None, direction: str) -> str:
    """Whether the latest figure moved towards what the measure wants, compared with `previous`: the figure
    for the same period a year before (the caller finds it)."""
    if latest is None or previous is None:
        return TOO_FEW
    if latest == previous:
        return NO_CHANGE
    if direction == Direction.MAINTAIN:
        return NO_CHANGE if latest == previous else ("Rising" if latest > previous else "Falling")
    better = latest < previous if direction == Direction.REDUCE else latest > previous
    return IMPROVING if better else WORSENING


def change_text(*, latest: Decimal, earlier: Decimal) -> str:
    """'up 34%', 'down 5%' or 'the same': the latest figure against an earlier one."""
    if latest == earlier:
        return "the same"
    word = "up" if latest > earlier else "down"
    if earlier == 0:
        return f"{word} from 0"
    percent = (abs(latest - earlier) * HUNDRED / abs(earlier)).quantize(Decimal(1))
    return f"{word} {figure_text(percent)}%"


# Exceptions first: red, then a figure too old to judge, then amber and green; no status last.
RAG_ORDER = {Rag.RED.value: 0, STALE: 1, Rag.AMBER.value: 2, Rag.GREEN.value: 3, "": 4}


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
