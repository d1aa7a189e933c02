"""An assessment from creation to chosen priorities: partners score on their own, the workshop agrees, the
partnership chooses and the plan links back; and who may do each step."""

import datetime as dt
from pathlib import Path

import pytest
from django.urls import reverse

from saferhub import crimedata
from saferhub.assessment import selectors, services
from saferhub.assessment.documents import REPORT_PDF, report_pdf_params
from saferhub.assessment.models import AgreedScore, Assessment, ChosenPriority, Score
from saferhub.assessment.scoring import shipped_models
from saferhub.assessment.tests.factories import AssessmentFactory, IssueFactory
from saferhub.audit.models import AuditEvent
from saferhub.crimedata.models import Indicator, IndicatorSet
from saferhub.crimedata.services import indicators_load
from saferhub.crimedata.tests.factories import IndicatorFactory
from saferhub.documents.models import Document
from saferhub.documents.registry import document_kind
from saferhub.partnerships.models import Partnership

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessment(world):
    Partnership.objects.filter(pk=world.a.pk).update(area_codes=["E06000016"])
    world.a.refresh_from_db()
    robbery = IndicatorFactory(
        partnership=None, slug="robbery", name="Robbery", sources=["police.uk-street"], categories=["Robbery"]
    )
    return services.assessment_create(
        actor=world.people["analyst"],
        partnership=world.a,
        title="Strategic assessment 2023/24",
        label="2023/24",
        period_kind="financial-year",
        last_month=dt.date(2024, 3, 1),
        years=5,
        indicators=[robbery],
        model=shipped_models()["morile-style"],
    )


def _url(name, assessment, **kwargs):
    return reverse(
        f"assessment:{name}",
        kwargs={"slug": assessment.partnership.slug, "assessment_id": assessment.public_id, **kwargs},
    )


def _issue(assessment, title):
    return assessment.issues.get(title=title)


def test_a_new_assessment_weighs_each_indicator_and_the_issues_no_file_counts(assessment):
    titles = list(assessment.issues.values_list("title", flat=True))
    assert titles[0] == "Robbery"
    assert (
        "Modern slavery and human trafficking" in titles
        and "County lines and child criminal exploitation" in titles
    )
    assert assessment.issues.get(title="Robbery").indicator.slug == "robbery"
    assert AuditEvent.objects.filter(target_id=str(assessment.public_id), verb="created").exists()


def test_the_same_period_twice_is_refused(assessment, world):
    with pytest.raises(services.AssessmentError, match="already has an assessment called 2023/24"):
        services.assessment_create(
            actor=world.people["analyst"],
            partnership=world.a,
            title="Again",
            label="2023/24",
            period_kind="financial-year",
            last_month=dt.date(2024, 3, 1),
            years=5,
            indicators=list(Indicator.objects.all()),
            model=shipped_models()["morile-style"],
        )


def test_two_partners_score_alone_then_the_workshop_agrees_and_the_ranking_follows(assessment, world):
    slavery = _issue(assessment, "Modern slavery and human trafficking")
    lines = _issue(assessment, "County lines and child criminal exploitation")
    first, second = world.people["analyst"], world.people["theme_lead"]
    high = {
        "harm-individuals": 4,
        "harm-communities": 3,
        "harm-environment": 2,
        "volume": 2,
        "trend": 3,
        "confidence": 2,
        "capacity": 3,
        "capability": 3,
        "influence": 3,
    }
    services.scores_record(
        actor=first, issue=slavery, scores={k: (v, "NRM referrals doubled") for k, v in high.items()}
    )
    services.scores_record(
        actor=second, issue=slavery, scores={k: (max(v - 2, 0), "Few cases seen") for k, v in high.items()}
    )
    services.scores_record(actor=first, issue=lines, scores=dict.fromkeys(high, (3, "")))

    views = {view.issue.title: view for view in selectors.issue_views(assessment)}
    harm = next(d for d in views[slavery.title].dimensions if d.slug == "harm-individuals")
    assert (harm.spread.values, harm.spread.median, harm.value) == ((2, 4), 3.0, 3.0)
    assert views[slavery.title].scorers == 2

    ranked = selectors.ranking_of(assessment)
    order = [result.title for result in ranked.results if result.rank]
    assert order == [lines.title, slavery.title]  # 3s all round beat the partners' middling median

    for dimension in ("harm-individuals", "harm-communities", "volume", "trend", "confidence"):
        services.score_agree(
            actor=world.people["partnership_manager"],
            issue=slavery,
            dimension=dimension,
            value=4,
            rationale="NRM data",
        )
    assert AgreedScore.objects.filter(issue=slavery).count() == 5
    ranked = selectors.ranking_of(assessment)
    assert next(r.title for r in ranked.results if r.rank) == slavery.title

    services.scores_record(actor=second, issue=slavery, scores={"harm-individuals": (None, "")})
    assert not Score.objects.filter(issue=slavery, scorer=second, dimension="harm-individuals").exists()
    assert AuditEvent.objects.filter(target_id=str(slavery.public_id), verb="updated").count() >= 4


def test_an_indicators_volume_and_trend_come_from_the_data_not_from_partners(assessment):
    robbery = _issue(assessment, "Robbery")
    model = selectors.scoring_model_of(assessment)
    assert "volume" not in selectors.partner_dimensions(model, robbery)
    slavery = _issue(assessment, "Modern slavery and human trafficking")
    assert "volume" in selectors.partner_dimensions(model, slavery)


def test_the_chosen_priority_becomes_a_plan_priority_that_links_back(assessment, world):
    slavery = _issue(assessment, "Modern slavery and human trafficking")
    manager = world.people["partnership_manager"]
    chosen = services.priority_choose(
        actor=manager, assessment=assessment, issue=slavery, reason="Highest harm; hidden"
    )
    with pytest.raises(services.AssessmentError, match="already a chosen priority"):
        services.priority_choose(actor=manager, assessment=assessment, issue=slavery, reason="Again")
    priority = services.priority_add_to_plan(actor=manager, chosen=chosen, plan=world.records["a"]["plan"])
    assert priority.title == slavery.title
    assert priority.assessment_choice == chosen
    assert "Highest harm; hidden" in priority.description
    with pytest.raises(services.AssessmentError, match="another partnership"):
        services.priority_add_to_plan(actor=manager, chosen=chosen, plan=world.records["b"]["plan"])


def test_an_issue_of_another_assessment_cannot_be_chosen(assessment, world):
    stranger = IssueFactory(assessment=AssessmentFactory(partnership=world.b), title="Theirs")
    with pytest.raises(services.AssessmentError, match="not part of this assessment"):
        services.priority_choose(
            actor=world.people["partnership_manager"], assessment=assessment, issue=stranger, reason="x"
        )


def test_the_new_assessment_form_explains_each_mistake_and_saves_nothing(assessment, client, world):
    client.force_login(world.people["analyst"])
    before = Assessment.objects.count()
    response = client.post(
        reverse("assessment:assessment-new", args=[world.a.slug]),
        {
            "title": "",
            "label": "2023/24",
            "period_kind": "weekly",
            "last_month": "2024-13",
            "years": "0",
            "scoring_model": "morile-style",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    for message in (
        "Enter a title",
        "There is already an assessment for 2023/24",
        "Enter the month as a year and month, like 2024-03",
        "Compare at least 2 years",
        "Choose an indicator set or at least one indicator",
    ):
        assert message in page
    assert Assessment.objects.count() == before


def test_a_title_with_markup_and_a_formula_is_shown_as_text(client, world):
    Partnership.objects.filter(pk=world.a.pk).update(area_codes=["E06000016"])
    robbery = IndicatorFactory(
        partnership=None, slug="robbery", name="Robbery", sources=["police.uk-street"], categories=["Robbery"]
    )
    client.force_login(world.people["analyst"])
    response = client.post(
        reverse("assessment:assessment-new", args=[world.a.slug]),
        {
            "title": "<script>alert(1)</script>=SUM(A1)",
            "label": "2024/25",
            "period_kind": "financial-year",
            "last_month": "2025-03",
            "years": "5",
            "indicators": [robbery.pk],
            "scoring_model": "morile-style",
            "accept_periods_without_data": "on",  # the test's store is empty
        },
    )
    assert response.status_code == 302
    created = Assessment.objects.get(label="2024/25")
    page = client.get(_url("assessment", created)).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_a_partner_scores_through_the_page_and_must_score_something(assessment, client, world):
    slavery = _issue(assessment, "Modern slavery and human trafficking")
    client.force_login(world.people["theme_lead"])
    url = _url("issue-score", assessment, issue_id=slavery.public_id)
    assert client.post(url, {"rationale": "no idea"}).status_code == 400
    assert not Score.objects.exists()
    response = client.post(url, {"harm-individuals": "4", "influence": "1", "rationale": "Seen in casework"})
    assert response.status_code == 302
    assert dict(
        Score.objects.filter(scorer=world.people["theme_lead"]).values_list("dimension", "value")
    ) == {"harm-individuals": 4, "influence": 1}
    scoring = client.get(_url("scoring", assessment)).content.decode()
    assert "You have scored 1 of" in scoring


def test_who_may_do_what(assessment, client, world):
    slavery = _issue(assessment, "Modern slavery and human trafficking")
    client.force_login(world.people["county_manager"])  # sees the partnership, has no role in it
    assert client.get(_url("assessment", assessment)).status_code == 200
    assert (
        client.post(
            _url("issue-score", assessment, issue_id=slavery.public_id), {"influence": "1"}
        ).status_code
        == 403
    )
    for reader in ("board_member", "case_officer"):  # read, but not at the scoring workshop
        client.force_login(world.people[reader])
        assert client.get(_url("scoring", assessment)).status_code == 200
        score = _url("issue-score", assessment, issue_id=slavery.public_id)
        assert client.post(score, {"influence": "1"}).status_code == 403
    assert not Score.objects.exists()
    client.force_login(world.people["theme_lead"])
    assert (
        client.post(_url("priorities", assessment), {"issue": slavery.pk, "reason": "x"}).status_code == 403
    )
    assert not ChosenPriority.objects.exists()
    client.force_login(world.people["other_manager"])
    assert client.get(_url("assessment", assessment)).status_code == 404
    assert (
        client.get(
            reverse(
                "assessment:assessment", kwargs={"slug": world.b.slug, "assessment_id": assessment.public_id}
            )
        ).status_code
        == 404
    )


def test_a_partnership_without_areas_is_told_why_there_are_no_figures(assessment, client, world):
    Partnership.objects.filter(pk=world.a.pk).update(area_codes=[])
    client.force_login(world.people["analyst"])
    response = client.get(_url("assessment", assessment))
    assert response.status_code == 200
    assert "has no areas recorded" in response.content.decode()


def test_the_what_if_weights_rerank_without_saving(assessment, client, world):
    client.force_login(world.people["analyst"])
    response = client.get(_url("ranking", assessment), {"weight_influence": "3"})
    assert "Trying other weights" in response.content.decode()
    assert selectors.scoring_model_of(assessment).dimension("influence").weight == 1.0
    response = client.get(_url("ranking", assessment), {"weight_influence": "lots"})
    assert "Enter the weight of Influence as a number, like 1" in response.content.decode()


def test_the_plans_priority_page_says_which_assessment_chose_it_and_why(assessment, client, world):
    slavery = _issue(assessment, "Modern slavery and human trafficking")
    manager = world.people["partnership_manager"]
    chosen = services.priority_choose(
        actor=manager, assessment=assessment, issue=slavery, reason="Hidden <harm>"
    )
    priority = services.priority_add_to_plan(actor=manager, chosen=chosen, plan=world.records["a"]["plan"])
    client.force_login(world.people["board_member"])
    page = client.get(
        reverse(
            "plans:priority",
            kwargs={
                "slug": world.a.slug,
                "plan_id": priority.plan.public_id,
                "priority_id": priority.public_id,
            },
        )
    ).content.decode()
    assert "Chosen in" in page and "Strategic assessment 2023/24</a>: Hidden &lt;harm&gt;" in page
    other = world.records["a"]["priority"]
    page = client.get(
        reverse(
            "plans:priority",
            kwargs={"slug": world.a.slug, "plan_id": other.plan.public_id, "priority_id": other.public_id},
        )
    ).content.decode()
    assert "Chosen in" not in page


def test_a_serious_violence_needs_assessment_is_an_assessment_of_that_set(client, world):
    """The serious violence duty's needs assessment: the partnership's own indicator set, in its order."""
    Partnership.objects.filter(pk=world.a.pk).update(area_codes=["E06000016"])
    indicators_load(
        path_or_text=Path(crimedata.__file__).parent / "indicators" / "leicester-serious-violence.toml",
        partnership=world.a,
    )
    serious = IndicatorSet.objects.get(partnership=world.a, slug="leicester-serious-violence")
    client.force_login(world.people["analyst"])
    response = client.post(
        reverse("assessment:assessment-new", args=[world.a.slug]),
        {
            "title": "Serious violence strategic needs assessment 2024",
            "label": "SV 2024",
            "period_kind": "rolling-12",
            "last_month": "2023-12",
            "years": "3",
            "indicator_set": serious.pk,
            "scoring_model": "morile-style",
            "accept_periods_without_data": "on",  # the test's store is empty
        },
    )
    assert response.status_code == 302
    created = Assessment.objects.get(label="SV 2024")
    assert [i.slug for i in selectors.indicators_of(created)] == [
        "leicester-serious-violence",
        "leicester-sv-violence-and-sexual-offences",
        "leicester-sv-robbery",
        "leicester-sv-weapons",
    ]


def test_the_ranking_says_in_a_few_words_what_an_unranked_issue_lacks(assessment, client, world):
    slavery = _issue(assessment, "Modern slavery and human trafficking")
    services.scores_record(
        actor=world.people["analyst"],
        issue=slavery,
        scores={"harm-individuals": (3, ""), "volume": (2, ""), "trend": (2, "")},
    )
    ranked = selectors.ranking_of(assessment)
    results = {result.title: result for result in ranked.results}
    assert ranked.missing(results[slavery.title]) == (
        "Still to score: harm (2 of 3), confidence, partnership position"
    )
    assert ranked.missing(results["County lines and child criminal exploitation"]) == "Not scored yet"
    client.force_login(world.people["analyst"])
    page = client.get(_url("ranking", assessment)).content.decode()
    assert "Not scored: " not in page
    assert "issues are not ranked yet" in page


def test_weights_that_leave_harm_or_likelihood_weighing_nothing_are_refused(assessment, client, world):
    client.force_login(world.people["analyst"])
    zero_harm = {
        "weight_harm-individuals": "0",
        "weight_harm-communities": "0",
        "weight_harm-environment": "0",
    }
    page = client.get(_url("ranking", assessment), zero_harm).content.decode()
    assert "Give at least one harm dimension a weight above 0" in page
    assert "Trying other weights" not in page
    assert "Harm: weights from 0 to 10" in page  # the what-if weights grouped, with a legend
    assert 'name="weight_confidence"' not in page  # its weight changes nothing
    form = client.get(_url("settings", assessment)).content.decode()
    assert "Confidence in the information (confidence): weight" not in form
    assert "Harm to individuals (harm): weight" in form
    values = {"cell_size": "250", "comparator_codes": "", "position_weight": "0.5", "summary": ""}
    values |= {f"weight_{slug}": "1" for slug in ("volume", "trend", "capacity", "capability", "influence")}
    response = client.post(_url("settings", assessment), values | zero_harm)
    assert "Give at least one harm dimension a weight above 0" in response.content.decode()
    assert selectors.scoring_model_of(assessment).dimension("harm-individuals").weight == 1.0
    response = client.post(_url("settings", assessment), values | dict.fromkeys(zero_harm, "2"))
    assert response.status_code == 302
    assessment.refresh_from_db()
    model = selectors.scoring_model_of(assessment)
    assert model.dimension("harm-individuals").weight == 2.0
    assert model.dimension("confidence").weight == 1.0  # not on the form, kept


def test_partners_reasons_are_shown_in_the_workshop_the_agree_page_and_the_full_report_only(
    assessment, client, world
):
    slavery = _issue(assessment, "Modern slavery and human trafficking")
    services.scores_record(
        actor=world.people["analyst"],
        issue=slavery,
        scores={
            "harm-individuals": (4, "NRM referrals <doubled>"),
            "influence": (3, "NRM referrals <doubled>"),
        },
    )
    services.scores_record(
        actor=world.people["theme_lead"], issue=slavery, scores={"harm-individuals": (2, "Few cases seen")}
    )
    client.force_login(world.people["partnership_manager"])
    pages = {
        "workshop": client.get(_url("workshop", assessment)),
        "agree": client.get(_url("issue-agree", assessment, issue_id=slavery.public_id)),
        "report": client.get(_url("report", assessment)),
    }
    for name, response in pages.items():
        page = response.content.decode()
        assert response.status_code == 200, name
        assert "Partners’ reasons" in page, name
        assert "Harm to individuals 4, Influence 3:</span> NRM referrals &lt;doubled&gt;" in page, name
        assert "Harm to individuals 2:</span> Few cases seen" in page, name
        assert world.people["analyst"].full_name not in page.split("Partners’ reasons")[1][:2000], name
    public = client.get(_url("report", assessment), {"version": "public"}).content.decode()
    assert "Few cases seen" not in public and "Partners’ reasons" not in public


def test_asking_for_the_report_pdf_answers_at_once_with_its_progress_page(
    client, world, assessment, crime_store, django_capture_on_commit_callbacks
):
    client.force_login(world.people["board_member"])
    with django_capture_on_commit_callbacks() as queued:
        response = client.get(_url("report-pdf", assessment))
    document = Document.objects.get()
    assert response.status_code == 302
    assert response.url == f"/p/alpha/documents/{document.public_id}/"
    assert len(queued) == 1
    page = client.get(response.url).content.decode()
    assert "Strategic assessment 2023/24: the full report (PDF)" in page
    assert "Waiting to start: 0% done" in page


def test_the_made_report_pdf_is_kept_until_the_figures_change(
    client, world, assessment, crime_store, django_capture_on_commit_callbacks
):
    client.force_login(world.people["analyst"])
    with django_capture_on_commit_callbacks(execute=True):
        client.get(_url("report-pdf", assessment))
    made = Document.objects.get(status="made")
    response = client.get(_url("report-pdf", assessment))
    assert response.url == f"/p/alpha/documents/{made.public_id}/download/"
    download = client.get(response.url)
    assert download["Content-Disposition"] == 'attachment; filename="alpha-202324-full.pdf"'
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(
        verb="viewed", target_id=str(assessment.public_id), context__document=str(made.public_id)
    ).exists()

    # The public version is a document of its own.
    with django_capture_on_commit_callbacks() as queued:
        public = client.get(_url("report-pdf", assessment) + "?version=public")
    assert len(queued) == 1 and public.url != response.url

    # A change to what the report is made from makes a new one on the next ask.
    services.assessment_update(
        actor=world.people["analyst"], assessment=assessment, values={"summary": "Violence is up."}
    )
    with django_capture_on_commit_callbacks() as queued:
        again = client.get(_url("report-pdf", assessment))
    assert len(queued) == 1
    assert again.url != response.url and "/download/" not in again.url


def test_another_partnership_cannot_ask_for_the_report_pdf(client, world, assessment, crime_store):
    client.force_login(world.people["other_manager"])
    assert client.get(_url("report-pdf", assessment)).status_code == 404
    assert not Document.objects.exists()


def test_the_report_pdfs_fingerprint_follows_what_the_report_is_made_from(world, assessment):
    fingerprint = document_kind(REPORT_PDF).fingerprint
    params = report_pdf_params(assessment, public=False)
    seen = {fingerprint(world.a, params)}
    services.issue_add(actor=world.people["analyst"], assessment=assessment, title="Knife crime")
    seen.add(fingerprint(world.a, params))
    robbery = assessment.indicators.get()
    robbery.categories = ["Robbery", "Theft from the person"]
    robbery.save()  # its definition, as load_indicators changes it
    seen.add(fingerprint(world.a, params))
    services.priority_choose(
        actor=world.people["partnership_manager"],
        assessment=assessment,
        issue=assessment.issues.get(title="Knife crime"),
        reason="Rising",
    )
    seen.add(fingerprint(world.a, params))
    assert len(seen) == 4
    assert fingerprint(world.a, params) == fingerprint(world.a, params)  # nothing changed: the same
