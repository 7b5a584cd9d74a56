from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    name = "outbox"
    verbose_name = _("Outgoing email")

    def ready(self) -> None:
        from outbox.delivery import backlog
        from wpsconf import health

        health.register("outbox", backlog)
