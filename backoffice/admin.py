"""The back office's views on the registrations admin (the participation dashboard and the exports)
and on the delegations admin (the protocol lists).

They look across apps (the dashboard counts the press by outlet type), so they join the
registrations admin from here, the way projects extend `UserAdmin`: registration's admin,
subclassed and registered again.
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.exceptions import DisallowedModelAdminLookup
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agenda.models import Conference
from backoffice import dashboard, exports, protocol
from backoffice.protocol_pdf import protocol_pdf
from delegations.admin import DelegationAdmin
from delegations.models import Delegation
from registration.admin import RegistrationAdmin
from registration.models import Registration

admin.site.unregister(Registration)
admin.site.unregister(Delegation)


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


@admin.register(Delegation)
class DelegationWithProtocolListsAdmin(DelegationAdmin):
    def get_urls(self):
        protocol_list = self.admin_site.admin_view(self.protocol_list_view)
        return [
            path("protocol-list/", protocol_list, name="delegations_protocol_list"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        languages = [(code, name) for code, name in settings.LANGUAGES if code in protocol.LANGUAGES]
        context = {"protocol_languages": languages, "protocol_formats": protocol.FORMATS}
        return super().changelist_view(request, {**(extra_context or {}), **context})

    def protocol_list_view(self, request):
        """The participants by delegation of one conference (the one the list is filtered on, else
        the presented one), in the language asked for, whatever the organiser's own."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        language, kind = request.GET.get("language"), request.GET.get("format")
        if language not in protocol.LANGUAGES or kind not in dict(protocol.FORMATS):
            raise Http404
        conference = Conference.objects.chosen_or_current(request.GET.get("conference"))
        if conference is None:
            raise Http404
        name = f"protocol-list-{conference.slug}-{language}.{kind}"
        if kind == "pdf":
            response = HttpResponse(protocol_pdf(conference, language), content_type="application/pdf")
        elif kind == "csv":
            response = HttpResponse(protocol.csv_export(conference, language), content_type="text/csv; charset=utf-8")
        else:
            return FileResponse(
                protocol.xlsx_export(conference, language),
                as_attachment=True,
                filename=name,
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
