"""The back office's views on the registrations admin: the participation dashboard and the exports.

They look across apps (the dashboard counts the press by outlet type), so they join the
registrations admin from here, the way projects extend `UserAdmin`: registration's admin,
subclassed and registered again.
"""

from django.contrib import admin
from django.contrib.admin.exceptions import DisallowedModelAdminLookup
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agenda.models import Conference
from backoffice import dashboard, exports
from registration.admin import RegistrationAdmin
from registration.models import Registration

admin.site.unregister(Registration)


@admin.register(Registration)
class RegistrationWithFiguresAdmin(RegistrationAdmin):
    def get_urls(self):
        export = self.admin_site.admin_view(self.export_view)
        dashboard_view = self.admin_site.admin_view(self.dashboard_view)
        return [
            path("export.<str:kind>", export, name="registration_registration_export"),
            path("dashboard/", dashboard_view, name="registration_dashboard"),
            *super().get_urls(),
        ]

    def dashboard_view(self, request):
        """Participation figures of one conference (the presented one unless another is chosen)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        conferences = Conference.objects.order_by("-starts_at")
        conference = Conference.objects.chosen_or_current(request.GET.get("conference"))
        numbers = dashboard.figures(conference) if conference else None
        return TemplateResponse(
            request,
            "admin/backoffice/dashboard.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Participation"),
                "conference": conference,
                "conferences": conferences,
                "figures": numbers,
                "smallest_group": dashboard.SMALLEST_GROUP,
            },
        )

    def export_view(self, request, kind: str):
        """The list as currently filtered and searched, as CSV (streamed) or Excel."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        if kind not in ("csv", "xlsx"):
            raise Http404
        try:
            changelist = self.get_changelist_instance(request)
        except (IncorrectLookupParameters, DisallowedModelAdminLookup):
            # As the list itself does with a filter it cannot apply: back to the list, unfiltered.
            return redirect(reverse("admin:registration_registration_changelist") + "?e=1")
        registrations = changelist.queryset.order_by("last_name", "first_name", "pk")
        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        if kind == "csv":
            response = StreamingHttpResponse(exports.csv_export(registrations), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="registrations-{stamp}.csv"'
            return response
        return FileResponse(
            exports.xlsx_export(registrations),
            as_attachment=True,
            filename=f"registrations-{stamp}.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
