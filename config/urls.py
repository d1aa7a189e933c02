from django.urls import include, path

from saferhub.api.views import api

urlpatterns = [
    path("", include("saferhub.core.urls")),
    path("", include("saferhub.accounts.urls")),
    path("", include("saferhub.partnerships.urls")),
    path("", include("saferhub.plans.urls")),
    path("", include("saferhub.crimedata.urls")),
    path("", include("saferhub.assessment.urls")),
    path("", include("saferhub.performance.urls")),
    path("", include("saferhub.audit.urls")),
    path("api/v1/", api.urls),
]
