"""The assessing pages as the round's assessors and the partnership's managers use them: eligibility, scoring
alone, conflicts of interest, moderation, the decision, closing a round, and the round's ranking against the
money its fund has left."""

import datetime as dt
import re
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from saferhub.audit.models import AuditEvent, AuditVerb
from saferhub.grants import services
from saferhub.grants.models import (
    Application,
    ApplicationSection,
    ApplicationStatus,
    ConflictOfInterest,
    Decision,
    GrantRound,
    ModeratedScore,
    Score,
)
from saferhub.grants.tests.conftest import application_complete
from saferhub.grants.tests.factories import GrantRoundFactory
from saferhub.partnerships.models import Role
from saferhub.partnerships.tests.factories import MembershipFactory, UserFactory

SCRIPT = "<script>alert(1)</script>"


def _submitted(funding, world, amount_pence: int = 1_200_000, title: str = "") -> Application:
    application = services.application_submit(
        actor=funding.applicant, application=application_complete(funding, world, amount_pence)
    )
    if title:
        Application.objects.filter(pk=application.pk).update(title=title)
        application.refresh_from_db()
    return application


def _eligible(funding, world, manager, **kwargs) -> Application:
    application = _submitted(funding, world, **kwargs)
    return services.eligibility_decide(actor=manager, application=application, eligible=True)


def _url(name: str, application: Application) -> str:
    return reverse(name, kwargs={"slug": "alpha", "application_id": application.public_id})


def _as(client, user):
    client.force_login(user)
    return client


def _scores_form(funding, fit: tuple[int, str], value: tuple[int, str]) -> dict[str, str]:
    fit_criterion, value_criterion = funding.criteria
    return {
        f"score_{fit_criterion.pk}": str(fit[0]),
        f"text_{fit_criterion.pk}": fit[1],
        f"score_{value_criterion.pk}": str(value[0]),
        f"text_{value_criterion.pk}": value[1],
    }


def test_two_assessors_score_alone_and_neither_sees_the_others_scores_until_moderated(
    funding, world, client, manager
):
    application = _eligible(funding, world, manager)
    first, second = funding.assessors[0], funding.assessors[1]
    response = _as(client, first).post(
        _url("grants:score", application), _scores_form(funding, (4, "Strong fit"), (3, "Fair price"))
    )
    assert response.status_code == 302 and response.url == _url("grants:review", application)
    _as(client, second).post(
        _url("grants:score", application), _scores_form(funding, (5, "Excellent"), (1, "Costly venue"))
    )
    fit, value = funding.criteria
    assert {(s.assessor, s.criterion, s.score, s.comment) for s in Score.objects.all()} == {
        (first, fit, 4, "Strong fit"),
        (first, value, 3, "Fair price"),
        (second, fit, 5, "Excellent"),
        (second, value, 1, "Costly venue"),
    }

    page = _as(client, first).get(_url("grants:review", application)).content.decode()
    assert "Strong fit" in page and "Fair price" in page
    assert "Costly venue" not in page and "Excellent" not in page and second.full_name not in page
    assert "Change your scores" in page
    # Their form comes back with their own scores, not the other's.
    form = client.get(_url("grants:score", application)).content.decode()
    assert 'value="4"' in form and "Costly venue" not in form
    assert AuditEvent.objects.filter(
        verb=AuditVerb.VIEWED, actor=first, target_id=str(application.public_id)
    ).exists()

    page = _as(client, manager).get(_url("grants:review", application)).content.decode()
    assert "Strong fit" in page and "Costly venue" in page and second.full_name in page
    assert "Spread 4 to 5" in page and "Spread 1 to 3" in page
    assert "4.5" in page  # the mean of 4 and 5 on the fit with the priorities


def test_a_conflicted_assessor_cannot_score_and_is_told_why_and_nothing_is_saved(
    funding, world, client, manager
):
    application = _eligible(funding, world, manager)
    third = funding.assessors[2]
    response = _as(client, third).post(_url("grants:conflict", application), {"reason": "I chair its board"})
    assert response.status_code == 302
    assert (
        ConflictOfInterest.objects.get(application=application, assessor=third).reason == "I chair its board"
    )

    page = client.get(_url("grants:score", application)).content.decode()
    assert "You declared a conflict of interest" in page and "I chair its board" in page
    assert "Save my scores" not in page  # no form to fill in
    response = client.post(_url("grants:score", application), _scores_form(funding, (5, ""), (5, "")))
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert "declared no conflict with the application can score it" in response.content.decode()
    assert not Score.objects.filter(assessor=third).exists()

    review = client.get(_url("grants:review", application)).content.decode()
    assert "you cannot score it" in review and "Detached youth work" not in review  # no answers shown
    round_page = client.get(
        reverse("grants:round", args=["alpha", funding.grant_round.public_id])
    ).content.decode()
    assert "You have no applications left to score" in round_page
    manager_page = _as(client, manager).get(_url("grants:review", application)).content.decode()
    assert third.full_name in manager_page and "I chair its board" in manager_page


def test_a_manager_moderates_with_reasons_and_approves_with_conditions(funding, world, client, manager):
    application = _eligible(funding, world, manager)
    fit, value = funding.criteria
    for assessor, scores in zip(
        funding.assessors, ({fit: (4, "Good"), value: (3, "")}, {fit: (5, ""), value: (3, "")}), strict=False
    ):
        services.scores_record(actor=assessor, application=application, scores=scores)
    _as(client, manager)
    page = client.get(_url("grants:moderate", application)).content.decode()
    assert "Spread 4 to 5" in page and "Save the agreed scores" in page

    # The assessors differed on the fit: the agreed score needs its reason; nothing is saved without it.
    agreed = _scores_form(funding, (4, ""), (3, ""))
    response = client.post(_url("grants:moderate", application), agreed)
    assert response.status_code == 400
    assert (
        "Say why the agreed score for ‘Fit with the partnership&#39;s priorities’ is 4: the assessors scored "
        "4, 5" in response.content.decode()
    )
    assert not ModeratedScore.objects.exists()
    response = client.post(
        _url("grants:moderate", application), _scores_form(funding, (4, "Reach is narrower"), (3, ""))
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.MODERATED
    assert {(m.criterion, m.score, m.reason) for m in ModeratedScore.objects.all()} == {
        (fit, 4, "Reach is narrower"),
        (value, 3, ""),
    }

    # Moderated: an assessor now sees the other's scores too.
    assessor_page = _as(client, funding.assessors[1]).get(_url("grants:review", application)).content.decode()
    assert funding.assessors[0].full_name in assessor_page and "Good" in assessor_page

    _as(client, manager)
    decision = {
        "decision": Decision.APPROVE_WITH_CONDITIONS,
        "reason": "Meets the pass mark",
        "conditions": "",
    }
    response = client.post(_url("grants:decide", application), decision)
    assert response.status_code == 400
    assert "Say what the conditions are, or approve without conditions" in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.MODERATED
    decision["conditions"] = "DBS checks for every youth worker"
    assert client.post(_url("grants:decide", application), decision).status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert application.decision == Decision.APPROVE_WITH_CONDITIONS
    assert application.conditions == "DBS checks for every youth worker"

    page = client.get(_url("grants:review", application)).content.decode()
    assert "Approve with conditions" in page and "DBS checks for every youth worker" in page
    assert f'href="{_url("grants:offer", application)}"' in page  # approved, not offered yet
    assert "Approved</strong> by" in page and "Meets the pass mark" in page  # the history


def test_a_manager_rules_eligibility_and_rejects_with_reasons(funding, world, client, manager):
    application = _submitted(funding, world)
    _as(client, manager)
    response = client.post(_url("grants:eligibility", application), {"eligible": "no", "reason": ""})
    assert response.status_code == 400
    assert "Say why the application is not eligible" in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert client.post(_url("grants:eligibility", application), {"eligible": "yes"}).status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ELIGIBLE

    ineligible = _submitted(funding, world)
    client.post(_url("grants:eligibility", ineligible), {"eligible": "no", "reason": "Not a charity"})
    ineligible.refresh_from_db()
    assert ineligible.status == ApplicationStatus.INELIGIBLE
    assert ineligible.steps.get(kind="rule_ineligible").comment == "Not a charity"

    fit, value = funding.criteria
    services.scores_record(
        actor=funding.assessors[0], application=application, scores={fit: (1, ""), value: (1, "")}
    )
    services.moderation_record(actor=manager, application=application, agreed={fit: (1, ""), value: (1, "")})
    response = client.post(
        _url("grants:decide", application), {"decision": Decision.REJECT, "reason": "Below the pass mark"}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.status, application.decision_reason) == (
        ApplicationStatus.REJECTED,
        "Below the pass mark",
    )
    page = client.get(_url("grants:review", application)).content.decode()
    assert "Reject" in page and "Below the pass mark" in page and "Make an offer" not in page


def test_a_step_the_applications_state_does_not_allow_is_refused_on_the_page(funding, world, client, manager):
    application = _submitted(funding, world)  # not yet ruled eligible
    _as(client, manager)
    page = client.get(_url("grants:moderate", application))
    assert page.status_code == 200
    assert (
        "This application is submitted: it is moderated once it is eligible and scored"
        in page.content.decode()
    )
    response = client.post(_url("grants:moderate", application), _scores_form(funding, (4, "x"), (3, "x")))
    assert response.status_code == 400 and "There is a problem" in response.content.decode()
    assert not ModeratedScore.objects.exists()  # the scores written before the refusal were rolled back
    response = client.post(
        _url("grants:decide", application), {"decision": Decision.APPROVE, "reason": "Yes"}
    )
    assert response.status_code == 400
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED

    assessor = _as(client, funding.assessors[0])
    page = assessor.get(_url("grants:score", application)).content.decode()
    assert "it is scored only while eligible and not yet moderated" in page
    response = assessor.post(_url("grants:score", application), _scores_form(funding, (4, ""), (3, "")))
    assert response.status_code == 400
    assert not Score.objects.exists()

    services.eligibility_decide(actor=manager, application=application, eligible=True)
    response = _as(client, manager).post(_url("grants:eligibility", application), {"eligible": "yes"})
    assert (
        response.status_code == 400 and "it can be passed to the assessors only" in response.content.decode()
    )

    GrantRound.objects.filter(pk=funding.grant_round.pk).update(
        closes_at=timezone.now() - dt.timedelta(hours=1)
    )
    close_url = reverse("grants:round-close", args=["alpha", funding.grant_round.public_id])
    assert "This round has closed already" in client.get(close_url).content.decode()
    response = client.post(close_url)
    assert response.status_code == 400 and "This round has closed already" in response.content.decode()


def test_staff_who_may_not_see_an_application_get_404_and_those_who_may_not_act_get_403(
    funding, world, client, manager
):
    application = _eligible(funding, world, manager)
    other_round = GrantRoundFactory(fund=funding.grant_round.fund)
    stranger = UserFactory(email="assessor9@alpha.example", full_name="Other Round Assessor")
    MembershipFactory(
        user=stranger,
        partnership=world.a,
        organisation=world.records["a"]["priority"].lead_organisation,
        role=Role.GRANT_ASSESSOR,
    )
    other_round.assessors.add(stranger)
    everything = ["grants:review", "grants:eligibility", "grants:conflict", "grants:score", "grants:moderate"]
    for name in [*everything, "grants:decide"]:
        assert _as(client, stranger).get(_url(name, application)).status_code == 404, name
        assert _as(client, world.people["other_manager"]).get(_url(name, application)).status_code == 404, (
            name
        )
    close_url = reverse("grants:round-close", args=["alpha", funding.grant_round.public_id])
    assert client.post(close_url).status_code == 404  # still the other manager
    # B's slug with A's application: no such thing there either.
    assert client.get(reverse("grants:review", args=["beta", application.public_id])).status_code == 404
    response = _as(client, stranger).post(
        _url("grants:score", application), _scores_form(funding, (5, ""), (5, ""))
    )
    assert response.status_code == 404 and not Score.objects.exists()

    # Those who see it, but whose role does not allow the step: refused.
    assert _as(client, funding.assessors[0]).get(_url("grants:moderate", application)).status_code == 403
    assert _as(client, manager).get(_url("grants:score", application)).status_code == 403


def test_the_ranking_runs_a_total_against_the_money_left_and_shows_where_it_runs_out(
    funding, world, client, manager
):
    fit, value = funding.criteria  # weights 2 and 1, out of 5: 15 points at most
    fund = funding.grant_round.fund
    fund.total_pence = 4_000_000
    fund.save()
    ranked = {
        "Alpha park": (1_800_000, [(5, 5)], True),
        "Bravo estate": (1_500_000, [(4, 4), (4, 4)], False),
        "Charlie centre": (1_200_000, [(4, 2)], False),
        "Delta lanes": (900_000, [(2, 2)], False),
        "Echo market": (500_000, [], False),
    }
    for title, (pence, scores, moderated) in ranked.items():
        application = _eligible(funding, world, manager, amount_pence=pence, title=title)
        for assessor, (fit_score, value_score) in zip(funding.assessors, scores, strict=False):
            services.scores_record(
                actor=assessor,
                application=application,
                scores={fit: (fit_score, ""), value: (value_score, "")},
            )
        if moderated:
            fit_score, value_score = scores[0]
            services.moderation_record(
                actor=manager,
                application=application,
                agreed={fit: (fit_score, ""), value: (value_score, "")},
            )
    page = _as(client, manager).get(reverse("grants:round", args=["alpha", funding.grant_round.public_id]))
    html = page.content.decode().split('data-testid="ranking"')[1].split("</table>")[0]

    # Independently: each one's percentage of the 15 points, best first, and the running total of those at
    # or above the pass mark of 65%, against the fund's total (nothing is committed yet).
    def percent(scores: list[tuple[int, int]]) -> Decimal | None:
        if not scores:
            return None
        points = sum(2 * f + v for f, v in scores)
        return (Decimal(100 * points) / (15 * len(scores))).quantize(Decimal("0.1"))

    order = sorted(ranked, key=lambda t: (percent(ranked[t][1]) is None, -(percent(ranked[t][1]) or 0)))
    total, expected = 0, []
    for title in order:
        score = percent(ranked[title][1])
        if score is not None and score >= 65:
            total += ranked[title][0]
            expected.append((title, f"£{total // 100:,}.{total % 100:02d}"))
        else:
            expected.append((title, "–"))
    shown = re.findall(
        r'data-testid="ranked">.*?>([A-Z][a-z]+ [a-z]+)</a>.*?data-testid="running-total">([^<]*)<',
        html,
        re.S,
    )
    assert shown == expected
    assert [t for t, _ in expected] == [
        "Alpha park",
        "Bravo estate",
        "Charlie centre",
        "Delta lanes",
        "Echo market",
    ]
    # £18,000 + £15,000 fit in the £40,000; Charlie's £12,000 takes the total to £45,000: it runs out there.
    assert html.index('data-testid="runs-out"') < html.index("Charlie centre")
    assert html.index("Bravo estate") < html.index('data-testid="runs-out"')
    assert "funds the £33,000.00 asked for above" in html
    assert html.count("Would be funded") == 2 and html.count("Beyond the money left") == 1
    assert "Below the pass mark: not counted" in html and "Not ranked until scored" in html


def test_an_assessor_sees_their_work_list_on_the_rounds_page(funding, world, client, manager):
    application = _eligible(funding, world, manager, title="Foxtrot youth")
    url = reverse("grants:round", args=["alpha", funding.grant_round.public_id])
    assessor = _as(client, funding.assessors[0])
    work = assessor.get(url).content.decode().split('data-testid="to-score"')[1].split("</ul>")[0]
    assert "Foxtrot youth" in work and f'href="{_url("grants:score", application)}"' in work
    assessor.post(_url("grants:score", application), _scores_form(funding, (3, ""), (3, "")))
    assert "You have no applications left to score" in assessor.get(url).content.decode()


def test_html_an_applicant_typed_is_escaped_on_the_review_page(funding, world, client, manager):
    application = application_complete(funding, world)
    services.application_section_save(
        actor=funding.applicant,
        application=application,
        section=ApplicationSection.PROJECT,
        values={
            "title": f"Safer streets {SCRIPT}",
            "summary": f"Youth work {SCRIPT}",
            "amount_requested_pence": 1_200_000,
            "starts_on": None,
            "ends_on": None,
        },
    )
    application = services.application_submit(actor=funding.applicant, application=application)
    page = _as(client, manager).get(_url("grants:review", application)).content.decode()
    assert SCRIPT not in page
    assert "Youth work &lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_manager_confirms_and_closes_a_round(funding, world, client, manager):
    application_complete(funding, world)  # a draft still being written
    url = reverse("grants:round-close", args=["alpha", funding.grant_round.public_id])
    page = _as(client, manager).get(url).content.decode()
    assert "1 application is still being written" in page and "Close the round" in page
    response = client.post(url)
    assert response.status_code == 302
    funding.grant_round.refresh_from_db()
    assert funding.grant_round.closes_at <= timezone.now()
    assert AuditEvent.objects.filter(
        verb=AuditVerb.UPDATED, actor=manager, target_id=str(funding.grant_round.public_id)
    ).exists()
    assert _as(client, funding.assessors[0]).get(url).status_code == 403
