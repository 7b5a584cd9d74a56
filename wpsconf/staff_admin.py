"""Staff accounts in the admin: the way back for someone who lost their phone.

And no device pages of django-otp's own: they show device secrets, and speak neither
Russian nor Kazakh.
"""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice


class StaffUserAdmin(UserAdmin):
    """Django's user admin, with the way back for someone who lost their phone."""

    actions = [*UserAdmin.actions, "reset_second_factor"]

    @admin.action(
        description=_("Reset two-factor sign-in (they set it up again at their next sign-in)"),
        permissions=["change"],
    )
    def reset_second_factor(self, request: HttpRequest, queryset) -> None:
        count = 0
        for user in queryset:
            for device in devices_for_user(user, confirmed=None):
                device.delete()
            count += 1
        self.message_user(
            request,
            ngettext(
                "Two-factor sign-in reset for %(count)d person.",
                "Two-factor sign-in reset for %(count)d people.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


def install_staff_admin(site: admin.AdminSite) -> None:
    """Called when the admin is ready: our user admin, and none of django-otp's."""
    for model in (TOTPDevice, StaticDevice):
        if site.is_registered(model):
            site.unregister(model)
    user_model = get_user_model()
    if site.is_registered(user_model):
        site.unregister(user_model)
    site.register(user_model, StaffUserAdmin)
