from django.urls import path

from saferhub.crimedata import views

app_name = "crimedata"

data = "p/<slug:slug>/data/"

urlpatterns = [
    path(data, views.data_index, name="index"),
    path(data + "imports/", views.import_list, name="imports"),
    path(data + "imports/new/", views.import_new, name="import-new"),
    path(data + "imports/<uuid:run_id>/", views.import_detail, name="import"),
    path(data + "imports/<uuid:run_id>/confirm/", views.import_confirm, name="import-confirm"),
    path(data + "imports/<uuid:run_id>/discard/", views.import_discard, name="import-discard"),
    path(
        data + "imports/<uuid:run_id>/versions/<uuid:version_id>/restore/",
        views.version_restore,
        name="version-restore",
    ),
    path(data + "imports/<uuid:run_id>/progress.json", views.import_progress, name="import-progress"),
    path(data + "imports/<uuid:run_id>/rejected-rows.csv", views.import_report, name="import-report"),
    path(data + "mappings/", views.mapping_list, name="mappings"),
    path(data + "mappings/new/", views.mapping_new, name="mapping-new"),
    path(data + "coverage/", views.coverage, name="coverage"),
    path(data + "quality/", views.quality, name="quality"),
    path(data + "indicators/", views.indicator_list, name="indicators"),
    path(data + "indicators/new/", views.indicator_new, name="indicator-new"),
    path(data + "indicators/<uuid:indicator_id>/", views.indicator_detail, name="indicator"),
    path(data + "indicators/<uuid:indicator_id>/edit/", views.indicator_edit, name="indicator-edit"),
    path(data + "indicators/<uuid:indicator_id>/remove/", views.indicator_remove, name="indicator-remove"),
]
