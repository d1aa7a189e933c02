"""The MoRiLE-style scoring model: its files, the ranking it gives and how the ranking moves with weights."""

import pytest

from saferhub.assessment.forms import AgreeForm, ScoreForm
from saferhub.assessment.scoring import (
    IssueInputs,
    ScoringModelError,
    issue_result,
    ranking,
    scoring_model_from_json,
    scoring_model_parse,
    sensitivity,
    shipped_models,
    spread_of,
    trend_key,
    volume_scores,
)


def _default():
    return shipped_models()["morile-style"]


def _all(value: float, **overrides: float) -> dict[str, float]:
    values = {d.slug: value for d in _default().dimensions}
    return {**values, **overrides}


def test_the_default_model_is_morile_shaped_and_named_as_ours():
    model = _default()
    assert "MoRiLE-style" in model.name
    assert {d.group for d in model.dimensions} == {"harm", "likelihood", "confidence", "position"}
    assert [d.slug for d in model.in_group("likelihood") if d.data] == ["volume", "trend"]
    assert model.top == 4


def test_a_score_is_harm_times_likelihood_discounted_by_confidence_and_weighed_by_position():
    model = _default()
    result = issue_result(
        model,
        IssueInputs(
            key="a",
            title="Robbery",
            values=_all(
                2,
                **{"harm-individuals": 4, "harm-communities": 2, "harm-environment": 0},
                volume=3,
                trend=1,
                confidence=2,
                capacity=4,
                capability=4,
                influence=1,
            ),
        ),
    )
    assert result.harm == pytest.approx(2.0)  # (4 + 2 + 0) / 3
    assert result.likelihood == pytest.approx(2.0)  # (3 + 1) / 2
    assert result.risk == pytest.approx(4.0)
    assert result.confidence_multiplier == 0.8
    assert result.adjusted_risk == pytest.approx(3.2)
    assert result.position == pytest.approx(3.0)
    # position weight 0.5: 3.2 × (0.5 + 0.5 × 3/4)
    assert result.score == pytest.approx(3.2 * 0.875)
    assert result.unscored == ()


def test_weights_change_the_means():
    model = _default().with_weights({"harm-individuals": 3})
    result = issue_result(
        model, IssueInputs(key="a", title="A", values=_all(0, **{"harm-individuals": 4, "volume": 4}))
    )
    assert result.harm == pytest.approx(4 * 3 / 5)


def test_an_issue_missing_harm_or_likelihood_is_not_ranked_and_says_what_is_missing():
    model = _default()
    values = _all(2)
    for slug in ("harm-individuals", "harm-communities", "harm-environment"):
        values[slug] = None
    results = ranking(
        model,
        [
            IssueInputs(key="x", title="Unscored", values=values),
            IssueInputs(key="y", title="Scored", values=_all(2)),
        ],
    )
    assert [(r.title, r.rank) for r in results] == [("Scored", 1), ("Unscored", None)]
    assert results[1].score is None
    assert "Harm to individuals" in results[1].unscored


def test_equal_scores_share_a_rank():
    model = _default()
    issues = [
        IssueInputs(key="a", title="A", values=_all(3)),
        IssueInputs(key="b", title="B", values=_all(2)),
        IssueInputs(key="c", title="C", values=_all(2)),
        IssueInputs(key="d", title="D", values=_all(1)),
    ]
    assert [r.rank for r in ranking(model, issues)] == [1, 2, 2, 4]


def test_sensitivity_shows_an_issue_that_ranks_first_only_on_one_dimension():
    """A leads on harm to individuals alone, B is steady on everything: halving that weight swaps them."""
    model = _default()
    a = _all(2, **{"harm-individuals": 4, "harm-communities": 1, "harm-environment": 1})
    b = _all(2, **{"harm-individuals": 2, "harm-communities": 2, "harm-environment": 1.5})
    found = sensitivity(model, [IssueInputs("a", "A", a), IssueInputs("b", "B", b)])
    assert found["a"].rank == 1
    assert (found["a"].best, found["a"].worst) == (1, 2)
    assert any(
        move.change == "Harm to individuals weighted ×0.5" and move.rank == 2 for move in found["a"].moves
    )


def test_volume_scores_spread_the_counts_over_the_scale_by_rank():
    assert volume_scores({"a": 10, "b": 500, "c": 50, "d": 5000, "e": 0}, top=4) == {
        "e": 0,
        "a": 1,
        "c": 2,
        "b": 3,
        "d": 4,
    }


def test_trend_scores_follow_the_change_and_whether_it_is_real():
    scores = _default().trend_scores
    assert (
        scores[trend_key("rise", True)] > scores[trend_key("rise", False)] > scores[trend_key("none", False)]
    )
    assert scores[trend_key("fall", True)] < scores[trend_key("fall", False)]


def test_spread_gives_the_median_and_range():
    spread = spread_of([4, 1, 3])
    assert (spread.values, spread.median, spread.low, spread.high) == ((1, 3, 4), 3.0, 1, 4)
    assert not spread.agreed_already
    assert spread_of([]).median is None


def test_a_stored_model_round_trips():
    model = _default().with_weights({"influence": 2.5}, position_weight=0.25)
    assert scoring_model_from_json(model.as_json()) == model


def test_each_dimension_is_graded_on_its_own_scale_and_says_which_way_it_pushes_priority():
    """Capacity, capability, influence and confidence are not graded from "None" to "Severe", the harm
    scale; and every dimension says whether a higher score raises or lowers an issue's priority."""
    model = _default()
    harm = model.dimension("harm-individuals")
    assert harm.scale[-1] == "Severe"
    for slug in ("capacity", "capability", "influence", "confidence"):
        dimension = model.dimension(slug)
        assert len(dimension.scale) == 5
        assert "Severe" not in dimension.scale and dimension.scale != harm.scale, slug
        assert model.direction(dimension).startswith("A higher score raises the issue’s priority"), slug
    assert "multiplied by 0.6 at 0 and by 1 at 4" in model.direction(model.dimension("confidence"))
    ignored = model.with_weights({}, position_weight=0.0)
    assert "does not change the issue’s priority" in ignored.direction(model.dimension("capacity"))
    # The formula agrees with the words: a higher capacity or confidence gives a higher score.
    low = issue_result(model, IssueInputs("a", "A", _all(2, capacity=0, confidence=0)))
    high = issue_result(model, IssueInputs("a", "A", _all(2, capacity=4, confidence=4)))
    assert high.score > low.score


def test_the_score_form_offers_each_dimensions_own_words_and_direction():
    model = _default()
    form = ScoreForm(model=model, dimensions=["harm-individuals", "capacity", "confidence"])
    assert form.fields["harm-individuals"].choices[4] == ("4", "4 – Severe")
    assert form.fields["capacity"].choices[0] == ("0", "0 – None: no people or money for it")
    assert form.fields["capacity"].choices[4] == ("4", "4 – All it needs")
    assert "A higher score raises the issue’s priority" in form.fields["capacity"].help_text
    agree = AgreeForm(model=model, dimensions=["influence"])
    assert agree.fields["influence"].choices[-1] == ("4", "4 – Full: the partnership can change it")


def test_a_model_stored_before_dimensions_had_scales_takes_the_shipped_ones():
    stored = _default().as_json()
    for dimension in stored["dimensions"]:
        del dimension["scale"]
    assert (
        scoring_model_from_json(stored).dimension("capacity").scale == _default().dimension("capacity").scale
    )


def test_the_four_by_four_preset_multiplies_impact_by_likelihood():
    model = shipped_models()["four-by-four"]
    result = issue_result(model, IssueInputs("a", "A", {"impact": 3, "likelihood": 4}))
    assert result.score == pytest.approx(12)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"scale": ["Only"]}, "'scale' must list at least two labels"),
        ({"dimensions": []}, "has no [[dimensions]]"),
        ({"dimensions": [{"slug": "x", "group": "mood", "label": "X"}]}, "'group' must be one of"),
        ({"dimensions": [{"slug": "x", "group": "harm", "label": "X", "weight": -1}]}, "'weight' must be"),
        ({"dimensions": [{"slug": "x", "group": "harm", "label": "X", "colour": 1}]}, "unknown key 'colour'"),
        (
            {"dimensions": [{"slug": "x", "group": "harm", "label": "X", "scale": list("abcde")}]},
            "needs at least one",
        ),
        ({"dimensions": [{"slug": "x", "group": "harm", "label": "X"}]}, "dimension 'x': 'scale' must give"),
        (
            {"dimensions": [{"slug": "x", "group": "harm", "label": "X", "scale": ["None", "Some"]}]},
            "dimension 'x': 'scale' must give the words of each of its 5 scores",
        ),
        ({"confidence_multipliers": [1.0, 2.0]}, "'confidence_multipliers' must give"),
        ({"position_weight": 2}, "'position_weight' must be a number from 0 to 1"),
        ({"trend_scores": {"rise": 9}}, "'trend_scores' must give"),
    ],
)
def test_a_broken_model_is_refused_with_the_key_named(change, message):
    document = _default().as_json() | change
    with pytest.raises(ScoringModelError) as raised:
        scoring_model_parse(document, name="ours.toml")
    assert message in str(raised.value)
    assert str(raised.value).startswith("scoring model ours.toml: ")
