from django.urls import path

from saferhub.documents import views

app_name = "documents"

document = "p/<slug:slug>/documents/<uuid:document_id>/"

urlpatterns = [
    path(document, views.document_detail, name="document"),
    path(document + "progress.json", views.document_progress, name="progress"),
    path(document + "download/", views.document_download, name="download"),
    path(document + "try-again/", views.document_retry, name="retry"),
]
