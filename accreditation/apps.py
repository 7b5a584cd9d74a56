from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccreditationConfig(AppConfig):
    name = "accreditation"
    verbose_name = _("Accreditation")

    def ready(self) -> None:
        from accreditation import mail
        from outbox import kinds

        kinds.register(mail.MediaEmailKind.choices, mail.write, written_at_once=mail.WRITTEN_AT_ONCE)
