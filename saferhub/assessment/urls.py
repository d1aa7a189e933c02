from django.urls import path

from saferhub.assessment import views

app_name = "assessment"

assessment = "p/<slug:slug>/assessments/<uuid:assessment_id>/"

urlpatterns = [
    path("p/<slug:slug>/assessments/", views.assessment_list, name="assessments"),
    path("p/<slug:slug>/assessments/new/", views.assessment_new, name="assessment-new"),
    path(assessment, views.assessment_detail, name="assessment"),
    path(assessment + "headline.csv", views.headline_download, name="headline-csv"),
    path(assessment + "trends/", views.assessment_trends, name="trends"),
    path(assessment + "places/", views.assessment_places, name="places"),
    path(assessment + "settings/", views.assessment_settings, name="settings"),
    path(assessment + "issues/new/", views.issue_new, name="issue-new"),
    path(assessment + "scoring/", views.scoring, name="scoring"),
    path(assessment + "scoring/<uuid:issue_id>/", views.issue_score, name="issue-score"),
    path(assessment + "workshop/", views.workshop, name="workshop"),
    path(assessment + "workshop/<uuid:issue_id>/", views.issue_agree, name="issue-agree"),
    path(assessment + "ranking/", views.ranking, name="ranking"),
    path(assessment + "priorities/", views.priorities, name="priorities"),
    path(assessment + "priorities/<uuid:chosen_id>/remove/", views.priority_remove, name="priority-remove"),
    path(assessment + "priorities/<uuid:chosen_id>/plan/", views.priority_to_plan, name="priority-to-plan"),
    path(assessment + "report/", views.report, name="report"),
    path(assessment + "report.pdf", views.report_pdf, name="report-pdf"),
]
