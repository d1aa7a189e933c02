"""The RAG rule and direction of travel: plain arithmetic on figures, no database (docs/performance.md).

The rule, for a measure with target T, tolerance t% and the partnership's amber margin a%:

    shortfall = how far the latest figure is on the wrong side of T, as a percentage of T
                (reduce: above T; increase: below T; maintain: either side)
    green     shortfall <= t
    amber     t < shortfall <= t + a
    red       shortfall > t + a

A target of 0 has no percentages: exactly on (or better than) it is green, anything worse is red.

A figure counts for its period's length after the period ends (the next figure is not due before then) plus
a reporting allowance for its source to publish it (FIGURE_LIFETIMES). Judged later, it is stale: it earns no
red, amber or green but "Out of date", so an old figure never passes for a current one.

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


def status_label(status: str, *, empty: str = "No figure yet") -> str:
    """A status in words, as its tag shows it; `empty` is the words for no status."""
    if status == STALE:
        return STALE_LABEL
    return status.capitalize() if status else empty


@dataclass(frozen=True)
class FigureLifetime:
    """How long a figure of one frequency counts after its period ends."""

    period_name: str  # 'month', 'quarter' or 'year'
    period_months: int
    reporting_allowance_months: int  # how long its source takes to publish it

    @property
    def counts_for_months(self) -> int:
        return self.period_months + self.reporting_allowance_months


# police.uk publishes a month about two months after it ends; a quarter's or a year's figures come from
# partners' returns and annual publications, a quarter or half a year after the period.
FIGURE_LIFETIMES = {
    Frequency.MONTHLY: FigureLifetime("month", 1, 2),
    Frequency.QUARTERLY: FigureLifetime("quarter", 3, 3),
    Frequency.ANNUAL: FigureLifetime("year", 12, 6),
}


def months_between(earlier: dt.date, later: dt.date) -> int:
    """Whole calendar months from the month of `earlier` to the month of `later`."""
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def is_stale(*, period_end: dt.date, frequency: str, as_of: dt.date) -> bool:
    """Whether a figure for the period ending `period_end` is too old to judge the measure by on `as_of`."""
    return months_between(period_end, as_of) > FIGURE_LIFETIMES[Frequency(frequency)].counts_for_months


def _months_text(months: int) -> str:
    return "1 month" if months == 1 else f"{months} months"


def figure_lifetime_text(frequency: str) -> str:
    """'a monthly figure counts for 3 months after its month ends (the next month, and 2 months for it to be
    published)'."""
    lifetime, adjective = FIGURE_LIFETIMES[Frequency(frequency)], Frequency(frequency).label.lower()
    article = "an" if adjective[0] in "aeiou" else "a"
    return (
        f"{article} {adjective} figure counts for {_months_text(lifetime.counts_for_months)} "
        f"after its {lifetime.period_name} ends (the next {lifetime.period_name}, and "
        f"{_months_text(lifetime.reporting_allowance_months)} for it to be published)"
    )


STALE_CONSEQUENCE = f"an older one is “{STALE_LABEL}” and earns no red, amber or green"
TRAVEL_RULE = (
    "The direction of travel compares the latest figure with the figure for the same period a year before, "
    "so the seasons do not pass for a trend."
)


def stale_rule_text(frequency: str) -> str:
    return f"{figure_lifetime_text(frequency)}; {STALE_CONSEQUENCE}"


def judgement_rules_text() -> str:
    """The stale rule for every frequency and the direction of travel's rule, in one paragraph."""
    lifetimes = "; ".join(figure_lifetime_text(frequency) for frequency in Frequency)
    return f"{lifetimes[0].upper()}{lifetimes[1:]}; {STALE_CONSEQUENCE}. {TRAVEL_RULE}"


def board_pack_rules_text() -> str:
    """The rules a board pack was judged by, stored in its snapshot: a published pack keeps the rules of the
    day it was made beside the statuses they gave."""
    return f"A measure is judged by its latest figure as at the end of the quarter. {judgement_rules_text()}"


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
