from django.urls import path

from saferhub.performance import views
from saferhub.performance.models import ReturnSection

app_name = "performance"

base = "p/<slug:slug>/performance/"
quarterly_return = base + "returns/<uuid:return_id>/"

urlpatterns = [
    path(base, views.index, name="index"),
    path(base + "rag-rule/", views.rag_rule, name="rag-rule"),
    path(base + "county/", views.county, name="county"),
    path(base + "priorities/<uuid:priority_id>/measures/new/", views.measure_new, name="measure-new"),
    path(base + "measures/<uuid:measure_id>/", views.measure_detail, name="measure"),
    path(base + "measures/<uuid:measure_id>/edit/", views.measure_edit, name="measure-edit"),
    path(base + "measures/<uuid:measure_id>/figures/new/", views.measure_figure, name="measure-figure"),
    path(base + "rounds/new/", views.round_new, name="round-new"),
    path(base + "rounds/<uuid:round_id>/", views.round_detail, name="round"),
    path(base + "rounds/<uuid:round_id>/board-pack/", views.pack_generate, name="pack-generate"),
    path(quarterly_return, views.return_detail, name="return"),
    *[
        path(
            quarterly_return + f"{section.value}/",
            views.return_section,
            {"section": section.value},
            name=f"return-{section.value}",
        )
        for section in ReturnSection
    ],
    path(quarterly_return + "check/", views.return_check, name="return-check"),
    path(quarterly_return + "decide/", views.return_decide, name="return-decide"),
    path(base + "board-packs/<uuid:pack_id>/", views.pack_detail, name="pack"),
    path(base + "board-packs/<uuid:pack_id>/pdf/", views.pack_pdf, name="pack-pdf"),
    path(base + "board-packs/<uuid:pack_id>/publish/", views.pack_publish, name="pack-publish"),
    path(base + "plans/<uuid:plan_id>/changes/", views.plan_changes, name="plan-changes"),
    path(base + "plans/<uuid:plan_id>/carry-forward/", views.carry_forward, name="carry-forward"),
]
