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
    path("", include("saferhub.grants.urls")),
    path("", include("saferhub.governance.urls")),
    path("", include("saferhub.asb.urls")),
    path("", include("saferhub.documents.urls")),
    path("", include("saferhub.audit.urls")),
    path("api/v1/", api.urls),
]

# The site's own error pages, in its layout. The server error page needs no database or session.
handler400 = "saferhub.core.views.bad_request"
handler403 = "saferhub.core.views.permission_denied"
handler404 = "saferhub.core.views.page_not_found"
handler500 = "saferhub.core.views.server_error"
