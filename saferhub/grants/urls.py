from django.urls import path

from saferhub.grants import views

app_name = "grants"

base = "p/<slug:slug>/funding/"

urlpatterns = [
    path(base, views.index, name="index"),
    path(base + "funds/new/", views.fund_new, name="fund-new"),
    path(base + "funds/<uuid:fund_id>/", views.fund_detail, name="fund"),
    path(base + "funds/<uuid:fund_id>/rounds/new/", views.round_new, name="round-new"),
    path(base + "rounds/<uuid:grant_round_id>/", views.round_detail, name="round"),
]
