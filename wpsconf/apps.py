"""Our own app configurations: Django's admin on our site class, and names in every language
for the libraries' apps, whose own names ("Axes", "Otp_Totp") were never translatable."""

from axes.apps import AppConfig as DjangoAxesConfig
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.apps import DefaultConfig as DjangoOtpStaticConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as DjangoOtpTotpConfig


class AdminConfig(DjangoAdminConfig):
    """Django's admin on our site class: a second factor for staff who see personal data (wpsconf.staff)."""

    default_site = "wpsconf.staff.StaffAdminSite"

    def ready(self) -> None:
        super().ready()  # every app's admin module is loaded here
        from django.contrib import admin

        from wpsconf.staff_admin import install_staff_admin

        install_staff_admin(admin.site)


class AxesConfig(DjangoAxesConfig):
    verbose_name = _("Sign-in protection")


class OtpTotpConfig(DjangoOtpTotpConfig):
    verbose_name = _("Authenticator apps")


class OtpStaticConfig(DjangoOtpStaticConfig):
    verbose_name = _("Recovery codes")
