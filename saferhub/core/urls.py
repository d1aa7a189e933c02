from django.templatetags.static import static
from django.urls import path
from django.views.generic import RedirectView

from saferhub.core import views

app_name = "core"

urlpatterns = [
    path("accessibility/", views.accessibility_statement, name="accessibility"),
    path("healthz", views.health, name="health"),
    path("favicon.ico", RedirectView.as_view(url=static("govuk/assets/images/favicon.ico")), name="favicon"),
]
