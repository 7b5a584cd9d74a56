from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _

from wpsconf.search import register_sqlite_function


class RegistrationConfig(AppConfig):
    name = "registration"
    verbose_name = _("Registration")

    def ready(self) -> None:
        from outbox import kinds
        from registration import mail
        from registration.models import EmailKind

        kinds.register(EmailKind.choices, mail.write, written_at_once=mail.WRITTEN_AT_ONCE)
        # Case-insensitive search in every script needs its SQLite function on each connection.
        connection_created.connect(register_sqlite_function, dispatch_uid="wpsconf.search.sqlite_lower")
