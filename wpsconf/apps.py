from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """Django's admin on our site class: a second factor for staff who see personal data (wpsconf.staff)."""

    default_site = "wpsconf.staff.StaffAdminSite"

    def ready(self) -> None:
        super().ready()  # every app's admin module is loaded here
        from django.contrib import admin

        from wpsconf.staff_admin import install_staff_admin

        install_staff_admin(admin.site)
