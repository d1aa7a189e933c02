from django.urls import path

from saferhub.audit import views

app_name = "audit"

urlpatterns = [
    path("p/<slug:slug>/audit/", views.partnership_log, name="partnership-log"),
    path("p/<slug:slug>/history/<slug:model>/<uuid:record_id>/", views.record_history, name="record-history"),
]
