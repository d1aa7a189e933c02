from django.urls import path

from saferhub.grants import views
from saferhub.grants.models import ApplicationSection

app_name = "grants"

base = "p/<slug:slug>/funding/"
# Applying for funding: the pages of the people applying, outside any partnership.
applying = "funding/"
application = applying + "applications/<uuid:application_id>/"

urlpatterns = [
    path(base, views.index, name="index"),
    path(base + "funds/new/", views.fund_new, name="fund-new"),
    path(base + "funds/<uuid:fund_id>/", views.fund_detail, name="fund"),
    path(base + "funds/<uuid:fund_id>/rounds/new/", views.round_new, name="round-new"),
    path(base + "rounds/<uuid:grant_round_id>/", views.round_detail, name="round"),
    path(applying, views.apply_home, name="apply-home"),
    path(applying + "rounds/<uuid:grant_round_id>/", views.apply_round, name="apply-round"),
    path(application, views.application_detail, name="application"),
    *[
        path(
            application + f"{section.value.replace('_', '-')}/",
            views.application_section,
            {"section": section.value},
            name=f"application-{section.value}",
        )
        for section in ApplicationSection
    ],
    path(application + "check/", views.application_check, name="application-check"),
]
