"""Is a change meaningful: the E-test, the Poisson Z, the exact conditional test, BH and the plain words.

Reference values are the (computed) vectors of analytics-methods §3.3.
"""

import dataclasses
import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats  # type: ignore[import-untyped]

from saferhub.assessment.methods.change import (
    Change,
    benjamini_hochberg,
    change_between,
    exact_conditional_p,
    poisson_e_test,
    sqrt_poisson_z,
)


@pytest.mark.parametrize(
    ("k1", "k2", "statistic", "statistic_tolerance", "p_value", "p_tolerance"),
    [
        (25, 16, 1.4055638570, 1e-9, 0.1647963179, 1e-9),
        (60, 40, 2.0, 1e-12, 0.045613, 1e-6),
        (120, 100, 1.3484, 5e-5, 0.178106, 1e-6),
        (1150, 1000, 3.234983, 1e-6, 0.001213, 1e-6),
    ],
)
def test_e_test_gives_the_reference_values(k1, k2, statistic, statistic_tolerance, p_value, p_tolerance):
    t, p = poisson_e_test(k1, 1, k2, 1)
    assert t == pytest.approx(statistic, abs=statistic_tolerance)
    assert p == pytest.approx(p_value, abs=p_tolerance)


def test_e_test_one_sided_is_half_wheelers_example():
    assert poisson_e_test(25, 1, 16, 1, alternative="greater")[1] == pytest.approx(0.0823981589, abs=1e-9)
    # The same question asked the other way round.
    assert poisson_e_test(16, 1, 25, 1, alternative="less")[1] == pytest.approx(0.0823981589, abs=1e-9)


def test_e_test_equal_counts_are_no_evidence_of_change():
    # scipy leaves out the outcome (0, 0) and would say 0.86 here; no change at all is p = 1.
    assert poisson_e_test(1, 1, 1, 1)[1] == pytest.approx(1.0, abs=1e-9)
    assert poisson_e_test(0, 1, 0, 1) == (0.0, 1.0)


def test_e_test_accounts_for_exposure():
    # 40 crimes in two years is the same rate as 20 in one.
    assert poisson_e_test(20, 1, 40, 2)[1] == pytest.approx(1.0, abs=1e-9)
    assert poisson_e_test(40, 1, 40, 2)[1] < 0.05


def test_e_test_handles_force_wide_counts():
    # About 4,500 × 4,500 outcomes: it must finish, and at this size the normal approximation is close.
    t, p = poisson_e_test(100_000, 1, 99_000, 1)
    assert t == pytest.approx(1000 / math.sqrt(199_000))
    assert p == pytest.approx(2 * stats.norm.sf(t), abs=1e-3)


@pytest.mark.parametrize(
    "arguments",
    [
        {"k1": -1, "n1": 1, "k2": 3, "n2": 1},
        {"k1": 1, "n1": 0, "k2": 3, "n2": 1},
        {"k1": 1, "n1": 1, "k2": 3, "n2": 1, "diff": -0.5},
        {"k1": 1, "n1": 1, "k2": 3, "n2": 1, "alternative": "bigger"},
    ],
)
def test_e_test_refuses_nonsense(arguments):
    with pytest.raises(ValueError):
        poisson_e_test(**arguments)


def _poisson_pmf(x: int, mean: float) -> float:
    return math.exp(x * math.log(mean) - mean - math.lgamma(x + 1)) if mean > 0 else float(x == 0)


def _e_test_by_definition(k1, n1, k2, n2, diff, alternative):
    """The E-test summed outcome by outcome, far into the tails: (p-value, mass of outcomes tied with T).

    Written from Krishnamoorthy & Thomson's definition, in loops, to check the vectorised version.
    """

    def statistic(x1, x2):
        difference, variance = x1 / n1 - x2 / n2 - diff, x1 / n1**2 + x2 / n2**2
        if variance == 0:
            return math.copysign(math.inf, difference) if difference else 0.0
        return difference / math.sqrt(variance)

    observed = statistic(k1, k2)
    rate2 = (k1 + k2) / (n1 + n2) - diff * n1 / (n1 + n2)
    if rate2 <= 0:
        return 1.0, 0.0
    mean1, mean2 = n1 * (rate2 + diff), n2 * rate2
    p_value = tied = 0.0
    for x1 in range(int(mean1 + 12 * math.sqrt(mean1) + 30)):
        for x2 in range(int(mean2 + 12 * math.sqrt(mean2) + 30)):
            t = statistic(x1, x2)
            slack = 1e-9 * max(1.0, abs(observed))
            extreme = {
                "two-sided": abs(t) >= abs(observed) - slack,
                "greater": t >= observed - slack,
                "less": t <= observed + slack,
            }[alternative]
            mass = _poisson_pmf(x1, mean1) * _poisson_pmf(x2, mean2)
            p_value += mass * extreme
            near_tie = (
                abs(abs(t) - abs(observed)) <= slack
                if alternative == "two-sided"
                else abs(t - observed) <= slack
            )
            tied += mass * (near_tie or (x1 == 0 and x2 == 0 and diff == 0))
    return p_value, tied


def _signed_square_of_t(x1: int, x2: int) -> Fraction:
    """sign(T)·T² exactly, for equal exposures and no null difference: it orders outcomes as T does."""
    return Fraction((x1 - x2) * abs(x1 - x2), x1 + x2) if x1 + x2 else Fraction(0)


@pytest.mark.parametrize(("k1", "k2"), [(26, 22), (12, 4), (7, 5), (40, 24)])
@pytest.mark.parametrize("alternative", ["two-sided", "greater", "less"])
def test_e_test_counts_outcomes_tied_in_exact_arithmetic(k1, k2, alternative):
    # 26 v 22 has T = 1/√3, as do 2 v 1, 7 v 5 and 15 v 12; in floats some of those come out a bit apart
    # (scipy misses them). Here "at least as extreme" is decided exactly.
    observed = _signed_square_of_t(k1, k2)
    mean = (k1 + k2) / 2
    expected = 0.0
    for x1 in range(110):
        for x2 in range(110):
            t = _signed_square_of_t(x1, x2)
            extreme = {"two-sided": abs(t) >= abs(observed), "greater": t >= observed, "less": t <= observed}
            expected += _poisson_pmf(x1, mean) * _poisson_pmf(x2, mean) * extreme[alternative]
    assert poisson_e_test(k1, 1, k2, 1, alternative=alternative)[1] == pytest.approx(expected, abs=1e-10)


exposures = st.sampled_from([0.5, 1.0, 1.3, 2.0, 3.7])
alternatives = st.sampled_from(["two-sided", "greater", "less"])


@settings(deadline=None, max_examples=60)
@given(
    k1=st.integers(1, 40), k2=st.integers(0, 40), n1=exposures, n2=exposures,
    diff=st.sampled_from([0.0, 0.0, 0.5, 2.0]), alternative=alternatives,
)  # fmt: skip
def test_e_test_agrees_with_its_definition_and_with_scipy(k1, k2, n1, n2, diff, alternative):
    _, p = poisson_e_test(k1, n1, k2, n2, diff=diff, alternative=alternative)
    by_definition, tied = _e_test_by_definition(k1, n1, k2, n2, diff, alternative)
    assert p == pytest.approx(by_definition, abs=1e-9)
    # scipy drops an outcome whose T equals the observed T but for the last bits of a float, and the
    # outcome (0, 0): ours counts both as "at least as extreme", so it can be larger by their mass only.
    scipy_p = stats.poisson_means_test(k1, n1, k2, n2, diff=diff, alternative=alternative).pvalue
    assert -1e-9 <= p - scipy_p <= tied + 1e-9


@given(k1=st.integers(0, 300), k2=st.integers(0, 300), n1=exposures, n2=exposures, alternative=alternatives)
def test_e_test_p_is_a_probability(k1, k2, n1, n2, alternative):
    _, p = poisson_e_test(k1, n1, k2, n2, alternative=alternative)
    assert 0.0 <= p <= 1.0


@given(k1=st.integers(0, 300), k2=st.integers(0, 300), n1=exposures, n2=exposures)
def test_e_test_two_sided_does_not_care_which_period_comes_first(k1, k2, n1, n2):
    t, p = poisson_e_test(k1, n1, k2, n2)
    swapped_t, swapped_p = poisson_e_test(k2, n2, k1, n1)
    assert swapped_t == pytest.approx(-t)
    assert swapped_p == pytest.approx(p, abs=1e-12)


@given(k1=st.integers(0, 300), k2=st.integers(0, 300))
def test_e_test_one_sided_tails_cover_everything_and_two_sided_is_the_larger(k1, k2):
    t, two_sided = poisson_e_test(k1, 1, k2, 1)
    _, greater = poisson_e_test(k1, 1, k2, 1, alternative="greater")
    _, less = poisson_e_test(k1, 1, k2, 1, alternative="less")
    assert greater + less >= 1 - 1e-9
    assert two_sided >= (greater if t >= 0 else less) - 1e-12


def test_sqrt_poisson_z_reference_values():
    assert sqrt_poisson_z(25, 16) == pytest.approx(1.414, abs=5e-4)
    assert sqrt_poisson_z(60, 40) == pytest.approx(2.010, abs=5e-4)
    assert sqrt_poisson_z(16, 25) == pytest.approx(-1.414, abs=5e-4)


def test_exact_conditional_reference_value():
    assert exact_conditional_p(25, 16) == pytest.approx(0.21102, abs=5e-6)


def test_exact_conditional_accounts_for_exposure():
    # Twice the exposure and twice the count: exactly what the null expects.
    assert exact_conditional_p(50, 25, exposure_ratio=2.0) == pytest.approx(1.0)
    assert exact_conditional_p(50, 25) < 0.01
    assert exact_conditional_p(0, 0) == 1.0


def test_benjamini_hochberg_worked_example():
    # Sorted: 0.01·4/1 = 0.04, 0.03·4/2 = 0.06, 0.04·4/3 = 0.0533, 0.2·4/4 = 0.2; then running minimum.
    q = benjamini_hochberg([0.01, 0.04, 0.03, 0.2])
    assert q == pytest.approx([0.04, 0.16 / 3, 0.16 / 3, 0.2])
    assert benjamini_hochberg([0.9, 0.8]) == pytest.approx([0.9, 0.9])
    assert benjamini_hochberg([]) == []


def test_benjamini_hochberg_refuses_what_is_not_a_probability():
    with pytest.raises(ValueError):
        benjamini_hochberg([0.2, 1.5])
    with pytest.raises(ValueError):
        benjamini_hochberg([float("nan")])


@given(st.lists(st.floats(0, 1), max_size=40))
def test_benjamini_hochberg_is_monotone_at_least_p_and_at_most_one(p_values):
    q_values = benjamini_hochberg(p_values)
    count = len(p_values)
    for i in range(count):
        assert p_values[i] <= q_values[i] + 1e-15 and q_values[i] <= 1.0
        # The definition: q_i = min over the p-values at least as large of p·m/rank, capped at 1.
        ranked = sorted(p_values)
        rank_i = ranked.index(p_values[i]) + 1
        expected = min(1.0, min(ranked[k] * count / (k + 1) for k in range(rank_i - 1, count)))
        assert q_values[i] == pytest.approx(expected, rel=1e-12, abs=1e-300)
        for j in range(count):
            if p_values[i] <= p_values[j]:
                assert q_values[i] <= q_values[j]


def test_change_between_a_real_rise():
    change = change_between(40, 60)
    assert change == Change(
        previous=40,
        current=60,
        absolute=20,
        percent=50.0,
        p_value=pytest.approx(0.045613, abs=1e-6),
        significant=True,
        direction="rise",
        words="a real rise",
    )


def test_change_between_a_real_fall():
    change = change_between(60, 40)
    assert (change.direction, change.words, change.absolute) == ("fall", "a real fall", -20)
    assert change.percent == pytest.approx(-100 / 3)


def test_change_between_wheelers_example_is_within_normal_variation():
    # A 56% rise that is not evidence of anything: the reason the report never shows percent alone.
    change = change_between(16, 25)
    assert change.percent == pytest.approx(56.25)
    assert (change.significant, change.direction, change.words) == (False, "none", "within normal variation")


def test_change_between_has_no_percent_from_zero_and_is_frozen():
    change = change_between(0, 3)
    assert change.percent is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        change.current = 4


def test_change_between_alpha_is_the_callers():
    assert change_between(40, 60, alpha=0.01).words == "within normal variation"
