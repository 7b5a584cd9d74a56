from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from wpsconf.health import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]

urlpatterns += i18n_patterns(
    path("", include("agenda.urls")),
    path("", include("registration.urls")),
    path("", include("accreditation.urls")),
    prefix_default_language=False,
)
