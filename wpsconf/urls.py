from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from wpsconf.health import healthz
from wpsconf.security_headers import csp_report

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("csp-report/", csp_report, name="csp-report"),
]

urlpatterns += i18n_patterns(
    path("", include("agenda.urls")),
    path("", include("registration.urls")),
    path("", include("accreditation.urls")),
    path("", include("delegations.urls")),
    prefix_default_language=False,
)

handler500 = "wpsconf.outages.server_error_or_busy"
