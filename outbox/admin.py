from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from outbox import kinds, services
from outbox.models import OutgoingEmail
from wpsconf.admin_filters import LanguageFilter, language_name
from wpsconf.admin_lookups import OnlyTheListsOwnFilters
from wpsconf.log_filters import redact

WITH_PERSONAL_LINKS = ("body_text", "body_html", "calendar")


class KindFilter(admin.SimpleListFilter):
    title = _("kind")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return kinds.choices()

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


class OutgoingEmailInline(admin.TabularInline):
    """The email history on the recipient's admin page."""

    model = OutgoingEmail
    extra = 0
    can_delete = False
    fields = ("created_at", "kind_shown", "status", "attempts", "sent_at", "last_error")
    readonly_fields = fields
    ordering = ("-created_at", "-pk")
    verbose_name_plural = _("email history")

    @admin.display(description=_("kind"))
    def kind_shown(self, email: OutgoingEmail) -> str:
        return email.get_kind_display()

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(OnlyTheListsOwnFilters, admin.ModelAdmin):
    list_display = (
        "created_at",
        "recipient",
        "kind_shown",
        "language_shown",
        "status",
        "attempts",
        "sent_at",
        "last_error",
    )
    list_filter = ("status", KindFilter, LanguageFilter)
    search_fields = ("to",)
    list_select_related = ("recipient",)
    # The bodies carry the person's personal link: staff read them with the link blanked out.
    readonly_fields = [
        *(
            "language_shown" if field.name == "language" else field.name
            for field in OutgoingEmail._meta.fields
            if field.name not in WITH_PERSONAL_LINKS
        ),
        "text_shown",
        "html_shown",
    ]
    exclude = (*WITH_PERSONAL_LINKS, "language")  # shown by its name instead
    actions = ["retry"]
    view_on_site = False

    @admin.display(description=_("kind"), ordering="kind")
    def kind_shown(self, email: OutgoingEmail) -> str:
        return email.get_kind_display()

    @admin.display(description=_("language"), ordering="language")
    def language_shown(self, email: OutgoingEmail) -> str:
        return language_name(email.language)

    @admin.display(description=_("text"))
    def text_shown(self, email: OutgoingEmail) -> str:
        return redact(email.body_text)

    @admin.display(description=_("HTML"))
    def html_shown(self, email: OutgoingEmail) -> str:
        return redact(email.body_html)  # shown as escaped source, never rendered in the admin

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Retry the selected failed emails"), permissions=["change"])
    def retry(self, request, queryset) -> None:
        count = services.retry_failed(queryset)
        self.message_user(
            request,
            ngettext("%(count)d email queued again.", "%(count)d emails queued again.", count) % {"count": count},
        )
